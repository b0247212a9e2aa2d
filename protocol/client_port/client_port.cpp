#include "protocol/client_port/client_port.h"

#include <algorithm>

#include "protocol/base/assert.h"
#include "protocol/base/coverage.h"
#include "protocol/quorum/follower.h"
#include "protocol/quorum/leader.h"
#include "protocol/base/zab_trace.h"
#include "protocol/database/zk_database.h"

namespace zab {

namespace {
constexpr std::uint64_t kExpiryTimer = 1;
}  // namespace

ClientPort::ClientPort(PeerContext& ctx) : ctx_(ctx) {}
ClientPort::~ClientPort() = default;

void ClientPort::serve_as_leader(Leader& leader) {
  ZAB_ASSERT(leader.serving(), "the client port opens once the leader is established (startZkServer)");
  ZAB_ASSERT(tracker_ == nullptr, "the leader's session tracker is made anew for each term");
  ZAB_ASSERT(prep_ == nullptr, "the leader's PrepRequestProcessor is made anew for each term");
  ZAB_ASSERT(!serving(), "a server serves in one role at a time");
  leader_ = &leader;
  // LeaderZooKeeperServer.createSessionTracker: every committed session is tracked again with
  // a full timeout from now.
  tracker_ = std::make_unique<SessionTracker>(ctx_.config, ctx_.now_ms(), ctx_.db.sessions());
  prep_ = std::make_unique<PrepRequestProcessor>(ctx_.db.tree(), *tracker_);
  ZAB_ASSERT(tracker_->session_count() == ctx_.db.sessions().size(), "a new leader tracks every committed session");
  arm_expiry();
}

void ClientPort::serve_as_follower(Follower& follower) {
  ZAB_ASSERT(follower.serving(), "a follower serves clients once UPTODATE arrived");
  ZAB_ASSERT(tracker_ == nullptr, "a follower has no session tracker of its own");
  ZAB_ASSERT(!serving(), "a server serves in one role at a time");
  follower_ = &follower;
  next_learner_session_ = SessionTracker::initialize_next_session_id(ctx_.config.my_id, ctx_.now_ms());
  ZAB_ASSERT(next_learner_session_.value != 0, "a learner's session ids are never 0, which asks for a new session");
}

void ClientPort::stop_serving() {
  if (!serving()) return;
  std::vector<std::uint64_t> conns;
  for (const auto& [id, c] : connections_) conns.push_back(id);
  for (std::uint64_t id : conns) close(ConnId{id});
  sessions_.clear();
  creating_.clear();
  pending_syncs_.clear();
  ctx_.touches.clear();
  prep_.reset();
  tracker_.reset();
  ctx_.cancel_timer(TimerSpace::kSessions, kExpiryTimer);
  leader_ = nullptr;
  ZAB_ASSERT(connections_.empty(), "zk.shutdown closes every client connection");
  follower_ = nullptr;
}

void ClientPort::on_connection_up(ConnId conn) {
  ZAB_ASSERT(!connections_.contains(conn.value), "a new client connection has a fresh id");
  connections_[conn.value] = Connection{};
}

void ClientPort::on_connection_down(ConnId conn) {
  auto it = connections_.find(conn.value);
  if (it == connections_.end()) return;
  // The session lives on (it may reconnect elsewhere); only this connection is gone.
  ZAB_ASSERT(!it->second.session || sessions_.contains(*it->second.session),
             "a connection's session is connected here until the connection goes");
  if (it->second.session) sessions_.erase(*it->second.session);
  connections_.erase(it);
}

void ClientPort::close(ConnId conn) {
  auto it = connections_.find(conn.value);
  if (it == connections_.end()) return;
  if (it->second.session) {
    auto s = sessions_.find(*it->second.session);
    if (s != sessions_.end() && s->second.conn == conn) sessions_.erase(s);
    ZAB_ASSERT(!sessions_.contains(*it->second.session) || sessions_.at(*it->second.session).conn != conn,
               "a closed connection leaves no session pointing at it");
  }
  connections_.erase(it);
  ctx_.close(conn);
}

void ClientPort::send(ConnId conn, const ClientMessage& message) {
  ZAB_ASSERT(connections_.contains(conn.value), "replies go only to an open client connection");
  ctx_.out->push_back(out::Send{conn, encode_client_message(message)});
}

void ClientPort::on_message(ConnId conn, const Bytes& payload) {
  auto it = connections_.find(conn.value);
  if (it == connections_.end()) return;
  const auto message = decode_client_message(payload);
  if (!message) {
    close(conn);
    return;
  }
  if (const auto* connect = std::get_if<ConnectRequest>(&*message)) {
    ZAB_ASSERT(connections_.contains(conn.value), "the connect request arrived on an open connection");
    handle_connect(conn, *connect);
  } else if (const auto* request = std::get_if<Request>(&*message)) {
    handle_request(conn, *request);
  } else {
    close(conn);  // a server never receives responses
  }
  if (leader_) arm_expiry();
}

void ClientPort::handle_connect(ConnId conn, const ConnectRequest& request) {
  Connection& c = connections_.at(conn.value);
  if (!serving() || c.session || c.connecting) {
    close(conn);  // "ZooKeeperServer not running" (or a second handshake)
    return;
  }
  const Zxid ours = ctx_.db.last_processed_zxid();
  if (request.last_zxid_seen > ours) {
    // "Refusing session request for client ... as it has seen zxid 0x... our last zxid is
    // 0x... client must try another server" (strictly greater: equal is accepted).
    ctx_.emit(ev::ClientRefused{static_cast<std::uint64_t>(request.session.value), request.last_zxid_seen, ours});
    ctx_.out->push_back(coverage(CoverageMark::kClientRefusedBehind));
    close(conn);
    return;
  }
  const std::int32_t timeout_ms = static_cast<std::int32_t>(std::clamp<std::int64_t>(
      request.timeout_ms, ctx_.config.effective_min_session_timeout_ms(), ctx_.config.effective_max_session_timeout_ms()));
  c.timeout_ms = timeout_ms;
  ZAB_ASSERT(timeout_ms >= ctx_.config.effective_min_session_timeout_ms(), "the negotiated timeout is at least minSessionTimeout");
  ZAB_ASSERT(timeout_ms <= ctx_.config.effective_max_session_timeout_ms(), "the negotiated timeout is at most maxSessionTimeout");
  if (request.session.value == 0) {
    SessionId id;
    if (leader_) {
      id = tracker_->create_session(timeout_ms, ctx_.now_ms());
    } else {
      id = next_learner_session_;
      next_learner_session_ = SessionId{next_learner_session_.value + 1};
    }
    c.connecting = id;
    ZAB_ASSERT(id.value != 0, "a new session's id is never 0, which asks for a new session");
    ZAB_ASSERT(!creating_.contains(id), "a new session id is handed out once");
    creating_[id] = conn.value;
    submit_write(ClientRequest{.session = id, .cxid = 0, .type = OpCode::kCreateSession,
                               .session_timeout_ms = timeout_ms});
    return;
  }
  // Reconnection. ZooKeeper revalidates the session with the leader (REVALIDATE); we check
  // the leader's tracker, or on a follower the committed session table, which lags the
  // leader's by at most the in-flight closeSession.
  const bool alive = leader_ ? tracker_->check_session(request.session) == Err::kOk
                             : ctx_.db.sessions().contains(request.session);
  if (!alive) {
    send(conn, ConnectResponse{.timeout_ms = 0, .session = SessionId{0}});
    close(conn);
    return;
  }
  auto existing = sessions_.find(request.session);
  if (existing != sessions_.end() && existing->second.conn != conn) close(existing->second.conn);
  c.session = request.session;
  sessions_[request.session] = Session{conn, {}};
  ZAB_ASSERT(!leader_ || tracker_->is_tracking(request.session), "a session revalidated by the leader is tracked");
  if (leader_) tracker_->touch_session(request.session, ctx_.now_ms());
  send(conn, ConnectResponse{.timeout_ms = timeout_ms, .session = request.session, .password = Bytes(16, 0)});
}

ClientRequest ClientPort::to_client_request(SessionId session, const Request& r) const {
  return ClientRequest{.session = session,
                       .cxid = r.xid,
                       .type = r.type,
                       .path = r.path,
                       .data = r.data,
                       .version = r.version,
                       .ephemeral = (r.flags & kCreateEphemeral) != 0,
                       .sequential = (r.flags & kCreateSequential) != 0};
}

void ClientPort::handle_request(ConnId conn, const Request& request) {
  Connection& c = connections_.at(conn.value);
  ZAB_ASSERT(serving() || !c.session, "a connection has a session only while the server serves");
  if (!c.session) {
    close(conn);  // a request before the handshake finished
    return;
  }
  const SessionId session = *c.session;
  ZAB_ASSERT(sessions_.contains(session), "a connection's session is connected here");
  ZAB_ASSERT(sessions_.at(session).conn == conn, "a session's requests come on its own connection");
  // Every request touches its session (ZooKeeperServer.submitRequest).
  if (leader_) {
    tracker_->touch_session(session, ctx_.now_ms());
  } else {
    ctx_.touches.touch(session, c.timeout_ms);
  }
  Session& s = sessions_.at(session);
  ZAB_ASSERT(s.queue.empty() || s.queue.front().waits_for_commit, "a session's queue is held only by a request still waiting");
  Pending p{request, false, std::nullopt};
  if (is_write(request.type)) {
    p.waits_for_commit = true;
    if (request.type == OpCode::kCloseSession) c.closing = true;
    s.queue.push_back(std::move(p));
    submit_write(to_client_request(session, request));
  } else if (request.type == OpCode::kSync && follower_) {
    // FollowerRequestProcessor forwards the sync; it completes when the leader's SYNC
    // arrives, after every COMMIT the leader had sent before it.
    p.waits_for_commit = true;
    s.queue.push_back(std::move(p));
    pending_syncs_.push_back(session);
    follower_->forward_sync(session, request.xid);
  } else if (request.type == OpCode::kSync && leader_ && leader_->quorum_sync()) {
    // Deviation D33: on the leader too a sync waits until a quorum has confirmed the leader
    // (and what was proposed before it is committed); ZooKeeper serves it like a read.
    p.waits_for_commit = true;
    s.queue.push_back(std::move(p));
    pending_syncs_.push_back(session);
    leader_->process_local_sync();
  } else {
    s.queue.push_back(std::move(p));
  }
  drain(session);
}

void ClientPort::submit_write(const ClientRequest& request) {
  ZAB_ASSERT(is_write(request.type) || request.type == OpCode::kCreateSession || request.type == OpCode::kSync,
             "only writes, session creation and syncs go to the leader");
  if (follower_) {
    follower_->forward_request(request);
    return;
  }
  ZAB_ASSERT(leader_ != nullptr, "writes are submitted only while serving: a follower forwarded it above");
  ZAB_ASSERT(leader_->serving(), "writes are submitted only to an established leader");
  const Zxid zxid = leader_->next_zxid();
  ZAB_ASSERT(zxid > ctx_.db.last_processed_zxid(), "a new zxid is above everything the leader has applied");
  ZAB_ASSERT(prep_ != nullptr, "a serving leader has its PrepRequestProcessor");
  ZAB_ASSERT(tracker_ != nullptr, "a serving leader has its session tracker");
  const Txn txn = prep_->prepare(request, zxid, ctx_.now.wall.ms());
  ZAB_ASSERT(txn.header.zxid == zxid, "PrepRequestProcessor stamps the txn with the zxid it was given");
  ZAB_ASSERT(txn.header.session == request.session, "a txn belongs to the session that asked for it");
  // PrepRequestProcessor's session side effects (SessionTracker is left to the caller).
  if (txn.header.type == OpCode::kCreateSession) {
    tracker_->track_session(request.session, request.session_timeout_ms, ctx_.now_ms());
    ZAB_ASSERT(tracker_->is_tracking(request.session), "a session being created is tracked from its createSession on");
  } else if (txn.header.type == OpCode::kCloseSession) {
    tracker_->set_session_closing(request.session);
  }
  leader_->propose(encode_txn(txn), zxid);
}

void ClientPort::submit_learner_request(const ClientRequest& request) {
  if (!leader_ || !leader_->serving()) return;
  ZAB_ASSERT(follower_ == nullptr, "a server serving as leader is not a follower");
  submit_write(request);
  arm_expiry();
}

void ClientPort::on_handoff(const ClientHandoff& handoff) {
  std::visit(
      [this](const auto& h) {
        using T = std::decay_t<decltype(h)>;
        if constexpr (std::is_same_v<T, handoff::LearnerRequest>) {
          submit_learner_request(h.request);
        } else if constexpr (std::is_same_v<T, handoff::TouchSessions>) {
          touch_sessions(h.touches);
        } else {
          static_assert(std::is_same_v<T, handoff::SyncReleased>);
          on_sync_released();
        }
      },
      handoff);
}

void ClientPort::touch_sessions(const SessionTouches& touches) {
  if (!tracker_) return;
  ZAB_ASSERT(leader_ != nullptr, "only the leader tracks sessions (LeaderSessionTracker)");
  for (const auto& [session, timeout] : touches) tracker_->touch_session(session, ctx_.now_ms());
  arm_expiry();
}

void ClientPort::on_sync_released() {
  if (pending_syncs_.empty()) return;
  const SessionId session = pending_syncs_.front();
  ZAB_ASSERT(serving(), "syncs wait only while the server serves");
  pending_syncs_.pop_front();
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return;
  for (Pending& p : s->second.queue) {
    if (p.request.type == OpCode::kSync && p.waits_for_commit && !p.reply) {
      p.reply = Reply{.xid = p.request.xid, .zxid = ctx_.db.last_processed_zxid(), .type = OpCode::kSync,
                      .path = p.request.path};
      break;
    }
  }
  drain(session);
}

void ClientPort::on_applied(const ProcessTxnResult& result) {
  if (prep_) prep_->applied(result.zxid);
  ZAB_ASSERT(result.zxid <= ctx_.db.last_processed_zxid(), "a txn is reported once the tree has processed it");
  if (tracker_ && result.type == OpCode::kCloseSession) tracker_->remove_session(result.session);
  const Zxid now_zxid = ctx_.db.last_processed_zxid();

  // A new session's createSession: answer the handshake.
  if (auto c = creating_.find(result.session); c != creating_.end() && result.type == OpCode::kCreateSession) {
    const ConnId conn{c->second};
    creating_.erase(c);
    auto it = connections_.find(conn.value);
    if (it == connections_.end()) return;
    ZAB_ASSERT(it->second.connecting == result.session, "the connection waiting for this createSession asked for it");
    it->second.connecting.reset();
    it->second.session = result.session;
    sessions_[result.session] = Session{conn, {}};
    send(conn, ConnectResponse{.timeout_ms = it->second.timeout_ms, .session = result.session,
                               .password = Bytes(16, 0)});
    return;
  }
  auto s = sessions_.find(result.session);
  if (s == sessions_.end()) return;
  const ConnId conn = s->second.conn;
  for (Pending& p : s->second.queue) {
    if (!p.waits_for_commit || p.reply || p.request.xid != result.cxid || !is_write(p.request.type)) continue;
    Reply reply{.xid = p.request.xid, .zxid = now_zxid, .err = result.err, .type = p.request.type};
    if (result.err == Err::kOk) {
      if (p.request.type == OpCode::kCreate) reply.path = result.path;
      if (p.request.type == OpCode::kSetData) reply.stat = result.stat;
    }
    p.reply = std::move(reply);
    break;
  }
  drain(result.session);
  // A closed session's connection closes (FinalRequestProcessor / closeSession), whoever asked.
  if (result.type == OpCode::kCloseSession && connections_.contains(conn.value)) {
    auto again = sessions_.find(result.session);
    if (again == sessions_.end() || again->second.queue.empty()) close(conn);
  }
}

Reply ClientPort::read(const Request& request) const {
  ZAB_ASSERT(!is_write(request.type), "only reads are answered from the local tree");
  ZAB_ASSERT(serving(), "reads are answered only while the server serves");
  Reply reply{.xid = request.xid, .zxid = ctx_.db.last_processed_zxid(), .type = request.type};
  const DataTree& tree = ctx_.db.tree();
  switch (request.type) {
    case OpCode::kGetData:
      if (auto d = tree.get_data(request.path)) {
        reply.data = d->data;
        reply.stat = d->stat;
      } else {
        reply.err = Err::kNoNode;
      }
      break;
    case OpCode::kExists:
      if (auto st = tree.stat(request.path)) {
        reply.stat = *st;
      } else {
        reply.err = Err::kNoNode;
      }
      break;
    case OpCode::kGetChildren:
      if (auto ch = tree.get_children(request.path)) {
        reply.children = ch->children;
      } else {
        reply.err = Err::kNoNode;
      }
      break;
    case OpCode::kSync:
      reply.path = request.path;  // a sync on the leader is served like a read
      break;
    case OpCode::kPing:
      reply.xid = kPingXid;
      break;
    default:
      reply.err = Err::kBadArguments;
  }
  return reply;
}

void ClientPort::drain(SessionId session) {
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return;
  const ConnId conn = s->second.conn;
  ZAB_ASSERT(connections_.contains(conn.value), "a session connected here has an open connection");
  auto& queue = s->second.queue;
  while (!queue.empty()) {
    Pending& head = queue.front();
    if (head.waits_for_commit && !head.reply) break;  // CommitProcessor: wait for the commit
    if (!head.reply) head.reply = read(head.request);
    send(conn, *head.reply);
    queue.pop_front();
  }
  ZAB_ASSERT(queue.empty() || !queue.front().reply.has_value(), "drain stops only at a request still waiting");
}

void ClientPort::arm_expiry() {
  ZAB_ASSERT(!tracker_ || leader_ != nullptr, "the session tracker exists only on a serving leader");
  if (!tracker_) return;
  const auto next = tracker_->next_expiry_ms();
  if (!next) {
    ctx_.cancel_timer(TimerSpace::kSessions, kExpiryTimer);
    return;
  }
  ctx_.set_timer(TimerSpace::kSessions, kExpiryTimer, Duration::ms(std::max<std::int64_t>(0, *next - ctx_.now_ms())));
}

void ClientPort::on_timer(std::uint64_t local) {
  if (local != kExpiryTimer || !tracker_ || !leader_ || !leader_->serving()) return;
  ZAB_ASSERT(prep_ != nullptr, "a serving leader has its PrepRequestProcessor");
  // SessionTrackerImpl.run: expire what is due; each expired session is closed by a
  // closeSession request through the pipeline (ZooKeeperServer.expire).
  for (SessionId session : tracker_->expire(ctx_.now_ms())) {
    ZAB_ASSERT(tracker_->is_closing(session), "an expired session is marked closing before its closeSession is submitted");
    ctx_.out->push_back(coverage(CoverageMark::kSessionExpired));
    submit_write(ClientRequest{.session = session, .cxid = 0, .type = OpCode::kCloseSession});
  }
  arm_expiry();
}

void ClientPort::check_invariants() const {
  ZAB_ASSERT(leader_ == nullptr || follower_ == nullptr, "a server serves as leader or as follower, never both");
  // LeaderZooKeeperServer owns the session tracker and PrepRequestProcessor; a learner has neither.
  ZAB_ASSERT((tracker_ != nullptr) == (leader_ != nullptr), "the session tracker exists exactly while serving as leader");
  ZAB_ASSERT((prep_ != nullptr) == (leader_ != nullptr), "PrepRequestProcessor exists exactly while serving as leader");
  // check_role_ended stops the client port as the role ends: it never points at a stopped role.
  ZAB_ASSERT(leader_ == nullptr || leader_->serving(), "the client port serves for an established leader only");
  ZAB_ASSERT(follower_ == nullptr || follower_->serving(), "the client port serves for an up-to-date follower only");
  if (!serving()) {
    // zk.shutdown closed every connection; handshakes on new ones are refused until it serves.
    ZAB_ASSERT(sessions_.empty(), "no session is connected to a server that does not serve");
    ZAB_ASSERT(creating_.empty(), "no session is being created on a server that does not serve");
    ZAB_ASSERT(pending_syncs_.empty(), "no sync waits on a server that does not serve");
  }
  ZAB_ASSERT(pending_syncs_.empty() || leader_ == nullptr || leader_->quorum_sync(),
             "on the leader a sync waits only when syncs need a quorum (D33)");
  ZAB_ASSERT(ctx_.touches.empty() || follower_ != nullptr, "only a follower gathers touches for its PING replies");
  ZAB_ASSERT(follower_ == nullptr || next_learner_session_.value != 0, "a learner's next session id is never 0");
  for (const auto& [session, s] : sessions_) {
    const auto c = connections_.find(s.conn.value);
    ZAB_ASSERT(c != connections_.end(), "a connected session has an open connection");
    ZAB_ASSERT(c->second.session == session, "a session's connection names that session");
  }
  for (const auto& [id, c] : connections_) {
    ZAB_ASSERT(!(c.session && c.connecting), "a connection is either creating its session or has one");
    ZAB_ASSERT(!c.closing || c.session.has_value(), "only a connection with a session sends closeSession");
  }
  for (const auto& [id, c] : connections_) {
    if (!c.connecting) continue;
    const auto creating = creating_.find(*c.connecting);
    ZAB_ASSERT(creating != creating_.end(), "a connection creating its session waits for that createSession");
    ZAB_ASSERT(creating->second == id, "the createSession being waited for answers this connection");
  }
  for (const auto& [session, conn] : creating_) {
    ZAB_ASSERT(session.value != 0, "a session being created has a real id");
  }
  // CommitProcessor: each session's requests are answered in order, so after every step the
  // oldest one still queued is the one waiting for its commit (or its sync).
  for (const auto& [session, s] : sessions_) {
    if (s.queue.empty()) continue;
    ZAB_ASSERT(s.queue.front().waits_for_commit, "the head of a session's queue is what it waits for");
    ZAB_ASSERT(!s.queue.front().reply.has_value(), "an answered head of a session's queue has been sent");
  }
  ZAB_ASSERT(sessions_.size() <= connections_.size(), "each connected session has its own connection");
  if (tracker_) tracker_->check_invariants();
  if (prep_) prep_->check_invariants();
}

}  // namespace zab
