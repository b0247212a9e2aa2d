#pragma once
// `zabsim study SPEC --real N`: the same settings on a real ZooKeeper 3.8 ensemble, N trials
// each, one after another (never side by side: two ensembles on two cores would time each
// other), and the simulated and real distributions per recovery phase side by side.
//
// A real trial runs the setting's scenario for a seed (the same workload and role picks as
// the simulated run of that seed draws) until the probe's first write after the fault, plus a
// settling time, and measures its first fault with real_recovery.h: left its role, election
// finished, leader established and last follower synced from the servers' logs; first read and
// first write from the clients' history; and the probe's first write through a survivor (a
// fresh session every 100 ms, no client library's back-off). Phases ZooKeeper's logs do not
// show (the first reaction short of leaving a role, the epoch agreement, the first commit)
// have no real column.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/real/ensemble.h"
#include "tools/study/study.h"

namespace zab::study {

struct RealTrial {
  std::size_t setting = 0;
  std::uint64_t seed = 0;
  std::string fault;   // as fired, or why it was skipped
  bool skipped = false;
  std::int64_t ns[kPhaseCount];  // -1: not seen (or not visible in a real ensemble); the probe's too
  std::int64_t wall_ms = 0;      // how long the trial took, JVM starts included
};

// Runs `trials` real trials of every setting, in order; stops early (returning what it has)
// once real::stop_requested(). `progress(done, total)` after each trial.
std::vector<RealTrial> run_real_trials(const StudySpec& spec, std::uint64_t trials,
                                       const tools::real::ZooKeeperInstall& install,
                                       const std::function<void(std::size_t, std::size_t)>& progress);

nlohmann::ordered_json real_trial_to_json(const RealTrial& trial, const std::vector<Setting>& all);
// Trials written by real_trial_to_json (real_trials.jsonl), for comparing a simulated study
// with real trials measured before (`--real-from`). nullopt with `error` naming the line and
// the field at fault; a trial of a setting the spec does not have is an error too.
std::optional<std::vector<RealTrial>> load_real_trials(const std::string& path, const std::vector<Setting>& all,
                                                       std::string& error);

// Per setting and phase: sim and real n, p10, median, p90, max, and real's median over sim's.
std::string render_side_by_side(const StudyResult& sim, const std::vector<RealTrial>& real);
std::string side_by_side_csv(const StudyResult& sim, const std::vector<RealTrial>& real);

}  // namespace zab::study
