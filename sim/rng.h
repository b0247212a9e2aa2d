#pragma once
// Our own pseudo-random generator: xoshiro256** seeded through splitmix64, pinned to this one
// algorithm so that a seed means the same run with any compiler or standard library.
//
// Streams: every subsystem draws from its own stream, forked by name from its parent's *key*,
// not from its state. Drawing more from one stream therefore never changes another's numbers,
// and adding a new subsystem (a new fault type, say) does not shift the network's draws.

#include <cstdint>
#include <string_view>

namespace zab::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // A child stream named `name`; depends only on this stream's key and the name.
  Rng fork(std::string_view name) const;
  Rng fork(std::uint64_t index) const;

  std::uint64_t next_u64();
  // The key this stream was made from (for records and tests).
  std::uint64_t key() const { return key_; }

 private:
  std::uint64_t key_;
  std::uint64_t s_[4];
};

}  // namespace zab::sim
