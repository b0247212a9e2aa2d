#include "tools/fuzz/execute.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/assert.h"
#include "protocol/coverage.h"
#include "protocol/zab_trace.h"
#include "sim/scenario/runner.h"
#include "tools/judge.h"

namespace zab::fuzz {

namespace {

std::int64_t ms_after(std::int64_t t_ns, std::int64_t from_ns) { return (t_ns - from_ns) / 1'000'000; }

}  // namespace

Execution execute(const nlohmann::ordered_json& doc, std::uint64_t seed) {
  auto parsed = sim::parse_scenario(doc.dump(), "generated");
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) {
    fmt::print(stderr, "{}\n", e->text());
    ZAB_ASSERT(false, "a fuzz scenario document is valid (the generator and the shrinker only write valid ones)");
  }
  const sim::Scenario& scenario = std::get<sim::Scenario>(parsed);
  sim::ScenarioRun run(scenario, seed, sim::RunOptions{.keep_trace_events = true});
  run.run();
  const tools::Judgement judgement = tools::judge(run);

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

  // Coverage marks and recovery after the last fault, from the trace alone.
  std::int64_t last_fault_ns = 0;
  for (const auto& f : run.fired()) last_fault_ns = std::max(last_fault_ns, f.at.ns());
  std::int64_t leader_ns = -1, commit_ns = -1, elections = 0;
  for (const sim::TraceEvent& e : run.world().trace().events()) {
    if (e.kind != sim::TraceKind::kProtocol) continue;
    if (e.sub == kTraceCoverage) {
      x.coverage[coverage_mark_name(static_cast<CoverageMark>(e.a))] += 1;
    } else if (e.sub == kTraceLeaderEstablished) {
      ++elections;
      if (leader_ns < 0 && e.time.ns() >= last_fault_ns) leader_ns = e.time.ns();
    } else if (e.sub == kTraceCommitted && commit_ns < 0 && e.time.ns() >= last_fault_ns) {
      commit_ns = e.time.ns();
    }
  }
  std::size_t skipped = 0;
  for (const auto& f : run.fired()) skipped += f.skipped ? 1 : 0;
  x.recovery["faults_fired"] = run.fired().size() - skipped;
  x.recovery["faults_skipped"] = skipped;
  x.recovery["leaders_established"] = elections;
  x.recovery["last_fault_ms"] = last_fault_ns / 1'000'000;
  // -1: it did not happen before the run ended.
  x.recovery["leader_after_ms"] = leader_ns < 0 ? -1 : ms_after(leader_ns, last_fault_ns);
  x.recovery["commit_after_ms"] = commit_ns < 0 ? -1 : ms_after(commit_ns, last_fault_ns);
  x.trace_hash = run.world().trace_hash();
  x.events = run.world().trace().event_count();
  x.instant_events_max = run.world().instant_events_max();

  tools::RunRecord& record = x.record;
  record.scenario = doc;
  record.seed = seed;
  record.mutations = scenario.server.mutations.active_names();
  for (const auto& r : judgement.results) {
    std::string verdict = check::verdict_name(r.verdict);
    for (const auto& v : r.violations) verdict += "; " + v.property + ": " + v.witness;
    record.verdicts.emplace_back(r.checker, verdict);
  }
  record.trace_hash = x.trace_hash;
  record.events = x.events;
  record.checkpoints = run.world().trace().checkpoints();
  return x;
}

}  // namespace zab::fuzz
