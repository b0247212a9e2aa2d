#pragma once
// One run pipeline: scenario → world → judge → record → recovery measurements. `run`, `fuzz`
// (and through it `bugs` and the shrinker), `study`, `replay` and `report` all call
// run_pipeline, so a run is assembled, judged, recorded and measured in one way only; a
// command differs only in what it asks for (the stages below) and in what it prints.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/runner.h"
#include "tools/run/judge.h"
#include "tools/run/recovery.h"
#include "tools/run/run_record.h"

namespace zab::tools {

struct PipelineRequest {
  sim::Scenario scenario;                // owned: the run refers to it for as long as it lives
  nlohmann::ordered_json document;       // the scenario as written, for the record
  std::string scenario_path;             // where it came from ("" for a generated one)
  std::uint64_t seed = 1;
  sim::RunOptions options;
  bool judge = true;                     // run the checkers (a replay compares hashes only)
  bool measure_recovery = true;          // the recovery phases of every fault
  // Called during the run (progress on a terminal); nothing recorded depends on it.
  std::function<void(sim::SimTime now, sim::SimTime end)> progress;
};

struct PipelineResult {
  std::unique_ptr<const sim::Scenario> scenario;  // what `run` refers to (kept alive here)
  std::unique_ptr<sim::ScenarioRun> run;
  std::optional<Judgement> judgement;            // when asked for
  std::vector<RecoveryPhases> recovery;          // when asked for; one entry per fault that fired
  RunRecord record;                              // everything but replay_command, which names a file

  std::uint64_t trace_hash() const { return run->world().trace_hash(); }
};

PipelineResult run_pipeline(PipelineRequest request);

// A run record file read back and its scenario parsed, for `replay` and `report`; nullopt and
// `error` (naming the file and the place) if either fails.
struct RecordedRun {
  RunRecord record;
  sim::Scenario scenario;
};
std::optional<RecordedRun> load_recorded_run(const std::string& record_path, std::string& error);

// The verdict lines of a run record: per checker, its verdict and each violation's witness.
std::vector<std::pair<std::string, std::string>> record_verdicts(const Judgement& judgement);

}  // namespace zab::tools
