#include "protocol/quorum/quorum_peer.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/base/assert.h"
#include "protocol/base/coverage.h"
#include "protocol/persistence/epoch_files.h"
#include "protocol/base/zab_trace.h"

namespace zab {

QuorumPeer::QuorumPeer(const NodeContext& context, ServerConfig config)
    : config_(std::move(config)),
      node_(context),
      syncer_(config_, context.random),
      db_(config_, syncer_, files_),
      ctx_{config_, db_, syncer_, epochs_, touches_},
      clients_(ctx_) {
  db_.on_applied = [this](const ProcessTxnResult& result, std::vector<Output>&) { clients_.on_applied(result); };
  ZAB_ASSERT(config_.is_voter(config_.my_id), "a server is one of the voters of its ensemble");
  ZAB_ASSERT(ServerId::of(context.self) == config_.my_id, "server sid N listens at address N");
  syncer_.set_hooks(LogSyncer::Hooks{
      .flushed =
          [this](const std::vector<Zxid>& zxids) {
            if (leader_) leader_->on_logged(zxids);
            if (follower_) follower_->on_logged(zxids);
          },
      .direct_commit_done =
          [this] {
            if (follower_) follower_->on_direct_commit_done();
          },
      .take_snapshot = [this] { db_.take_snapshot(/*fsync=*/false, *ctx_.out); },
  });
}

QuorumPeer::~QuorumPeer() = default;

std::vector<TraceKindInfo> QuorumPeer::trace_kinds() {
  const auto kinds = server_trace_kinds();
  ZAB_ASSERT(!kinds.empty(), "a server reports events");
  return {kinds.begin(), kinds.end()};
}

void QuorumPeer::step(const Clocks& now, Input input, std::vector<Output>& out) {
  ZAB_ASSERT(ctx_.out == nullptr, "steps do not nest: the previous step released its outputs");
  ctx_.out = &out;
  ctx_.handoffs = &handoffs_;
  ctx_.now = now;
  files_.begin_step();
  if (const auto* s = std::get_if<in::Start>(&input)) {
    start(*s);
  } else if (running_) {
    route(input);
    deliver_handoffs();
  }
  if (running_) {
    check_role_ended();
    update_serving();
    check_invariants();
    // SyncRequestProcessor: the input queue is empty at the end of a step, so it flushes.
    syncer_.end_of_step(out);
    deliver_handoffs();  // the flush's ACKs can commit, and a commit can release a sync
    if (role_ending_ && syncer_.durable_idle()) {
      finish_role_end();
      update_serving();
      check_invariants();
    }
  }
  files_.catch_up(out);
  ZAB_ASSERT(handoffs_.empty(), "every hand-off of a step reaches the client port within it");
  ctx_.handoffs = nullptr;
  ctx_.out = nullptr;
}

void QuorumPeer::start(const in::Start& start) {
  ZAB_ASSERT(!running_, "a server process starts once (a restart is a new process)");
  ZAB_ASSERT(election_ == nullptr, "the election is made at the start of the process");
  files_.reset(start.files);
  syncer_.reset(start.files);
  // QuorumPeer.loadDataBase: restore, then the epoch checks; a refusal stops the server.
  auto restored = db_.load(start.files, *ctx_.out);
  startup_error_.clear();
  if (const auto* error = std::get_if<DiskError>(&restored)) {
    startup_error_ = error->message;
    ctx_.emit(ev::StartupRefused{StartupRefusal::kDatabaseUnreadable});
    ctx_.out->push_back(coverage(CoverageMark::kStartupRefused));
    return;
  }
  const Restored& r = std::get<Restored>(restored);
  auto epochs = check_epochs_at_start(start.files, db_.last_processed_zxid());
  if (const auto* error = std::get_if<DiskError>(&epochs)) {
    startup_error_ = error->message;
    ctx_.out->push_back(coverage(CoverageMark::kStartupRefused));
    ctx_.emit(ev::StartupRefused{error->refusal});
    return;
  }
  const StartupEpochs& e = std::get<StartupEpochs>(epochs);
  // MUTATION no-epoch-files (ZOOKEEPER-1081): before ZOOKEEPER-335/1081 there were no epoch
  // files; a starting server knew no epoch but that of its last zxid.
  const Epoch zxid_epoch = db_.last_processed_zxid().epoch();
  // MUTATION epoch-rename-not-durable (D31): ZooKeeper's AtomicFileOutputStream never makes
  // the rename durable, so a machine crash can take a persisted epoch back.
  const bool durable_rename = !config_.mutations.on(Mutation::kEpochRenameNotDurable);
  if (config_.mutations.on(Mutation::kNoEpochFiles)) {
    epochs_.reset(zxid_epoch, zxid_epoch, durable_rename);
  } else {
    epochs_.reset(e.accepted_epoch, e.current_epoch, durable_rename);
  }
  if (e.write_current_epoch) epochs_.persist(EpochKind::kCurrent, e.current_epoch, *ctx_.out);
  if (e.write_accepted_epoch) epochs_.persist(EpochKind::kAccepted, e.accepted_epoch, *ctx_.out);
  ctx_.emit(ev::Restored{.last_zxid = db_.last_processed_zxid(),
                         .snapshot_zxid = r.snapshot_zxid.value_or(Zxid::zero()),
                         .current_epoch = e.current_epoch,
                         .accepted_epoch = e.accepted_epoch});
  running_ = true;
  ZAB_ASSERT(epochs_.accepted() >= epochs_.current(), "loadDataBase refuses a currentEpoch above the acceptedEpoch");
  ZAB_ASSERT(db_.last_processed_zxid().epoch() <= epochs_.accepted(),
             "loadDataBase refuses a last zxid of an epoch beyond the epoch files");
  // startServerCnxnFactory and the election's listener.
  ctx_.out->push_back(out::Listen{kClientPort});
  ctx_.out->push_back(out::Listen{kElectionPort});
  election_ = std::make_unique<Election>(config_, static_cast<const ElectionPeer&>(*this));
  current_vote_ = Vote::of(config_.my_id, db_.last_processed_zxid(), 0, epochs_.current());
  look_for_leader();
}

void QuorumPeer::set_state(ServerState state) {
  ZAB_ASSERT(state != ServerState::kObserving, "observers are out of scope: a participant never observes");
  ZAB_ASSERT(state == ServerState::kLooking || !role_ending_, "a new role starts only once the last one ended");
  state_ = state;
  ZAB_ASSERT(state != ServerState::kObserving, "a participant is LOOKING, FOLLOWING or LEADING (no observers here)");
  const ServerId leader = state == ServerState::kLooking ? ServerId{} : current_vote_.id;
  ctx_.emit(ev::PeerState{.state = state, .leader = leader, .current_epoch = epochs_.current()});
}

void QuorumPeer::look_for_leader() {
  ZAB_ASSERT(leader_ == nullptr, "a server looks for a leader only once its leader role is gone");
  ZAB_ASSERT(follower_ == nullptr, "a server looks for a leader only once its follower role is gone");
  set_state(ServerState::kLooking);
  election_->look_for_leader(ctx_.now, *ctx_.out);
  check_election_result();
}

void QuorumPeer::check_election_result() {
  auto vote = election_->take_result();
  if (!vote) return;
  current_vote_ = *vote;
  ZAB_ASSERT(state_ == ServerState::kLooking, "an election result is taken while LOOKING");
  ZAB_ASSERT(config_.is_voter(vote->id), "the elected leader is a voter");
  // A new term: ACKs of what earlier terms queued for logging are not this term's to send.
  syncer_.set_generation(++role_generation_);
  if (vote->id == config_.my_id) {
    set_state(ServerState::kLeading);
    leader_ = std::make_unique<Leader>(ctx_);
    leader_->lead();
  } else {
    set_state(ServerState::kFollowing);
    follower_ = std::make_unique<Follower>(ctx_, vote->id);
    follower_->follow_leader();
  }
}

void QuorumPeer::check_invariants() {
  // The single entry point of the invariants pass (LogCabin's RaftConsensusInvariants): the
  // node's own state against its role, then every component's invariants, after every step.
  ZAB_ASSERT(running_, "only a running server is checked (a refused start stopped it)");
  ZAB_ASSERT(election_ != nullptr, "a running server has its election (made at start)");
  ZAB_ASSERT(ctx_.out != nullptr, "the invariants are checked inside a step");
  ZAB_ASSERT(handoffs_.empty(), "the invariants are checked with every hand-off delivered");
  ZAB_ASSERT(epochs_.accepted() >= epochs_.current(),
             "acceptedEpoch >= currentEpoch: an epoch is accepted before it becomes current");
  ZAB_ASSERT(!(leader_ && follower_), "a server is leader or follower, never both");
  if (role_ending_) {
    ZAB_ASSERT(!leader_, "a role that is ending has no leader left");
    ZAB_ASSERT(!follower_, "a role that is ending has no follower left");
    ZAB_ASSERT(state_ != ServerState::kLooking, "the state turns LOOKING only once the role has ended");
    ZAB_ASSERT(!clients_.serving(), "a role that is ending serves no client");
  } else {
    ZAB_ASSERT((state_ == ServerState::kLeading) == (leader_ != nullptr), "LEADING exactly while leading");
    ZAB_ASSERT((state_ == ServerState::kFollowing) == (follower_ != nullptr), "FOLLOWING exactly while following");
  }
  // update_serving ran before this check: the client port serves exactly while the role does.
  ZAB_ASSERT(clients_.serving() == ((leader_ && leader_->serving()) || (follower_ && follower_->serving())),
             "clients are served exactly while the leader is established or the follower is up to date");
  if (state_ == ServerState::kLeading) {
    ZAB_ASSERT(current_vote_.id == config_.my_id, "a LEADING server was elected: its vote names itself");
  }
  if (follower_) {
    ZAB_ASSERT(current_vote_.id == follower_->leader(), "a follower follows the server its vote elected");
  }
  // Every txn this server applied came from a leader of an epoch it had accepted (or was
  // restored from files whose epochs loadDataBase checked against it).
  ZAB_ASSERT(db_.last_processed_zxid().epoch() <= epochs_.accepted(),
             "lastProcessedZxid's epoch <= acceptedEpoch: no txn of an epoch not yet accepted is applied");
  epochs_.check_invariants();
  election_->check_invariants(state_ == ServerState::kLooking);
  syncer_.check_invariants();
  if (leader_) leader_->check_invariants();  // and each learner handler's
  if (follower_) follower_->check_invariants();
  clients_.check_invariants();  // and the leader's session tracker and PrepRequestProcessor
  // The database's O(size) walks — every node of the data tree, every committedLog entry —
  // are amortized. With the whole-state pass on (the default: every test run), they run after
  // every step while the tree and the window hold at most kWalkedPerStep entries together, and
  // after every (entries / kWalkedPerStep)-th step beyond, so that they cost about that many
  // entry visits per step (walked after every step, a 6,000-node tree made a 0.9 s test take
  // 250 s). With the pass off, after every 1024th step of this server.
  constexpr std::uint64_t kWalkedPerStep = 16;
  const std::uint64_t entries = db_.tree().node_count() + db_.committed_log().size();
  const std::uint64_t walk_every = config_.whole_state_invariants ? std::max<std::uint64_t>(1, entries / kWalkedPerStep) : 1024;
  const bool walk = ++steps_ >= walk_every;
  if (walk) steps_ = 0;
  db_.check_invariants(walk);
}

void QuorumPeer::update_serving() {
  ZAB_ASSERT(!(leader_ && follower_), "a server serves in one role at most");
  if (clients_.serving()) return;
  // updateElectionVote (ZOOKEEPER-1732): once the new epoch is established here, the vote
  // this server reports to LOOKING peers carries it as peerEpoch.
  // MUTATION stale-election-vote (ZOOKEEPER-1732): before the fix (Leader.startZkServer,
  // Learner.syncWithLeader) the vote kept the peerEpoch it was elected or joined with.
  const bool update_vote = !config_.mutations.on(Mutation::kStaleElectionVote);
  if (leader_ && leader_->serving()) {
    clients_.serve_as_leader(*leader_);
    if (update_vote) current_vote_.peer_epoch = leader_->epoch();
  }
  if (follower_ && follower_->serving()) {
    clients_.serve_as_follower(*follower_);
    if (update_vote) current_vote_.peer_epoch = epochs_.current();
  }
}

void QuorumPeer::check_role_ended() {
  ZAB_ASSERT(!role_ending_ || (!leader_ && !follower_), "while a role ends there is no role object left");
  if (leader_ && leader_->is_shutdown()) {
    const bool served = leader_->serving_started();
    clients_.stop_serving();
    leader_.reset();
    // ZooKeeperServer.shutdown: the processors stop (the syncer's queue reaches the log and is
    // flushed), then a server that was RUNNING fast-forwards its tree over the whole log.
    // MUTATION kSkipFastForwardOnShutdown (ZOOKEEPER-2845): skip the fast-forward.
    role_ending_ = RoleEnd{.fast_forward = served && !config_.mutations.on(Mutation::kSkipFastForwardOnShutdown)};
  } else if (follower_ && follower_->exited()) {
    const bool interrupted_snap = follower_->interrupted_snap();
    const bool served = follower_->serving_started();
    clients_.stop_serving();
    follower_.reset();
    // Learner.shutdown -> zk.shutdown(fullyShutDown = syncMode == SNAP): flush the logger
    // (ZOOKEEPER-4712's fix), then clear the half-synced database of an interrupted SNAP
    // (ZOOKEEPER-3642), or fast-forward the tree over the whole log. ZooKeeper fast-forwards
    // only a server that reached RUNNING; one interrupted between NEWLEADER and UPTODATE keeps
    // the txns it logged out of its tree and votes with the older zxid (deviation D30).
    RoleEnd end;
    // MUTATION keep-interrupted-snap (ZOOKEEPER-3642): before the fix the half-synced database
    // was kept (and, never RUNNING, not fast-forwarded either).
    end.clear_interrupted_snap = interrupted_snap && !config_.mutations.on(Mutation::kKeepInterruptedSnap);
    end.fast_forward = !interrupted_snap &&
                       !config_.mutations.on(Mutation::kSkipFastForwardOnShutdown) &&  // MUTATION (ZOOKEEPER-2845)
                       (served || !config_.mutations.on(Mutation::kFastForwardOnlyIfRunning));  // MUTATION (D30)
    end.unserved_learner = !served;
    role_ending_ = end;
  } else {
    return;
  }
  // SyncRequestProcessor.shutdown appends what is queued and flushes it before shutdown
  // returns (ZOOKEEPER-4712's fix): the QuorumPeer thread goes LOOKING only once every txn
  // the term handed to the logger is durable. With nothing waiting, that is at once;
  // otherwise the flush goes out at the end of this step and the role ends when its fsync
  // (and any fsync still in flight) is done: deviation D23.
  syncer_.drain(*ctx_.out);
  if (syncer_.durable_idle()) finish_role_end();
}

void QuorumPeer::finish_role_end() {
  ZAB_ASSERT(role_ending_.has_value(), "a role end is pending");
  ZAB_ASSERT(syncer_.durable_idle(), "a role ends only once the logger's txns are durable");
  const RoleEnd end = *role_ending_;
  ZAB_ASSERT(!(end.clear_interrupted_snap && end.fast_forward), "an interrupted SNAP is cleared, never fast-forwarded");
  ZAB_ASSERT(!clients_.serving(), "no client is served while the role ends");
  role_ending_.reset();
  if (end.clear_interrupted_snap) {
    ctx_.out->push_back(coverage(CoverageMark::kInterruptedSnapCleared));
    db_.clear();
    db_.reload(*ctx_.out);
  } else if (end.fast_forward) {
    if (end.unserved_learner) ctx_.out->push_back(coverage(CoverageMark::kUnservedLearnerFastForwarded));
    db_.fast_forward(*ctx_.out);
  }
  look_for_leader();
}

void QuorumPeer::deliver_handoffs() {
  // The client port's pipeline takes what the quorum parts handed over, in the order they
  // did; it hands nothing back, so one pass empties the queue.
  std::vector<ClientHandoff> handoffs;
  handoffs.swap(handoffs_);
  for (const ClientHandoff& handoff : handoffs) clients_.on_handoff(handoff);
  ZAB_ASSERT(handoffs_.empty(), "the client port hands nothing back to the quorum parts");
}

void QuorumPeer::route(const Input& input) {
  ZAB_ASSERT(running_, "only a running server routes inputs");
  ZAB_ASSERT(ctx_.out != nullptr, "inputs are routed inside a step");
  if (election_->step(ctx_.now, input, *ctx_.out)) {
    if (state_ == ServerState::kLooking) check_election_result();
    return;
  }
  std::visit(
      [&](const auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, in::ConnectionUp>) {
          if (in.port == kClientPort && !in.initiated_by_us) {
            clients_.on_connection_up(in.conn);
          } else if (in.port == kQuorumPort && !in.initiated_by_us) {
            if (leader_) {
              leader_->on_learner_connected(in.conn, in.peer);
            } else {
              ctx_.close(in.conn);
            }
          } else if (in.initiated_by_us && timer_space(in.tag) == TimerSpace::kLearner && follower_) {
            follower_->on_connection_up(in.conn, in.tag);
          } else {
            ctx_.close(in.conn);
          }
        } else if constexpr (std::is_same_v<T, in::ConnectFailed>) {
          if (follower_ && timer_space(in.tag) == TimerSpace::kLearner) follower_->on_connect_failed(in.tag);
        } else if constexpr (std::is_same_v<T, in::ConnectionDown>) {
          if (clients_.owns(in.conn)) clients_.on_connection_down(in.conn);
          if (leader_ && leader_->owns(in.conn)) leader_->on_connection_down(in.conn);
          if (follower_ && follower_->owns(in.conn)) follower_->on_connection_down(in.conn);
        } else if constexpr (std::is_same_v<T, in::Message>) {
          if (clients_.owns(in.conn)) {
            clients_.on_message(in.conn, in.payload);
            return;
          }
          const bool for_leader = leader_ && leader_->owns(in.conn);
          const bool for_follower = follower_ && follower_->owns(in.conn);
          if (!for_leader && !for_follower) return;
          const auto packet = decode_packet(in.payload);
          if (!packet) {
            ctx_.close(in.conn);  // an unreadable packet: the stream is broken
            return;
          }
          if (for_leader) leader_->on_message(in.conn, *packet);
          if (for_follower) follower_->on_message(in.conn, *packet);
        } else if constexpr (std::is_same_v<T, in::TimerFired>) {
          const TimerSpace space = timer_space(in.id);
          if (space == TimerSpace::kLeader && leader_) leader_->on_timer(timer_local(in.id));
          if (space == TimerSpace::kLearner && follower_) follower_->on_timer(timer_local(in.id));
          if (space == TimerSpace::kSessions) clients_.on_timer(timer_local(in.id));
        } else if constexpr (std::is_same_v<T, in::FsyncDone>) {
          on_fsync_done(in.tag);
        }
      },
      input);
}

void QuorumPeer::on_fsync_done(std::uint64_t tag) {
  ZAB_ASSERT(tag != 0, "fsync completions carry the tag they were issued with");
  if (syncer_.on_fsync_done(tag, *ctx_.out)) return;
  if (auto done = epochs_.on_fsync_done(tag, *ctx_.out)) {
    if (done->kind == EpochKind::kAccepted) {
      ctx_.emit(ev::AcceptedEpoch{done->epoch});
    } else {
      ctx_.emit(ev::CurrentEpoch{done->epoch});
    }
    if (done->kind == EpochKind::kAccepted) {
      if (leader_) leader_->on_accepted_epoch_persisted(done->epoch);
      if (follower_) follower_->on_accepted_epoch_persisted(done->epoch);
    } else {
      if (leader_) leader_->on_current_epoch_persisted(done->epoch);
      if (follower_) follower_->on_current_epoch_persisted(done->epoch);
    }
    return;
  }
  if (db_.on_fsync_done(tag, *ctx_.out)) {
    if (follower_) follower_->on_snapshot_persisted();
  }
}

std::uint16_t QuorumPeer::message_type(const Bytes& payload) const {
  if (!payload.empty() && payload[0] == kQuorumWireTag) {
    if (const auto p = decode_packet(payload)) return static_cast<std::uint16_t>(p->type);
    return 0;
  }
  if (is_client_message(payload)) return static_cast<std::uint16_t>(300 + payload[0]);
  return Election::message_type(payload);
}

std::string QuorumPeer::describe_message(const Bytes& payload) const {
  if (!payload.empty() && payload[0] == kQuorumWireTag) {
    if (const auto p = decode_packet(payload)) return describe_packet(*p);
    return "unreadable quorum packet";
  }
  if (is_client_message(payload)) {
    if (const auto m = decode_client_message(payload)) return describe_client_message(*m);
    return "unreadable client message";
  }
  return Election::describe_message(payload);
}

}  // namespace zab
