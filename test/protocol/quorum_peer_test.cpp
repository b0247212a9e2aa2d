// Whole servers in the simulated world: election, discovery, synchronization, broadcast and
// recovery, observed through the trace the servers emit.

#include "protocol/quorum_peer.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "protocol/zab_trace.h"
#include "sim/ensemble.h"

using namespace zab;
using namespace zab::sim;

namespace {

SimTime ms(std::int64_t v) { return SimTime::from_ms(v); }

std::vector<TraceEvent> protocol_events(const World& w, std::uint16_t kind) {
  std::vector<TraceEvent> r;
  for (const auto& e : w.trace().events()) {
    if (e.kind == TraceKind::kProtocol && e.sub == kind) r.push_back(e);
  }
  return r;
}

}  // namespace

TEST_CASE("5 servers elect the highest sid, agree on epoch 1, and every follower syncs") {
  World w(1, {});
  EnsembleConfig ec;
  add_ensemble(w, ec);
  for (std::uint32_t s = 1; s <= 5; ++s) w.start(Address{s});
  w.run_until(ms(5000));
  const auto est = protocol_events(w, kTraceLeaderEstablished);
  REQUIRE(est.size() == 1);
  CHECK(est[0].process == 5);
  CHECK(est[0].a == 1);  // epoch 1
  std::set<std::uint32_t> synced;
  for (const auto& e : protocol_events(w, kTraceFollowerSynced)) {
    CHECK(e.a == 5);
    CHECK(e.b == 1);
    synced.insert(e.process);
  }
  CHECK(synced == std::set<std::uint32_t>{1, 2, 3, 4});
  // Election plus discovery and sync take a few hundred ms: the 200 ms finalize wait dominates.
  CHECK(est[0].time < ms(1000));
}
