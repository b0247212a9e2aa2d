#pragma once
// acceptedEpoch and currentEpoch as QuorumPeer keeps them: in memory, and in their files,
// written atomically (epoch_files.h). A setter writes the file first and changes the value in
// memory only once the write is done (ZOOKEEPER-2307): here, when the temp file's fsync has
// completed and the rename is issued. Until then a reader sees the old epoch.

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "protocol/persistence/atomic_file.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"

namespace zab {

enum class EpochKind : std::uint8_t { kAccepted, kCurrent };

class EpochStore {
 public:
  struct Persisted {
    EpochKind kind;
    Epoch epoch;
  };

  // At start, after QuorumPeer.loadDataBase's checks. `durable_rename`: the write counts as
  // done only once its rename is durable (deviation D31); false is ZooKeeper's AtomicFileOutputStream.
  void reset(Epoch accepted, Epoch current, bool durable_rename);
  Epoch accepted() const { return accepted_; }
  Epoch current() const { return current_; }

  // setAcceptedEpoch / setCurrentEpoch: begin the atomic write. A second write of the same
  // file while one is in flight waits for it (ZooKeeper's writes are synchronous, so they
  // never overlap).
  void persist(EpochKind kind, Epoch epoch, std::vector<Output>& out);

  // in::FsyncDone: if the tag is one of ours, take the write's next step (the rename, then with
  // durable_rename the fsync that commits it); when the write is done, update the value in
  // memory and say which write completed.
  std::optional<Persisted> on_fsync_done(std::uint64_t tag, std::vector<Output>& out);
  bool writing() const { return !in_flight_.empty(); }
  // acceptedEpoch >= currentEpoch; at most one write per file in flight, and a write waits
  // only behind one of the same file.
  void check_invariants() const;

 private:
  void begin(EpochKind kind, Epoch epoch, std::vector<Output>& out);

  Epoch accepted_ = 0;
  Epoch current_ = 0;
  AtomicFileWriter writer_;
  std::uint64_t next_tag_ = 1;
  std::map<std::uint64_t, Persisted> in_flight_;  // by fsync tag
  std::deque<Persisted> waiting_;                 // writes of a file already being written
};

}  // namespace zab
