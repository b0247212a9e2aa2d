// The trace checkers on real runs of the simulated ensemble: the correct protocol through the
// fault scenarios of the protocol issue passes all three; each deliberately broken variant
// (a mutation switch) is caught by the checker meant to catch it; the JSON-lines and
// in-memory adapters agree; and the checkers are fast enough to run after every fuzzed run.

#include <doctest/doctest.h>

#include <chrono>
#include <sstream>

#include "checkers/liveness.h"
#include "checkers/log_agreement.h"
#include "checkers/world_adapter.h"
#include "checkers/zab_properties.h"
#include "protocol/base/zab_trace.h"
#include "sim/ensemble.h"

using namespace zab;
using namespace zab::sim;
using namespace zab::check;

namespace {

SimTime ms(std::int64_t v) { return SimTime::from_ms(v); }

Request create(const std::string& path) {
  return Request{.type = OpCode::kCreate, .path = path, .data = Bytes(path.begin(), path.end())};
}

// A client writing a fresh node every `every_ms`, `count` times.
std::vector<ScriptedOp> writes(const std::string& prefix, int count, std::int64_t every_ms) {
  std::vector<ScriptedOp> ops;
  for (int i = 0; i < count; ++i) ops.push_back(ScriptedOp{Duration::ms(every_ms), create(prefix + std::to_string(i))});
  return ops;
}

std::vector<AckedWrite> acked_writes(const History& history) {
  std::vector<AckedWrite> acks;
  for (const HistoryOp& op : history.ops()) {
    const bool write = op.request.type == OpCode::kCreate || op.request.type == OpCode::kDelete ||
                       op.request.type == OpCode::kSetData;
    if (!write || op.outcome != Outcome::kOk || !op.complete) continue;
    acks.push_back(AckedWrite{op.reply.zxid.raw(), op.complete->ns(), "c" + std::to_string(op.client) + " op " + std::to_string(op.id)});
  }
  return acks;
}

struct Verdicts {
  CheckResult log, zab, live;
  std::string report() const { return log.report() + zab.report() + live.report(); }
};

Verdicts judge(const World& w, const History& history, std::uint32_t servers, LivenessOptions live = {}) {
  const ZabRun run = from_sim_trace(w.trace());
  const auto acks = acked_writes(history);
  live.ensemble_size = servers;
  return Verdicts{check_log_agreement(run, LogAgreementOptions{acks}),
                  check_zab_properties(run, ZabPropertiesOptions{servers, acks}), check_liveness(run, live)};
}

void start_all(World& w, std::uint32_t n) {
  for (std::uint32_t s = 1; s <= n; ++s) w.start(Address{s});
}

// The isolated-old-leader scenario: s3 leads epoch 1 of three; just before a write it is cut
// off with its client, so it proposes that write alone; the majority elects s2; at 60 s the
// partition heals and s3 rejoins. `more` writes go to s2 after the heal.
void isolated_leader(World& w, History& history, const EnsembleConfig& ec) {
  add_ensemble(w, ec);
  ClientConfig cc{.servers = {Address{3}}, .request_timeout = Duration::ms(2000),
                  .ops = {ScriptedOp{Duration::ms(100), create("/committed")}, ScriptedOp{Duration::ms(1000), create("/orphan")}}};
  add_client(w, Address{100}, cc, &history);
  add_client(w, Address{101}, ClientConfig{.servers = {Address{2}}, .ops = writes("/later", 5, 500)}, &history);
  start_all(w, 3);
  w.at(ms(40'000), [](World& world) { world.start(Address{100}); });
  w.at(ms(40'900), [](World& world) { world.partition({{Address{3}, Address{100}}, {Address{1}, Address{2}, Address{101}}}); });
  w.at(ms(60'000), [](World& world) { world.heal_all(); });
  w.at(ms(65'000), [](World& world) { world.start(Address{101}); });
}

}  // namespace

TEST_CASE("checkers pass the correct protocol: leader crash, new epoch, writes on both sides") {
  World w(2, {});
  add_ensemble(w, EnsembleConfig{});
  History history;
  add_client(w, Address{100}, ClientConfig{.servers = {Address{1}, Address{2}, Address{3}}, .ops = writes("/w", 60, 500)},
             &history);
  start_all(w, 5);
  w.at(ms(800), [](World& world) { world.start(Address{100}); });
  w.at(ms(3000), [](World& world) { world.crash(Address{5}); });
  w.run_until(ms(40'000));
  LivenessOptions live;
  live.bound_ns = 20'000'000'000;
  const Verdicts v = judge(w, history, 5, live);
  CHECK_MESSAGE(v.log.verdict == Verdict::kPass, v.report());
  CHECK_MESSAGE(v.zab.verdict == Verdict::kPass, v.report());
  CHECK_MESSAGE(v.live.verdict == Verdict::kPass, v.report());
}

TEST_CASE("checkers pass the correct protocol: a hung leader, a minority partition, heal and rolling restarts") {
  World w(5, {});
  add_ensemble(w, EnsembleConfig{});
  History history;
  add_client(w, Address{100}, ClientConfig{.servers = {Address{3}, Address{4}}, .ops = writes("/n", 150, 500)}, &history);
  // A second client writes after the last restart: liveness asks for a commit then.
  add_client(w, Address{101}, ClientConfig{.servers = {Address{1}, Address{2}}, .ops = writes("/m", 40, 500)}, &history);
  start_all(w, 5);
  w.at(ms(1000), [](World& world) { world.start(Address{100}); });
  w.at(ms(46'000), [](World& world) { world.start(Address{101}); });
  w.at(ms(2000), [](World& world) { world.partition({{Address{1}, Address{2}}, {Address{3}, Address{4}, Address{5}, Address{100}}}); });
  w.at(ms(8000), [](World& world) { world.hang(Address{5}); });
  w.at(ms(20'000), [](World& world) { world.resume(Address{5}); });
  w.at(ms(22'000), [](World& world) { world.heal_all(); });
  for (std::uint32_t s = 1; s <= 5; ++s) {
    w.at(ms(30'000 + 3000 * s), [s](World& world) { world.restart(Address{s}); });
  }
  w.run_until(ms(80'000));
  LivenessOptions live;
  live.bound_ns = 30'000'000'000;
  const Verdicts v = judge(w, history, 5, live);
  CHECK_MESSAGE(v.log.verdict == Verdict::kPass, v.report());
  CHECK_MESSAGE(v.zab.verdict == Verdict::kPass, v.report());
  CHECK_MESSAGE(v.live.verdict == Verdict::kPass, v.report());
}

TEST_CASE("checkers pass the correct protocol: DIFF, SNAP and TRUNC syncs, crashes during NEWLEADER") {
  SUBCASE("DIFF after a crash, then a crash right after the NEWLEADER ACK") {
    World w(11, {});
    EnsembleConfig ec;
    ec.servers = 3;
    add_ensemble(w, ec);
    History history;
    add_client(w, Address{100}, ClientConfig{.servers = {Address{2}}, .ops = writes("/d", 12, 500)}, &history);
    start_all(w, 3);
    w.at(ms(40'000), [](World& world) { world.start(Address{100}); });
    w.at(ms(41'000), [](World& world) { world.crash(Address{1}); });
    w.at(ms(44'000), [](World& world) { world.start(Address{1}); });
    w.on_event([](const TraceEvent& e) { return e.process == 1 && e.time > SimTime::from_ms(44'000) &&
                                                is_event<ev::NewLeaderAcked>(e); },
               [](World& world) { world.crash(Address{1}); });
    w.at(ms(46'000), [](World& world) { if (world.state(Address{1}) == ProcessState::kDown) world.start(Address{1}); });
    w.run_until(ms(50'000));
    const Verdicts v = judge(w, history, 3);
    CHECK_MESSAGE(v.log.ok(), v.report());
    CHECK_MESSAGE(v.zab.ok(), v.report());
    CHECK_MESSAGE(v.live.ok(), v.report());
  }
  SUBCASE("SNAP to a late joiner") {
    World w(13, {});
    EnsembleConfig ec;
    ec.servers = 3;
    add_ensemble(w, ec);
    History history;
    add_client(w, Address{100}, ClientConfig{.servers = {Address{3}}, .ops = writes("/s", 5, 200)}, &history);
    w.start(Address{2});
    w.start(Address{3});
    w.at(ms(1000), [](World& world) { world.start(Address{100}); });
    w.at(ms(5000), [](World& world) { world.start(Address{1}); });
    w.at(ms(9000), [](World& world) { world.restart(Address{1}); });
    w.run_until(ms(12'000));
    const Verdicts v = judge(w, history, 3);
    CHECK_MESSAGE(v.log.ok(), v.report());
    CHECK_MESSAGE(v.zab.ok(), v.report());
  }
  SUBCASE("TRUNC of an isolated old leader's uncommitted proposal, then restarts") {
    World w(14, {});
    History history;
    EnsembleConfig ec;
    ec.servers = 3;
    isolated_leader(w, history, ec);
    w.at(ms(72'000), [](World& world) { world.restart(Address{3}); });
    w.at(ms(74'000), [](World& world) { world.restart(Address{1}); });
    w.run_until(ms(80'000));
    const Verdicts v = judge(w, history, 3);
    CHECK_MESSAGE(v.log.verdict == Verdict::kPass, v.report());
    CHECK_MESSAGE(v.zab.verdict == Verdict::kPass, v.report());
  }
}

TEST_CASE("a leader committing without a quorum (mutation) is caught: truncated commits and an incomplete leader") {
  World w(14, {});
  History history;
  EnsembleConfig ec;
  ec.servers = 3;
  ec.base.mutations.enable(Mutation::kCommitWithoutQuorum, Mutations::ReintroduceKnownBug{});
  isolated_leader(w, history, ec);
  w.run_until(ms(75'000));
  const Verdicts v = judge(w, history, 3);
  MESSAGE(v.report());
  CHECK(v.log.violates("committed-never-truncated"));
  CHECK(v.zab.violates("CommittedLogDurability"));
  CHECK(v.zab.violates("LeaderLogCompleteness"));
}

TEST_CASE("ZOOKEEPER-2845 re-introduced (no fast-forward at a term's end) is caught when the stale txn is replayed") {
  World w(14, {});
  History history;
  EnsembleConfig ec;
  ec.servers = 3;
  ec.base.mutations.enable(Mutation::kSkipFastForwardOnShutdown, Mutations::ReintroduceKnownBug{});
  isolated_leader(w, history, ec);
  w.at(ms(72'000), [](World& world) { world.restart(Address{3}); });
  w.run_until(ms(75'000));
  const Verdicts v = judge(w, history, 3);
  MESSAGE(v.report());
  CHECK(v.log.violates("prefix-agreement"));
}

TEST_CASE("ZOOKEEPER-4646 re-introduced (NEWLEADER ACK before logging) is caught on a DIFF sync") {
  World w(11, {});
  EnsembleConfig ec;
  ec.servers = 3;
  ec.base.mutations.enable(Mutation::kAckNewLeaderBeforeLogging, Mutations::ReintroduceKnownBug{});
  add_ensemble(w, ec);
  History history;
  add_client(w, Address{100}, ClientConfig{.servers = {Address{2}}, .ops = writes("/d", 12, 500)}, &history);
  start_all(w, 3);
  w.at(ms(40'000), [](World& world) { world.start(Address{100}); });
  w.at(ms(41'000), [](World& world) { world.crash(Address{1}); });
  w.at(ms(44'000), [](World& world) { world.start(Address{1}); });
  w.run_until(ms(50'000));
  const Verdicts v = judge(w, history, 3);
  MESSAGE(v.report());
  CHECK(v.zab.violates("CommittedLogDurability"));
}

TEST_CASE("a leader that never counts NEWLEADER ACKs (mutation) is a liveness failure, not a safety one") {
  World w(21, {});
  EnsembleConfig ec;
  ec.servers = 3;
  ec.base.mutations.enable(Mutation::kIgnoreNewLeaderAcks, Mutations::ReintroduceKnownBug{});
  add_ensemble(w, ec);
  History history;
  add_client(w, Address{100}, ClientConfig{.servers = {Address{1}, Address{2}, Address{3}}, .ops = writes("/x", 3, 500)},
             &history);
  start_all(w, 3);
  w.at(ms(1000), [](World& world) { world.start(Address{100}); });
  w.run_until(ms(60'000));
  const Verdicts v = judge(w, history, 3);
  MESSAGE(v.report());
  CHECK(v.live.verdict == Verdict::kLivenessViolation);
  CHECK(v.live.violates("leader-established"));
  CHECK(v.log.verdict == Verdict::kPass);
  CHECK(v.zab.verdict == Verdict::kPass);
}

TEST_CASE("the JSON-lines and in-memory adapters give the same run and the same verdicts") {
  World w(14, {});
  std::ostringstream jsonl;
  w.trace().attach_jsonl(&jsonl);
  History history;
  EnsembleConfig ec;
  ec.servers = 3;
  ec.base.mutations.enable(Mutation::kCommitWithoutQuorum, Mutations::ReintroduceKnownBug{});
  isolated_leader(w, history, ec);
  w.run_until(ms(70'000));
  const ZabRun memory = from_sim_trace(w.trace());
  std::istringstream in(jsonl.str());
  std::vector<TraceRecord> records;
  TraceReadError read_error;
  REQUIRE(read_trace(in, "trace.jsonl", records, read_error));
  ZabRun file;
  std::string error;
  REQUIRE_MESSAGE(from_trace_records(records, file, error), error);
  REQUIRE(file.events.size() == memory.events.size());
  for (std::size_t i = 0; i < memory.events.size(); ++i) {
    CAPTURE(i);
    const ZabEvent& a = memory.events[i];
    const ZabEvent& b = file.events[i];
    CHECK(a.t_ns == b.t_ns);
    CHECK(a.server == b.server);
    CHECK(a.kind() == b.kind());
    // Field by field, through the events' one definition (a file names what memory numbers).
    CHECK(ev::words_of(a.event) == ev::words_of(b.event));
  }
  CHECK(file.servers == memory.servers);
  CHECK(file.end_ns == memory.end_ns);
  CHECK(check_log_agreement(file).report() == check_log_agreement(memory).report());
  CHECK(check_zab_properties(file).report() == check_zab_properties(memory).report());
}

TEST_CASE("the checkers judge a 5-server, 10-client, 60 s run in well under its simulation time") {
  World w(7, {});
  add_ensemble(w, EnsembleConfig{});
  History history;
  for (std::uint32_t c = 0; c < 10; ++c) {
    add_client(w, Address{100 + c}, ClientConfig{.servers = {Address{1}, Address{2}, Address{3}, Address{4}, Address{5}},
                                                 .ops = writes("/c" + std::to_string(c) + "-", 600, 100)},
               &history);
  }
  start_all(w, 5);
  for (std::uint32_t c = 0; c < 10; ++c) w.at(ms(1000), [c](World& world) { world.start(Address{100 + c}); });
  w.at(ms(20'000), [](World& world) { world.crash(Address{5}); });
  w.at(ms(30'000), [](World& world) { world.start(Address{5}); });
  w.run_until(ms(60'000));
  const auto t0 = std::chrono::steady_clock::now();
  const ZabRun run = from_sim_trace(w.trace());
  const auto t1 = std::chrono::steady_clock::now();
  const auto acks = acked_writes(history);
  const CheckResult log = check_log_agreement(run, LogAgreementOptions{acks});
  const CheckResult zab = check_zab_properties(run, ZabPropertiesOptions{5, acks});
  const CheckResult live = check_liveness(run, LivenessOptions{.ensemble_size = 5, .bound_ns = 20'000'000'000});
  const auto t2 = std::chrono::steady_clock::now();
  CHECK_MESSAGE(log.verdict == Verdict::kPass, log.report());
  CHECK_MESSAGE(zab.verdict == Verdict::kPass, zab.report());
  CHECK_MESSAGE(live.verdict == Verdict::kPass, live.report());
  const double adapt_s = std::chrono::duration<double>(t1 - t0).count();
  const double check_s = std::chrono::duration<double>(t2 - t1).count();
  const auto trace_events = w.trace().events().size();
  MESSAGE("trace events " << trace_events << ", ZAB events " << run.events.size() << ", acked writes " << acks.size()
                          << "; adapter " << adapt_s * 1e3 << " ms (" << trace_events / adapt_s / 1e6
                          << " M trace events/s); three checkers " << check_s * 1e3 << " ms ("
                          << run.events.size() / check_s / 1e6 << " M ZAB events/s, "
                          << trace_events / (adapt_s + check_s) / 1e6 << " M trace events/s end to end)");
  CHECK(adapt_s + check_s < 2.0);
}
