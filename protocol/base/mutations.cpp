#include "protocol/base/mutations.h"

#include "protocol/base/assert.h"

namespace zab {

namespace {
constexpr MutationInfo kCatalog[] = {
    {Mutation::kAckNewLeaderBeforeLogging, "ack-newleader-before-logging", "ZOOKEEPER-4646",
     "the learner ACKs NEWLEADER before logging and fsyncing the txns it was synced with"},
    {Mutation::kSkipFastForwardOnShutdown, "skip-fast-forward-on-shutdown", "ZOOKEEPER-2845",
     "a server leaving its role keeps its tree behind its log, gets DIFF where TRUNC was needed"},
    {Mutation::kCommitWithoutQuorum, "commit-without-quorum", "none (synthetic)",
     "the leader commits a proposal on its own ACK alone"},
    {Mutation::kIgnoreNewLeaderAcks, "ignore-newleader-acks", "none (synthetic)",
     "the leader never counts a follower's NEWLEADER ACK, so no epoch is established"},
    {Mutation::kCurrentEpochBeforeLogging, "current-epoch-before-logging", "ZOOKEEPER-4643",
     "the learner persists currentEpoch at NEWLEADER before the txns it was synced with are durable"},
    {Mutation::kLogSyncedTxnsAtUpToDate, "log-synced-txns-at-uptodate", "ZOOKEEPER-3911",
     "the learner ACKs NEWLEADER but logs the txns it was DIFF-synced with only after UPTODATE"},
    {Mutation::kCurrentEpochAtUpToDate, "current-epoch-at-uptodate", "ZOOKEEPER-1282",
     "the learner persists currentEpoch at UPTODATE instead of before its NEWLEADER ACK"},
    {Mutation::kNoEpochFiles, "no-epoch-files", "ZOOKEEPER-1081",
     "a restarted server takes acceptedEpoch and currentEpoch from its last zxid, not from the epoch files"},
    {Mutation::kUnguardedSidTiebreak, "unguarded-sid-tiebreak", "ZOOKEEPER-1419",
     "the vote order breaks equal-zxid ties by sid whatever the peerEpochs, so it is not a total order"},
    {Mutation::kDiffSetsLastProcessedZxid, "diff-sets-last-processed-zxid", "ZOOKEEPER-2355",
     "a DIFF sets the learner's lastProcessedZxid to the leader's before any of the diff is applied"},
    {Mutation::kKeepInterruptedSnap, "keep-interrupted-snap", "ZOOKEEPER-3642",
     "a learner whose SNAP sync is interrupted keeps the half-synced database instead of reloading from disk"},
    {Mutation::kDiffInsteadOfTrunc, "diff-instead-of-trunc", "ZOOKEEPER-1154",
     "a learner holding a txn the leader lacks gets DIFF instead of TRUNC (or SNAP) and keeps it"},
    {Mutation::kAckProposalsBeforeNewLeader, "ack-proposals-before-newleader", "ZOOKEEPER-4685",
     "the learner ACKs the txns it was synced with before the NEWLEADER ACK, which the leader then does not count"},
    {Mutation::kFastForwardOnlyIfRunning, "fast-forward-only-if-running", "none (3.8 and master; cf. ZOOKEEPER-4712)",
     "a learner that leaves between NEWLEADER and UPTODATE keeps its tree behind the txns it logged"},
    {Mutation::kEpochRenameNotDurable, "epoch-rename-not-durable", "none (3.8 and master)",
     "an epoch file's rename is not made durable, so a machine crash can bring back the previous epoch"},
    {Mutation::kStaleElectionVote, "stale-election-vote", "ZOOKEEPER-1732",
     "a serving server keeps reporting its election vote's peerEpoch, not the epoch it serves"},
    {Mutation::kCountAcksOfResyncedLearner, "count-acks-of-resynced-learner", "none (3.8 and master)",
     "an ACK from before a learner's re-sync still counts after the sync truncated that txn from its log"},
    {Mutation::kSyncWithoutQuorum, "sync-without-quorum", "ZOOKEEPER-1675",
     "the leader answers a sync without hearing from a quorum, so a deposed leader answers it from a stale tree"},
    {Mutation::kKeepLeadingPastLearnerEpoch, "keep-leading-past-learner-epoch", "none (3.8 and master)",
     "a leader keeps its epoch when a late learner has accepted a later one, so that learner can never join it"},
};
static_assert(std::size(kCatalog) == static_cast<std::size_t>(Mutation::kCount),
              "every mutation has exactly one catalog entry");
}  // namespace

std::span<const MutationInfo> mutation_catalog() {
  for (std::size_t i = 0; i < std::size(kCatalog); ++i) {
    ZAB_ASSERT(static_cast<std::size_t>(kCatalog[i].mutation) == i, "the catalog is in enum order");
  }
  return kCatalog;
}

std::optional<Mutation> mutation_by_name(std::string_view name) {
  for (const auto& info : mutation_catalog()) {
    if (name == info.name) return info.mutation;
  }
  return std::nullopt;
}

std::vector<std::string> Mutations::active_names() const {
  std::vector<std::string> names;
  for (const auto& info : mutation_catalog()) {
    if (on(info.mutation)) names.emplace_back(info.name);
  }
  ZAB_ASSERT(names.size() == on_.count(), "every switch that is on has a catalog name");
  return names;
}

}  // namespace zab
