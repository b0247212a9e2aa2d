#pragma once
// ZooKeeper's documented consistency guarantees ("ZooKeeper Programmer's Guide: Consistency
// Guarantees"), which Lev-Ari, Bortnikov, Keidar and Shraer formalised as ordered sequential
// consistency, OSC(U) ("Modular Composition of Coordination Services", USENIX ATC 2016;
// "Ordered Sequential Consistency: Composition and Correctness", DISC 2017). A history is
// accepted iff one total order of its operations exists that
//   * the znode model accepts (legality: every read returns what the order's prefix wrote);
//   * keeps each session's operations in the order it issued them (FIFO client order; a
//     session keeps its order across reconnections to other servers: single system image);
//   * puts every update (and every sync) after each operation that completed before the update
//     was invoked — so updates are linearizable, a read can never see a write invoked after the
//     read returned, and a read after a sync sees everything completed before the sync began.
// Reads are not ordered in real time after earlier updates: a client may read stale data from
// a lagging server unless it syncs first. Failed writes take no effect (one that failed on the
// state it found observed that state: ZooKeeper orders it as an error txn); indeterminate ones
// may or may not have taken effect.
//
// zxids: every reply from a ZooKeeper server carries one. The checker uses them only as hints
// — updates are tried in zxid order, so a correct history from a ZooKeeper-like system is
// accepted without backtracking — never as evidence: histories without zxids are judged by the
// same search, and a history whose zxids lie is judged on what the clients saw.

#include "checkers/check_report.h"
#include "checkers/history.h"

namespace zab::check {

CheckReport check_zk_consistency(const History& history, const CheckOptions& options);

}  // namespace zab::check
