#include "protocol/quorum/quorum_packet.h"

#include <doctest/doctest.h>

using namespace zab;

TEST_CASE("quorum packets round-trip, with and without data") {
  for (const QuorumPacket& p : {QuorumPacket{PacketType::kProposal, Zxid::make(2, 7), Bytes{1, 2, 3}},
                                QuorumPacket{PacketType::kCommit, Zxid::make(2, 7), std::nullopt},
                                QuorumPacket{PacketType::kAckEpoch, Zxid::make(1, 9), encode_int(-1)}}) {
    const auto back = decode_packet(encode_packet(p));
    REQUIRE(back.has_value());
    CHECK(*back == p);
  }
}

TEST_CASE("a packet with trailing bytes or the wrong tag is refused") {
  Bytes b = encode_packet(QuorumPacket{PacketType::kPing, Zxid::zero(), std::nullopt});
  b.push_back(0);
  CHECK_FALSE(decode_packet(b).has_value());
  Bytes c = encode_packet(QuorumPacket{PacketType::kPing, Zxid::zero(), std::nullopt});
  c[0] = 0;
  CHECK_FALSE(decode_packet(c).has_value());
}

TEST_CASE("LearnerInfo and the ACKEPOCH int round-trip") {
  const auto info = decode_learner_info(encode_learner_info(LearnerInfo{ServerId{3}, 0x10000, 0}));
  REQUIRE(info.has_value());
  CHECK(info->sid == ServerId{3});
  CHECK(decode_int(encode_int(-1)) == -1);
  CHECK_FALSE(decode_int(Bytes{1, 2}).has_value());
}
