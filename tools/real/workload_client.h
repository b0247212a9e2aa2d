#pragma once
// A workload client of `zabsim real`: the scenario's operations for one client (the same
// ScriptedOps the simulator's client issues, drawn from the same seed) sent to a real
// ensemble one at a time over ZooKeeper's client protocol, on a thread of its own, and
// recorded as the simulator records them, so that the same checkers judge the history.
//
// Its connection policy is Java's ClientCnxn with StaticHostProvider (ZooKeeper 3.8), the
// library Debian's zookeeper package ships and the servers' own tools use, through the same
// sim::HostWalk the simulated client walks with (host_walk.h: the shuffled connect string
// walked in a cycle, 1 s on coming back to the last good server, a random 0-1 s before every
// attempt once a socket has ever connected);
//  * it reconnects to its session with the last zxid it saw (a server that has seen less
//    refuses it); an expired session ends the client;
//  * a connection attempt is given sessionTimeout / (servers in the connect string), a
//    request readTimeout = sessionTimeout * 2 / 3 or the scenario's request timeout;
//  * an operation whose answer does not come in time, or whose connection breaks, is recorded
//    as indeterminate and the connection is dropped.
// Unlike ClientCnxn it keeps one request in flight and sends no pings: its think time between
// operations is far below the session timeout.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/client_port/client_wire.h"
#include "sim/client/history.h"
#include "sim/client/zk_client.h"

namespace zab::tools::real {

struct RealClientConfig {
  std::uint32_t index = 1;  // 1-based, as c1, c2, ...
  std::vector<std::pair<std::uint32_t, std::uint16_t>> servers;  // (sid, client port), the connect string
  bool shuffle = true;  // StaticHostProvider's shuffle; false: walked in the given order (the scenario's random_first_server)
  std::int32_t session_timeout_ms = 10'000;
  std::int64_t request_timeout_ms = 0;  // 0: readTimeout
  std::int64_t start_ms = 0;            // from the run's start
  std::vector<sim::ScriptedOp> ops;
  std::uint64_t seed = 1;               // the shuffle and the reconnect sleeps
};

// One operation as the client saw it; times in ns from the run's start.
struct RecordedOp {
  std::uint32_t client = 0;
  std::int64_t session = 0;
  std::uint32_t server = 0;
  std::int64_t invoke_ns = 0;
  std::optional<std::int64_t> complete_ns;
  Request request;
  sim::Outcome outcome = sim::Outcome::kPending;
  Reply reply;
};

// Runs the client until its operations are done, its session expired, or `stop` is set (an
// operation then in flight is indeterminate). Blocking: call it on a thread of its own.
std::vector<RecordedOp> run_real_client(const RealClientConfig& config, std::chrono::steady_clock::time_point start,
                                        const std::atomic<bool>& stop);

// The clients' records as one history in invocation order (ids 1, 2, ... in that order), the
// clients at addresses first_client_address + index - 1, as the simulator numbers them.
sim::History merge_histories(std::vector<RecordedOp> ops, std::uint32_t first_client_address);

}  // namespace zab::tools::real
