#include "protocol/committed_log.h"

#include <algorithm>

#include "protocol/assert.h"

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

}  // namespace zab
