#include "protocol/persistence/txn_log.h"

#include <doctest/doctest.h>

#include <string>

#include "protocol/base/codec.h"
#include "protocol/persistence/data_dir.h"
#include "protocol/persistence/txn_log_file.h"
#include "test/support/disk_driver.h"

using namespace zab;

namespace {

Txn set_data(Zxid zxid, std::uint8_t value = 7) {
  return Txn{TxnHeader{SessionId{0x100}, 1, zxid, 1000, OpCode::kSetData},
             SetDataTxn{"/a", Bytes{value, value}, static_cast<std::int32_t>(zxid.counter())}};
}

Zxid z(std::uint32_t counter) { return Zxid::make(1, counter); }

std::vector<Zxid> zxids(const std::vector<Txn>& txns) {
  std::vector<Zxid> out;
  for (const Txn& t : txns) out.push_back(t.header.zxid);
  return out;
}

std::vector<Zxid> range(std::uint32_t from, std::uint32_t to) {
  std::vector<Zxid> out;
  for (std::uint32_t c = from; c <= to; ++c) out.push_back(z(c));
  return out;
}

// A log of files [1..3], [4..6], [7..9], all fsynced; returns what a restart finds.
DurableFiles three_file_log() {
  test::DiskDriver d;
  FileTxnLog log({});
  std::vector<Output> out;
  for (std::uint32_t c = 1; c <= 9; ++c) {
    log.append(set_data(z(c)), out);
    if (c % 3 == 0) log.roll_log();
  }
  log.commit(1, out);
  d.apply_all(out);
  d.complete_fsyncs();
  return d.crash();
}

}  // namespace

TEST_CASE("a log file is the ZKLG header then crc, len, entry, 'B' records") {
  FileTxnLog log({});
  std::vector<Output> out;
  const Txn t = set_data(z(1));
  log.append(t, out);
  REQUIRE(out.size() == 2);
  const auto* header = std::get_if<out::WriteFile>(&out[0]);
  REQUIRE(header != nullptr);
  CHECK(header->file == "log.100000001");
  CHECK(header->bytes == Bytes{'Z', 'K', 'L', 'G', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0});
  const auto* record = std::get_if<out::Append>(&out[1]);
  REQUIRE(record != nullptr);
  const Bytes entry = encode_txn(t);
  Reader r(record->bytes);
  CHECK(r.u64() == adler32(entry));
  CHECK(r.i32() == static_cast<std::int32_t>(entry.size()));
  CHECK(r.raw(entry.size()) == entry);
  CHECK(r.u8() == 'B');
  CHECK(r.at_end());
}

TEST_CASE("appends read back in order across several files and a rollLog") {
  const DurableFiles files = three_file_log();
  std::vector<std::string> names;
  for (const auto& [name, bytes] : files) names.push_back(name);
  CHECK(names == std::vector<std::string>{"log.100000001", "log.100000004", "log.100000007"});

  const TxnLogRead all = read_txn_log(files, Zxid::zero());
  CHECK_FALSE(all.error.has_value());
  CHECK(zxids(all.txns) == range(1, 9));
  CHECK(all.txns[4] == set_data(z(5)));

  // A fast-forwarding read starts at the first txn at or above the zxid, in any file.
  CHECK(zxids(read_txn_log(files, z(5)).txns) == range(5, 9));
  // Without fast-forward it starts at the beginning of the file that may hold the zxid,
  // and the storage size counts the files after that one (getStorageSize).
  const TxnLogRead from_file = read_txn_log(files, z(5), false);
  CHECK(zxids(from_file.txns) == range(4, 9));
  CHECK(from_file.storage_size_bytes == files.at("log.100000007").size());
}

TEST_CASE("the in-memory index answers reads like the files do, before any fsync") {
  FileTxnLog log(three_file_log());
  std::vector<Output> out;
  log.append(set_data(z(10)), out);
  log.append(set_data(z(11)), out);
  CHECK(zxids(log.read(z(8)).txns) == range(8, 11));
  CHECK(log.get_last_logged_zxid() == z(11));
  CHECK(log.last_zxid_seen() == z(11));
  // The first append after start opens a new file, named after its zxid.
  REQUIRE(std::holds_alternative<out::WriteFile>(out[0]));
  CHECK(std::get<out::WriteFile>(out[0]).file == "log.10000000a");
}

TEST_CASE("commit fsyncs the open file and every file rolled away from since the last commit") {
  FileTxnLog log({});
  std::vector<Output> out;
  CHECK(log.commit(1, out) == 0);  // nothing ever appended: nothing to force
  log.append(set_data(z(1)), out);
  log.roll_log();
  log.append(set_data(z(2)), out);
  out.clear();
  CHECK(log.commit(7, out) == 2);
  REQUIRE(out.size() == 2);
  CHECK(std::get<out::Fsync>(out[0]).file == "log.100000001");
  CHECK(std::get<out::Fsync>(out[1]).file == "log.100000002");
  CHECK(std::get<out::Fsync>(out[1]).tag == 7);
  out.clear();
  // The open file is forced again at every commit, as FileTxnLog.commit does.
  CHECK(log.commit(8, out) == 1);
  CHECK(std::get<out::Fsync>(out[0]).file == "log.100000002");
}

TEST_CASE("appended records are durable only once the commit's fsyncs complete") {
  test::DiskDriver d;
  FileTxnLog log({});
  std::vector<Output> out;
  log.append(set_data(z(1)), out);
  log.commit(1, out);
  d.apply_all(out);
  d.complete_fsyncs();
  out.clear();
  log.append(set_data(z(2)), out);
  log.commit(2, out);
  d.apply_all(out);  // fsync issued, not completed
  const DurableFiles files = d.crash();
  CHECK(zxids(read_txn_log(files, Zxid::zero()).txns) == range(1, 1));
}

TEST_CASE("a torn last record, cut at any byte, reads as the end of the log") {
  FileTxnLog log({});
  std::vector<Output> out;
  for (std::uint32_t c = 1; c <= 3; ++c) log.append(set_data(z(c)), out);
  Bytes file = std::get<out::WriteFile>(out[0]).bytes;
  for (std::size_t i = 1; i < out.size(); ++i) {
    const Bytes& rec = std::get<out::Append>(out[i]).bytes;
    file.insert(file.end(), rec.begin(), rec.end());
  }
  const std::size_t last_size = std::get<out::Append>(out.back()).bytes.size();
  const std::size_t last_start = file.size() - last_size;
  for (std::size_t cut = last_start; cut < file.size(); ++cut) {
    CAPTURE(cut);
    DurableFiles files;
    files["log.100000001"] = Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut));
    const TxnLogRead read = read_txn_log(files, Zxid::zero());
    CHECK_FALSE(read.error.has_value());
    CHECK(zxids(read.txns) == range(1, 2));
  }
  // A torn record in an older file ends that file only: replay goes on in the next one.
  DurableFiles files;
  files["log.100000001"] = Bytes(file.begin(), file.end() - 1);
  FileTxnLog next({});
  std::vector<Output> more;
  next.append(set_data(z(4)), more);
  Bytes second = std::get<out::WriteFile>(more[0]).bytes;
  const Bytes& rec = std::get<out::Append>(more[1]).bytes;
  second.insert(second.end(), rec.begin(), rec.end());
  files["log.100000004"] = second;
  const TxnLogRead read = read_txn_log(files, Zxid::zero());
  CHECK_FALSE(read.error.has_value());
  CHECK(zxids(read.txns) == std::vector<Zxid>{z(1), z(2), z(4)});
}

TEST_CASE("a record whose end-of-record byte is not 'B' is a partial write, not an error") {
  DurableFiles files = three_file_log();
  Bytes& f = files.at("log.100000004");
  f.back() = 'X';  // the 'B' of txn 6
  const TxnLogRead read = read_txn_log(files, Zxid::zero());
  CHECK_FALSE(read.error.has_value());
  CHECK(zxids(read.txns) == std::vector<Zxid>{z(1), z(2), z(3), z(4), z(5), z(7), z(8), z(9)});
}

TEST_CASE("a flipped byte inside a complete record is a checksum error naming file and offset") {
  const DurableFiles good = three_file_log();
  const Bytes& f = good.at("log.100000004");
  const std::size_t record_size = (f.size() - kTxnLogHeaderBytes) / 3;
  const std::size_t second_record = kTxnLogHeaderBytes + record_size;
  // Bytes 0-7 are the crc, 8-11 the length, then the entry; the last one is the 'B'.
  for (std::size_t i = 0; i + 1 < record_size; ++i) {
    if (i >= 8 && i < 12) continue;  // a flipped length reads as another length (below)
    CAPTURE(i);
    DurableFiles files = good;
    files.at("log.100000004")[second_record + i] ^= 0x01;
    const TxnLogRead read = read_txn_log(files, Zxid::zero());
    REQUIRE(read.error.has_value());
    CHECK(read.error->message ==
          "log.100000004: offset " + std::to_string(second_record) + ": CRC check failed");
    CHECK(zxids(read.txns) == range(1, 4));  // what precedes the bad record was read
  }
  DurableFiles files = good;
  files.at("log.100000004")[second_record + 8] = 0x7f;  // length ~2 GiB: unreasonable
  const TxnLogRead read = read_txn_log(files, Zxid::zero());
  REQUIRE(read.error.has_value());
  CHECK(read.error->message.find("log.100000004: offset " + std::to_string(second_record) +
                                 ": Unreasonable length") == 0);
}

TEST_CASE("an empty or headerless log file is fatal, as in 3.8.0 (ZOOKEEPER-2332)") {
  DurableFiles files = three_file_log();
  files["log.10000000a"] = Bytes{};
  TxnLogRead read = read_txn_log(files, Zxid::zero());
  REQUIRE(read.error.has_value());
  CHECK(read.error->message.find("log.10000000a") != std::string::npos);
  CHECK(zxids(read.txns) == range(1, 9));
  // getLastLoggedZxid swallows the error and answers with the newest file's name.
  CHECK(get_last_logged_zxid(parse_log_files(files)) == z(10));

  files.erase("log.10000000a");
  files.at("log.100000007")[0] = 'X';
  read = read_txn_log(files, Zxid::zero());
  REQUIRE(read.error.has_value());
  CHECK(read.error->message.find("has invalid magic number") != std::string::npos);
}

TEST_CASE("truncate cuts after the target txn and removes every later file") {
  FileTxnLog log(three_file_log());
  std::vector<Output> out;
  REQUIRE_FALSE(log.truncate(z(5), out).has_value());
  REQUIRE(out.size() == 2);
  const auto& cut = std::get<out::Truncate>(out[0]);
  CHECK(cut.file == "log.100000004");
  const std::size_t record_size = log.files()[1].records[0].end_offset - kTxnLogHeaderBytes;
  CHECK(cut.size == kTxnLogHeaderBytes + 2 * record_size);
  CHECK(std::get<out::Remove>(out[1]).file == "log.100000007");
  CHECK(zxids(log.read(Zxid::zero()).txns) == range(1, 5));

  // The outputs do the same to real files.
  test::DiskDriver d;
  const DurableFiles before = three_file_log();
  for (const auto& [name, bytes] : before) {
    d.disk.write_file(name, bytes);
    d.disk.fsync_complete(d.disk.fsync_begin(name));
  }
  d.apply_all(out);
  d.disk.fsync_complete(d.disk.fsync_begin("log.100000004"));
  CHECK(zxids(read_txn_log(d.crash(), Zxid::zero()).txns) == range(1, 5));

  // After a truncate the next append opens a new file (ZooKeeper reopens the log).
  out.clear();
  log.append(set_data(z(6), 9), out);
  CHECK(std::get<out::WriteFile>(out[0]).file == "log.100000006");
  CHECK(zxids(log.read(Zxid::zero()).txns) == range(1, 6));
}

TEST_CASE("truncate to a zxid that is not in the log keeps nothing above it (deviation D27)") {
  FileTxnLog log({});
  std::vector<Output> out;
  for (std::uint32_t c : {1u, 2u, 4u, 5u}) log.append(set_data(z(c)), out);
  out.clear();
  REQUIRE_FALSE(log.truncate(z(3), out).has_value());
  // ZooKeeper keeps <1,4> (the first record >= the target); it was never committed.
  CHECK(zxids(log.read(Zxid::zero()).txns) == std::vector<Zxid>{z(1), z(2)});
}

TEST_CASE("truncate below a log's first txn cuts the file back to its header (a learner synced by SNAP)") {
  // The learner's log starts after its snapshot, at <1,5>; the leader tells it to TRUNC to
  // <1,4>, which only its snapshot holds, or to 0 (the fuzzer found both).
  for (const Zxid target : {z(4), Zxid::zero()}) {
    FileTxnLog log({});
    std::vector<Output> out;
    for (std::uint32_t c : {5u, 6u}) log.append(set_data(z(c)), out);
    out.clear();
    REQUIRE_FALSE(log.truncate(target, out).has_value());
    CHECK(std::get<out::Truncate>(out[0]).size == kTxnLogHeaderBytes);
    CHECK(log.read(Zxid::zero()).txns.empty());
  }
}

TEST_CASE("truncate beyond the end of the log is ZooKeeper's error and changes nothing") {
  FileTxnLog log(three_file_log());
  std::vector<Output> out;
  const auto error = log.truncate(z(10), out);
  REQUIRE(error.has_value());
  CHECK(error->message.find("No log files found to truncate!") == 0);
  CHECK(out.empty());
  CHECK(zxids(log.read(Zxid::zero()).txns) == range(1, 9));
}

TEST_CASE("log and snapshot names parse as Util.getZxidFromName does") {
  CHECK(zxid_from_name("log.100000001", kLogFilePrefix) == z(1));
  CHECK(zxid_from_name("snapshot.5.tmp", kSnapshotFilePrefix) == Zxid::from_raw(5));
  CHECK(zxid_from_name("log.1F", kLogFilePrefix) == Zxid::from_raw(0x1f));
  CHECK_FALSE(zxid_from_name("log.", kLogFilePrefix).has_value());
  CHECK_FALSE(zxid_from_name("log.xyz", kLogFilePrefix).has_value());
  CHECK_FALSE(zxid_from_name("logs.1", kLogFilePrefix).has_value());
  CHECK_FALSE(zxid_from_name("snapshot.1", kLogFilePrefix).has_value());
  CHECK_FALSE(zxid_from_name("log.8000000000000000", kLogFilePrefix).has_value());
  CHECK(make_log_name(Zxid::make(2, 0)) == "log.200000000");
  CHECK(make_snapshot_name(Zxid::zero()) == "snapshot.0");
}
