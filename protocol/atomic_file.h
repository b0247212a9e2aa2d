#pragma once
// ZooKeeper's AtomicFileOutputStream (common/AtomicFileOutputStream, used by
// AtomicFileWritingIdiom for the epoch files and by SnapStream for a learner's SNAP-sync
// snapshot) as sans-IO: write `<name>.tmp`, fsync it, and only then rename it over `<name>`.
// There is no directory fsync, in ZooKeeper or here: the rename becomes durable with the next
// fsync of anything (the disk model's journal), and a crash before that leaves the old `<name>`
// and a complete `<name>.tmp` beside it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/io.h"

namespace zab {

// The temporary name AtomicFileOutputStream writes first: `<name>.tmp`.
std::string atomic_tmp_name(const std::string& name);

class AtomicFileWriter {
 public:
  // AtomicFileOutputStream's writes, flush and close up to the fsync: out::WriteFile of
  // `<name>.tmp` (replacing any leftover) and out::Fsync of it with `tag`. `tag` must be
  // unused by other pending writes, and `name` must not already be being written (ZooKeeper's
  // writes are synchronous, so it never overlaps two).
  void begin(const std::string& name, Bytes bytes, std::uint64_t tag, std::vector<Output>& out);

  // The caller got in::FsyncDone{tag}. If the tag is one of ours, emit the rename of the temp
  // file over the final name and return that name: the write is done as far as ZooKeeper
  // knows. nullopt for a tag that is not ours (nothing is emitted).
  std::optional<std::string> on_fsync_done(std::uint64_t tag, std::vector<Output>& out);

  // A write of `name` has begun and its rename has not been issued yet.
  bool writing(const std::string& name) const;

 private:
  // fsync tag -> final file name, for every write waiting for its temp file's fsync.
  std::map<std::uint64_t, std::string> pending_;
};

}  // namespace zab
