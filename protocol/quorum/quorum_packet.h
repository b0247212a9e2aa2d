#pragma once
// The packets of the quorum port (leader <-> learners): ZooKeeper's QuorumPacket — type int,
// zxid long, data buffer, authinfo vector (always empty here) — with the type numbers of
// Leader.java. After SNAP the leader sends the serialized snapshot and the signature
// "BenWasHere" as raw records on the same stream; we carry them as the data of one
// kSnapshotData record that follows SNAP, with the same ordering guarantees.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/base/codec.h"
#include "protocol/base/ids.h"

namespace zab {

enum class PacketType : std::int32_t {
  kRequest = 1,
  kProposal = 2,
  kAck = 3,
  kCommit = 4,
  kPing = 5,
  kRevalidate = 6,
  kSync = 7,
  kInform = 8,
  kNewLeader = 10,
  kFollowerInfo = 11,
  kUpToDate = 12,
  kDiff = 13,
  kTrunc = 14,
  kSnap = 15,
  kObserverInfo = 16,
  kLeaderInfo = 17,
  kAckEpoch = 18,
  // Not a ZooKeeper packet type: the raw snapshot stream that follows SNAP (see above).
  kSnapshotData = 1000,
};

const char* packet_name(PacketType type);

struct QuorumPacket {
  PacketType type = PacketType::kPing;
  Zxid zxid;
  std::optional<Bytes> data;  // null in most packets
  bool operator==(const QuorumPacket&) const = default;
};

// The first byte of an encoded packet on the wire is this tag, so the simulator's trace can
// name the message type without decoding (Node::message_type).
constexpr std::uint8_t kQuorumWireTag = 0x51;  // 'Q'

Bytes encode_packet(const QuorumPacket& packet);
std::optional<QuorumPacket> decode_packet(std::span<const std::uint8_t> bytes);
std::string describe_packet(const QuorumPacket& packet);

// LearnerInfo, the payload of FOLLOWERINFO: serverid long, protocolVersion int, configVersion long.
struct LearnerInfo {
  ServerId sid;
  std::int32_t protocol_version = 0x10000;
  std::int64_t config_version = 0;
};
Bytes encode_learner_info(const LearnerInfo& info);
std::optional<LearnerInfo> decode_learner_info(std::span<const std::uint8_t> bytes);

// The 4-byte big-endian int that LEADERINFO (protocol version) and ACKEPOCH (currentEpoch, or
// -1 when the epoch was not newly accepted) carry.
Bytes encode_int(std::int32_t value);
std::optional<std::int32_t> decode_int(std::span<const std::uint8_t> bytes);

}  // namespace zab
