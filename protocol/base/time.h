#pragma once
// Time as the protocol sees it. A server reads only its own process's clocks, which the host
// (the simulator, or a real runtime) supplies with every input; protocol code never reads a
// clock itself. Nanoseconds in signed 64 bits: about 292 years either way, no floating point.

#include <compare>
#include <cstdint>

#include "protocol/base/assert.h"

namespace zab {

// A span of time, in nanoseconds. Constructed only through the unit helpers, so that a tick
// count or a millisecond figure cannot be passed where nanoseconds are meant.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration ns(std::int64_t n) { return Duration(n); }
  static constexpr Duration us(std::int64_t n) { return Duration(checked_mul(n, 1'000)); }
  static constexpr Duration ms(std::int64_t n) { return Duration(checked_mul(n, 1'000'000)); }
  static constexpr Duration s(std::int64_t n) { return Duration(checked_mul(n, 1'000'000'000)); }

  constexpr std::int64_t count_ns() const { return ns_; }
  constexpr std::int64_t count_us() const { return ns_ / 1'000; }
  constexpr std::int64_t count_ms() const { return ns_ / 1'000'000; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(checked_add(ns_, o.ns_)); }
  constexpr Duration operator-(Duration o) const { return Duration(checked_sub(ns_, o.ns_)); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(checked_mul(ns_, k)); }
  constexpr Duration operator/(std::int64_t k) const {
    ZAB_ASSERT(k != 0, "a duration is divided by a non-zero count");
    return Duration(ns_ / k);
  }
  constexpr Duration& operator+=(Duration o) {
    ns_ = checked_add(ns_, o.ns_);
    return *this;
  }

  // Nanosecond arithmetic that must not overflow: 64 bits hold ~292 years either way, far
  // beyond any run, so an overflow is a unit mix-up or a runaway value, never a long run.
  static constexpr std::int64_t checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    const bool overflow = __builtin_add_overflow(a, b, &r);
    ZAB_ASSERT(!overflow, "a sum of nanoseconds fits 64 bits");
    return r;
  }
  static constexpr std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    const bool overflow = __builtin_sub_overflow(a, b, &r);
    ZAB_ASSERT(!overflow, "a difference of nanoseconds fits 64 bits");
    return r;
  }
  static constexpr std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    const bool overflow = __builtin_mul_overflow(a, b, &r);
    ZAB_ASSERT(!overflow, "a product of nanoseconds fits 64 bits");
    return r;
  }

 private:
  constexpr explicit Duration(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

// A reading of one process's clock. Readings of different processes are not comparable:
// each process's clock has its own rate and offset (the simulator injects drift and steps).
class LocalTime {
 public:
  constexpr LocalTime() = default;
  static constexpr LocalTime from_ns(std::int64_t n) { return LocalTime(n); }
  constexpr std::int64_t ns() const { return ns_; }
  constexpr std::int64_t ms() const { return ns_ / 1'000'000; }

  constexpr auto operator<=>(const LocalTime&) const = default;
  constexpr LocalTime operator+(Duration d) const { return LocalTime(Duration::checked_add(ns_, d.count_ns())); }
  constexpr Duration operator-(LocalTime o) const { return Duration::ns(Duration::checked_sub(ns_, o.ns_)); }

 private:
  constexpr explicit LocalTime(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

// What a process sees of time at one step: the monotonic clock that ZooKeeper's timeouts use
// (Time.currentElapsedTime) and the wall clock it stamps into znodes (Time.currentWallTime).
// Clock drift changes the rate of both; a clock step moves only the wall clock.
struct Clocks {
  LocalTime monotonic;
  LocalTime wall;
};

}  // namespace zab
