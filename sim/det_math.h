#pragma once
// log and exp built only from IEEE-754 +, -, *, / (each correctly rounded, so identical on
// every conforming machine) and the exact frexp/ldexp. The C library's log/exp may differ in
// the last bit between libm versions, and one bit is enough to move a sampled latency by a
// nanosecond and change a trace hash: campaigns shard across machines, so we cannot rely on it.
// Accuracy: within a few ulps, far finer than the nanosecond rounding that follows.

namespace zab::sim {

// Natural logarithm; x must be positive and finite.
double det_log(double x);
// e^x; x must be finite; underflows to 0 below about -745, asserts above 709.
double det_exp(double x);

}  // namespace zab::sim
