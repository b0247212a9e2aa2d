#include "protocol/base/coverage.h"

#include <string_view>

#include "protocol/base/assert.h"

namespace zab {

const char* coverage_mark_name(CoverageMark mark) {
  switch (mark) {
    case CoverageMark::kSyncDiff: return "sync_diff";
    case CoverageMark::kSyncEmptyDiff: return "sync_empty_diff";
    case CoverageMark::kSyncTrunc: return "sync_trunc";
    case CoverageMark::kSyncTruncDiff: return "sync_trunc_diff";
    case CoverageMark::kSyncSnap: return "sync_snap";
    case CoverageMark::kSyncDiffFromTxnLog: return "sync_diff_from_txn_log";
    case CoverageMark::kLearnerTruncated: return "learner_truncated";
    case CoverageMark::kLearnerLoadedSnapshot: return "learner_loaded_snapshot";
    case CoverageMark::kFollowerAhead: return "follower_ahead";
    case CoverageMark::kLeaderEpochLower: return "leader_epoch_lower";
    case CoverageMark::kEpochAlreadyAccepted: return "epoch_already_accepted";
    case CoverageMark::kLateJoiner: return "late_joiner";
    case CoverageMark::kNewLeaderAckNotCounted: return "newleader_ack_not_counted";
    case CoverageMark::kStepDownNotSynced: return "step_down_not_synced";
    case CoverageMark::kStepDownEpochTimeout: return "step_down_epoch_timeout";
    case CoverageMark::kStepDownEpochAckTimeout: return "step_down_epoch_ack_timeout";
    case CoverageMark::kStepDownNewLeaderTimeout: return "step_down_newleader_timeout";
    case CoverageMark::kZxidRollover: return "zxid_rollover";
    case CoverageMark::kStepDownLearnerEpochAhead: return "step_down_learner_epoch_ahead";
    case CoverageMark::kLearnerSyncLimit: return "learner_sync_limit";
    case CoverageMark::kFollowerReadTimeout: return "follower_read_timeout";
    case CoverageMark::kInterruptedSnapCleared: return "interrupted_snap_cleared";
    case CoverageMark::kUnservedLearnerFastForwarded: return "unserved_learner_fast_forwarded";
    case CoverageMark::kStartupRefused: return "startup_refused";
    case CoverageMark::kClientRefusedBehind: return "client_refused_behind";
    case CoverageMark::kSessionExpired: return "session_expired";
    case CoverageMark::kCommitWithoutLeaderAck: return "commit_without_leader_ack";
    case CoverageMark::kCount: break;
  }
  return "unknown";
}

std::vector<CoverageMark> all_coverage_marks() {
  std::vector<CoverageMark> marks;
  for (std::uint16_t m = 1; m < static_cast<std::uint16_t>(CoverageMark::kCount); ++m) {
    marks.push_back(static_cast<CoverageMark>(m));
  }
  for (CoverageMark mark : marks) {
    ZAB_ASSERT(std::string_view(coverage_mark_name(mark)) != "unknown", "every coverage mark has a name");
  }
  return marks;
}

}  // namespace zab
