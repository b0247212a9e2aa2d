#pragma once
// The toy pinger's events (codes 1-7 of the trace's protocol family), defined once as types
// the way protocol/events/ defines a ZooKeeper server's (field.h): the pinger emits them with
// trace_of, the world's tests and the pre-ZAB demo read them with sim::event_as.

#include <cstdint>
#include <span>
#include <tuple>
#include <variant>

#include "protocol/base/io.h"
#include "protocol/events/field.h"

namespace zab::toy {

// At start: the whole records found in the log, and the torn bytes after them that were ignored.
struct Recovered {
  static constexpr std::uint16_t kCode = 1;
  static constexpr const char* kName = "toy_recovered";
  std::uint64_t records = 0;
  std::uint64_t torn_bytes = 0;
  static constexpr auto fields() {
    return std::tuple{ev::Field{"records", &Recovered::records}, ev::Field{"torn_bytes", &Recovered::torn_bytes}};
  }
};

struct PeerUp {
  static constexpr std::uint16_t kCode = 2;
  static constexpr const char* kName = "toy_peer_up";
  std::uint32_t peer = 0;
  std::uint64_t conn = 0;
  static constexpr auto fields() { return std::tuple{ev::Field{"peer", &PeerUp::peer}, ev::Field{"conn", &PeerUp::conn}}; }
};

struct PeerDown {
  static constexpr std::uint16_t kCode = 3;
  static constexpr const char* kName = "toy_peer_down";
  std::uint32_t peer = 0;
  std::uint64_t conn = 0;
  static constexpr auto fields() {
    return std::tuple{ev::Field{"peer", &PeerDown::peer}, ev::Field{"conn", &PeerDown::conn}};
  }
};

struct PingReceived {
  static constexpr std::uint16_t kCode = 4;
  static constexpr const char* kName = "toy_ping_received";
  std::uint32_t peer = 0;
  std::uint64_t ping = 0;
  static constexpr auto fields() {
    return std::tuple{ev::Field{"peer", &PingReceived::peer}, ev::Field{"ping", &PingReceived::ping}};
  }
};

// The ACK went out after the PING's record was fsynced.
struct AckSent {
  static constexpr std::uint16_t kCode = 5;
  static constexpr const char* kName = "toy_ack_sent";
  std::uint32_t peer = 0;
  std::uint64_t ping = 0;
  static constexpr auto fields() { return std::tuple{ev::Field{"peer", &AckSent::peer}, ev::Field{"ping", &AckSent::ping}}; }
};

struct AckReceived {
  static constexpr std::uint16_t kCode = 6;
  static constexpr const char* kName = "toy_ack_received";
  std::uint32_t peer = 0;
  std::uint64_t ping = 0;
  static constexpr auto fields() {
    return std::tuple{ev::Field{"peer", &AckReceived::peer}, ev::Field{"ping", &AckReceived::ping}};
  }
};

struct ConnectFailed {
  static constexpr std::uint16_t kCode = 7;
  static constexpr const char* kName = "toy_connect_failed";
  std::uint32_t peer = 0;
  static constexpr auto fields() { return std::tuple{ev::Field{"peer", &ConnectFailed::peer}}; }
};

using PingerEvent = std::variant<Recovered, PeerUp, PeerDown, PingReceived, AckSent, AckReceived, ConnectFailed>;

// The names of the pinger's events and their fields, for the world's trace (JSON, timelines).
std::span<const TraceKindInfo> pinger_trace_kinds();

}  // namespace zab::toy
