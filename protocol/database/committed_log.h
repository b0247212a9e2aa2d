#pragma once
// ZKDatabase's committedLog: the window of the most recent committed proposals that the leader
// syncs learners from (DIFF), with minCommittedLog / maxCommittedLog. 3.8.0's algorithm trims
// before appending, so the window holds up to commitLogCount + 1 = 501 entries; we keep that
// (ZKDatabase.addCommittedProposal). Values of commitLogCount below 500 are raised to 500, as
// ZooKeeper does.

#include <cstdint>
#include <deque>

#include "protocol/base/ids.h"
#include "protocol/base/io.h"

namespace zab {

// A proposal as it travels and is logged: its zxid and the serialized txn (PROPOSAL's data).
struct Proposal {
  Zxid zxid;
  Bytes txn;
  bool operator==(const Proposal&) const = default;
};

class CommittedLog {
 public:
  static constexpr std::int32_t kMinCommitLogCount = 500;

  explicit CommittedLog(std::int32_t commit_log_count);

  void add(Proposal proposal);
  // ZKDatabase.clear(): min = max = 0, empty (SNAP and TRUNC on a learner, a full shutdown).
  void clear();

  bool empty() const { return proposals_.empty(); }
  std::size_t size() const { return proposals_.size(); }
  Zxid min_committed() const { return min_; }
  Zxid max_committed() const { return max_; }
  const std::deque<Proposal>& proposals() const { return proposals_; }
  // The window is bounded and min/max name its ends (O(1)); with `walk`, it is also in strictly
  // increasing zxid order and holds only real txns (O(size)).
  void check_invariants(bool walk) const;

 private:
  std::int32_t capacity_;
  std::deque<Proposal> proposals_;
  Zxid min_;
  Zxid max_;
};

}  // namespace zab
