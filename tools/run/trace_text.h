#pragma once
// Small helpers shared by the readable outputs built from a run's trace (tools/run/timeline.cpp's
// timeline, tools/run/recovery.cpp's phases).

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "sim/trace.h"

namespace zab::tools {

// Simulated time as milliseconds with one decimal: "5000.0".
inline std::string format_ms(sim::SimTime t) { return fmt::format("{:.1f}", static_cast<double>(t.us()) / 1000.0); }

}  // namespace zab::tools
