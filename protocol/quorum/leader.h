#pragma once
// The leader of an epoch (Leader.java's lead(), the shared waits of getEpochToPropose,
// waitForEpochAck and waitForNewLeaderAck, propose / processAck / tryToCommit, and the tick
// loop), as an event-driven state machine. Each learner connection is a LearnerHandler
// (learner_handler.h); in ZooKeeper those are threads that block in the leader's monitors,
// here they are states that the leader wakes when a quorum forms. Blocking waits become
// deadlines (timers), measured from each caller's own call as in ZooKeeper.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/database/committed_log.h"
#include "protocol/base/ids.h"
#include "protocol/quorum/peer_context.h"
#include "protocol/base/zab_trace.h"

namespace zab {

// D33: the origin of a sync from one of the leader's own clients (no learner connection).
inline constexpr ConnId kLocalSyncOrigin{UINT64_MAX};

class LearnerHandler;

// The (currentEpoch, lastZxid) pair compared in waitForEpochAck (StateSummary).
struct StateSummary {
  std::int64_t current_epoch = -1;  // -1: the learner had already accepted this epoch
  Zxid last_zxid;
  bool is_more_recent_than(const StateSummary& o) const {
    return current_epoch > o.current_epoch || (current_epoch == o.current_epoch && last_zxid > o.last_zxid);
  }
};

class Leader {
 public:
  explicit Leader(PeerContext& ctx);
  ~Leader();
  Leader(const Leader&) = delete;
  Leader& operator=(const Leader&) = delete;

  // Leader.lead(), up to the first wait.
  void lead();

  // Inputs routed by the node.
  void on_learner_connected(ConnId conn, Address peer);
  void on_message(ConnId conn, const QuorumPacket& packet);
  void on_connection_down(ConnId conn);
  void on_timer(std::uint64_t local);
  void on_accepted_epoch_persisted(Epoch epoch);
  void on_current_epoch_persisted(Epoch epoch);
  // The leader's own SyncRequestProcessor flushed these: AckRequestProcessor -> processAck(self).
  void on_logged(const std::vector<Zxid>& zxids);

  // Broadcast: assign the next zxid (PrepRequestProcessor.getNextZxid) and propose a txn.
  Zxid next_zxid() {
    ZAB_ASSERT(phase_ == Phase::kBroadcast, "zxids are handed out only by an established leader");
    // ZOOKEEPER-1277: propose() steps down at counter 0xffffffff, before it could roll over.
    ZAB_ASSERT(hzxid_.counter() != 0xffffffffu, "the zxid counter never overflows into the epoch");
    hzxid_ = Zxid::from_raw(hzxid_.raw() + 1);
    return hzxid_;
  }
  void propose(const Bytes& txn, Zxid zxid);

  // Leader.processSync: answer a learner's sync with SYNC once everything proposed so far is
  // committed (at once if nothing is outstanding) and, unless the switch sync-without-quorum
  // restores ZooKeeper's rule, once a quorum has confirmed this leader after the sync arrived
  // (deviation D33).
  void process_sync(ConnId handler);
  // A sync from one of the leader's own clients, under D33 (ClientPort::on_sync_released
  // answers it); with the switch it is served like a read and never comes here.
  void process_local_sync();
  // D33: a learner answered a ping, or reached UPTODATE (it is asked to confirm the syncs
  // still waiting).
  void on_ping_reply();
  void on_learner_up_to_date(LearnerHandler& handler);
  bool quorum_sync() const;

  bool owns(ConnId conn) const { return handlers_.contains(conn.value); }
  bool is_shutdown() const { return phase_ == Phase::kShutdown; }
  bool serving() const { return phase_ == Phase::kBroadcast; }
  // startZkServer ran in this term (the server reached RUNNING), even if it has shut down since.
  bool serving_started() const { return started_; }
  std::int64_t epoch() const { return epoch_; }
  // The decided epoch as the 32 bits a zxid carries (only once it is decided).
  Epoch established_epoch() const {
    ZAB_ASSERT(epoch_ > 0, "the epoch is decided (getEpochToPropose's quorum formed)");
    ZAB_ASSERT(epoch_ <= UINT32_MAX, "a decided epoch fits the 32 epoch bits of a zxid");
    return static_cast<Epoch>(epoch_);
  }
  // Shut down (Leader.shutdown): every handler closed, no more work; the node goes LOOKING.
  void shutdown(LeaderShutdownReason reason);
  // The leader's invariants, checked by the node after every step.
  void check_invariants() const;

 private:
  friend class LearnerHandler;

  enum class Phase : std::uint8_t {
    kWaitingForEpoch,           // getEpochToPropose(self)
    kWaitingForEpochAck,        // waitForEpochAck(self)
    kPersistingCurrentEpoch,    // setCurrentEpoch before waitForNewLeaderAck
    kWaitingForNewLeaderAck,    // waitForNewLeaderAck(self)
    kBroadcast,                 // startZkServer done; the tick loop runs
    kShutdown,
  };
  // Timer locals of the leader thread.
  enum LeaderTimer : std::uint64_t { kEpochDeadline = 1, kEpochAckDeadline, kNewLeaderAckDeadline, kTick };

  struct Outstanding {
    Bytes txn;
    std::set<ServerId> acks;
  };

  // The shared waits. Each returns true when the caller may proceed now; false when it must
  // wait to be woken (wake_*), which happens when the quorum forms.
  bool get_epoch_to_propose(ServerId sid, std::int64_t last_accepted_epoch);
  bool wait_for_epoch_ack(ServerId sid, const StateSummary& ss, bool& follower_ahead);
  bool wait_for_new_leader_ack(ServerId sid, Zxid zxid);
  void start_zk_server();
  void wake_epoch_waiters();
  void wake_epoch_ack_waiters();
  void wake_new_leader_ack_waiters();

  // Broadcast.
  void process_ack(ServerId sid, Zxid zxid);
  bool try_to_commit(Zxid zxid);
  void commit(Zxid zxid, std::uint64_t quorum_mask);
  Zxid start_forwarding(LearnerHandler& handler, Zxid last_seen_zxid);
  void tick();
  void send_to_forwarding(const QuorumPacket& packet);
  void remove_handler(ConnId conn);

  PeerContext& ctx_;
  Phase phase_ = Phase::kWaitingForEpoch;
  std::map<std::uint64_t, std::unique_ptr<LearnerHandler>> handlers_;  // by connection id

  // Discovery (Leader.getEpochToPropose / waitForEpochAck).
  std::int64_t epoch_ = -1;
  bool waiting_for_new_epoch_ = true;
  bool persisting_accepted_epoch_ = false;
  // Set by a handler's input when the leader must step down (D34); acted on once it returns.
  std::optional<LeaderShutdownReason> step_down_after_input_;
  std::set<ServerId> connecting_followers_;
  bool election_finished_ = false;
  std::set<ServerId> electing_followers_;
  StateSummary leader_state_summary_;
  // Synchronization (waitForNewLeaderAck).
  bool quorum_formed_ = false;
  std::set<ServerId> new_leader_acks_;

  // Broadcast state.
  Zxid hzxid_;            // the last zxid handed out
  Zxid last_proposed_;
  Zxid last_committed_;
  // outstandingProposals. ZooKeeper's toBeApplied list (committed, not yet applied by the
  // FinalRequestProcessor thread) has no counterpart: we apply in the same step as the commit,
  // so startForwarding can never fall into that window.
  std::map<Zxid, Outstanding> outstanding_;
  std::map<Zxid, std::vector<ConnId>> pending_syncs_;  // SYNC to send when the zxid commits
  // D33: syncs waiting for a quorum to confirm this leader, in arrival order. Each asked
  // every learner in broadcast for a ping reply (the ping's number on that handler).
  struct QuorumSync {
    ConnId origin;                                 // a learner's handler, or kLocalSyncOrigin
    std::map<std::uint64_t, std::uint64_t> asked;  // handler conn -> ping number to be answered
    // lastProposed when the sync arrived: its SYNC follows that proposal's COMMIT and precedes
    // the COMMIT of every later one (Leader.processSync's order), so that a session's requests
    // sent after the sync are never applied before it completes.
    Zxid after;
  };
  std::deque<QuorumSync> quorum_syncs_;
  void release_sync(ConnId origin, Zxid after);
  // D33: committing `zxid`, proposed after some waiting syncs arrived, confirms them — its ACK
  // quorum followed this leader after they arrived — and their SYNC goes out before its COMMIT.
  void release_syncs_before(Zxid zxid);
  void send_sync(ConnId origin);
  void check_quorum_syncs();
  bool started_ = false;
  std::uint64_t tick_ = 0;
  bool tick_skip_ = true;
};

}  // namespace zab
