#include "protocol/quorum/quorum_packet.h"

#include <fmt/format.h>

#include <string_view>

#include "protocol/base/assert.h"

namespace zab {

const char* packet_name(PacketType type) {
  switch (type) {
    case PacketType::kRequest: return "REQUEST";
    case PacketType::kProposal: return "PROPOSAL";
    case PacketType::kAck: return "ACK";
    case PacketType::kCommit: return "COMMIT";
    case PacketType::kPing: return "PING";
    case PacketType::kRevalidate: return "REVALIDATE";
    case PacketType::kSync: return "SYNC";
    case PacketType::kInform: return "INFORM";
    case PacketType::kNewLeader: return "NEWLEADER";
    case PacketType::kFollowerInfo: return "FOLLOWERINFO";
    case PacketType::kUpToDate: return "UPTODATE";
    case PacketType::kDiff: return "DIFF";
    case PacketType::kTrunc: return "TRUNC";
    case PacketType::kSnap: return "SNAP";
    case PacketType::kObserverInfo: return "OBSERVERINFO";
    case PacketType::kLeaderInfo: return "LEADERINFO";
    case PacketType::kAckEpoch: return "ACKEPOCH";
    case PacketType::kSnapshotData: return "SNAPSHOT-DATA";
  }
  return "UNKNOWN";
}

Bytes encode_packet(const QuorumPacket& packet) {
  ZAB_ASSERT(std::string_view(packet_name(packet.type)) != "UNKNOWN", "only packet types ZooKeeper defines are sent");
  Writer w;
  w.u8(kQuorumWireTag);
  w.i32(static_cast<std::int32_t>(packet.type));
  w.u64(packet.zxid.raw());
  if (packet.data) {
    w.buffer(*packet.data);
  } else {
    w.null_buffer();
  }
  w.i32(0);  // authinfo: empty vector
  // tag (1), type (4), zxid (8), data length (4) and bytes, authinfo count (4).
  ZAB_ASSERT(w.bytes().size() == 21 + (packet.data ? packet.data->size() : 0), "a quorum packet's layout is fixed");
  return w.take();
}

std::optional<QuorumPacket> decode_packet(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  if (r.u8() != kQuorumWireTag) return std::nullopt;
  QuorumPacket p;
  p.type = static_cast<PacketType>(r.i32());
  p.zxid = Zxid::from_raw(r.u64());
  // A snapshot can exceed jute's 1 MiB buffer limit, so read its length without that check.
  const std::int32_t n = r.i32();
  if (n >= 0) {
    p.data = r.raw(static_cast<std::size_t>(n));
    ZAB_ASSERT(p.data->size() <= bytes.size(), "a packet's data lies within the packet");
  } else if (n != -1) {
    r.fail("negative data length");
  }
  if (r.i32() != 0) r.fail("authinfo is always empty");
  if (!r.at_end()) return std::nullopt;
  ZAB_ASSERT(r.position() == bytes.size(), "a decoded packet used every byte");
  return p;
}

std::string describe_packet(const QuorumPacket& p) {
  if (p.zxid.raw() == UINT64_MAX) return packet_name(p.type);
  return fmt::format("{} 0x{}", packet_name(p.type), p.zxid.hex());
}

Bytes encode_learner_info(const LearnerInfo& info) {
  ZAB_ASSERT(info.sid.value != 0, "a learner names itself by its (non-zero) myid");
  Writer w;
  w.u64(info.sid.value);
  w.i32(info.protocol_version);
  w.i64(info.config_version);
  ZAB_ASSERT(w.bytes().size() == 20, "LearnerInfo is a sid, a protocol version and a config version");
  return w.take();
}

std::optional<LearnerInfo> decode_learner_info(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  LearnerInfo info;
  info.sid = ServerId{r.u64()};
  info.protocol_version = r.i32();
  info.config_version = r.i64();
  if (!r.at_end()) return std::nullopt;
  return info;
}

Bytes encode_int(std::int32_t value) {
  Writer w;
  w.i32(value);
  ZAB_ASSERT(w.bytes().size() == 4, "an int is four bytes on the wire");
  return w.take();
}

std::optional<std::int32_t> decode_int(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  const std::int32_t v = r.i32();
  if (!r.at_end()) return std::nullopt;
  return v;
}

}  // namespace zab
