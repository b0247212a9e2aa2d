#include "protocol/quorum/learner_handler.h"

#include "protocol/base/assert.h"
#include "protocol/client_port/client_port.h"
#include "protocol/base/coverage.h"
#include "protocol/quorum/learner_request.h"
#include "protocol/persistence/log_syncer.h"
#include "protocol/quorum/sync_follower.h"
#include "protocol/database/zk_database.h"

namespace zab {

namespace {
// Leader.waitForStartup polls the server state every 20 ms.
constexpr Duration kStartupPollInterval = Duration::ms(20);
constexpr std::int32_t kProtocolVersion = 0x10000;
}  // namespace

LearnerHandler::LearnerHandler(Leader& leader, ConnId conn, Address peer)
    : leader_(leader), ctx_(leader.ctx_), conn_(conn), peer_(peer) {
  ZAB_ASSERT(!leader_.is_shutdown(), "a leader that shut down accepts no learner");
  ZAB_ASSERT(ctx_.config.init_limit > 0, "initLimit is a positive number of ticks");
  // getTickOfInitialAckDeadline: the tick stands still until BROADCAST, so a syncing learner
  // has initLimit + syncLimit ticks.
  tick_of_next_ack_deadline_ = leader_.tick_ + static_cast<std::uint64_t>(ctx_.config.init_limit + ctx_.config.sync_limit);
  read_timeout_ = ctx_.config.init_limit_time();
  arm_read_timeout(read_timeout_);
}

void LearnerHandler::set_timer(Timer which, Duration after) {
  ZAB_ASSERT(which <= kStartupPoll, "a learner handler's timer is one of its three");
  ZAB_ASSERT(conn_.value < (UINT64_MAX >> 8), "a handler's connection id leaves room for its timer bits");
  ctx_.set_timer(TimerSpace::kLeader, (conn_.value << 4) | which, after);
}
void LearnerHandler::cancel_timer(Timer which) {
  ZAB_ASSERT(which <= kStartupPoll, "a learner handler's timer is one of its three");
  ctx_.cancel_timer(TimerSpace::kLeader, (conn_.value << 4) | which);
}
void LearnerHandler::arm_read_timeout(Duration timeout) {
  ZAB_ASSERT(!dead(), "a dead handler reads nothing, so it arms no read timeout");
  ZAB_ASSERT(timeout > Duration{}, "the socket timeout is initLimit or syncLimit ticks, never zero");
  set_timer(kReadTimeout, timeout);
}

void LearnerHandler::send_now(const QuorumPacket& packet) {
  ZAB_ASSERT(!dead(), "a dead handler's socket is closed: nothing is written to it");
  ZAB_ASSERT(packet.type != PacketType::kProposal || sending_started_,
             "PROPOSALs reach the socket only through the queue, once the sender runs");
  if (packet.type == PacketType::kProposal && sync_limit_check_started_) {
    // SyncLimitCheck.updateProposal: track the oldest and the newest un-acked proposal.
    if (!sync_current_) {
      sync_current_ = std::make_pair(packet.zxid, ctx_.now_ms());
    } else {
      sync_next_ = std::make_pair(packet.zxid, ctx_.now_ms());
    }
  }
  ctx_.send(conn_, packet);
}

void LearnerHandler::queue_packet(const QuorumPacket& packet) {
  if (dead()) return;
  ZAB_ASSERT(packet.type != PacketType::kLeaderInfo, "LEADERINFO is written directly, never queued");
  ZAB_ASSERT(packet.type != PacketType::kSnap, "SNAP is written directly, ahead of the queue");
  if (sending_started_) {
    send_now(packet);
  } else {
    queued_.push_back(packet);
  }
}

void LearnerHandler::shutdown(LearnerDropReason reason) {
  if (dead()) return;
  state_ = State::kDead;
  ZAB_ASSERT(conn_.value != 0, "a handler has a real connection to close");
  ctx_.emit(ev::LearnerDropped{sid_.value_or(ServerId{}), reason});
  for (Timer t : {kReadTimeout, kWaitDeadline, kStartupPoll}) cancel_timer(t);
  ctx_.close(conn_);
  queued_.clear();
}

void LearnerHandler::on_timer(std::uint64_t which) {
  if (dead()) return;
  switch (which) {
    case kReadTimeout:
      shutdown(LearnerDropReason::kReadTimeout);
      return;
    case kWaitDeadline:
      // A getEpochToPropose / waitForEpochAck / waitForNewLeaderAck timeout kills this handler —
      // unless the epoch is decided and being written under the monitor: the timed wait then
      // ends blocked on the monitor and finds the epoch decided (see Leader::on_timer).
      if (state_ == State::kWaitEpoch && !leader_.waiting_for_new_epoch_) return;
      if (state_ == State::kWaitEpoch || state_ == State::kWaitEpochAckQuorum ||
          state_ == State::kWaitNewLeaderQuorum) {
        shutdown(LearnerDropReason::kWaitTimeout);
      }
      return;
    case kStartupPoll:
      if (state_ == State::kWaitStartup) leader_started();
      return;
    default:
      ZAB_ASSERT(false, "a learner handler's timer is one of its three");
  }
}

void LearnerHandler::on_message(const QuorumPacket& packet) {
  if (dead()) return;
  ZAB_ASSERT(sid_.has_value() || state_ == State::kWaitFollowerInfo, "past FOLLOWERINFO a handler knows its learner's sid");
  switch (state_) {
    case State::kWaitFollowerInfo:
      on_follower_info(packet);
      return;
    case State::kWaitAckEpoch:
      on_ack_epoch(packet);
      return;
    case State::kWaitNewLeaderAck:
      on_new_leader_ack(packet);
      return;
    case State::kBroadcast:
      on_broadcast_packet(packet);
      return;
    default:
      // The thread is blocked in a wait and reads nothing: what arrives waits in the socket.
      // Learners send nothing while the leader holds them here, except after NEWLEADER, so
      // keeping it is only needed for ACKs, which the broadcast loop re-reads in order.
      inbox_.push_back(packet);
      return;
  }
}

// LearnerHandler.run: the first packet names the learner and its last accepted epoch.
void LearnerHandler::on_follower_info(const QuorumPacket& packet) {
  ZAB_ASSERT(!sid_.has_value(), "FOLLOWERINFO is the first packet: the learner is not yet named");
  if (packet.type != PacketType::kFollowerInfo || !packet.data) {
    shutdown(LearnerDropReason::kBadPacket);
    return;
  }
  const auto info = decode_learner_info(*packet.data);
  if (!info) {
    shutdown(LearnerDropReason::kBadPacket);
    return;
  }
  sid_ = info->sid;
  ZAB_ASSERT(state_ == State::kWaitFollowerInfo, "FOLLOWERINFO is read once, first");
  cancel_timer(kReadTimeout);  // the thread now blocks in getEpochToPropose, not in a read
  state_ = State::kWaitEpoch;
  set_timer(kWaitDeadline, ctx_.config.init_limit_time());
  if (leader_.get_epoch_to_propose(*sid_, packet.zxid.epoch())) {
    ctx_.out->push_back(coverage(CoverageMark::kLateJoiner));
    epoch_decided();
  }
}

// LearnerHandler.run: ACKEPOCH carries the learner's currentEpoch and last zxid.
void LearnerHandler::on_ack_epoch(const QuorumPacket& packet) {
  ZAB_ASSERT(state_ == State::kWaitAckEpoch, "ACKEPOCH is read only after LEADERINFO went out");
  arm_read_timeout(read_timeout_);
  if (packet.type != PacketType::kAckEpoch || !packet.data) {
    shutdown(LearnerDropReason::kBadPacket);
    return;
  }
  const auto epoch = decode_int(*packet.data);
  if (!epoch) {
    shutdown(LearnerDropReason::kBadPacket);
    return;
  }
  summary_ = StateSummary{*epoch, packet.zxid};
  ZAB_ASSERT(sid_.has_value(), "ACKEPOCH follows FOLLOWERINFO, which named the learner (LearnerHandler.run)");
  ZAB_ASSERT(leader_.epoch_ > 0, "ACKEPOCH answers the LEADERINFO of a decided epoch");
  cancel_timer(kReadTimeout);
  state_ = State::kWaitEpochAckQuorum;
  set_timer(kWaitDeadline, ctx_.config.init_limit_time());
  bool ahead = false;
  if (leader_.wait_for_epoch_ack(*sid_, summary_, ahead)) {
    epoch_ack_quorum_formed();
  } else if (ahead) {
    ctx_.out->push_back(coverage(CoverageMark::kFollowerAhead));
    shutdown(LearnerDropReason::kFollowerAhead);
  }
}

void LearnerHandler::on_new_leader_ack(const QuorumPacket& packet) {
  ZAB_ASSERT(state_ == State::kWaitNewLeaderAck, "the NEWLEADER ACK is read only after NEWLEADER went out");
  // Exactly one packet is read here, and any ACK is taken as the NEWLEADER ACK: a proposal
  // ACK that overtakes it is not counted (ZOOKEEPER-4685) but the handler goes on.
  if (packet.type != PacketType::kAck) {
    shutdown(LearnerDropReason::kBadPacket);
    return;
  }
  cancel_timer(kReadTimeout);
  ZAB_ASSERT(sid_.has_value(), "the NEWLEADER ACK comes from a learner that said who it is");
  ZAB_ASSERT(sending_started_, "NEWLEADER was sent, so the sender runs");
  state_ = State::kWaitNewLeaderQuorum;
  set_timer(kWaitDeadline, ctx_.config.init_limit_time());
  if (leader_.wait_for_new_leader_ack(*sid_, packet.zxid)) new_leader_quorum_formed();
}

// LearnerHandler.run's main loop: ACKs, PINGs and forwarded REQUESTs.
void LearnerHandler::on_broadcast_packet(const QuorumPacket& packet) {
  ZAB_ASSERT(state_ == State::kBroadcast, "the main loop reads only once the learner is synced");
  arm_read_timeout(read_timeout_);
  // Every packet read moves the ack deadline (LearnerHandler.run main loop).
  ZAB_ASSERT(sid_.has_value(), "a learner in broadcast said who it is");
  ZAB_ASSERT(forwarding_, "a learner in broadcast is forwarded every proposal");
  tick_of_next_ack_deadline_ = leader_.tick_ + static_cast<std::uint64_t>(ctx_.config.sync_limit);
  switch (packet.type) {
    case PacketType::kAck:
      if (sync_limit_check_started_) {
        if (sync_current_ && sync_current_->first == packet.zxid) {
          sync_current_ = sync_next_;
          sync_next_.reset();
        } else if (sync_next_ && sync_next_->first == packet.zxid) {
          sync_next_.reset();
        }
      }
      leader_.process_ack(*sid_, packet.zxid);
      return;
    case PacketType::kPing:
      // The learner's session touches ride in the reply.
      if (packet.data) {
        if (auto touches = decode_session_touches(*packet.data)) {
          ctx_.hand_to_clients(handoff::TouchSessions{std::move(*touches)});
        }
      }
      // No assertion that replies <= pings: an out-of-model duplicate can break it.
      ++ping_replies_;
      leader_.on_ping_reply();
      return;
    case PacketType::kRequest: {
      const auto request = packet.data ? decode_learner_request(*packet.data) : std::nullopt;
      if (!request) {
        shutdown(LearnerDropReason::kBadPacket);
        return;
      }
      if (request->type == OpCode::kSync) {
        leader_.process_sync(conn_);
      } else {
        ctx_.hand_to_clients(handoff::LearnerRequest{*request});
      }
      return;
    }
    default:
      return;  // "unexpected packet": logged and ignored by ZooKeeper
  }
}

void LearnerHandler::epoch_decided() {
  ZAB_ASSERT(!leader_.waiting_for_new_epoch_, "the epoch waiters wake once the epoch is decided");
  if (state_ != State::kWaitEpoch) return;
  cancel_timer(kWaitDeadline);
  ZAB_ASSERT(sid_.has_value(), "a handler blocked in getEpochToPropose read FOLLOWERINFO");
  send_leader_info();
}

void LearnerHandler::send_leader_info() {
  ZAB_ASSERT(state_ == State::kWaitEpoch, "LEADERINFO is sent once, when the epoch is decided");
  ZAB_ASSERT(leader_.epoch_ > 0, "LEADERINFO carries a proposed epoch");
  ZAB_ASSERT(leader_.epoch_ <= UINT32_MAX, "LEADERINFO's epoch fits the zxid's 32 epoch bits");
  // Written directly to the socket, not through the queue.
  send_now(QuorumPacket{PacketType::kLeaderInfo, Zxid::make(static_cast<Epoch>(leader_.epoch_), 0),
                        encode_int(kProtocolVersion)});
  state_ = State::kWaitAckEpoch;
  arm_read_timeout(read_timeout_);
}

void LearnerHandler::epoch_ack_quorum_formed() {
  if (state_ != State::kWaitEpochAckQuorum) return;
  ZAB_ASSERT(leader_.election_finished_, "the ACKEPOCH waiters wake once the epoch is agreed");
  cancel_timer(kWaitDeadline);
  synchronize();
}

void LearnerHandler::synchronize() {
  ZAB_ASSERT(state_ == State::kWaitEpochAckQuorum, "the sync starts once the ACKEPOCH quorum formed");
  ZAB_ASSERT(!sending_started_, "nothing is queued to the learner before its sync");
  ZAB_ASSERT(!forwarding_, "forwarding starts during the sync, once");
  const TxnLogView view = ctx_.syncer.txn_log_view(ctx_.db.last_snapshot_bytes(), ctx_.db.last_snapshot_zxid());
  const SyncInputs inputs{.peer_last_zxid = summary_.last_zxid,
                          .committed_log = &ctx_.db.committed_log(),
                          .last_processed_zxid = ctx_.db.last_processed_zxid(),
                          .snapshot_size_factor = ctx_.config.snapshot_size_factor,
                          .txn_log = &view,
                          .mutations = ctx_.config.mutations};
  SyncPlan plan = plan_sync(inputs);
  ZAB_ASSERT(plan.mode == SyncMode::kSnap || !plan.queued.empty(), "a DIFF or TRUNC sync queues at least its DIFF or TRUNC");
  ZAB_ASSERT(plan.mode != SyncMode::kSnap || plan.queued.empty(), "a SNAP sync queues no DIFF/TRUNC packets");
  ctx_.emit(ev::SyncChosen{.learner = *sid_,
                           .mode = plan.mode,
                           .peer_zxid = summary_.last_zxid,
                           .forward_from = plan.current_zxid});
  switch (plan.mode) {
    case SyncMode::kDiff:
      ctx_.out->push_back(coverage(plan.empty_diff ? CoverageMark::kSyncEmptyDiff : CoverageMark::kSyncDiff));
      break;
    case SyncMode::kTrunc: ctx_.out->push_back(coverage(CoverageMark::kSyncTrunc)); break;
    case SyncMode::kTruncDiff: ctx_.out->push_back(coverage(CoverageMark::kSyncTruncDiff)); break;
    case SyncMode::kSnap: ctx_.out->push_back(coverage(CoverageMark::kSyncSnap)); break;
  }
  if (plan.from_txn_log) ctx_.out->push_back(coverage(CoverageMark::kSyncDiffFromTxnLog));
  for (QuorumPacket& p : plan.queued) queued_.push_back(std::move(p));
  leader_.start_forwarding(*this, plan.current_zxid);
  ZAB_ASSERT(forwarding_, "startForwarding made this handler forward");
  if (plan.mode == SyncMode::kSnap) {
    // SNAP and the serialized tree go straight to the socket, ahead of everything queued.
    send_now(QuorumPacket{PacketType::kSnap, ctx_.db.last_processed_zxid(), std::nullopt});
    send_now(QuorumPacket{PacketType::kSnapshotData, Zxid::zero(), ctx_.db.serialize_snapshot()});
  }
  // NEWLEADER at the tail of the queue, after every sync packet and forwarded proposal
  // (ZOOKEEPER-3104), then the sender starts.
  queued_.push_back(QuorumPacket{PacketType::kNewLeader, Zxid::make(static_cast<Epoch>(leader_.epoch_), 0), Bytes{}});
  sending_started_ = true;
  ZAB_ASSERT(queued_.back().type == PacketType::kNewLeader, "NEWLEADER closes the sync's queue (ZOOKEEPER-3104)");
  while (!queued_.empty()) {
    send_now(queued_.front());
    queued_.pop_front();
  }
  state_ = State::kWaitNewLeaderAck;
  ZAB_ASSERT(queued_.empty(), "the sender drained the whole sync queue");
  arm_read_timeout(read_timeout_);
}

void LearnerHandler::new_leader_quorum_formed() {
  if (state_ != State::kWaitNewLeaderQuorum) return;
  cancel_timer(kWaitDeadline);
  after_new_leader_ack();
}

void LearnerHandler::after_new_leader_ack() {
  ZAB_ASSERT(state_ == State::kWaitNewLeaderQuorum, "the NEWLEADER ACK is followed once by waitForStartup");
  ZAB_ASSERT(!sync_limit_check_started_, "the sync-limit check starts once, after the NEWLEADER ACK");
  sync_limit_check_started_ = true;
  read_timeout_ = ctx_.config.sync_limit_time();
  state_ = State::kWaitStartup;
  leader_started();
}

void LearnerHandler::leader_started() {
  if (state_ != State::kWaitStartup) return;
  if (!leader_.serving()) {
    set_timer(kStartupPoll, kStartupPollInterval);
    return;
  }
  queue_packet(QuorumPacket{PacketType::kUpToDate, Zxid::from_raw(UINT64_MAX), std::nullopt});
  ZAB_ASSERT(sending_started_, "UPTODATE goes out through the running sender");
  ZAB_ASSERT(forwarding_, "a learner told UPTODATE is forwarded the broadcast");
  state_ = State::kBroadcast;
  arm_read_timeout(read_timeout_);
  if (leader_.quorum_sync()) leader_.on_learner_up_to_date(*this);
  // What the learner sent while this thread was blocked is read now, in order.
  std::deque<QuorumPacket> pending = std::move(inbox_);
  inbox_.clear();
  for (const QuorumPacket& p : pending) {
    on_message(p);
    if (dead()) return;
  }
}

void LearnerHandler::ping() {
  if (dead() || !sending_started_) return;
  ZAB_ASSERT(sid_.has_value(), "a handler that sends has read FOLLOWERINFO");
  ZAB_ASSERT(!sync_current_ || sync_limit_check_started_, "un-acked proposals are tracked only once the check started");
  // SyncLimitCheck.check: the oldest un-acked proposal must be younger than syncLimit ticks.
  if (sync_limit_check_started_ && sync_current_ &&
      ctx_.now_ms() - sync_current_->second >= ctx_.config.sync_limit_time().count_ms()) {
    ctx_.out->push_back(coverage(CoverageMark::kLearnerSyncLimit));
    shutdown(LearnerDropReason::kSyncLimit);
    return;
  }
  send_ping();
}

void LearnerHandler::send_ping() {
  ZAB_ASSERT(!dead(), "a dead handler sends no ping");
  ZAB_ASSERT(sending_started_, "pings go through the running sender");
  queue_packet(QuorumPacket{PacketType::kPing, leader_.last_proposed_, std::nullopt});
  if (state_ == State::kBroadcast) ++pings_sent_;
}

std::uint64_t LearnerHandler::confirm_ping() {
  if (state_ != State::kBroadcast || !sending_started_) return 0;
  ZAB_ASSERT(!dead(), "a handler in broadcast is alive");
  send_ping();
  ZAB_ASSERT(pings_sent_ > 0, "a confirming ping was counted");
  return pings_sent_;
}

void LearnerHandler::check_invariants() const {
  ZAB_ASSERT(sid_.has_value() || state_ == State::kWaitFollowerInfo || state_ == State::kDead,
             "past FOLLOWERINFO a handler knows its learner's sid");
  ZAB_ASSERT(!sending_started_ || forwarding_, "the sender starts after startForwarding, at the end of the sync");
  ZAB_ASSERT(!forwarding_ || sid_.has_value(), "forwarding goes to a learner that said who it is");
  ZAB_ASSERT(!sending_started_ || queued_.empty(), "a running sender leaves nothing queued");
  ZAB_ASSERT(!dead() || queued_.empty(), "a dead handler drops its queue");
  ZAB_ASSERT(state_ != State::kBroadcast || sending_started_, "a learner in broadcast is sent to directly");
  ZAB_ASSERT(state_ != State::kBroadcast || sync_limit_check_started_, "the sync-limit check runs in broadcast");
  ZAB_ASSERT(!sync_next_ || sync_current_, "a newer un-acked proposal is tracked only behind an older one");
  ZAB_ASSERT(!sync_current_ || sync_limit_check_started_, "un-acked proposals are tracked once the check started");
  ZAB_ASSERT(!sync_next_ || sync_next_->first > sync_current_->first || ctx_.config.mutations.any(),
             "the newest un-acked proposal is newer than the oldest");
  ZAB_ASSERT(inbox_.empty() || state_ != State::kWaitFollowerInfo, "nothing is held back before FOLLOWERINFO");
  ZAB_ASSERT(inbox_.empty() || state_ != State::kBroadcast, "in broadcast the held packets were all read");
  ZAB_ASSERT(read_timeout_ == ctx_.config.init_limit_time() || read_timeout_ == ctx_.config.sync_limit_time(),
             "the socket timeout is initLimit ticks, then syncLimit ticks after the NEWLEADER quorum");
  ZAB_ASSERT(pings_sent_ == 0 || state_ == State::kBroadcast || state_ == State::kDead,
             "pings are counted only from UPTODATE on");
  const bool synced_or_later = state_ == State::kWaitNewLeaderAck || state_ == State::kWaitNewLeaderQuorum ||
                               state_ == State::kWaitStartup || state_ == State::kBroadcast;
  ZAB_ASSERT(!synced_or_later || sending_started_, "NEWLEADER went out, so the sender runs");
  ZAB_ASSERT(!synced_or_later || forwarding_, "from the sync on, the learner is forwarded the broadcast");
  ZAB_ASSERT(synced_or_later || state_ == State::kDead || !sending_started_, "the sender starts at the end of the sync");
  ZAB_ASSERT(state_ == State::kWaitFollowerInfo || state_ == State::kWaitEpoch || state_ == State::kDead ||
                 !leader_.waiting_for_new_epoch_,
             "LEADERINFO went out only once the epoch was decided");
  ZAB_ASSERT(!sync_limit_check_started_ || state_ == State::kWaitStartup || state_ == State::kBroadcast ||
                 state_ == State::kDead,
             "the sync-limit check starts after the NEWLEADER quorum");
}

}  // namespace zab
