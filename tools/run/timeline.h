#pragma once
// The readable summary of a run: the timeline of roles, epochs, faults and client
// availability and the clients' outcome counts (the recovery phases are in recovery.h).
// Built from the trace and the history only (never from a server's state).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/runner.h"
#include "tools/run/recovery.h"  // the recovery phases per fault

namespace zab::tools {

std::string render_timeline(const sim::ScenarioRun& run);
std::string render_clients(const sim::ScenarioRun& run);

}  // namespace zab::tools
