#include "protocol/election/fle.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/base/zab_trace.h"

namespace zab {

namespace {

// QuorumMaj.toString: one line per member, then the config version (0: never reconfigured).
std::string quorum_verifier_text(const ServerConfig& config) {
  ZAB_ASSERT(!config.voters.empty(), "an ensemble has at least one voter");
  std::string text;
  for (ServerId sid : config.voters) {
    text += fmt::format("server.{}=s{}:{}:{}:participant\n", sid.value, sid.value, kQuorumPort, kElectionPort);
  }
  text += "version=0";
  return text;
}
}  // namespace

FastLeaderElection::FastLeaderElection(const ServerConfig& config, const ElectionPeer& peer,
                                       QuorumCnxManager& manager)
    : config_(config), peer_(peer), manager_(manager), quorum_verifier_text_(quorum_verifier_text(config)),
      not_timeout_(config.min_notification_interval) {
  ZAB_ASSERT(config_.is_voter(config_.my_id), "the election runs on voters (observers are out of scope)");
  ZAB_ASSERT(config_.min_notification_interval > Duration{}, "minNotificationInterval is positive");
  ZAB_ASSERT(config_.max_notification_interval >= config_.min_notification_interval,
             "maxNotificationInterval is at least minNotificationInterval");
  ZAB_ASSERT(config_.finalize_wait > Duration{}, "finalizeWait is positive");
}

// --- lookForLeader ------------------------------------------------------------------------

void FastLeaderElection::look_for_leader(const Clocks& now, std::vector<Output>& out) {
  ZAB_ASSERT(phase_ == Phase::kIdle, "lookForLeader is not re-entered while an election runs");
  ZAB_ASSERT(!result_.has_value(), "the previous election's result was taken");
  ZAB_ASSERT(peer_.peer_state() == ServerState::kLooking, "only a LOOKING peer looks for a leader");
  recvset_.clear();
  outofelection_.clear();
  not_timeout_ = config_.min_notification_interval;
  // Every call starts a new round; only a new FLE (a new process here) resets the clock.
  ++logicalclock_;
  proposed_leader_ = init_id();
  proposed_zxid_ = init_last_logged_zxid();
  proposed_epoch_ = init_peer_epoch();
  emit(out, ev::FleLookForLeader{logicalclock_, proposed_leader_, proposed_zxid_, proposed_epoch_});
  phase_ = Phase::kPolling;
  ZAB_ASSERT(logicalclock_ > 0, "lookForLeader's first round is 1 (the clock is incremented before it votes)");
  ZAB_ASSERT(proposed_leader_ == config_.my_id, "a new round starts with a vote for ourselves (a participant)");
  send_notifications(out);
  set_timer(now, Timer::kNotification, not_timeout_, out);
}

void FastLeaderElection::process(const Clocks& now, const Notification& n, std::vector<Output>& out) {
  ZAB_ASSERT(phase_ == Phase::kPolling, "the main loop handles notifications only while polling");
  if (!valid_voter(n.sid) || !valid_voter(n.leader)) {
    emit(out, ev::FleIgnored{n.sid, ElectionIgnoreReason::kNotVoter});
  } else {
    switch (n.state) {
      case ServerState::kLooking:
        if (received_looking_notification(now, n, out)) return;
        break;
      case ServerState::kObserving:
        emit(out, ev::FleIgnored{n.sid, ElectionIgnoreReason::kObserving});
        break;
      case ServerState::kFollowing:
      case ServerState::kLeading:
        // With majority quorums receivedLeadingNotification is receivedFollowingNotification:
        // its oracle fallback (ZOOKEEPER-3922) needs a QuorumOracleMaj.
        if (auto end_vote = received_following_notification(n, out)) {
          finish(*end_vote, out);
          return;
        }
        break;
    }
  }
  // The next pass polls afresh for notTimeout (the back-off is not reset by a notification).
  ZAB_ASSERT(phase_ == Phase::kPolling, "a notification that did not end the poll leaves the election polling");
  set_timer(now, Timer::kNotification, not_timeout_, out);
}

bool FastLeaderElection::received_looking_notification(const Clocks& now, const Notification& n,
                                                       std::vector<Output>& out) {
  // ZOOKEEPER-261: an untrusted empty database neither counts LOOKING votes nor is counted.
  if (init_last_logged_zxid() == kZxidMinusOne) {
    emit(out, ev::FleIgnored{n.sid, ElectionIgnoreReason::kOwnNoZxid});
    return false;
  }
  if (n.zxid == kZxidMinusOne) {
    emit(out, ev::FleIgnored{n.sid, ElectionIgnoreReason::kNoZxid});
    return false;
  }
  if (n.election_epoch > logicalclock_) {
    // A newer round: join it. The vote is weighed against our own initial vote, not against
    // the proposal we had in the old round.
    logicalclock_ = n.election_epoch;
    recvset_.clear();
    emit(out, ev::FleRoundAdvanced{logicalclock_, n.sid});
    if (total_order_predicate(n.leader, n.zxid, n.peer_epoch, init_id(), init_last_logged_zxid(),
                              init_peer_epoch(), config_.mutations)) {
      update_proposal(n.leader, n.zxid, n.peer_epoch, out);
    } else {
      update_proposal(init_id(), init_last_logged_zxid(), init_peer_epoch(), out);
    }
    send_notifications(out);
  } else if (n.election_epoch < logicalclock_) {
    // WorkerReceiver has already told the sender our round and proposal.
    emit(out, ev::FleIgnored{n.sid, ElectionIgnoreReason::kStaleRound});
    return false;
  } else if (total_order_predicate(n.leader, n.zxid, n.peer_epoch, proposed_leader_, proposed_zxid_,
                                   proposed_epoch_, config_.mutations)) {
    update_proposal(n.leader, n.zxid, n.peer_epoch, out);
    send_notifications(out);
  }
  recvset_[n.sid] = Vote::of(n.leader, n.zxid, n.election_epoch, n.peer_epoch);
  ZAB_ASSERT(n.election_epoch == logicalclock_, "only votes of our own round enter recvset (older ones returned early)");
  ZAB_ASSERT(recvset_.size() <= config_.voters.size(), "recvset holds at most one vote per voter");
  const Vote ours = proposal();
  const std::size_t acks = count_acks(recvset_, ours);
  if (!config_.is_quorum(acks)) return false;
  ZAB_ASSERT(acks <= recvset_.size(), "each vote in recvset acks at most once");
  ZAB_ASSERT(phase_ == Phase::kPolling, "a quorum is counted only while polling");
  // A quorum agrees with us. The decision stands after finalizeWait passes with no better vote.
  emit(out, ev::FleFinalizeWait{proposed_leader_, logicalclock_, static_cast<std::uint64_t>(acks)});
  phase_ = Phase::kFinalizing;
  set_timer(now, Timer::kFinalize, config_.finalize_wait, out);
  return true;
}

std::optional<Vote> FastLeaderElection::received_following_notification(const Notification& n,
                                                                       std::vector<Output>& out) {
  if (n.election_epoch == logicalclock_) {
    // Same round. The entry has version 0 (Vote's 5-argument constructor), so against the
    // notification's version-2 vote only the leader id is compared (Vote.equals).
    recvset_[n.sid] = Vote{.version = 0, .id = n.leader, .zxid = n.zxid, .election_epoch = n.election_epoch,
                           .peer_epoch = n.peer_epoch, .state = n.state};
    if (has_quorum(recvset_, n.vote()) && check_leader(recvset_, n.leader, n.election_epoch)) {
      emit(out, ev::FleJoined{n.leader, n.election_epoch, JoinPath::kSameRound, n.sid});
      return Vote::of(n.leader, n.zxid, n.election_epoch, n.peer_epoch);
    }
  }
  // Out of election: the ensemble may have settled in any round. Entries are overwritten
  // whatever their round, and compared on (id, peerEpoch).
  outofelection_[n.sid] = n.vote();
  ZAB_ASSERT(outofelection_.size() <= config_.voters.size(), "outofelection holds at most one vote per voter");
  if (has_quorum(outofelection_, n.vote()) && check_leader(outofelection_, n.leader, n.election_epoch)) {
    // Join that round, even if this moves logicalclock backwards.
    logicalclock_ = n.election_epoch;
    emit(out, ev::FleJoined{n.leader, n.election_epoch, JoinPath::kOutOfElection, n.sid});
    return Vote::of(n.leader, n.zxid, n.election_epoch, n.peer_epoch);
  }
  return std::nullopt;
}

bool FastLeaderElection::check_leader(const std::map<ServerId, Vote>& votes, ServerId leader,
                                      std::int64_t election_epoch) const {
  ZAB_ASSERT(valid_voter(leader), "only a voter's leadership is checked (non-voters were ignored)");
  if (leader != config_.my_id) {
    // The would-be leader must itself have said that it leads.
    auto it = votes.find(leader);
    return it != votes.end() && it->second.state == ServerState::kLeading;
  }
  // Everyone thinks we lead: only if it is our round.
  return logicalclock_ == election_epoch;
}

std::size_t FastLeaderElection::count_acks(const std::map<ServerId, Vote>& votes, const Vote& vote) const {
  // getVoteTracker: an ack from every voter whose vote equals this one (SyncedLearnerTracker
  // adds acks only for members of the verifier).
  std::size_t acks = 0;
  for (const auto& [sid, v] : votes) {
    if (same_vote(vote, v) && config_.is_voter(sid)) ++acks;
  }
  ZAB_ASSERT(acks <= votes.size(), "a vote is acked at most once per voter");
  ZAB_ASSERT(acks <= config_.voters.size(), "acks come from voters only");
  return acks;
}

bool FastLeaderElection::has_quorum(const std::map<ServerId, Vote>& votes, const Vote& vote) const {
  return config_.is_quorum(count_acks(votes, vote));
}

void FastLeaderElection::finish(const Vote& end_vote, std::vector<Output>& out) {
  ZAB_ASSERT(phase_ != Phase::kIdle, "an election finishes once, from polling or the finalize wait");
  ZAB_ASSERT(valid_voter(end_vote.id), "the elected leader is a voter");
  cancel_timer(out);
  phase_ = Phase::kIdle;
  result_ = end_vote;
  // leaveInstance clears recvqueue; ours is always empty between inputs.
  emit(out, ev::FleElectionFinished{end_vote.id, end_vote.election_epoch, end_vote.zxid, end_vote.peer_epoch});
}

std::optional<Vote> FastLeaderElection::take_result() {
  std::optional<Vote> result = std::move(result_);
  ZAB_ASSERT(!result || phase_ == Phase::kIdle, "a result is taken only once the election stopped");
  result_.reset();
  return result;
}

// --- timers -------------------------------------------------------------------------------

void FastLeaderElection::on_timer(const Clocks& now, std::uint64_t id, std::vector<Output>& out) {
  ZAB_ASSERT(timer_space(id) == TimerSpace::kElection, "only election timers are routed to FLE");
  const Timer which = id == kNotificationTimerId ? Timer::kNotification
                      : id == kFinalizeTimerId   ? Timer::kFinalize
                                                 : Timer::kNone;
  // A firing we no longer wait for (cancelled or re-set after it was held while the process
  // was stopped) is stale: the timer that is set now fires on its own.
  if (which == Timer::kNone || which != timer_ || now.monotonic < timer_deadline_) return;
  timer_ = Timer::kNone;
  if (which == Timer::kNotification) {
    ZAB_ASSERT(phase_ == Phase::kPolling, "the notification timeout is set only while polling");
    // No notification for notTimeout: re-send our vote if some peer has taken everything we
    // queued for it, else just try to (re)connect (lookForLeader, haveDelivered).
    const bool delivered = manager_.have_delivered();
    if (delivered) {
      send_notifications(out);
    } else {
      manager_.connect_all(out);
    }
    not_timeout_ = std::min(not_timeout_ * 2, config_.max_notification_interval);
    emit(out, ev::FleTimeout{not_timeout_.count_ms(), delivered});
    set_timer(now, Timer::kNotification, not_timeout_, out);
    return;
  }
  ZAB_ASSERT(phase_ == Phase::kFinalizing, "the finalize wait is set only while finalizing");
  // finalizeWait passed without a better vote: the quorum's decision stands.
  finish(proposal(), out);
  ZAB_ASSERT(result_.has_value(), "the finalize wait ends the election with our proposal");
}

void FastLeaderElection::set_timer(const Clocks& now, Timer timer, Duration after, std::vector<Output>& out) {
  ZAB_ASSERT(timer != Timer::kNone, "a timer to set is the notification timeout or the finalize wait");
  ZAB_ASSERT(after > Duration{}, "an election timeout is positive");
  if (timer_ != Timer::kNone && timer_ != timer) cancel_timer(out);
  timer_ = timer;
  timer_deadline_ = now.monotonic + after;
  out.push_back(out::SetTimer{timer == Timer::kNotification ? kNotificationTimerId : kFinalizeTimerId, after});
}

void FastLeaderElection::cancel_timer(std::vector<Output>& out) {
  if (timer_ == Timer::kNone) return;
  ZAB_ASSERT(timer_ == Timer::kNotification || timer_ == Timer::kFinalize, "the election has two timers");
  out.push_back(out::CancelTimer{timer_ == Timer::kNotification ? kNotificationTimerId : kFinalizeTimerId});
  timer_ = Timer::kNone;
}

// --- WorkerReceiver -----------------------------------------------------------------------

void FastLeaderElection::on_message(const Clocks& now, const ElectionMessage& message, std::vector<Output>& out) {
  const auto n = decode_notification(message.sid, message.payload);
  if (!n) {
    emit(out, ev::FleMalformed{message.sid, message.payload.size()});
    return;
  }
  ZAB_ASSERT(n->sid == message.sid, "a notification is attributed to the peer QuorumCnxManager received it from");
  const ServerState my_state = peer_.peer_state();
  ZAB_ASSERT(my_state != ServerState::kObserving, "observers are out of scope: a server is never OBSERVING");
  if (!valid_voter(n->sid)) {
    // Not a voter (an observer): answer with our currentVote and logicalclock at once, in any
    // state, and do not queue it for lookForLeader.
    const Vote current = peer_.current_vote();
    send_notification(n->sid, current, logicalclock_, my_state, out);
    return;
  }
  if (!is_known_state(n->state)) {
    emit(out, ev::FleIgnored{n->sid, ElectionIgnoreReason::kUnknownState});
    return;
  }
  emit(out, ev::FleNotificationIn{n->sid, n->state, n->leader, n->election_epoch});
  if (my_state != ServerState::kLooking) {
    // Not LOOKING: the notification is not queued. A LOOKING sender learns our currentVote,
    // with the round it was elected in (ZOOKEEPER-1732), and our real state.
    if (n->state == ServerState::kLooking) {
      const Vote current = peer_.current_vote();
      send_notification(n->sid, current, current.election_epoch, my_state, out);
    } else {
      emit(out, ev::FleIgnored{n->sid, ElectionIgnoreReason::kNotLooking});
    }
    return;
  }
  ZAB_ASSERT(phase_ != Phase::kIdle,
             "a LOOKING peer runs lookForLeader: the node calls look_for_leader as it turns LOOKING "
             "and acts on each result before its next input");
  // A LOOKING sender in an older round learns our round and proposal, so it can catch up.
  if (n->state == ServerState::kLooking && n->election_epoch < logicalclock_) {
    send_notification(n->sid, proposal(), logicalclock_, ServerState::kLooking, out);
  }
  if (phase_ == Phase::kFinalizing) {
    // The finalize wait looks at nothing but whether the vote is better than ours — not the
    // state, the round or the voter check.
    if (!total_order_predicate(n->leader, n->zxid, n->peer_epoch, proposed_leader_, proposed_zxid_,
                               proposed_epoch_, config_.mutations)) {
      // Discarded for good, not even kept for recvset; the next 200 ms poll starts afresh.
      emit(out, ev::FleFinalizeDiscard{n->sid, n->leader});
      set_timer(now, Timer::kFinalize, config_.finalize_wait, out);
      return;
    }
    // Better: ZooKeeper puts it back on the queue and the main loop takes it at once.
    emit(out, ev::FleFinalizeBroken{n->sid, n->leader});
    phase_ = Phase::kPolling;
  }
  process(now, *n, out);
}

// --- sending --------------------------------------------------------------------------------

void FastLeaderElection::update_proposal(ServerId leader, Zxid zxid, std::int64_t epoch, std::vector<Output>& out) {
  ZAB_ASSERT(valid_voter(leader), "only a voter is proposed as leader");
  ZAB_ASSERT(phase_ != Phase::kIdle, "the proposal changes only during an election");
  const bool changed = leader != proposed_leader_ || zxid != proposed_zxid_ || epoch != proposed_epoch_;
  proposed_leader_ = leader;
  proposed_zxid_ = zxid;
  proposed_epoch_ = epoch;
  if (changed) emit(out, ev::FleVoteChanged{leader, zxid, epoch, logicalclock_});
}

void FastLeaderElection::send_notifications(std::vector<Output>& out) {
  ZAB_ASSERT(phase_ != Phase::kIdle, "notifications go out during an election");
  ZAB_ASSERT(logicalclock_ > 0, "notifications carry a round that lookForLeader started");
  // To every voter, ourselves included: our own vote counts only once it loops back.
  emit(out, ev::FleNotificationsSent{logicalclock_, proposed_leader_, proposed_zxid_, proposed_epoch_});
  const Vote ours = proposal();
  for (ServerId sid : config_.voters) {
    manager_.to_send(sid, encode_notification(Notification{.state = ServerState::kLooking,
                                                           .leader = ours.id,
                                                           .zxid = ours.zxid,
                                                           .election_epoch = logicalclock_,
                                                           .peer_epoch = ours.peer_epoch,
                                                           .config = quorum_verifier_text_}),
                     out);
  }
}

void FastLeaderElection::send_notification(ServerId to, const Vote& vote, std::int64_t election_epoch,
                                           ServerState state, std::vector<Output>& out) {
  ZAB_ASSERT(state != ServerState::kObserving, "a participant never reports OBSERVING");
  ZAB_ASSERT(election_epoch >= 0, "an election round is never negative");
  emit(out, ev::FleReply{to, state, vote.id, election_epoch});
  manager_.to_send(to, encode_notification(Notification{.state = state,
                                                        .leader = vote.id,
                                                        .zxid = vote.zxid,
                                                        .election_epoch = election_epoch,
                                                        .peer_epoch = vote.peer_epoch,
                                                        .config = quorum_verifier_text_}),
                   out);
}


void FastLeaderElection::check_invariants(bool looking) const {
  // The node takes a result in the step that produced it, and calls look_for_leader as it
  // turns LOOKING: so lookForLeader runs exactly while the node is LOOKING.
  ZAB_ASSERT(!result_.has_value(), "the node acts on an election result in the step that produced it");
  ZAB_ASSERT(running() == looking, "lookForLeader runs exactly while the server is LOOKING");
  ZAB_ASSERT((timer_ != Timer::kNone) == running(), "a running election always waits on exactly one timer");
  ZAB_ASSERT(phase_ != Phase::kPolling || timer_ == Timer::kNotification, "polling waits on the notification timeout");
  ZAB_ASSERT(phase_ != Phase::kFinalizing || timer_ == Timer::kFinalize, "finalizing waits on finalizeWait");
  ZAB_ASSERT(not_timeout_ >= config_.min_notification_interval, "notTimeout starts at minNotificationInterval");
  ZAB_ASSERT(not_timeout_ <= config_.max_notification_interval, "notTimeout backs off up to maxNotificationInterval");
  ZAB_ASSERT(recvset_.size() <= config_.voters.size(), "recvset holds at most one vote per voter");
  ZAB_ASSERT(outofelection_.size() <= config_.voters.size(), "outofelection holds at most one vote per voter");
  ZAB_ASSERT(logicalclock_ > 0, "a started server has run lookForLeader at least once");
  ZAB_ASSERT(valid_voter(proposed_leader_), "we only ever propose a voter");
  if (phase_ == Phase::kFinalizing) {
    // The finalize wait began with a quorum for our proposal, and discards every vote that is
    // not better (a better one ends the wait): recvset does not change during it.
    ZAB_ASSERT(config_.is_quorum(count_acks(recvset_, proposal())), "a finalizing election holds a quorum for its proposal");
  }
  ZAB_ASSERT(proposed_epoch_ >= 0, "a proposal's peerEpoch is a currentEpoch, never negative");
  for (const auto& [sid, v] : outofelection_) ZAB_ASSERT(valid_voter(sid), "only voters' votes are kept out of election");
  for (const auto& [sid, v] : recvset_) {
    ZAB_ASSERT(valid_voter(sid), "only voters' votes are kept");
    // Only while the election runs: joining a settled ensemble's round out of election may move
    // logicalclock back below the round of the votes left in recvset (cleared on the next call).
    ZAB_ASSERT(!running() || v.election_epoch <= logicalclock_, "recvset holds no vote of a later round than ours");
  }
}

}  // namespace zab
