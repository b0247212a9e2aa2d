#pragma once
// A server's configuration, with ZooKeeper 3.8's defaults as zoo_sample.cfg sets them
// (tickTime 2000, initLimit 10, syncLimit 5) and the code's defaults for the rest. Every
// timeout the protocol uses is derived from these, never tuned to a result.

#include <cstdint>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"
#include "protocol/base/mutations.h"
#include "protocol/base/time.h"

namespace zab {

// The three ports a ZooKeeper server listens on (zoo.cfg: clientPort, server.N=host:2888:3888).
constexpr Port kClientPort = 2181;
constexpr Port kQuorumPort = 2888;
constexpr Port kElectionPort = 3888;

struct ServerConfig {
  ServerId my_id;
  std::vector<ServerId> voters;  // every participant, this server included; sorted, unique

  // zoo.cfg
  std::int64_t tick_time_ms = 2000;
  std::int32_t init_limit = 10;  // ticks: discovery and synchronization deadlines
  std::int32_t sync_limit = 5;   // ticks: a learner's allowed silence once synced

  // system properties (QuorumPeer, ZKDatabase, SyncRequestProcessor, QuorumCnxManager, FLE)
  std::int64_t snap_count = 100'000;      // zookeeper.snapCount
  std::int32_t commit_log_count = 500;    // zookeeper.commitLogCount (ZKDatabase keeps 501)
  double snapshot_size_factor = 0.33;     // zookeeper.snapshotSizeFactor (DIFF from the txn log)
  std::int32_t max_batch_size = 1000;     // zookeeper.maxBatchSize (group commit)
  Duration finalize_wait = Duration::ms(200);              // FLE finalizeWait
  Duration min_notification_interval = Duration::ms(200);  // FLE first poll timeout
  Duration max_notification_interval = Duration::ms(60'000);
  Duration cnx_timeout = Duration::ms(5000);               // zookeeper.cnxTimeout
  Duration leader_connect_retry_delay = Duration::ms(100); // leaderConnectDelayDuringRetryMs
  std::int32_t leader_connect_attempts = 5;                // Learner.connectToLeader
  std::int64_t min_session_timeout_ms = -1;  // -1: 2 x tickTime
  std::int64_t max_session_timeout_ms = -1;  // -1: 20 x tickTime

  // Historical bugs to re-introduce; all off unless a scenario names them.
  Mutations mutations;

  // Not ZooKeeper's: how often the whole-state invariants pass (QuorumPeer::check_invariants,
  // after every step, as LogCabin's RaftConsensusInvariants) walks the database's O(size)
  // structures, every node of the data tree and every committedLog entry. Every other
  // component is checked after every step either way. On (the default: every test run and every
  // `zabsim` command), the walks run after every step while they hold at most 16 entries
  // together and after every (entries / 16)-th step beyond, about 16 entry visits per step;
  // off (`zabsim fuzz --fast-invariants`), after every 1024th step.
  bool whole_state_invariants = true;

  // The scenario reader refuses values outside these ranges (exit code 2) before a server exists.
  Duration tick() const {
    ZAB_ASSERT(tick_time_ms > 0, "tickTime is a positive number of milliseconds");
    return Duration::ms(tick_time_ms);
  }
  Duration init_limit_time() const {
    ZAB_ASSERT(init_limit > 0, "initLimit is a positive number of ticks");
    return tick() * init_limit;
  }
  Duration sync_limit_time() const {
    ZAB_ASSERT(sync_limit > 0, "syncLimit is a positive number of ticks");
    return tick() * sync_limit;
  }
  std::int64_t effective_min_session_timeout_ms() const {
    return min_session_timeout_ms < 0 ? 2 * tick_time_ms : min_session_timeout_ms;
  }
  std::int64_t effective_max_session_timeout_ms() const {
    return max_session_timeout_ms < 0 ? 20 * tick_time_ms : max_session_timeout_ms;
  }
  // A strict majority of the voters (QuorumMaj.containsQuorum).
  bool is_quorum(std::size_t count) const { return count * 2 > voters.size(); }
  bool is_voter(ServerId sid) const;
};

}  // namespace zab
