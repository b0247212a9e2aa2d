// `zabsim shrink RECORD [-o MIN.json]`: the smallest scenario that still fails the record's
// run the same way (same violated property, or the same broken invariant for a crash).

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"
#include "tools/commands.h"
#include "tools/fuzz/shrink.h"
#include "tools/options.h"
#include "tools/run/run_record.h"

namespace zab::tools {

int run_shrink(const std::vector<std::string>& args) {
  po::options_description options("shrink options");
  std::string record_path, out, property;
  double budget_s = 60;
  options.add_options()("help,h", "show this help")(
      "record", po::value<std::string>(&record_path)->required(), "a run record (record.json) of a failing run")(
      "out,o", po::value<std::string>(&out), "write the shrunk scenario here (default: print it)")(
      "property", po::value<std::string>(&property), "the property to keep failing (default: the run's first)")(
      "time-budget", seconds_value<kSecondsMax>(&budget_s, 60), "seconds to spend (0: no limit)")(
      "verbose,v", "print each accepted step");
  po::positional_options_description positional;
  positional.add("record", 1);
  po::variables_map vm;
  if (auto code = parse_options("shrink", args, options, positional, vm,
                                "example:\n  zabsim shrink zabsim-fuzz/findings/run-000042/record.json -o min.json\n")) {
    return *code;
  }
  if (!out.empty()) {
    // Before spending the budget: the file's directory must exist.
    const std::filesystem::path parent = std::filesystem::path(out).parent_path();
    std::error_code ec;
    if (std::filesystem::is_directory(out, ec) || (!parent.empty() && !std::filesystem::is_directory(parent, ec))) {
      fmt::print(stderr, "zabsim shrink: -o: cannot write '{}': {}\n", out,
                 std::filesystem::is_directory(out, ec) ? "it is a directory" : "its directory does not exist");
      return kExitUsage;
    }
  }
  std::string error;
  const auto record = load_record(record_path, error);
  if (!record) {
    fmt::print(stderr, "zabsim shrink: {}\n", error);
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
    std::ofstream file(out);
    file << text;
    file.close();
    if (!file) {
      fmt::print(stderr, "zabsim shrink: cannot write '{}'\n", out);
      return kExitUsage;
    }
  }
  fmt::print(stderr, "zabsim shrink: {} still violated with {} faults and {} servers after {} candidates in {:.1f} s{}{}\n",
             r.property, r.scenario["faults"].size(), r.scenario["cluster"]["servers"].get<std::int64_t>(), r.attempts,
             r.seconds, r.budget_exhausted ? " (time budget reached)" : "", out.empty() ? "" : "; written to " + out);
  return kExitOk;
}

}  // namespace zab::tools
