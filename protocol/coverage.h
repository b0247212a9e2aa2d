#pragma once
// Coverage marks (FoundationDB's CODE_PROBE): named rare paths of the protocol. A server emits
// a mark as a trace event each time it takes one, so a campaign can report which rare paths
// its random schedules reached and which they never did — a path never reached is a path
// never tested.

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/io.h"

namespace zab {

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

const char* coverage_mark_name(CoverageMark mark);
std::vector<CoverageMark> all_coverage_marks();

// The out::Trace kind that carries a mark (a = the mark).
constexpr std::uint16_t kTraceCoverage = 221;

inline out::Trace coverage(CoverageMark mark) {
  return out::Trace{kTraceCoverage, static_cast<std::uint64_t>(mark), 0, 0, 0};
}

}  // namespace zab
