#include "checkers/linearizability.h"

#include "checkers/judge.h"

namespace zab::check {

CheckReport check_linearizable(const History& history, const CheckOptions& options) {
  return judge(history, Consistency::kLinearizable, options);
}

}  // namespace zab::check
