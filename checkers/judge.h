#pragma once
// The shared driver of the history checkers: prepares a history for a model and a consistency
// condition, splits it into independent parts where the condition allows (linearizability is
// local — Herlihy & Wing's P-compositionality — so each key is checked alone, as Porcupine and
// Knossos do; sequential consistency is not local, so ZooKeeper consistency searches the whole
// history at once), searches each part, and turns a failure into a small witness.

#include "checkers/check_report.h"
#include "checkers/history.h"
#include "checkers/prepare.h"

namespace zab::check {

CheckReport judge(const History& history, Consistency consistency, const CheckOptions& options);

// Shrinks a violating history by relaxations that can only make it easier to accept —
// dropping an operation that changes nothing (a read, a sync, a failed operation), making an
// update indeterminate, dropping indeterminate updates of keys no determinate operation
// touches — keeping each only if the result still violates. So the result's violation implies
// the input's. Exposed for tests.
History minimize_violation(const History& history, Consistency consistency, const CheckOptions& options);

}  // namespace zab::check
