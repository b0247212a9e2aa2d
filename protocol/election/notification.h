#pragma once
// The election notification as it travels between servers' election ports
// (FastLeaderElection.buildMsg / Messenger.WorkerReceiver.run; protocol/notes/fle.md §1).
//
// Version 2 layout, big-endian: int32 state, int64 leader, int64 zxid, int64 electionEpoch,
// int64 peerEpoch, int32 version (=2), int32 configLength, config bytes (the sender's quorum
// verifier as text). The sender's sid is not on the wire: it comes from the connection.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "protocol/base/io.h"
#include "protocol/election/vote.h"

namespace zab {

// FastLeaderElection.Notification.CURRENTVERSION.
inline constexpr std::int32_t kNotificationVersion = 2;
// Shortest payload WorkerReceiver accepts: the pre-3.4 format (state, leader, zxid, round).
inline constexpr std::size_t kNotificationMinBytes = 28;
// Bytes before the config text in a version-2 notification.
inline constexpr std::size_t kNotificationHeaderBytes = 44;

struct Notification {
  ServerState state = ServerState::kLooking;  // the sender's peer state (any int32 once decoded)
  ServerId leader;                            // whom it votes for, or believes leads
  Zxid zxid;                                  // that leader's last zxid, as the sender knows it
  std::int64_t election_epoch = 0;            // the round the vote belongs to
  std::int64_t peer_epoch = 0;                // that leader's currentEpoch
  std::int32_t version = kNotificationVersion;
  std::string config;                         // the sender's quorum verifier text (version > 1)
  ServerId sid;                               // the sender; from the connection, not the wire

  // The vote it carries, as lookForLeader stores it in outofelection
  // (Vote(n.version, n.leader, n.zxid, n.electionEpoch, n.peerEpoch, n.state)).
  Vote vote() const {
    return Vote{.version = version, .id = leader, .zxid = zxid, .election_epoch = election_epoch,
                .peer_epoch = peer_epoch, .state = state};
  }
};

// Always version 2 with the config text; `sid` is not encoded.
Bytes encode_notification(const Notification& n);

// WorkerReceiver's parse: a payload under 28 bytes, a config length that is negative or longer
// than the payload, or a payload that ends early is malformed (nullopt; ZOOKEEPER-3769 skips
// such messages). The older 28-byte (peerEpoch from the zxid) and 40-byte (version 0) layouts
// are accepted. The state is not checked here: WorkerReceiver answers non-voters before it
// looks at the state (is_known_state).
std::optional<Notification> decode_notification(ServerId sid, std::span<const std::uint8_t> payload);

// "NOTIFICATION LOOKING leader=3 zxid=0x100000002 round=1 peerEpoch=1", for timelines.
std::string describe_notification(std::span<const std::uint8_t> payload);

}  // namespace zab
