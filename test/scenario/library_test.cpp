// Every scenario in scenarios/ parses, runs, and gives the same trace hash when run twice.

#include <doctest/doctest.h>

#include <filesystem>

#include "sim/scenario/runner.h"

using namespace zab::sim;

namespace {
std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(ZABSIM_SCENARIO_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::uint64_t run_hash(const Scenario& s, std::uint64_t seed) {
  ScenarioRun run(s, seed, RunOptions{.keep_trace_events = false});
  run.run();
  return run.world().trace_hash();
}
}  // namespace

TEST_CASE("the scenario library: at least 15 scenarios, each deterministic by seed") {
  const auto files = scenario_files();
  CHECK(files.size() >= 15);
  for (const auto& file : files) {
    CAPTURE(file);
    const auto parsed = load_scenario(file);
    if (const auto* e = std::get_if<ScenarioError>(&parsed)) FAIL(e->text());
    const Scenario& s = std::get<Scenario>(parsed);
    CHECK_FALSE(s.description.empty());
    const std::uint64_t seed = s.seed.value_or(1);
    CHECK(run_hash(s, seed) == run_hash(s, seed));
  }
}
