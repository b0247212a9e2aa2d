#pragma once
// A ZooKeeper server as one sans-IO node (QuorumPeer.java): it loads its database at start
// (refusing to start where ZooKeeper refuses), runs Fast Leader Election, and then leads or
// follows until that ends, and elects again — keeping its in-memory database across
// elections, as a ZooKeeper process does. Inputs are routed by port, connection, timer space
// and fsync tag to the part that owns them: the election (election port), the leader or the
// follower (quorum port), the log syncer, the epoch files, the snapshot writer.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/client_port/client_port.h"
#include "protocol/base/config.h"
#include "protocol/election/election.h"
#include "protocol/persistence/epoch_store.h"
#include "protocol/quorum/follower.h"
#include "protocol/base/io.h"
#include "protocol/quorum/leader.h"
#include "protocol/persistence/local_files.h"
#include "protocol/persistence/log_syncer.h"
#include "protocol/quorum/peer_context.h"
#include "protocol/database/zk_database.h"

namespace zab {

class QuorumPeer final : public Node, private ElectionPeer {
 public:
  QuorumPeer(const NodeContext& context, ServerConfig config);
  ~QuorumPeer() override;

  void step(const Clocks& now, Input input, std::vector<Output>& out) override;
  std::string describe_message(const Bytes& payload) const override;
  std::uint16_t message_type(const Bytes& payload) const override;

  // Every out::Trace kind a server emits (ZAB's and the election's), for the host's trace.
  static std::vector<TraceKindInfo> trace_kinds();

  // For protocol tests only (checkers read the trace, never a server's state).
  const ZkDatabase& database() const { return db_; }
  ServerState state() const { return state_; }
  Epoch epoch() const { return epochs_.current(); }
  bool running() const { return running_; }
  // Why the last start was refused ("" if it was not): ZooKeeper's message.
  const std::string& startup_error() const { return startup_error_; }

 private:
  // ElectionPeer: what FastLeaderElection reads of QuorumPeer.
  // The election runs only in a server that started (it is made at the start).
  ServerState peer_state() const override {
    ZAB_ASSERT(running_, "the election reads the state of a running server");
    return state_;
  }
  Vote current_vote() const override {
    ZAB_ASSERT(running_, "the election reads the vote of a running server");
    return current_vote_;
  }
  Zxid last_logged_zxid() const override {
    ZAB_ASSERT(running_, "the election reads the last zxid of a server that loaded its database");
    return db_.last_processed_zxid();
  }
  Epoch current_epoch() const override {
    ZAB_ASSERT(running_, "the election reads the currentEpoch of a server that read its epoch files");
    return epochs_.current();
  }

  void start(const in::Start& start);
  void route(const Input& input);
  void deliver_handoffs();
  void on_fsync_done(std::uint64_t tag);
  void look_for_leader();
  void check_election_result();
  void check_role_ended();
  void finish_role_end();
  void set_state(ServerState state);
  void update_serving();
  void check_invariants();

  ServerConfig config_;
  NodeContext node_;
  LocalFiles files_;
  LogSyncer syncer_;
  ZkDatabase db_;
  EpochStore epochs_;
  LearnerTouchTable touches_;
  std::vector<ClientHandoff> handoffs_;  // this step's, until delivered (deliver_handoffs)
  PeerContext ctx_;
  ClientPort clients_;
  std::unique_ptr<Election> election_;
  std::unique_ptr<Leader> leader_;
  std::unique_ptr<Follower> follower_;
  ServerState state_ = ServerState::kLooking;
  Vote current_vote_;
  bool running_ = false;  // false before Start and after a refused start (ZooKeeper exits)
  std::string startup_error_;
  std::uint64_t steps_ = 0;  // checked steps since the database's last full walk (check_invariants)
  std::uint64_t role_generation_ = 0;  // counts leader/follower terms (the syncer's ACK owner)
  // What ZooKeeperServer.shutdown does once the logger's flush is done (finish_role_end).
  struct RoleEnd {
    bool fast_forward = false;            // fast-forward the tree over the whole log
    bool clear_interrupted_snap = false;  // clear and reload a half-synced database (3642)
    bool unserved_learner = false;        // a learner that never served (D30's coverage mark)
  };
  // Set from the role's end until the txns it handed to the logger are durable; the state
  // stays LEADING/FOLLOWING meanwhile, as QuorumPeer's thread is blocked in the shutdown.
  std::optional<RoleEnd> role_ending_;
};

}  // namespace zab
