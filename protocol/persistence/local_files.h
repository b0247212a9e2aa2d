#pragma once
// What a read of this process's files would return right now: the durable files found at
// start, updated with every file output the node has emitted since (the page cache's view).
// ZooKeeper reads its files back in a few places — reloading the database after a TRUNC, the
// leader reading its txn log for a DIFF, the snapshot size that bounds that read — and this
// mirror answers those reads without the node ever doing I/O.

#include <cstddef>
#include <vector>

#include "protocol/base/io.h"

namespace zab {

class LocalFiles {
 public:
  void reset(const DurableFiles& files);
  // Apply the file outputs of `out` not yet seen in this step (from `seen_` on).
  void catch_up(const std::vector<Output>& out);
  // A new step begins with an empty output vector.
  void begin_step() { seen_ = 0; }
  const DurableFiles& view() const { return files_; }

 private:
  DurableFiles files_;
  std::size_t seen_ = 0;
};

}  // namespace zab
