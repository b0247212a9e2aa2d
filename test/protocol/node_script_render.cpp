#include "test/protocol/node_script_render.h"

#include <string_view>

#include <fmt/format.h>

#include "protocol/config.h"
#include "protocol/coverage.h"
#include "protocol/election_trace.h"
#include "protocol/sync_follower.h"
#include "protocol/timers.h"
#include "protocol/vote.h"
#include "protocol/zab_trace.h"

namespace zab::test {

namespace {

// The reason codes' names, as the enums in zab_trace.h / election_trace.h spell them. The
// protocol has no name functions for these; a code with no name here prints as its number.
const char* leader_shutdown_name(std::uint64_t r) {
  switch (static_cast<LeaderShutdownReason>(r)) {
    case LeaderShutdownReason::kEpochTimeout: return "epoch-timeout";
    case LeaderShutdownReason::kEpochAckTimeout: return "epoch-ack-timeout";
    case LeaderShutdownReason::kNewLeaderAckTimeout: return "newleader-ack-timeout";
    case LeaderShutdownReason::kNotSufficientSynced: return "not-sufficient-synced";
    case LeaderShutdownReason::kZxidRollover: return "zxid-rollover";
    case LeaderShutdownReason::kLearnerEpochAhead: return "learner-epoch-ahead";
  }
  return nullptr;
}
const char* follower_exit_name(std::uint64_t r) {
  switch (static_cast<FollowerExitReason>(r)) {
    case FollowerExitReason::kConnectFailed: return "connect-failed";
    case FollowerExitReason::kConnectionLost: return "connection-lost";
    case FollowerExitReason::kReadTimeout: return "read-timeout";
    case FollowerExitReason::kEpochLower: return "epoch-lower";
    case FollowerExitReason::kBadPacket: return "bad-packet";
    case FollowerExitReason::kTruncateFailed: return "truncate-failed";
  }
  return nullptr;
}
const char* learner_drop_name(std::uint64_t r) {
  switch (static_cast<LearnerDropReason>(r)) {
    case LearnerDropReason::kReadTimeout: return "read-timeout";
    case LearnerDropReason::kConnectionLost: return "connection-lost";
    case LearnerDropReason::kFollowerAhead: return "follower-ahead";
    case LearnerDropReason::kWaitTimeout: return "wait-timeout";
    case LearnerDropReason::kSyncLimit: return "sync-limit";
    case LearnerDropReason::kBadPacket: return "bad-packet";
    case LearnerDropReason::kLeaderShutdown: return "leader-shutdown";
  }
  return nullptr;
}
const char* election_ignore_name(std::uint64_t r) {
  switch (r) {
    case kIgnoreStaleRound: return "stale-round";
    case kIgnoreNotVoter: return "not-voter";
    case kIgnoreNoZxid: return "no-zxid";
    case kIgnoreOwnNoZxid: return "own-no-zxid";
    case kIgnoreObserving: return "observing";
    case kIgnoreUnknownState: return "unknown-state";
    case kIgnoreNotLooking: return "not-looking";
    default: return nullptr;
  }
}
const char* cnx_reject_name(std::uint64_t r) {
  switch (r) {
    case kRejectBadInitialMessage: return "bad-initial-message";
    case kRejectOwnSid: return "own-sid";
    case kRejectBadLength: return "bad-length";
    default: return nullptr;
  }
}
const char* startup_refused_name(std::uint64_t r) {
  switch (r) {
    case 1: return "current-epoch-older-than-last-zxid";
    case 2: return "accepted-epoch-below-current-epoch";
    case 3: return "database-unreadable";
    default: return nullptr;
  }
}

std::string named_or_number(const char* name, std::uint64_t value) {
  return name != nullptr ? std::string(name) : std::to_string(value);
}

std::string reason_text(std::uint16_t kind, std::uint64_t value) {
  switch (kind) {
    case kTraceLeaderShutdown: return named_or_number(leader_shutdown_name(value), value);
    case kTraceFollowerExit: return named_or_number(follower_exit_name(value), value);
    case kTraceLearnerDropped: return named_or_number(learner_drop_name(value), value);
    case kTraceStartupRefused: return named_or_number(startup_refused_name(value), value);
    case kFleIgnored: return named_or_number(election_ignore_name(value), value);
    case kCnxRejected: return named_or_number(cnx_reject_name(value), value);
    default: return std::to_string(value);
  }
}

std::string state_text(std::uint16_t kind, std::uint64_t value) {
  if (kind == kTracePeerState) {
    // QuorumPeer's code: 0 LOOKING, 1 FOLLOWING, 2 LEADING (the same order as ServerState).
    return value <= 2 ? state_name(static_cast<ServerState>(value)) : std::to_string(value);
  }
  return state_name(static_cast<ServerState>(static_cast<std::int32_t>(value)));
}

std::string quorum_text(std::uint64_t mask) {
  std::string text;
  for (std::uint64_t sid = 1; sid < 64; ++sid) {
    if ((mask & (std::uint64_t{1} << sid)) == 0) continue;
    text += (text.empty() ? "" : ",") + std::to_string(sid);
  }
  return "{" + text + "}";
}

std::string field_text(std::uint16_t kind, std::string_view field, std::uint64_t value, const ConnNamer& conn_name) {
  if (field.find("zxid") != std::string_view::npos || field == "forward_from") {
    return "0x" + Zxid::from_raw(value).hex();
  }
  if (field == "state") return state_text(kind, value);
  if (field == "reason") return reason_text(kind, value);
  if (field == "mode") return sync_mode_name(static_cast<SyncMode>(value));
  if (field == "quorum") return quorum_text(value);
  if (field == "mark") return coverage_mark_name(static_cast<CoverageMark>(value));
  if (field == "conn") return conn_name(value);
  if (field == "source") return value == 0 ? "delivered" : value == 1 ? "fast-forward" : std::to_string(value);
  return std::to_string(value);
}

const TraceKindInfo* find_kind(std::uint16_t kind) {
  static const std::vector<TraceKindInfo> kinds = QuorumPeer::trace_kinds();
  for (const TraceKindInfo& k : kinds) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

std::string handler_timer_name(std::uint64_t which) {
  switch (which) {
    case 0: return "read-timeout";
    case 1: return "wait";
    case 2: return "startup-poll";
    default: return std::to_string(which);
  }
}

}  // namespace

std::string port_name(Port port) {
  switch (port) {
    case kQuorumPort: return "quorum";
    case kElectionPort: return "election";
    case kClientPort: return "client";
    default: return std::to_string(port);
  }
}

std::string timer_name(std::uint64_t id, const ConnNamer& conn_name) {
  const std::uint64_t local = timer_local(id);
  switch (timer_space(id)) {
    case TimerSpace::kElection:
      if (local == 1) return "election/notification";
      if (local == 2) return "election/finalize";
      break;
    case TimerSpace::kCnxManager:
      if (local == 0) return "cnx/recv";
      break;
    case TimerSpace::kLeader:
      // Leader's own timers (leader.h LeaderTimer), then its handlers': conn << 4 | which.
      if (local == 1) return "leader/epoch";
      if (local == 2) return "leader/epoch-ack";
      if (local == 3) return "leader/newleader-ack";
      if (local == 4) return "leader/tick";
      return conn_name(local >> 4) + "/" + handler_timer_name(local & 0xf);
    case TimerSpace::kLearner:
      if (local == 1) return "learner/read-timeout";
      if (local == 2) return "learner/connect-retry";
      break;
    case TimerSpace::kSessions: return fmt::format("sessions/{}", local);
    case TimerSpace::kSync: return fmt::format("sync/{}", local);
    case TimerSpace::kClients: return fmt::format("clients/{}", local);
    default: break;
  }
  return fmt::format("timer/{}/{}", static_cast<std::uint64_t>(timer_space(id)), local);
}

std::string render_trace(const out::Trace& trace, const ConnNamer& conn_name) {
  const TraceKindInfo* info = find_kind(trace.kind);
  if (info == nullptr) return fmt::format("trace {} {} {} {} {}", trace.kind, trace.a, trace.b, trace.c, trace.d);
  std::string text = fmt::format("trace {}", info->name);
  const std::uint64_t values[4] = {trace.a, trace.b, trace.c, trace.d};
  for (int i = 0; i < 4; ++i) {
    const std::string_view field = info->field_names[i];
    if (field.empty() || field == "txn_hash") continue;
    text += fmt::format(" {}={}", field, field_text(trace.kind, field, values[i], conn_name));
  }
  return text;
}

}  // namespace zab::test
