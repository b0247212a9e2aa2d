#pragma once
// Our own distributions over Rng (std::*_distribution differ between standard libraries, so a
// seed would mean different runs under libstdc++ and libc++). Each function documents exactly
// how many raw draws it consumes when that is fixed.

#include <cstdint>

#include "protocol/base/random_source.h"
#include "sim/rng.h"

namespace zab::sim {

// Uniform integer in [0, bound), bound > 0; Lemire's multiply-and-reject, no modulo bias.
std::uint64_t uniform_below(Rng& rng, std::uint64_t bound);
// Uniform integer in [lo, hi], lo <= hi.
std::int64_t uniform_int(Rng& rng, std::int64_t lo, std::int64_t hi);
// Uniform real in [0, 1), 53 random bits; one draw.
double uniform_unit(Rng& rng);
// Uniform real in [lo, hi).
double uniform_real(Rng& rng, double lo, double hi);
// true with probability p (p outside [0,1] is clamped); one draw, even for p = 0 or 1, so a
// probability knob set to zero does not shift the stream.
bool bernoulli(Rng& rng, double p);
// Exponential with the given mean (> 0).
double exponential(Rng& rng, double mean);
// Standard normal, Marsaglia's polar method (needs only log and sqrt, both exact here).
double standard_normal(Rng& rng);
// Lognormal whose median is `median` (> 0) and whose log has standard deviation `sigma`.
double lognormal(Rng& rng, double median, double sigma);
// Pareto with minimum `scale` (> 0) and tail index `alpha` (> 0): heavy-tailed latency spikes.
double pareto(Rng& rng, double scale, double alpha);

// Rounds a non-negative real number of nanoseconds to an integer, saturating at `cap_ns`.
std::int64_t round_ns(double ns, std::int64_t cap_ns);

// The protocol's (and the clients') door to randomness, drawing from one stream.
class RngSource final : public RandomSource {
 public:
  explicit RngSource(Rng rng) : rng_(rng) {}
  std::uint64_t uniform_below(std::uint64_t bound) override { return sim::uniform_below(rng_, bound); }

 private:
  Rng rng_;
};

}  // namespace zab::sim
