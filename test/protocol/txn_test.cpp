#include "protocol/database/txn.h"

#include <doctest/doctest.h>

using namespace zab;

TEST_CASE("every txn type round-trips through its jute encoding") {
  const TxnHeader h{SessionId{0x0100000000000007}, 12, Zxid::make(3, 9), 1700, OpCode::kCreate};
  std::vector<Txn> txns = {
      Txn{h, CreateTxn{"/a/b", Bytes{1, 2, 3}, true, 4}},
      Txn{TxnHeader{h.session, 13, Zxid::make(3, 10), 1701, OpCode::kDelete}, DeleteTxn{"/a/b"}},
      Txn{TxnHeader{h.session, 14, Zxid::make(3, 11), 1702, OpCode::kSetData}, SetDataTxn{"/a", Bytes{9}, 5}},
      Txn{TxnHeader{h.session, 0, Zxid::make(3, 12), 1703, OpCode::kCreateSession}, CreateSessionTxn{4000}},
      Txn{TxnHeader{h.session, 0, Zxid::make(3, 13), 1704, OpCode::kCloseSession}, CloseSessionTxn{{"/e1", "/e2"}}},
      Txn{TxnHeader{h.session, 15, Zxid::make(3, 14), 1705, OpCode::kError}, ErrorTxn{Err::kNodeExists}},
  };
  for (const Txn& t : txns) {
    const Bytes b = encode_txn(t);
    const auto back = decode_txn(b);
    REQUIRE(back.has_value());
    CHECK(*back == t);
  }
}

TEST_CASE("the txn header has ZooKeeper's layout: clientId, cxid, zxid, time, type, big-endian") {
  const Txn t{TxnHeader{SessionId{1}, 2, Zxid::make(1, 3), 4, OpCode::kDelete}, DeleteTxn{"/x"}};
  const Bytes b = encode_txn(t);
  REQUIRE(b.size() == 8 + 4 + 8 + 8 + 4 + 4 + 2);
  CHECK(b[7] == 1);    // clientId low byte
  CHECK(b[11] == 2);   // cxid
  CHECK(b[15] == 1);   // zxid epoch (low byte of the high word)
  CHECK(b[19] == 3);   // zxid counter
  CHECK(b[27] == 4);   // time
  CHECK(b[31] == 2);   // type delete
}

TEST_CASE("truncated or trailing bytes are not a txn") {
  const Txn t{TxnHeader{SessionId{1}, 2, Zxid::make(1, 3), 4, OpCode::kSetData}, SetDataTxn{"/x", Bytes{1}, 1}};
  Bytes b = encode_txn(t);
  for (std::size_t n = 0; n < b.size(); ++n) {
    CHECK_FALSE(decode_txn(std::span<const std::uint8_t>(b.data(), n)).has_value());
  }
  b.push_back(0);
  CHECK_FALSE(decode_txn(b).has_value());
}

TEST_CASE("zxids order by epoch then counter and print as ZooKeeper names files") {
  CHECK(Zxid::make(1, 0xffffffff) < Zxid::make(2, 0));
  CHECK(Zxid::make(2, 5).epoch() == 2);
  CHECK(Zxid::make(2, 5).counter() == 5);
  CHECK(Zxid::make(1, 1).hex() == "100000001");
}

TEST_CASE("adler32 matches the reference values") {
  const std::string s = "Wikipedia";
  CHECK(adler32(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())) == 0x11E60398);
  CHECK(adler32({}) == 1);
}

TEST_CASE("the codec refuses short reads and absurd lengths without reading past the end") {
  Bytes b = {0, 0, 0, 5, 'a', 'b'};
  Reader r(b);
  CHECK(r.string().empty());
  CHECK_FALSE(r.ok());
  Bytes huge = {0x7f, 0xff, 0xff, 0xff};
  Reader r2(huge);
  CHECK_FALSE(r2.buffer().has_value());
  CHECK_FALSE(r2.ok());
}

