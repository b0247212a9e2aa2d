// The client-history checker against real runs: a deliberately broken protocol (a leader that
// commits on its own ACK, without a quorum) loses a write it acknowledged, and the clients'
// history shows it; the correct protocol under the same faults passes.

#include <doctest/doctest.h>

#include "sim/scenario/runner.h"
#include "checkers/judge.h"
#include "tools/check/history_convert.h"
#include "tools/run/judge.h"

using namespace zab::sim;

namespace {
// The leader is cut off with c1; c1 writes /lost, which a correct leader can never commit
// alone; then the leader dies and the majority moves on without it. Later c2, on the majority
// side, creates /lost too: two successful creates with no delete between them cannot be put in
// one order of updates, so the history is not ZooKeeper-consistent.
const char* kScenario = R"({
  "name": "lost acknowledged write",
  "duration_ms": 40000,
  "cluster": {"servers": 3, "mutations": MUTATIONS},
  "clients": {"count": 2, "servers": [3, 1], "first_server": "first", "request_timeout_ms": 2000, "start_ms": 1000,
              "scripts": [
                {"client": 1, "ops": [{"delay_ms": 5000, "op": "create", "path": "/lost", "data": "x"}]},
                {"client": 2, "ops": [{"delay_ms": 25000, "op": "create", "path": "/lost", "data": "y"}]}
              ]},
  "faults": [
    {"at_ms": 1500, "kind": "reset_connections", "from": "c2", "to": 3},
    {"at_ms": 3000, "kind": "partition", "groups": [[3, "c1"], [1, 2, "c2"]]},
    {"at_ms": 8000, "kind": "crash", "target": 3},
    {"at_ms": 8000, "kind": "heal"}
  ]
})";

struct Outcome {
  zab::tools::Judgement judgement;
  bool linearizable = true;
};

Outcome run_with(const std::string& mutations) {
  std::string text = kScenario;
  text.replace(text.find("MUTATIONS"), 9, mutations);
  const auto parsed = parse_scenario(text, "lost-write");
  REQUIRE(std::holds_alternative<Scenario>(parsed));
  const Scenario& s = std::get<Scenario>(parsed);
  ScenarioRun run(s, 1);
  run.run();
  Outcome o{zab::tools::judge(run)};
  // The strict-linearizability mode of the same engine, on the same history.
  const auto history = zab::tools::to_check_history(run.history(), ScenarioRun::kFirstClientAddress);
  const auto report = zab::check::judge(history, zab::check::Consistency::kLinearizable, zab::check::CheckOptions{});
  o.linearizable = report.verdict != zab::check::HistoryVerdict::kViolation;
  return o;
}
}  // namespace

TEST_CASE("the ZooKeeper-consistency checker catches a write lost by a leader that commits without a quorum") {
  const auto broken = run_with(R"(["commit-without-quorum"])");
  CAPTURE(zab::tools::render_judgement(broken.judgement));
  CHECK(broken.judgement.violates("ZooKeeper consistency"));
  CHECK_FALSE(broken.linearizable);
  const auto correct = run_with("[]");
  CAPTURE(zab::tools::render_judgement(correct.judgement));
  CHECK_FALSE(correct.judgement.safety_violated);
  CHECK(correct.linearizable);
}
