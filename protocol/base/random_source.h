#pragma once
// The one door through which randomness reaches protocol code. ZooKeeper draws random numbers
// in a few places (the snapshot trigger in SyncRequestProcessor, for instance); here the host
// injects a source, so a seed decides every draw and protocol/ never touches <random>.

#include <cstdint>

namespace zab {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // A uniformly distributed integer in [0, bound); bound must be positive.
  virtual std::uint64_t uniform_below(std::uint64_t bound) = 0;
};

}  // namespace zab
