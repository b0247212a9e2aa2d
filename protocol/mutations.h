#pragma once
// Mutation switches: the one mechanism for re-introducing a historical ZooKeeper bug at the one
// place in our code where ZooKeeper had it, so a simulator campaign can show what the bug does
// and which checker catches it.
//
// Safety of the mechanism itself:
// - every switch is off in a default-constructed Mutations; there is no "all" and no global;
// - enabling one takes its exact catalog name *and* an acknowledgement token, so no config
//   value, default argument or typo turns a bug on;
// - `active_names()` lists what is on, and every report prints it (the run command prints
//   "MUTATIONS ON: ..." when the list is not empty).

#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zab {

enum class Mutation : std::uint8_t {
  // ZOOKEEPER-4646 / 4643 (and 3911): the learner acknowledges NEWLEADER before the txns it was
  // synced with are logged and fsynced, so a crash right after can lose a txn the new leader
  // counted as acknowledged.
  kAckNewLeaderBeforeLogging,
  // ZOOKEEPER-2845: at the end of a term the tree is kept as it is instead of fast-forwarded
  // over the log's tail, so the server advertises a zxid below its last logged one, is given
  // DIFF where TRUNC was needed, and its stale txns reappear under the new epoch's on restart.
  kSkipFastForwardOnShutdown,
  // Synthetic (no JIRA): the leader commits a proposal on its own ACK, without a quorum. The
  // plainest durability bug, for showing that the checkers see one.
  kCommitWithoutQuorum,
  // Synthetic (no JIRA): the leader never counts a follower's NEWLEADER ACK, so no epoch is
  // ever established: a liveness bug, for the liveness checker.
  kIgnoreNewLeaderAcks,
  kCount,
};

struct MutationInfo {
  Mutation mutation;
  const char* name;     // the catalog name used in scenarios and on the command line
  const char* jira;     // "ZOOKEEPER-4646"
  const char* summary;  // what the switch re-introduces, one sentence
};

// The catalog of switches, in enum order.
std::span<const MutationInfo> mutation_catalog();
std::optional<Mutation> mutation_by_name(std::string_view name);

class Mutations {
 public:
  // The acknowledgement that enabling a switch re-introduces a known bug on purpose.
  struct ReintroduceKnownBug {};

  Mutations() = default;
  void enable(Mutation m, ReintroduceKnownBug) { on_.set(static_cast<std::size_t>(m)); }
  bool on(Mutation m) const { return on_.test(static_cast<std::size_t>(m)); }
  bool any() const { return on_.any(); }
  std::vector<std::string> active_names() const;
  bool operator==(const Mutations&) const = default;

 private:
  std::bitset<static_cast<std::size_t>(Mutation::kCount)> on_;
};

}  // namespace zab
