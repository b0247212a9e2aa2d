// The recovery measurements on known scenarios, against the mechanisms that produce them: a
// killed leader is noticed by a connection reset within about a network delay, a hung one by a
// read timeout after about syncLimit x tickTime; followers sync by a named mode; clients are
// served again after the leader is established.

#include "tools/run/recovery.h"

#include <doctest/doctest.h>

#include <string>

#include "sim/scenario/runner.h"

using namespace zab;

namespace {

std::vector<tools::RecoveryPhases> measure(const std::string& file, std::uint64_t seed, sim::Scenario& keep) {
  auto parsed = sim::load_scenario(std::string(ZABSIM_SCENARIO_DIR) + "/" + file);
  REQUIRE(std::holds_alternative<sim::Scenario>(parsed));
  keep = std::get<sim::Scenario>(parsed);
  sim::ScenarioRun run(keep, seed);
  run.run();
  return tools::recovery_phases(run);
}

constexpr std::int64_t kMs = 1'000'000;

}  // namespace

TEST_CASE("leader crash: noticed by a reset within a network delay, then election, sync, clients") {
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    CAPTURE(seed);
    sim::Scenario scenario;
    const auto phases = measure("leader-crash.json", seed, scenario);
    REQUIRE(phases.size() == 2);
    const auto& p = phases[0];
    CHECK(p.fault.starts_with("crash s5"));
    // The followers see the reset one latency after the kill (base 50 us + ~150 us median,
    // rare spikes of a few ms): well under 20 ms.
    CHECK(p.noticed_by == "reset");
    CHECK(p.detected_by == "reset");
    CHECK(p.noticed_ns >= 0);
    CHECK(p.noticed_ns < 20 * kMs);
    CHECK(p.detected_ns <= p.noticed_ns);
    CHECK(p.noticed_server != 5);
    // FLE's finalize wait (200 ms) separates noticing from the end of the election.
    CHECK(p.elected_ns - p.noticed_ns >= 200 * kMs);
    CHECK(p.elected_ns <= p.epoch_agreed_ns);
    CHECK(p.epoch_agreed_ns <= p.synced_ns);
    CHECK(p.synced_ns <= p.first_commit_ns);
    CHECK(p.leader == 4);  // the highest surviving sid with the newest log
    CHECK(p.epoch == 2);
    // Every surviving follower synced after the new leader chose a mode for it.
    REQUIRE(p.followers.size() == 3);
    for (const auto& f : p.followers) {
      CHECK(f.server != 4);
      CHECK(f.server != 5);
      CHECK((f.mode == "DIFF" || f.mode == "TRUNC" || f.mode == "TRUNC+DIFF" || f.mode == "SNAP"));
      CHECK(f.synced_ns >= p.epoch_agreed_ns);
    }
    // Clients write again only through the new leader's quorum. (With seed 1 the workload is
    // still running after the fault; with others it may have finished.)
    if (seed == 1) REQUIRE(p.first_write_ns >= 0);
    if (p.first_write_ns < 0) continue;
    CHECK(p.first_write_ns >= p.synced_ns);
    CHECK(p.unavailable_ns == p.first_write_ns);
    CHECK(p.first_write_ns < 2000 * kMs);
    CHECK(!p.servers.empty());
    for (const auto& s : p.servers) {
      if (s.first_write_ns >= 0) CHECK(s.first_write_ns >= p.first_write_ns);
      if (s.first_read_ns >= 0) CHECK(s.first_read_ns >= p.first_read_ns);
    }
  }
  {
    sim::Scenario scenario;
    const auto phases = measure("leader-crash.json", 1, scenario);
    // The restart: the server's own rejoin, by a sync from the leader.
    const auto& r = phases[1];
    CHECK(r.noticed_by == "start");
    REQUIRE(r.followers.size() == 1);
    CHECK(r.followers[0].server == 5);
    CHECK(r.leader == 4);
  }
}

TEST_CASE("leader hang: noticed only by a timeout, about syncLimit x tickTime after the hang") {
  for (std::uint64_t seed : {1ULL, 2ULL}) {
    CAPTURE(seed);
    sim::Scenario scenario;
    const auto phases = measure("leader-hang.json", seed, scenario);
    REQUIRE(!phases.empty());
    const auto& p = phases[0];
    CHECK(p.fault.starts_with("hang s5"));
    const std::int64_t tick = scenario.server.tick_time_ms * kMs;
    const std::int64_t limit = scenario.server.sync_limit * tick;
    CHECK(p.noticed_by == "timeout");
    CHECK(p.detected_by == "timeout");
    // The last ping arrived at most half a tick before the hang; the read timeout is syncLimit x tickTime.
    CHECK(p.detected_ns >= limit - tick / 2 - 50 * kMs);
    CHECK(p.detected_ns <= limit + 50 * kMs);
    CHECK(p.noticed_ns >= p.detected_ns);
    CHECK(p.synced_ns > p.noticed_ns);
    CHECK(p.leader == 4);
    // Clients cannot write during the silence. (With seed 2 every client has reconnected to
    // the hung server before the resume, so none writes in this fault's window.)
    if (seed == 1) CHECK(p.unavailable_ns >= p.synced_ns);
  }
}

TEST_CASE("follower crash: the leader drops the follower on the reset and keeps leading") {
  sim::Scenario scenario;
  const auto phases = measure("follower-crash.json", 1, scenario);
  REQUIRE(!phases.empty());
  const auto& p = phases[0];
  CHECK(p.noticed_ns == -1);  // nobody left a role
  CHECK(p.elected_ns == -1);
  CHECK(p.detected_event == "learner_dropped");
  CHECK(p.detected_by == "reset");
  CHECK(p.detected_ns < 20 * kMs);
  CHECK(p.leader == 0);
  // The quorum never broke: writes succeed within a few think times.
  CHECK(p.first_write_ns >= 0);
  CHECK(p.first_write_ns < 1000 * kMs);
}

TEST_CASE("recovery JSON keeps the original keys first and adds the new ones") {
  sim::Scenario scenario;
  const auto phases = measure("leader-crash.json", 1, scenario);
  const auto j = tools::recovery_to_json(phases);
  REQUIRE(j.size() == 2);
  const std::vector<std::string> original = {"fault", "at_ms", "noticed_ms", "elected_ms", "epoch_agreed_ms", "synced_ms",
                                             "first_commit_ms"};
  std::size_t i = 0;
  for (const auto& [key, value] : j[0].items()) {
    if (i < original.size()) CHECK(key == original[i]);
    ++i;
  }
  CHECK(j[0]["noticed_by"] == "reset");
  CHECK(j[0]["leader"] == "s4");
  CHECK(j[0]["followers"].size() == 3);
  CHECK(j[0]["unavailable_ms"].get<double>() == doctest::Approx(j[0]["first_write_ms"].get<double>()));
  CHECK(j[0]["leader_established_ms"] == j[0]["synced_ms"]);
}

TEST_CASE("step costs: a role exit delays leaving the role, a slow leader start makes followers retry") {
  auto parsed = sim::load_scenario(std::string(ZABSIM_SCENARIO_DIR) + "/leader-crash.json");
  REQUIRE(std::holds_alternative<sim::Scenario>(parsed));
  sim::Scenario scenario = std::get<sim::Scenario>(parsed);
  const auto without = [&] {
    sim::ScenarioRun run(scenario, 1);
    run.run();
    return tools::recovery_phases(run).front();
  }();
  // One sample each: every role exit takes 10 ms, a new leader listens 20 ms after deciding,
  // a new follower dials 1 ms after deciding, so before the leader listens.
  scenario.step_costs = sim::StepCosts{.role_exit_us = {10'000}, .leader_start_us = {20'000}, .follower_start_us = {1'000}};
  sim::ScenarioRun run(scenario, 1);
  run.run();
  const tools::RecoveryPhases with = tools::recovery_phases(run).front();
  CHECK(without.noticed_ns < 1 * kMs);
  CHECK(with.noticed_ns >= 10 * kMs);
  CHECK(with.noticed_ns < 11 * kMs);
  // The followers' first dial is refused; Learner.connectToLeader tries again 100 ms later.
  CHECK(without.synced_ns - without.elected_ns < 50 * kMs);
  CHECK(with.synced_ns - with.elected_ns >= 100 * kMs);
  CHECK(with.synced_ns - with.elected_ns < 150 * kMs);
  std::map<std::uint64_t, int> causes;
  bool refused = false;
  for (const auto& e : run.world().trace().events()) {
    if (const auto busy = sim::event_as<ev::Busy>(e)) ++causes[busy->cause];
    if (const auto failed = sim::event_as<ev::ConnectFailed>(e); failed && e.time > run.fired().front().at) refused = true;
  }
  CHECK(causes[static_cast<std::uint64_t>(sim::StepCostCause::kRoleExit)] >= 4);  // the four surviving followers
  CHECK(causes[static_cast<std::uint64_t>(sim::StepCostCause::kLeaderStart)] >= 2);  // first election and after the crash
  CHECK(causes[static_cast<std::uint64_t>(sim::StepCostCause::kFollowerStart)] >= 4);
  CHECK(refused);
}
