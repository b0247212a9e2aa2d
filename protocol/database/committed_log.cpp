#include "protocol/database/committed_log.h"

#include <algorithm>

#include "protocol/base/assert.h"

namespace zab {

CommittedLog::CommittedLog(std::int32_t commit_log_count)
    : capacity_(std::max(commit_log_count, kMinCommitLogCount)) {}

void CommittedLog::add(Proposal proposal) {
  // 3.8.0 order: trim the head when over capacity, then append (so capacity + 1 entries).
  if (proposals_.size() > static_cast<std::size_t>(capacity_)) {
    proposals_.pop_front();
    min_ = proposals_.front().zxid;
  }
  if (proposals_.empty()) {
    min_ = proposal.zxid;
    max_ = proposal.zxid;
  }
  ZAB_ASSERT(proposals_.empty() || proposals_.back().zxid < proposal.zxid,
             "committed proposals enter the committedLog in strictly increasing zxid order");
  max_ = proposal.zxid;
  proposals_.push_back(std::move(proposal));
  ZAB_ASSERT(proposals_.size() <= static_cast<std::size_t>(capacity_) + 1,
             "the committedLog holds at most commitLogCount + 1 proposals (3.8.0)");
}

void CommittedLog::clear() {
  proposals_.clear();
  min_ = Zxid::zero();
  max_ = Zxid::zero();
}

void CommittedLog::check_invariants(bool walk) const {
  ZAB_ASSERT(capacity_ >= kMinCommitLogCount, "commitLogCount is at least 500 (smaller values are raised)");
  ZAB_ASSERT(proposals_.size() <= static_cast<std::size_t>(capacity_) + 1,
             "the committedLog holds at most commitLogCount + 1 proposals (3.8.0)");
  if (proposals_.empty()) {
    // Only a fresh or cleared window is empty: trimming never takes it below commitLogCount.
    ZAB_ASSERT(min_ == Zxid::zero(), "an empty committedLog has minCommittedLog 0 (ZKDatabase.clear)");
    ZAB_ASSERT(max_ == Zxid::zero(), "an empty committedLog has maxCommittedLog 0 (ZKDatabase.clear)");
    return;
  }
  ZAB_ASSERT(min_ == proposals_.front().zxid, "minCommittedLog is the oldest proposal in the window");
  ZAB_ASSERT(max_ == proposals_.back().zxid, "maxCommittedLog is the newest proposal in the window");
  if (!walk) return;
  for (std::size_t i = 1; i < proposals_.size(); ++i) {
    ZAB_ASSERT(proposals_[i - 1].zxid < proposals_[i].zxid, "the committedLog is in strictly increasing zxid order");
  }
  for (const Proposal& p : proposals_) {
    ZAB_ASSERT(p.zxid.counter() != 0, "a committedLog entry is a real txn, never an <epoch, 0>");
  }
}

}  // namespace zab
