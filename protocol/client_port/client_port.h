#pragma once
// The client port of a server: client connections (ServerCnxn), the session handshake
// (processConnectRequest, with the refusal of a client that has seen more than this server),
// and the request pipeline's ordering and replies — FollowerRequestProcessor forwarding writes
// and syncs to the leader, CommitProcessor keeping each session's requests in order (a read
// waits behind that session's pending write; other sessions read at once from the local
// tree), FinalRequestProcessor replying with the server's lastProcessedZxid. On the leader it
// also holds what LeaderZooKeeperServer adds: the session tracker with expiry and the
// PrepRequestProcessor, through which every write gets its zxid and becomes a proposal.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "protocol/quorum/client_handoff.h"
#include "protocol/client_port/client_wire.h"
#include "protocol/database/data_tree.h"
#include "protocol/base/ids.h"
#include "protocol/quorum/peer_context.h"
#include "protocol/client_port/prep_request.h"
#include "protocol/database/session_tracker.h"

namespace zab {

class Leader;
class Follower;

class ClientPort {
 public:
  explicit ClientPort(PeerContext& ctx);
  ~ClientPort();

  // The server starts serving as leader (LeaderZooKeeperServer started) or follower (UPTODATE),
  // or stops (its role ended: every client connection is closed, as zk.shutdown does).
  void serve_as_leader(Leader& leader);
  void serve_as_follower(Follower& follower);
  void stop_serving();
  bool serving() const { return leader_ != nullptr || follower_ != nullptr; }

  void on_connection_up(ConnId conn);
  void on_connection_down(ConnId conn);
  void on_message(ConnId conn, const Bytes& payload);
  void on_timer(std::uint64_t local);
  bool owns(ConnId conn) const { return connections_.contains(conn.value); }

  // A txn was applied to the tree: complete the request that made it, if it is ours.
  void on_applied(const ProcessTxnResult& result);
  // What the leader, its learner handlers or the follower handed over (client_handoff.h).
  void on_handoff(const ClientHandoff& handoff);
  // The connections, sessions and the leader-only parts agree with the role being served;
  // the session tracker's and PrepRequestProcessor's own invariants too. After every step.
  void check_invariants() const;

 private:
  struct Pending {
    Request request;
    bool waits_for_commit = false;  // a write or a forwarded sync, until it completes
    std::optional<Reply> reply;     // set when it completed
  };
  struct Connection {
    std::optional<SessionId> session;     // set once the handshake is done
    std::optional<SessionId> connecting;  // a new session being created
    std::int32_t timeout_ms = 0;
    bool closing = false;                 // closeSession sent: close after its reply
  };
  struct Session {
    ConnId conn;
    std::deque<Pending> queue;  // CommitProcessor's per-session order
  };

  // Leader: a learner's REQUEST (a forwarded write), and its PING's session touches.
  void submit_learner_request(const ClientRequest& request);
  void touch_sessions(const SessionTouches& touches);
  // The oldest waiting sync was answered: by the leader (D33) or in a SYNC packet (follower).
  void on_sync_released();
  void handle_connect(ConnId conn, const ConnectRequest& request);
  void handle_request(ConnId conn, const Request& request);
  void submit_write(const ClientRequest& request);
  void drain(SessionId session);
  Reply read(const Request& request) const;
  void send(ConnId conn, const ClientMessage& message);
  void close(ConnId conn);
  void arm_expiry();
  ClientRequest to_client_request(SessionId session, const Request& request) const;

  PeerContext& ctx_;
  Leader* leader_ = nullptr;
  Follower* follower_ = nullptr;
  std::map<std::uint64_t, Connection> connections_;  // by connection id
  std::map<SessionId, Session> sessions_;            // sessions connected here
  std::map<SessionId, std::uint64_t> creating_;      // new session -> connection id
  std::deque<SessionId> pending_syncs_;              // forwarded syncs, in order (follower)
  SessionId next_learner_session_;                   // LearnerSessionTracker's id counter
  // Leader only (LeaderZooKeeperServer).
  std::unique_ptr<SessionTracker> tracker_;
  std::unique_ptr<PrepRequestProcessor> prep_;
};

}  // namespace zab
