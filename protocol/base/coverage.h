#pragma once
// Coverage marks (FoundationDB's CODE_PROBE): named rare paths of the protocol. A server emits
// a mark as a trace event each time it takes one, so a campaign can report which rare paths
// its random schedules reached and which they never did — a path never reached is a path
// never tested.

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/events/reasons.h"
#include "protocol/base/zab_trace.h"

namespace zab {

const char* coverage_mark_name(CoverageMark mark);
std::vector<CoverageMark> all_coverage_marks();

// The trace event that carries a mark.
inline out::Trace coverage(CoverageMark mark) { return trace_of(ev::Coverage{mark}); }

}  // namespace zab
