#pragma once
// The neutral event model the trace checkers judge: what each server did, in trace order, with
// names resolved — free of the simulator's types, so a run is judged the same whether it comes
// from memory (checkers/world_adapter.h, library zab_checkers_world) or from a JSON-lines file
// (from_trace_records below). Only the events the checkers need are kept; everything else in a
// trace (messages, timers, disk operations) is dropped by the adapters.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checkers/trace_reader.h"

namespace zab::check {

enum class Ev : std::uint8_t {
  // world events
  kStart,      // a=incarnation
  kCrash,      // a=incarnation, b=disk ops lost
  kHang,       //
  kResume,     //
  kLinkCut,    // server=0 (the world), a=from, b=to
  kLinkHeal,   // server=0, a=from, b=to
  kTimeStoodStill,  // server=0, a=events run at that instant: the world stopped the run there
  kFsync,      // b=tag: the server asked its disk for an fsync (a=0: file names are not kept)
  kFsyncDone,  // b=tag: that fsync completed
  // ZAB protocol events (protocol/zab_trace.h has the meanings of a..d)
  kPeerState,          // a=0 LOOKING / 1 FOLLOWING / 2 LEADING, b=leader sid, c=currentEpoch
  kAcceptedEpoch,      // a=epoch, durable
  kCurrentEpoch,       // a=epoch, durable
  kProposed,           // a=zxid, b=txn hash
  kLogged,             // a=zxid, b=txn hash: durable in this server's log
  kCommitted,          // a=zxid (the leader), b=quorum: bit N set if sN's ACK counted (0: not recorded)
  kApplied,            // a=zxid, b=txn hash, c=committedLog, d=source (0 delivered, 1 fast-forward)
  kTruncated,          // a=zxid the log was truncated to
  kSnapshotLoaded,     // a=zxid (SNAP sync)
  kSyncChosen,         // the leader: a=learner sid, b=mode, c=learner's zxid, d=zxid forwarding starts after
  kLeaderEstablished,  // a=epoch
  kLeaderShutdown,     // a=reason
  kFollowerSynced,     // a=leader sid, b=epoch
  kNewLeaderAcked,     // a=epoch
  kFollowerExit,       // a=reason
  kStartupRefused,     // a=reason
  kRestored,           // a=last zxid, b=snapshot zxid, c=currentEpoch, d=acceptedEpoch
  kTreeReset,          // a=zxid the tree stands at (0 emptied, else a snapshot's)
  kReplayed,           // a=zxid, b=txn hash
};

// The apply sources of Ev::kApplied's d (protocol ApplySource).
inline constexpr std::uint64_t kApplyDelivered = 0;
inline constexpr std::uint64_t kApplyFastForward = 1;

struct ZabEvent {
  std::int64_t t_ns = 0;
  std::uint32_t server = 0;  // the process (a server's sid is its address); 0 = the world
  Ev kind = Ev::kStart;
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
};

struct ZabRun {
  std::vector<ZabEvent> events;              // in trace order (time non-decreasing)
  std::map<std::uint32_t, std::string> names;  // process names ("s3")
  std::set<std::uint32_t> servers;           // processes that emitted ZAB protocol events
  std::int64_t end_ns = 0;                   // the time of the trace's last event (any kind)

  std::string name(std::uint32_t process) const;
};

// Zxids as the checkers print them: "<epoch,counter>".
std::string zxid_text(std::uint64_t zxid);

// Whether Ev::kCommitted's quorum (its b: bit N set if sN's ACK counted) names `server`.
inline bool quorum_has(std::uint64_t quorum, std::uint32_t server) { return server < 64 && ((quorum >> server) & 1) != 0; }
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
