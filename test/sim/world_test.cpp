// The world as a whole: processes, timers, clocks, fsync, crash and restart, determinism.

#include "sim/world.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>

#include "checkers/trace_reader.h"
#include "checkers/zab_events.h"
#include "sim/toy/pinger.h"
#include "test/support/script_node.h"

using namespace zab;
using namespace zab::sim;
using namespace zab::test;

namespace {
const Address n1{1}, n2{2}, n3{3};
SimTime ms(std::int64_t v) { return SimTime::from_ms(v); }

// Three pingers with a crash, a partition and a hang: a busy little world.
std::uint64_t pinger_world_hash(std::uint64_t seed, CrashLoss loss = CrashLoss::kLoseAll) {
  World w(seed, {});
  for (Address a : {n1, n2, n3}) {
    toy::PingerConfig config;
    for (Address b : {n1, n2, n3}) {
      if (b.value > a.value) config.peers.push_back(b);
    }
    ProcessConfig pc{.name = "s" + std::to_string(a.value)};
    pc.disk.crash_loss = loss;
    w.add_process(a, pc, [config](const NodeContext& ctx) { return std::make_unique<toy::Pinger>(ctx, config); },
                  toy::pinger_trace_kinds());
  }
  for (Address a : {n1, n2, n3}) w.start(a);
  w.at(ms(700), [](World& world) { world.crash(n3); });
  w.at(ms(900), [](World& world) { world.start(n3); });
  w.at(ms(1200), [](World& world) { world.partition({{n1}, {n2, n3}}); });
  w.at(ms(1800), [](World& world) { world.heal_all(); });
  w.at(ms(2000), [](World& world) { world.hang(n2); });
  w.at(ms(2600), [](World& world) { world.resume(n2); });
  w.at(ms(2700), [](World& world) { world.set_clock_drift(n1, 200); });
  w.run_until(ms(3000));
  return w.trace_hash();
}
}  // namespace

TEST_CASE("determinism: the same seed gives the same trace hash twice in one process") {
  CHECK(pinger_world_hash(5) == pinger_world_hash(5));
  CHECK(pinger_world_hash(6, CrashLoss::kTornTail) == pinger_world_hash(6, CrashLoss::kTornTail));
}

TEST_CASE("determinism: different seeds give different trace hashes") {
  CHECK(pinger_world_hash(5) != pinger_world_hash(7));
  for (std::uint64_t seed = 100; seed < 110; ++seed) CHECK(pinger_world_hash(seed) != pinger_world_hash(seed + 1));
}

TEST_CASE("determinism: two separate processes print the same trace hash for the same seed") {
  auto run = [](const std::string& seed) {
    const std::string command = std::string(ZABSIM_BINARY) + " demo --seed " + seed;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    CHECK(pclose(pipe) == 0);
    const auto at = output.rfind("trace-hash ");
    REQUIRE(at != std::string::npos);
    return output.substr(at, 27);
  };
  const std::string first = run("11");
  CHECK(first == run("11"));
  CHECK(first != run("12"));
}

TEST_CASE("a timer fires after its duration; re-setting replaces it; cancelling stops it") {
  Script s{.steps = {Step{Duration::ms(10), [](ScriptState&, Outputs& out) {
                            out.push_back(out::SetTimer{1, Duration::ms(100)});
                            out.push_back(out::SetTimer{2, Duration::ms(100)});
                            out.push_back(out::SetTimer{3, Duration::ms(100)});
                          }},
                     Step{Duration::ms(50), [](ScriptState&, Outputs& out) {
                            out.push_back(out::SetTimer{2, Duration::ms(500)});  // re-set
                            out.push_back(out::CancelTimer{3});
                          }}}};
  World w(1, {});
  auto st = add_script(w, n1, s);
  w.start(n1);
  w.run_until(ms(2000));
  std::map<std::uint64_t, std::vector<SimTime>> fired;
  for (const auto* o : st->all<in::TimerFired>()) fired[std::get<in::TimerFired>(o->input).id].push_back(o->at);
  CHECK(fired[1] == std::vector<SimTime>{ms(110)});
  CHECK(fired[2] == std::vector<SimTime>{ms(550)});
  CHECK(fired[3].empty());
}

TEST_CASE("clock drift: a fast clock's timers fire early in global time; a step moves only wall time") {
  Script s{.steps = {Step{Duration::s(1), [](ScriptState&, Outputs&) {}}}};
  World w(1, {});
  auto fast = add_script(w, n1, s, ProcessConfig{.clock_drift_ppm = 100'000});  // 10 % fast
  auto plain = add_script(w, n2, s);
  w.start(n1);
  w.start(n2);
  w.at(ms(500), [](World& world) { world.step_clock(n2, Duration::s(3600)); });
  w.run_until(ms(5000));
  const auto f = fast->all<in::TimerFired>();
  const auto p = plain->all<in::TimerFired>();
  REQUIRE(f.size() == 1);
  REQUIRE(p.size() == 1);
  // 1 s on a clock running 10 % fast is 1/1.1 s of global time.
  CHECK(f[0]->at.ns() == 909'090'910);
  CHECK(f[0]->clocks.monotonic.ns() >= 1'000'000'000);
  CHECK(p[0]->at == ms(1000));  // the wall-clock step did not move the monotonic timer
  CHECK(p[0]->clocks.monotonic.ns() == 1'000'000'000);
  CHECK(p[0]->clocks.wall.ns() == 3'601'000'000'000);
}

TEST_CASE("a hung process's timers fire when it resumes, not before") {
  Script s{.steps = {Step{Duration::ms(100), [](ScriptState&, Outputs&) {}}}};
  World w(1, {});
  auto st = add_script(w, n1, s);
  w.start(n1);
  w.at(ms(50), [](World& world) { world.hang(n1); });
  w.at(ms(400), [](World& world) { world.resume(n1); });
  w.run_until(ms(1000));
  const auto fired = st->all<in::TimerFired>();
  REQUIRE(fired.size() == 1);
  CHECK(fired[0]->at == ms(400));
}

TEST_CASE("fsync completes after a latency; a crash before it may lose the data, after it not") {
  auto run = [](std::int64_t crash_at_ms) {
    Script s{.steps = {Step{Duration::ms(10), [](ScriptState&, Outputs& out) {
                              out.push_back(out::Append{"log", bytes_of("record")});
                              out.push_back(out::Fsync{"log", 77});
                            }}}};
    World w(3, {});
    auto st = add_script(w, n1, s);
    w.start(n1);
    w.at(ms(crash_at_ms), [](World& world) { world.crash(n1); });
    w.run_until(ms(crash_at_ms));
    const bool acknowledged = !st->all<in::FsyncDone>().empty();
    w.start(n1);
    const auto& start = std::get<in::Start>(st->inputs.back().input);
    const bool survived = start.files.contains("log") && string_of(start.files.at("log")) == "record";
    return std::make_pair(acknowledged, survived);
  };
  const auto [ack_late, survived_late] = run(500);
  CHECK(ack_late);
  CHECK(survived_late);
  const auto [ack_early, survived_early] = run(10);  // crash in the same instant as the write
  CHECK_FALSE(ack_early);
  CHECK_FALSE(survived_early);  // CrashLoss::kLoseAll is the default
}

TEST_CASE("a restarted process starts from durable state, and old timers never reach it") {
  Script s{.steps = {Step{Duration::ms(100), [](ScriptState&, Outputs& out) {
                            out.push_back(out::WriteFile{"epoch", bytes_of("7")});
                            out.push_back(out::Fsync{"epoch", 1});
                            out.push_back(out::SetTimer{42, Duration::ms(1000)});
                          }}}};
  World w(2, {});
  auto st = add_script(w, n1, s);
  w.start(n1);
  w.at(ms(500), [](World& world) { world.restart(n1); });
  w.run_until(ms(3000));
  CHECK(w.incarnation(n1) == 2);
  const auto starts = st->all<in::Start>();
  REQUIRE(starts.size() == 2);
  CHECK(std::get<in::Start>(starts[1]->input).files.at("epoch") == bytes_of("7"));
  // The first incarnation set timer 42 at 100 ms for 1100 ms; it died at 500 ms. The second
  // incarnation ran the same script from its start at 500 ms: its timer 42 fires at 1600 ms.
  std::vector<SimTime> fired_42;
  for (const auto* o : st->all<in::TimerFired>()) {
    if (std::get<in::TimerFired>(o->input).id == 42) fired_42.push_back(o->at);
  }
  CHECK(fired_42 == std::vector<SimTime>{ms(1600)});
}

TEST_CASE("persisted before acknowledged: every ACK a pinger sent survives its crash") {
  // The pinger ACKs a PING only after the record's fsync completed; with every unsynced write
  // lost on crash, the records it recovers must cover every ACK it sent before the crash.
  World w(21, {});
  for (Address a : {n1, n2}) {
    toy::PingerConfig config;
    if (a == n1) config.peers = {n2};
    config.ping_interval = Duration::ms(3);
    w.add_process(a, ProcessConfig{.name = "s" + std::to_string(a.value)},
                  [config](const NodeContext& ctx) { return std::make_unique<toy::Pinger>(ctx, config); },
                  toy::pinger_trace_kinds());
  }
  w.start(n2);
  w.start(n1);
  w.at(ms(1000), [](World& world) { world.crash(n2); });
  w.at(ms(1100), [](World& world) { world.start(n2); });
  w.run_until(ms(1200));
  std::uint64_t acks_before_crash = 0, recovered = 0, received_before_crash = 0;
  for (const TraceEvent& e : w.trace().events()) {
    if (e.process != n2.value || e.kind != TraceKind::kProtocol) continue;
    if (is_event<toy::AckSent>(e) && e.time < ms(1000)) ++acks_before_crash;
    if (is_event<toy::PingReceived>(e) && e.time <= ms(1000)) ++received_before_crash;
    if (const auto r = event_as<toy::Recovered>(e); r && e.time == ms(1100)) recovered = r->records;
  }
  CHECK(acks_before_crash > 100);
  CHECK(recovered >= acks_before_crash);
  CHECK(recovered <= received_before_crash);
}

TEST_CASE("the JSON-lines trace reads back with the same events") {
  std::ostringstream jsonl;
  World w(4, {});
  w.trace().attach_jsonl(&jsonl);
  toy::PingerConfig c1;
  c1.peers = {n2};
  w.add_process(n1, ProcessConfig{.name = "s1"}, [c1](const NodeContext& ctx) { return std::make_unique<toy::Pinger>(ctx, c1); },
                toy::pinger_trace_kinds());
  w.add_process(n2, ProcessConfig{.name = "s2"}, [](const NodeContext& ctx) { return std::make_unique<toy::Pinger>(ctx, toy::PingerConfig{}); },
                toy::pinger_trace_kinds());
  w.start(n1);
  w.start(n2);
  w.run_until(ms(500));
  std::istringstream in(jsonl.str());
  std::vector<check::TraceRecord> records;
  check::TraceReadError error;
  REQUIRE(check::read_trace(in, "mem", records, error));
  REQUIRE(records.size() == w.trace().events().size());
  for (std::size_t i = 0; i < records.size(); ++i) CHECK(records[i].t_ns == w.trace().events()[i].time.ns());
  bool saw_ping = false;
  for (const auto& r : records) {
    if (r.kind == "send" && r.fields.value("detail", "").rfind("PING", 0) == 0) saw_ping = true;
  }
  CHECK(saw_ping);
  CHECK(records.front().kind == "process_start");
  CHECK(records.front().process == "s1");
}

namespace {
// A node that, from 100 ms on, re-arms a zero-length timer each time it fires (`loops` times,
// 0 = forever): all of that work happens at one instant.
Script zero_delay_loop(std::shared_ptr<std::uint64_t> fired, std::uint64_t loops) {
  Script s{.steps = {Step{Duration::ms(100), [](ScriptState&, Outputs& out) { out.push_back(out::SetTimer{7, Duration{}}); }}}};
  s.react = [fired, loops](ScriptState&, const Input& input, Outputs& out) {
    const auto* t = std::get_if<in::TimerFired>(&input);
    if (t == nullptr || t->id != 7) return;
    ++*fired;
    if (loops == 0 || *fired < loops) out.push_back(out::SetTimer{7, Duration{}});
  };
  return s;
}

std::vector<TraceEvent> stood_still_events(const World& w) {
  std::vector<TraceEvent> found;
  for (const TraceEvent& e : w.trace().events()) {
    if (is_event<zab::ev::TimeStoodStill>(e)) found.push_back(e);
  }
  return found;
}
}  // namespace

TEST_CASE("time stands still: a node looping at one instant trips the per-instant budget, and the run ends there") {
  auto fired = std::make_shared<std::uint64_t>(0);
  const Script s = zero_delay_loop(fired, 0);
  World w(1, WorldConfig{.instant_event_budget = 1000});
  std::ostringstream jsonl;
  w.trace().attach_jsonl(&jsonl);
  add_script(w, n1, s);
  w.start(n1);
  w.run_until(ms(5000));  // returns: without the budget this loop would never end
  CHECK(w.time_stood_still());
  CHECK(w.now() == ms(100));  // the clock stays where it stood, not at the run's end
  CHECK(w.instant_events_max() == 1000);
  const auto still = stood_still_events(w);
  REQUIRE(still.size() == 1);
  CHECK(still[0].time == ms(100));
  CHECK(still[0].process == 0);
  CHECK(event_as<zab::ev::TimeStoodStill>(still[0])->events == 1000);
  CHECK(*fired < 1000);        // the step timer was one of the 1000 events
  CHECK_FALSE(w.step());       // nothing more runs
  CHECK(stood_still_events(w).size() == 1);
  // The JSON-lines trace ends with it, from the world, with the count.
  std::istringstream in(jsonl.str());
  std::vector<check::TraceRecord> records;
  check::TraceReadError error;
  REQUIRE(check::read_trace(in, "mem", records, error));
  REQUIRE_FALSE(records.empty());
  CHECK(records.back().kind == "time_stood_still");
  CHECK(records.back().process == "world");
  CHECK(records.back().t_ns == ms(100).ns());
  CHECK(records.back().fields.value("events", 0) == 1000);
  // ...and the checkers' JSON-lines adapter keeps it, as the in-memory one does.
  check::ZabRun run;
  std::string adapt_error;
  REQUIRE(check::from_trace_records(records, run, adapt_error));
  REQUIRE_FALSE(run.events.empty());
  REQUIRE(run.events.back().kind() == check::Ev::kTimeStoodStill);
  CHECK(run.events.back().get<ev::TimeStoodStill>().events == 1000);
}

TEST_CASE("time stands still only beyond the budget: bounded work at one instant runs, leaves no trace of it") {
  auto fired = std::make_shared<std::uint64_t>(0);
  const Script s = zero_delay_loop(fired, 500);
  World w(1, WorldConfig{.instant_event_budget = 1000});
  auto st = add_script(w, n1, s);
  w.start(n1);
  w.run_until(ms(5000));
  CHECK_FALSE(w.time_stood_still());
  CHECK(*fired == 500);
  CHECK(w.now() == ms(5000));
  CHECK(w.instant_events_max() == 501);  // the step's timer and the 500 loops, all at 100 ms
  CHECK(stood_still_events(w).empty());
}

TEST_CASE("the per-instant budget does not change a normal run's trace hash") {
  // The pinger world never comes near the budget; a budget just above its busiest instant
  // gives the same trace as the default.
  auto hash_with = [](std::uint64_t budget, std::uint64_t* busiest) {
    World w(5, WorldConfig{.instant_event_budget = budget});
    for (Address a : {n1, n2, n3}) {
      toy::PingerConfig config;
      for (Address b : {n1, n2, n3}) {
        if (b.value > a.value) config.peers.push_back(b);
      }
      w.add_process(a, ProcessConfig{.name = "s" + std::to_string(a.value)},
                    [config](const NodeContext& ctx) { return std::make_unique<toy::Pinger>(ctx, config); },
                    toy::pinger_trace_kinds());
    }
    for (Address a : {n1, n2, n3}) w.start(a);
    w.run_until(ms(2000));
    CHECK_FALSE(w.time_stood_still());
    if (busiest != nullptr) *busiest = w.instant_events_max();
    return w.trace_hash();
  };
  std::uint64_t busiest = 0;
  const std::uint64_t default_hash = hash_with(kDefaultInstantEventBudget, &busiest);
  CHECK(busiest > 0);
  CHECK(hash_with(busiest, nullptr) == default_hash);
}

namespace {
// A step-cost model for tests: every step that sends costs `per_send`.
struct SendCosts final : StepCostModel {
  explicit SendCosts(Duration per_send) : per_send(per_send) {}
  Cost cost(const std::vector<Output>& outputs, Rng&) override {
    for (const Output& o : outputs) {
      if (std::holds_alternative<out::Send>(o)) return Cost{per_send, 9};
    }
    return Cost{};
  }
  Duration per_send;
};

struct CostWorld {
  Script s1, s2;
  World w{3, {}};
  std::shared_ptr<ScriptState> st1, st2;
  explicit CostWorld(Duration per_send) {
    s1 = Script{.connect_to = {n2},
                .steps = {Step{Duration::ms(10), [](ScriptState& s, Outputs& out) { out.push_back(send_to(s, n2, "a")); }},
                          Step{Duration::ms(11), [](ScriptState& s, Outputs& out) { out.push_back(send_to(s, n2, "b")); }}}};
    s2 = Script{.steps = {Step{Duration::ms(12), [](ScriptState& s, Outputs& out) { out.push_back(send_to(s, n1, "x")); }}}};
    ProcessConfig costly{.name = "n1"};
    if (per_send > Duration{}) costly.step_costs = [per_send] { return std::make_unique<SendCosts>(per_send); };
    st1 = add_script(w, n1, s1, costly);
    st2 = add_script(w, n2, s2);
    w.start(n2);
    w.start(n1);
  }
};

std::vector<const Observed*> messages(const ScriptState& s) { return s.all<in::Message>(); }
}  // namespace

TEST_CASE("a costly step's outputs take effect when its work is done; inputs meanwhile wait, in order") {
  CostWorld free_world(Duration{});
  free_world.w.run_until(ms(100));
  CostWorld costly(Duration::ms(5));
  costly.w.run_until(ms(100));
  const auto free_at_n2 = messages(*free_world.st2);
  const auto costly_at_n2 = messages(*costly.st2);
  REQUIRE(free_at_n2.size() == 2);
  REQUIRE(costly_at_n2.size() == 2);
  // "a" leaves at 15 ms instead of 10; "b"'s step waits for that work (its timer fired at 11
  // ms, while n1 was busy), runs at 15 ms and costs 5 ms more: it leaves at 20 ms.
  CHECK(costly_at_n2[0]->at - free_at_n2[0]->at == Duration::ms(5));
  CHECK(string_of(std::get<in::Message>(costly_at_n2[0]->input).payload) == "a");
  CHECK(costly_at_n2[1]->at - free_at_n2[1]->at == Duration::ms(9));
  // n2's "x" reached n1 at about 12 ms, during the second step's work: n1 takes it at 20 ms.
  const auto x = messages(*costly.st1);
  REQUIRE(x.size() == 1);
  CHECK(x[0]->at == ms(20));
  // The world records each costly step's work.
  int busy = 0;
  for (const auto& e : costly.w.trace().events()) {
    if (const auto b = event_as<zab::ev::Busy>(e)) {
      ++busy;
      CHECK(b->cost_ns == 5'000'000);
      CHECK(b->cause == 9);
    }
  }
  CHECK(busy == 2);
}

TEST_CASE("work in progress dies with a crash; a hang holds it until the process resumes") {
  CostWorld crashed(Duration::ms(5));
  crashed.w.at(ms(13), [](World& world) { world.crash(n1); });
  crashed.w.run_until(ms(100));
  CHECK(messages(*crashed.st2).empty());  // "a" would have left at 15 ms: the crash at 13 ms came first
  CostWorld hung(Duration::ms(5));
  hung.w.at(ms(13), [](World& world) { world.hang(n1); });
  hung.w.at(ms(40), [](World& world) { world.resume(n1); });
  hung.w.run_until(ms(100));
  const auto at_n2 = messages(*hung.st2);
  REQUIRE(at_n2.size() == 2);
  CHECK(at_n2[0]->at > ms(40));  // the work finished when the process was continued
}

TEST_CASE("a step-cost model that costs nothing leaves the trace as it was") {
  CostWorld none(Duration{});
  none.w.run_until(ms(100));
  World& w = none.w;
  Script s1 = none.s1, s2 = none.s2;
  World with_zero(3, {});
  ProcessConfig zero{.name = "n1"};
  zero.step_costs = [] { return std::make_unique<SendCosts>(Duration{}); };
  add_script(with_zero, n1, s1, zero);
  add_script(with_zero, n2, s2);
  with_zero.start(n2);
  with_zero.start(n1);
  with_zero.run_until(ms(100));
  CHECK(with_zero.trace_hash() == w.trace_hash());
}
