// The simulated client's connection policy (host_walk.h, Java's ClientCnxn with
// StaticHostProvider in ZooKeeper 3.8), its pipelining, and the survivor probe.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "sim/client/host_walk.h"
#include "sim/client/workload.h"
#include "sim/distributions.h"
#include "sim/ensemble.h"
#include "sim/scenario/runner.h"
#include "tools/check/history_convert.h"
#include "tools/run/recovery.h"

using namespace zab;
using namespace zab::sim;

namespace {

struct Walked {
  std::size_t server;
  std::int64_t pause_ms;
};

Walked step(HostWalk& walk, RandomSource& random) {
  const HostWalk::Attempt a = walk.next(random);
  return {a.server, a.pause.count_ms()};
}

}  // namespace

TEST_CASE("host walk: no pause before the first socket connects, a 1 s spin on coming back around") {
  RngSource random{Rng(7)};
  HostWalk walk(3, /*shuffle=*/false, random);
  // StaticHostProvider.next(1000) on a fresh provider: 0, 1, 2 at once, then back at index 0
  // (lastIndex starts at 0 after the first call) costs the spin delay.
  const Walked first = step(walk, random);
  CHECK(first.server == 0);
  CHECK(first.pause_ms == 0);
  CHECK(step(walk, random).pause_ms == 0);
  CHECK(step(walk, random).pause_ms == 0);
  const Walked around = step(walk, random);
  CHECK(around.server == 0);
  CHECK(around.pause_ms == 1000);
}

TEST_CASE("host walk: once a socket has connected, every attempt first sleeps 0-999 ms (startConnect)") {
  RngSource random{Rng(11)};
  HostWalk walk(3, /*shuffle=*/false, random);
  CHECK(step(walk, random).server == 0);
  walk.on_socket_connected();
  walk.on_session_established();  // lastIndex = 0
  std::set<std::int64_t> pauses;
  bool spun = false;
  for (int i = 0; i < 300; ++i) {
    const Walked w = step(walk, random);
    if (w.server == 0) {
      // Back at the last good server: the spin delay and the random sleep.
      CHECK(w.pause_ms >= 1000);
      CHECK(w.pause_ms < 2000);
      spun = true;
    } else {
      CHECK(w.pause_ms >= 0);
      CHECK(w.pause_ms < 1000);
      pauses.insert(w.pause_ms);
    }
  }
  CHECK(spun);
  CHECK(pauses.size() > 100);  // drawn, not a constant
}

TEST_CASE("host walk: a session on another server moves where the spin falls") {
  RngSource random{Rng(3)};
  HostWalk walk(4, /*shuffle=*/false, random);
  CHECK(step(walk, random).server == 0);
  CHECK(step(walk, random).server == 1);
  CHECK(step(walk, random).server == 2);
  walk.on_socket_connected();
  walk.on_session_established();  // lastIndex = 2
  CHECK(step(walk, random).pause_ms < 1000);  // 3
  CHECK(step(walk, random).pause_ms < 1000);  // 0
  CHECK(step(walk, random).pause_ms < 1000);  // 1
  const Walked back = step(walk, random);
  CHECK(back.server == 2);
  CHECK(back.pause_ms >= 1000);
}

TEST_CASE("host walk: the shuffle is a permutation decided by the seed, and every order occurs") {
  std::set<std::vector<std::size_t>> orders;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    RngSource random{Rng(seed)};
    HostWalk walk(3, /*shuffle=*/true, random);
    std::vector<std::size_t> order;
    for (int i = 0; i < 3; ++i) order.push_back(step(walk, random).server);
    std::vector<std::size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == std::vector<std::size_t>{0, 1, 2});
    orders.insert(order);
    RngSource again{Rng(seed)};
    HostWalk same(3, /*shuffle=*/true, again);
    CHECK(step(same, again).server == order[0]);
  }
  CHECK(orders.size() == 6);
}

namespace {

Request create(const std::string& path) {
  return Request{.type = OpCode::kCreate, .path = path, .data = Bytes{'v'}};
}

// Five creates issued back to back by one client on a healthy ensemble.
History pipelined(std::uint32_t max_in_flight) {
  World w(5, {});
  EnsembleConfig ec;
  ec.servers = 3;
  add_ensemble(w, ec);
  std::vector<ScriptedOp> ops;
  for (int i = 0; i < 5; ++i) ops.push_back(ScriptedOp{Duration::ms(0), create("/p" + std::to_string(i))});
  History history;
  add_client(w, Address{100},
             ClientConfig{.servers = {Address{1}}, .random_first_server = false, .ops = ops, .max_in_flight = max_in_flight},
             &history);
  for (std::uint32_t s = 1; s <= 3; ++s) w.start(Address{s});
  w.at(SimTime::from_ms(1000), [](World& world) { world.start(Address{100}); });
  w.run_until(SimTime::from_ms(3000));
  return history;
}

}  // namespace

TEST_CASE("a client pipelines up to max_in_flight requests, answered in order") {
  const History one = pipelined(1);
  const History four = pipelined(4);
  REQUIRE(one.ops().size() == 5);
  REQUIRE(four.ops().size() == 5);
  auto overlaps = [](const History& h) {
    int n = 0;
    for (std::size_t i = 1; i < h.ops().size(); ++i) {
      if (h.ops()[i].invoke < *h.ops()[i - 1].complete) ++n;
    }
    return n;
  };
  for (const History* h : {&one, &four}) {
    for (const HistoryOp& op : h->ops()) {
      CHECK(op.outcome == Outcome::kOk);
      REQUIRE(op.complete.has_value());
    }
    // FIFO per session: replies in request order, and so their zxids increase.
    for (std::size_t i = 1; i < h->ops().size(); ++i) {
      CHECK(*h->ops()[i].complete >= *h->ops()[i - 1].complete);
      CHECK(h->ops()[i].reply.zxid > h->ops()[i - 1].reply.zxid);
    }
  }
  CHECK(overlaps(one) == 0);
  CHECK(overlaps(four) >= 3);  // four outstanding: each of ops 2..4 was sent before the one ahead returned
  // Pipelined, the five creates finish sooner than one at a time.
  CHECK(*four.ops().back().complete < *one.ops().back().complete);
}

TEST_CASE("the survivor probe writes through a survivor once the new leader is established") {
  const char* text = R"({
    "name": "probe", "duration_ms": 8000,
    "cluster": {"servers": 3},
    "clients": {"count": 1, "start_ms": 1000, "probe": true,
                "workload": {"ops_per_client": 50, "think_time_ms": 50}},
    "faults": [{"at_ms": 3000, "kind": "crash", "target": "leader"}]
  })";
  auto parsed = parse_scenario(text, "probe");
  REQUIRE(std::holds_alternative<Scenario>(parsed));
  const Scenario& s = std::get<Scenario>(parsed);
  ScenarioRun run(s, 4);
  run.run();
  const auto phases = tools::recovery_phases(run);
  REQUIRE(phases.size() == 1);
  const tools::RecoveryPhases& p = phases.front();
  REQUIRE(p.synced_ns > 0);
  CHECK(p.probe_write_ns > p.synced_ns);
  // Tries every 100 ms: the first one after the leader is established writes.
  CHECK(p.probe_write_ns < p.synced_ns + 150'000'000);
  const std::uint32_t crashed = run.fired().front().targets.front();
  std::size_t probe_ops = 0;
  for (const HistoryOp& op : run.history().ops()) {
    if (!run.is_probe(op.client)) continue;
    ++probe_ops;
    CHECK(op.server != crashed);
    CHECK(op.request.type == OpCode::kCreate);
  }
  CHECK(probe_ops >= 1);
  // The workload's own phases leave the probe out.
  CHECK(p.unavailable_ns != p.probe_write_ns);
}

TEST_CASE("the recorded history names the answering server and carries numChildren and ephemeralOwner") {
  auto parsed = load_scenario(std::string(ZABSIM_SCENARIO_DIR) + "/leader-crash.json");
  REQUIRE(std::holds_alternative<Scenario>(parsed));
  ScenarioRun run(std::get<Scenario>(parsed), 1);
  run.run();
  const check::History h = tools::to_check_history(run.history(), ScenarioRun::kFirstClientAddress);
  REQUIRE(h.ops.size() == run.history().ops().size());
  std::size_t with_stat = 0, ephemeral_owned = 0;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const HistoryOp& sim_op = run.history().ops()[i];
    CHECK(h.ops[i].server == "s" + std::to_string(sim_op.server));
    if (sim_op.outcome != Outcome::kOk || !sim_op.reply.stat) continue;
    ++with_stat;
    CHECK(h.ops[i].result.num_children == sim_op.reply.stat->num_children);
    CHECK(h.ops[i].result.ephemeral_owner == sim_op.reply.stat->ephemeral_owner.value);
    if (sim_op.reply.stat->ephemeral_owner.value != 0) ++ephemeral_owned;
  }
  CHECK(with_stat > 20);
  CAPTURE(ephemeral_owned);  // the workload's mix decides whether an ephemeral node was read
}

TEST_CASE("retry_unknown: an operation left indeterminate is issued again until one try completes") {
  auto parsed = load_scenario(std::string(ZABSIM_SCENARIO_DIR) + "/leader-hang.json");
  REQUIRE(std::holds_alternative<Scenario>(parsed));
  Scenario scenario = std::get<Scenario>(parsed);
  scenario.clients.retry_unknown = true;
  scenario.duration_ms = 60'000;  // time for every client to finish its operations
  std::size_t indeterminate = 0;
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    CAPTURE(seed);
    ScenarioRun run(scenario, seed);
    run.run();
    std::map<std::uint32_t, std::vector<const HistoryOp*>> by_client;
    for (const HistoryOp& op : run.history().ops()) by_client[op.client].push_back(&op);
    REQUIRE(by_client.size() == scenario.clients.count);
    for (const auto& [client, ops] : by_client) {
      std::size_t completed = 0;
      for (std::size_t i = 0; i < ops.size(); ++i) {
        if (ops[i]->outcome != Outcome::kIndeterminate) {
          ++completed;
          continue;
        }
        ++indeterminate;
        // The next operation this client issued is the same request again.
        REQUIRE(i + 1 < ops.size());
        CHECK(ops[i + 1]->request.type == ops[i]->request.type);
        CHECK(ops[i + 1]->request.path == ops[i]->request.path);
        CHECK(ops[i + 1]->request.data == ops[i]->request.data);
        CHECK(ops[i + 1]->request.xid != ops[i]->request.xid);
      }
      // Every scripted operation completed once: the runner's workload for this client, drawn
      // again from the same stream (a sync_read is two operations).
      const WorkloadSpec& w = scenario.clients.workload;
      Rng rng = Rng(seed).fork("scenario/workload").fork(client - ScenarioRun::kFirstClientAddress + 1);
      const auto scripted = generate_workload(
          WorkloadMix{.ops = w.ops_per_client, .think_time_ms = w.think_time_ms, .keys = w.keys, .weights = w.mix},
          client - ScenarioRun::kFirstClientAddress + 1, rng);
      CHECK(completed == scripted.size());
    }
  }
  CHECK(indeterminate >= 1);  // the hung leader's clients gave up on what they had in flight
}
