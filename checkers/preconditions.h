#pragma once
// Checker 5: the preconditions of the protocol's actions. Checkers 3 and 4 judge what a run's
// state came to (logs agree, the Zab properties hold); this one judges each step by what
// ZooKeeper 3.8's code and the Zab TLA+ specification (zookeeper-specifications/protocol-spec/
// Zab.tla, system-spec/zk-3.7/ZkV3_7_0.tla) require to hold when the step is taken, so a
// broken step is reported where it happens, whether or not a later fault turns it into a
// lost or diverging txn. Each precondition, the action it guards and where it is stated:
//
// - ack-newleader-after-current-epoch: a learner ACKs NEWLEADER of epoch e only once its
//   currentEpoch e is durable (spec FollowerProcessNEWLEADER sets currentEpoch before it sends
//   ACKLD; Learner.syncWithLeader, ZOOKEEPER-1282). Judged when the learner's durable
//   currentEpoch is known (a `restored` or `current_epoch` event of it in the trace).
// - current-epoch-after-synced-txns: a learner makes epoch e current at NEWLEADER only once the
//   txns it was DIFF-synced with are durable in its log (ZOOKEEPER-4643: a crash in between
//   leaves a server that votes with the new epoch over an old log). The txns are those it
//   delivers at UPTODATE up to the leader's forward_from, as for CommittedLogDurability (2).
// - epochs-never-go-back: acceptedEpoch and currentEpoch are durable and only grow (spec:
//   FollowerProcessNEWEPOCH needs newEpoch >= acceptedEpoch and a write is taken only when it
//   grows; Leader.getEpochToPropose proposes above its own; QuorumPeer.loadDataBase reads the
//   files back). Judged at each write (acceptedEpoch strictly above every earlier write of it,
//   currentEpoch not below), at each restart (`restored` reads back no less than was written)
//   and at each role change (the currentEpoch a server votes and acts with, in `peer_state`).
// - diff-within-leader-history: the leader DIFF-syncs a learner only when the learner's last
//   zxid is in the leader's history: a txn its tree holds or its log holds, or a txn-less <e,0>
//   or the empty history (LearnerHandler.syncFollower / queueCommittedProposals; ZOOKEEPER-1154:
//   otherwise the learner keeps a txn no quorum has and must be TRUNCated). Not judged below the
//   point the leader's tree was rebuilt from, where the trace names no txns.
// - learner-reports-held-zxid: the last zxid a learner reports in FOLLOWERINFO/ACKEPOCH, which
//   the leader's `sync_chosen` names, is a zxid the learner's tree has stood at (in any
//   incarnation: a report sent just before a crash may arrive after the restart), or the zxid
//   of a TRUNC it took, which sets lastProcessedZxid (spec:
//   ACKEPOCH carries the learner's history's last zxid; ZOOKEEPER-2355: a DIFF that sets
//   lastProcessedZxid before the txns arrive reports txns never received).
// - sync-reply-covers-commits: a client's sync is answered by a server whose tree holds every
//   txn known committed before the sync was invoked; the reply's zxid (the server's
//   lastProcessedZxid) is at or above each (ZooKeeper's sync guarantee; ZOOKEEPER-1675: a
//   leader that lost its quorum answers from a stale tree). Judged from the client history.
//
// The commit's preconditions (a quorum has the txn durably, and still holds it) are checker
// 4's CommittedLogDurability and checker 3's commit-quorum-holds-txn; a NEWLEADER ACK's
// durable txns are CommittedLogDurability (2).

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/server_trees.h"
#include "checkers/verdict.h"
#include "checkers/zab_events.h"

namespace zab::check {

// A client's sync as the history recorded it: when it was invoked and when its successful
// reply arrived, and the zxid the reply carried.
struct SyncReply {
  std::int64_t invoke_ns = 0;
  std::int64_t complete_ns = 0;
  std::uint64_t zxid = 0;
  std::uint32_t client = 0;  // the client's process, for witnesses
  std::string who;           // "c2 op 9"
};

struct PreconditionsOptions {
  std::vector<AckedWrite> client_acks;  // optional: writes acknowledged to clients (known committed)
  std::vector<SyncReply> syncs;         // optional: the successful syncs of the client history
};

CheckResult check_preconditions(const ZabRun& run, const PreconditionsOptions& options = {});

}  // namespace zab::check
