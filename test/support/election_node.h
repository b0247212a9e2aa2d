#pragma once
// A test-only server that runs nothing but leader election: QuorumCnxManager and
// FastLeaderElection behind the Election facade, with a stand-in for the QuorumPeer around
// them. At Start it is LOOKING with the given last logged zxid and currentEpoch and looks for
// a leader; when the election returns it becomes LEADING or FOLLOWING and stays there,
// answering LOOKING servers' notifications. A test makes it LOOKING again at chosen times
// (as a QuorumPeer does when its leader or its followers go away), through `look_again`.
// What it knows lives outside the node, so tests can read it and it survives crashes.
//
// WORLD ORDERING WORKAROUND. sim::Network hands the dialer its in::ConnectionUp (whose step
// may send at once) before it queues the acceptor's accept notice, so the acceptor can get the
// dialer's first messages — and even its close — before its own in::ConnectionUp, or never
// see that ConnectionUp at all (network.cpp, kSynAck: the kAccept item is enqueued after
// host_.network_input). QuorumCnxManager sends its initial message the moment a dial
// succeeds, so it hits this every time. Until the world is fixed, this node holds inputs for
// a connection it has not heard of and replays them behind a ConnectionUp (synthesized if the
// close came first). Everything an unknown connection carries here is election traffic.

#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "protocol/base/config.h"
#include "protocol/election/election.h"
#include "protocol/base/zab_trace.h"
#include "protocol/base/io.h"
#include "sim/world.h"

namespace zab::test {

struct ElectionServerSpec {
  ServerConfig config;
  Zxid last_logged_zxid;  // what the peer's txn log ends with
  Epoch current_epoch = 0;
  // Become LOOKING again (if not LOOKING already) this long after each Start, on the
  // process's own monotonic clock.
  std::vector<Duration> look_again;
};

struct ElectionOutcome {
  sim::SimTime at;
  Vote vote;
  ServerState state;  // LEADING or FOLLOWING
};

struct ElectionNodeState {
  ServerState state = ServerState::kLooking;
  Vote current_vote;
  std::vector<ElectionOutcome> outcomes;  // every election this server finished, in order
  std::int64_t logicalclock = 0;
  std::vector<ServerId> connected_peers;  // QuorumCnxManager's SendWorkers after the last step
  std::uint32_t starts = 0;

  bool decided() const { return state != ServerState::kLooking; }
  ServerId leader() const { return current_vote.id; }
};

class ElectionNode final : public Node, private ElectionPeer {
 public:
  // Test-only timers; outside every TimerSpace a server uses.
  static constexpr std::uint64_t kLookAgainSpace = 0x7f;

  ElectionNode(const sim::World* world, std::shared_ptr<ElectionNodeState> state, ElectionServerSpec spec)
      : world_(world), state_(std::move(state)), spec_(std::move(spec)), election_(spec_.config, *this) {}

  void step(const Clocks& now, Input input, std::vector<Output>& out) override {
    if (const auto* up = std::get_if<in::ConnectionUp>(&input); up && !up->initiated_by_us) {
      const ConnId conn = up->conn;
      known_.insert(conn);
      handle(now, std::move(input), out);
      replay(now, conn, out);
      return;
    }
    if (const auto conn = unknown_connection(input)) {
      early_[conn->value].push_back(std::move(input));
      if (std::holds_alternative<in::ConnectionDown>(early_[conn->value].back())) {
        // Closed before the accept notice arrived: the notice is gone for good.
        known_.insert(*conn);
        handle(now, in::ConnectionUp{*conn, Address{0}, kElectionPort, false, 0}, out);
        replay(now, *conn, out);
      }
      return;
    }
    if (const auto* down = std::get_if<in::ConnectionDown>(&input)) known_.erase(down->conn);
    handle(now, std::move(input), out);
  }
  std::string describe_message(const Bytes& payload) const override { return Election::describe_message(payload); }
  std::uint16_t message_type(const Bytes& payload) const override { return Election::message_type(payload); }

 private:
  void handle(const Clocks& now, Input input, std::vector<Output>& out) {
    if (std::holds_alternative<in::Start>(input)) {
      ++state_->starts;
      state_->state = ServerState::kLooking;
      state_->outcomes.clear();
      // QuorumPeer.startLeaderElection: the initial currentVote, round -1.
      state_->current_vote = Vote::of(spec_.config.my_id, spec_.last_logged_zxid, -1, spec_.current_epoch);
      // QuorumCnxManager.Listener binds the election port.
      out.push_back(out::Listen{kElectionPort});
      for (std::size_t i = 0; i < spec_.look_again.size(); ++i) {
        out.push_back(out::SetTimer{(kLookAgainSpace << 48) | i, spec_.look_again[i]});
      }
      election_.look_for_leader(now, out);
    } else if (election_.step(now, input, out)) {
      // the election's input
    } else if (const auto* t = std::get_if<in::TimerFired>(&input); t && (t->id >> 48) == kLookAgainSpace) {
      if (state_->state != ServerState::kLooking) {
        state_->state = ServerState::kLooking;  // QuorumPeer.updateServerState after a role ends
        election_.look_for_leader(now, out);
      }
    }
    if (auto vote = election_.take_result()) {
      state_->state = vote->id == spec_.config.my_id ? ServerState::kLeading : ServerState::kFollowing;
      state_->current_vote = *vote;
      state_->outcomes.push_back(ElectionOutcome{world_->now(), *vote, state_->state});
    }
    state_->logicalclock = election_.fle().logicalclock();
    state_->connected_peers = election_.manager().connected_peers();
  }

  // A message or close on a connection this node never heard come up (see the header).
  std::optional<ConnId> unknown_connection(const Input& input) const {
    std::optional<ConnId> conn;
    if (const auto* m = std::get_if<in::Message>(&input)) conn = m->conn;
    if (const auto* d = std::get_if<in::ConnectionDown>(&input)) conn = d->conn;
    if (!conn || known_.contains(*conn) || election_.manager().owns(*conn)) return std::nullopt;
    return conn;
  }
  void replay(const Clocks& now, ConnId conn, std::vector<Output>& out) {
    auto it = early_.find(conn.value);
    if (it == early_.end()) return;
    std::vector<Input> held = std::move(it->second);
    early_.erase(it);
    for (Input& input : held) {
      if (std::holds_alternative<in::ConnectionDown>(input)) known_.erase(conn);
      handle(now, std::move(input), out);
    }
  }

  ServerState peer_state() const override { return state_->state; }
  Vote current_vote() const override { return state_->current_vote; }
  Zxid last_logged_zxid() const override { return spec_.last_logged_zxid; }
  Epoch current_epoch() const override { return spec_.current_epoch; }

  const sim::World* world_;
  std::shared_ptr<ElectionNodeState> state_;
  ElectionServerSpec spec_;
  Election election_;
  std::set<ConnId> known_;                            // connections we saw come up (or dialed)
  std::map<std::uint64_t, std::vector<Input>> early_;  // inputs ahead of their ConnectionUp
};

// The voters 1..n, sorted.
inline std::vector<ServerId> voters_1_to(std::uint64_t n) {
  std::vector<ServerId> voters;
  for (std::uint64_t i = 1; i <= n; ++i) voters.push_back(ServerId{i});
  return voters;
}

// An ensemble of election-only servers s1..sn (address = sid), not started yet.
struct ElectionEnsemble {
  std::vector<std::shared_ptr<ElectionNodeState>> servers;  // index sid-1

  ElectionNodeState& operator[](std::uint64_t sid) { return *servers.at(sid - 1); }
  const ElectionNodeState& operator[](std::uint64_t sid) const { return *servers.at(sid - 1); }
};

// Adds servers 1..specs.size(); each spec's config gets its my_id and the voters filled in.
inline ElectionEnsemble add_election_ensemble(sim::World& world, std::vector<ElectionServerSpec> specs) {
  ElectionEnsemble ensemble;
  const auto voters = voters_1_to(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    ElectionServerSpec spec = specs[i];
    spec.config.my_id = ServerId{i + 1};
    spec.config.voters = voters;
    auto state = std::make_shared<ElectionNodeState>();
    ensemble.servers.push_back(state);
    const Address address = spec.config.my_id.address();
    world.add_process(
        address, sim::ProcessConfig{.name = "s" + std::to_string(i + 1)},
        [&world, state, spec](const NodeContext&) { return std::make_unique<ElectionNode>(&world, state, spec); },
        server_trace_kinds());
  }
  return ensemble;
}

// n servers with the same history (empty database: zxid 0, epoch 0).
inline std::vector<ElectionServerSpec> equal_specs(std::size_t n) {
  return std::vector<ElectionServerSpec>(n, ElectionServerSpec{});
}

}  // namespace zab::test
