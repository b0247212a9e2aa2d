#include "checkers/server_trees.h"

namespace zab::check {

namespace {

// Where a rebuilt tree stands: z names a txn unless it is a txn-less <e,0> (0 itself is the
// empty history, a fine predecessor).
std::optional<std::uint64_t> as_prev(std::uint64_t z) {
  if (z != 0 && zxid_counter(z) == 0) return std::nullopt;
  return z;
}

void rebuild(ServerState& s, std::uint64_t at) {
  s.pos = at;
  s.base = at;
  s.marker = 0;
  s.content.clear();
}

void stop_serving(ServerState& s) {
  s.serving = false;
  s.serving_epoch = 0;
}

}  // namespace

const ServerState& ServerTrees::state(std::uint32_t server) const {
  static const ServerState kNone;
  auto it = servers_.find(server);
  return it == servers_.end() ? kNone : it->second;
}

std::optional<TreeEntry> ServerTrees::on_event(const ZabEvent& e) {
  if (e.server == 0) return std::nullopt;
  ServerState& s = servers_[e.server];
  std::optional<TreeEntry> entry;
  auto enter = [&](TreeEntry::How how) {
    TreeEntry t;
    t.server = e.server;
    t.t_ns = e.t_ns;
    t.zxid = e.a;
    t.hash = e.b;
    t.how = how;
    if (s.pos) {
      t.prev = as_prev(*s.pos);
      t.floor = std::max(*s.pos, s.marker);
    }
    s.pos = e.a;
    s.content.push_back(e.a);
    entry = t;
  };
  switch (e.kind) {
    case Ev::kStart:
      s.up = true;
      s.incarnation = e.a;
      s.pos.reset();
      s.marker = 0;
      s.content.clear();
      s.role = ServerState::Role::kNone;
      stop_serving(s);
      break;
    case Ev::kCrash:
      s.up = false;
      s.role = ServerState::Role::kNone;
      stop_serving(s);
      break;
    case Ev::kTreeReset:
      rebuild(s, e.a);
      break;
    case Ev::kSnapshotLoaded:
      rebuild(s, e.a);
      break;
    case Ev::kReplayed:
      enter(TreeEntry::How::kReplayed);
      break;
    case Ev::kApplied:
      enter(e.d == kApplyFastForward ? TreeEntry::How::kFastForward : TreeEntry::How::kDelivered);
      break;
    case Ev::kRestored:
      if (!s.pos) rebuild(s, e.a);  // a trace from before tree_reset existed
      break;
    case Ev::kLogged:
      s.log[e.a] = e.b;
      break;
    case Ev::kTruncated:
      s.log.erase(s.log.upper_bound(e.a), s.log.end());
      break;
    case Ev::kPeerState:
      s.role = e.a == 0 ? ServerState::Role::kLooking : e.a == 1 ? ServerState::Role::kFollowing
                                                                  : ServerState::Role::kLeading;
      stop_serving(s);
      break;
    case Ev::kLeaderEstablished:
      s.marker = make_zxid(static_cast<std::uint32_t>(e.a), 0);
      s.serving = true;
      s.serving_epoch = static_cast<std::uint32_t>(e.a);
      s.leader = e.server;
      break;
    case Ev::kFollowerSynced:
      s.serving = true;
      s.serving_epoch = static_cast<std::uint32_t>(e.b);
      s.leader = static_cast<std::uint32_t>(e.a);
      break;
    case Ev::kLeaderShutdown:
    case Ev::kFollowerExit:
    case Ev::kStartupRefused:
      stop_serving(s);
      break;
    default:
      break;
  }
  return entry;
}

Ledger build_ledger(const ZabRun& run, const std::vector<AckedWrite>& acks) {
  Ledger l;
  std::map<std::uint32_t, std::uint64_t> last_proposal;  // per server: its latest proposal
  std::map<std::uint32_t, bool> started;
  auto committed = [&l](std::uint64_t zxid, std::int64_t t, std::string how) {
    auto [it, fresh] = l.committed_at.emplace(zxid, t);
    if (fresh || t < it->second) {
      it->second = t;
      l.committed_how[zxid] = std::move(how);
    }
  };
  for (const ZabEvent& e : run.events) {
    switch (e.kind) {
      case Ev::kProposed: {
        ProposalInfo p{e.b, e.server, e.t_ns, std::nullopt};
        auto last = last_proposal.find(e.server);
        if (last != last_proposal.end() && zxid_epoch(last->second) == zxid_epoch(e.a)) p.prev_same_primary = last->second;
        last_proposal[e.server] = e.a;
        l.proposals.emplace(e.a, p);
        break;
      }
      case Ev::kCommitted:
        committed(e.a, e.t_ns, "committed by leader " + run.name(e.server) + " at " + time_text(e.t_ns));
        if (e.b != 0) l.commit_quorum.emplace(e.a, e.b);
        break;
      case Ev::kApplied:
        if (e.d == kApplyDelivered) {
          l.delivered_at.emplace(e.a, e.t_ns);
          committed(e.a, e.t_ns, "delivered on " + run.name(e.server) + " at " + time_text(e.t_ns));
        }
        break;
      case Ev::kRestored:
        if (!started[e.server]) l.prehistory_max = std::max(l.prehistory_max, e.a);
        started[e.server] = true;
        break;
      case Ev::kStartupRefused:
        started[e.server] = true;
        break;
      default:
        break;
    }
  }
  for (const AckedWrite& a : acks) committed(a.zxid, a.t_ns, "acknowledged to " + a.who + " at " + time_text(a.t_ns));
  return l;
}

std::optional<std::uint64_t> between(const std::map<std::uint64_t, std::int64_t>& set, std::uint64_t lo,
                                     std::uint64_t hi) {
  if (hi <= lo + 1) return std::nullopt;
  auto it = set.lower_bound(hi);
  if (it == set.begin()) return std::nullopt;
  --it;
  if (it->first <= lo) return std::nullopt;
  return it->first;
}

}  // namespace zab::check
