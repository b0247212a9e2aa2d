#pragma once
// Checker 6: liveness. Once the last fault has healed — no link cut, no server hung, no
// server crash or start after it (clients' starts and crashes do not count) — and a quorum of servers is up and running, the ensemble must make
// progress within a bound: a leader is established with a quorum serving its epoch (itself
// and synced followers) and a txn commits (properties `leader-established`, `write-commits`);
// and every server up at the end has served, as an established leader or a synced follower,
// at some moment between the heal and the bound (`server-serves`). A disk stall — an fsync
// that took longer than initLimit ticks, which keeps a ZooKeeper server from syncing (a learner)
// or from being followed (a leader, which may well win the next election too) — counts as a
// fault that heals when the fsync completes: the bound runs from the end of the last stall at
// or after the heal, and a stall still outstanding at the end leaves the run inconclusive. A failure is a liveness violation, reported apart
// from safety (zabsim exits 3, not 1). A run that ends with faults still active, or that ends
// before the bound without progress, is inconclusive, not a violation — unless the world
// stopped it because time stood still (too many events at one instant: `time_stood_still` in
// the trace), which is always a violation of the property `time-advances`.

#include <cstdint>
#include <optional>
#include <vector>

#include "checkers/verdict.h"
#include "checkers/zab_events.h"

namespace zab::check {

struct LivenessOptions {
  std::uint32_t ensemble_size = 0;  // voters; 0 = the number of servers in the trace
  // The bound, by default derived from the servers' configuration: a follower notices a dead
  // leader within syncLimit ticks, and discovery and synchronization each have initLimit
  // ticks; one failed round of the latter is allowed for: (syncLimit + 2 initLimit) ticks.
  std::int64_t tick_time_ms = 2000;
  std::int32_t init_limit = 10;
  std::int32_t sync_limit = 5;
  std::optional<std::int64_t> bound_ns;  // overrides the derived bound
  bool require_commit = true;           // false when no client writes after the heal
  // Client writes' invocation times. When given, they replace require_commit: a commit is
  // required only if a write was invoked at or after the heal *as this checker sees it* (the
  // last fault event in the trace), and within the bound of the first such write. A caller
  // cannot decide this alone: a fault that changed nothing (starting a running server) leaves
  // no trace event, and a write invoked long after the heal cannot have committed by
  // heal + bound (found by fuzzing: a client that only starts writing at a no-op heal).
  std::optional<std::vector<std::int64_t>> write_invoked_ns;
  std::int64_t bound() const;
  std::int64_t init_limit_ns() const { return static_cast<std::int64_t>(init_limit) * tick_time_ms * 1'000'000; }
};

CheckResult check_liveness(const ZabRun& run, const LivenessOptions& options = {});

}  // namespace zab::check
