#include "sim/client/zk_client.h"

#include "protocol/base/assert.h"
#include "protocol/base/config.h"
#include "sim/client/client_messages.h"
#include "sim/world.h"

namespace zab::sim {

ZkClient::ZkClient(const NodeContext& context, ClientConfig config, History* history, const World* world)
    : context_(context), config_(std::move(config)), history_(history), world_(world) {
  ZAB_ASSERT(!config_.servers.empty(), "a client has at least one server to connect to");
  ZAB_ASSERT(history_ != nullptr && world_ != nullptr, "a client records into a history");
  ZAB_ASSERT(config_.max_in_flight >= 1, "a client can have at least one request outstanding");
}

SimTime ZkClient::now() const { return world_->now(); }

std::uint16_t ZkClient::message_type(const Bytes& payload) const { return client_message_trace_type(payload); }

std::string ZkClient::describe_message(const Bytes& payload) const { return describe_client_payload(payload); }

void ZkClient::send(const ClientMessage& message, std::vector<Output>& out) {
  ZAB_ASSERT(conn_.has_value(), "the client sends only over an open connection");
  out.push_back(out::Send{*conn_, encode_client_message(message)});
}

Duration ZkClient::connect_timeout() const {
  const std::int32_t session_ms = negotiated_timeout_ms_ > 0 ? negotiated_timeout_ms_ : config_.session_timeout_ms;
  return Duration::ms(session_ms / static_cast<std::int32_t>(config_.servers.size()));
}

Duration ZkClient::read_timeout() const {
  const std::int32_t session_ms = negotiated_timeout_ms_ > 0 ? negotiated_timeout_ms_ : config_.session_timeout_ms;
  return Duration::ms(session_ms * 2 / 3);
}

void ZkClient::connect(std::vector<Output>& out) {
  state_ = State::kConnecting;
  const Address server = config_.servers[walk_->current()];
  out.push_back(out::Connect{server, kClientPort, 1, connect_timeout()});
}

void ZkClient::lost(std::vector<Output>& out) {
  // Everything in flight is now of unknown outcome (CONNECTIONLOSS).
  for (const InFlight& f : in_flight_) {
    history_->complete(f.history_id, now(), Outcome::kIndeterminate,
                       Reply{.xid = f.request.xid, .err = Err::kConnectionLoss, .type = f.request.type});
    if (config_.retry_unknown && f.request.type != OpCode::kCloseSession) retries_.push_back(f.request);
  }
  in_flight_.clear();
  if (conn_) out.push_back(out::Close{*conn_});
  conn_.reset();
  for (Timer t : {kPing, kReadTimeout, kRequestTimeout}) out.push_back(out::CancelTimer{t});
  if (state_ == State::kExpired || state_ == State::kClosed) return;
  state_ = State::kIdle;
  attempt_next_server(out);
}

void ZkClient::attempt_next_server(std::vector<Output>& out) {
  const HostWalk::Attempt attempt = walk_->next(*context_.random);
  if (attempt.pause == Duration{}) {
    connect(out);
  } else {
    out.push_back(out::SetTimer{kReconnect, attempt.pause});
  }
}

void ZkClient::issue_next(std::vector<Output>& out) {
  if (state_ != State::kConnected || in_flight_.size() >= config_.max_in_flight || !has_next_op()) return;
  Request request;
  if (!retries_.empty()) {
    request = retries_.front();
    retries_.pop_front();
  } else {
    request = config_.ops[next_op_].request;
    ++next_op_;
  }
  request.xid = next_xid_++;
  const std::uint64_t id = history_->invoke(context_.self.value, session_,
                                            config_.servers[walk_->current()].value, now(), request);
  in_flight_.push_back(InFlight{id, request, now()});
  send(request, out);
  // The request timeout watches the oldest outstanding request: replies come in order, so it
  // is armed when the queue was empty and, at each reply, for what is left of the next one's.
  if (config_.request_timeout > Duration{} && in_flight_.size() == 1) {
    out.push_back(out::SetTimer{kRequestTimeout, config_.request_timeout});
  }
  arm_next_op(out);
}

// The next operation becomes due its `delay` after a slot for it is free (with one slot: after
// the previous operation completed), while the session is connected.
void ZkClient::arm_next_op(std::vector<Output>& out) {
  if (op_timer_armed_ || state_ != State::kConnected || !has_next_op() || in_flight_.size() >= config_.max_in_flight) {
    return;
  }
  op_timer_armed_ = true;
  // A retry goes out as soon as it can; a scripted operation after its delay.
  out.push_back(out::SetTimer{kNextOp, retries_.empty() ? config_.ops[next_op_].delay : Duration{}});
}

void ZkClient::step(const Clocks&, Input input, std::vector<Output>& out) {
  std::visit(
      [&](auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, in::Start>) {
          walk_.emplace(config_.servers.size(), config_.random_first_server, *context_.random);
          attempt_next_server(out);
        } else if constexpr (std::is_same_v<T, in::ConnectionUp>) {
          if (state_ != State::kConnecting) {
            out.push_back(out::Close{in.conn});
            return;
          }
          conn_ = in.conn;
          state_ = State::kHandshake;
          walk_->on_socket_connected();
          send(ConnectRequest{.last_zxid_seen = last_zxid_seen_, .timeout_ms = config_.session_timeout_ms,
                              .session = session_, .password = Bytes(session_.value == 0 ? 0 : 16, 0)},
               out);
          // ClientCnxn: until the ConnectResponse the connection is not CONNECTED, so the
          // connect timeout applies, counted afresh from the TCP connect's completion.
          out.push_back(out::SetTimer{kReadTimeout, connect_timeout()});
        } else if constexpr (std::is_same_v<T, in::ConnectFailed>) {
          lost(out);
        } else if constexpr (std::is_same_v<T, in::ConnectionDown>) {
          if (conn_ && in.conn == *conn_) {
            conn_.reset();
            lost(out);
          }
        } else if constexpr (std::is_same_v<T, in::Message>) {
          if (!conn_ || in.conn != *conn_) return;
          const auto message = decode_client_message(in.payload);
          ZAB_ASSERT(message.has_value(), "servers send well-formed client messages");
          on_message(*message, out);
        } else if constexpr (std::is_same_v<T, in::TimerFired>) {
          switch (in.id) {
            case kReconnect:
              if (state_ == State::kIdle) connect(out);
              break;
            case kNextOp:
              op_timer_armed_ = false;
              issue_next(out);
              break;
            case kPing:
              if (state_ == State::kConnected) {
                send(Request{.xid = kPingXid, .type = OpCode::kPing}, out);
                out.push_back(out::SetTimer{kPing, Duration::ms(negotiated_timeout_ms_ / 3)});
              }
              break;
            case kReadTimeout:
            case kRequestTimeout:
              // Nothing heard for the read timeout, or a request took too long: give up on the
              // connection (and with it on what is in flight).
              lost(out);
              break;
            default:
              break;
          }
        } else if constexpr (std::is_same_v<T, in::FsyncDone>) {
          ZAB_ASSERT(false, "a client writes no files");
        }
      },
      input);
}

void ZkClient::on_message(const ClientMessage& message, std::vector<Output>& out) {
  // Anything from the server proves it is alive (ClientCnxn's read timeout).
  if (state_ == State::kHandshake) {
    out.push_back(out::SetTimer{kReadTimeout, connect_timeout()});
  } else if (negotiated_timeout_ms_ > 0) {
    out.push_back(out::SetTimer{kReadTimeout, read_timeout()});
  }
  if (const auto* response = std::get_if<ConnectResponse>(&message)) {
    if (response->timeout_ms <= 0) {
      // The session expired: the client is done (a new session would be a new client).
      state_ = State::kExpired;
      lost(out);
      return;
    }
    session_ = response->session;
    negotiated_timeout_ms_ = response->timeout_ms;
    state_ = State::kConnected;
    walk_->on_session_established();
    out.push_back(out::SetTimer{kReadTimeout, read_timeout()});  // CONNECTED now: the read timeout
    out.push_back(out::SetTimer{kPing, Duration::ms(negotiated_timeout_ms_ / 3)});
    arm_next_op(out);
    return;
  }
  const auto* reply = std::get_if<Reply>(&message);
  ZAB_ASSERT(reply != nullptr, "a server sends a client only connect responses and replies");
  if (reply->zxid > last_zxid_seen_ && reply->zxid.raw() != UINT64_MAX) last_zxid_seen_ = reply->zxid;
  if (reply->xid == kPingXid) return;
  if (in_flight_.empty() || in_flight_.front().request.xid != reply->xid) {
    // ClientCnxn: "Xid out of order" is an IOException: the connection is dropped. Only
    // out-of-model faults (reordering inside a connection) can cause it.
    lost(out);
    return;
  }
  const InFlight f = in_flight_.front();
  in_flight_.pop_front();
  out.push_back(out::CancelTimer{kRequestTimeout});
  if (config_.request_timeout > Duration{} && !in_flight_.empty()) {
    const Duration waited = now() - in_flight_.front().sent;
    out.push_back(out::SetTimer{kRequestTimeout, waited < config_.request_timeout ? config_.request_timeout - waited : Duration{}});
  }
  history_->complete(f.history_id, now(), reply->err == Err::kOk ? Outcome::kOk : Outcome::kFailed, *reply);
  if (f.request.type == OpCode::kCloseSession) {
    state_ = State::kClosed;
    lost(out);
    return;
  }
  arm_next_op(out);
}

}  // namespace zab::sim
