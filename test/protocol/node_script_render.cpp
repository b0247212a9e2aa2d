#include "test/protocol/node_script_render.h"

#include <string_view>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "protocol/base/config.h"
#include "protocol/base/coverage.h"
#include "protocol/quorum/sync_follower.h"
#include "protocol/base/timers.h"
#include "protocol/election/vote.h"
#include "protocol/base/zab_trace.h"

namespace zab::test {

namespace {

// The names of the enumerations events carry, as the scripts spell them (kebab-case).
std::string name_of(LeaderShutdownReason r) {
  switch (r) {
    case LeaderShutdownReason::kEpochTimeout: return "epoch-timeout";
    case LeaderShutdownReason::kEpochAckTimeout: return "epoch-ack-timeout";
    case LeaderShutdownReason::kNewLeaderAckTimeout: return "newleader-ack-timeout";
    case LeaderShutdownReason::kNotSufficientSynced: return "not-sufficient-synced";
    case LeaderShutdownReason::kZxidRollover: return "zxid-rollover";
    case LeaderShutdownReason::kLearnerEpochAhead: return "learner-epoch-ahead";
  }
  return std::to_string(static_cast<int>(r));
}
std::string name_of(FollowerExitReason r) {
  switch (r) {
    case FollowerExitReason::kConnectFailed: return "connect-failed";
    case FollowerExitReason::kConnectionLost: return "connection-lost";
    case FollowerExitReason::kReadTimeout: return "read-timeout";
    case FollowerExitReason::kEpochLower: return "epoch-lower";
    case FollowerExitReason::kBadPacket: return "bad-packet";
    case FollowerExitReason::kTruncateFailed: return "truncate-failed";
  }
  return std::to_string(static_cast<int>(r));
}
std::string name_of(LearnerDropReason r) {
  switch (r) {
    case LearnerDropReason::kReadTimeout: return "read-timeout";
    case LearnerDropReason::kConnectionLost: return "connection-lost";
    case LearnerDropReason::kFollowerAhead: return "follower-ahead";
    case LearnerDropReason::kWaitTimeout: return "wait-timeout";
    case LearnerDropReason::kSyncLimit: return "sync-limit";
    case LearnerDropReason::kBadPacket: return "bad-packet";
    case LearnerDropReason::kLeaderShutdown: return "leader-shutdown";
  }
  return std::to_string(static_cast<int>(r));
}
std::string name_of(ElectionIgnoreReason r) {
  switch (r) {
    case ElectionIgnoreReason::kStaleRound: return "stale-round";
    case ElectionIgnoreReason::kNotVoter: return "not-voter";
    case ElectionIgnoreReason::kNoZxid: return "no-zxid";
    case ElectionIgnoreReason::kOwnNoZxid: return "own-no-zxid";
    case ElectionIgnoreReason::kObserving: return "observing";
    case ElectionIgnoreReason::kUnknownState: return "unknown-state";
    case ElectionIgnoreReason::kNotLooking: return "not-looking";
  }
  return std::to_string(static_cast<int>(r));
}
std::string name_of(CnxRejectReason r) {
  switch (r) {
    case CnxRejectReason::kBadInitialMessage: return "bad-initial-message";
    case CnxRejectReason::kOwnSid: return "own-sid";
    case CnxRejectReason::kBadLength: return "bad-length";
  }
  return std::to_string(static_cast<int>(r));
}
std::string name_of(StartupRefusal r) {
  switch (r) {
    case StartupRefusal::kCurrentEpochOlderThanLastZxid: return "current-epoch-older-than-last-zxid";
    case StartupRefusal::kAcceptedEpochBelowCurrent: return "accepted-epoch-below-current-epoch";
    case StartupRefusal::kDatabaseUnreadable: return "database-unreadable";
    case StartupRefusal::kEpochFileUnreadable: return "epoch-file-unreadable";
  }
  return std::to_string(static_cast<int>(r));
}
std::string name_of(JoinPath p) { return p == JoinPath::kSameRound ? "1" : "2"; }
std::string name_of(ApplySource s) { return s == ApplySource::kDelivered ? "delivered" : "fast-forward"; }
std::string name_of(SyncMode m) { return sync_mode_name(m); }
std::string name_of(CoverageMark m) { return coverage_mark_name(m); }
std::string name_of(ServerState s) { return state_name(s); }

// One field's text, chosen by its type (a connection id by its name: it is a plain number).
template <class T>
std::string field_text(std::string_view field, const T& value, const ConnNamer& conn_name) {
  if constexpr (std::is_same_v<T, Zxid>) {
    return "0x" + value.hex();
  } else if constexpr (std::is_same_v<T, ServerId>) {
    return std::to_string(value.value);
  } else if constexpr (std::is_same_v<T, ev::QuorumMask>) {
    std::string text;
    for (std::uint64_t sid = 1; sid < 64; ++sid) {
      if (value.has(sid)) text += (text.empty() ? "" : ",") + std::to_string(sid);
    }
    return "{" + text + "}";
  } else if constexpr (std::is_enum_v<T>) {
    return name_of(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "1" : "0";
  } else {
    if (field == "conn") return conn_name(static_cast<std::uint64_t>(value));
    return std::to_string(value);
  }
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
  const auto event = server_event(trace.kind, ev::Words{trace.a, trace.b, trace.c, trace.d});
  if (!event) return fmt::format("trace {} {} {} {} {}", trace.kind, trace.a, trace.b, trace.c, trace.d);
  return std::visit(
      [&](const auto& e) {
        using E = std::remove_cvref_t<decltype(e)>;
        std::string text = fmt::format("trace {}", E::kName);
        ev::for_each_field(e, [&](std::size_t, const char* field, const auto& value) {
          if (std::string_view(field) == "txn_hash") return;
          text += fmt::format(" {}={}", field, field_text(field, value, conn_name));
        });
        return text;
      },
      *event);
}

}  // namespace zab::test
