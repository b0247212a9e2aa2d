#pragma once
// Global virtual time of the simulated world, in nanoseconds since the world began.
// Only sim/ sees it: processes see their own drifting clocks (protocol/base/time.h).

#include <compare>
#include <cstdint>

#include "protocol/base/time.h"

namespace zab::sim {

class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime from_ns(std::int64_t n) { return SimTime(n); }
  static constexpr SimTime from_ms(std::int64_t n) { return SimTime(n * 1'000'000); }
  static constexpr SimTime zero() { return SimTime(0); }
  static constexpr SimTime max() { return SimTime(INT64_MAX); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr std::int64_t us() const { return ns_ / 1'000; }
  constexpr std::int64_t ms() const { return ns_ / 1'000'000; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(Duration d) const { return SimTime(ns_ + d.count_ns()); }
  constexpr Duration operator-(SimTime o) const { return Duration::ns(ns_ - o.ns_); }

 private:
  constexpr explicit SimTime(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

}  // namespace zab::sim
