#pragma once
// Always-on assertions (TigerBeetle style): they stay in release builds, because an invariant
// that breaks in a long fuzz campaign must stop the run with its text, not corrupt it silently.
// Bad user input is never asserted on: it is reported as an error with a location (exit code 2).

#include <cstdio>
#include <cstdlib>

namespace zab::detail {
[[noreturn]] inline void assertion_failed(const char* invariant, const char* expression,
                                          const char* file, int line) {
  std::fprintf(stderr, "zabsim: invariant broken: %s\n  check: %s\n  at: %s:%d\n", invariant,
               expression, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace zab::detail

// ZAB_ASSERT(condition, "the invariant in words"): the words say what must hold and why it
// matters, so a failure in a campaign of thousands of runs is readable without a debugger.
#define ZAB_ASSERT(condition, invariant)                                                \
  do {                                                                                  \
    if (!(condition)) [[unlikely]] {                                                    \
      ::zab::detail::assertion_failed((invariant), #condition, __FILE__, __LINE__);     \
    }                                                                                   \
  } while (false)
