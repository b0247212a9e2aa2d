#pragma once
// One fuzz run, start to verdict: parse the generated scenario document, run it, judge it
// with every checker, and keep what a campaign reports — the verdicts, the violated
// properties, the coverage marks reached, recovery figures after the heal — and, for a
// failing run, the run record that replays it. Shared by the campaign's workers, the shrinker
// and the tests.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/fuzz/signature.h"
#include "tools/run/run_record.h"

namespace zab::fuzz {

struct Execution {
  std::vector<std::pair<std::string, std::string>> verdicts;  // checker -> pass / safety / ...
  // Violated properties, unique, in checker order then trace order: the first is the run's
  // property (what a finding is grouped by and what shrinking must preserve).
  std::vector<std::string> properties;
  std::string witness;                             // the first violation, readable
  std::map<std::string, std::string> property_kinds;  // property -> "safety" / "liveness"
  std::map<std::string, std::uint64_t> coverage;   // mark name -> times taken
  nlohmann::ordered_json recovery;                 // after the last fault: leader, commit
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  std::uint64_t instant_events_max = 0;            // the most events run at one instant
  Signature signature;                             // the protocol-state coverage (steering)
  bool failed() const { return !properties.empty(); }
  tools::RunRecord record;                         // filled for every run; saved for findings
};

// `scenario` must be a valid scenario document (generated ones always are: a parse error is
// a generator bug and stops the process with an assertion).
// `whole_state_invariants`: ServerConfig's (false: `--fast-invariants`).
Execution execute(const nlohmann::ordered_json& scenario, std::uint64_t seed, bool whole_state_invariants = true);

}  // namespace zab::fuzz
