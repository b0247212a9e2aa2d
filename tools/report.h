#pragma once
// The readable summary of a run: the timeline of roles, epochs, faults and client
// availability, the recovery phases after each fault, and the clients' outcome counts.
// Built from the trace and the history only (never from a server's state).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/runner.h"

namespace zab::tools {

struct RecoveryPhases {
  std::string fault;
  sim::SimTime at;
  // Each relative to the fault, in ns; -1 when it did not happen (the fault did not disturb
  // leadership, or the run ended first).
  std::int64_t noticed_ns = -1;       // a server left its role (LOOKING)
  std::int64_t elected_ns = -1;       // leader election finished at some server
  std::int64_t epoch_agreed_ns = -1;  // the new leader's epoch-ack quorum
  std::int64_t synced_ns = -1;        // the NEWLEADER quorum: the leader is established
  std::int64_t first_commit_ns = -1;  // the first commit after that
};

std::vector<RecoveryPhases> recovery_phases(const sim::ScenarioRun& run);
// The phases as JSON for the run record and the HTML report: one object per fault, times in
// ms after the fault (null when the phase did not happen).
nlohmann::ordered_json recovery_to_json(const std::vector<RecoveryPhases>& phases);
std::string render_timeline(const sim::ScenarioRun& run);
std::string render_recovery(const std::vector<RecoveryPhases>& phases);
std::string render_clients(const sim::ScenarioRun& run);

}  // namespace zab::tools
