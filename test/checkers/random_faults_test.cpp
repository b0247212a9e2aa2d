// The correct protocol under random crashes, restarts and partitions (3 or 5 servers, two crash
// loss modes): no safety checker may complain. A checker that raises false alarms here would
// drown a fuzzing campaign.

#include <doctest/doctest.h>

#include <algorithm>

#include "checkers/log_agreement.h"
#include "checkers/world_adapter.h"
#include "checkers/zab_properties.h"
#include "sim/ensemble.h"

using namespace zab;
using namespace zab::sim;
using namespace zab::check;

namespace {

// Cuts `isolated` off from everyone else (servers 1..n and the client 100).
void isolate(World& w, std::vector<std::uint32_t> isolated, std::uint32_t n) {
  std::vector<Address> inside, outside{Address{100}};
  for (std::uint32_t s = 1; s <= n; ++s) {
    const bool in = std::find(isolated.begin(), isolated.end(), s) != isolated.end();
    (in ? inside : outside).push_back(Address{s});
  }
  w.partition({inside, outside});
}

}  // namespace

TEST_CASE("the safety checkers raise no false alarm on the correct protocol under random faults") {
  std::size_t leaders = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    World w(seed, {});
    EnsembleConfig ec;
    ec.servers = seed % 2 == 1 ? 3 : 5;
    ec.disk.crash_loss = seed % 3 == 0 ? CrashLoss::kRandomPrefix : CrashLoss::kLoseAll;
    add_ensemble(w, ec);
    History history;
    std::vector<ScriptedOp> ops;
    for (int i = 0; i < 200; ++i) {
      ops.push_back(ScriptedOp{Duration::ms(150), Request{.type = OpCode::kCreate, .path = "/n" + std::to_string(i), .data = Bytes{1}}});
    }
    std::vector<Address> all;
    for (std::uint32_t s = 1; s <= ec.servers; ++s) all.push_back(Address{s});
    add_client(w, Address{100}, ClientConfig{.servers = all, .request_timeout = Duration::ms(3000), .ops = ops}, &history);
    for (std::uint32_t s = 1; s <= ec.servers; ++s) w.start(Address{s});
    w.at(SimTime::from_ms(1000), [](World& x) { x.start(Address{100}); });
    Rng rng = w.fork_rng("random-faults-test");
    for (int k = 0; k < 12; ++k) {
      const auto t = 2000 + static_cast<std::int64_t>(rng.next_u64() % 25'000);
      const auto s = 1 + static_cast<std::uint32_t>(rng.next_u64() % ec.servers);
      const auto kind = rng.next_u64() % 3;
      const std::uint32_t n = ec.servers;
      w.at(SimTime::from_ms(t), [s, kind, n](World& x) {
        if (kind == 0) x.restart(Address{s});
        if (kind == 1) isolate(x, {s}, n);
        if (kind == 2) isolate(x, {s, s % n + 1}, n);
      });
      w.at(SimTime::from_ms(t + 3000), [](World& x) { x.heal_all(); });
    }
    w.run_until(SimTime::from_ms(40'000));
    const ZabRun run = from_sim_trace(w.trace());
    std::vector<AckedWrite> acks;
    for (const HistoryOp& op : history.ops()) {
      if (op.outcome == Outcome::kOk && op.complete) acks.push_back(AckedWrite{op.reply.zxid.raw(), op.complete->ns(), "c100"});
    }
    for (const ZabEvent& e : run.events) leaders += e.kind() == Ev::kLeaderEstablished ? 1 : 0;
    const CheckResult log = check_log_agreement(run, LogAgreementOptions{acks});
    const CheckResult zab = check_zab_properties(run, ZabPropertiesOptions{ec.servers, acks});
    CHECK_MESSAGE(log.verdict == Verdict::kPass, log.report());
    CHECK_MESSAGE(zab.verdict == Verdict::kPass, zab.report());
  }
  CHECK(leaders > 40);  // the faults did move leadership around
}
