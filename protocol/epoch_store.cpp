#include "protocol/epoch_store.h"

#include "protocol/epoch_files.h"
#include "protocol/timers.h"

namespace zab {

namespace {
std::string_view file_of(EpochKind kind) {
  return kind == EpochKind::kAccepted ? kAcceptedEpochFile : kCurrentEpochFile;
}
}  // namespace

void EpochStore::reset(Epoch accepted, Epoch current, bool durable_rename) {
  accepted_ = accepted;
  current_ = current;
  writer_ = AtomicFileWriter{durable_rename};
  in_flight_.clear();
  waiting_.clear();
}

void EpochStore::persist(EpochKind kind, Epoch epoch, std::vector<Output>& out) {
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
  in_flight_.emplace(tag, Persisted{kind, epoch});
  write_epoch_file(writer_, file_of(kind), epoch, tag, out);
}

std::optional<EpochStore::Persisted> EpochStore::on_fsync_done(std::uint64_t tag, std::vector<Output>& out) {
  auto it = in_flight_.find(tag);
  if (it == in_flight_.end()) return std::nullopt;
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

}  // namespace zab
