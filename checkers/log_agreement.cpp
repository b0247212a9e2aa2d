#include "checkers/log_agreement.h"

#include <fmt/format.h>

namespace zab::check {

namespace {

struct FirstSeen {
  std::uint64_t hash = 0;
  std::uint32_t server = 0;
  std::int64_t t_ns = 0;
  Ev kind = Ev::kProposed;
};

const char* event_word(Ev kind) {
  switch (kind) {
    case Ev::kProposed: return "proposed";
    case Ev::kLogged: return "logged";
    case Ev::kApplied: return "applied";
    case Ev::kReplayed: return "replayed";
    default: return "seen";
  }
}

const char* how_word(TreeEntry::How how) {
  switch (how) {
    case TreeEntry::How::kDelivered: return "delivered";
    case TreeEntry::How::kFastForward: return "fast-forwarded";
    case TreeEntry::How::kReplayed: return "replayed";
  }
  return "?";
}

class LogAgreement {
 public:
  LogAgreement(const ZabRun& run, const LogAgreementOptions& options, CheckResult& result)
      : run_(run), options_(options), ledger_(build_ledger(run, options.client_acks)),
        sink_(result, Verdict::kSafetyViolation) {}

  void run() {
    for (const ZabEvent& e : run_.events) {
      before(e);
      if (auto entry = trees_.on_event(e)) judge(*entry);
      if (const auto* c = e.as<ev::Committed>()) leader_committed_.emplace(c->zxid.raw(), e.t_ns);
    }
    check_acks();
  }

 private:
  std::string at(std::uint32_t server, std::int64_t t) const { return fmt::format("{} at {}", run_.name(server), time_text(t)); }

  void same_txn(const ZabEvent& e, const TxnRef& txn) {
    auto [it, fresh] = seen_.emplace(txn.zxid, FirstSeen{txn.hash, e.server, e.t_ns, e.kind()});
    if (fresh) return;
    if (e.kind() == Ev::kProposed && it->second.kind == Ev::kProposed) {
      sink_.add("txn-uniqueness", e.t_ns,
                fmt::format("{} proposed twice: by {} and by {}", zxid_text(txn.zxid),
                            at(it->second.server, it->second.t_ns), at(e.server, e.t_ns)),
                {{it->second.server, it->second.t_ns, txn.zxid}, {e.server, e.t_ns, txn.zxid}});
      return;
    }
    if (it->second.hash != txn.hash) {
      sink_.add("txn-uniqueness", e.t_ns,
                fmt::format("{} names two txns: {:016x} {} on {}, {:016x} {} on {}", zxid_text(txn.zxid),
                            it->second.hash, event_word(it->second.kind), at(it->second.server, it->second.t_ns),
                            txn.hash, event_word(e.kind()), at(e.server, e.t_ns)),
                {{it->second.server, it->second.t_ns, txn.zxid}, {e.server, e.t_ns, txn.zxid}});
    }
  }

  void proposed_before(const ZabEvent& e, const TxnRef& txn) {
    if (txn.zxid <= ledger_.prehistory_max) return;
    auto it = ledger_.proposals.find(txn.zxid);
    if (it == ledger_.proposals.end() || it->second.t_ns > e.t_ns) {
      sink_.add("no-phantom-txn", e.t_ns,
                fmt::format("{} {} {} but no leader had proposed it", zxid_text(txn.zxid), event_word(e.kind()),
                            at(e.server, e.t_ns)),
                {{e.server, e.t_ns, txn.zxid}});
    }
  }

  // An ACK stands for a durable copy: when a leader commits, every server whose ACK it counted
  // (the trace's `quorum`) holds the txn in its durable log. A learner that ACKed, then was
  // TRUNCed below the txn on a re-sync, no longer does (deviation D32's gap).
  void commit_quorum_holds(const ZabEvent& e) {
    const auto& commit = e.get<ev::Committed>();
    const std::uint64_t zxid = commit.zxid.raw();
    for (std::uint32_t sid = 1; sid < 64; ++sid) {
      if (!commit.quorum.has(sid)) continue;
      const ServerState& s = trees_.state(sid);
      if (s.log.contains(zxid)) continue;
      sink_.add("commit-quorum-holds-txn", e.t_ns,
                fmt::format("{} committed {} counting {}'s ACK, but {} no longer held it in its durable log",
                            at(e.server, e.t_ns), zxid_text(zxid), run_.name(sid), run_.name(sid)),
                {{e.server, e.t_ns, zxid, "committed"}, {sid, e.t_ns, zxid, "not in its log"}});
    }
  }

  // Checks that need the servers' state as it was before `e`.
  void before(const ZabEvent& e) {
    switch (e.kind()) {
      case Ev::kProposed:
        same_txn(e, *txn_of(e));
        break;
      case Ev::kCommitted:
        commit_quorum_holds(e);
        break;
      case Ev::kLogged:
      case Ev::kApplied:
      case Ev::kReplayed: {
        const TxnRef txn = *txn_of(e);
        same_txn(e, txn);
        proposed_before(e, txn);
        break;
      }
      case Ev::kTruncated: {
        const std::uint64_t to = e.get<ev::Truncated>().zxid.raw();
        const ServerState& s = trees_.state(e.server);
        for (auto it = s.log.upper_bound(to); it != s.log.end(); ++it) {
          auto c = ledger_.committed_at.find(it->first);
          if (c == ledger_.committed_at.end() || c->second > e.t_ns) continue;
          // Zab's durability rests on the commit quorum: every later quorum meets it, so a txn
          // stays known while each server whose ACK counted keeps it. A server outside that
          // quorum may drop its copy — a learner back above maxCommittedLog is TRUNCed to it
          // and sent the outstanding proposals again (LearnerHandler.syncFollower case 3,
          // Leader.startForwarding), and a proposal can commit in between. Where the trace
          // names the quorum, only its members are held to the property.
          auto q = ledger_.commit_quorum.find(it->first);
          // (A server the bitmask cannot name, id 64 or above, is held to it too.)
          if (q != ledger_.commit_quorum.end() && e.server < 64 && !ev::QuorumMask{q->second}.has(e.server)) continue;
          const std::string quorum_note =
              q == ledger_.commit_quorum.end() ? "" : fmt::format(", with {}'s ACK in its quorum", run_.name(e.server));
          sink_.add("committed-never-truncated", e.t_ns,
                    fmt::format("{} truncated its log to {}, removing {}, {}{}", at(e.server, e.t_ns), zxid_text(to),
                                zxid_text(it->first), ledger_.committed_how.at(it->first), quorum_note),
                    {{e.server, e.t_ns, to, "truncated to"}, {0, c->second, it->first, "committed"}});
          break;
        }
        break;
      }
      case Ev::kRestored: {
        const std::uint64_t last = e.get<ev::Restored>().last_zxid.raw();
        const ServerState& s = trees_.state(e.server);
        if (!s.log.empty() && s.log.rbegin()->first > last) {
          sink_.add("logged-survives-restart", e.t_ns,
                    fmt::format("{} restarted at {} but had durably logged {} (fsync done) before", at(e.server, e.t_ns),
                                zxid_text(last), zxid_text(s.log.rbegin()->first)),
                    {{e.server, e.t_ns, last, "restarted at"}});
        }
        break;
      }
      default:
        break;
    }
  }

  void judge(const TreeEntry& t) {
    if (t.floor && t.zxid <= *t.floor) {
      sink_.add("apply-order", t.t_ns,
                fmt::format("{} {} {} after standing at {}: zxids must increase", at(t.server, t.t_ns), how_word(t.how),
                            zxid_text(t.zxid), zxid_text(*t.floor)),
                {{t.server, t.t_ns, t.zxid}});
    }
    if (t.how == TreeEntry::How::kDelivered && t.prev) check_gap(t);
    if (t.prev) {
      auto [it, fresh] = prev_.emplace(t.zxid, Pred{*t.prev, t.server, t.t_ns});
      if (!fresh && it->second.prev != *t.prev) {
        sink_.add("prefix-agreement", t.t_ns,
                  fmt::format("{} follows {} on {} but {} on {} ({})", zxid_text(t.zxid), zxid_text(it->second.prev),
                              at(it->second.server, it->second.t_ns), zxid_text(*t.prev), at(t.server, t.t_ns),
                              how_word(t.how)),
                  {{it->second.server, it->second.t_ns, t.zxid, "after " + zxid_text(it->second.prev)},
                   {t.server, t.t_ns, t.zxid, "after " + zxid_text(*t.prev)}});
      }
    }
  }

  void check_gap(const TreeEntry& t) {
    const std::uint64_t p = *t.prev;
    if (p != 0 && zxid_epoch(p) == zxid_epoch(t.zxid) && zxid_counter(t.zxid) != zxid_counter(p) + 1 && t.zxid > p) {
      sink_.add("no-gap", t.t_ns,
                fmt::format("{} delivered {} right after {}: the txns between are missing", at(t.server, t.t_ns),
                            zxid_text(t.zxid), zxid_text(p)),
                {{t.server, t.t_ns, t.zxid}});
      return;
    }
    if (t.zxid <= p) return;  // apply-order reports it
    if (auto skipped = between(ledger_.committed_at, p, t.zxid)) {
      sink_.add("no-gap", t.t_ns,
                fmt::format("{} delivered {} right after {}, skipping {} ({})", at(t.server, t.t_ns), zxid_text(t.zxid),
                            zxid_text(p), zxid_text(*skipped), ledger_.committed_how.at(*skipped)),
                {{t.server, t.t_ns, t.zxid}, {0, ledger_.committed_at.at(*skipped), *skipped}});
    }
  }

  void check_acks() {
    for (const AckedWrite& a : options_.client_acks) {
      auto it = leader_committed_.find(a.zxid);
      if (it == leader_committed_.end() || it->second > a.t_ns) {
        sink_.add("acked-write-committed", a.t_ns,
                  fmt::format("{} saw {} acknowledged at {}, but no leader had committed it", a.who, zxid_text(a.zxid),
                              time_text(a.t_ns)),
                {{0, a.t_ns, a.zxid}});
      }
    }
  }

  struct Pred {
    std::uint64_t prev = 0;
    std::uint32_t server = 0;
    std::int64_t t_ns = 0;
  };

  const ZabRun& run_;
  const LogAgreementOptions& options_;
  Ledger ledger_;
  ViolationSink sink_;
  ServerTrees trees_;
  std::map<std::uint64_t, FirstSeen> seen_;
  std::map<std::uint64_t, Pred> prev_;
  std::map<std::uint64_t, std::int64_t> leader_committed_;
};

}  // namespace

CheckResult check_log_agreement(const ZabRun& run, const LogAgreementOptions& options) {
  CheckResult result;
  result.checker = "log-agreement";
  LogAgreement(run, options, result).run();
  return result;
}

}  // namespace zab::check
