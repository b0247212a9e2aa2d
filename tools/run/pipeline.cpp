#include "tools/run/pipeline.h"

#include "checkers/verdict.h"
#include "protocol/base/assert.h"
#include "sim/scenario/scenario.h"

namespace zab::tools {

std::vector<std::pair<std::string, std::string>> record_verdicts(const Judgement& judgement) {
  std::vector<std::pair<std::string, std::string>> verdicts;
  for (const auto& r : judgement.results) {
    std::string verdict = check::verdict_name(r.verdict);
    for (const auto& v : r.violations) verdict += "; " + v.property + ": " + v.witness;
    verdicts.emplace_back(r.checker, verdict);
  }
  return verdicts;
}

PipelineResult run_pipeline(PipelineRequest request) {
  PipelineResult result;
  result.scenario = std::make_unique<const sim::Scenario>(std::move(request.scenario));
  result.run = std::make_unique<sim::ScenarioRun>(*result.scenario, request.seed, request.options);
  if (request.progress) {
    result.run->run(request.progress);
  } else {
    result.run->run();
  }
  if (request.judge) result.judgement = judge(*result.run);
  if (request.measure_recovery) result.recovery = recovery_phases(*result.run);

  RunRecord& record = result.record;
  record.scenario_path = request.scenario_path;
  record.scenario = std::move(request.document);
  record.seed = request.seed;
  record.mutations = result.scenario->server.mutations.active_names();
  if (result.judgement) record.verdicts = record_verdicts(*result.judgement);
  const sim::Trace& trace = result.run->world().trace();
  record.trace_hash = trace.hash();
  record.events = trace.event_count();
  record.checkpoints = trace.checkpoints();
  if (request.measure_recovery) record.recovery = recovery_to_json(result.recovery);
  ZAB_ASSERT(record.trace_hash == result.run->world().trace_hash(), "the record's hash is the world's");
  return result;
}

std::optional<RecordedRun> load_recorded_run(const std::string& record_path, std::string& error) {
  auto record = load_record(record_path, error);
  if (!record) return std::nullopt;
  auto parsed = sim::parse_scenario(record->scenario.dump(), record_path + "#/scenario");
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) {
    error = e->text();
    return std::nullopt;
  }
  return RecordedRun{std::move(*record), std::move(std::get<sim::Scenario>(parsed))};
}

}  // namespace zab::tools
