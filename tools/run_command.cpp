// `zabsim run SCENARIO`: run a scenario file, print its timeline, recovery phases and client
// outcomes, and end with the seed and the trace hash.

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/mutations.h"
#include "sim/scenario/runner.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "checkers/history.h"
#include "tools/history_convert.h"
#include "tools/judge.h"
#include "tools/report.h"
#include "tools/run_record.h"

namespace zab::tools {

int run_run(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string scenario_path, trace_file, history_file, out_dir;
  std::uint64_t seed = 0;
  options.add_options()("help,h", "show this help")(
      "scenario", po::value<std::string>(&scenario_path)->required(), "the scenario file (JSON)")(
      "seed", po::value<std::uint64_t>(&seed), "the run's seed (default: the scenario's, else 1)")(
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
  auto parsed = sim::load_scenario(scenario_path);
  if (const auto* error = std::get_if<sim::ScenarioError>(&parsed)) {
    fmt::print(stderr, "zabsim run: {}\n", error->text());
    return kExitUsage;
  }
  const sim::Scenario& scenario = std::get<sim::Scenario>(parsed);
  if (vm.count("seed") == 0) seed = scenario.seed.value_or(1);

  std::ofstream trace_out;
  sim::RunOptions run_options;
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      fmt::print(stderr, "zabsim run: cannot create directory '{}': {}\n", out_dir, ec.message());
      return kExitUsage;
    }
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
  sim::ScenarioRun run(scenario, seed, run_options);
  run.run();

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
  fmt::print("\n{}\n{}\n{}", render_timeline(run), render_recovery(recovery_phases(run)), render_clients(run));
  if (!history_file.empty()) {
    std::ofstream h(history_file);
    if (!h) {
      fmt::print(stderr, "zabsim run: cannot write history file '{}'\n", history_file);
      return kExitUsage;
    }
    check::write_history(h, to_check_history(run.history(), sim::ScenarioRun::kFirstClientAddress));
  }
  const Judgement judgement = judge(run);
  fmt::print("\n{}", render_judgement(judgement));
  const bool failed = judgement.safety_violated || judgement.liveness_violated;
  if (failed && out_dir.empty()) {
    // A failing run always leaves a record behind, so it can be replayed.
    out_dir = (std::filesystem::path("zabsim-runs") /
               fmt::format("{}-seed{}", std::filesystem::path(scenario_path).stem().string(), seed)).string();
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
  }
  if (!out_dir.empty()) {
    RunRecord record;
    record.scenario_path = scenario_path;
    std::ifstream scenario_in(scenario_path);
    std::stringstream text;
    text << scenario_in.rdbuf();
    record.scenario = nlohmann::ordered_json::parse(text.str());  // it parsed once already
    record.seed = seed;
    record.mutations = mutations;
    for (const auto& r : judgement.results) {
      std::string verdict = check::verdict_name(r.verdict);
      for (const auto& v : r.violations) verdict += "; " + v.property + ": " + v.witness;
      record.verdicts.emplace_back(r.checker, verdict);
    }
    record.trace_hash = run.world().trace_hash();
    record.events = run.world().trace().event_count();
    record.checkpoints = run.world().trace().checkpoints();
    record.recovery = recovery_to_json(recovery_phases(run));
    const std::string record_path = (std::filesystem::path(out_dir) / "record.json").string();
    record.replay_command = "zabsim replay " + record_path;
    std::ofstream out(record_path);
    out << to_json(record).dump(2) << "\n";
    fmt::print("\nrun record: {}\nreplay with: {}\n", record_path, record.replay_command);
  }
  fmt::print("\nseed {} trace-hash {:016x}\n", seed, run.world().trace_hash());
  if (judgement.safety_violated) return kExitSafety;
  if (judgement.liveness_violated) return kExitLiveness;
  return kExitOk;
}

}  // namespace zab::tools
