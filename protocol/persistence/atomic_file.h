#pragma once
// ZooKeeper's AtomicFileOutputStream (common/AtomicFileOutputStream, used by
// AtomicFileWritingIdiom for the epoch files and by SnapStream for a learner's SNAP-sync
// snapshot) as sans-IO: write `<name>.tmp`, fsync it, and only then rename it over `<name>`.
// ZooKeeper has no directory fsync: the rename becomes durable with the next fsync of anything
// (the disk model's journal, as on ext4), and a machine crash before that leaves the old
// `<name>` and a complete `<name>.tmp` beside it. With `fsync_after_rename` (deviation D31, the
// default for the epoch files) the writer fsyncs `<name>` after the rename, which commits the
// rename, and reports the write done only then.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/base/io.h"

namespace zab {

// The temporary name AtomicFileOutputStream writes first: `<name>.tmp`.
std::string atomic_tmp_name(const std::string& name);

class AtomicFileWriter {
 public:
  AtomicFileWriter() = default;
  explicit AtomicFileWriter(bool fsync_after_rename) : fsync_after_rename_(fsync_after_rename) {}

  // AtomicFileOutputStream's writes, flush and close up to the fsync: out::WriteFile of
  // `<name>.tmp` (replacing any leftover) and out::Fsync of it with `tag`. `tag` must be
  // unused by other pending writes, and `name` must not already be being written (ZooKeeper's
  // writes are synchronous, so it never overlaps two).
  void begin(const std::string& name, Bytes bytes, std::uint64_t tag, std::vector<Output>& out);

  // The caller got in::FsyncDone{tag}. If it is the temp file's fsync, emit the rename of the
  // temp file over the final name; without fsync_after_rename the write is then done as far as
  // ZooKeeper knows and the name is returned. With it, an fsync of the final name (same tag)
  // follows, and the name is returned when that completes. nullopt for a tag that is not ours
  // or a write still under way.
  std::optional<std::string> on_fsync_done(std::uint64_t tag, std::vector<Output>& out);

  // A write of `name` has begun and has not been reported done by on_fsync_done yet.
  bool writing(const std::string& name) const;

 private:
  struct Pending {
    std::string name;
    bool renamed = false;  // waiting for the fsync that commits the rename (fsync_after_rename)
  };
  bool fsync_after_rename_ = false;
  // fsync tag -> the write waiting for that fsync.
  std::map<std::uint64_t, Pending> pending_;
};

}  // namespace zab
