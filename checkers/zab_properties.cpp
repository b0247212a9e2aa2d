#include "checkers/zab_properties.h"

#include <fmt/format.h>

#include <optional>
#include <set>

namespace zab::check {

namespace {

class ZabProperties {
 public:
  ZabProperties(const ZabRun& run, const ZabPropertiesOptions& options, CheckResult& result)
      : run_(run), ledger_(build_ledger(run, options.client_acks)), sink_(result, Verdict::kSafetyViolation) {
    const std::size_t n = options.ensemble_size != 0 ? options.ensemble_size : run.servers.size();
    quorum_ = n / 2 + 1;
  }

  void run() {
    for (const ZabEvent& e : run_.events) {
      before(e);
      if (auto entry = trees_.on_event(e)) judge(*entry);
    }
    agreement_at_end();
  }

 private:
  std::string at(std::uint32_t server, std::int64_t t) const { return fmt::format("{} at {}", run_.name(server), time_text(t)); }

  // Per server: its follower session's NEWLEADER ACK, while the UPTODATE deliveries follow.
  struct Session {
    std::uint32_t epoch = 0;        // the epoch it acked NEWLEADER for, 0 if none
    std::int64_t acked_ns = 0;
    std::optional<std::int64_t> synced_ns;  // when UPTODATE arrived: that instant's deliveries are sync txns
    std::uint64_t sync_covers = 0;  // the leader's forward_from for this learner: the sync's last txn
  };

  void before(const ZabEvent& e) {
    switch (e.kind()) {
      case Ev::kLeaderEstablished:
        leadership(e.server, e.get<ev::LeaderEstablished>().epoch, e.t_ns, "established");
        primary_checks(e);
        break;
      case Ev::kProposed:
        leadership(e.server, e.get<ev::Proposed>().zxid.epoch(), e.t_ns, "proposed in");
        break;
      case Ev::kLogged:
        logged_[e.get<ev::Logged>().zxid.raw()].emplace(e.server, e.t_ns);
        break;
      case Ev::kCommitted:
        quorum_logged(e);
        break;
      case Ev::kSyncChosen: {
        const auto& chosen = e.get<ev::SyncChosen>();
        sync_covers_[static_cast<std::uint32_t>(chosen.learner.value)] = chosen.forward_from.raw();
        break;
      }
      case Ev::kNewLeaderAcked:
        sessions_[e.server] = Session{e.get<ev::NewLeaderAcked>().epoch, e.t_ns, std::nullopt, sync_covers_[e.server]};
        break;
      case Ev::kFollowerSynced:
        if (sessions_[e.server].epoch == e.get<ev::FollowerSynced>().epoch) sessions_[e.server].synced_ns = e.t_ns;
        break;
      case Ev::kStart:
      case Ev::kCrash:
      case Ev::kFollowerExit:
      case Ev::kPeerState:
        sessions_.erase(e.server);
        break;
      default:
        break;
    }
  }

  void leadership(std::uint32_t server, std::uint32_t epoch, std::int64_t t, const char* what) {
    auto [it, fresh] = epoch_leader_.emplace(epoch, std::make_pair(server, t));
    if (fresh || it->second.first == server) return;
    sink_.add("Leadership", t,
              fmt::format("two leaders in epoch {}: {} first, then {} {} it", epoch, at(it->second.first, it->second.second),
                          at(server, t), what),
              {{it->second.first, it->second.second, 0, "leads"}, {server, t, 0, what}});
  }

  // PrimaryIntegrity and LeaderLogCompleteness, at a leader's establishment.
  void primary_checks(const ZabEvent& e) {
    const ServerState& s = trees_.state(e.server);
    if (!s.pos) return;
    const std::uint64_t p = *s.pos;
    const Epoch epoch = e.get<ev::LeaderEstablished>().epoch;
    const std::uint64_t epoch_start = make_zxid(epoch, 0);
    if (auto d = between(ledger_.delivered_at, p, epoch_start)) {
      sink_.add("PrimaryIntegrity", e.t_ns,
                fmt::format("{} established epoch {} standing at {}, but {} of an older epoch is delivered (first at {})",
                            at(e.server, e.t_ns), epoch, zxid_text(p), zxid_text(*d), time_text(ledger_.delivered_at.at(*d))),
                {{e.server, e.t_ns, p, "established"}, {0, ledger_.delivered_at.at(*d), *d, "delivered"}});
    }
    // The newest txn of an older epoch committed before now must not lie above p.
    for (auto it = ledger_.committed_at.lower_bound(epoch_start); it != ledger_.committed_at.begin();) {
      --it;
      if (it->first <= p) break;
      if (it->second <= e.t_ns) {
        sink_.add("LeaderLogCompleteness", e.t_ns,
                  fmt::format("{} established epoch {} standing at {}, without {} ({})", at(e.server, e.t_ns), epoch,
                              zxid_text(p), zxid_text(it->first), ledger_.committed_how.at(it->first)),
                  {{e.server, e.t_ns, p, "established"}, {0, it->second, it->first, "committed"}});
        break;
      }
    }
  }

  void quorum_logged(const ZabEvent& e) {
    const std::uint64_t zxid = e.get<ev::Committed>().zxid.raw();
    std::size_t durable = 0;
    auto it = logged_.find(zxid);
    if (it != logged_.end()) durable = it->second.size();
    if (durable >= quorum_) return;
    std::string who;
    std::vector<WitnessPoint> points{{e.server, e.t_ns, zxid, "committed"}};
    if (it != logged_.end()) {
      for (const auto& [server, t] : it->second) {
        who += (who.empty() ? "" : ", ") + run_.name(server);
        points.push_back({server, t, zxid, "logged"});
      }
    }
    sink_.add("CommittedLogDurability", e.t_ns,
              fmt::format("{} committed {} when only {} of the {} servers of a quorum had logged it durably ({})",
                          at(e.server, e.t_ns), zxid_text(zxid), durable, quorum_, who.empty() ? "none" : who),
              std::move(points));
  }

  void judge(const TreeEntry& t) {
    if (t.how != TreeEntry::How::kDelivered) return;
    // Integrity
    if (t.zxid > ledger_.prehistory_max) {
      auto p = ledger_.proposals.find(t.zxid);
      if (p == ledger_.proposals.end() || p->second.t_ns > t.t_ns || p->second.hash != t.hash) {
        sink_.add("Integrity", t.t_ns,
                  fmt::format("{} delivered {} (txn {:016x}), which no primary broadcast", at(t.server, t.t_ns),
                              zxid_text(t.zxid), t.hash),
                  {{t.server, t.t_ns, t.zxid}});
      }
    }
    newleader_durability(t);
    if (!t.prev) return;
    const std::uint64_t p = *t.prev;
    // PrefixConsistency
    auto [it, fresh] = prev_.emplace(t.zxid, std::make_tuple(p, t.server, t.t_ns));
    if (!fresh && std::get<0>(it->second) != p) {
      sink_.add("PrefixConsistency", t.t_ns,
                fmt::format("{} delivered {} after {}, but {} delivered it after {}", at(t.server, t.t_ns), zxid_text(t.zxid),
                            zxid_text(p), at(std::get<1>(it->second), std::get<2>(it->second)),
                            zxid_text(std::get<0>(it->second))),
                {{t.server, t.t_ns, t.zxid, "delivered"}, {std::get<1>(it->second), std::get<2>(it->second), t.zxid, "delivered"}});
    }
    if (t.zxid <= p) {
      if (zxid_epoch(t.zxid) < zxid_epoch(p)) {
        sink_.add("GlobalPrimaryOrder", t.t_ns,
                  fmt::format("{} delivered {} of epoch {} after {} of epoch {}", at(t.server, t.t_ns), zxid_text(t.zxid),
                              zxid_epoch(t.zxid), zxid_text(p), zxid_epoch(p)),
                  {{t.server, t.t_ns, t.zxid}});
      }
      return;
    }
    // TotalOrder
    if (auto skipped = between(ledger_.delivered_at, p, t.zxid)) {
      sink_.add("TotalOrder", t.t_ns,
                fmt::format("{} delivered {} right after {}, but {} lies between and was delivered (first at {})",
                            at(t.server, t.t_ns), zxid_text(t.zxid), zxid_text(p), zxid_text(*skipped),
                            time_text(ledger_.delivered_at.at(*skipped))),
                {{t.server, t.t_ns, t.zxid, "delivered"}, {0, ledger_.delivered_at.at(*skipped), *skipped, "skipped"}});
    }
    // LocalPrimaryOrder
    auto prop = ledger_.proposals.find(t.zxid);
    if (prop != ledger_.proposals.end() && prop->second.prev_same_primary && *prop->second.prev_same_primary > p) {
      sink_.add("LocalPrimaryOrder", t.t_ns,
                fmt::format("{} delivered {} right after {}, but its primary {} had proposed {} before it",
                            at(t.server, t.t_ns), zxid_text(t.zxid), zxid_text(p), run_.name(prop->second.server),
                            zxid_text(*prop->second.prev_same_primary)),
                {{t.server, t.t_ns, t.zxid}});
    }
  }

  void newleader_durability(const TreeEntry& t) {
    auto s = sessions_.find(t.server);
    if (s == sessions_.end() || s->second.synced_ns != t.t_ns || t.zxid > s->second.sync_covers) return;
    auto logged = logged_.find(t.zxid);
    const bool durable = logged != logged_.end() && logged->second.contains(t.server) &&
                         logged->second.at(t.server) <= s->second.acked_ns;
    if (durable) return;
    std::vector<WitnessPoint> points{{t.server, s->second.acked_ns, 0, "acked NEWLEADER"},
                                     {t.server, t.t_ns, t.zxid, "delivered, not durable"}};
    if (logged != logged_.end() && logged->second.contains(t.server)) {
      points.push_back({t.server, logged->second.at(t.server), t.zxid, "logged"});  // logged, but only after the ACK
    }
    sink_.add("CommittedLogDurability", t.t_ns,
              fmt::format("{} acked NEWLEADER of epoch {} at {} before {}, which it was synced with, was durable in its log",
                          run_.name(t.server), s->second.epoch, time_text(s->second.acked_ns), zxid_text(t.zxid)),
              std::move(points));
  }

  void agreement_at_end() {
    std::vector<std::pair<std::uint32_t, const ServerState*>> serving;
    for (const auto& [id, s] : trees_.all()) {
      if (s.up && s.serving && s.pos) serving.emplace_back(id, &s);
    }
    for (std::size_t i = 0; i < serving.size(); ++i) {
      for (std::size_t j = i + 1; j < serving.size(); ++j) compare(serving[i], serving[j]);
    }
  }

  void compare(const std::pair<std::uint32_t, const ServerState*>& x, const std::pair<std::uint32_t, const ServerState*>& y) {
    const ServerState& a = *x.second;
    const ServerState& b = *y.second;
    const std::uint64_t lo = std::max(a.base, b.base);
    const std::uint64_t hi = std::min(*a.pos, *b.pos);
    auto range = [&](const ServerState& s) {
      std::set<std::uint64_t> r;
      for (std::uint64_t z : s.content) {
        if (z > lo && z <= hi) r.insert(z);
      }
      return r;
    };
    const auto ra = range(a);
    const auto rb = range(b);
    if (ra == rb) return;
    std::uint64_t diff = 0;
    std::uint32_t holder = 0, lacker = 0;
    for (std::uint64_t z : ra) {
      if (!rb.contains(z)) { diff = z; holder = x.first; lacker = y.first; break; }
    }
    if (holder == 0) {
      for (std::uint64_t z : rb) {
        if (!ra.contains(z)) { diff = z; holder = y.first; lacker = x.first; break; }
      }
    }
    sink_.add("Agreement", run_.end_ns,
              fmt::format("at the end both serve, {} up to {} and {} up to {}, but {} holds {} and {} does not",
                          run_.name(x.first), zxid_text(*a.pos), run_.name(y.first), zxid_text(*b.pos), run_.name(holder),
                          zxid_text(diff), run_.name(lacker)),
              {{holder, run_.end_ns, diff, "holds"}, {lacker, run_.end_ns, 0, "lacks it"}});
  }

  const ZabRun& run_;
  Ledger ledger_;
  ViolationSink sink_;
  ServerTrees trees_;
  std::size_t quorum_ = 1;
  std::map<std::uint32_t, std::pair<std::uint32_t, std::int64_t>> epoch_leader_;
  std::map<std::uint64_t, std::map<std::uint32_t, std::int64_t>> logged_;  // zxid -> server -> first logged
  std::map<std::uint32_t, Session> sessions_;
  std::map<std::uint32_t, std::uint64_t> sync_covers_;  // learner sid -> its latest sync's forward_from
  std::map<std::uint64_t, std::tuple<std::uint64_t, std::uint32_t, std::int64_t>> prev_;
};

}  // namespace

CheckResult check_zab_properties(const ZabRun& run, const ZabPropertiesOptions& options) {
  CheckResult result;
  result.checker = "zab-properties";
  ZabProperties(run, options, result).run();
  return result;
}

}  // namespace zab::check
