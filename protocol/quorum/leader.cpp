#include "protocol/quorum/leader.h"

#include "protocol/base/assert.h"
#include "protocol/client_port/client_port.h"
#include "protocol/base/coverage.h"
#include "protocol/persistence/epoch_store.h"
#include "protocol/quorum/learner_handler.h"
#include "protocol/persistence/log_syncer.h"
#include "protocol/database/zk_database.h"

namespace zab {

Leader::Leader(PeerContext& ctx) : ctx_(ctx) {
  ZAB_ASSERT(ctx_.out != nullptr, "a leader is made inside a step, which has an output list");
  ZAB_ASSERT(ctx_.config.is_voter(ctx_.config.my_id), "only a voter leads");
}
Leader::~Leader() = default;

void Leader::lead() {
  const ServerId me = ctx_.config.my_id;
  ZAB_ASSERT(phase_ == Phase::kWaitingForEpoch, "lead() runs once, on a new leader");
  ZAB_ASSERT(handlers_.empty(), "no learner is connected before the leader listens");
  ZAB_ASSERT(epoch_ == -1, "no epoch is proposed before lead()");
  // ZooKeeperServer.loadData: the zxid counter resumes from the tree, then a snapshot is taken
  // synchronously (not fsynced).
  hzxid_ = ctx_.db.last_processed_zxid();
  // ...after killing the sessions whose ephemerals outlived them (in the tree but no longer in
  // the session table).
  ctx_.db.kill_dead_sessions(*ctx_.out);
  ctx_.db.take_snapshot(/*fsync=*/false, *ctx_.out);
  leader_state_summary_ = StateSummary{static_cast<std::int64_t>(ctx_.epochs.current()), ctx_.db.last_processed_zxid()};
  ZAB_ASSERT(hzxid_ == ctx_.db.last_processed_zxid(), "killing dead sessions at load time logs no txn");
  ctx_.out->push_back(out::Listen{kQuorumPort});  // LearnerCnxAcceptor
  phase_ = Phase::kWaitingForEpoch;
  ctx_.set_timer(TimerSpace::kLeader, kEpochDeadline, ctx_.config.init_limit_time());
  get_epoch_to_propose(me, ctx_.epochs.accepted());
  ZAB_ASSERT(connecting_followers_.contains(me), "the leader counts itself towards the epoch's quorum");
}

// --- Discovery ----------------------------------------------------------------------------

bool Leader::get_epoch_to_propose(ServerId sid, std::int64_t last_accepted_epoch) {
  ZAB_ASSERT(last_accepted_epoch >= 0, "an acceptedEpoch is a 32-bit unsigned epoch, never negative");
  ZAB_ASSERT(last_accepted_epoch <= UINT32_MAX, "an acceptedEpoch fits the 32 epoch bits of a zxid");
  // A late joiner gets the epoch at once; while the leader persists acceptedEpoch it holds the
  // monitor, so a caller arriving then waits until the persist is done.
  if (!waiting_for_new_epoch_) {
    // Deviation D34: a learner that arrives after the epoch was decided and has accepted a later
    // one (it counted towards a leader that never established it) will refuse this epoch
    // (Learner.registerWithLeader throws "Leaders epoch, N is less than accepted epoch, A"),
    // and it must: acceptedEpoch is its promise to ignore older leaders. ZooKeeper keeps
    // leading, so that server rejoins, is refused and goes LOOKING again for as long as this
    // leader lasts (found by `zabsim fuzz --seed 20`; no JIRA found). Instead the leader steps
    // down after this input, and the next election proposes an epoch above the acceptedEpoch
    // of every caller before its quorum; the learner is then one of them or gets a later epoch.
    // MUTATION keep-leading-past-learner-epoch (D34) keeps leading, as ZooKeeper does.
    if (last_accepted_epoch > epoch_ && !ctx_.config.mutations.on(Mutation::kKeepLeadingPastLearnerEpoch)) {
      step_down_after_input_ = LeaderShutdownReason::kLearnerEpochAhead;
      return false;
    }
    return !persisting_accepted_epoch_;
  }
  if (last_accepted_epoch >= epoch_) epoch_ = last_accepted_epoch + 1;
  ZAB_ASSERT(epoch_ > last_accepted_epoch, "the proposed epoch is above every acceptedEpoch heard so far");
  if (ctx_.config.is_voter(sid)) connecting_followers_.insert(sid);
  if (connecting_followers_.contains(ctx_.config.my_id) && ctx_.config.is_quorum(connecting_followers_.size())) {
    waiting_for_new_epoch_ = false;
    persisting_accepted_epoch_ = true;
    ZAB_ASSERT(epoch_ > 0, "a proposed epoch is above the initial epoch 0");
    ZAB_ASSERT(epoch_ <= UINT32_MAX, "a proposed epoch fits the 32 epoch bits of a zxid");
    ZAB_ASSERT(epoch_ > static_cast<std::int64_t>(ctx_.epochs.accepted()), "the leader proposes an epoch above its own acceptedEpoch");
    ctx_.epochs.persist(EpochKind::kAccepted, static_cast<Epoch>(epoch_), *ctx_.out);
  }
  return false;
}

void Leader::on_accepted_epoch_persisted(Epoch epoch) {
  if (!persisting_accepted_epoch_ || epoch != epoch_) return;
  persisting_accepted_epoch_ = false;
  ZAB_ASSERT(!waiting_for_new_epoch_, "the acceptedEpoch write follows the epoch's decision");
  ZAB_ASSERT(ctx_.epochs.accepted() == epoch, "the leader's acceptedEpoch is now the epoch it proposes");
  wake_epoch_waiters();
}

void Leader::wake_epoch_waiters() {
  ZAB_ASSERT(!waiting_for_new_epoch_, "the epoch waiters wake once the epoch is decided");
  ZAB_ASSERT(!persisting_accepted_epoch_, "the epoch waiters wake once acceptedEpoch is durable");
  if (phase_ == Phase::kWaitingForEpoch) {
    ctx_.cancel_timer(TimerSpace::kLeader, kEpochDeadline);
    const Zxid new_epoch_zxid = Zxid::make(static_cast<Epoch>(epoch_), 0);
    hzxid_ = new_epoch_zxid;
    last_proposed_ = new_epoch_zxid;
    phase_ = Phase::kWaitingForEpochAck;
    ctx_.set_timer(TimerSpace::kLeader, kEpochAckDeadline, ctx_.config.init_limit_time());
    // The leader's own epoch ack; if it completes the quorum, wake_epoch_ack_waiters moves the
    // leader on (the quorum always needs the leader, so nobody else can have completed it).
    bool ahead = false;
    wait_for_epoch_ack(ctx_.config.my_id, leader_state_summary_, ahead);
    ZAB_ASSERT(!ahead, "the leader is never ahead of itself");
  }
  for (auto& [id, h] : handlers_) h->epoch_decided();
}

bool Leader::wait_for_epoch_ack(ServerId sid, const StateSummary& ss, bool& follower_ahead) {
  ZAB_ASSERT(!follower_ahead, "the caller's ahead flag starts false");
  ZAB_ASSERT(!waiting_for_new_epoch_, "ACKEPOCH is awaited only once the epoch is decided");
  if (election_finished_) return true;  // a late joiner is never checked for being ahead
  if (ss.current_epoch != -1) {
    ZAB_ASSERT(ss.current_epoch >= 0, "ACKEPOCH's currentEpoch is an epoch, or -1");
    if (ss.is_more_recent_than(leader_state_summary_)) {
      follower_ahead = true;  // "Follower is ahead of the leader": that handler dies
      return false;
    }
    if (ctx_.config.is_voter(sid)) electing_followers_.insert(sid);
  }
  if (electing_followers_.contains(ctx_.config.my_id) && ctx_.config.is_quorum(electing_followers_.size())) {
    election_finished_ = true;
    ZAB_ASSERT(ctx_.config.is_quorum(electing_followers_.size()), "the epoch is agreed by a quorum of voters");
    ctx_.emit(ev::EpochAgreed{established_epoch()});
    wake_epoch_ack_waiters();
    return true;
  }
  return false;
}

void Leader::wake_epoch_ack_waiters() {
  ZAB_ASSERT(election_finished_, "the ACKEPOCH waiters wake once a quorum acked the epoch");
  ZAB_ASSERT(epoch_ > 0, "an agreed epoch is a proposed one");
  if (phase_ == Phase::kWaitingForEpochAck) {
    ctx_.cancel_timer(TimerSpace::kLeader, kEpochAckDeadline);
    // Leader.lead: setCurrentEpoch(epoch), persisted, before any NEWLEADER ACK is counted.
    phase_ = Phase::kPersistingCurrentEpoch;
    ctx_.epochs.persist(EpochKind::kCurrent, static_cast<Epoch>(epoch_), *ctx_.out);
  }
  for (auto& [id, h] : handlers_) h->epoch_ack_quorum_formed();
}

void Leader::on_current_epoch_persisted(Epoch epoch) {
  if (phase_ != Phase::kPersistingCurrentEpoch || epoch != epoch_) return;
  ZAB_ASSERT(ctx_.epochs.current() == epoch, "the leader's currentEpoch is the new epoch before NEWLEADER ACKs count");
  ZAB_ASSERT(ctx_.epochs.accepted() == epoch, "the leader's acceptedEpoch is the epoch it made current");
  phase_ = Phase::kWaitingForNewLeaderAck;
  ctx_.set_timer(TimerSpace::kLeader, kNewLeaderAckDeadline, ctx_.config.init_limit_time());
  // If followers formed the quorum already (no leader-in-quorum rule here), start at once;
  // start_zk_server ignores a second call.
  if (wait_for_new_leader_ack(ctx_.config.my_id, Zxid::make(static_cast<Epoch>(epoch_), 0))) start_zk_server();
}

bool Leader::wait_for_new_leader_ack(ServerId sid, Zxid zxid) {
  ZAB_ASSERT(election_finished_, "NEWLEADER ACKs are awaited only after the epoch was agreed");
  ZAB_ASSERT(epoch_ > 0, "NEWLEADER names a proposed epoch");
  if (quorum_formed_) return true;
  // An ACK of another zxid (a proposal ACK overtaking the NEWLEADER ACK, ZOOKEEPER-4685) is not
  // counted, but the handler carries on as if acked.
  if (zxid != Zxid::make(static_cast<Epoch>(epoch_), 0)) {
    ctx_.out->push_back(coverage(CoverageMark::kNewLeaderAckNotCounted));
    return true;
  }
  // No "the leader must be in the set" check here, unlike the two earlier quorums: ZooKeeper
  // has none (Leader.waitForNewLeaderAck).
  // MUTATION kIgnoreNewLeaderAcks (synthetic): only the leader's own ACK is counted.
  const bool ignored = ctx_.config.mutations.on(Mutation::kIgnoreNewLeaderAcks) && sid != ctx_.config.my_id;
  if (ctx_.config.is_voter(sid) && !ignored) new_leader_acks_.insert(sid);
  if (ctx_.config.is_quorum(new_leader_acks_.size())) {
    quorum_formed_ = true;
    ZAB_ASSERT(!new_leader_acks_.empty(), "a quorum of NEWLEADER ACKs is not empty");
    wake_new_leader_ack_waiters();
    return true;
  }
  return false;
}

void Leader::wake_new_leader_ack_waiters() {
  ZAB_ASSERT(quorum_formed_, "the NEWLEADER waiters wake once a quorum acked");
  if (phase_ == Phase::kWaitingForNewLeaderAck) start_zk_server();
  for (auto& [id, h] : handlers_) h->new_leader_quorum_formed();
}

void Leader::start_zk_server() {
  if (phase_ != Phase::kWaitingForNewLeaderAck) return;
  ZAB_ASSERT(quorum_formed_, "the server starts only once a quorum acked NEWLEADER");
  ZAB_ASSERT(ctx_.epochs.current() == static_cast<Epoch>(epoch_), "the server starts with the new epoch current");
  ctx_.cancel_timer(TimerSpace::kLeader, kNewLeaderAckDeadline);
  const Zxid new_epoch_zxid = Zxid::make(static_cast<Epoch>(epoch_), 0);
  last_committed_ = new_epoch_zxid;
  ZAB_ASSERT(outstanding_.empty(), "nothing is proposed before the leader is established");
  ZAB_ASSERT(hzxid_ == new_epoch_zxid, "the zxid counter starts the epoch at <epoch, 0>");
  // startZkServer: the tree's lastProcessedZxid becomes the txn-less <epoch, 0>.
  ctx_.db.set_last_processed_zxid(new_epoch_zxid);
  phase_ = Phase::kBroadcast;
  started_ = true;
  ctx_.emit(ev::LeaderEstablished{established_epoch()});
  tick_skip_ = true;
  ctx_.set_timer(TimerSpace::kLeader, kTick, ctx_.config.tick() / 2);
}

void Leader::check_invariants() const {
  ZAB_ASSERT(phase_ == Phase::kWaitingForEpoch || epoch_ > 0, "past the epoch's decision the leader has an epoch");
  ZAB_ASSERT(epoch_ <= UINT32_MAX, "the leader's epoch fits 32 bits");
  ZAB_ASSERT(!quorum_formed_ || election_finished_, "the NEWLEADER quorum forms after the epoch quorum");
  ZAB_ASSERT(!election_finished_ || !waiting_for_new_epoch_, "the epoch is agreed after it was decided");
  ZAB_ASSERT(!started_ || quorum_formed_, "the server started after the NEWLEADER quorum formed");
  // Each shared wait of Leader.lead() finishes before the next begins.
  if (phase_ == Phase::kWaitingForEpoch) {
    ZAB_ASSERT(waiting_for_new_epoch_ || persisting_accepted_epoch_,
               "in getEpochToPropose the epoch is undecided or its acceptedEpoch is being written");
  } else if (phase_ != Phase::kShutdown) {
    ZAB_ASSERT(!waiting_for_new_epoch_, "past getEpochToPropose the epoch is decided");
    ZAB_ASSERT(!persisting_accepted_epoch_, "past getEpochToPropose the acceptedEpoch is durable");
  }
  if (phase_ == Phase::kPersistingCurrentEpoch || phase_ == Phase::kWaitingForNewLeaderAck || phase_ == Phase::kBroadcast) {
    ZAB_ASSERT(election_finished_, "currentEpoch is written only once a quorum acked the epoch");
    ZAB_ASSERT(electing_followers_.contains(ctx_.config.my_id), "the epoch's quorum includes the leader");
  }
  if (phase_ == Phase::kBroadcast) {
    ZAB_ASSERT(quorum_formed_, "an established leader had a quorum of NEWLEADER ACKs");
    ZAB_ASSERT(started_, "an established leader ran startZkServer");
    ZAB_ASSERT(hzxid_.epoch() == static_cast<Epoch>(epoch_), "an established leader hands out zxids of its epoch");
    ZAB_ASSERT(last_committed_ >= Zxid::make(static_cast<Epoch>(epoch_), 0), "the epoch's commits start at <epoch, 0>");
  } else if (phase_ != Phase::kShutdown) {
    ZAB_ASSERT(outstanding_.empty(), "nothing is proposed before the leader is established");
    ZAB_ASSERT(quorum_syncs_.empty(), "no sync waits before the leader is established");
  }
  if (!waiting_for_new_epoch_ && phase_ != Phase::kShutdown) {
    ZAB_ASSERT(epoch_ > leader_state_summary_.current_epoch, "the new epoch is above the leader's own currentEpoch");
    ZAB_ASSERT(connecting_followers_.contains(ctx_.config.my_id), "the epoch was decided with the leader in its quorum");
  }
  ZAB_ASSERT(!step_down_after_input_ || phase_ == Phase::kShutdown, "a step-down asked for by an input happens after it");
  ZAB_ASSERT(last_proposed_.epoch() <= static_cast<Epoch>(std::max<std::int64_t>(epoch_, 0)),
             "nothing is proposed in an epoch beyond the leader's");
  ZAB_ASSERT(hzxid_ >= leader_state_summary_.last_zxid, "the zxids a leader hands out never go back below its history");
  for (const ServerId sid : connecting_followers_) ZAB_ASSERT(ctx_.config.is_voter(sid), "only voters count towards the epoch");
  for (const ServerId sid : electing_followers_) ZAB_ASSERT(ctx_.config.is_voter(sid), "only voters ack the epoch");
  for (const ServerId sid : new_leader_acks_) ZAB_ASSERT(ctx_.config.is_voter(sid), "only voters' NEWLEADER ACKs count");
  if (phase_ == Phase::kShutdown) return;
  for (const auto& [conn, h] : handlers_) {
    ZAB_ASSERT(h->conn().value == conn, "a handler is filed under its own connection");
    h->check_invariants();
  }
  ZAB_ASSERT(pending_syncs_.empty() || !outstanding_.empty() || phase_ != Phase::kBroadcast,
             "a sync waits for a commit only while a proposal is outstanding");
  for (const auto& [zxid, origins] : pending_syncs_) {
    ZAB_ASSERT(zxid > last_committed_, "a parked sync waits for a zxid not committed yet");
    ZAB_ASSERT(!origins.empty(), "a parked zxid has at least one sync waiting");
  }
  for (const auto& [zxid, p] : outstanding_) {
    ZAB_ASSERT(zxid.epoch() == static_cast<Epoch>(epoch_), "outstanding proposals are of this leader's epoch");
    ZAB_ASSERT(p.acks.size() <= ctx_.config.voters.size(), "a proposal's ACKs come from distinct voters");
  }
  ZAB_ASSERT(last_committed_ <= last_proposed_, "the leader commits only what it proposed");
  ZAB_ASSERT(hzxid_ >= last_proposed_, "zxids are handed out before they are proposed");
  if (!outstanding_.empty()) {
    ZAB_ASSERT(outstanding_.begin()->first > last_committed_,
               "an outstanding proposal is newer than the last commit (commits are in zxid order)");
    ZAB_ASSERT(outstanding_.rbegin()->first <= last_proposed_, "outstanding proposals were proposed");
  }
  if (phase_ == Phase::kBroadcast) {
    ZAB_ASSERT(static_cast<std::int64_t>(ctx_.epochs.current()) == epoch_,
               "an established leader's epoch equals its currentEpoch");
    ZAB_ASSERT(last_proposed_.epoch() == static_cast<Epoch>(epoch_), "an established leader proposes in its own epoch");
  }
}

// --- Learner connections ------------------------------------------------------------------

void Leader::on_learner_connected(ConnId conn, Address peer) {
  if (phase_ == Phase::kShutdown) {
    ZAB_ASSERT(handlers_.empty(), "a leader that shut down has no handlers");
    ctx_.close(conn);
    return;
  }
  auto handler = std::make_unique<LearnerHandler>(*this, conn, peer);
  ZAB_ASSERT(!handlers_.contains(conn.value), "a new learner connection has a fresh id");
  handlers_.emplace(conn.value, std::move(handler));
}

void Leader::on_message(ConnId conn, const QuorumPacket& packet) {
  auto it = handlers_.find(conn.value);
  if (it == handlers_.end()) return;
  ZAB_ASSERT(phase_ != Phase::kShutdown, "a leader that shut down has no handlers to deliver to");
  it->second->on_message(packet);
  if (step_down_after_input_) {
    // After the handler returned: shutting down closes and destroys every handler, this one too.
    shutdown(*step_down_after_input_);
    return;
  }
  if (it->second->dead()) remove_handler(conn);
}

void Leader::on_connection_down(ConnId conn) {
  auto it = handlers_.find(conn.value);
  if (it == handlers_.end()) return;
  ZAB_ASSERT(phase_ != Phase::kShutdown, "a leader that shut down has no handlers to drop");
  it->second->shutdown(LearnerDropReason::kConnectionLost);
  ZAB_ASSERT(it->second->dead(), "a handler whose connection went down is dead");
  remove_handler(conn);
}

void Leader::remove_handler(ConnId conn) {
  const auto it = handlers_.find(conn.value);
  ZAB_ASSERT(it != handlers_.end(), "a handler is removed once, while it is filed");
  ZAB_ASSERT(it->second->dead(), "a handler is removed only once it is dead (its socket closed)");
  handlers_.erase(it);
}

void Leader::on_timer(std::uint64_t local) {
  if (phase_ == Phase::kShutdown) return;
  switch (local) {
    case kEpochDeadline:
      // Once a quorum decided the epoch (waitingForNewEpoch false) the thread that completed it
      // writes acceptedEpoch holding the monitor: the leader's timed wait ends, blocks on the
      // monitor until the write is done, then finds the epoch decided (getEpochToPropose). So
      // a slow write delays the leader; it never times it out.
      if (phase_ == Phase::kWaitingForEpoch && waiting_for_new_epoch_) shutdown(LeaderShutdownReason::kEpochTimeout);
      return;
    case kEpochAckDeadline:
      if (phase_ == Phase::kWaitingForEpochAck) shutdown(LeaderShutdownReason::kEpochAckTimeout);
      return;
    case kNewLeaderAckDeadline:
      if (phase_ == Phase::kWaitingForNewLeaderAck) shutdown(LeaderShutdownReason::kNewLeaderAckTimeout);
      return;
    case kTick:
      tick();
      return;
    default: {
      // A handler's timer: local = conn id << 4 | which (its conn ids start above kTick).
      const std::uint64_t conn = local >> 4;
      ZAB_ASSERT(conn != 0, "a handler's timer carries its (non-zero) connection id above the leader's own timers");
      auto it = handlers_.find(conn);
      if (it == handlers_.end()) return;
      it->second->on_timer(local & 0xf);
      if (it->second->dead()) remove_handler(ConnId{conn});
    }
  }
}

void Leader::tick() {
  // Leader.lead's loop: wake every half tick; the tick advances every other wake, and the
  // synced-quorum check runs right after it advances.
  if (!tick_skip_) ++tick_;
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "the tick loop runs only once the leader is established");
  std::set<ServerId> synced{ctx_.config.my_id};
  for (const auto& [id, h] : handlers_) {
    if (h->sid() && h->synced(tick_) && ctx_.config.is_voter(*h->sid())) synced.insert(*h->sid());
  }
  if (!tick_skip_ && !ctx_.config.is_quorum(synced.size())) {
    shutdown(LeaderShutdownReason::kNotSufficientSynced);
    return;
  }
  tick_skip_ = !tick_skip_;
  std::vector<std::uint64_t> dead;
  for (auto& [id, h] : handlers_) {
    h->ping();
    if (h->dead()) dead.push_back(id);
  }
  for (std::uint64_t id : dead) remove_handler(ConnId{id});
  ctx_.set_timer(TimerSpace::kLeader, kTick, ctx_.config.tick() / 2);
}

void Leader::shutdown(LeaderShutdownReason reason) {
  if (phase_ == Phase::kShutdown) return;
  ZAB_ASSERT(reason != LeaderShutdownReason::kLearnerEpochAhead || step_down_after_input_.has_value(),
             "a step-down for a learner's later epoch is one a handler's input asked for (D34)");
  phase_ = Phase::kShutdown;
  ctx_.emit(ev::LeaderShutdown{reason});
  switch (reason) {
    case LeaderShutdownReason::kEpochTimeout: ctx_.out->push_back(coverage(CoverageMark::kStepDownEpochTimeout)); break;
    case LeaderShutdownReason::kEpochAckTimeout: ctx_.out->push_back(coverage(CoverageMark::kStepDownEpochAckTimeout)); break;
    case LeaderShutdownReason::kNewLeaderAckTimeout: ctx_.out->push_back(coverage(CoverageMark::kStepDownNewLeaderTimeout)); break;
    case LeaderShutdownReason::kNotSufficientSynced: ctx_.out->push_back(coverage(CoverageMark::kStepDownNotSynced)); break;
    case LeaderShutdownReason::kZxidRollover: ctx_.out->push_back(coverage(CoverageMark::kZxidRollover)); break;
    case LeaderShutdownReason::kLearnerEpochAhead: ctx_.out->push_back(coverage(CoverageMark::kStepDownLearnerEpochAhead)); break;
  }
  ctx_.out->push_back(out::Unlisten{kQuorumPort});
  for (std::uint64_t t : {kEpochDeadline, kEpochAckDeadline, kNewLeaderAckDeadline, kTick}) {
    ctx_.cancel_timer(TimerSpace::kLeader, t);
  }
  for (auto& [id, h] : handlers_) h->shutdown(LearnerDropReason::kLeaderShutdown);
  handlers_.clear();
  ZAB_ASSERT(phase_ == Phase::kShutdown, "the handlers' shutdown does not restart the leader");
}

// --- Broadcast ----------------------------------------------------------------------------

Zxid Leader::start_forwarding(LearnerHandler& handler, Zxid last_seen_zxid) {
  ZAB_ASSERT(handler.sid().has_value(), "forwarding starts for a learner that said who it is");
  const ServerId sid = *handler.sid();
  ZAB_ASSERT(phase_ != Phase::kShutdown, "a leader that shut down forwards to nobody");
  ZAB_ASSERT(!handler.forwarding(), "startForwarding runs once per handler");
  // Deviation D32: an ACK stands for a copy in the learner's log. The learner is sent every
  // outstanding proposal above `last_seen_zxid` again, and the sync before it may remove
  // its copy (TRUNC to maxCommittedLog when it comes back above it), so an ACK it gave for
  // one of them on an earlier connection no longer counts; it ACKs the proposal again once
  // it has logged it anew. ZooKeeper (Leader.startForwarding, processAck) keeps the old ACK
  // and can commit with a quorum in which that learner no longer holds the txn (found by
  // `zabsim fuzz --seed 2`; no JIRA found).
  // MUTATION count-acks-of-resynced-learner (D32) keeps them, as ZooKeeper does.
  const bool withdraw_acks = !ctx_.config.mutations.on(Mutation::kCountAcksOfResyncedLearner);
  if (last_proposed_ > last_seen_zxid) {
    // Proposals not yet committed go as PROPOSAL only; their COMMIT follows by broadcast.
    for (auto& [zxid, p] : outstanding_) {
      if (zxid <= last_seen_zxid) continue;
      handler.queue_packet(QuorumPacket{PacketType::kProposal, zxid, p.txn});
      if (withdraw_acks && sid != ctx_.config.my_id) p.acks.erase(sid);
    }
  }
  handler.set_forwarding();
  ZAB_ASSERT(last_proposed_.epoch() <= static_cast<Epoch>(epoch_), "the forwarding point is of this epoch or earlier");
  return last_proposed_;
}

void Leader::send_to_forwarding(const QuorumPacket& packet) {
  ZAB_ASSERT(packet.type == PacketType::kProposal || packet.type == PacketType::kCommit,
             "only PROPOSAL and COMMIT are broadcast to forwarding learners");
  ZAB_ASSERT(packet.zxid.epoch() == static_cast<Epoch>(epoch_), "a broadcast packet is of this leader's epoch");
  for (auto& [id, h] : handlers_) {
    if (h->forwarding() && !h->dead()) h->queue_packet(packet);
  }
}

void Leader::propose(const Bytes& txn, Zxid zxid) {
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "only an established leader proposes");
  ZAB_ASSERT(zxid > last_proposed_, "proposals go out in strictly increasing zxid order");
  ZAB_ASSERT(zxid <= hzxid_, "a proposed zxid was handed out by next_zxid");
  ZAB_ASSERT(zxid.epoch() == static_cast<Epoch>(epoch_), "a leader proposes only in its own epoch");
  ZAB_ASSERT(!outstanding_.contains(zxid), "a zxid is proposed once");
  if (zxid.counter() == 0xffffffffu) {
    // ZOOKEEPER-1277: the counter would overflow into the epoch; force a new epoch instead.
    shutdown(LeaderShutdownReason::kZxidRollover);
    return;
  }
  last_proposed_ = zxid;
  outstanding_[zxid] = Outstanding{txn, {}};
  ctx_.emit(ev::Proposed{zxid, txn_fingerprint(txn)});
  // ProposalRequestProcessor: send to the followers first, then log locally.
  send_to_forwarding(QuorumPacket{PacketType::kProposal, zxid, txn});
  ctx_.syncer.log(Proposal{zxid, txn});
}

void Leader::on_logged(const std::vector<Zxid>& zxids) {
  if (phase_ == Phase::kShutdown) return;
  ZAB_ASSERT(zxids.empty() || phase_ == Phase::kBroadcast, "the leader's logger acks only what it proposed in broadcast");
  for (Zxid z : zxids) process_ack(ctx_.config.my_id, z);
}

void Leader::process_ack(ServerId sid, Zxid zxid) {
  if (phase_ != Phase::kBroadcast) return;
  ZAB_ASSERT(!handlers_.empty() || sid == ctx_.config.my_id, "an ACK comes from the leader itself or a connected learner");
  if (zxid.counter() == 0) return;  // the NEWLEADER or UPTODATE ACK
  if (outstanding_.empty()) return;
  if (last_committed_ >= zxid) return;  // already committed
  auto it = outstanding_.find(zxid);
  if (it == outstanding_.end()) return;  // "Trying to commit future proposal"
  // Acks count from any voter; ZooKeeper does not check that the sender is synced.
  if (ctx_.config.is_voter(sid)) it->second.acks.insert(sid);
  ZAB_ASSERT(zxid <= last_proposed_, "an ACK counts only for a zxid this leader proposed");
  try_to_commit(zxid);
}

bool Leader::try_to_commit(Zxid zxid) {
  // The previous proposal must commit first.
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "tryToCommit runs only in broadcast");
  ZAB_ASSERT(zxid > last_committed_, "tryToCommit is for a proposal not committed yet");
  if (outstanding_.contains(Zxid::from_raw(zxid.raw() - 1))) return false;
  auto it = outstanding_.find(zxid);
  ZAB_ASSERT(it != outstanding_.end(), "tryToCommit is called for an outstanding proposal");
  // The quorum need not include the leader (Leader.tryToCommit).
  // MUTATION kCommitWithoutQuorum (synthetic): the leader's own ACK is enough.
  const bool own_ack_only = ctx_.config.mutations.on(Mutation::kCommitWithoutQuorum) &&
                            it->second.acks.contains(ctx_.config.my_id);
  if (!own_ack_only && !ctx_.config.is_quorum(it->second.acks.size())) return false;
  if (!it->second.acks.contains(ctx_.config.my_id)) ctx_.out->push_back(coverage(CoverageMark::kCommitWithoutLeaderAck));
  // The quorum that committed it, as a bitmask of sids, for the trace: a checker may then ask
  // whether a server that later drops the txn was one whose ACK counted.
  std::uint64_t quorum_mask = 0;
  for (const ServerId s : it->second.acks) {
    ZAB_ASSERT(s.value >= 1, "sids fit the trace's quorum bitmask: a myid is at least 1");
    ZAB_ASSERT(s.value <= 63, "sids fit the trace's quorum bitmask: at most 63");
    quorum_mask |= std::uint64_t{1} << s.value;
  }
  Bytes txn = std::move(it->second.txn);
  outstanding_.erase(it);
  ZAB_ASSERT(outstanding_.empty() || outstanding_.begin()->first > zxid, "proposals commit in zxid order: none older is left");
  commit(zxid, quorum_mask);
  ctx_.db.apply_committed(zxid, txn, *ctx_.out);
  return true;
}

void Leader::commit(Zxid zxid, std::uint64_t quorum_mask) {
  ZAB_ASSERT(zxid > last_committed_, "commits go out in strictly increasing zxid order");
  ZAB_ASSERT(quorum_mask != 0, "a commit names the ACKs that formed its quorum");
  ZAB_ASSERT(zxid <= last_proposed_, "only a proposed zxid commits");
  ZAB_ASSERT(!outstanding_.contains(zxid), "a committed proposal is no longer outstanding");
  release_syncs_before(zxid);
  last_committed_ = zxid;
  ctx_.emit(ev::Committed{zxid, ev::QuorumMask{quorum_mask}});
  send_to_forwarding(QuorumPacket{PacketType::kCommit, zxid, std::nullopt});
  // Syncs parked on this proposal are answered right after its COMMIT, on the same channel.
  auto it = pending_syncs_.find(zxid);
  if (it == pending_syncs_.end()) return;
  const std::vector<ConnId> origins = std::move(it->second);
  pending_syncs_.erase(it);
  for (ConnId origin : origins) send_sync(origin);
}

bool Leader::quorum_sync() const { return !ctx_.config.mutations.on(Mutation::kSyncWithoutQuorum); }

void Leader::process_sync(ConnId handler) {
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "syncs are served only by an established leader");
  ZAB_ASSERT(handler == kLocalSyncOrigin || handlers_.contains(handler.value), "a sync comes from a live handler or a local client");
  // MUTATION sync-without-quorum (ZOOKEEPER-1675): ZooKeeper answers at once.
  if (!quorum_sync()) {
    release_sync(handler, last_proposed_);
    return;
  }
  // Deviation D33: a leader that was paused (or cut off) answers syncs until its next tick
  // notices that its followers are gone; answered at once, such a sync lets a read miss a
  // write another leader completed before the sync began (ZOOKEEPER-1675, open). A quorum
  // that answers a ping sent after the sync arrived still follows this leader, so no later
  // epoch can have committed anything before that.
  QuorumSync sync{.origin = handler, .asked = {}, .after = last_proposed_};
  for (auto& [conn, h] : handlers_) {
    if (const std::uint64_t ping = h->confirm_ping(); ping != 0) sync.asked[conn] = ping;
  }
  quorum_syncs_.push_back(std::move(sync));
  ZAB_ASSERT(quorum_sync(), "a sync waits for a quorum only without the sync-without-quorum switch");
  check_quorum_syncs();
}

void Leader::process_local_sync() {
  ZAB_ASSERT(quorum_sync(), "with the switch a local sync is served like a read");
  process_sync(kLocalSyncOrigin);
}

void Leader::on_ping_reply() {
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "ping replies are read only from learners in broadcast");
  check_quorum_syncs();
}

void Leader::on_learner_up_to_date(LearnerHandler& handler) {
  ZAB_ASSERT(quorum_sync(), "UPTODATE joins waiting syncs only when syncs wait for a quorum (D33)");
  ZAB_ASSERT(handler.sid().has_value(), "a learner reaching UPTODATE said who it is");
  // A learner that joins while syncs wait can confirm them too: it follows this leader after
  // they arrived.
  for (QuorumSync& sync : quorum_syncs_) {
    if (const std::uint64_t ping = handler.confirm_ping(); ping != 0) sync.asked[handler.conn().value] = ping;
  }
}

void Leader::check_quorum_syncs() {
  ZAB_ASSERT(quorum_sync() || quorum_syncs_.empty(), "syncs wait for a quorum only without the sync-without-quorum switch");
  // In arrival order: ClientPort answers its local syncs first-in first-out.
  while (!quorum_syncs_.empty()) {
    const QuorumSync& sync = quorum_syncs_.front();
    std::size_t confirmed = 1;  // the leader itself
    for (const auto& [conn, ping] : sync.asked) {
      auto h = handlers_.find(conn);
      if (h != handlers_.end() && !h->second->dead() && h->second->sid() && ctx_.config.is_voter(*h->second->sid()) &&
          h->second->ping_answered(ping)) {
        ++confirmed;
      }
    }
    if (!ctx_.config.is_quorum(confirmed)) return;
    const ConnId origin = sync.origin;
    const Zxid after = sync.after;
    quorum_syncs_.pop_front();
    release_sync(origin, after);
  }
}

void Leader::release_syncs_before(Zxid zxid) {
  // Syncs wait in arrival order, so those that arrived before `zxid` was proposed are a prefix.
  while (!quorum_syncs_.empty() && quorum_syncs_.front().after < zxid) {
    const QuorumSync sync = quorum_syncs_.front();
    quorum_syncs_.pop_front();
    // Everything up to `after` is committed already: commits go out in zxid order.
    ZAB_ASSERT(sync.after <= last_committed_, "a sync confirmed by a later commit follows only committed proposals");
    send_sync(sync.origin);
  }
}

void Leader::release_sync(ConnId origin, Zxid after) {
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "a sync is released only by an established leader");
  if (after <= last_committed_) {
    send_sync(origin);
    return;
  }
  ZAB_ASSERT(outstanding_.contains(after), "a sync parks on the proposal that was newest when it arrived, still outstanding");
  pending_syncs_[after].push_back(origin);
}

void Leader::send_sync(ConnId origin) {
  ZAB_ASSERT(phase_ == Phase::kBroadcast, "SYNC answers go out from an established leader");
  if (origin == kLocalSyncOrigin) {
    ctx_.hand_to_clients(handoff::SyncReleased{});
    return;
  }
  auto h = handlers_.find(origin.value);
  if (h != handlers_.end()) h->second->queue_packet(QuorumPacket{PacketType::kSync, Zxid::zero(), std::nullopt});
}

}  // namespace zab
