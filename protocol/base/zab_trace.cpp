#include "protocol/base/zab_trace.h"

#include <vector>

namespace zab {

std::optional<ev::ServerEvent> server_event(std::uint16_t code, const ev::Words& words) {
  return ev::decode<ev::ServerEvent>(code, words);
}

std::span<const TraceKindInfo> server_trace_kinds() {
  static const std::vector<TraceKindInfo> kinds = trace_kinds_of<ev::ServerEvent>();
  return kinds;
}

}  // namespace zab
