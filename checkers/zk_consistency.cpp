#include "checkers/zk_consistency.h"

#include "checkers/judge.h"

namespace zab::check {

CheckReport check_zk_consistency(const History& history, const CheckOptions& options) {
  return judge(history, Consistency::kZooKeeper, options);
}

}  // namespace zab::check
