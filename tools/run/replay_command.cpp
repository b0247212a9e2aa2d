// `zabsim replay RECORD`: run a recorded run again and confirm its trace hash. On a mismatch,
// report where the runs part ways: the first differing trace event when the record's
// directory holds the original trace.jsonl, else the first differing 4096-event stretch.

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/runner.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/run/pipeline.h"
#include "tools/run/run_record.h"

namespace zab::tools {

int run_replay(const std::vector<std::string>& args) {
  po::options_description options("replay options");
  std::string record_path;
  options.add_options()("help,h", "show this help")(
      "record", po::value<std::string>(&record_path)->required(), "the run record (record.json)");
  po::positional_options_description positional;
  positional.add("record", 1);
  po::variables_map vm;
  if (auto code = parse_options("replay", args, options, positional, vm,
                                "example:\n  zabsim replay runs/leader-crash-seed7/record.json\n")) {
    return *code;
  }
  std::string error;
  auto recorded = load_recorded_run(record_path, error);
  if (!recorded) {
    fmt::print(stderr, "zabsim replay: {}\n", error);
    return kExitUsage;
  }
  const RunRecord* record = &recorded->record;

  // Keep the replay's trace as JSON lines if there is an original to compare against.
  const std::filesystem::path original = std::filesystem::path(record_path).parent_path() / "trace.jsonl";
  const bool compare_lines = std::filesystem::exists(original);
  std::ostringstream replay_trace;
  sim::RunOptions run_options{.keep_trace_events = false};
  if (compare_lines) run_options.trace_jsonl = &replay_trace;
  // A replay compares hashes only: nothing is judged or measured.
  const PipelineResult result = run_pipeline(PipelineRequest{.scenario = std::move(recorded->scenario),
                                                             .document = record->scenario,
                                                             .scenario_path = record->scenario_path,
                                                             .seed = record->seed,
                                                             .options = run_options,
                                                             .judge = false,
                                                             .measure_recovery = false,
                                                             .progress = {}});
  const sim::ScenarioRun& run = *result.run;
  const std::uint64_t hash = run.world().trace_hash();
  if (hash == record->trace_hash) {
    fmt::print("replay of {}: trace hash {:016x} matches ({} events)\n", record_path, hash,
               run.world().trace().event_count());
    return kExitOk;
  }
  fmt::print("replay of {}: TRACE HASH MISMATCH: recorded {:016x}, replayed {:016x}\n", record_path,
             record->trace_hash, hash);
  if (record->version != kZabsimVersion) {
    fmt::print("  the record was made by zabsim {}, this is {}\n", record->version, kZabsimVersion);
  }
  if (compare_lines) {
    std::ifstream orig(original);
    std::istringstream mine(replay_trace.str());
    std::string a, b;
    std::uint64_t line = 0;
    while (true) {
      const bool more_a = static_cast<bool>(std::getline(orig, a));
      const bool more_b = static_cast<bool>(std::getline(mine, b));
      ++line;
      if (!more_a && !more_b) break;
      if (!more_a || !more_b || a != b) {
        fmt::print("  first differing trace event: #{}\n    recorded: {}\n    replayed: {}\n", line,
                   more_a ? a : "(trace ended)", more_b ? b : "(trace ended)");
        break;
      }
    }
  } else {
    const auto& mine = run.world().trace().checkpoints();
    std::size_t k = 0;
    while (k < record->checkpoints.size() && k < mine.size() && record->checkpoints[k] == mine[k]) ++k;
    fmt::print("  the runs agree on the first {} events and differ within the next {} (no trace.jsonl beside the "
               "record to name the event)\n",
               k * sim::Trace::kCheckpointEvents, sim::Trace::kCheckpointEvents);
  }
  return kExitSafety;
}

}  // namespace zab::tools
