// `zabsim shrink RECORD [-o MIN.json]`: the smallest scenario that still fails the record's
// run the same way (same violated property, or the same broken invariant for a crash).

#include <fmt/format.h>

#include <fstream>

#include "sim/scenario/scenario.h"
#include "tools/commands.h"
#include "tools/fuzz/shrink.h"
#include "tools/options.h"
#include "tools/run_record.h"

namespace zab::tools {

int run_shrink(const std::vector<std::string>& args) {
  po::options_description options("shrink options");
  std::string record_path, out, property;
  double budget_s = 60;
  options.add_options()("help,h", "show this help")(
      "record", po::value<std::string>(&record_path)->required(), "a run record (record.json) of a failing run")(
      "out,o", po::value<std::string>(&out), "write the shrunk scenario here (default: print it)")(
      "property", po::value<std::string>(&property), "the property to keep failing (default: the run's first)")(
      "time-budget", po::value<double>(&budget_s)->default_value(60), "seconds to spend (0: no limit)")(
      "verbose,v", "print each accepted step");
  po::positional_options_description positional;
  positional.add("record", 1);
  po::variables_map vm;
  if (auto code = parse_options("shrink", args, options, positional, vm,
                                "example:\n  zabsim shrink zabsim-fuzz/findings/run-000042/record.json -o min.json\n")) {
    return *code;
  }
  std::ifstream in(record_path);
  if (!in) {
    fmt::print(stderr, "zabsim shrink: {}: cannot be read\n", record_path);
    return kExitUsage;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    fmt::print(stderr, "zabsim shrink: {}: not valid JSON: {}\n", record_path, e.what());
    return kExitUsage;
  }
  std::string error;
  const auto record = record_from_json(j, error);
  if (!record) {
    fmt::print(stderr, "zabsim shrink: {}: {}\n", record_path, error);
    return kExitUsage;
  }
  auto parsed = sim::parse_scenario(record->scenario.dump(), record_path + "#/scenario");
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) {
    fmt::print(stderr, "zabsim shrink: {}\n", e->text());
    return kExitUsage;
  }
  const fuzz::ShrinkResult r =
      fuzz::shrink(record->scenario, record->seed, property, fuzz::ShrinkOptions{.time_budget_s = budget_s, .verbose = vm.count("verbose") != 0});
  if (!r.reproduced) {
    fmt::print(stderr, "zabsim shrink: {}: the run does not fail{} (seed {})\n", record_path,
               property.empty() ? "" : " with " + property, record->seed);
    return kExitUsage;
  }
  const std::string text = r.scenario.dump(2) + "\n";
  if (out.empty()) {
    fmt::print("{}", text);
  } else {
    std::ofstream(out) << text;
  }
  fmt::print(stderr, "zabsim shrink: {} still violated with {} faults and {} servers after {} candidates in {:.1f} s{}{}\n",
             r.property, r.scenario["faults"].size(), r.scenario["cluster"]["servers"].get<std::int64_t>(), r.attempts,
             r.seconds, r.budget_exhausted ? " (time budget reached)" : "", out.empty() ? "" : "; written to " + out);
  return kExitOk;
}

}  // namespace zab::tools
