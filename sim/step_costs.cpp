#include "sim/step_costs.h"

#include <memory>

#include "protocol/base/assert.h"
#include "protocol/events/zab_events.h"
#include "sim/distributions.h"

namespace zab::sim {

namespace {

class ServerStepCosts final : public StepCostModel {
 public:
  explicit ServerStepCosts(const StepCosts& costs) : costs_(costs) {}

  Cost cost(const std::vector<Output>& outputs, Rng& rng) override {
    Cost total;
    for (const Output& output : outputs) {
      const auto* trace = std::get_if<out::Trace>(&output);
      if (trace == nullptr || trace->kind != ev::PeerState::kCode) continue;
      const TraceEvent e{.kind = TraceKind::kProtocol, .sub = trace->kind, .a = trace->a, .b = trace->b,
                         .c = trace->c, .d = trace->d};
      const auto state = event_as<ev::PeerState>(e);
      ZAB_ASSERT(state.has_value(), "a peer-state trace output decodes as one");
      if (state->state == ServerState::kLooking && (role_ == ServerState::kFollowing || role_ == ServerState::kLeading)) {
        add(total, costs_.role_exit_us, StepCostCause::kRoleExit, rng);
      } else if (state->state == ServerState::kLeading) {
        add(total, costs_.leader_start_us, StepCostCause::kLeaderStart, rng);
      } else if (state->state == ServerState::kFollowing) {
        add(total, costs_.follower_start_us, StepCostCause::kFollowerStart, rng);
      }
      role_ = state->state;
    }
    return total;
  }

 private:
  static void add(Cost& total, const std::vector<std::int64_t>& samples_us, StepCostCause cause, Rng& rng) {
    if (samples_us.empty()) return;
    const std::int64_t us = samples_us[static_cast<std::size_t>(uniform_below(rng, samples_us.size()))];
    ZAB_ASSERT(us >= 0, "a measured step cost is non-negative");
    total.time = total.time + Duration::us(us);
    total.cause = static_cast<std::uint64_t>(cause);  // the last cause names the step
  }

  const StepCosts costs_;
  ServerState role_ = ServerState::kLooking;  // every incarnation starts LOOKING
};

}  // namespace

const char* step_cost_cause_name(std::uint64_t cause) {
  switch (static_cast<StepCostCause>(cause)) {
    case StepCostCause::kRoleExit: return "role exit";
    case StepCostCause::kLeaderStart: return "leader start";
    case StepCostCause::kFollowerStart: return "follower start";
  }
  return "?";
}

StepCostFactory server_step_costs(const StepCosts& costs) {
  if (costs.empty()) return nullptr;
  return [costs] { return std::make_unique<ServerStepCosts>(costs); };
}

}  // namespace zab::sim
