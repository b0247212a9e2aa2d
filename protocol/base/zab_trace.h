#pragma once
// How a server's events (protocol/events/) reach its host: as out::Trace, built only from an
// event type by trace_of and read back only as one by server_event, so that no field of the
// transport's four words is written or read by position anywhere else.

#include <optional>
#include <span>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/base/io.h"
#include "protocol/events/events.h"

namespace zab {

template <class E>
out::Trace trace_of(const E& event) {
  const ev::Words w = ev::to_words(event);
  return out::Trace{E::kCode, w[0], w[1], w[2], w[3]};
}

// The names and field names of every event type of the variant V, in order: what a node type
// hands its host's trace (TraceKindInfo). Each code must be V's own: one definition per event.
template <class V>
std::vector<TraceKindInfo> trace_kinds_of() {
  std::vector<TraceKindInfo> k;
  ev::for_each_type<V>([&](auto e) {
    using E = decltype(e);
    const auto names = ev::field_names<E>();
    k.push_back(TraceKindInfo{E::kCode, E::kName, {names[0], names[1], names[2], names[3]}});
  });
  for (std::size_t i = 0; i < k.size(); ++i) {
    for (std::size_t j = i + 1; j < k.size(); ++j) {
      ZAB_ASSERT(k[i].kind != k[j].kind, "every event of a node type has a code of its own");
    }
  }
  return k;
}

// The event a server's out::Trace carries; nullopt if its code is not a server event.
std::optional<ev::ServerEvent> server_event(std::uint16_t code, const ev::Words& words);

// The names of the server's events and their fields, for the host's trace (timelines, JSON).
std::span<const TraceKindInfo> server_trace_kinds();

}  // namespace zab
