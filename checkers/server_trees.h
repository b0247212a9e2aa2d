#pragma once
// Each server's data tree as the trace reveals it, followed event by event: which txn it
// stands at, what entered it since it was last rebuilt, what its txn log durably holds, and
// whether it is serving. The checkers share this walk; they judge, it only follows.
//
// How the trace maps onto the tree (protocol/base/zab_trace.h):
// - process_start: a new incarnation; nothing is known until the database is loaded;
// - tree_reset(z): the tree was rebuilt from nothing (z = 0) or from the snapshot at z; the
//   log's txns after it follow as `replayed` (start, a TRUNC's reload, an interrupted SNAP);
// - snapshot_loaded(z): a SNAP sync replaced the tree with the leader's, standing at z;
// - applied / replayed: a txn enters the tree; leader_established(e): the leader's tree
//   stands at the txn-less <e,0> (startZkServer), which orders but names no txn;
// - logged adds to the durable log model, truncated(z) drops everything above z from it.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "checkers/zab_events.h"

namespace zab::check {

// A txn entering a server's tree.
struct TreeEntry {
  std::uint32_t server = 0;
  std::int64_t t_ns = 0;
  std::uint64_t zxid = 0;
  std::uint64_t hash = 0;
  enum class How : std::uint8_t { kDelivered, kFastForward, kReplayed } how = How::kDelivered;
  // The txn the tree stood at before, when the trace tells it: 0 is the empty history; a
  // txn-less <e,0> or an unloaded tree gives none.
  std::optional<std::uint64_t> prev;
  // The zxid this one must exceed (the tree's position, or the leader's <e,0> above it).
  std::optional<std::uint64_t> floor;
};

struct ServerState {
  bool up = false;
  std::uint64_t incarnation = 0;
  std::optional<std::uint64_t> pos;     // the last txn in the tree (or the base it was loaded at)
  std::uint64_t marker = 0;             // the established leader's <e,0>, 0 if none
  std::uint64_t base = 0;               // where `content` starts
  std::vector<std::uint64_t> content;   // zxids entered since the tree was last rebuilt
  std::map<std::uint64_t, std::uint64_t> log;  // durable log model: zxid -> txn hash
  enum class Role : std::uint8_t { kNone, kLooking, kFollowing, kLeading } role = Role::kNone;
  bool serving = false;                 // established leader or synced follower
  std::uint32_t serving_epoch = 0;
  std::uint32_t leader = 0;             // the sid it follows or itself while serving
};

class ServerTrees {
 public:
  // Follows `e`; returns the txn it put into a tree, if it did.
  std::optional<TreeEntry> on_event(const ZabEvent& e);
  const ServerState& state(std::uint32_t server) const;
  const std::map<std::uint32_t, ServerState>& all() const { return servers_; }

 private:
  std::map<std::uint32_t, ServerState> servers_;
};

// Facts gathered in one pass before judging.
struct ProposalInfo {
  std::uint64_t hash = 0;
  std::uint32_t server = 0;
  std::int64_t t_ns = 0;
  std::optional<std::uint64_t> prev_same_primary;  // the same leader's previous proposal in its epoch
};

// A write a client saw acknowledged (from the history): its zxid and when the reply arrived.
struct AckedWrite {
  std::uint64_t zxid = 0;
  std::int64_t t_ns = 0;
  std::string who;  // "c100 op 7", for witnesses
};

struct Ledger {
  std::map<std::uint64_t, ProposalInfo> proposals;  // the first proposal of each zxid
  // zxid -> the earliest time it is known committed: the leader's `committed`, a delivery
  // anywhere, or a client's acknowledgement.
  std::map<std::uint64_t, std::int64_t> committed_at;
  std::map<std::uint64_t, std::string> committed_how;  // the evidence, for witnesses
  std::map<std::uint64_t, std::int64_t> delivered_at;  // zxid -> first delivery anywhere
  // zxid -> the sids whose ACKs formed the leader's commit quorum (bit N = sN), where the
  // trace records it (the `quorum` field of `committed`; absent in older traces).
  std::map<std::uint64_t, std::uint64_t> commit_quorum;
  // Txns that were in some server's tree at its first start (a scenario's initial disk): no
  // proposal of them is in the trace.
  std::uint64_t prehistory_max = 0;
};

Ledger build_ledger(const ZabRun& run, const std::vector<AckedWrite>& acks);

// The largest element of `set` strictly between lo and hi, if any.
std::optional<std::uint64_t> between(const std::map<std::uint64_t, std::int64_t>& set, std::uint64_t lo,
                                     std::uint64_t hi);

}  // namespace zab::check
