#include "protocol/election/election.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/base/timers.h"

namespace zab {

Election::Election(const ServerConfig& config, const ElectionPeer& peer)
    : manager_(config), fle_(config, peer, manager_) {}

bool Election::step(const Clocks& now, const Input& input, std::vector<Output>& out) {
  if (const auto* up = std::get_if<in::ConnectionUp>(&input)) {
    if (up->port != kElectionPort) return false;
    manager_.on_connection_up(*up, out);
    return true;
  }
  if (const auto* failed = std::get_if<in::ConnectFailed>(&input)) {
    if (!QuorumCnxManager::is_connect_tag(failed->tag)) return false;
    ZAB_ASSERT(timer_local(failed->tag) != 0, "an election dial's tag names the peer's (non-zero) sid");
    manager_.on_connect_failed(*failed, out);
    return true;
  }
  if (const auto* down = std::get_if<in::ConnectionDown>(&input)) {
    if (!manager_.owns(down->conn)) return false;
    manager_.on_connection_down(*down, out);
    return true;
  }
  if (const auto* message = std::get_if<in::Message>(&input)) {
    if (!manager_.owns(message->conn)) return false;
    deliver(now, manager_.on_message(*message, out), out);
    return true;
  }
  if (const auto* timer = std::get_if<in::TimerFired>(&input)) {
    switch (timer_space(timer->id)) {
      case TimerSpace::kElection:
        fle_.on_timer(now, timer->id, out);
        return true;
      case TimerSpace::kCnxManager:
        ZAB_ASSERT(timer->id == QuorumCnxManager::kRecvTimerId, "QuorumCnxManager's only timer is the receive timer");
        if (timer->id == QuorumCnxManager::kRecvTimerId) deliver(now, manager_.on_recv_timer(out), out);
        return true;
      default:
        return false;
    }
  }
  return false;
}

void Election::deliver(const Clocks& now, std::optional<ElectionMessage> message, std::vector<Output>& out) {
  ZAB_ASSERT(!message || message->sid.value != 0, "a delivered message comes from a named peer (or loops back from us)");
  if (message) fle_.on_message(now, *message, out);
}

bool Election::is_initial_message(const Bytes& payload) {
  // A notification starts with its state (0..3); an initial message with a negative long.
  return !payload.empty() && (payload[0] & 0x80) != 0;
}

std::uint16_t Election::message_type(const Bytes& payload) {
  return is_initial_message(payload) ? kInitialMessageType : kNotificationMessageType;
}

std::string Election::describe_message(const Bytes& payload) {
  if (!is_initial_message(payload)) return describe_notification(payload);
  const auto initial = decode_initial_message(payload);
  if (!initial) return fmt::format("INITIAL (malformed, {} bytes)", payload.size());
  return fmt::format("INITIAL sid={} address={}", initial->sid.value, initial->election_address);
}

void Election::check_invariants(bool looking) const {
  manager_.check_invariants();
  fle_.check_invariants(looking);
}

}  // namespace zab
