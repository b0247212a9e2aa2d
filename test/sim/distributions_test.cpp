#include "sim/distributions.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace zab::sim;

TEST_CASE("uniform_below stays in range and hits every value roughly equally") {
  Rng rng(1);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100'000; ++i) {
    const auto v = uniform_below(rng, 10);
    REQUIRE(v < 10);
    ++counts[v];
  }
  for (int c : counts) CHECK(c == doctest::Approx(10'000).epsilon(0.05));
}

TEST_CASE("uniform_int covers both ends, including the full 64-bit range") {
  Rng rng(2);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 10'000; ++i) {
    const auto v = uniform_int(rng, -3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    saw_lo |= v == -3;
    saw_hi |= v == 3;
  }
  CHECK(saw_lo);
  CHECK(saw_hi);
  (void)uniform_int(rng, INT64_MIN, INT64_MAX);
}

TEST_CASE("uniform_unit lies in 0 (inclusive) to 1 (exclusive) with mean one half") {
  Rng rng(3);
  double sum = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double u = uniform_unit(rng);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  CHECK(sum / 100'000 == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("bernoulli frequency matches p, and p = 0 / p = 1 are exact") {
  Rng rng(4);
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) hits += bernoulli(rng, 0.3) ? 1 : 0;
  CHECK(hits == doctest::Approx(30'000).epsilon(0.03));
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(bernoulli(rng, 0.0));
    CHECK(bernoulli(rng, 1.0));
  }
}

TEST_CASE("exponential has the requested mean") {
  Rng rng(5);
  double sum = 0;
  for (int i = 0; i < 200'000; ++i) sum += exponential(rng, 7.0);
  CHECK(sum / 200'000 == doctest::Approx(7.0).epsilon(0.02));
}

TEST_CASE("standard_normal has mean 0 and variance 1") {
  Rng rng(6);
  double sum = 0, sum2 = 0;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    const double x = standard_normal(rng);
    sum += x;
    sum2 += x * x;
  }
  CHECK(std::fabs(sum / n) < 0.01);
  CHECK(sum2 / n == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("lognormal's median is the median asked for") {
  Rng rng(7);
  std::vector<double> v;
  for (int i = 0; i < 50'001; ++i) v.push_back(lognormal(rng, 150.0, 0.5));
  std::nth_element(v.begin(), v.begin() + 25'000, v.end());
  CHECK(v[25'000] == doctest::Approx(150.0).epsilon(0.02));
}

TEST_CASE("pareto never goes below its scale and has a heavy tail") {
  Rng rng(8);
  int above_10x = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double x = pareto(rng, 2.0, 1.5);
    REQUIRE(x >= 2.0);
    above_10x += x > 20.0 ? 1 : 0;
  }
  // P(X > 10 scale) = 10^-1.5 = 3.16 %
  CHECK(above_10x == doctest::Approx(3162).epsilon(0.1));
}

TEST_CASE("round_ns rounds to nearest and saturates") {
  CHECK(round_ns(0.4, 100) == 0);
  CHECK(round_ns(0.6, 100) == 1);
  CHECK(round_ns(1e30, 100) == 100);
}
