#pragma once
// The in-memory adapter: a simulated world's trace as the checkers' ZabRun, without JSON, for
// fuzzing (the checkers run after every one of thousands of runs). It lives in its own
// library, zab_checkers_world, so that zab_checkers itself depends on neither the simulator
// nor the protocol: it maps the simulator's TraceEvents and the protocol's trace codes
// (protocol/base/zab_trace.h) onto checkers/zab_events.h.

#include "checkers/zab_events.h"
#include "sim/trace.h"

namespace zab::check {

ZabRun from_sim_trace(const sim::Trace& trace);

}  // namespace zab::check
