// `zabsim run SCENARIO`: run a scenario file, print its timeline, recovery phases and client
// outcomes, and end with the seed and the trace hash.

#include <fmt/format.h>

#include <fstream>

#include "protocol/mutations.h"
#include "sim/scenario/runner.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/report.h"

namespace zab::tools {

int run_run(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string scenario_path, trace_file;
  std::uint64_t seed = 0;
  options.add_options()("help,h", "show this help")(
      "scenario", po::value<std::string>(&scenario_path)->required(), "the scenario file (JSON)")(
      "seed", po::value<std::uint64_t>(&seed), "the run's seed (default: the scenario's, else 1)")(
      "trace", po::value<std::string>(&trace_file), "write the trace as JSON lines to this file");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (auto code = parse_options("run", args, options, positional, vm,
                                "examples:\n  zabsim run scenarios/leader-crash.json\n"
                                "  zabsim run scenarios/leader-crash.json --seed 7 --trace run.jsonl\n")) {
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
  fmt::print("\nseed {} trace-hash {:016x}\n", seed, run.world().trace_hash());
  return kExitOk;
}

}  // namespace zab::tools
