#include "sim/client/probe.h"

#include <string>

#include "protocol/base/assert.h"
#include "protocol/base/config.h"
#include "sim/client/client_messages.h"
#include "sim/world.h"

namespace zab::sim {

SurvivorProbe::SurvivorProbe(const NodeContext& context, ProbeConfig config, History* history, const World* world)
    : context_(context), config_(std::move(config)), history_(history), world_(world) {
  ZAB_ASSERT(!config_.survivors.empty(), "a probe has at least one surviving server to try");
  ZAB_ASSERT(history_ != nullptr && world_ != nullptr, "a probe records into a history");
}

std::uint16_t SurvivorProbe::message_type(const Bytes& payload) const { return client_message_trace_type(payload); }

std::string SurvivorProbe::describe_message(const Bytes& payload) const { return describe_client_payload(payload); }

void SurvivorProbe::begin_try(std::vector<Output>& out) {
  try_started_ = world_->now();
  candidate_ = 0;
  try_candidate(out);
}

void SurvivorProbe::try_candidate(std::vector<Output>& out) {
  if (candidate_ >= config_.survivors.size()) {
    end_try(out);
    return;
  }
  state_ = State::kConnecting;
  out.push_back(out::Connect{config_.survivors[candidate_], kClientPort, 1, config_.connect_timeout});
}

void SurvivorProbe::next_candidate(std::vector<Output>& out) {
  drop_connection(out);
  ++candidate_;
  try_candidate(out);
}

void SurvivorProbe::end_try(std::vector<Output>& out) {
  drop_connection(out);
  state_ = State::kBetweenTries;
  const SimTime due = try_started_ + config_.period;
  const SimTime now = world_->now();
  out.push_back(out::SetTimer{kNextTry, due > now ? due - now : Duration{}});
}

// The create's outcome is unknown (its connection broke, or no answer came in time): the try ends.
void SurvivorProbe::give_up_write(std::vector<Output>& out) {
  history_->complete(history_id_, world_->now(), Outcome::kIndeterminate,
                     Reply{.xid = 1, .err = Err::kConnectionLoss, .type = OpCode::kCreate});
  end_try(out);
}

void SurvivorProbe::drop_connection(std::vector<Output>& out) {
  if (conn_) out.push_back(out::Close{*conn_});
  conn_.reset();
  out.push_back(out::CancelTimer{kWait});
}

void SurvivorProbe::step(const Clocks&, Input input, std::vector<Output>& out) {
  std::visit(
      [&](auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, in::Start>) {
          begin_try(out);
        } else if constexpr (std::is_same_v<T, in::ConnectionUp>) {
          if (state_ != State::kConnecting) {
            out.push_back(out::Close{in.conn});
            return;
          }
          conn_ = in.conn;
          state_ = State::kHandshake;
          out.push_back(out::Send{*conn_, encode_client_message(ConnectRequest{
                                              .timeout_ms = config_.session_timeout_ms})});
          out.push_back(out::SetTimer{kWait, config_.connect_timeout});
        } else if constexpr (std::is_same_v<T, in::ConnectFailed>) {
          if (state_ == State::kConnecting) next_candidate(out);
        } else if constexpr (std::is_same_v<T, in::ConnectionDown>) {
          if (!conn_ || in.conn != *conn_) return;
          conn_.reset();
          if (state_ == State::kHandshake) {
            next_candidate(out);  // not serving: the next survivor, in the same try
          } else if (state_ == State::kWriting) {
            give_up_write(out);
          }
        } else if constexpr (std::is_same_v<T, in::Message>) {
          if (!conn_ || in.conn != *conn_) return;
          const auto message = decode_client_message(in.payload);
          ZAB_ASSERT(message.has_value(), "servers send well-formed client messages");
          on_message(*message, out);
        } else if constexpr (std::is_same_v<T, in::TimerFired>) {
          if (in.id == kNextTry && state_ == State::kBetweenTries) begin_try(out);
          if (in.id == kWait && state_ == State::kHandshake) next_candidate(out);
          if (in.id == kWait && state_ == State::kWriting) {
            give_up_write(out);
          }
        } else if constexpr (std::is_same_v<T, in::FsyncDone>) {
          ZAB_ASSERT(false, "a probe writes no files");
        }
      },
      input);
}

void SurvivorProbe::on_message(const ClientMessage& message, std::vector<Output>& out) {
  if (const auto* response = std::get_if<ConnectResponse>(&message)) {
    if (state_ != State::kHandshake) return;
    if (response->timeout_ms <= 0) {
      next_candidate(out);
      return;
    }
    const std::string data = "probe " + std::to_string(++writes_);
    const Request create{.xid = 1, .type = OpCode::kCreate, .path = "/zabsim-probe-",
                         .data = Bytes(data.begin(), data.end()), .flags = kCreateSequential};
    history_id_ = history_->invoke(context_.self.value, response->session, config_.survivors[candidate_].value,
                                   world_->now(), create);
    state_ = State::kWriting;
    out.push_back(out::Send{*conn_, encode_client_message(create)});
    out.push_back(out::SetTimer{kWait, config_.request_timeout});
    return;
  }
  const auto* reply = std::get_if<Reply>(&message);
  ZAB_ASSERT(reply != nullptr, "a server sends a probe only connect responses and replies");
  if (state_ != State::kWriting || reply->xid != 1) return;
  const bool ok = reply->err == Err::kOk;
  history_->complete(history_id_, world_->now(), ok ? Outcome::kOk : Outcome::kFailed, *reply);
  if (!ok) {
    end_try(out);
    return;
  }
  // Done: close the session (best effort, as the real probe does) and the connection.
  out.push_back(out::Send{*conn_, encode_client_message(Request{.xid = 2, .type = OpCode::kCloseSession})});
  drop_connection(out);
  state_ = State::kDone;
}

}  // namespace zab::sim
