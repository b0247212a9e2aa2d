#pragma once
// A simulated ZooKeeper client (the behaviour of ClientCnxn that matters for consistency): it
// holds one session, connects to one server at a time, sends its requests in order over that
// connection (up to `max_in_flight` of them outstanding, answered in order), keeps the session
// alive with pings, and on losing the connection reconnects with its lastZxidSeen — a server
// that has seen less refuses it. Which server it tries and how long it pauses first follow the
// Java client library (host_walk.h). An operation in flight when the connection is lost, or
// that times out, is recorded as indeterminate: the client cannot know whether it took effect.
//
// Clients are simulator processes, not protocol code: they record their history (with global
// simulated time, read through the World) for the checkers.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "protocol/client_port/client_wire.h"
#include "protocol/base/io.h"
#include "sim/client/history.h"
#include "sim/client/host_walk.h"

namespace zab::sim {

class World;

struct ScriptedOp {
  Duration delay;   // after the previous operation completed (or the session was established)
  Request request;  // xid is assigned by the client
};

struct ClientConfig {
  std::vector<Address> servers;            // the connect string, in the order tried
  bool random_first_server = true;         // shuffle it (StaticHostProvider); false: walk it in order
  std::int32_t session_timeout_ms = 10'000;
  Duration request_timeout = Duration::ms(0);  // 0: none (zookeeper.request.timeout's default)
  std::vector<ScriptedOp> ops;             // issued in order, each `delay` after a slot is free
  // Requests outstanding at once (ClientCnxn pipelines a session's requests; they are answered
  // in order). 1: closed loop, each operation `delay` after the previous one completed.
  std::uint32_t max_in_flight = 1;
  // An operation left indeterminate (the connection broke, or it timed out) is issued again,
  // as a new operation, ahead of the rest, once the session is connected: the "retry until it
  // completes" loop of an application (a create retried this way may meet its own first try
  // as NODEEXISTS).
  bool retry_unknown = false;
};

class ZkClient final : public Node {
 public:
  ZkClient(const NodeContext& context, ClientConfig config, History* history, const World* world);

  void step(const Clocks& now, Input input, std::vector<Output>& out) override;
  std::string describe_message(const Bytes& payload) const override;
  std::uint16_t message_type(const Bytes& payload) const override;

 private:
  enum Timer : std::uint64_t { kReconnect = 1, kNextOp = 2, kPing = 3, kReadTimeout = 4, kRequestTimeout = 5 };
  enum class State : std::uint8_t { kIdle, kConnecting, kHandshake, kConnected, kExpired, kClosed };

  void connect(std::vector<Output>& out);
  void lost(std::vector<Output>& out);
  void on_message(const ClientMessage& message, std::vector<Output>& out);
  void issue_next(std::vector<Output>& out);
  void arm_next_op(std::vector<Output>& out);
  void attempt_next_server(std::vector<Output>& out);
  void send(const ClientMessage& message, std::vector<Output>& out);
  SimTime now() const;

  NodeContext context_;
  ClientConfig config_;
  History* history_;
  const World* world_;
  State state_ = State::kIdle;
  std::optional<ConnId> conn_;
  std::optional<HostWalk> walk_;  // from the start (it draws its shuffle then)
  SessionId session_;
  std::int32_t negotiated_timeout_ms_ = 0;
  // ClientCnxn's two timeouts, from the session timeout (the negotiated one once known): a
  // connection that is not yet CONNECTED (TCP connect, then the handshake) is given up after
  // sessionTimeout / (servers in the connect string) without hearing from the server; a
  // CONNECTED one after sessionTimeout * 2 / 3.
  Duration connect_timeout() const;
  Duration read_timeout() const;
  Zxid last_zxid_seen_;
  std::int32_t next_xid_ = 1;
  std::size_t next_op_ = 0;
  bool op_timer_armed_ = false;
  struct InFlight {
    std::uint64_t history_id = 0;
    Request request;
    SimTime sent;
  };
  std::deque<InFlight> in_flight_;  // replies come back in order
  std::deque<Request> retries_;     // retry_unknown: issued before the next scripted operation
  bool has_next_op() const { return !retries_.empty() || next_op_ < config_.ops.size(); }
};

}  // namespace zab::sim
