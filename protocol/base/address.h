#pragma once
// The network address of a process (a server or a client). ZooKeeper servers are addressed by
// their sid; the scenario gives server sid N the address N, and clients addresses after them.
// Its own header so that the identifier types (ids.h) and the events need nothing else.

#include <cstdint>

namespace zab {

struct Address {
  std::uint32_t value = 0;
  constexpr auto operator<=>(const Address&) const = default;
};

}  // namespace zab
