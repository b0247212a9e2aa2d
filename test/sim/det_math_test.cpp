#include "sim/det_math.h"

#include <doctest/doctest.h>

#include <cmath>

using zab::sim::det_exp;
using zab::sim::det_log;

TEST_CASE("det_log agrees with the C library within a few ulps over many magnitudes") {
  for (double x = 1e-300; x < 1e300; x *= 1.7) {
    const double expected = std::log(x);
    CHECK(std::fabs(det_log(x) - expected) <= 4e-16 * std::fmax(1.0, std::fabs(expected)));
  }
  CHECK(det_log(1.0) == 0.0);
}

TEST_CASE("det_exp agrees with the C library within a few ulps") {
  // 1e-15 relative is under five ulps: far finer than the nanosecond rounding that follows.
  for (double x = -700; x < 700; x += 0.913) {
    const double expected = std::exp(x);
    CHECK(std::fabs(det_exp(x) - expected) <= 1e-15 * expected);
  }
  CHECK(det_exp(0.0) == 1.0);
  CHECK(det_exp(-1000.0) == 0.0);
}

TEST_CASE("det_exp and det_log are inverse") {
  for (double x = 0.001; x < 1000; x *= 1.37) {
    CHECK(det_exp(det_log(x)) == doctest::Approx(x).epsilon(1e-14));
  }
}
