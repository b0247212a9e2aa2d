#include "protocol/learner_handler.h"

#include "protocol/assert.h"
#include "protocol/client_port.h"
#include "protocol/coverage.h"
#include "protocol/learner_request.h"
#include "protocol/log_syncer.h"
#include "protocol/sync_follower.h"
#include "protocol/zk_database.h"

namespace zab {

namespace {
// Leader.waitForStartup polls the server state every 20 ms.
constexpr Duration kStartupPollInterval = Duration::ms(20);
constexpr std::int32_t kProtocolVersion = 0x10000;
}  // namespace

LearnerHandler::LearnerHandler(Leader& leader, ConnId conn, Address peer)
    : leader_(leader), ctx_(leader.ctx_), conn_(conn), peer_(peer) {
  // getTickOfInitialAckDeadline: the tick stands still until BROADCAST, so a syncing learner
  // has initLimit + syncLimit ticks.
  tick_of_next_ack_deadline_ = leader_.tick_ + static_cast<std::uint64_t>(ctx_.config.init_limit + ctx_.config.sync_limit);
  read_timeout_ = ctx_.config.init_limit_time();
  arm_read_timeout(read_timeout_);
}

void LearnerHandler::set_timer(Timer which, Duration after) {
  ctx_.set_timer(TimerSpace::kLeader, (conn_.value << 4) | which, after);
}
void LearnerHandler::cancel_timer(Timer which) { ctx_.cancel_timer(TimerSpace::kLeader, (conn_.value << 4) | which); }
void LearnerHandler::arm_read_timeout(Duration timeout) { set_timer(kReadTimeout, timeout); }

void LearnerHandler::send_now(const QuorumPacket& packet) {
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
  if (sending_started_) {
    send_now(packet);
  } else {
    queued_.push_back(packet);
  }
}

void LearnerHandler::shutdown(LearnerDropReason reason) {
  if (dead()) return;
  state_ = State::kDead;
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
      // A getEpochToPropose / waitForEpochAck / waitForNewLeaderAck timeout kills this handler.
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
  switch (state_) {
    case State::kWaitFollowerInfo: {
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
      cancel_timer(kReadTimeout);  // the thread now blocks in getEpochToPropose, not in a read
      state_ = State::kWaitEpoch;
      set_timer(kWaitDeadline, ctx_.config.init_limit_time());
      if (leader_.get_epoch_to_propose(*sid_, packet.zxid.epoch())) {
        ctx_.out->push_back(coverage(CoverageMark::kLateJoiner));
        epoch_decided();
      }
      return;
    }
    case State::kWaitAckEpoch: {
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
      return;
    }
    case State::kWaitNewLeaderAck: {
      // Exactly one packet is read here, and any ACK is taken as the NEWLEADER ACK: a proposal
      // ACK that overtakes it is not counted (ZOOKEEPER-4685) but the handler goes on.
      if (packet.type != PacketType::kAck) {
        shutdown(LearnerDropReason::kBadPacket);
        return;
      }
      cancel_timer(kReadTimeout);
      state_ = State::kWaitNewLeaderQuorum;
      set_timer(kWaitDeadline, ctx_.config.init_limit_time());
      if (leader_.wait_for_new_leader_ack(*sid_, packet.zxid)) new_leader_quorum_formed();
      return;
    }
    case State::kBroadcast: {
      arm_read_timeout(read_timeout_);
      // Every packet read moves the ack deadline (LearnerHandler.run main loop).
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
          if (packet.data && ctx_.clients != nullptr) {
            if (const auto touches = decode_session_touches(*packet.data)) ctx_.clients->touch_sessions(*touches);
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
          } else if (ctx_.clients != nullptr) {
            ctx_.clients->submit_learner_request(*request);
          }
          return;
        }
        default:
          return;  // "unexpected packet": logged and ignored by ZooKeeper
      }
    }
    default:
      // The thread is blocked in a wait and reads nothing: what arrives waits in the socket.
      // Learners send nothing while the leader holds them here, except after NEWLEADER, so
      // keeping it is only needed for ACKs, which the broadcast loop re-reads in order.
      inbox_.push_back(packet);
      return;
  }
}

void LearnerHandler::epoch_decided() {
  if (state_ != State::kWaitEpoch) return;
  cancel_timer(kWaitDeadline);
  send_leader_info();
}

void LearnerHandler::send_leader_info() {
  // Written directly to the socket, not through the queue.
  send_now(QuorumPacket{PacketType::kLeaderInfo, Zxid::make(static_cast<Epoch>(leader_.epoch_), 0),
                        encode_int(kProtocolVersion)});
  state_ = State::kWaitAckEpoch;
  arm_read_timeout(read_timeout_);
}

void LearnerHandler::epoch_ack_quorum_formed() {
  if (state_ != State::kWaitEpochAckQuorum) return;
  cancel_timer(kWaitDeadline);
  synchronize();
}

void LearnerHandler::synchronize() {
  const TxnLogView view = ctx_.syncer.txn_log_view(ctx_.db.last_snapshot_bytes(), ctx_.db.last_snapshot_zxid());
  const SyncInputs inputs{.peer_last_zxid = summary_.last_zxid,
                          .committed_log = &ctx_.db.committed_log(),
                          .last_processed_zxid = ctx_.db.last_processed_zxid(),
                          .snapshot_size_factor = ctx_.config.snapshot_size_factor,
                          .txn_log = &view,
                          .mutations = ctx_.config.mutations};
  SyncPlan plan = plan_sync(inputs);
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
  if (plan.mode == SyncMode::kSnap) {
    // SNAP and the serialized tree go straight to the socket, ahead of everything queued.
    send_now(QuorumPacket{PacketType::kSnap, ctx_.db.last_processed_zxid(), std::nullopt});
    send_now(QuorumPacket{PacketType::kSnapshotData, Zxid::zero(), ctx_.db.serialize_snapshot()});
  }
  // NEWLEADER at the tail of the queue, after every sync packet and forwarded proposal
  // (ZOOKEEPER-3104), then the sender starts.
  queued_.push_back(QuorumPacket{PacketType::kNewLeader, Zxid::make(static_cast<Epoch>(leader_.epoch_), 0), Bytes{}});
  sending_started_ = true;
  while (!queued_.empty()) {
    send_now(queued_.front());
    queued_.pop_front();
  }
  state_ = State::kWaitNewLeaderAck;
  arm_read_timeout(read_timeout_);
}

void LearnerHandler::new_leader_quorum_formed() {
  if (state_ != State::kWaitNewLeaderQuorum) return;
  cancel_timer(kWaitDeadline);
  after_new_leader_ack();
}

void LearnerHandler::after_new_leader_ack() {
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
  queue_packet(QuorumPacket{PacketType::kPing, leader_.last_proposed_, std::nullopt});
  if (state_ == State::kBroadcast) ++pings_sent_;
}

std::uint64_t LearnerHandler::confirm_ping() {
  if (state_ != State::kBroadcast || !sending_started_) return 0;
  send_ping();
  return pings_sent_;
}

}  // namespace zab
