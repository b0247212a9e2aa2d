#pragma once
// How the simulated clients (zk_client.h, probe.h) name their messages in traces and
// timelines: a client message's type is 300 + its tag byte, as the servers name it.

#include <cstdint>
#include <string>

#include "protocol/client_port/client_wire.h"

namespace zab::sim {

inline std::uint16_t client_message_trace_type(const Bytes& payload) {
  return payload.empty() ? 0 : static_cast<std::uint16_t>(300 + payload[0]);
}

inline std::string describe_client_payload(const Bytes& payload) {
  if (const auto m = decode_client_message(payload)) return describe_client_message(*m);
  return "unreadable client message";
}

}  // namespace zab::sim
