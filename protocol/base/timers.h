#pragma once
// Timer ids (and fsync tags, and connect tags) of a ZooKeeper server node. One node hosts
// several subsystems (election, the leader's or learner's session, the client port, the log
// syncer); each owns a range of ids so that they can share the node's single timer table and
// its fsync completions without colliding, the way quinn keeps its timers in a small table
// indexed by an enum.

#include <cstdint>

#include "protocol/base/assert.h"

namespace zab {

enum class TimerSpace : std::uint64_t {
  kElection = 1,    // FastLeaderElection: the notification poll timeout, the finalize wait
  kCnxManager = 2,  // QuorumCnxManager: reconnect attempts (low bits: the peer's sid)
  kLeader = 3,      // Leader: the tick (ping and synced-quorum check), phase deadlines
  kLearnerHandler = 4,  // per learner at the leader (low bits: the learner's sid)
  kLearner = 5,     // Learner / Follower: connect retries, read timeout
  kSessions = 6,    // session expiry
  kSync = 7,        // the log syncer (group commit)
  kClients = 8,     // client connections
  kDirectLog = 9,   // fsync tags: zkDb.append + zkDb.commit outside the syncer (NEWLEADER)
  kEpochFiles = 10, // fsync tags: acceptedEpoch / currentEpoch atomic writes
  kSnapshots = 11,  // fsync tags: snapshots written with fsync (SNAP sync at NEWLEADER)
};

constexpr std::uint64_t timer_id(TimerSpace space, std::uint64_t local) {
  ZAB_ASSERT(local < (1ULL << 48), "a timer's local id fits the 48 low bits (its space takes the top 16)");
  return (static_cast<std::uint64_t>(space) << 48) | (local & ((1ULL << 48) - 1));
}
constexpr TimerSpace timer_space(std::uint64_t id) { return static_cast<TimerSpace>(id >> 48); }
constexpr std::uint64_t timer_local(std::uint64_t id) { return id & ((1ULL << 48) - 1); }

}  // namespace zab
