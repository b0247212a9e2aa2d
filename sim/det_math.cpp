#include "sim/det_math.h"

#include <cmath>

#include "protocol/base/assert.h"

namespace zab::sim {

namespace {
// ln 2 split into a high part with trailing zero bits (so k * kLn2Hi is exact for |k| < 2^11)
// and the remainder: the classic Cody-Waite reduction.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLn2 = 0.6931471805599453094;
constexpr double kSqrtHalf = 0.70710678118654752440;
}  // namespace

double det_log(double x) {
  ZAB_ASSERT(x > 0.0 && std::isfinite(x), "det_log needs a positive finite argument");
  int exponent = 0;
  double m = std::frexp(x, &exponent);  // x = m * 2^exponent, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2.0;
    exponent -= 1;
  }
  // m in [sqrt(1/2), sqrt(2)): log(m) = 2 atanh(s) with s = (m-1)/(m+1), |s| < 0.1716.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  // 2 * sum_{k=0..} s^(2k+1)/(2k+1); s^23 < 1e-17 relative, so 12 terms suffice.
  for (int k = 0; k < 12; ++k) {
    sum += term / static_cast<double>(2 * k + 1);
    term *= s2;
  }
  const double e = static_cast<double>(exponent);
  return 2.0 * sum + e * kLn2Hi + e * kLn2Lo;
}

double det_exp(double x) {
  ZAB_ASSERT(std::isfinite(x), "det_exp needs a finite argument");
  ZAB_ASSERT(x < 709.0, "det_exp argument too large: the result would overflow a double");
  if (x < -745.0) return 0.0;
  // x = k ln2 + r with |r| <= ln2/2; e^x = 2^k e^r.
  const double kd = std::nearbyint(x / kLn2);  // round-half-even in the default FP mode
  const int k = static_cast<int>(kd);
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  // Taylor series of e^r for |r| <= 0.347, r^18/18! < 1e-21, evaluated by Horner's rule
  // from the smallest term up: 1 + r(1 + r/2(1 + r/3(...))).
  double sum = 1.0;
  for (int n = 18; n >= 1; --n) sum = 1.0 + sum * r / static_cast<double>(n);
  return std::ldexp(sum, k);
}

}  // namespace zab::sim
