#pragma once
// Checker 4: the safety properties of ZooKeeper's TLA+ specification of Zab
// (zookeeper-specifications/protocol-spec/Zab.tla and system-spec/zk-3.7/ZkV3_7_0.tla), judged
// over a run's trace. The specification states them over its variables at every state; the
// trace gives events, so each is mapped as follows ("delivers" = an `applied` event with
// source delivered: the txn was committed and entered the server's tree; the spec's
// history[i][1..lastCommitted[i].index] is the sequence of such txns in one server's tree):
//
// - Leadership (Leadership1/2: at most one established leader per epoch, epochLeader): no two
//   servers emit leader_established for one epoch, and no two servers propose in one epoch.
//   Exact for established leaders; the spec's epochLeader is set at NEWLEADER quorum too.
// - PrefixConsistency (the committed prefixes of any two servers agree): every delivered txn
//   follows the same txn in every tree it enters. With txn-uniqueness (checker 3) this makes
//   all delivered sequences prefixes of one chain. Approximate: a tree loaded from a snapshot
//   at a txn-less <e,0> hides its predecessor, and such a step is not compared.
// - Integrity (a delivered txn was broadcast by some primary, proposalMsgsLog): each delivery
//   (zxid, hash) has a `proposed` event with that zxid and hash at or before it.
// - Agreement (if f delivers a and f' delivers b, f' delivers a or f delivers b): at the end of
//   the run, for every two servers serving (established leader or synced follower), the txns
//   each holds above both trees' rebuild points and up to the lower of their positions are
//   the same. The spec asks it in every state; the end state is where a run has settled.
// - TotalOrder (a before b somewhere => a before b wherever b is delivered): a server that
//   delivers b right after p skipped a if some server ever delivered a with p < a < b.
// - LocalPrimaryOrder (a primary's a before b => a delivered before b): a server that
//   delivers b right after p, with the same leader having proposed a just before b in that
//   epoch and a > p, skipped a.
// - GlobalPrimaryOrder (a of epoch e before b of epoch e' > e in every server): a server never
//   delivers a txn of an epoch older than the txn its tree stands at.
// - PrimaryIntegrity (a primary delivers every older-epoch txn any follower delivers before it
//   broadcasts): a leader established in epoch e whose tree stands at p: no server ever
//   delivers a txn of an epoch before e above p. Approximate: "≤ p" stands for "in the
//   leader's history", which the uniqueness and prefix checks make exact on the zxids seen.
// - LeaderLogCompleteness (not in the spec's invariants by that name; the ZooKeeper issue's
//   wording): at its establishment a leader's tree holds every txn known committed before
//   (a leader's COMMIT, a delivery, or a client's acknowledgement), i.e. none of an older
//   epoch lies above its position.
// - CommittedLogDurability: (1) when a leader commits a txn, a quorum of servers have it
//   durably logged (a `logged` event, emitted after the fsync, at or before the commit);
//   (2) a follower's NEWLEADER ACK comes after the txns it was DIFF-synced with are durable
//   in its log (ZOOKEEPER-4646): every txn it delivers on UPTODATE (in the same instant as its
//   follower_synced) up to the zxid its leader's sync_chosen said the sync covered
//   (forward_from) was `logged` on it before its `newleader_acked`. Txns above forward_from
//   may have been forwarded after NEWLEADER and are not judged; SNAP and TRUNC syncs (covered
//   by the NEWLEADER snapshot) apply their txns before UPTODATE and are not judged either.

#include <cstdint>
#include <vector>

#include "checkers/server_trees.h"
#include "checkers/verdict.h"
#include "checkers/zab_events.h"

namespace zab::check {

struct ZabPropertiesOptions {
  std::uint32_t ensemble_size = 0;      // voters; 0 = the number of servers in the trace
  std::vector<AckedWrite> client_acks;  // optional: from the client history
};

CheckResult check_zab_properties(const ZabRun& run, const ZabPropertiesOptions& options = {});

}  // namespace zab::check
