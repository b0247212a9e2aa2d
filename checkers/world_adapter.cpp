#include "checkers/world_adapter.h"

#include <optional>

#include "protocol/zab_trace.h"

namespace zab::check {

namespace {

std::optional<Ev> protocol_kind(std::uint16_t sub) {
  switch (sub) {
    case kTracePeerState: return Ev::kPeerState;
    case kTraceAcceptedEpoch: return Ev::kAcceptedEpoch;
    case kTraceCurrentEpoch: return Ev::kCurrentEpoch;
    case kTraceProposed: return Ev::kProposed;
    case kTraceLogged: return Ev::kLogged;
    case kTraceCommitted: return Ev::kCommitted;
    case kTraceApplied: return Ev::kApplied;
    case kTraceTruncated: return Ev::kTruncated;
    case kTraceSnapshotLoaded: return Ev::kSnapshotLoaded;
    case kTraceSyncChosen: return Ev::kSyncChosen;
    case kTraceLeaderEstablished: return Ev::kLeaderEstablished;
    case kTraceLeaderShutdown: return Ev::kLeaderShutdown;
    case kTraceFollowerSynced: return Ev::kFollowerSynced;
    case kTraceNewLeaderAcked: return Ev::kNewLeaderAcked;
    case kTraceFollowerExit: return Ev::kFollowerExit;
    case kTraceStartupRefused: return Ev::kStartupRefused;
    case kTraceRestored: return Ev::kRestored;
    case kTraceTreeReset: return Ev::kTreeReset;
    case kTraceReplayed: return Ev::kReplayed;
    default: return std::nullopt;
  }
}

std::optional<Ev> world_kind(sim::TraceKind kind) {
  switch (kind) {
    case sim::TraceKind::kProcessStart: return Ev::kStart;
    case sim::TraceKind::kCrash: return Ev::kCrash;
    case sim::TraceKind::kHang: return Ev::kHang;
    case sim::TraceKind::kResume: return Ev::kResume;
    case sim::TraceKind::kLinkCut: return Ev::kLinkCut;
    case sim::TraceKind::kLinkHeal: return Ev::kLinkHeal;
    case sim::TraceKind::kTimeStoodStill: return Ev::kTimeStoodStill;
    case sim::TraceKind::kFsync: return Ev::kFsync;
    case sim::TraceKind::kFsyncDone: return Ev::kFsyncDone;
    default: return std::nullopt;
  }
}

}  // namespace

ZabRun from_sim_trace(const sim::Trace& trace) {
  ZabRun run;
  const auto& events = trace.events();
  if (!events.empty()) run.end_ns = events.back().time.ns();
  std::set<std::uint32_t> seen;
  for (const sim::TraceEvent& te : events) {
    const bool protocol = te.kind == sim::TraceKind::kProtocol;
    const std::optional<Ev> kind = protocol ? protocol_kind(te.sub) : world_kind(te.kind);
    if (!kind) continue;
    // A disk event's a is an interned file id, which the JSON-lines trace writes as a name:
    // neither adapter keeps it.
    const bool disk = *kind == Ev::kFsync || *kind == Ev::kFsyncDone;
    run.events.push_back(ZabEvent{te.time.ns(), te.process, *kind, disk ? 0 : te.a, te.b, te.c, te.d});
    if (protocol) run.servers.insert(te.process);
    seen.insert(te.process);
    if (*kind == Ev::kLinkCut || *kind == Ev::kLinkHeal) {
      seen.insert(static_cast<std::uint32_t>(te.a));
      seen.insert(static_cast<std::uint32_t>(te.b));
    }
  }
  for (std::uint32_t p : seen) run.names[p] = trace.process_name(p);
  return run;
}

}  // namespace zab::check
