#pragma once
// Every run is judged: the trace checkers (log agreement and durability, the Zab properties,
// liveness) over the run's trace, with the clients' acknowledged writes. The verdict decides
// `zabsim run`'s exit code and what a scenario's expectations are compared with.

#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "sim/scenario/runner.h"

namespace zab::tools {

struct Judgement {
  std::vector<check::CheckResult> results;
  bool safety_violated = false;
  bool liveness_violated = false;
  bool inconclusive = false;  // some checker could not decide (exit code 4 unless a violation)
  bool violates(const std::string& property) const;
  // The scenario's `expect` holds: "pass", a property name, or "any" (some violation).
  bool meets(const sim::Expectations& expect, std::string& why) const;
};

Judgement judge(const sim::ScenarioRun& run);
std::string render_judgement(const Judgement& j);

}  // namespace zab::tools
