#pragma once
// The protocol events a ZooKeeper server node reports through out::Trace, for the checkers
// (Zab properties, log agreement, durability) and for timelines. Kinds 200-249 are ZAB's;
// 100-149 are leader election's (fle.h). Field meanings are in the table in zab_trace.cpp.

#include <cstdint>
#include <span>

#include "protocol/io.h"

namespace zab {

enum ZabTrace : std::uint16_t {
  kTracePeerState = 200,        // a=state (0 LOOKING, 1 FOLLOWING, 2 LEADING), b=leader sid, c=currentEpoch
  kTraceAcceptedEpoch = 201,    // a=epoch: acceptedEpoch is durable
  kTraceCurrentEpoch = 202,     // a=epoch: currentEpoch is durable
  kTraceProposed = 203,         // a=zxid, b=txn hash (leader)
  kTraceLogged = 204,           // a=zxid, b=txn hash: durable in this server's txn log
  kTraceCommitted = 205,        // a=zxid, b=the sids whose ACKs formed the quorum (bit N = sN)
  kTraceApplied = 206,          // a=zxid, b=txn hash, c=1 if added to the committedLog, d=ApplySource
  kTraceTruncated = 207,        // a=zxid the log was truncated to
  kTraceSnapshotWritten = 208,  // a=zxid, b=1 if fsynced
  kTraceSnapshotLoaded = 209,   // a=zxid (SNAP sync: the tree was replaced)
  kTraceSyncChosen = 210,       // a=learner sid, b=mode (SyncMode), c=peer zxid, d=forwarding zxid
  kTraceLeaderEstablished = 211,  // a=epoch: NEWLEADER quorum, the leader starts serving
  kTraceLeaderShutdown = 212,   // a=reason (LeaderShutdownReason)
  kTraceFollowerSynced = 213,   // a=leader sid, b=epoch: UPTODATE received, serving
  kTraceNewLeaderAcked = 214,   // a=epoch: the learner sent the NEWLEADER ACK
  kTraceFollowerExit = 215,     // a=reason (FollowerExitReason)
  kTraceStartupRefused = 216,   // a=reason (1 current epoch older than last zxid, 2 accepted < current)
  kTraceRestored = 217,         // a=last zxid, b=snapshot zxid, c=currentEpoch, d=acceptedEpoch
  kTraceEpochAgreed = 218,      // a=epoch: the leader's epoch-ack quorum formed
  kTraceLearnerDropped = 219,   // a=learner sid, b=reason (LearnerDropReason)
  kTraceClientRefused = 220,    // a=session, b=client's lastZxidSeen, c=our lastProcessedZxid
  // 221 is the coverage mark (coverage.h).
  // The two below exist for the trace checkers (checkers/): without them a restart, a TRUNC's
  // reload or an interrupted SNAP rebuilds the tree invisibly, and the order in which the log's
  // txns re-enter it (where ZOOKEEPER-2845's stale txns would show) could not be judged.
  kTraceTreeReset = 222,        // a=zxid the tree now stands at: 0 = emptied, else a snapshot's zxid
  kTraceReplayed = 223,         // a=zxid, b=txn hash: a txn of the txn log replayed onto the tree
};

// Why a txn entered the data tree (kTraceApplied's d): only a delivery is a commit; a
// fast-forward replays the log's tail at the end of a term, committed or not
// (ZKDatabase.fastForwardDataBase, ZOOKEEPER-2845), and is not a delivery in Zab's sense.
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

enum class FollowerExitReason : std::uint8_t {
  kConnectFailed = 1,      // "Failed connect to ..."
  kConnectionLost = 2,     // EOF / reset from the leader
  kReadTimeout = 3,        // SocketTimeoutException
  kEpochLower = 4,         // "Leaders epoch, N is less than accepted epoch, A"
  kBadPacket = 5,          // an unexpected packet during sync
  kTruncateFailed = 6,
};

enum class LearnerDropReason : std::uint8_t {
  kReadTimeout = 1,
  kConnectionLost = 2,
  kFollowerAhead = 3,      // "Follower is ahead of the leader"
  kWaitTimeout = 4,        // a getEpochToPropose / waitForEpochAck / waitForNewLeaderAck timeout
  kSyncLimit = 5,          // "Closing connection to peer due to transaction timeout"
  kBadPacket = 6,
  kLeaderShutdown = 7,
};

std::span<const TraceKindInfo> zab_trace_kinds();

}  // namespace zab
