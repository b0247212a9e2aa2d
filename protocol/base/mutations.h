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

#include "protocol/base/assert.h"

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
  // ZOOKEEPER-4643: the learner persists currentEpoch at NEWLEADER before the txns it was synced
  // with are durable; a crash in between leaves a server that votes with the new epoch over an
  // old log, wins the next election and truncates committed txns from the others.
  kCurrentEpochBeforeLogging,
  // ZOOKEEPER-3911: the learner logs the txns it was DIFF-synced with only after UPTODATE, but
  // ACKs NEWLEADER before that, so a crash between the two loses txns the leader counted.
  kLogSyncedTxnsAtUpToDate,
  // ZOOKEEPER-1282: the learner persists currentEpoch at UPTODATE instead of before its
  // NEWLEADER ACK, so a server counted towards establishing an epoch can forget it and let an
  // older epoch's uncommitted txn be elected back.
  kCurrentEpochAtUpToDate,
  // ZOOKEEPER-335 / 1081: no epoch files: a restarted server knows epochs only from its last
  // logged zxid, so a new leader can reuse the epoch of a leader that failed, and two txns get
  // one zxid.
  kNoEpochFiles,
  // ZOOKEEPER-1419: the vote order's sid tie-break is not guarded by equal peerEpochs, so the
  // order is not antisymmetric and an election with mixed epochs may never settle.
  kUnguardedSidTiebreak,
  // ZOOKEEPER-2355: a DIFF sets the learner's lastProcessedZxid to the leader's before the diff
  // is applied; a learner whose sync breaks then advertises txns it never received.
  kDiffSetsLastProcessedZxid,
  // ZOOKEEPER-3642: an interrupted SNAP sync keeps the half-synced in-memory database, which is
  // ahead of the disk, so the next sync DIFFs on top of txns the log never held.
  kKeepInterruptedSnap,
  // ZOOKEEPER-1154 / 1156: a learner whose last zxid is not in the leader's history (an old
  // leader's uncommitted tail) gets DIFF instead of TRUNC and keeps the phantom txn.
  kDiffInsteadOfTrunc,
  // ZOOKEEPER-4685: the learner ACKs the txns it was synced with before its NEWLEADER ACK; the
  // leader takes the first ACK for the NEWLEADER ACK, does not count it, and gives up the epoch.
  kAckProposalsBeforeNewLeader,
  // ZooKeeper 3.8 and master as they are (deviation D30; no JIRA found, ZOOKEEPER-4712 is the
  // nearest): only a server that reached RUNNING fast-forwards its tree at the end of a term, so
  // a learner interrupted between NEWLEADER and UPTODATE keeps the txns it logged out of its
  // tree, votes with the older zxid, then logs them twice or replays them as stale txns.
  kFastForwardOnlyIfRunning,
  // ZooKeeper 3.8 and master as they are (deviation D31; no JIRA found): an epoch file is
  // written to a temp file, fsynced and renamed, but the rename is never made durable, so a
  // machine crash soon after can bring back the previous acceptedEpoch or currentEpoch of a
  // server that was counted towards establishing a new epoch.
  kEpochRenameNotDurable,
  // ZOOKEEPER-1732 (and the follower side 1818 describes): a server that starts serving keeps
  // reporting the peerEpoch of the vote that elected it instead of the epoch it now serves, so
  // after a rejoin raced with a re-election, members report different peerEpochs for one
  // leader and a restarting server finds no quorum to join: it stays LOOKING.
  kStaleElectionVote,
  // ZooKeeper 3.8 and master as they are (deviation D32; no JIRA found): a learner that ACKed an
  // outstanding proposal, lost its connection and rejoins above the leader's maxCommittedLog is
  // sent TRUNC and the proposal again, but its old ACK still counts, so the leader can commit
  // with a quorum in which one member no longer holds the txn.
  kCountAcksOfResyncedLearner,
  // ZooKeeper 3.8 and master as they are (deviation D33; ZOOKEEPER-1675, open): the leader answers
  // a sync at once when nothing is outstanding, so a leader that has not yet noticed that it
  // lost its quorum (resumed from a pause) answers it from a stale tree.
  kSyncWithoutQuorum,
  // ZooKeeper 3.8 and master as they are (deviation D34; no JIRA found): a learner that accepted
  // a later epoch than the one a leader established without it refuses that leader's LEADERINFO
  // ("Leaders epoch, N is less than accepted epoch, A"), goes LOOKING, finds the same leader
  // and is refused again, for as long as that leader leads.
  kKeepLeadingPastLearnerEpoch,
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
  bool on(Mutation m) const {
    ZAB_ASSERT(m < Mutation::kCount, "a switch is one of the catalog's");
    return on_.test(static_cast<std::size_t>(m));
  }
  bool any() const { return on_.any(); }
  std::vector<std::string> active_names() const;
  bool operator==(const Mutations&) const = default;

 private:
  std::bitset<static_cast<std::size_t>(Mutation::kCount)> on_;
};

}  // namespace zab
