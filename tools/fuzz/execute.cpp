#include "tools/fuzz/execute.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/base/assert.h"
#include "protocol/base/coverage.h"
#include "protocol/base/zab_trace.h"
#include "sim/scenario/runner.h"
#include "tools/run/pipeline.h"

namespace zab::fuzz {

Execution execute(const nlohmann::ordered_json& doc, std::uint64_t seed, bool whole_state_invariants) {
  auto parsed = sim::parse_scenario(doc.dump(), "generated");
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) {
    fmt::print(stderr, "{}\n", e->text());
    ZAB_ASSERT(false, "a fuzz scenario document is valid (the generator and the shrinker only write valid ones)");
  }
  tools::PipelineResult result = tools::run_pipeline(tools::PipelineRequest{
      .scenario = std::move(std::get<sim::Scenario>(parsed)),
      .document = doc,
      .scenario_path = "",
      .seed = seed,
      .options = sim::RunOptions{.keep_trace_events = true, .whole_state_invariants = whole_state_invariants},
      .judge = true,
      .measure_recovery = true,
      .progress = {}});
  const sim::ScenarioRun& run = *result.run;
  const tools::Judgement& judgement = *result.judgement;

  Execution x;
  for (const auto& r : judgement.results) {
    x.verdicts.emplace_back(r.checker, check::verdict_name(r.verdict));
    if (r.ok()) continue;
    for (const auto& v : r.violations) {
      if (std::find(x.properties.begin(), x.properties.end(), v.property) == x.properties.end()) {
        x.properties.push_back(v.property);
      }
      x.property_kinds[v.property] = r.verdict == check::Verdict::kLivenessViolation ? "liveness" : "safety";
      if (x.witness.empty()) x.witness = fmt::format("[{}] {}", v.property, v.witness);
    }
  }

  // Coverage marks and the number of leaders established, from the trace alone.
  std::int64_t elections = 0;
  for (const sim::TraceEvent& e : run.world().trace().events()) {
    if (const auto mark = sim::event_as<ev::Coverage>(e)) {
      x.coverage[coverage_mark_name(mark->mark)] += 1;
    } else if (sim::is_event<ev::LeaderEstablished>(e)) {
      ++elections;
    }
  }
  // Recovery after the last fault that fired, as the run's recovery phases measure it.
  std::size_t skipped = 0;
  for (const auto& f : run.fired()) skipped += f.skipped ? 1 : 0;
  const tools::RecoveryPhases* last = result.recovery.empty() ? nullptr : &result.recovery.back();
  x.recovery["faults_fired"] = run.fired().size() - skipped;
  x.recovery["faults_skipped"] = skipped;
  x.recovery["leaders_established"] = elections;
  x.recovery["last_fault_ms"] = last == nullptr ? 0 : last->at.ns() / 1'000'000;
  // -1: it did not happen before the run ended.
  x.recovery["leader_after_ms"] = last == nullptr || last->next_leader_ns < 0 ? -1 : last->next_leader_ns / 1'000'000;
  x.recovery["commit_after_ms"] = last == nullptr || last->next_commit_ns < 0 ? -1 : last->next_commit_ns / 1'000'000;
  x.trace_hash = run.world().trace_hash();
  x.events = run.world().trace().event_count();
  x.instant_events_max = run.world().instant_events_max();
  x.signature = signature_of(run.world().trace().events(), run.scenario().servers);

  x.record = std::move(result.record);
  return x;
}

}  // namespace zab::fuzz
