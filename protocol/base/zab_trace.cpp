#include "protocol/base/zab_trace.h"

#include <vector>

#include "protocol/base/assert.h"

namespace zab {

std::optional<ev::ServerEvent> server_event(std::uint16_t code, const ev::Words& words) {
  return ev::decode<ev::ServerEvent>(code, words);
}

std::span<const TraceKindInfo> server_trace_kinds() {
  static const std::vector<TraceKindInfo> kinds = [] {
    std::vector<TraceKindInfo> k;
    ev::for_each_type<ev::ServerEvent>([&](auto e) {
      using E = decltype(e);
      const auto names = ev::field_names<E>();
      k.push_back(TraceKindInfo{E::kCode, E::kName, {names[0], names[1], names[2], names[3]}});
    });
    // One definition per event: a code defined twice would make the trace ambiguous.
    for (std::size_t i = 0; i < k.size(); ++i) {
      for (std::size_t j = i + 1; j < k.size(); ++j) {
        ZAB_ASSERT(k[i].kind != k[j].kind, "every event a server reports has a code of its own");
      }
    }
    return k;
  }();
  return kinds;
}

}  // namespace zab
