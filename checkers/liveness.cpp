#include "checkers/liveness.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace zab::check {

std::int64_t LivenessOptions::bound() const {
  if (bound_ns) return *bound_ns;
  return (static_cast<std::int64_t>(sync_limit) + 2 * static_cast<std::int64_t>(init_limit)) * tick_time_ms * 1'000'000;
}

namespace {

bool is_fault_event(Ev kind) {
  switch (kind) {
    case Ev::kStart:
    case Ev::kCrash:
    case Ev::kHang:
    case Ev::kResume:
    case Ev::kLinkCut:
    case Ev::kLinkHeal:
    case Ev::kStartupRefused:
      return true;
    default:
      return false;
  }
}

// Each server's state at `t_ns`, for a witness: "s1 LOOKING, s2 down, ...".
std::string states_at(const ZabRun& run, std::int64_t t_ns) {
  std::map<std::uint32_t, std::string> state;
  for (std::uint32_t id : run.servers) state[id] = "down";
  for (const ZabEvent& e : run.events) {
    if (e.t_ns > t_ns) break;
    if (!run.servers.contains(e.server)) continue;
    switch (e.kind()) {
      case Ev::kStart: state[e.server] = "starting"; break;
      case Ev::kCrash: state[e.server] = "down"; break;
      case Ev::kStartupRefused: state[e.server] = "refused to start"; break;
      case Ev::kPeerState: {
        const zab::ServerState st = e.get<ev::PeerState>().state;
        state[e.server] = st == zab::ServerState::kLooking ? "LOOKING" : st == zab::ServerState::kFollowing ? "FOLLOWING" : "LEADING";
        break;
      }
      default: break;
    }
  }
  std::string text;
  for (const auto& [id, s] : state) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", run.name(id), s);
  return text;
}

// A disk stall: an fsync that took longer than the stall threshold, from its issue to its
// completion (`open`: still outstanding when the run ended). A crash cancels what was in flight.
struct DiskStall {
  std::uint32_t server = 0;
  std::int64_t from_ns = 0;
  std::int64_t to_ns = 0;
  bool open = false;
};

std::vector<DiskStall> disk_stalls(const ZabRun& run, std::int64_t stall_ns) {
  std::vector<DiskStall> stalls;
  std::map<std::uint32_t, std::map<std::uint64_t, std::int64_t>> pending;  // server -> tag -> issued
  for (const ZabEvent& e : run.events) {
    switch (e.kind()) {
      case Ev::kStart:
      case Ev::kCrash: pending.erase(e.server); break;
      case Ev::kFsync: pending[e.server][e.get<ev::Fsync>().tag] = e.t_ns; break;
      case Ev::kFsyncDone: {
        auto& mine = pending[e.server];
        auto it = mine.find(e.get<ev::FsyncDone>().tag);
        if (it == mine.end()) break;
        if (e.t_ns - it->second > stall_ns) stalls.push_back({.server = e.server, .from_ns = it->second, .to_ns = e.t_ns});
        mine.erase(it);
        break;
      }
      default: break;
    }
  }
  for (const auto& [server, fsyncs] : pending) {
    for (const auto& [tag, issued] : fsyncs) {
      if (run.end_ns - issued > stall_ns) stalls.push_back({.server = server, .from_ns = issued, .to_ns = run.end_ns, .open = true});
    }
  }
  return stalls;
}

struct Server {
  bool running = false;  // started and restored (not refused), not crashed
  bool hung = false;
  bool leading = false;  // an established leader
  std::uint32_t epoch = 0;  // the epoch it serves (leading or synced), 0 if none
};

}  // namespace

CheckResult check_liveness(const ZabRun& run, const LivenessOptions& options) {
  CheckResult result;
  result.checker = "liveness";
  ViolationSink sink(result, Verdict::kLivenessViolation);
  const std::size_t n = options.ensemble_size != 0 ? options.ensemble_size : run.servers.size();
  const std::size_t quorum = n / 2 + 1;

  // Time stood still: the world stopped the run because the events at one instant went past
  // its budget (sim/world.h) with more still due at that instant. Nothing later can happen —
  // no timeout fires, no leader is established — so this is a liveness violation whatever
  // the faults and the bound: servers busy without the clock advancing make no progress, as
  // ZooKeeper's election threads spinning on each other's votes made none (ZOOKEEPER-1419).
  for (const ZabEvent& e : run.events) {
    const auto* stood = e.as<ev::TimeStoodStill>();
    if (stood == nullptr) continue;
    sink.add("time-advances", e.t_ns,
             fmt::format("simulated time stood still at {}: {} events ran at that instant and more were still due at "
                         "it, so no later timeout could ever fire; the run was stopped there ({})",
                         time_text(e.t_ns), stood->events, states_at(run, e.t_ns)));
    return result;
  }

  // Pass 1: when did the world last change, and how does it end?
  std::int64_t healed_ns = 0;
  std::set<std::pair<ev::Process, ev::Process>> cut;
  std::map<std::uint32_t, Server> servers;
  for (const ZabEvent& e : run.events) {
    // A client's start or crash is the workload's business; links count whoever they join.
    const bool world_or_server = e.server == 0 || run.servers.contains(e.server);
    if (is_fault_event(e.kind()) && world_or_server) healed_ns = e.t_ns;
    Server& s = servers[e.server];
    switch (e.kind()) {
      case Ev::kLinkCut: cut.insert({e.get<ev::LinkCut>().from, e.get<ev::LinkCut>().to}); break;
      case Ev::kLinkHeal: cut.erase({e.get<ev::LinkHeal>().from, e.get<ev::LinkHeal>().to}); break;
      case Ev::kRestored: s.running = true; break;
      case Ev::kCrash:
      case Ev::kStartupRefused:
      case Ev::kStart: s.running = false; s.hung = false; break;
      case Ev::kHang: s.hung = true; break;
      case Ev::kResume: s.hung = false; break;
      default: break;
    }
  }
  std::size_t up = 0;
  std::size_t hung = 0;
  for (std::uint32_t id : run.servers) {
    up += servers[id].running && !servers[id].hung ? 1 : 0;
    hung += servers[id].hung ? 1 : 0;
  }
  if (!cut.empty() || hung > 0 || up < quorum) {
    result.verdict = Verdict::kInconclusive;
    result.note = fmt::format("the run ends with faults active: {} links cut, {} servers hung, {} of {} needed up", cut.size(),
                              hung, up, quorum);
    return result;
  }
  // A disk slower than ZooKeeper's own timeouts stalls a server faithfully: an fsync that
  // outlasts initLimit keeps a learner from acknowledging its sync, and a leader — which, having
  // the newest log, may win election after election — from being followed. Such a stall is a
  // fault until the fsync completes, so the bound runs from the end of the last one that
  // overlaps it (found by steered fuzzing: seed 2, runs 4469 and 5073 and the schedules derived
  // from them, where a leader's acceptedEpoch fsync took 2.96 s and the ensemble cycled through
  // elections it won until then).
  std::int64_t settled_ns = healed_ns;
  for (bool moved = true; moved;) {
    moved = false;
    for (const DiskStall& st : disk_stalls(run, options.init_limit_ns())) {
      if (st.to_ns <= settled_ns || st.from_ns > settled_ns + options.bound()) continue;
      if (st.open) {
        result.verdict = Verdict::kInconclusive;
        result.note = fmt::format("the run ends with a disk stalled: an fsync of {} outstanding since {} (more than initLimit)",
                                  run.name(st.server), time_text(st.from_ns));
        return result;
      }
      settled_ns = st.to_ns;
      moved = true;
    }
  }
  const std::int64_t deadline = settled_ns + options.bound();
  const std::string healed_text =
      settled_ns == healed_ns ? time_text(healed_ns)
                              : fmt::format("{} (the last disk stall over at {})", time_text(healed_ns), time_text(settled_ns));
  bool require_commit = options.require_commit;
  std::int64_t commit_deadline = deadline;
  if (options.write_invoked_ns) {
    std::optional<std::int64_t> first_write;
    for (std::int64_t t : *options.write_invoked_ns) {
      if (t >= healed_ns && (!first_write || t < *first_write)) first_write = t;
    }
    require_commit = first_write.has_value();
    if (first_write) commit_deadline = std::max(deadline, *first_write + options.bound());
  }

  // Pass 2: the first moment after the heal with an established leader and a quorum serving
  // its epoch, and the first commit after the heal.
  std::map<std::uint32_t, Server> state;
  std::optional<std::int64_t> leader_ok_ns;
  std::optional<std::int64_t> commit_ns;
  std::set<std::uint32_t> served;  // servers serving at some moment in [heal, deadline]
  std::string last_leader = "none";
  for (const ZabEvent& e : run.events) {
    Server& s = state[e.server];
    switch (e.kind()) {
      case Ev::kLeaderEstablished:
        s.leading = true;
        s.epoch = e.get<ev::LeaderEstablished>().epoch;
        last_leader = fmt::format("{} established epoch {} at {}", run.name(e.server), s.epoch, time_text(e.t_ns));
        break;
      case Ev::kFollowerSynced:
        s.epoch = e.get<ev::FollowerSynced>().epoch;
        break;
      case Ev::kCrash:
      case Ev::kStart:
      case Ev::kPeerState:
      case Ev::kLeaderShutdown:
      case Ev::kFollowerExit:
        s.leading = false;
        s.epoch = 0;
        break;
      case Ev::kCommitted:
        if (e.t_ns > healed_ns && !commit_ns) commit_ns = e.t_ns;
        break;
      default:
        break;
    }
    if (e.t_ns >= healed_ns && e.t_ns <= deadline) {
      for (const auto& [id, sv] : state) {
        if (sv.leading || sv.epoch != 0) served.insert(id);
      }
    }
    if (e.t_ns < healed_ns || leader_ok_ns) continue;
    for (const auto& [id, l] : state) {
      if (!l.leading) continue;
      std::size_t serving = 0;
      for (const auto& [fid, f] : state) serving += f.epoch == l.epoch ? 1 : 0;
      if (serving >= quorum) leader_ok_ns = e.t_ns;
    }
  }
  const bool leader_in_time = leader_ok_ns && *leader_ok_ns <= deadline;
  const bool commit_in_time = !require_commit || (commit_ns && *commit_ns <= commit_deadline);
  if (leader_in_time && commit_in_time) {
    // The ensemble made progress. Each server that is up must also have served — as an
    // established leader or a synced follower — at some moment between the heal and the
    // bound: one server stuck LOOKING while a quorum serves without it (ZOOKEEPER-1732/1818,
    // a rejoining server that finds no quorum of equal votes) is a liveness failure of that
    // server. A run that ends before the bound cannot tell.
    if (run.end_ns < deadline) return result;
    for (std::uint32_t id : run.servers) {
      if (!servers[id].running || servers[id].hung || served.contains(id)) continue;
      sink.add("server-serves", deadline,
               fmt::format("faults healed at {} and {} was up, but by {} it had not served — neither an established "
                           "leader nor a synced follower (last leader: {}; states then: {})",
                           healed_text, run.name(id), time_text(deadline), last_leader,
                           states_at(run, deadline)));
    }
    return result;
  }
  if (run.end_ns < (leader_in_time ? commit_deadline : deadline)) {
    result.verdict = Verdict::kInconclusive;
    result.note = fmt::format("the run ended {} after the last fault healed at {}, before the bound of {}",
                              time_text(run.end_ns - healed_ns), time_text(healed_ns), time_text(options.bound()));
    return result;
  }
  if (!leader_in_time) {
    sink.add("leader-established", deadline,
             fmt::format("faults healed at {} with {} servers up (quorum {}), but by {} no leader was serving with a quorum "
                         "(last: {})",
                         healed_text, up, quorum, time_text(deadline), last_leader));
  } else {
    sink.add("write-commits", commit_deadline,
             fmt::format("faults healed at {}; a leader served with a quorum from {}, but no txn committed by {}",
                         healed_text, time_text(*leader_ok_ns), time_text(commit_deadline)));
  }
  return result;
}

}  // namespace zab::check
