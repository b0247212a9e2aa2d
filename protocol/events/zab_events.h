#pragma once
// The events of ZooKeeper's atomic broadcast that a server reports (codes 200-249): its state
// and epochs, the life of a txn (proposed, logged, committed, applied, truncated, replayed),
// snapshots, the leader's sync choice and the end of a role. The checkers judge a run by them;
// timelines and the recovery table print them. One definition each (field.h says how).

#include <cstdint>
#include <tuple>

#include "protocol/events/field.h"
#include "protocol/events/reasons.h"

namespace zab::ev {

// A server's role changed: LOOKING, FOLLOWING or LEADING (leader 0 while LOOKING).
struct PeerState {
  static constexpr std::uint16_t kCode = 200;
  static constexpr const char* kName = "peer_state";
  ServerState state = ServerState::kLooking;
  ServerId leader;
  Epoch current_epoch = 0;
  static constexpr auto fields() {
    return std::tuple{Field{"state", &PeerState::state}, Field{"leader", &PeerState::leader},
                      Field{"current_epoch", &PeerState::current_epoch}};
  }
};

// acceptedEpoch is durable.
struct AcceptedEpoch {
  static constexpr std::uint16_t kCode = 201;
  static constexpr const char* kName = "accepted_epoch";
  Epoch epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"epoch", &AcceptedEpoch::epoch}}; }
};

// currentEpoch is durable.
struct CurrentEpoch {
  static constexpr std::uint16_t kCode = 202;
  static constexpr const char* kName = "current_epoch";
  Epoch epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"epoch", &CurrentEpoch::epoch}}; }
};

// The leader proposed a txn.
struct Proposed {
  static constexpr std::uint16_t kCode = 203;
  static constexpr const char* kName = "proposed";
  Zxid zxid;
  std::uint64_t txn_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &Proposed::zxid}, Field{"txn_hash", &Proposed::txn_hash}}; }
};

// A txn is durable in this server's txn log.
struct Logged {
  static constexpr std::uint16_t kCode = 204;
  static constexpr const char* kName = "logged";
  Zxid zxid;
  std::uint64_t txn_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &Logged::zxid}, Field{"txn_hash", &Logged::txn_hash}}; }
};

// The sids whose ACKs formed a commit's quorum: bit N set for sN.
struct QuorumMask {
  std::uint64_t bits = 0;
  constexpr bool has(std::uint64_t sid) const { return sid < 64 && ((bits >> sid) & 1) != 0; }
};
constexpr std::uint64_t to_word(QuorumMask q) { return q.bits; }

// The leader committed a txn with the quorum `quorum`.
struct Committed {
  static constexpr std::uint16_t kCode = 205;
  static constexpr const char* kName = "committed";
  Zxid zxid;
  QuorumMask quorum;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &Committed::zxid}, Field{"quorum", &Committed::quorum}}; }
};

// A txn entered the data tree; `committed_log`: it was added to the committedLog.
struct Applied {
  static constexpr std::uint16_t kCode = 206;
  static constexpr const char* kName = "applied";
  Zxid zxid;
  std::uint64_t txn_hash = 0;
  bool committed_log = false;
  ApplySource source = ApplySource::kDelivered;
  static constexpr auto fields() {
    return std::tuple{Field{"zxid", &Applied::zxid}, Field{"txn_hash", &Applied::txn_hash},
                      Field{"committed_log", &Applied::committed_log}, Field{"source", &Applied::source}};
  }
};

// The txn log was truncated to `zxid`.
struct Truncated {
  static constexpr std::uint16_t kCode = 207;
  static constexpr const char* kName = "truncated";
  Zxid zxid;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &Truncated::zxid}}; }
};

struct SnapshotWritten {
  static constexpr std::uint16_t kCode = 208;
  static constexpr const char* kName = "snapshot_written";
  Zxid zxid;
  bool fsynced = false;
  static constexpr auto fields() {
    return std::tuple{Field{"zxid", &SnapshotWritten::zxid}, Field{"fsynced", &SnapshotWritten::fsynced}};
  }
};

// SNAP sync: the tree was replaced by the leader's at `zxid`.
struct SnapshotLoaded {
  static constexpr std::uint16_t kCode = 209;
  static constexpr const char* kName = "snapshot_loaded";
  Zxid zxid;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &SnapshotLoaded::zxid}}; }
};

// The leader chose how to sync `learner`, at `peer_zxid`; forwarding starts after `forward_from`.
struct SyncChosen {
  static constexpr std::uint16_t kCode = 210;
  static constexpr const char* kName = "sync_chosen";
  ServerId learner;
  SyncMode mode = SyncMode::kDiff;
  Zxid peer_zxid;
  Zxid forward_from;
  static constexpr auto fields() {
    return std::tuple{Field{"learner", &SyncChosen::learner}, Field{"mode", &SyncChosen::mode},
                      Field{"peer_zxid", &SyncChosen::peer_zxid}, Field{"forward_from", &SyncChosen::forward_from}};
  }
};

// The NEWLEADER quorum: the leader starts serving.
struct LeaderEstablished {
  static constexpr std::uint16_t kCode = 211;
  static constexpr const char* kName = "leader_established";
  Epoch epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"epoch", &LeaderEstablished::epoch}}; }
};

struct LeaderShutdown {
  static constexpr std::uint16_t kCode = 212;
  static constexpr const char* kName = "leader_shutdown";
  LeaderShutdownReason reason = LeaderShutdownReason::kEpochTimeout;
  static constexpr auto fields() { return std::tuple{Field{"reason", &LeaderShutdown::reason}}; }
};

// UPTODATE received: the follower serves.
struct FollowerSynced {
  static constexpr std::uint16_t kCode = 213;
  static constexpr const char* kName = "follower_synced";
  ServerId leader;
  Epoch epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"leader", &FollowerSynced::leader}, Field{"epoch", &FollowerSynced::epoch}}; }
};

// The learner sent the NEWLEADER ACK.
struct NewLeaderAcked {
  static constexpr std::uint16_t kCode = 214;
  static constexpr const char* kName = "newleader_acked";
  Epoch epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"epoch", &NewLeaderAcked::epoch}}; }
};

struct FollowerExit {
  static constexpr std::uint16_t kCode = 215;
  static constexpr const char* kName = "follower_exit";
  FollowerExitReason reason = FollowerExitReason::kConnectFailed;
  static constexpr auto fields() { return std::tuple{Field{"reason", &FollowerExit::reason}}; }
};

struct StartupRefused {
  static constexpr std::uint16_t kCode = 216;
  static constexpr const char* kName = "startup_refused";
  StartupRefusal reason = StartupRefusal::kDatabaseUnreadable;
  static constexpr auto fields() { return std::tuple{Field{"reason", &StartupRefused::reason}}; }
};

// What a server found on its disk at start.
struct Restored {
  static constexpr std::uint16_t kCode = 217;
  static constexpr const char* kName = "restored";
  Zxid last_zxid;
  Zxid snapshot_zxid;
  Epoch current_epoch = 0;
  Epoch accepted_epoch = 0;
  static constexpr auto fields() {
    return std::tuple{Field{"last_zxid", &Restored::last_zxid}, Field{"snapshot_zxid", &Restored::snapshot_zxid},
                      Field{"current_epoch", &Restored::current_epoch}, Field{"accepted_epoch", &Restored::accepted_epoch}};
  }
};

// The leader's epoch-ack quorum formed.
struct EpochAgreed {
  static constexpr std::uint16_t kCode = 218;
  static constexpr const char* kName = "epoch_agreed";
  Epoch epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"epoch", &EpochAgreed::epoch}}; }
};

// The leader dropped a learner's connection (learner 0: it never said who it was).
struct LearnerDropped {
  static constexpr std::uint16_t kCode = 219;
  static constexpr const char* kName = "learner_dropped";
  ServerId learner;
  LearnerDropReason reason = LearnerDropReason::kReadTimeout;
  static constexpr auto fields() { return std::tuple{Field{"learner", &LearnerDropped::learner}, Field{"reason", &LearnerDropped::reason}}; }
};

// A server refused a client session that had seen a later zxid than its own.
struct ClientRefused {
  static constexpr std::uint16_t kCode = 220;
  static constexpr const char* kName = "client_refused";
  std::uint64_t session = 0;
  Zxid client_zxid;
  Zxid server_zxid;
  static constexpr auto fields() {
    return std::tuple{Field{"session", &ClientRefused::session}, Field{"client_zxid", &ClientRefused::client_zxid},
                      Field{"server_zxid", &ClientRefused::server_zxid}};
  }
};

// A coverage mark: a named rare path was taken.
struct Coverage {
  static constexpr std::uint16_t kCode = 221;
  static constexpr const char* kName = "coverage";
  CoverageMark mark = CoverageMark::kSyncDiff;
  static constexpr auto fields() { return std::tuple{Field{"mark", &Coverage::mark}}; }
};

// The tree now stands at `zxid`: 0 = emptied, else a snapshot's zxid. With Replayed below, it
// lets the checkers follow a restart, a TRUNC's reload or an interrupted SNAP, and judge the
// order in which the log's txns re-enter the tree (where ZOOKEEPER-2845's stale txns would show).
struct TreeReset {
  static constexpr std::uint16_t kCode = 222;
  static constexpr const char* kName = "tree_reset";
  Zxid zxid;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &TreeReset::zxid}}; }
};

// A txn of the txn log replayed onto the tree.
struct Replayed {
  static constexpr std::uint16_t kCode = 223;
  static constexpr const char* kName = "replayed";
  Zxid zxid;
  std::uint64_t txn_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"zxid", &Replayed::zxid}, Field{"txn_hash", &Replayed::txn_hash}}; }
};

}  // namespace zab::ev
