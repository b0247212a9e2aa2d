#include "sim/distributions.h"

#include <cmath>

#include "protocol/base/assert.h"
#include "sim/det_math.h"

namespace zab::sim {

std::uint64_t uniform_below(Rng& rng, std::uint64_t bound) {
  ZAB_ASSERT(bound > 0, "uniform_below needs a positive bound");
  unsigned __int128 product = static_cast<unsigned __int128>(rng.next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(rng.next_u64()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::int64_t uniform_int(Rng& rng, std::int64_t lo, std::int64_t hi) {
  ZAB_ASSERT(lo <= hi, "uniform_int needs lo <= hi");
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(rng.next_u64());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform_below(rng, span + 1));
}

double uniform_unit(Rng& rng) {
  return static_cast<double>(rng.next_u64() >> 11) * 0x1.0p-53;
}

double uniform_real(Rng& rng, double lo, double hi) {
  ZAB_ASSERT(lo <= hi, "uniform_real needs lo <= hi");
  return lo + (hi - lo) * uniform_unit(rng);
}

bool bernoulli(Rng& rng, double p) { return uniform_unit(rng) < p; }

double exponential(Rng& rng, double mean) {
  ZAB_ASSERT(mean > 0.0, "exponential needs a positive mean");
  // 1 - u is in (0, 1], so the logarithm is finite.
  return -mean * det_log(1.0 - uniform_unit(rng));
}

double standard_normal(Rng& rng) {
  // Rejection from the unit square; accepts with probability pi/4, so the loop is short.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const double u = 2.0 * uniform_unit(rng) - 1.0;
    const double v = 2.0 * uniform_unit(rng) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * det_log(s) / s);
  }
  ZAB_ASSERT(false, "polar method rejected 1000 times in a row: the generator is broken");
  return 0.0;
}

double lognormal(Rng& rng, double median, double sigma) {
  ZAB_ASSERT(median > 0.0 && sigma >= 0.0, "lognormal needs median > 0 and sigma >= 0");
  return median * det_exp(sigma * standard_normal(rng));
}

double pareto(Rng& rng, double scale, double alpha) {
  ZAB_ASSERT(scale > 0.0 && alpha > 0.0, "pareto needs scale > 0 and alpha > 0");
  const double u = 1.0 - uniform_unit(rng);  // (0, 1]
  return scale * det_exp(-det_log(u) / alpha);
}

std::int64_t round_ns(double ns, std::int64_t cap_ns) {
  ZAB_ASSERT(ns >= 0.0 && !std::isnan(ns), "a sampled duration must be non-negative");
  if (ns >= static_cast<double>(cap_ns)) return cap_ns;
  return static_cast<std::int64_t>(ns + 0.5);
}

}  // namespace zab::sim
