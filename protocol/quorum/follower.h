#pragma once
// A follower's session with its leader (Follower.followLeader with Learner.connectToLeader,
// registerWithLeader, syncWithLeader and Follower.processPacket), as an event-driven state
// machine. Where ZooKeeper blocks on a synchronous disk write (acceptedEpoch before ACKEPOCH,
// the NEWLEADER sequence), the follower waits in a state for the persistence to complete, so
// each persistence step is a separate, crashable point in the trace.
//
// NEWLEADER ordering. By default we follow the ordering that closed ZOOKEEPER-3911, -4643,
// -4646 and -4785 (3.8.5+): snapshot if needed, append and fsync every txn received during the
// sync, then persist currentEpoch, then ACK; proposal ACKs for those txns only after UPTODATE.
// The mutation switch kAckNewLeaderBeforeLogging restores 3.8.0's order: currentEpoch first,
// the txns handed to the asynchronous logger, and the ACK at once.

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "protocol/database/committed_log.h"
#include "protocol/base/ids.h"
#include "protocol/quorum/peer_context.h"
#include "protocol/client_port/prep_request.h"
#include "protocol/quorum/quorum_packet.h"
#include "protocol/quorum/sync_follower.h"
#include "protocol/base/zab_trace.h"

namespace zab {

class Follower {
 public:
  Follower(PeerContext& ctx, ServerId leader);

  void follow_leader();  // connectToLeader's first attempt

  void on_connection_up(ConnId conn, std::uint64_t tag);
  void on_connect_failed(std::uint64_t tag);
  void on_connection_down(ConnId conn);
  void on_message(ConnId conn, const QuorumPacket& packet);
  void on_timer(std::uint64_t local);
  void on_accepted_epoch_persisted(Epoch epoch);
  void on_current_epoch_persisted(Epoch epoch);
  // The txns handed to the logger (logRequest) are durable: SendAckRequestProcessor ACKs them.
  void on_logged(const std::vector<Zxid>& zxids);
  // A direct append + commit (zkDb.append / zkDb.commit at NEWLEADER) is durable.
  void on_direct_commit_done();
  // A snapshot taken with fsync (SNAP sync, at NEWLEADER) is durable.
  void on_snapshot_persisted();

  // FollowerRequestProcessor: a client's write or sync goes to the leader as a REQUEST.
  void forward_request(const ClientRequest& request);
  void forward_sync(SessionId session, std::int32_t cxid);

  bool owns(ConnId conn) const { return conn_ && *conn_ == conn; }
  bool exited() const { return state_ == State::kExited; }
  bool serving() const { return state_ == State::kBroadcast; }
  // UPTODATE arrived in this term (the server reached RUNNING), even if it has exited since.
  bool serving_started() const { return started_; }
  std::optional<FollowerExitReason> exit_reason() const { return exit_reason_; }
  // The sync mode in progress when the follower exited (an interrupted SNAP clears the DB).
  bool interrupted_snap() const { return interrupted_snap_; }
  ServerId leader() const { return leader_; }

  // Follower.shutdown path: close the socket; the node then goes LOOKING.
  void exit(FollowerExitReason reason);
  // The follower's invariants, checked by the node after every step.
  void check_invariants() const;

 private:
  enum class State : std::uint8_t {
    kConnecting,
    kAwaitLeaderInfo,
    kPersistingAcceptedEpoch,
    kSyncFirstPacket,
    kAwaitSnapshotData,
    kSyncing,
    kNewLeaderSnapshot,       // NEWLEADER: waiting for the fsynced snapshot
    kNewLeaderLogging,        // NEWLEADER: waiting for the txns' append + fsync
    kNewLeaderEpoch,          // NEWLEADER: waiting for currentEpoch to be durable
    kSyncingAfterNewLeader,
    kBroadcast,
    kExited,
  };
  enum Timer : std::uint64_t { kReadTimeout = 1, kConnectRetry = 2 };

  void attempt_connect();
  void send(const QuorumPacket& packet);
  void arm_read_timeout();
  void send_ack_epoch(std::int32_t payload);
  void handle_sync_packet(const QuorumPacket& packet);
  void on_new_leader();
  void new_leader_log();
  void new_leader_persist_epoch();
  void send_new_leader_ack();
  void on_up_to_date();
  void process_packet(const QuorumPacket& packet);
  void commit(Zxid zxid);
  void drain_held();
  // In a synchronous disk write (Java's Learner thread blocked in it): it neither reads nor
  // notices a closed socket until the write returns.
  bool blocked_in_write() const;

  PeerContext& ctx_;
  ServerId leader_;
  State state_ = State::kConnecting;
  std::optional<ConnId> conn_;
  std::optional<FollowerExitReason> exit_reason_;
  bool started_ = false;

  // connectToLeader
  std::int32_t connect_attempts_ = 0;
  std::int64_t connect_deadline_ms_ = 0;
  std::uint64_t connect_tag_ = 0;

  // registerWithLeader
  Zxid last_logged_zxid_;  // read before FOLLOWERINFO is sent
  Zxid new_epoch_zxid_;
  Duration read_timeout_;

  // syncWithLeader
  SyncMode sync_mode_ = SyncMode::kDiff;
  bool interrupted_snap_ = false;
  bool snapshot_needed_ = true;
  bool sync_snapshot_ = false;
  bool write_to_txn_log_ = false;
  std::deque<Proposal> packets_not_committed_;
  std::deque<Zxid> packets_committed_;
  std::vector<Zxid> requests_to_ack_;  // appended at NEWLEADER, ACKed after UPTODATE
  Zxid snap_zxid_;                     // SNAP's zxid, set once the snapshot data arrives
  // Only with the current-epoch-at-uptodate mutation: UPTODATE arrived and waits for the
  // currentEpoch write that the NEWLEADER ACK skipped.
  bool up_to_date_waits_for_epoch_ = false;
  std::deque<QuorumPacket> held_;      // arrived while a synchronous write was in progress
  bool leader_gone_ = false;           // the connection closed during such a write

  // FollowerZooKeeperServer.pendingTxns: logged (or being logged), waiting for their COMMIT.
  std::deque<Proposal> pending_txns_;
};

}  // namespace zab
