#pragma once
// What the parts of a ZooKeeper server node (leader, learner handlers, follower, client port)
// share during one step: the configuration, the database and its persistence, and the output
// list of the step with the clocks it runs at. The QuorumPeer owns all of it and points the
// context at each step's output vector before dispatching an input.

#include <cstdint>
#include <vector>

#include "protocol/assert.h"
#include "protocol/config.h"
#include "protocol/io.h"
#include "protocol/quorum_packet.h"
#include "protocol/timers.h"
#include "protocol/zab_trace.h"

namespace zab {

class ZkDatabase;
class LogSyncer;
class EpochStore;
class ClientPort;

struct PeerContext {
  const ServerConfig& config;
  ZkDatabase& db;
  LogSyncer& syncer;
  EpochStore& epochs;
  ClientPort* clients = nullptr;  // the client port, for the leader's and follower's hand-offs
  std::vector<Output>* out = nullptr;
  Clocks now;

  void send(ConnId conn, const QuorumPacket& packet) const {
    ZAB_ASSERT(out != nullptr, "quorum packets are sent only inside a step (QuorumPeer::step sets the outputs)");
    out->push_back(out::Send{conn, encode_packet(packet)});
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
