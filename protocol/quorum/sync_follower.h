#pragma once
// The leader's choice of how to synchronize a learner: LearnerHandler.syncFollower and
// queueCommittedProposals, as a pure function. Given the learner's last zxid (from ACKEPOCH)
// and the leader's history (its committedLog window, its data tree's lastProcessedZxid, and
// what its txn log holds), it returns the packets to queue — DIFF, TRUNC, or nothing (SNAP),
// followed by PROPOSAL/COMMIT pairs — and the zxid from which the leader then forwards
// (startForwarding). The decision order is ZooKeeper's, case by case (notes/zab_phases.md §3.2).

#include <cstdint>
#include <functional>
#include <vector>

#include "protocol/database/committed_log.h"
#include "protocol/events/reasons.h"
#include "protocol/base/mutations.h"
#include "protocol/quorum/quorum_packet.h"

namespace zab {


// What the leader's on-disk txn log can offer (ZKDatabase.getProposalsFromTxnLog).
struct TxnLogView {
  // Every logged txn whose zxid is >= the first logged zxid at or below `from`, in zxid order;
  // empty if the log does not reach back to `from`.
  std::function<std::vector<Proposal>(Zxid from)> proposals_from;
  // Bytes of log the leader would have to read to serve from `from` (the size of the log
  // files from there on, as FileTxnLog.getTotalLogSize counts them).
  std::function<std::int64_t(Zxid from)> log_bytes_from;
  // Size of the most recent snapshot file, 0 if none (calculateTxnLogSizeLimit).
  std::int64_t last_snapshot_bytes = 0;
  // The zxid the most recent snapshot is named after, zero if none: the log after it is what
  // the server itself appended since (deviation D28).
  Zxid last_snapshot_zxid;
};

struct SyncInputs {
  Zxid peer_last_zxid;             // ACKEPOCH's zxid
  const CommittedLog* committed_log = nullptr;
  Zxid last_processed_zxid;        // the leader's data tree, now
  double snapshot_size_factor = 0.33;  // < 0 disables syncing from the txn log
  bool force_snap_sync = false;        // zookeeper.forceSnapshotSync (tests only)
  const TxnLogView* txn_log = nullptr;  // may be null: no txn-log sync
  Mutations mutations;                  // the leader's switches (diff-instead-of-trunc)
};

struct SyncPlan {
  SyncMode mode = SyncMode::kSnap;
  std::vector<QuorumPacket> queued;  // in order; empty for SNAP
  Zxid current_zxid;  // where startForwarding begins (the learner has everything up to it)
  bool from_txn_log = false;  // proposals were read from the txn log (behind the window)
  bool empty_diff = false;    // case (b): the learner was already in sync
};

SyncPlan plan_sync(const SyncInputs& in);

}  // namespace zab
