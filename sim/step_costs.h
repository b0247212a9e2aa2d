#pragma once
// Time a ZooKeeper server spends inside its own process, where a real JVM spends enough of it
// to shape recovery (measured on a real ZooKeeper 3.8 ensemble; tools/calibration/ has the
// method, the scripts and the data). Each cost is drawn from the samples measured on the real
// servers (an empirical distribution: one sample, uniformly at random, per occurrence):
//
//  * role exit — leaving FOLLOWING or LEADING until the server is LOOKING and its first
//    notifications leave: Follower/Leader.shutdown stops the request processors and joins their
//    threads ("Exception when following the leader" .. "PeerState set to LOOKING" in the log);
//  * leader start — deciding LEADING until the quorum port listens: makeLeader builds the
//    LeaderZooKeeperServer and the Leader, which binds ("LEADING" .. "LEADING - LEADER
//    ELECTION TOOK");
//  * follower start — deciding FOLLOWING until the connection to the leader is attempted:
//    makeFollower, followLeader, findLeader, a LeaderConnector thread ("FOLLOWING" .. the
//    first connection attempt's log line).
//
// The model reads only what a step emitted (its peer-state trace events); the protocol knows
// nothing of it. Without samples a cost is zero: the step takes no time.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/world.h"

namespace zab::sim {

struct StepCosts {
  std::vector<std::int64_t> role_exit_us;
  std::vector<std::int64_t> leader_start_us;
  std::vector<std::int64_t> follower_start_us;
  bool empty() const { return role_exit_us.empty() && leader_start_us.empty() && follower_start_us.empty(); }
};

// The codes a server's costly step records in the trace (ev::Busy's cause).
enum class StepCostCause : std::uint64_t { kRoleExit = 1, kLeaderStart = 2, kFollowerStart = 3 };
const char* step_cost_cause_name(std::uint64_t cause);

// One model per server incarnation; null when `costs` has no samples.
StepCostFactory server_step_costs(const StepCosts& costs);

}  // namespace zab::sim
