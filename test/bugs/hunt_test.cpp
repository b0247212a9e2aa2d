// `zabsim bugs`' catalog and hunts: the compiled-in table agrees with the trigger scenarios in
// scenarios/bugs/ (same switches, same expected property, one line per file), a hunt stops at
// its first finding with a deterministic count, and a hunt that finds nothing says so.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "protocol/base/mutations.h"
#include "sim/scenario/runner.h"
#include "tools/bugs/catalog.h"
#include "tools/bugs/hunt.h"

using namespace zab::bugs;

namespace {
const std::string kBugDir = std::string(ZABSIM_SCENARIO_DIR) + "/bugs";
}  // namespace

TEST_CASE("the bug table names exactly the trigger scenarios, with their switches and expected property") {
  std::set<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(kBugDir)) {
    if (f.path().extension() == ".json") files.insert(f.path().stem().string());
  }
  std::set<std::string> entries;
  for (const BugEntry& e : bug_catalog()) {
    CAPTURE(e.name);
    CHECK(entries.insert(e.name).second);
    CHECK_MESSAGE(files.contains(e.name), "every table line has its trigger scenario scenarios/bugs/<name>.json");
    REQUIRE_FALSE(e.switches.empty());
    CHECK(e.switches.front() == e.name);
    for (const auto& s : e.switches) CHECK(zab::mutation_by_name(s).has_value());
    CHECK(bug_jira(e) != "");
    if (!files.contains(e.name)) continue;
    const auto parsed = zab::sim::load_scenario(kBugDir + "/" + e.name + ".json");
    if (const auto* err = std::get_if<zab::sim::ScenarioError>(&parsed)) FAIL(err->text());
    const auto& s = std::get<zab::sim::Scenario>(parsed);
    const auto active = s.server.mutations.active_names();
    CHECK(std::set<std::string>(active.begin(), active.end()) == std::set<std::string>(e.switches.begin(), e.switches.end()));
    // Exactly one expectation is a violation, and it is the table's property.
    const bool safety = s.expect.safety != "pass", liveness = s.expect.liveness != "pass";
    CHECK(safety != liveness);
    CHECK((safety ? s.expect.safety : s.expect.liveness) == e.expected_property);
  }
  for (const auto& f : files) {
    CAPTURE(f);
    CHECK_MESSAGE(bug_entry(f) != nullptr, "every trigger scenario has its line in tools/bugs/catalog.cpp");
  }
}

TEST_CASE("a hunt stops at its first finding, and the count of schedules is deterministic") {
  const BugEntry* e = bug_entry("ack-newleader-before-logging");
  REQUIRE(e != nullptr);
  const HuntOptions o{.seed = 1, .budget_s = 60, .max_schedules = 200, .shrink = true, .shrink_budget_s = 30};
  const HuntResult a = hunt(*e, o);
  REQUIRE(a.found);
  CHECK(a.schedules == a.first_index + 1);
  CHECK(a.property == e->expected_property);
  CHECK(a.expected());
  CHECK(a.shrunk);
  CHECK(a.shrunk_faults >= 1);
  CHECK(a.shrunk_servers >= 3);
  const HuntResult b = hunt(*e, HuntOptions{.seed = 1, .budget_s = 60, .max_schedules = 200, .shrink = false});
  CHECK(b.found);
  CHECK(b.schedules == a.schedules);
  CHECK(b.property == a.property);
  CHECK(b.witness == a.witness);
  // The report's JSON round-trips.
  const HuntResult c = hunt_result_from_json(to_json(a));
  CHECK(c.schedules == a.schedules);
  CHECK(c.property == a.property);
  CHECK(c.shrunk_faults == a.shrunk_faults);
}

TEST_CASE("a hunt that finds nothing within its schedules reports them all, not found") {
  // Not a catalog line: the correct protocol, which the campaign CI runs also find nothing in.
  const BugEntry correct{"correct protocol", {}, "none"};
  const HuntResult r = hunt(correct, HuntOptions{.seed = 1, .budget_s = 60, .max_schedules = 20});
  CHECK_FALSE(r.found);
  CHECK(r.schedules == 20);
  CHECK(r.property.empty());
  CHECK_FALSE(r.shrunk);
  CHECK(to_json(r)["found"] == false);
}
