#include "protocol/invariants.h"

#include <atomic>

namespace zab {

namespace {
std::atomic<bool> whole_state{true};
}  // namespace

bool whole_state_invariants() { return whole_state.load(std::memory_order_relaxed); }
void set_whole_state_invariants(bool on) { whole_state.store(on, std::memory_order_relaxed); }

}  // namespace zab
