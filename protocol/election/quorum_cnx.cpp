#include "protocol/election/quorum_cnx.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/base/codec.h"
#include "protocol/base/zab_trace.h"

namespace zab {

Bytes encode_initial_message(const InitialMessage& m) {
  ZAB_ASSERT(m.protocol_version < 0, "we send the versioned initial message (a negative protocol version)");
  Writer w;
  w.i64(m.protocol_version);
  w.u64(m.sid.value);
  w.string(m.election_address);
  return w.take();
}

std::optional<InitialMessage> decode_initial_message(std::span<const std::uint8_t> payload) {
  Reader r(payload);
  InitialMessage m;
  m.protocol_version = r.i64();
  if (!r.ok()) return std::nullopt;
  if (m.protocol_version >= 0) {
    // A bare sid: how pre-3.5 servers opened a connection (handleConnection).
    m.sid = ServerId{static_cast<std::uint64_t>(m.protocol_version)};
    return m;
  }
  if (m.protocol_version != kProtocolVersionV1 && m.protocol_version != kProtocolVersionV2) return std::nullopt;
  m.sid = ServerId{r.u64()};
  const std::int32_t length = r.i32();
  if (!r.ok() || length <= 0 || static_cast<std::size_t>(length) > QuorumCnxManager::kMaxInitialAddressBytes) {
    return std::nullopt;
  }
  const Bytes address = r.raw(static_cast<std::size_t>(length));
  if (!r.ok()) return std::nullopt;
  m.election_address.assign(address.begin(), address.end());
  return m;
}

QuorumCnxManager::QuorumCnxManager(const ServerConfig& config)
    : my_sid_(config.my_id), voters_(config.voters), cnx_timeout_(config.cnx_timeout) {
  ZAB_ASSERT(config.is_voter(config.my_id), "the election runs on voters (observers are out of scope)");
  ZAB_ASSERT(cnx_timeout_ > Duration{}, "cnxTimeout is positive");
  initial_message_ = encode_initial_message(InitialMessage{
      .protocol_version = kProtocolVersionV1,
      .sid = my_sid_,
      .election_address = fmt::format("s{}:{}", my_sid_.value, kElectionPort)});
  ZAB_ASSERT(decode_initial_message(initial_message_).has_value(), "our own initial message decodes (paired check)");
  ZAB_ASSERT(decode_initial_message(initial_message_)->sid == my_sid_, "our initial message names our sid");
}


// --- what FastLeaderElection calls ---------------------------------------------------------

void QuorumCnxManager::to_send(ServerId sid, Bytes payload, std::vector<Output>& out) {
  if (sid == my_sid_) {
    add_to_recv_queue(ElectionMessage{sid, std::move(payload)}, out);
    ZAB_ASSERT(recv_timer_set_, "a looped-back message waits for the timer that hands it out");
    return;
  }
  std::optional<Bytes>& slot = queue_send_[sid];
  ZAB_ASSERT(sid != my_sid_, "messages to ourselves loop back through the receive queue, never a send queue");
  // CircularBlockingQueue.offer on a full queue drops the head: only the newest survives.
  if (slot.has_value()) emit(out, ev::CnxSendDropped{sid});
  slot = std::move(payload);
  connect_one(sid, out);
  drain_send_queue(sid, out);
  ZAB_ASSERT(!sender_worker_.contains(sid) || !queue_send_[sid].has_value(),
             "with a SendWorker running, what is queued for the peer goes out at once");
}

void QuorumCnxManager::connect_all(std::vector<Output>& out) {
  ZAB_ASSERT(!queue_send_.contains(my_sid_), "no send queue exists for ourselves");
  for (const auto& [sid, slot] : queue_send_) connect_one(sid, out);
}

bool QuorumCnxManager::have_delivered() const {
  // Faithful to 3.8.0: "any queue empty", and false when no queue exists (fle.md §5.8).
  return std::any_of(queue_send_.begin(), queue_send_.end(),
                     [](const auto& entry) { return !entry.second.has_value(); });
}

// --- connections --------------------------------------------------------------------------

void QuorumCnxManager::connect_one(ServerId sid, std::vector<Output>& out) {
  ZAB_ASSERT(sid != my_sid_, "a server never dials its own election port");
  if (sender_worker_.contains(sid)) return;
  // connectOne looks the sid up in the committed view; an unknown sid only logs a warning.
  if (!std::binary_search(voters_.begin(), voters_.end(), sid)) return;
  // initiateConnectionAsync: one attempt per sid at a time.
  if (!in_progress_.insert(sid).second) return;
  ZAB_ASSERT(!sender_worker_.contains(sid), "a peer with a live connection is not dialed again");
  emit(out, ev::CnxConnecting{sid});
  out.push_back(out::Connect{.peer = sid.address(), .port = kElectionPort, .tag = connect_tag(sid),
                             .timeout = cnx_timeout_});
}

void QuorumCnxManager::on_connection_up(const in::ConnectionUp& up, std::vector<Output>& out) {
  ZAB_ASSERT(up.port == kElectionPort, "only election-port connections are routed to QuorumCnxManager");
  ZAB_ASSERT(!connections_.contains(up.conn), "a connection comes up once");
  if (!up.initiated_by_us) {
    // Listener accepted it; the dialer's initial message tells us who it is.
    connections_[up.conn] = Connection{};
    return;
  }
  ZAB_ASSERT(is_connect_tag(up.tag), "a connection we dialed carries our connect tag");
  const ServerId sid{timer_local(up.tag)};
  ZAB_ASSERT(up.peer == sid.address(), "the connection reached the server we dialed");
  const std::size_t dialing = in_progress_.erase(sid);
  ZAB_ASSERT(dialing == 1, "a dial we made was in progress until it came up");
  // startConnection: the initial message goes first, and the dialer waits for no answer.
  out.push_back(out::Send{up.conn, initial_message_});
  if (sid > my_sid_) {
    // We lose the challenge: hang up; the larger sid dials back when it reads our message.
    emit(out, ev::CnxChallengeLost{sid, up.conn.value});
    out.push_back(out::Close{up.conn});
    return;
  }
  connections_[up.conn] = Connection{.sid = sid, .dialed_by_us = true, .state = ConnState::kWorking};
  start_workers(sid, up.conn, true, out);
}

void QuorumCnxManager::on_connect_failed(const in::ConnectFailed& failed, std::vector<Output>& out) {
  ZAB_ASSERT(is_connect_tag(failed.tag), "only our own dials' failures are routed here");
  const ServerId sid{timer_local(failed.tag)};
  const std::size_t dialing = in_progress_.erase(sid);
  ZAB_ASSERT(dialing == 1, "a dial that failed was in progress");
  // No retry: the next send to sid, connectAll or the peer's own dial will try again.
  emit(out, ev::CnxConnectFailed{sid});
}

void QuorumCnxManager::on_connection_down(const in::ConnectionDown& down, std::vector<Output>& out) {
  auto it = connections_.find(down.conn);
  if (it == connections_.end()) return;
  const Connection c = it->second;
  ZAB_ASSERT(c.state != ConnState::kWorking || c.sid != my_sid_, "a working connection is never to ourselves");
  connections_.erase(it);
  if (c.state != ConnState::kWorking) return;
  // RecvWorker's read failed: both workers finish, the sid leaves senderWorkerMap, and
  // nothing reconnects until something is sent to it (fle.md §5.5).
  auto w = sender_worker_.find(c.sid);
  if (w != sender_worker_.end() && w->second == down.conn) sender_worker_.erase(w);
  emit(out, ev::CnxDown{c.sid, down.conn.value, /*closed_by_us=*/false});
}

std::optional<ElectionMessage> QuorumCnxManager::on_message(const in::Message& message, std::vector<Output>& out) {
  auto it = connections_.find(message.conn);
  if (it == connections_.end()) return std::nullopt;
  Connection& c = it->second;
  switch (c.state) {
    case ConnState::kIgnored:
      return std::nullopt;
    case ConnState::kAwaitingInitialMessage: {
      const auto initial = decode_initial_message(message.payload);
      if (!initial) {
        emit(out, ev::CnxRejected{message.conn.value, CnxRejectReason::kBadInitialMessage});
        out.push_back(out::Close{message.conn});
        connections_.erase(it);
        return std::nullopt;
      }
      const ServerId sid = initial->sid;
      if (sid == my_sid_) {
        // ZOOKEEPER-2164: a warning, and the socket is not even closed.
        emit(out, ev::CnxRejected{message.conn.value, CnxRejectReason::kOwnSid});
        c.state = ConnState::kIgnored;
        return std::nullopt;
      }
      if (sid < my_sid_) {
        // We win the challenge (handleConnection): tear down whatever we have to sid — the
        // peer evidently believes it has no connection — drop this one and dial back.
        emit(out, ev::CnxDialBack{sid, message.conn.value});
        connections_.erase(it);
        out.push_back(out::Close{message.conn});
        finish_worker(sid, out);
        connect_one(sid, out);
        return std::nullopt;
      }
      c.sid = sid;
      ZAB_ASSERT(sid > my_sid_, "an accepted connection is kept only from a larger sid (the challenge)");
      c.state = ConnState::kWorking;
      start_workers(sid, message.conn, false, out);
      return std::nullopt;
    }
    case ConnState::kWorking:
      break;
  }
  if (message.payload.empty() || message.payload.size() > kPacketMaxBytes) {
    // RecvWorker: "Received packet with invalid packet" — it throws and the connection ends.
    emit(out, ev::CnxRejected{message.conn.value, CnxRejectReason::kBadLength});
    finish_worker(c.sid, out);
    return std::nullopt;
  }
  ElectionMessage received{c.sid, message.payload};
  ZAB_ASSERT(c.state == ConnState::kWorking, "only a working connection delivers notifications");
  if (recv_queue_.empty()) return received;
  add_to_recv_queue(std::move(received), out);  // behind the loopbacks that are still queued
  return std::nullopt;
}

std::optional<ElectionMessage> QuorumCnxManager::on_recv_timer(std::vector<Output>& out) {
  ZAB_ASSERT(recv_timer_set_, "the receive timer fires only when set");
  recv_timer_set_ = false;
  if (recv_queue_.empty()) return std::nullopt;
  ElectionMessage next = std::move(recv_queue_.front());
  ZAB_ASSERT(next.sid.value != 0, "a queued message comes from a named peer or from ourselves");
  recv_queue_.pop_front();
  if (!recv_queue_.empty()) {
    // One message per input, so the node can act on an election result before the next one.
    out.push_back(out::SetTimer{kRecvTimerId, Duration{}});
    recv_timer_set_ = true;
  }
  ZAB_ASSERT(recv_timer_set_ == !recv_queue_.empty(), "the receive timer is set exactly while messages wait");
  return next;
}

void QuorumCnxManager::add_to_recv_queue(ElectionMessage message, std::vector<Output>& out) {
  if (recv_queue_.size() >= kRecvCapacity) {
    // addToRecvQueue: a full CircularBlockingQueue drops its oldest message.
    emit(out, ev::CnxRecvDropped{recv_queue_.front().sid});
    recv_queue_.pop_front();
  }
  recv_queue_.push_back(std::move(message));
  ZAB_ASSERT(recv_queue_.size() <= kRecvCapacity, "the receive queue is bounded by RECV_CAPACITY");
  if (!recv_timer_set_) {
    out.push_back(out::SetTimer{kRecvTimerId, Duration{}});
    recv_timer_set_ = true;
  }
}

void QuorumCnxManager::start_workers(ServerId sid, ConnId conn, bool dialed_by_us, std::vector<Output>& out) {
  ZAB_ASSERT(sid != my_sid_, "workers never run for a connection to ourselves");
  ZAB_ASSERT(connections_.contains(conn), "workers start on a connection we hold");
  // A newer connection replaces the old one (vsw.finish()).
  auto old = sender_worker_.find(sid);
  if (old != sender_worker_.end() && old->second != conn) finish_worker(sid, out);
  sender_worker_[sid] = conn;
  queue_send_.try_emplace(sid);
  emit(out, ev::CnxEstablished{sid, conn.value, dialed_by_us});
  // SendWorker.run: with nothing newer queued, resend the last message this peer may have
  // missed when the previous connection broke (ZOOKEEPER-975 added the "nothing queued" guard).
  const std::optional<Bytes>& slot = queue_send_[sid];
  if (!slot.has_value()) {
    auto last = last_message_sent_.find(sid);
    if (last != last_message_sent_.end()) {
      emit(out, ev::CnxResendLast{sid});
      out.push_back(out::Send{conn, last->second});
    }
    return;
  }
  drain_send_queue(sid, out);
}

void QuorumCnxManager::finish_worker(ServerId sid, std::vector<Output>& out) {
  auto w = sender_worker_.find(sid);
  if (w == sender_worker_.end()) return;
  const ConnId conn = w->second;
  ZAB_ASSERT(!connections_.contains(conn) || connections_.at(conn).sid == sid, "a peer's worker runs on that peer's connection");
  sender_worker_.erase(w);
  connections_.erase(conn);
  out.push_back(out::Close{conn});
  emit(out, ev::CnxDown{sid, conn.value, /*closed_by_us=*/true});
}

void QuorumCnxManager::drain_send_queue(ServerId sid, std::vector<Output>& out) {
  auto w = sender_worker_.find(sid);
  if (w == sender_worker_.end()) return;
  std::optional<Bytes>& slot = queue_send_[sid];
  if (!slot.has_value()) return;
  ZAB_ASSERT(slot->size() <= kPacketMaxBytes, "a notification fits a packet");
  // SendWorker records lastMessageSent before it writes: a message lost with the connection is
  // still the one resent on the next connect.
  last_message_sent_[sid] = *slot;
  out.push_back(out::Send{w->second, std::move(*slot)});
  slot.reset();
}

// --- observation ----------------------------------------------------------------------------

std::vector<ServerId> QuorumCnxManager::connected_peers() const {
  std::vector<ServerId> peers;
  for (const auto& [sid, conn] : sender_worker_) peers.push_back(sid);
  ZAB_ASSERT(std::is_sorted(peers.begin(), peers.end()), "connected peers come in ascending sid order");
  return peers;
}

bool QuorumCnxManager::has_queued(ServerId sid) const {
  auto it = queue_send_.find(sid);
  return it != queue_send_.end() && it->second.has_value();
}

void QuorumCnxManager::check_invariants() const {
  ZAB_ASSERT(recv_queue_.size() <= kRecvCapacity, "the receive queue is bounded by RECV_CAPACITY");
  ZAB_ASSERT(recv_queue_.empty() || recv_timer_set_, "queued received messages have the timer that hands them out");
  ZAB_ASSERT(!in_progress_.contains(my_sid_), "a server never dials itself");
  ZAB_ASSERT(!queue_send_.contains(my_sid_), "no send queue exists for ourselves (loopback)");
  for (const auto& [sid, conn] : sender_worker_) {
    const auto c = connections_.find(conn);
    ZAB_ASSERT(c != connections_.end(), "a SendWorker's connection is one we hold");
    ZAB_ASSERT(c->second.state == ConnState::kWorking, "a SendWorker's connection is working");
    ZAB_ASSERT(c->second.sid == sid, "senderWorkerMap files a connection under its peer's sid");
    const auto slot = queue_send_.find(sid);
    ZAB_ASSERT(slot == queue_send_.end() || !slot->second.has_value(),
               "with a SendWorker running, nothing waits in the peer's send queue");
  }
  for (const auto& [conn, c] : connections_) {
    ZAB_ASSERT(c.state != ConnState::kWorking || c.sid != my_sid_, "a working connection is never to ourselves");
    ZAB_ASSERT(c.state != ConnState::kAwaitingInitialMessage || !c.dialed_by_us,
               "only an accepted connection waits for the dialer's initial message");
  }
}

}  // namespace zab
