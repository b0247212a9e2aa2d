// The bug catalog (scenarios/bugs/): every trigger scenario re-introduces one historical
// ZooKeeper bug through its mutation switches and must fail with the property its `expect`
// names; the same scenario with the switches removed must pass every checker. A catalog entry
// whose trigger stops failing, or whose correct run starts failing, breaks this test.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "sim/scenario/runner.h"
#include "tools/run/judge.h"

using namespace zab::sim;

namespace {
const std::string kBugDir = std::string(ZABSIM_SCENARIO_DIR) + "/bugs";

std::vector<std::string> bug_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kBugDir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// scenarios/bugs/consequences/: what a catalog gap leads to (a lost acknowledged write), run
// like a trigger scenario: it fails with its expected property and passes without its switch.
std::vector<std::string> consequence_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kBugDir + "/consequences")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Scenario load(const std::string& file) {
  const auto parsed = load_scenario(file);
  if (const auto* e = std::get_if<ScenarioError>(&parsed)) FAIL(e->text());
  return std::get<Scenario>(parsed);
}

zab::tools::Judgement run_and_judge(const Scenario& s) {
  ScenarioRun run(s, s.seed.value_or(1));
  run.run();
  return zab::tools::judge(run);
}
}  // namespace

TEST_CASE("the bug catalog: at least 14 trigger scenarios, each with a mutation, an expected violation and a page") {
  const auto files = bug_files();
  CHECK(files.size() >= 14);
  std::set<std::string> switches;
  for (const auto& file : files) {
    CAPTURE(file);
    const Scenario s = load(file);
    CHECK_FALSE(s.description.empty());
    CHECK(s.server.mutations.any());
    for (const auto& name : s.server.mutations.active_names()) switches.insert(name);
    // A trigger scenario exists to show a violation: "pass" on both would prove nothing.
    CHECK((s.expect.safety != "pass" || s.expect.liveness != "pass"));
    std::filesystem::path page(file);
    page.replace_extension(".md");
    CHECK_MESSAGE(std::filesystem::exists(page), "every entry has its page of explanation");
  }
  CHECK(switches.size() >= 14);
}

TEST_CASE("every trigger scenario fails with its expected property, and passes with the mutations removed") {
  auto files = bug_files();
  const auto consequences = consequence_files();
  CHECK_FALSE(consequences.empty());
  files.insert(files.end(), consequences.begin(), consequences.end());
  for (const auto& file : files) {
    CAPTURE(file);
    Scenario s = load(file);
    {
      const zab::tools::Judgement j = run_and_judge(s);
      std::string why;
      const bool met = j.meets(s.expect, why);
      CAPTURE(why);
      CAPTURE(zab::tools::render_judgement(j));
      CHECK(met);
    }
    // The correct protocol, same scenario, same seed: every checker passes.
    s.server.mutations = zab::Mutations{};
    s.expect = Expectations{};
    const zab::tools::Judgement j = run_and_judge(s);
    CAPTURE(zab::tools::render_judgement(j));
    CHECK_FALSE(j.safety_violated);
    CHECK_FALSE(j.liveness_violated);
  }
}
