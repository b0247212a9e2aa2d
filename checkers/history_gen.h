#pragma once
// Synthetic ZooKeeper-like histories for benchmarks and tests: a small model of an ensemble —
// one leader ordering every write as a txn with a zxid, servers applying the txns in order with
// their own lag, clients in closed loop with one session each, reading from the server they
// are connected to (stale, but never older than their own lastZxidSeen), moving to another
// server now and then, and losing the outcome of some writes (recorded as indeterminate; half
// of them took effect). By construction every history it makes satisfies ZooKeeper's
// guarantees, so a checker must accept it; it is not linearizable (reads are stale).
// Deterministic: one seed decides everything.

#include <cstdint>

#include "checkers/history.h"

namespace zab::check {

struct GeneratorConfig {
  std::uint64_t seed = 1;
  std::size_t operations = 1000;
  std::size_t clients = 10;
  std::size_t servers = 3;
  std::size_t paths = 16;              // /k0 .. /k15
  double indeterminate_fraction = 0.005;  // writes whose outcome the client never learns
  double failover_fraction = 0.01;     // operations after which the client moves server
  bool zxids = true;                   // record zxids (as ZooKeeper replies do)
};

History generate_zk_history(const GeneratorConfig& config);

}  // namespace zab::check
