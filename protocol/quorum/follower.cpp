#include "protocol/quorum/follower.h"

#include <algorithm>

#include "protocol/base/assert.h"
#include "protocol/base/coverage.h"
#include "protocol/client_port/client_port.h"
#include "protocol/quorum/learner_request.h"
#include "protocol/persistence/epoch_store.h"
#include "protocol/persistence/log_syncer.h"
#include "protocol/database/zk_database.h"

namespace zab {

Follower::Follower(PeerContext& ctx, ServerId leader) : ctx_(ctx), leader_(leader) {
  ZAB_ASSERT(leader_ != ctx_.config.my_id, "a follower follows another server (a server that wins leads)");
  ZAB_ASSERT(ctx_.config.is_voter(leader_), "the leader a follower connects to is one of the ensemble's voters");
  read_timeout_ = ctx_.config.init_limit_time();
}

void Follower::follow_leader() {
  ZAB_ASSERT(state_ == State::kConnecting, "followLeader starts a new follower, which is still connecting");
  ZAB_ASSERT(connect_attempts_ == 0, "followLeader runs once per follower term");
  connect_deadline_ms_ = ctx_.now_ms() + ctx_.config.init_limit_time().count_ms();
  attempt_connect();
}

void Follower::attempt_connect() {
  ZAB_ASSERT(state_ == State::kConnecting, "connectToLeader retries only while no connection is up");
  ZAB_ASSERT(!conn_.has_value(), "a follower that is connecting has no leader connection yet");
  // Learner.connectToLeader: up to 5 attempts within initLimit ticks, 100 ms apart.
  const std::int64_t remaining_ms = connect_deadline_ms_ - ctx_.now_ms();
  ++connect_attempts_;
  connect_tag_ = timer_id(TimerSpace::kLearner, 100 + static_cast<std::uint64_t>(connect_attempts_));
  const std::int64_t timeout_ms = std::max<std::int64_t>(1, std::min(ctx_.config.init_limit_time().count_ms(), remaining_ms));
  ctx_.out->push_back(out::Connect{leader_.address(), kQuorumPort, connect_tag_, Duration::ms(timeout_ms)});
}

void Follower::on_connect_failed(std::uint64_t tag) {
  if (state_ != State::kConnecting || tag != connect_tag_) return;
  ZAB_ASSERT(!conn_.has_value(), "the attempt that failed was the only one: no connection is up");
  ZAB_ASSERT(connect_attempts_ >= 1, "a connect failure answers an attempt that was made");
  const std::int64_t remaining_ms = connect_deadline_ms_ - ctx_.now_ms();
  if (remaining_ms <= ctx_.config.leader_connect_retry_delay.count_ms() ||
      connect_attempts_ >= ctx_.config.leader_connect_attempts) {
    exit(FollowerExitReason::kConnectFailed);
    return;
  }
  ctx_.set_timer(TimerSpace::kLearner, kConnectRetry, ctx_.config.leader_connect_retry_delay);
}

void Follower::on_connection_up(ConnId conn, std::uint64_t tag) {
  if (state_ != State::kConnecting || tag != connect_tag_) {
    ctx_.close(conn);  // a late answer to an attempt we gave up on
    return;
  }
  conn_ = conn;
  ZAB_ASSERT(timer_space(tag) == TimerSpace::kLearner, "a learner's connection answers a learner's connect tag");
  // registerWithLeader: the last zxid is read before anything is sent; FOLLOWERINFO carries
  // <acceptedEpoch, 0>, not the last zxid.
  last_logged_zxid_ = ctx_.db.last_processed_zxid();
  ZAB_ASSERT(ctx_.epochs.accepted() >= ctx_.epochs.current(),
             "FOLLOWERINFO's acceptedEpoch is at least the currentEpoch (an epoch is accepted first)");
  send(QuorumPacket{PacketType::kFollowerInfo, Zxid::make(ctx_.epochs.accepted(), 0),
                    encode_learner_info(LearnerInfo{ctx_.config.my_id})});
  state_ = State::kAwaitLeaderInfo;
  arm_read_timeout();
}

void Follower::send(const QuorumPacket& packet) {
  ZAB_ASSERT(state_ != State::kConnecting || packet.type == PacketType::kFollowerInfo,
             "nothing but FOLLOWERINFO is sent before the handshake began");
  ZAB_ASSERT(state_ != State::kExited || !conn_.has_value(), "an exited follower has closed its connection");
  if (conn_) ctx_.send(*conn_, packet);
}

void Follower::arm_read_timeout() {
  ZAB_ASSERT(state_ != State::kExited, "an exited follower reads nothing, so it arms no read timeout");
  ZAB_ASSERT(read_timeout_.count_ms() > 0, "the socket timeout is initLimit or syncLimit ticks, never zero");
  ctx_.set_timer(TimerSpace::kLearner, kReadTimeout, read_timeout_);
}

void Follower::on_timer(std::uint64_t local) {
  if (state_ == State::kExited) return;
  ZAB_ASSERT(local == kConnectRetry || local == kReadTimeout, "a learner's timer is its connect retry or its read timeout");
  if (local == kConnectRetry && state_ == State::kConnecting) {
    attempt_connect();
  } else if (local == kReadTimeout && state_ != State::kConnecting) {
    // SO_TIMEOUT bounds a read; a thread inside a synchronous write is not reading. The
    // timeout is armed again when reading resumes (send_ack_epoch, send_new_leader_ack).
    if (blocked_in_write()) return;
    ctx_.out->push_back(coverage(CoverageMark::kFollowerReadTimeout));
    exit(FollowerExitReason::kReadTimeout);
  }
}

void Follower::on_connection_down(ConnId conn) {
  if (!owns(conn)) return;
  ZAB_ASSERT(state_ != State::kConnecting, "a follower owns a connection only once it came up");
  conn_.reset();
  if (blocked_in_write()) {
    // The Learner thread is inside a synchronous write (an epoch file, the NEWLEADER snapshot
    // or log): it meets the closed socket only at its next write to it, ACKEPOCH or the
    // NEWLEADER ACK, and finishes the disk write first. So a slow acceptedEpoch write is
    // durable before the server goes LOOKING, and the next LEADERINFO of that epoch finds
    // it accepted (no second write of one epoch, which ZooKeeper never makes).
    leader_gone_ = true;
    held_.clear();
    return;
  }
  exit(FollowerExitReason::kConnectionLost);
}

bool Follower::blocked_in_write() const {
  return state_ == State::kPersistingAcceptedEpoch || state_ == State::kNewLeaderSnapshot ||
         state_ == State::kNewLeaderLogging || state_ == State::kNewLeaderEpoch;
}

void Follower::exit(FollowerExitReason reason) {
  if (state_ == State::kExited) return;
  ZAB_ASSERT(!exit_reason_.has_value(), "a follower exits once: the reason is set only on exit");
  // ZooKeeper resets the sync mode to NONE at NEWLEADER right after its snapshot, so only an
  // exit before that counts as an interrupted SNAP (Learner.shutdown's fullyShutDown).
  interrupted_snap_ = sync_mode_ == SyncMode::kSnap &&
                      (state_ == State::kAwaitSnapshotData || state_ == State::kSyncing ||
                       state_ == State::kNewLeaderSnapshot);
  state_ = State::kExited;
  exit_reason_ = reason;
  ZAB_ASSERT(!interrupted_snap_ || sync_mode_ == SyncMode::kSnap, "only a SNAP sync can be interrupted as a SNAP");
  ctx_.emit(ev::FollowerExit{reason});
  ctx_.cancel_timer(TimerSpace::kLearner, kReadTimeout);
  ctx_.cancel_timer(TimerSpace::kLearner, kConnectRetry);
  if (conn_) ctx_.close(*conn_);
  conn_.reset();
}

// --- Discovery ----------------------------------------------------------------------------

void Follower::on_message(ConnId conn, const QuorumPacket& packet) {
  if (!owns(conn) || state_ == State::kExited) return;
  ZAB_ASSERT(conn_.has_value(), "a follower that owns a connection has one");
  arm_read_timeout();
  switch (state_) {
    case State::kAwaitLeaderInfo: {
      if (packet.type != PacketType::kLeaderInfo) {
        exit(FollowerExitReason::kBadPacket);
        return;
      }
      const Epoch new_epoch = packet.zxid.epoch();
  ZAB_ASSERT(last_logged_zxid_ <= ctx_.db.last_processed_zxid() || ctx_.config.mutations.any(),
             "nothing moves lastProcessedZxid back between FOLLOWERINFO and LEADERINFO");
      new_epoch_zxid_ = Zxid::make(new_epoch, 0);
      const Epoch accepted = ctx_.epochs.accepted();
      if (new_epoch > accepted) {
        // Persist acceptedEpoch before ACKEPOCH, which carries the *old* currentEpoch.
        state_ = State::kPersistingAcceptedEpoch;
        ctx_.epochs.persist(EpochKind::kAccepted, new_epoch, *ctx_.out);
      } else if (new_epoch == accepted) {
        // Already accepted (a reconnect): -1 tells the leader not to count this ack.
        ctx_.out->push_back(coverage(CoverageMark::kEpochAlreadyAccepted));
        send_ack_epoch(-1);
      } else {
        ctx_.out->push_back(coverage(CoverageMark::kLeaderEpochLower));
        exit(FollowerExitReason::kEpochLower);  // "Leaders epoch, N is less than accepted epoch, A"
      }
      return;
    }
    case State::kSyncFirstPacket:
    case State::kAwaitSnapshotData:
    case State::kSyncing:
    case State::kSyncingAfterNewLeader:
      handle_sync_packet(packet);
      return;
    case State::kBroadcast:
      process_packet(packet);
      return;
    case State::kPersistingAcceptedEpoch:
    case State::kNewLeaderSnapshot:
    case State::kNewLeaderLogging:
    case State::kNewLeaderEpoch:
      // The thread is inside a synchronous write; what arrives waits in the socket buffer.
      held_.push_back(packet);
      return;
    case State::kConnecting:
    case State::kExited:
      return;
  }
}

void Follower::on_accepted_epoch_persisted(Epoch epoch) {
  if (state_ != State::kPersistingAcceptedEpoch || epoch != new_epoch_zxid_.epoch()) return;
  ZAB_ASSERT(ctx_.epochs.accepted() == epoch, "the persisted acceptedEpoch is the one the leader proposed");
  ZAB_ASSERT(ctx_.epochs.current() < epoch, "a newly accepted epoch is above the currentEpoch ACKEPOCH carries");
  send_ack_epoch(static_cast<std::int32_t>(ctx_.epochs.current()));
}

void Follower::send_ack_epoch(std::int32_t payload) {
  if (leader_gone_) {
    exit(FollowerExitReason::kConnectionLost);  // the write to the closed socket fails
    return;
  }
  ZAB_ASSERT(payload >= -1, "ACKEPOCH carries the currentEpoch, or -1 for an epoch already accepted");
  ZAB_ASSERT(ctx_.epochs.accepted() == new_epoch_zxid_.epoch(), "ACKEPOCH goes out once the leader's epoch is accepted");
  send(QuorumPacket{PacketType::kAckEpoch, last_logged_zxid_, encode_int(payload)});
  state_ = State::kSyncFirstPacket;
  arm_read_timeout();  // syncWithLeader reads next
  drain_held();
}

void Follower::drain_held() {
  ZAB_ASSERT(conn_.has_value() || held_.empty(), "held packets came from the leader's connection, still open");
  std::deque<QuorumPacket> held = std::move(held_);
  held_.clear();
  for (const QuorumPacket& p : held) {
    if (state_ == State::kExited) return;
    on_message(*conn_, p);
  }
  ZAB_ASSERT(held_.empty() || state_ == State::kPersistingAcceptedEpoch || state_ == State::kNewLeaderSnapshot ||
                 state_ == State::kNewLeaderLogging || state_ == State::kNewLeaderEpoch,
             "packets are held again only if a synchronous write blocked the follower meanwhile");
}

// --- Synchronization ----------------------------------------------------------------------

void Follower::handle_sync_packet(const QuorumPacket& packet) {
  ZAB_ASSERT(conn_.has_value(), "a sync packet arrives on the leader's connection");
  ZAB_ASSERT(new_epoch_zxid_.counter() == 0, "the new epoch's zxid is <epoch, 0> (LEADERINFO)");
  if (state_ == State::kSyncFirstPacket) {
    switch (packet.type) {
      case PacketType::kDiff:
        // ZOOKEEPER-2355: a DIFF does not touch lastProcessedZxid.
        // MUTATION diff-sets-last-processed-zxid (ZOOKEEPER-2355): before the fix the learner set
        // it to the DIFF's zxid here, before any of the diff had arrived.
        if (ctx_.config.mutations.on(Mutation::kDiffSetsLastProcessedZxid)) ctx_.db.set_last_processed_zxid(packet.zxid);
        sync_mode_ = SyncMode::kDiff;
        snapshot_needed_ = false;
        break;
      case PacketType::kSnap:
        sync_mode_ = SyncMode::kSnap;
        snap_zxid_ = packet.zxid;
        state_ = State::kAwaitSnapshotData;
        return;
      case PacketType::kTrunc:
        sync_mode_ = SyncMode::kTrunc;
        if (!ctx_.db.truncate_log(packet.zxid, *ctx_.out)) {
          // "Not able to truncate the log": System.exit(13) in ZooKeeper.
          exit(FollowerExitReason::kTruncateFailed);
          return;
        }
        ctx_.db.set_last_processed_zxid(packet.zxid);
        ctx_.out->push_back(coverage(CoverageMark::kLearnerTruncated));
        break;
      default:
        exit(FollowerExitReason::kBadPacket);  // System.exit(13) in ZooKeeper
        return;
    }
    write_to_txn_log_ = !snapshot_needed_;
    state_ = State::kSyncing;
    return;
  }
  if (state_ == State::kAwaitSnapshotData) {
    if (packet.type != PacketType::kSnapshotData || !packet.data || !ctx_.db.load_snapshot(*packet.data)) {
      exit(FollowerExitReason::kBadPacket);
      return;
    }
    ctx_.db.set_last_processed_zxid(snap_zxid_);
    ZAB_ASSERT(sync_mode_ == SyncMode::kSnap, "snapshot data follows only a SNAP");
    ZAB_ASSERT(snap_zxid_.epoch() <= new_epoch_zxid_.epoch(), "a leader's snapshot is of its epoch or an earlier one");
    ctx_.emit(ev::SnapshotLoaded{snap_zxid_});
    ctx_.out->push_back(coverage(CoverageMark::kLearnerLoadedSnapshot));
    sync_snapshot_ = true;  // the NEWLEADER snapshot is fsynced
    write_to_txn_log_ = false;
    state_ = State::kSyncing;
    return;
  }
  switch (packet.type) {
    case PacketType::kProposal:
      if (!packet.data) {
        exit(FollowerExitReason::kBadPacket);
        return;
      }
      packets_not_committed_.push_back(Proposal{packet.zxid, *packet.data});
      ZAB_ASSERT(state_ == State::kSyncing || state_ == State::kSyncingAfterNewLeader,
                 "sync proposals arrive after the sync mode was chosen");
      if (state_ == State::kSyncingAfterNewLeader) {
        // After NEWLEADER these are logged (and later ACKed) as in broadcast.
      }
      return;
    case PacketType::kCommit:
      if (!write_to_txn_log_) {
        // SNAP / TRUNC before NEWLEADER: apply to memory now (processTxn(hdr, txn), which does
        // not add to the committedLog in 3.8).
        if (!packets_not_committed_.empty() && packets_not_committed_.front().zxid == packet.zxid) {
          ctx_.db.apply_outside_committed_log(packet.zxid, packets_not_committed_.front().txn, *ctx_.out);
          packets_not_committed_.pop_front();
        }
      } else {
        packets_committed_.push_back(packet.zxid);
      }
      return;
    case PacketType::kNewLeader:
      if (state_ == State::kSyncingAfterNewLeader) return;  // a second NEWLEADER: ignored
      on_new_leader();
      ZAB_ASSERT(state_ == State::kNewLeaderSnapshot || state_ == State::kNewLeaderLogging ||
                     state_ == State::kNewLeaderEpoch || state_ == State::kSyncingAfterNewLeader,
                 "NEWLEADER starts the learner's persistence sequence");
      return;
    case PacketType::kUpToDate:
      on_up_to_date();
      return;
    default:
      return;  // PING and anything else: ignored during sync
  }
}

void Follower::on_new_leader() {
  ZAB_ASSERT(state_ == State::kSyncing, "NEWLEADER is taken once, after the sync packets");
  ZAB_ASSERT(requests_to_ack_.empty(), "no synced txn is waiting for its ACK before NEWLEADER");
  write_to_txn_log_ = true;
  read_timeout_ = ctx_.config.sync_limit_time();
  if (snapshot_needed_) {
    ctx_.db.take_snapshot(sync_snapshot_, *ctx_.out);
    if (sync_snapshot_) {
      state_ = State::kNewLeaderSnapshot;
      return;  // on_snapshot_persisted continues
    }
  }
  new_leader_log();
}

void Follower::on_snapshot_persisted() {
  if (state_ != State::kNewLeaderSnapshot) return;
  ZAB_ASSERT(sync_snapshot_, "only a SNAP sync waits for its NEWLEADER snapshot's fsync");
  new_leader_log();
}

void Follower::new_leader_log() {
  ZAB_ASSERT(state_ == State::kSyncing || state_ == State::kNewLeaderSnapshot || state_ == State::kNewLeaderEpoch,
             "the NEWLEADER sequence logs the txns right after NEWLEADER, its snapshot or its epoch write");
  ZAB_ASSERT(write_to_txn_log_, "after NEWLEADER the synced txns go to the txn log");
  if (ctx_.config.mutations.on(Mutation::kAckNewLeaderBeforeLogging)) {
    // 3.8.0 (ZOOKEEPER-4643/4646): currentEpoch first, then hand the txns to the asynchronous
    // logger, then ACK at once — before they are durable.
    state_ = State::kNewLeaderEpoch;
    ctx_.epochs.persist(EpochKind::kCurrent, new_epoch_zxid_.epoch(), *ctx_.out);
    return;
  }
  // ZOOKEEPER-4785: append every txn received during the sync and fsync them, synchronously.
  // MUTATION log-synced-txns-at-uptodate (ZOOKEEPER-3911): before 3911 they stayed in
  // packetsNotCommitted past the NEWLEADER ACK; on_up_to_date hands them to the logger.
  if (packets_not_committed_.empty() || ctx_.config.mutations.on(Mutation::kLogSyncedTxnsAtUpToDate)) {
    new_leader_persist_epoch();
    return;
  }
  // MUTATION current-epoch-before-logging (ZOOKEEPER-4643): 3.8.0 wrote currentEpoch first and
  // only then logged the txns; on_current_epoch_persisted comes back here for them. The write
  // after them (new_leader_persist_epoch) stays, so only a crash in between tells the orders apart.
  if (ctx_.config.mutations.on(Mutation::kCurrentEpochBeforeLogging) && ctx_.epochs.current() != new_epoch_zxid_.epoch()) {
    state_ = State::kNewLeaderEpoch;
    ctx_.epochs.persist(EpochKind::kCurrent, new_epoch_zxid_.epoch(), *ctx_.out);
    return;
  }
  for (const Proposal& p : packets_not_committed_) {
    if (p.zxid.counter() != 0) pending_txns_.push_back(p);
    ctx_.syncer.append_direct(p, *ctx_.out);
    requests_to_ack_.push_back(p.zxid);
  }
  packets_not_committed_.clear();
  ZAB_ASSERT(!requests_to_ack_.empty(), "a direct commit is issued only for the txns just appended");
  state_ = State::kNewLeaderLogging;
  ctx_.syncer.commit_direct(*ctx_.out);
}

void Follower::on_direct_commit_done() {
  if (state_ != State::kNewLeaderLogging) return;
  ZAB_ASSERT(packets_not_committed_.empty(), "the txns received during the sync were all appended before the commit");
  new_leader_persist_epoch();
}

void Follower::new_leader_persist_epoch() {
  ZAB_ASSERT(write_to_txn_log_, "currentEpoch is persisted only after NEWLEADER");
  ZAB_ASSERT(ctx_.epochs.accepted() == new_epoch_zxid_.epoch(), "the epoch made current is the accepted one");
  // MUTATION current-epoch-at-uptodate (ZOOKEEPER-1282): before the fix the learner ACKed
  // NEWLEADER without writing currentEpoch; on_up_to_date writes it.
  if (ctx_.config.mutations.on(Mutation::kCurrentEpochAtUpToDate)) {
    send_new_leader_ack();
    return;
  }
  state_ = State::kNewLeaderEpoch;
  ctx_.epochs.persist(EpochKind::kCurrent, new_epoch_zxid_.epoch(), *ctx_.out);
}

void Follower::on_current_epoch_persisted(Epoch epoch) {
  if (up_to_date_waits_for_epoch_ && state_ == State::kSyncingAfterNewLeader && epoch == new_epoch_zxid_.epoch()) {
    up_to_date_waits_for_epoch_ = false;  // current-epoch-at-uptodate: UPTODATE goes on now
    on_up_to_date();
    return;
  }
  if (state_ != State::kNewLeaderEpoch || epoch != new_epoch_zxid_.epoch()) return;
  ZAB_ASSERT(ctx_.epochs.current() == epoch, "the persisted currentEpoch is the new leader's epoch");
  ZAB_ASSERT(ctx_.epochs.accepted() >= ctx_.epochs.current(), "acceptedEpoch >= currentEpoch after the write");
  if (ctx_.config.mutations.on(Mutation::kAckNewLeaderBeforeLogging)) {
    for (const Proposal& p : packets_not_committed_) {
      if (p.zxid.counter() != 0) pending_txns_.push_back(p);
      ctx_.syncer.log(p);  // acked later by on_logged, whenever the fsync lands
    }
    packets_not_committed_.clear();
  }
  if (ctx_.config.mutations.on(Mutation::kCurrentEpochBeforeLogging) && !packets_not_committed_.empty()) {
    new_leader_log();  // MUTATION current-epoch-before-logging (ZOOKEEPER-4643): the txns after the epoch
    return;
  }
  send_new_leader_ack();
}

void Follower::send_new_leader_ack() {
  if (leader_gone_) {
    exit(FollowerExitReason::kConnectionLost);  // the write to the closed socket fails
    return;
  }
  ZAB_ASSERT(new_epoch_zxid_.counter() == 0, "the NEWLEADER ACK carries <epoch, 0>");
  ZAB_ASSERT(ctx_.epochs.current() == new_epoch_zxid_.epoch() || ctx_.config.mutations.on(Mutation::kCurrentEpochAtUpToDate),
             "the NEWLEADER ACK goes out once currentEpoch is the new epoch (ZOOKEEPER-1282)");
  // MUTATION ack-proposals-before-newleader (ZOOKEEPER-4685): in 3.8 the logger's ACKs of the
  // synced txns could overtake the NEWLEADER ACK; here they simply go first.
  if (ctx_.config.mutations.on(Mutation::kAckProposalsBeforeNewLeader)) {
    for (Zxid z : requests_to_ack_) send(QuorumPacket{PacketType::kAck, z, std::nullopt});
    requests_to_ack_.clear();
  }
  send(QuorumPacket{PacketType::kAck, new_epoch_zxid_, std::nullopt});
  ctx_.emit(ev::NewLeaderAcked{new_epoch_zxid_.epoch()});
  state_ = State::kSyncingAfterNewLeader;
  arm_read_timeout();
  drain_held();
}

void Follower::on_up_to_date() {
  if (state_ != State::kSyncingAfterNewLeader) {
    exit(FollowerExitReason::kBadPacket);  // UPTODATE before NEWLEADER: pre-Zab-1.0 leaders only
    return;
  }
  // MUTATION current-epoch-at-uptodate (ZOOKEEPER-1282): the write the NEWLEADER ACK skipped
  // happens here, synchronously in Java: UPTODATE goes on once it is done.
  if (ctx_.config.mutations.on(Mutation::kCurrentEpochAtUpToDate) && ctx_.epochs.current() != new_epoch_zxid_.epoch()) {
    up_to_date_waits_for_epoch_ = true;
    ctx_.epochs.persist(EpochKind::kCurrent, new_epoch_zxid_.epoch(), *ctx_.out);
    return;
  }
  // The UPTODATE ACK, which the leader ignores (counter 0).
  ZAB_ASSERT(ctx_.epochs.current() == new_epoch_zxid_.epoch(), "a learner serves only once its currentEpoch is the leader's");
  ZAB_ASSERT(!up_to_date_waits_for_epoch_, "UPTODATE goes on only once its epoch write is done");
  send(QuorumPacket{PacketType::kAck, new_epoch_zxid_, std::nullopt});
  state_ = State::kBroadcast;
  started_ = true;
  ctx_.emit(ev::FollowerSynced{leader_, new_epoch_zxid_.epoch()});
  for (Zxid z : requests_to_ack_) send(QuorumPacket{PacketType::kAck, z, std::nullopt});
  requests_to_ack_.clear();
  // Proposals that arrived after NEWLEADER go through the logger as in broadcast.
  for (const Proposal& p : packets_not_committed_) {
    if (p.zxid.counter() != 0) pending_txns_.push_back(p);
    ctx_.syncer.log(p);
  }
  packets_not_committed_.clear();
  std::deque<Zxid> committed = std::move(packets_committed_);
  packets_committed_.clear();
  for (Zxid z : committed) {
    commit(z);
    if (state_ == State::kExited) return;
  }
  ZAB_ASSERT(state_ == State::kBroadcast, "UPTODATE leaves the follower in broadcast unless a commit failed");
}

void Follower::check_invariants() const {
  ZAB_ASSERT(ctx_.epochs.accepted() >= ctx_.epochs.current(), "acceptedEpoch >= currentEpoch");
  ZAB_ASSERT(!started_ || state_ == State::kBroadcast || state_ == State::kExited,
             "a follower that has served stays in broadcast until it exits");
  ZAB_ASSERT(state_ != State::kBroadcast || started_, "a follower in broadcast has reached RUNNING");
  ZAB_ASSERT(state_ != State::kExited || exit_reason_.has_value(), "an exited follower knows why it exited");
  ZAB_ASSERT(state_ == State::kExited || !exit_reason_.has_value(), "a live follower has no exit reason");
  ZAB_ASSERT(state_ == State::kExited || state_ == State::kConnecting || conn_.has_value() || leader_gone_,
             "past connecting, a live follower has its leader connection (or is blocked in a write after losing it)");
  ZAB_ASSERT(state_ != State::kExited || !conn_.has_value(), "an exited follower has closed its connection");
  ZAB_ASSERT(state_ != State::kBroadcast || requests_to_ack_.empty(), "UPTODATE sends every deferred ACK");
  ZAB_ASSERT(state_ != State::kBroadcast || packets_not_committed_.empty(), "UPTODATE hands every sync proposal to the logger");
  ZAB_ASSERT(state_ != State::kBroadcast || packets_committed_.empty(), "UPTODATE applies every sync commit");
  ZAB_ASSERT(state_ != State::kBroadcast || held_.empty(), "a follower in broadcast holds no packet back");
  ZAB_ASSERT(!up_to_date_waits_for_epoch_ || ctx_.config.mutations.on(Mutation::kCurrentEpochAtUpToDate),
             "UPTODATE waits for an epoch write only under the current-epoch-at-uptodate switch");
  ZAB_ASSERT(new_epoch_zxid_.epoch() <= ctx_.epochs.accepted() || state_ == State::kAwaitLeaderInfo ||
                 state_ == State::kPersistingAcceptedEpoch || state_ == State::kExited,
             "past ACKEPOCH the leader's epoch is accepted");
  ZAB_ASSERT(leader_ != ctx_.config.my_id, "a follower follows another server");
  ZAB_ASSERT(state_ == State::kExited || new_epoch_zxid_.epoch() >= ctx_.epochs.current() || new_epoch_zxid_ == Zxid::zero(),
             "a live follower never follows a leader of an epoch below its currentEpoch");
  // Learner.connectToLeader: a bounded number of attempts, the first made as the follower starts.
  ZAB_ASSERT(connect_attempts_ >= 1, "followLeader made its first connection attempt");
  ZAB_ASSERT(connect_attempts_ <= std::max(1, ctx_.config.leader_connect_attempts), "connection attempts are bounded");
  ZAB_ASSERT(read_timeout_ == ctx_.config.init_limit_time() || read_timeout_ == ctx_.config.sync_limit_time(),
             "the socket timeout is initLimit ticks, then syncLimit ticks from NEWLEADER on");
  const bool after_new_leader = state_ == State::kNewLeaderSnapshot || state_ == State::kNewLeaderLogging ||
                                state_ == State::kNewLeaderEpoch || state_ == State::kSyncingAfterNewLeader ||
                                state_ == State::kBroadcast;
  ZAB_ASSERT(!after_new_leader || write_to_txn_log_, "from NEWLEADER on, the synced txns go to the txn log");
  ZAB_ASSERT(packets_committed_.empty() || write_to_txn_log_, "COMMITs wait for UPTODATE only when txns are logged");
  ZAB_ASSERT(!after_new_leader || sync_mode_ != SyncMode::kSnap || sync_snapshot_,
             "a SNAP sync past NEWLEADER loaded the leader's snapshot");
  const bool blocked = blocked_in_write();
  ZAB_ASSERT(!leader_gone_ || blocked || state_ == State::kExited,
             "a follower that lost its leader during a write exits at its next write to the socket");
  ZAB_ASSERT(!leader_gone_ || (!conn_.has_value() && held_.empty()), "a lost connection holds nothing back");
  ZAB_ASSERT(held_.empty() || blocked || state_ == State::kExited,
             "packets are held back only while a synchronous write blocks the follower");
  for (const Proposal& p : pending_txns_) {
    ZAB_ASSERT(p.zxid.counter() != 0, "a pending txn is a real proposal, never an <epoch, 0>");
  }
  if (state_ == State::kBroadcast) {
    ZAB_ASSERT(ctx_.epochs.current() == new_epoch_zxid_.epoch(),
               "a synced follower's currentEpoch is its leader's epoch");
  }
  // No order check on pending_txns_: ZooKeeper only warns when a PROPOSAL's zxid is not the
  // next one (Follower.processPacket), and out-of-model reordering makes that happen; the
  // COMMIT match (commit) is where it stops a follower.
}

// --- Broadcast ----------------------------------------------------------------------------

void Follower::process_packet(const QuorumPacket& packet) {
  ZAB_ASSERT(state_ == State::kBroadcast, "broadcast packets are processed only after UPTODATE");
  ZAB_ASSERT(started_, "a follower in broadcast has served");
  switch (packet.type) {
    case PacketType::kProposal:
      if (!packet.data) {
        exit(FollowerExitReason::kBadPacket);
        return;
      }
      if (packet.zxid.counter() != 0) pending_txns_.push_back(Proposal{packet.zxid, *packet.data});
      ctx_.syncer.log(Proposal{packet.zxid, *packet.data});
      return;
    case PacketType::kCommit:
      commit(packet.zxid);
      return;
    case PacketType::kPing: {
      // Learner.ping: echo the zxid; the sessions touched since the last PING ride along.
      send(QuorumPacket{PacketType::kPing, packet.zxid, encode_session_touches(ctx_.touches.take())});
      return;
    }
    case PacketType::kSync:
      ctx_.hand_to_clients(handoff::SyncReleased{});
      return;
    default:
      return;
  }
}

void Follower::commit(Zxid zxid) {
  // FollowerZooKeeperServer.commit: the COMMIT must match the oldest pending txn.
  ZAB_ASSERT(state_ == State::kBroadcast || state_ == State::kSyncingAfterNewLeader,
             "COMMITs reach the pending txns only once they are being logged (after NEWLEADER)");
  if (pending_txns_.empty()) return;  // "Committing X without seeing txn"
  if (pending_txns_.front().zxid != zxid) {
    // UNMATCHED_TXN_COMMIT: ZooKeeper calls System.exit(12).
    exit(FollowerExitReason::kBadPacket);
    return;
  }
  Proposal p = std::move(pending_txns_.front());
  pending_txns_.pop_front();
  ZAB_ASSERT(p.zxid.counter() != 0, "a pending txn is a real proposal, never the <epoch, 0> NEWLEADER zxid");
  ctx_.db.apply_committed(p.zxid, p.txn, *ctx_.out);
}

void Follower::forward_request(const ClientRequest& request) {
  ZAB_ASSERT(started_, "only a follower that reached RUNNING serves clients and forwards their requests");
  send(QuorumPacket{PacketType::kRequest, Zxid::from_raw(UINT64_MAX), encode_learner_request(request)});
}

void Follower::forward_sync(SessionId session, std::int32_t cxid) {
  ZAB_ASSERT(started_, "a sync is forwarded by a follower that reached RUNNING");
  forward_request(ClientRequest{.session = session, .cxid = cxid, .type = OpCode::kSync});
}

void Follower::on_logged(const std::vector<Zxid>& zxids) {
  if (state_ == State::kExited) return;
  ZAB_ASSERT(zxids.empty() || state_ == State::kSyncingAfterNewLeader || state_ == State::kBroadcast,
             "only txns handed to the logger from NEWLEADER on are ACKed through it");
  // SendAckRequestProcessor: one ACK per logged txn, in order.
  for (Zxid z : zxids) send(QuorumPacket{PacketType::kAck, z, std::nullopt});
}

}  // namespace zab
