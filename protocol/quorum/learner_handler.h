#pragma once
// The leader's side of one learner connection (LearnerHandler.java): FOLLOWERINFO, LEADERINFO,
// ACKEPOCH, the sync (DIFF / TRUNC / SNAP with PROPOSAL/COMMIT pairs, then NEWLEADER), the
// NEWLEADER ACK, UPTODATE, and then ACKs, PINGs and REQUESTs. ZooKeeper runs each handler as a
// thread that blocks in the leader's shared waits; here each blocking point is a state, with
// its own deadline, and the Leader wakes the handler when the quorum it waits for forms.

#include <cstdint>
#include <deque>
#include <optional>

#include "protocol/base/assert.h"
#include "protocol/base/ids.h"
#include "protocol/quorum/leader.h"
#include "protocol/quorum/quorum_packet.h"
#include "protocol/base/zab_trace.h"

namespace zab {

class LearnerHandler {
 public:
  LearnerHandler(Leader& leader, ConnId conn, Address peer);

  void on_message(const QuorumPacket& packet);
  void on_timer(std::uint64_t which);
  // Wake-ups from the leader's shared waits.
  void epoch_decided();
  void epoch_ack_quorum_formed();
  void new_leader_quorum_formed();
  void leader_started();
  // LearnerHandler.ping (every half tick, from the leader's loop).
  void ping();
  // D33: send a ping now and return its number, whose reply confirms this leader to a sync
  // waiting for a quorum; 0 if this learner cannot answer one (not yet in broadcast).
  std::uint64_t confirm_ping();
  // The learner answered ping number `ping` (it answers, in order, every ping after UPTODATE).
  bool ping_answered(std::uint64_t ping) const {
    ZAB_ASSERT(ping <= pings_sent_, "a sync waits only for a ping this handler sent");
    return ping != 0 && ping_replies_ >= ping;
  }
  // Leader.sendPacket: a broadcast PROPOSAL or COMMIT, forwarded once this handler forwards.
  void queue_packet(const QuorumPacket& packet);
  // The handler dies: close the socket; the leader removes it.
  void shutdown(LearnerDropReason reason);
  // The handler's invariants, checked with the leader's after every step of the node.
  void check_invariants() const;

  ConnId conn() const { return conn_; }
  std::optional<ServerId> sid() const { return sid_; }
  bool forwarding() const { return forwarding_; }
  void set_forwarding() {
    ZAB_ASSERT(sid_.has_value(), "forwarding starts for a learner that said who it is");
    ZAB_ASSERT(!dead(), "a dead handler is forwarded nothing");
    forwarding_ = true;
  }
  bool dead() const { return state_ == State::kDead; }
  // LearnerHandler.synced(): alive and not past its ack deadline (in ticks).
  bool synced(std::uint64_t current_tick) const { return !dead() && current_tick <= tick_of_next_ack_deadline_; }

  // Timer locals (combined with the connection id by the leader).
  enum Timer : std::uint64_t { kReadTimeout = 0, kWaitDeadline = 1, kStartupPoll = 2 };

 private:
  enum class State : std::uint8_t {
    kWaitFollowerInfo,
    kWaitEpoch,          // blocked in getEpochToPropose
    kWaitAckEpoch,
    kWaitEpochAckQuorum, // blocked in waitForEpochAck
    kWaitNewLeaderAck,   // NEWLEADER queued; reading exactly one packet
    kWaitNewLeaderQuorum,  // blocked in waitForNewLeaderAck
    kWaitStartup,        // waitForStartup: polls every 20 ms
    kBroadcast,
    kDead,
  };

  void send_leader_info();
  void synchronize();
  void after_new_leader_ack();
  void arm_read_timeout(Duration timeout);
  // on_message by state: what the handler's thread reads at each point of LearnerHandler.run.
  void on_follower_info(const QuorumPacket& packet);
  void on_ack_epoch(const QuorumPacket& packet);
  void on_new_leader_ack(const QuorumPacket& packet);
  void on_broadcast_packet(const QuorumPacket& packet);
  void set_timer(Timer which, Duration after);
  void cancel_timer(Timer which);
  void send_now(const QuorumPacket& packet);
  void send_ping();

  Leader& leader_;
  PeerContext& ctx_;
  ConnId conn_;
  Address peer_;
  State state_ = State::kWaitFollowerInfo;
  std::optional<ServerId> sid_;
  bool forwarding_ = false;
  bool sending_started_ = false;     // startSendingPackets: the queue drains to the socket
  std::deque<QuorumPacket> queued_;  // queuedPackets before the sender starts
  std::deque<QuorumPacket> inbox_;   // read later: arrived while the thread was blocked
  StateSummary summary_;             // from ACKEPOCH
  Duration read_timeout_;            // SO_TIMEOUT: initLimit ticks, syncLimit after NEWLEADER ACK
  std::uint64_t tick_of_next_ack_deadline_ = 0;
  // SyncLimitCheck: the oldest and newest un-acked PROPOSAL written, with when.
  bool sync_limit_check_started_ = false;
  std::optional<std::pair<Zxid, std::int64_t>> sync_current_;
  std::optional<std::pair<Zxid, std::int64_t>> sync_next_;
  // D33: pings queued since UPTODATE, and PING replies read since; a learner ignores pings
  // before UPTODATE and answers each one after it, in order, so reply n answers ping n.
  std::uint64_t pings_sent_ = 0;
  std::uint64_t ping_replies_ = 0;
};

}  // namespace zab
