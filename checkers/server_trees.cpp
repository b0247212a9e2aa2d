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
    const TxnRef txn = *txn_of(e);
    TreeEntry t;
    t.server = e.server;
    t.t_ns = e.t_ns;
    t.zxid = txn.zxid;
    t.hash = txn.hash;
    t.how = how;
    if (s.pos) {
      t.prev = as_prev(*s.pos);
      t.floor = std::max(*s.pos, s.marker);
    }
    s.pos = txn.zxid;
    s.content.push_back(txn.zxid);
    entry = t;
  };
  switch (e.kind()) {
    case Ev::kStart:
      s.up = true;
      s.incarnation = e.get<ev::ProcessStart>().incarnation;
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
      rebuild(s, e.get<ev::TreeReset>().zxid.raw());
      break;
    case Ev::kSnapshotLoaded:
      rebuild(s, e.get<ev::SnapshotLoaded>().zxid.raw());
      break;
    case Ev::kReplayed:
      enter(TreeEntry::How::kReplayed);
      break;
    case Ev::kApplied:
      enter(e.get<ev::Applied>().source == ApplySource::kFastForward ? TreeEntry::How::kFastForward
                                                                     : TreeEntry::How::kDelivered);
      break;
    case Ev::kRestored:
      if (!s.pos) rebuild(s, e.get<ev::Restored>().last_zxid.raw());  // a trace from before tree_reset existed
      break;
    case Ev::kLogged: {
      const auto& logged = e.get<ev::Logged>();
      s.log[logged.zxid.raw()] = logged.txn_hash;
      break;
    }
    case Ev::kTruncated:
      s.log.erase(s.log.upper_bound(e.get<ev::Truncated>().zxid.raw()), s.log.end());
      break;
    case Ev::kPeerState: {
      const zab::ServerState st = e.get<ev::PeerState>().state;
      s.role = st == zab::ServerState::kLooking     ? ServerState::Role::kLooking
               : st == zab::ServerState::kFollowing ? ServerState::Role::kFollowing
                                                    : ServerState::Role::kLeading;
      stop_serving(s);
      break;
    }
    case Ev::kLeaderEstablished: {
      const Epoch epoch = e.get<ev::LeaderEstablished>().epoch;
      s.marker = make_zxid(epoch, 0);
      s.serving = true;
      s.serving_epoch = epoch;
      s.leader = e.server;
      break;
    }
    case Ev::kFollowerSynced: {
      const auto& synced = e.get<ev::FollowerSynced>();
      s.serving = true;
      s.serving_epoch = synced.epoch;
      s.leader = static_cast<std::uint32_t>(synced.leader.value);
      break;
    }
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
    switch (e.kind()) {
      case Ev::kProposed: {
        const auto& proposed = e.get<ev::Proposed>();
        const std::uint64_t zxid = proposed.zxid.raw();
        ProposalInfo p{proposed.txn_hash, e.server, e.t_ns, std::nullopt};
        auto last = last_proposal.find(e.server);
        if (last != last_proposal.end() && zxid_epoch(last->second) == zxid_epoch(zxid)) p.prev_same_primary = last->second;
        last_proposal[e.server] = zxid;
        l.proposals.emplace(zxid, p);
        break;
      }
      case Ev::kCommitted: {
        const auto& commit = e.get<ev::Committed>();
        committed(commit.zxid.raw(), e.t_ns, "committed by leader " + run.name(e.server) + " at " + time_text(e.t_ns));
        if (commit.quorum.bits != 0) l.commit_quorum.emplace(commit.zxid.raw(), commit.quorum.bits);
        break;
      }
      case Ev::kApplied: {
        const auto& applied = e.get<ev::Applied>();
        if (applied.source == ApplySource::kDelivered) {
          l.delivered_at.emplace(applied.zxid.raw(), e.t_ns);
          committed(applied.zxid.raw(), e.t_ns, "delivered on " + run.name(e.server) + " at " + time_text(e.t_ns));
        }
        break;
      }
      case Ev::kRestored:
        if (!started[e.server]) l.prehistory_max = std::max(l.prehistory_max, e.get<ev::Restored>().last_zxid.raw());
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
