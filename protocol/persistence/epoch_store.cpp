#include "protocol/persistence/epoch_store.h"

#include "protocol/base/assert.h"
#include "protocol/persistence/epoch_files.h"
#include "protocol/base/timers.h"

namespace zab {

namespace {
std::string_view file_of(EpochKind kind) {
  return kind == EpochKind::kAccepted ? kAcceptedEpochFile : kCurrentEpochFile;
}
}  // namespace

void EpochStore::reset(Epoch accepted, Epoch current, bool durable_rename) {
  ZAB_ASSERT(accepted >= current, "loadDataBase refuses a currentEpoch above the acceptedEpoch");
  accepted_ = accepted;
  current_ = current;
  writer_ = AtomicFileWriter{durable_rename};
  in_flight_.clear();
  waiting_.clear();
}

void EpochStore::persist(EpochKind kind, Epoch epoch, std::vector<Output>& out) {
  ZAB_ASSERT(kind != EpochKind::kAccepted || epoch >= current_, "an epoch is never accepted below the current one");
  for (const auto& [tag, p] : in_flight_) {
    if (p.kind == kind) {
      waiting_.push_back(Persisted{kind, epoch});
      return;
    }
  }
  begin(kind, epoch, out);
}

void EpochStore::begin(EpochKind kind, Epoch epoch, std::vector<Output>& out) {
  const std::uint64_t tag = timer_id(TimerSpace::kEpochFiles, next_tag_++);
  const bool fresh = in_flight_.emplace(tag, Persisted{kind, epoch}).second;
  ZAB_ASSERT(fresh, "each epoch write has its own fsync tag");
  write_epoch_file(writer_, file_of(kind), epoch, tag, out);
}

std::optional<EpochStore::Persisted> EpochStore::on_fsync_done(std::uint64_t tag, std::vector<Output>& out) {
  auto it = in_flight_.find(tag);
  if (it == in_flight_.end()) return std::nullopt;
  ZAB_ASSERT(timer_space(tag) == TimerSpace::kEpochFiles, "an epoch write's fsync tag is in the epoch files' space");
  if (!writer_.on_fsync_done(tag, out)) return std::nullopt;  // the rename's fsync is still to come
  const Persisted done = it->second;
  in_flight_.erase(it);
  (done.kind == EpochKind::kAccepted ? accepted_ : current_) = done.epoch;

  for (auto w = waiting_.begin(); w != waiting_.end(); ++w) {
    if (w->kind == done.kind) {
      const Persisted next = *w;
      waiting_.erase(w);
      begin(next.kind, next.epoch, out);
      break;
    }
  }
  return done;
}

void EpochStore::check_invariants() const {
  ZAB_ASSERT(accepted_ >= current_, "acceptedEpoch >= currentEpoch: an epoch is accepted before it becomes current");
  // persist() queues a second write of a file behind the one in flight, so each file has at
  // most one write in flight, and a waiting write waits behind one of its own file.
  ZAB_ASSERT(in_flight_.size() <= 2, "at most one write per epoch file is in flight");
  bool accepted_writing = false;
  bool current_writing = false;
  for (const auto& [tag, p] : in_flight_) {
    ZAB_ASSERT(timer_space(tag) == TimerSpace::kEpochFiles, "an epoch write's fsync tag is in the epoch files' space");
    bool& writing = p.kind == EpochKind::kAccepted ? accepted_writing : current_writing;
    ZAB_ASSERT(!writing, "one write per epoch file at a time (ZooKeeper's writes are synchronous)");
    writing = true;
  }
  for (const Persisted& w : waiting_) {
    ZAB_ASSERT(w.kind == EpochKind::kAccepted ? accepted_writing : current_writing,
               "a write waits only behind a write of the same file");
  }
}

}  // namespace zab
