#include "sim/rng.h"

#include "protocol/base/assert.h"
#include "sim/hash.h"

namespace zab::sim {

namespace {
std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return mix64(state);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) : key_(seed) {
  std::uint64_t sm = seed;
  for (auto& word : s_) word = splitmix64_next(sm);
  ZAB_ASSERT((s_[0] | s_[1] | s_[2] | s_[3]) != 0,
             "xoshiro256** state must not be all zero, or the stream is stuck at zero");
}

Rng Rng::fork(std::string_view name) const {
  return Rng(hash_combine(hash_combine(key_, 0x666f726b), hash_string(name)));
}

Rng Rng::fork(std::uint64_t index) const {
  return Rng(hash_combine(hash_combine(key_, 0x696e6478), index));
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

}  // namespace zab::sim
