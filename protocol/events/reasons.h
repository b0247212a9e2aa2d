#pragma once
// The enumerations that events carry: peer states, sync modes, why a role ended, why a
// learner was dropped, why a notification was ignored, coverage marks. They belong to the
// event vocabulary (events.h), which depends on nothing but the identifier types; the protocol
// uses the same ones.

#include <cstdint>

namespace zab {

// QuorumPeer.ServerState, with its ordinals as they travel in a notification's state field.
// A decoded notification may carry any int32 here; is_known_state (vote.h) tells the four
// apart from the rest, which FLE.Messenger.WorkerReceiver drops.
enum class ServerState : std::int32_t { kLooking = 0, kFollowing = 1, kLeading = 2, kObserving = 3 };

// How the leader synchronizes a learner (LearnerHandler.syncFollower).
enum class SyncMode : std::uint8_t { kDiff, kTrunc, kTruncDiff, kSnap };
constexpr const char* sync_mode_name(SyncMode mode) {
  switch (mode) {
    case SyncMode::kDiff: return "DIFF";
    case SyncMode::kTrunc: return "TRUNC";
    case SyncMode::kTruncDiff: return "TRUNC+DIFF";
    case SyncMode::kSnap: return "SNAP";
  }
  return "?";
}

// Why a txn entered the data tree: only a delivery is a commit; a fast-forward replays the
// log's tail at the end of a term, committed or not (ZKDatabase.fastForwardDataBase,
// ZOOKEEPER-2845), and is not a delivery in Zab's sense.
enum class ApplySource : std::uint8_t {
  kDelivered = 0,    // a COMMIT (or the leader's own commit, or a sync-time COMMIT)
  kFastForward = 1,  // the log's tail at a role's end
};

enum class LeaderShutdownReason : std::uint8_t {
  kEpochTimeout = 1,          // "Timeout while waiting for epoch from quorum"
  kEpochAckTimeout = 2,       // "Timeout while waiting for epoch to be acked by quorum"
  kNewLeaderAckTimeout = 3,   // "Waiting for a quorum of followers, only synced with sids"
  kNotSufficientSynced = 4,   // "Not sufficient followers synced"
  kZxidRollover = 5,          // "zxid lower 32 bits have rolled over"
  kLearnerEpochAhead = 6,     // deviation D34: a late learner accepted a later epoch than this one
};
// In words, for timelines ("s3 stops leading: ...").
constexpr const char* describe(LeaderShutdownReason reason) {
  switch (reason) {
    case LeaderShutdownReason::kEpochTimeout: return "no epoch quorum in initLimit";
    case LeaderShutdownReason::kEpochAckTimeout: return "no epoch-ack quorum in initLimit";
    case LeaderShutdownReason::kNewLeaderAckTimeout: return "no NEWLEADER quorum in initLimit";
    case LeaderShutdownReason::kNotSufficientSynced: return "not sufficient followers synced";
    case LeaderShutdownReason::kZxidRollover: return "zxid counter rolled over";
    case LeaderShutdownReason::kLearnerEpochAhead: return "a learner accepted a later epoch (D34)";
  }
  return "?";
}

enum class FollowerExitReason : std::uint8_t {
  kConnectFailed = 1,      // "Failed connect to ..."
  kConnectionLost = 2,     // EOF / reset from the leader
  kReadTimeout = 3,        // SocketTimeoutException
  kEpochLower = 4,         // "Leaders epoch, N is less than accepted epoch, A"
  kBadPacket = 5,          // an unexpected packet during sync
  kTruncateFailed = 6,
};
// In words, for timelines ("s1 stops following: ...").
constexpr const char* describe(FollowerExitReason reason) {
  switch (reason) {
    case FollowerExitReason::kConnectFailed: return "cannot connect to the leader";
    case FollowerExitReason::kConnectionLost: return "connection to the leader lost";
    case FollowerExitReason::kReadTimeout: return "read timeout (leader silent)";
    case FollowerExitReason::kEpochLower: return "leader's epoch is older";
    case FollowerExitReason::kBadPacket: return "bad packet";
    case FollowerExitReason::kTruncateFailed: return "truncate failed";
  }
  return "?";
}

enum class LearnerDropReason : std::uint8_t {
  kReadTimeout = 1,
  kConnectionLost = 2,
  kFollowerAhead = 3,      // "Follower is ahead of the leader"
  kWaitTimeout = 4,        // a getEpochToPropose / waitForEpochAck / waitForNewLeaderAck timeout
  kSyncLimit = 5,          // "Closing connection to peer due to transaction timeout"
  kBadPacket = 6,
  kLeaderShutdown = 7,
};

// Why a server refused to start (QuorumPeer.loadDataBase).
enum class StartupRefusal : std::uint8_t {
  kCurrentEpochOlderThanLastZxid = 1,  // "The current epoch, N, is older than the last zxid, Z"
  kAcceptedEpochBelowCurrent = 2,      // "The accepted epoch, A is less than the current epoch, C"
  kDatabaseUnreadable = 3,             // the snapshot or the txn log could not be loaded
  kEpochFileUnreadable = 4,            // an epoch file could not be read ("Found null in ...")
};

// Why a notification did not count (FleIgnored).
enum class ElectionIgnoreReason : std::uint8_t {
  kStaleRound = 1,     // LOOKING, electionEpoch < logicalclock
  kNotVoter = 2,       // sender or its leader is not a voter (validVoter)
  kNoZxid = 3,         // LOOKING with zxid -1 (ZOOKEEPER-261)
  kOwnNoZxid = 4,      // our own last logged zxid is -1: LOOKING votes are ignored
  kObserving = 5,      // an OBSERVING notification
  kUnknownState = 6,   // a state ordinal outside 0..3
  kNotLooking = 7,     // we are not LOOKING and the sender is not either: no answer
};

// How an election ended by FOLLOWING/LEADING votes (FleJoined).
enum class JoinPath : std::uint8_t {
  kSameRound = 1,       // the votes of this round (recvset)
  kOutOfElection = 2,   // the votes of servers already serving (outofelection)
};

// Why a connection was refused before its workers started (CnxRejected).
enum class CnxRejectReason : std::uint8_t {
  kBadInitialMessage = 1,  // QuorumCnxManager.InitialMessage.parse failed
  kOwnSid = 2,             // the dialer claims our own sid (ZOOKEEPER-2164)
  kBadLength = 3,          // a frame of 0 bytes or over PACKETMAXSIZE
};

// Coverage marks (FoundationDB's CODE_PROBE): named rare paths of the protocol (coverage.h).
// New marks go at the end: a mark's number is in every trace that reaches it.
enum class CoverageMark : std::uint16_t {
  kSyncDiff = 1,              // the leader chose DIFF for a learner
  kSyncEmptyDiff,             // ... an empty DIFF (the learner was already in sync)
  kSyncTrunc,                 // ... TRUNC (the learner was ahead)
  kSyncTruncDiff,             // ... TRUNC followed by proposals
  kSyncSnap,                  // ... SNAP
  kSyncDiffFromTxnLog,        // ... DIFF served from the on-disk txn log, behind the window
  kLearnerTruncated,          // a learner truncated its log on TRUNC
  kLearnerLoadedSnapshot,     // a learner replaced its tree on SNAP
  kFollowerAhead,             // the leader refused an ACKEPOCH from a follower ahead of it
  kLeaderEpochLower,          // a learner refused a leader whose epoch is below its accepted one
  kEpochAlreadyAccepted,      // a learner sent ACKEPOCH -1 (it had accepted that epoch before)
  kLateJoiner,                // a learner joined after the epoch quorum had formed
  kNewLeaderAckNotCounted,    // an ACK of another zxid arrived in place of the NEWLEADER ACK
  kStepDownNotSynced,         // the leader lost its synced quorum
  kStepDownEpochTimeout,      // ... waiting for the epoch quorum
  kStepDownEpochAckTimeout,   // ... waiting for the epoch-ack quorum
  kStepDownNewLeaderTimeout,  // ... waiting for the NEWLEADER quorum
  kZxidRollover,              // the counter reached 0xffffffff: a new epoch is forced
  kLearnerSyncLimit,          // the leader dropped a learner that did not ack in syncLimit
  kFollowerReadTimeout,       // a follower heard nothing from its leader for its read timeout
  kInterruptedSnapCleared,    // a learner interrupted during SNAP cleared its database
  kUnservedLearnerFastForwarded,  // a learner that left before UPTODATE fast-forwarded (D30)
  kStartupRefused,            // a server refused to start (epoch files or database)
  kClientRefusedBehind,       // a server refused a client that had seen more than it
  kSessionExpired,            // the leader expired a session
  kCommitWithoutLeaderAck,    // a proposal committed before the leader's own ACK
  kStepDownLearnerEpochAhead, // D34: a late learner accepted a later epoch than the leader's
  kCount,
};

}  // namespace zab
