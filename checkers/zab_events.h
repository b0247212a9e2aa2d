#pragma once
// The neutral event model the trace checkers judge: what each server did, in trace order, with
// names resolved — free of the simulator's types, so a run is judged the same whether it comes
// from memory (checkers/world_adapter.h, library zab_checkers_world) or from a JSON-lines file
// (from_trace_records below). Only the events the checkers need are kept; everything else in a
// trace (messages, timers, disk operations) is dropped by the adapters.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "checkers/trace_reader.h"
#include "protocol/base/assert.h"
#include "protocol/events/events.h"

namespace zab::check {

// The events the checkers keep, typed (protocol/events/): the world's process life, link
// faults, fsyncs and its stop; the servers' ZAB events. Ev names the alternative held, in the
// variant's order, so that a checker can switch on it and then read the fields by name.
using Event = std::variant<ev::ProcessStart, ev::Crash, ev::Hang, ev::Resume, ev::LinkCut, ev::LinkHeal,
                           ev::TimeStoodStill, ev::Fsync, ev::FsyncDone, ev::PeerState, ev::AcceptedEpoch,
                           ev::CurrentEpoch, ev::Proposed, ev::Logged, ev::Committed, ev::Applied, ev::Truncated,
                           ev::SnapshotLoaded, ev::SyncChosen, ev::LeaderEstablished, ev::LeaderShutdown,
                           ev::FollowerSynced, ev::NewLeaderAcked, ev::FollowerExit, ev::StartupRefused, ev::Restored,
                           ev::TreeReset, ev::Replayed>;

enum class Ev : std::uint8_t {
  // world events (the fsyncs carry no file: a trace file names files, memory interns them)
  kStart, kCrash, kHang, kResume, kLinkCut, kLinkHeal, kTimeStoodStill, kFsync, kFsyncDone,
  // ZAB protocol events
  kPeerState, kAcceptedEpoch, kCurrentEpoch, kProposed, kLogged, kCommitted, kApplied, kTruncated,
  kSnapshotLoaded, kSyncChosen, kLeaderEstablished, kLeaderShutdown, kFollowerSynced, kNewLeaderAcked,
  kFollowerExit, kStartupRefused, kRestored, kTreeReset, kReplayed,
  kCount,
};
static_assert(static_cast<std::size_t>(Ev::kCount) == std::variant_size_v<Event>, "one Ev per kept event type");

struct ZabEvent {
  std::int64_t t_ns = 0;
  std::uint32_t server = 0;  // the process (a server's sid is its address); 0 = the world
  Event event;

  Ev kind() const { return static_cast<Ev>(event.index()); }
  // The event as type E; the kind must be E's (asserted).
  template <class E>
  const E& get() const {
    const E* e = std::get_if<E>(&event);
    ZAB_ASSERT(e != nullptr, "an event is read as the type its kind names");
    return *e;
  }
  template <class E>
  const E* as() const {
    return std::get_if<E>(&event);
  }
};

// The zxid and txn hash of an event that names a txn: Proposed, Logged, Applied, Replayed.
struct TxnRef {
  std::uint64_t zxid = 0;
  std::uint64_t hash = 0;
};
inline std::optional<TxnRef> txn_of(const ZabEvent& e) {
  return std::visit(
      [](const auto& x) -> std::optional<TxnRef> {
        if constexpr (requires { x.zxid; x.txn_hash; }) {
          return TxnRef{x.zxid.raw(), x.txn_hash};
        } else {
          return std::nullopt;
        }
      },
      e.event);
}

struct ZabRun {
  std::vector<ZabEvent> events;              // in trace order (time non-decreasing)
  std::map<std::uint32_t, std::string> names;  // process names ("s3")
  std::set<std::uint32_t> servers;           // processes that emitted ZAB protocol events
  std::int64_t end_ns = 0;                   // the time of the trace's last event (any kind)

  std::string name(std::uint32_t process) const;
};

// Zxids as the checkers print them: "<epoch,counter>".
std::string zxid_text(std::uint64_t zxid);

inline std::uint32_t zxid_epoch(std::uint64_t zxid) { return static_cast<std::uint32_t>(zxid >> 32); }
inline std::uint32_t zxid_counter(std::uint64_t zxid) { return static_cast<std::uint32_t>(zxid); }
inline std::uint64_t make_zxid(std::uint32_t epoch, std::uint32_t counter) {
  return (static_cast<std::uint64_t>(epoch) << 32) | counter;
}
// Simulated time as the checkers print it: "12.345678 s".
std::string time_text(std::int64_t t_ns);

// The JSON-lines adapter: records read by read_trace. Process names become ids: "s3" (any
// letters then digits) is 3, as the simulator names process N; any other name gets an id of
// its own above 2^31. Returns false and sets `error` on a record whose fields do not fit.
bool from_trace_records(const std::vector<TraceRecord>& records, ZabRun& run, std::string& error);

}  // namespace zab::check
