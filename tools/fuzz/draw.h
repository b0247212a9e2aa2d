#pragma once
// One stream of draws with the few shapes schedule generation needs (the generator's and the
// steering's), over the project's own PRNG and distributions.

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "sim/distributions.h"
#include "sim/rng.h"

namespace zab::fuzz {

class Draw {
 public:
  explicit Draw(sim::Rng rng) : rng_(rng) {}
  std::int64_t range(std::int64_t lo, std::int64_t hi) { return sim::uniform_int(rng_, lo, hi); }  // inclusive
  bool chance(double p) { return sim::bernoulli(rng_, p); }
  std::uint64_t below(std::uint64_t n) { return sim::uniform_below(rng_, n); }
  template <typename T>
  const T& pick(const std::vector<T>& options) {
    return options[sim::uniform_below(rng_, options.size())];
  }
  // An index drawn by relative weights.
  std::size_t weighted(std::initializer_list<std::uint32_t> weights) {
    std::uint64_t total = 0;
    for (auto w : weights) total += w;
    std::uint64_t x = sim::uniform_below(rng_, total);
    std::size_t i = 0;
    for (auto w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return weights.size() - 1;
  }

 private:
  sim::Rng rng_;
};

}  // namespace zab::fuzz
