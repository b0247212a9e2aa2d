// The generator makes histories that satisfy ZooKeeper's guarantees by construction: the
// checker must accept them (with and without zxids) and reject them once tampered with.

#include "checkers/history_gen.h"

#include <doctest/doctest.h>

#include "checkers/linearizability.h"
#include "checkers/zk_consistency.h"

using namespace zab::check;

namespace {

CheckOptions znode_options() {
  CheckOptions o;
  o.model = ModelKind::kZnode;
  return o;
}

}  // namespace

TEST_CASE("generated ZooKeeper-like histories are ZooKeeper-consistent") {
  for (std::uint64_t seed : {1, 2, 3}) {
    const History h = generate_zk_history(GeneratorConfig{.seed = seed, .operations = 3000, .clients = 10});
    const CheckReport r = check_zk_consistency(h, znode_options());
    INFO(format_report(r));
    CHECK(r.verdict == HistoryVerdict::kOk);
  }
}

TEST_CASE("generated histories are deterministic per seed") {
  const GeneratorConfig c{.seed = 9, .operations = 500, .clients = 5};
  CHECK(generate_zk_history(c).ops == generate_zk_history(c).ops);
}

TEST_CASE("generated histories without zxids are accepted by the search alone") {
  const History h =
      generate_zk_history(GeneratorConfig{.seed = 4, .operations = 300, .clients = 5, .zxids = false});
  const CheckReport r = check_zk_consistency(h, znode_options());
  INFO(format_report(r));
  CHECK(r.verdict == HistoryVerdict::kOk);
}

TEST_CASE("generated histories have stale reads, so they are not linearizable") {
  const History h = generate_zk_history(GeneratorConfig{.seed = 5, .operations = 2000, .clients = 10});
  CHECK(check_linearizable(h, znode_options()).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("a generated history with one read of a value never written is rejected") {
  History h = generate_zk_history(GeneratorConfig{.seed = 6, .operations = 3000, .clients = 10});
  bool tampered = false;
  for (std::size_t i = h.ops.size() / 2; i < h.ops.size() && !tampered; ++i) {
    HistoryOp& op = h.ops[i];
    if (op.type == OpType::kGetData && op.outcome == Outcome::kOk) {
      op.result.data = "never-written";
      tampered = true;
    }
  }
  REQUIRE(tampered);
  const CheckReport r = check_zk_consistency(h, znode_options());
  INFO(format_report(r));
  CHECK(r.verdict == HistoryVerdict::kViolation);
}

TEST_CASE("a generated history where a session's read goes back in time is rejected") {
  History h = generate_zk_history(GeneratorConfig{.seed = 8, .operations = 3000, .clients = 10});
  // Find a session's two reads of one path that saw different data, and swap their results:
  // the session now sees the newer value, then the older one.
  bool tampered = false;
  for (std::size_t i = 0; i < h.ops.size() && !tampered; ++i) {
    HistoryOp& a = h.ops[i];
    if (a.type != OpType::kGetData || a.outcome != Outcome::kOk) continue;
    for (std::size_t j = i + 1; j < h.ops.size(); ++j) {
      HistoryOp& b = h.ops[j];
      if (b.session != a.session || b.path != a.path) continue;
      if (b.type != OpType::kGetData || b.outcome != Outcome::kOk) break;  // only read-read pairs
      if (b.result.data != a.result.data && b.result.version > a.result.version) {
        std::swap(a.result, b.result);
        tampered = true;
      }
      break;
    }
  }
  REQUIRE(tampered);
  const CheckReport r = check_zk_consistency(h, znode_options());
  INFO(format_report(r));
  CHECK(r.verdict == HistoryVerdict::kViolation);
}
