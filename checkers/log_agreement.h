#pragma once
// Checker 3: log agreement and durability, judged from a run's trace alone.
//
// Properties (the names are those of Violation::property):
// - txn-uniqueness: one zxid names one txn — every proposed, logged, applied and replayed
//   event of a zxid carries the same txn hash, and no zxid is proposed twice;
// - no-phantom-txn: no server logs, applies or replays a txn that no leader proposed (before
//   it, with that hash) — txns already on a server's disk at its first start are exempt;
// - apply-order: within one incarnation, the zxids entering a server's tree strictly
//   increase (a tree rebuilt by restart, TRUNC or SNAP starts over from where it stands);
// - no-gap: a delivered txn follows the one before it in the tree with no hole: the next
//   counter within an epoch, and no txn known committed skipped across epochs;
// - prefix-agreement: every server puts a given txn into its tree right after the same txn
//   (delivered, fast-forwarded or replayed after a restart), so all trees are prefixes of one
//   sequence — ZOOKEEPER-2845's stale txns surface here when the log is replayed;
// - committed-never-truncated: no TRUNC removes, from the durable log of a server whose ACK
//   was in the commit quorum (any server where the trace does not name the quorum), a txn known
//   committed (a leader's COMMIT, a delivery, or a client's acknowledgement) before it;
// - commit-quorum-holds-txn: when a leader commits, every server whose ACK formed the quorum
//   (where the trace names it) holds the txn in its durable log;
// - logged-survives-restart: a restarted server's restored last zxid is at least every txn
//   its log durably held (fsync done) when it went down;
// - acked-write-committed: every zxid a client saw acknowledged was committed by a leader
//   no later than the acknowledgement arrived.

#include <vector>

#include "checkers/server_trees.h"
#include "checkers/verdict.h"
#include "checkers/zab_events.h"

namespace zab::check {

struct LogAgreementOptions {
  std::vector<AckedWrite> client_acks;  // optional: from the client history
};

CheckResult check_log_agreement(const ZabRun& run, const LogAgreementOptions& options = {});

}  // namespace zab::check
