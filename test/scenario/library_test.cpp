// Every scenario in scenarios/ parses, runs, and gives the same trace hash when run twice.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "sim/scenario/runner.h"
#include "tools/run/judge.h"

using namespace zab::sim;

namespace {
// The library: scenarios/*.json and scenarios/regressions/*.json (the shrunk scenarios of past
// findings on the correct protocol, each with the verdict it must now get).
std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const std::string& dir : {std::string(ZABSIM_SCENARIO_DIR), std::string(ZABSIM_SCENARIO_DIR) + "/regressions"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() == ".json" && !name.ends_with(".schema.json")) files.push_back(entry.path().string());
    }
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
  CHECK(std::count_if(files.begin(), files.end(), [](const std::string& f) { return f.find("/regressions/") != std::string::npos; }) >= 2);
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

TEST_CASE("every scenario in the library meets its expectations under the checkers") {
  for (const auto& file : scenario_files()) {
    CAPTURE(file);
    const auto parsed = load_scenario(file);
    REQUIRE(std::holds_alternative<Scenario>(parsed));
    const Scenario& s = std::get<Scenario>(parsed);
    ScenarioRun run(s, s.seed.value_or(1));
    run.run();
    const zab::tools::Judgement j = zab::tools::judge(run);
    std::string why;
    const bool met = j.meets(s.expect, why);
    CAPTURE(why);
    CAPTURE(zab::tools::render_judgement(j));
    CHECK(met);
    CHECK(run.world().out_of_model_used() == s.expect.out_of_model);
    // Correct runs never come near the per-instant event budget (sim/world.h): the busiest
    // instant of any scenario here is a few hundred events, the budget 100,000.
    CHECK_FALSE(run.world().time_stood_still());
    CHECK(run.world().instant_events_max() * 100 < kDefaultInstantEventBudget);
  }
}
