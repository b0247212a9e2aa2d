#pragma once
// Strict linearizability (Herlihy & Wing, 1990) of a history against a sequential model: one
// total order of all operations — reads included — that respects real time (an operation that
// completed before another was invoked comes first) and that the model accepts.
//
// The search is Wing & Gong's, with Lowe's just-in-time list of pending operations and the
// memoization of (linearized set, model state) that Knossos and Porcupine use
// (checkers/order_search.h). Linearizability is local, so the history is split by key (znode
// path, kv key) and each part is searched alone. Indeterminate operations never complete:
// they may take effect at any point after their invocation or not at all, as Porcupine treats
// operations whose outcome is unknown. A failed operation took no effect; one that failed
// because of the state it found (NONODE, NODEEXISTS, BADVERSION, a cas "mismatch") still
// observed that state and is checked as a read of it.

#include "checkers/check_report.h"
#include "checkers/history.h"

namespace zab::check {

CheckReport check_linearizable(const History& history, const CheckOptions& options);

}  // namespace zab::check
