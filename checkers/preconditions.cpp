#include "checkers/preconditions.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace zab::check {

namespace {

// An epoch file's value as the trace shows it: the last durable write (or read at start-up),
// and the highest value any write of it has ever made durable, with when.
struct EpochFile {
  std::optional<std::uint32_t> durable;      // what the file holds now, if the trace tells
  std::optional<std::uint32_t> highest;      // the highest value ever written durably
  std::int64_t highest_ns = 0;
  // loadDataBase's own write of the value it settled on (a missing file; currentEpoch.tmp
  // adopted), still to complete: it runs on while the server elects (see FAITHFULNESS, D35).
  std::optional<std::uint32_t> load_write;
};

struct ServerEpochs {
  EpochFile accepted;
  EpochFile current;
  bool loading = false;  // between process_start and restored: loadDataBase's own writes
};

// A learner's sync with its leader, from its FOLLOWING until UPTODATE.
struct LearnerSync {
  std::optional<std::int64_t> current_epoch_ns;  // when it made the new epoch current, if it did
  std::uint32_t current_epoch = 0;
  std::uint64_t covers = 0;                      // the leader's forward_from: the sync's last txn
  std::uint64_t peer = 0;                        // the learner's last zxid, as the leader saw it
  bool diff = false;                             // DIFF or TRUNC+DIFF: txns to log before NEWLEADER's ACK
  std::optional<std::int64_t> synced_ns;         // UPTODATE: that instant's deliveries are sync txns
  std::uint32_t synced_epoch = 0;
};

class Preconditions {
 public:
  Preconditions(const ZabRun& run, const PreconditionsOptions& options, CheckResult& result)
      : run_(run), options_(options), sink_(result, Verdict::kSafetyViolation) {}

  void run() {
    for (const ZabEvent& e : run_.events) {
      before(e);
      if (auto entry = trees_.on_event(e)) {
        held_[e.server].insert(entry->zxid);
        synced_txn(*entry);
      }
      after(e);
    }
    sync_replies();
  }

 private:
  std::string at(std::uint32_t server, std::int64_t t) const { return fmt::format("{} at {}", run_.name(server), time_text(t)); }

  // Judged against the state before `e` takes effect.
  void before(const ZabEvent& e) {
    switch (e.kind()) {
      case Ev::kStart:
        // held_ is kept: a report sent just before a crash can reach the leader after the
        // restart (CI's campaign of commit 4fff4af, run 1844: a dead leader's <1,0>).
        epochs_[e.server].loading = true;
        learners_.erase(e.server);
        break;
      case Ev::kAcceptedEpoch:
        accepted_written(e);
        break;
      case Ev::kCurrentEpoch:
        current_written(e);
        break;
      case Ev::kRestored:
        restored(e);
        break;
      case Ev::kPeerState:
        peer_state(e);
        break;
      case Ev::kNewLeaderAcked:
        newleader_acked(e);
        break;
      case Ev::kSyncChosen:
        sync_chosen(e);
        break;
      case Ev::kLogged:
        logged_[e.server].emplace(e.get<ev::Logged>().zxid.raw(), e.t_ns);
        break;
      case Ev::kProposed:
        proposed_by_[e.server].insert(e.get<ev::Proposed>().zxid.raw());
        break;
      case Ev::kFollowerSynced: {
        LearnerSync& l = learners_[e.server];
        l.synced_ns = e.t_ns;
        l.synced_epoch = e.get<ev::FollowerSynced>().epoch;
        break;
      }
      default:
        break;
    }
  }

  // Where the tree has stood is part of what a learner may report: record bases and markers.
  void after(const ZabEvent& e) {
    const ServerState& s = trees_.state(e.server);
    switch (e.kind()) {
      case Ev::kTreeReset:
      case Ev::kSnapshotLoaded:
      case Ev::kRestored:
        if (s.pos) held_[e.server].insert(*s.pos);
        break;
      case Ev::kLeaderEstablished:
        held_[e.server].insert(s.marker);
        break;
      case Ev::kTruncated:
        // A TRUNC sets lastProcessedZxid to its zxid (Learner.syncWithLeader), which may be a
        // txn-less <e,0> the reloaded tree stands below.
        held_[e.server].insert(e.get<ev::Truncated>().zxid.raw());
        break;
      default:
        break;
    }
  }

  // --- epochs-never-go-back and ack-newleader-after-current-epoch -----------------------------

  void accepted_written(const ZabEvent& e) {
    const std::uint32_t epoch = e.get<ev::AcceptedEpoch>().epoch;
    ServerEpochs& s = epochs_[e.server];
    EpochFile& f = s.accepted;
    // loadDataBase writes a missing file with the epoch it derives; anywhere else a write is
    // taken only for a larger epoch (Learner.registerWithLeader, Leader.getEpochToPropose).
    const bool loads = s.loading || f.load_write == epoch;
    f.load_write.reset();
    if (f.highest && (epoch < *f.highest || (epoch == *f.highest && !loads))) {
      sink_.add("epochs-never-go-back", e.t_ns,
                fmt::format("{} wrote acceptedEpoch {}, but it had made acceptedEpoch {} durable at {}", at(e.server, e.t_ns),
                            epoch, *f.highest, time_text(f.highest_ns)),
                {{e.server, f.highest_ns, 0, fmt::format("acceptedEpoch {}", *f.highest)},
                 {e.server, e.t_ns, 0, fmt::format("acceptedEpoch {}", epoch)}});
    }
    write(f, epoch, e.t_ns);
  }

  void current_written(const ZabEvent& e) {
    const std::uint32_t epoch = e.get<ev::CurrentEpoch>().epoch;
    EpochFile& f = epochs_[e.server].current;
    if (f.highest && epoch < *f.highest) {
      sink_.add("epochs-never-go-back", e.t_ns,
                fmt::format("{} wrote currentEpoch {}, but it had made currentEpoch {} durable at {}", at(e.server, e.t_ns),
                            epoch, *f.highest, time_text(f.highest_ns)),
                {{e.server, f.highest_ns, 0, fmt::format("currentEpoch {}", *f.highest)},
                 {e.server, e.t_ns, 0, fmt::format("currentEpoch {}", epoch)}});
    }
    const bool loads = f.load_write == epoch;
    f.load_write.reset();
    write(f, epoch, e.t_ns);
    LearnerSync& l = learners_[e.server];
    if (!loads && trees_.state(e.server).role == ServerState::Role::kFollowing && !l.current_epoch_ns) {
      l.current_epoch_ns = e.t_ns;
      l.current_epoch = epoch;
      epoch_after_sync_txns(e, l);
    }
  }

  static void write(EpochFile& f, std::uint32_t epoch, std::int64_t t) {
    f.durable = epoch;
    if (!f.highest || epoch > *f.highest) {
      f.highest = epoch;
      f.highest_ns = t;
    }
  }

  void restored(const ZabEvent& e) {
    const auto& r = e.get<ev::Restored>();
    ServerEpochs& s = epochs_[e.server];
    s.loading = false;
    read_back(e, s.accepted, r.accepted_epoch, "acceptedEpoch");
    read_back(e, s.current, r.current_epoch, "currentEpoch");
  }

  void read_back(const ZabEvent& e, EpochFile& f, std::uint32_t read, const char* name) {
    if (f.highest && read < *f.highest) {
      sink_.add("epochs-never-go-back", e.t_ns,
                fmt::format("{} restarted reading {} {}, but it had made {} {} durable at {}", at(e.server, e.t_ns), name,
                            read, name, *f.highest, time_text(f.highest_ns)),
                {{e.server, f.highest_ns, 0, fmt::format("{} {}", name, *f.highest)},
                 {e.server, e.t_ns, 0, fmt::format("read {} {}", name, read)}});
    }
    // A value above what the file holds is loadDataBase's to write (it adopts currentEpoch.tmp
    // when the log is of a later epoch); until that write is durable the file holds what it held.
    if (f.durable && read > *f.durable) {
      f.load_write = read;
    } else {
      f.durable = read;
    }
  }

  void peer_state(const ZabEvent& e) {
    learners_.erase(e.server);
    const std::uint32_t epoch = e.get<ev::PeerState>().current_epoch;
    const EpochFile& f = epochs_[e.server].current;
    if (f.highest && epoch < *f.highest) {
      sink_.add("epochs-never-go-back", e.t_ns,
                fmt::format("{} acts with currentEpoch {}, but it had made currentEpoch {} durable at {}", at(e.server, e.t_ns),
                            epoch, *f.highest, time_text(f.highest_ns)),
                {{e.server, f.highest_ns, 0, fmt::format("currentEpoch {}", *f.highest)},
                 {e.server, e.t_ns, 0, fmt::format("votes with epoch {}", epoch)}});
    }
  }

  void newleader_acked(const ZabEvent& e) {
    const std::uint32_t epoch = e.get<ev::NewLeaderAcked>().epoch;
    const EpochFile& f = epochs_[e.server].current;
    if (!f.durable || *f.durable >= epoch) return;
    sink_.add("ack-newleader-after-current-epoch", e.t_ns,
              fmt::format("{} acked NEWLEADER of epoch {} while its durable currentEpoch was {}", at(e.server, e.t_ns), epoch,
                          *f.durable),
              {{e.server, e.t_ns, make_zxid(epoch, 0), "acked NEWLEADER"}});
  }

  // --- current-epoch-after-synced-txns --------------------------------------------------------

  void synced_txn(const TreeEntry& t) {
    auto it = learners_.find(t.server);
    if (it == learners_.end()) return;
    const LearnerSync& l = it->second;
    if (l.synced_ns != t.t_ns || !l.current_epoch_ns || l.current_epoch != l.synced_epoch || t.zxid > l.covers) return;
    const auto& mine = logged_[t.server];
    auto logged = mine.find(t.zxid);
    if (logged != mine.end() && logged->second <= *l.current_epoch_ns) return;
    std::vector<WitnessPoint> points{{t.server, *l.current_epoch_ns, 0, fmt::format("currentEpoch {}", l.current_epoch)},
                                     {t.server, t.t_ns, t.zxid, "delivered, synced"}};
    if (logged != mine.end()) points.push_back({t.server, logged->second, t.zxid, "logged"});
    sink_.add("current-epoch-after-synced-txns", t.t_ns,
              fmt::format("{} made epoch {} current at {} before {}, which it was synced with, was durable in its log",
                          run_.name(t.server), l.current_epoch, time_text(*l.current_epoch_ns), zxid_text(t.zxid)),
              std::move(points));
  }

  // The same precondition judged at the write, so that a learner which never reaches UPTODATE
  // (it crashed in between, as in ZOOKEEPER-4643's report) is judged too: the sync's last
  // txn, at least, must be in its durable log by then.
  void epoch_after_sync_txns(const ZabEvent& e, const LearnerSync& l) {
    if (!l.diff || l.covers <= l.peer || zxid_counter(l.covers) == 0) return;
    if (trees_.state(e.server).log.contains(l.covers)) return;
    sink_.add("current-epoch-after-synced-txns", e.t_ns,
              fmt::format("{} made epoch {} current before {}, the last txn it was DIFF-synced with, was durable in its log",
                          at(e.server, e.t_ns), e.get<ev::CurrentEpoch>().epoch, zxid_text(l.covers)),
              {{e.server, e.t_ns, l.covers, fmt::format("currentEpoch {}", e.get<ev::CurrentEpoch>().epoch)}});
  }

  // --- diff-within-leader-history and learner-reports-held-zxid -------------------------------

  void sync_chosen(const ZabEvent& e) {
    const auto& chosen = e.get<ev::SyncChosen>();
    const auto learner = static_cast<std::uint32_t>(chosen.learner.value);
    const std::uint64_t p = chosen.peer_zxid.raw();
    LearnerSync& l = learners_[learner];
    l.covers = chosen.forward_from.raw();
    l.peer = p;
    l.diff = chosen.mode == SyncMode::kDiff || chosen.mode == SyncMode::kTruncDiff;

    const ServerState& ls = trees_.state(learner);
    if (ls.pos && p != 0 && !held_[learner].contains(p)) {
      sink_.add("learner-reports-held-zxid", e.t_ns,
                fmt::format("{} was told by {} that its last zxid is {}, which its tree never held (it stands at {})",
                            at(e.server, e.t_ns), run_.name(learner), zxid_text(p), zxid_text(*ls.pos)),
                {{learner, e.t_ns, *ls.pos, "tree"}, {e.server, e.t_ns, p, "reported"}});
    }

    if (chosen.mode != SyncMode::kDiff || p == 0 || zxid_counter(p) == 0) return;
    const ServerState& s = trees_.state(e.server);
    if (!s.pos || p < s.base) return;  // below the rebuild point the trace names no txns
    const bool in_history = p == s.base || s.log.contains(p) || held_[e.server].contains(p) ||
                            proposed_by_[e.server].contains(p);
    if (in_history) return;
    sink_.add("diff-within-leader-history", e.t_ns,
              fmt::format("{} chose DIFF for {}, whose last zxid {} is not in its history (it stands at {})",
                          at(e.server, e.t_ns), run_.name(learner), zxid_text(p), zxid_text(*s.pos)),
              {{e.server, e.t_ns, *s.pos, "DIFF"}, {learner, e.t_ns, p, "learner's last"}});
  }

  // --- sync-reply-covers-commits --------------------------------------------------------------

  void sync_replies() {
    if (options_.syncs.empty()) return;
    const Ledger ledger = build_ledger(run_, options_.client_acks);  // only sync replies need it
    // Known-committed txns in the order they became known, and the highest zxid known so far.
    std::vector<std::pair<std::int64_t, std::uint64_t>> known(ledger.committed_at.size());
    std::size_t i = 0;
    for (const auto& [zxid, t] : ledger.committed_at) known[i++] = {t, zxid};
    std::sort(known.begin(), known.end());
    std::vector<std::uint64_t> highest(known.size());
    for (std::size_t k = 0; k < known.size(); ++k) highest[k] = std::max(known[k].second, k ? highest[k - 1] : 0);
    for (const SyncReply& s : options_.syncs) {
      const auto end = std::lower_bound(known.begin(), known.end(), std::make_pair(s.invoke_ns, std::uint64_t{0}));
      if (end == known.begin()) continue;
      const std::uint64_t top = highest[static_cast<std::size_t>(end - known.begin()) - 1];
      if (s.zxid >= top) continue;
      sink_.add("sync-reply-covers-commits", s.complete_ns,
                fmt::format("{}'s sync, invoked at {}, was answered at {} with zxid {}, below {} ({})", s.who,
                            time_text(s.invoke_ns), time_text(s.complete_ns), zxid_text(s.zxid), zxid_text(top),
                            ledger.committed_how.at(top)),
                {{s.client, s.invoke_ns, 0, "sync"}, {s.client, s.complete_ns, s.zxid, "answered"},
                 {0, ledger.committed_at.at(top), top, "committed"}});
    }
  }

  const ZabRun& run_;
  const PreconditionsOptions& options_;
  ViolationSink sink_;
  ServerTrees trees_;
  std::map<std::uint32_t, ServerEpochs> epochs_;
  std::map<std::uint32_t, LearnerSync> learners_;
  std::map<std::uint32_t, std::set<std::uint64_t>> held_;         // server -> zxids its tree ever stood at
  std::map<std::uint32_t, std::map<std::uint64_t, std::int64_t>> logged_;  // server -> zxid -> first logged
  std::map<std::uint32_t, std::set<std::uint64_t>> proposed_by_;  // server -> zxids it proposed
};

}  // namespace

CheckResult check_preconditions(const ZabRun& run, const PreconditionsOptions& options) {
  CheckResult result;
  result.checker = "preconditions";
  Preconditions(run, options, result).run();
  return result;
}

}  // namespace zab::check
