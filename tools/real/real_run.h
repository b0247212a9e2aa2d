#pragma once
// One scenario on a real ZooKeeper 3.8 ensemble: servers started, faults fired at their times
// (network faults through the proxies), clients and probes run, everything stopped at the end;
// what happened comes back structured — the faults as fired, the servers' logged role, sync
// and establishment events, the clients' history — for `zabsim real` to print and judge and
// for `zabsim study --real` to measure. Times are wall-clock ms from the start of the run.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/client/history.h"
#include "sim/scenario/scenario.h"
#include "tools/real/ensemble.h"
#include "tools/real/observe.h"
#include "tools/real/txn_log.h"

namespace zab::tools::real {

struct TimelineLine {
  std::int64_t ms = 0;
  std::string text;
};

struct ServerEvent {
  std::int64_t ms = 0;
  std::uint32_t sid = 0;
  LogEventKind kind = LogEventKind::kLooking;
  std::optional<std::uint64_t> zxid;
};

struct FiredRealFault {
  std::int64_t ms = 0;
  sim::FaultKind kind = sim::FaultKind::kCrash;
  std::vector<std::uint32_t> targets;  // the server(s) it hit; empty if skipped or a network fault
  bool skipped = false;
  std::string text;                    // the timeline's line
  std::optional<std::int64_t> probe_write_ms;  // crash / hang: the probe's first committed write, ms after
};

struct RealRunOptions {
  std::int64_t run_ms = 30'000;                // wall time at most
  std::optional<std::int64_t> settle_ms;       // end this long after the last fault's probe wrote
  bool quiet = false;                          // print nothing
};

struct RealRun {
  std::vector<TimelineLine> timeline;  // in time order
  std::vector<ServerEvent> events;     // the servers' logged events, in time order
  std::vector<FiredRealFault> faults;  // in firing order
  sim::History history;                // the clients', as the simulator records it
  std::vector<ServerDisk> disks;       // each server's transaction logs and snapshots, read at the end
  std::int64_t end_ms = 0;
  bool interrupted = false;
};

// Runs `scenario` (refusals() must be empty) with servers' data under `root`; `seed` draws the
// clients' operations and the role targets' picks. Unless quiet, prints one line about the
// proxies when network faults need them.
RealRun run_on_real_ensemble(const ZooKeeperInstall& install, const sim::Scenario& scenario, std::uint64_t seed,
                             const std::string& root, const RealRunOptions& options);

// Asks a run in progress to stop as soon as it can (safe from a signal handler); every later
// run stops at once too.
void request_stop();
bool stop_requested();
// SIGINT / SIGTERM ask for that: the run in progress ends and its servers are killed.
void stop_on_interrupt_signals();

}  // namespace zab::tools::real
