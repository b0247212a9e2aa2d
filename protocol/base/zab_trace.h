#pragma once
// How a server's events (protocol/events/) reach its host: as out::Trace, built only from an
// event type by trace_of and read back only as one by server_event, so that no field of the
// transport's four words is written or read by position anywhere else.

#include <optional>
#include <span>

#include "protocol/events/events.h"
#include "protocol/base/io.h"

namespace zab {

template <class E>
out::Trace trace_of(const E& event) {
  const ev::Words w = ev::to_words(event);
  return out::Trace{E::kCode, w[0], w[1], w[2], w[3]};
}

// The event a server's out::Trace carries; nullopt if its code is not a server event.
std::optional<ev::ServerEvent> server_event(std::uint16_t code, const ev::Words& words);

// The names of the server's events and their fields, for the host's trace (timelines, JSON).
std::span<const TraceKindInfo> server_trace_kinds();

}  // namespace zab
