#pragma once
// Hunting one catalog entry: a random-schedule campaign (tools/fuzz) with the entry's switches
// on, on one core, run indices in order from the campaign seed, until the first run that
// violates any property or until the budget runs out; then the finding is shrunk. A failing
// run counts only if the same schedule passes with the switches off: one the correct protocol
// fails too is a finding on the correct protocol, not this entry's, and the hunt goes on. "Schedules
// until first detection" is deterministic (the same seed gives the same index). The budget is
// CPU time — the runs' own, measured in the worker — so that "60 s of one core" means the same
// on a machine other jobs share; the wall time is reported beside it. Both are this machine's,
// for the report only.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/bugs/catalog.h"

namespace zab::bugs {

struct HuntOptions {
  std::uint64_t seed = 1;             // the campaign seed
  double budget_s = 60;               // CPU seconds of schedules (a run started is finished)
  std::uint64_t max_schedules = 1'000'000;
  std::string out_dir;                // this entry's campaign output; "" writes nothing
  bool shrink = true;
  double shrink_budget_s = 60;
  bool steer = true;                  // steered by coverage (tools/fuzz/steer.h); false: random schedules
};

struct HuntResult {
  std::string entry;
  std::string jira;
  std::string expected_property;
  bool steered = false;               // the hunt's schedules were steered by coverage
  bool found = false;
  bool derived = false;               // found: the finding's schedule was derived by the steering
  std::uint64_t schedules = 0;        // run: up to and including the finding, or all of them
  std::uint64_t first_index = 0;      // found: the finding's run index (schedules - 1)
  std::string property;               // found: the first property it violated
  std::string witness;                // found: the first violation, readable
  double cpu_s = 0;                   // the runs' CPU time, to the finding or in all
  double wall_s = 0;                  // the same, wall-clock (the campaign's, with its worker)
  bool shrunk = false;
  std::size_t shrunk_faults = 0, shrunk_servers = 0;
  double shrink_s = 0;
  bool shrink_budget_reached = false;
  std::string min_path;               // the shrunk scenario file, if out_dir was given
  // Failing runs on the way that failed with the switches off too: (run index, property).
  std::vector<std::pair<std::uint64_t, std::string>> correct_protocol_findings;
  std::string record_path;            // the finding's run record, if out_dir was given

  bool expected() const { return found && property == expected_property; }
};

HuntResult hunt(const BugEntry& entry, const HuntOptions& options);

nlohmann::ordered_json to_json(const HuntResult& r);
HuntResult hunt_result_from_json(const nlohmann::ordered_json& j);

}  // namespace zab::bugs
