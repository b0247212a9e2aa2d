// `zabsim run SCENARIO`: run a scenario file, print its timeline, recovery phases and client
// outcomes, and end with the seed and the trace hash.

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>

#include "checkers/json_input.h"
#include "protocol/base/mutations.h"
#include "sim/scenario/runner.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "checkers/history.h"
#include "tools/check/history_convert.h"
#include "tools/run/judge.h"
#include "tools/run/pipeline.h"
#include "tools/run/timeline.h"
#include "tools/run/run_record.h"

namespace zab::tools {

namespace {

// A long run shows progress on stderr (after 2 s of wall time; redrawn in place on a
// terminal, else a line every 10 s), so it is never silent for minutes. Nothing on stdout or
// in the files depends on it.
std::function<void(sim::SimTime, sim::SimTime)> wall_clock_progress() {
  const auto started = std::chrono::steady_clock::now();
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  return [started, terminal, shown_s = 0.0, shown = false](sim::SimTime now, sim::SimTime end) mutable {
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool last = now >= end;
    if (wall_s < 2 || (last && !shown) || (!last && shown && wall_s - shown_s < (terminal ? 0.2 : 10))) return;
    shown_s = wall_s;
    shown = true;
    fmt::print(stderr, "{}  simulated {:.1f} of {:.1f} s ({:.0f}%), {:.0f} s wall{}", terminal ? "\r" : "",
               static_cast<double>(now.ns()) / 1e9, static_cast<double>(end.ns()) / 1e9,
               100.0 * static_cast<double>(now.ns()) / static_cast<double>(end.ns()), wall_s, terminal && !last ? "" : "\n");
  };
}

// The run's first lines: the scenario, the ensemble, and any switch or fault that puts it
// outside the correct protocol's model.
void print_header(const std::string& scenario_path, const sim::Scenario& scenario, const sim::ScenarioRun& run) {
  fmt::print("zabsim run {}: {}\n", scenario_path, scenario.name);
  fmt::print("  {} servers, tickTime {} ms, initLimit {}, syncLimit {}; {} clients; {} ms simulated\n",
             scenario.servers, scenario.server.tick_time_ms, scenario.server.init_limit, scenario.server.sync_limit,
             scenario.clients.count, scenario.duration_ms);
  const auto mutations = scenario.server.mutations.active_names();
  if (!mutations.empty()) {
    std::string list;
    for (const auto& m : mutations) list += (list.empty() ? "" : ", ") + m;
    fmt::print("  MUTATIONS ON: {}\n", list);
  }
  if (run.world().out_of_model_used()) fmt::print("  OUT-OF-MODEL faults were used in this run\n");
}

// Writes the run record into `out_dir` (--out), or for a failing run without --out into
// zabsim-runs/, so that every failure can be replayed. False: the record the user asked for
// could not be written (exit 2); the automatic record of a failing run only warns, so that the
// verdict's exit code is not hidden.
bool write_record(RunRecord& record, bool failed, std::string out_dir, const std::string& scenario_path,
                  std::uint64_t seed) {
  const bool automatic_record = failed && out_dir.empty();
  if (automatic_record) {
    // A failing run always leaves a record behind, so it can be replayed.
    out_dir = (std::filesystem::path("zabsim-runs") /
               fmt::format("{}-seed{}", std::filesystem::path(scenario_path).stem().string(), seed)).string();
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      fmt::print(stderr, "zabsim run: warning: no run record: cannot create directory '{}': {}\n", out_dir, ec.message());
      out_dir.clear();
    }
  }
  if (!out_dir.empty()) {
    const std::string record_path = (std::filesystem::path(out_dir) / "record.json").string();
    record.replay_command = "zabsim replay " + record_path;
    std::ofstream out(record_path);
    out << to_json(record).dump(2) << "\n";
    out.close();
    if (!out && !automatic_record) {
      fmt::print(stderr, "zabsim run: cannot write the run record '{}'\n", record_path);
      return false;
    }
    if (!out) {
      fmt::print(stderr, "zabsim run: warning: cannot write the run record '{}'\n", record_path);
    } else {
      fmt::print("\nrun record: {}\nreplay with: {}\n", record_path, record.replay_command);
    }
  }
  return true;
}

}  // namespace

int run_run(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string scenario_path, trace_file, history_file, out_dir;
  std::uint64_t seed = 0;
  options.add_options()("help,h", "show this help")(
      "scenario", po::value<std::string>(&scenario_path)->required(), "the scenario file (JSON)")(
      "seed", uint_value<0, UINT64_MAX>(&seed), "the run's seed (default: the scenario's, else 1)")(
      "trace", po::value<std::string>(&trace_file), "write the trace as JSON lines to this file")(
      "history", po::value<std::string>(&history_file),
      "write the clients' history as JSON lines (checkers/README.md) to this file")(
      "out", po::value<std::string>(&out_dir),
      "write the run record (record.json) and the trace (trace.jsonl) into this directory");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (auto code = parse_options("run", args, options, positional, vm,
                                "examples:\n  zabsim run scenarios/leader-crash.json\n"
                                "  zabsim run scenarios/leader-crash.json --seed 7 --trace run.jsonl\n"
                                "  zabsim run scenarios/leader-crash.json --out runs/lc7\n")) {
    return *code;
  }
  // Read once: the record keeps the document that was parsed, not a second reading of the file.
  std::string read_error;
  const auto text = json_input::read_file(scenario_path, read_error);
  if (!text) {
    fmt::print(stderr, "zabsim run: {}: {}\n", scenario_path, read_error);
    return kExitUsage;
  }
  auto parsed = sim::parse_scenario(*text, scenario_path);
  if (const auto* error = std::get_if<sim::ScenarioError>(&parsed)) {
    fmt::print(stderr, "zabsim run: {}\n", error->text());
    return kExitUsage;
  }
  json_input::JsonError json_error;
  const nlohmann::ordered_json scenario_document = *json_input::parse<nlohmann::ordered_json>(*text, json_error);
  const sim::Scenario& scenario = std::get<sim::Scenario>(parsed);
  if (vm.count("seed") == 0) seed = scenario.seed.value_or(1);

  std::ofstream trace_out;
  sim::RunOptions run_options;
  if (!out_dir.empty()) {
    if (!make_output_dir("run", "--out", out_dir)) return kExitUsage;
    if (trace_file.empty()) trace_file = (std::filesystem::path(out_dir) / "trace.jsonl").string();
    if (history_file.empty()) history_file = (std::filesystem::path(out_dir) / "history.jsonl").string();
  }
  if (!trace_file.empty()) {
    trace_out.open(trace_file);
    if (!trace_out) {
      fmt::print(stderr, "zabsim run: cannot write trace file '{}'\n", trace_file);
      return kExitUsage;
    }
    run_options.trace_jsonl = &trace_out;
  }
  auto progress = wall_clock_progress();
  PipelineResult result = run_pipeline(PipelineRequest{.scenario = scenario,
                                                       .document = scenario_document,
                                                       .scenario_path = scenario_path,
                                                       .seed = seed,
                                                       .options = run_options,
                                                       .judge = true,
                                                       .measure_recovery = true,
                                                       .progress = progress});
  const sim::ScenarioRun& run = *result.run;

  print_header(scenario_path, scenario, run);
  fmt::print("\n{}\n{}\n{}", render_timeline(run), render_recovery(result.recovery), render_clients(run));
  if (!history_file.empty()) {
    std::ofstream h(history_file);
    if (h) check::write_history(h, to_check_history(run.history(), sim::ScenarioRun::kFirstClientAddress));
    h.close();
    if (!h) {
      fmt::print(stderr, "zabsim run: cannot write history file '{}'\n", history_file);
      return kExitUsage;
    }
  }
  const Judgement& judgement = *result.judgement;
  fmt::print("\n{}", render_judgement(judgement));
  const bool failed = judgement.safety_violated || judgement.liveness_violated;
  if (!write_record(result.record, failed, out_dir, scenario_path, seed)) return kExitUsage;
  fmt::print("\nseed {} trace-hash {:016x}\n", seed, run.world().trace_hash());
  if (!trace_file.empty()) {
    trace_out.close();
    if (!trace_out) {
      fmt::print(stderr, "zabsim run: cannot write trace file '{}' (disk full?)\n", trace_file);
      return kExitUsage;
    }
  }
  if (judgement.safety_violated) return kExitSafety;
  if (judgement.liveness_violated) return kExitLiveness;
  if (judgement.inconclusive) return kExitInconclusive;
  return kExitOk;
}

}  // namespace zab::tools
