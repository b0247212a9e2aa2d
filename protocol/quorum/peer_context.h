#pragma once
// What the parts of a ZooKeeper server node (leader, learner handlers, follower, client port)
// share during one step: the configuration, the database and its persistence, the follower's
// session touch table, and the output list of the step with the clocks it runs at. The
// QuorumPeer owns all of it and points the context at each step's output vector and hand-off
// queue before dispatching an input. No part reaches another through it: what a quorum part
// has for the client port is a hand-off (protocol/quorum/client_handoff.h) the QuorumPeer delivers.

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/quorum/client_handoff.h"
#include "protocol/base/config.h"
#include "protocol/base/io.h"
#include "protocol/quorum/quorum_packet.h"
#include "protocol/base/timers.h"
#include "protocol/base/zab_trace.h"

namespace zab {

class ZkDatabase;
class LogSyncer;
class EpochStore;

struct PeerContext {
  const ServerConfig& config;
  ZkDatabase& db;
  LogSyncer& syncer;
  EpochStore& epochs;
  LearnerTouchTable& touches;
  std::vector<Output>* out = nullptr;
  std::vector<ClientHandoff>* handoffs = nullptr;
  Clocks now;

  void send(ConnId conn, const QuorumPacket& packet) const {
    ZAB_ASSERT(out != nullptr, "quorum packets are sent only inside a step (QuorumPeer::step sets the outputs)");
    out->push_back(out::Send{conn, encode_packet(packet)});
  }
  // Queues work for the client port's pipeline; the QuorumPeer delivers it once the part that
  // handed it over has returned from the input.
  // Built in place: g++ 12 misreads a moved variant temporary as maybe-uninitialized.
  template <class Handoff>
  void hand_to_clients(Handoff&& handoff) const {
    ZAB_ASSERT(handoffs != nullptr, "hand-offs happen only inside a step (QuorumPeer::step sets the queue)");
    handoffs->emplace_back(std::in_place_type<std::decay_t<Handoff>>, std::forward<Handoff>(handoff));
  }
  void close(ConnId conn) const {
    ZAB_ASSERT(out != nullptr, "connections are closed only inside a step (QuorumPeer::step sets the outputs)");
    out->push_back(out::Close{conn});
  }
  // Reports an event (protocol/events/) to the host's trace.
  template <class E>
  void emit(const E& event) const {
    ZAB_ASSERT(out != nullptr, "trace events are emitted only inside a step (QuorumPeer::step sets the outputs)");
    out->push_back(trace_of(event));
  }
  void set_timer(TimerSpace space, std::uint64_t local, Duration after) const {
    ZAB_ASSERT(out != nullptr, "timers are set only inside a step (QuorumPeer::step sets the outputs)");
    ZAB_ASSERT(after >= Duration{}, "a timer is set for now or later, never the past");
    out->push_back(out::SetTimer{timer_id(space, local), after});
  }
  void cancel_timer(TimerSpace space, std::uint64_t local) const {
    ZAB_ASSERT(out != nullptr, "timers are cancelled only inside a step (QuorumPeer::step sets the outputs)");
    out->push_back(out::CancelTimer{timer_id(space, local)});
  }
  std::int64_t now_ms() const { return now.monotonic.ms(); }
};

}  // namespace zab
