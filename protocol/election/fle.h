#pragma once
// FastLeaderElection (ZooKeeper 3.8.0's only election algorithm, electionAlg=3) as a sans-IO
// state machine; protocol/notes/fle.md is the fact sheet it follows, section by section.
//
// ZooKeeper runs lookForLeader as a blocking loop on the QuorumPeer thread, fed by a
// WorkerReceiver thread. Here the loop is event-driven: look_for_leader() is the loop's entry,
// every message from QuorumCnxManager goes through on_message() (WorkerReceiver, then — while
// LOOKING — one pass of the loop with that notification), and the loop's timed polls are two
// timers: the notification timeout (notTimeout: minNotificationInterval, doubling up to
// maxNotificationInterval) and the finalize wait (finalizeWait, 200 ms of silence, or of
// votes no better than ours, before a quorum's decision stands).
//
// The embedding node (QuorumPeer) owns the peer state and currentVote. It
// - calls look_for_leader() whenever it becomes LOOKING (start-up, or a role that ended);
// - after every call into the election, takes the result if there is one and at once sets
//   its state (LEADING if the leader is itself, else FOLLOWING) and its currentVote to it.
// Doing both within the step that ended the election makes atomic what ZooKeeper does in
// three steps (setPeerState, return, setCurrentVote), closing the window in which a reply
// would carry the previous currentVote (fle.md §4.7).
//
// Where we differ from ZooKeeper on purpose:
// - One step per message: WorkerReceiver's answer goes out first, then the loop handles the
//   notification, so FLE's recvqueue is always empty between inputs. The finalize wait's
//   "put the better vote back and stop waiting" is therefore "handle it now".
// - Turning LOOKING and starting lookForLeader are one step (the node's), so no message is
//   queued, or answered, with the previous round's clock in between (fle.md §4.7).
// - Static membership, majority quorums, no observers: the config text is sent but never
//   parsed, the oracle (QuorumOracleMaj) and hierarchical weights do not exist, and
//   leadingVoteSet / Leader.reportLookingSid (inert by default) are not modelled.
// - A timer firing we no longer wait for (held while the process was stopped, then re-set)
//   is ignored; Java's poll timeouts cannot be stale.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/base/config.h"
#include "protocol/base/io.h"
#include "protocol/election/notification.h"
#include "protocol/election/quorum_cnx.h"
#include "protocol/base/timers.h"
#include "protocol/election/vote.h"

namespace zab {

// What FastLeaderElection reads from its QuorumPeer.
class ElectionPeer {
 public:
  virtual ServerState peer_state() const = 0;  // QuorumPeer.getPeerState
  virtual Vote current_vote() const = 0;       // QuorumPeer.getCurrentVote
  // QuorumPeer.getLastLoggedZxid: the last zxid in the txn log, logged but perhaps never
  // committed (fle.md §3.2). kZxidMinusOne for a database that is not trusted.
  virtual Zxid last_logged_zxid() const = 0;
  virtual Epoch current_epoch() const = 0;  // QuorumPeer.getCurrentEpoch (not acceptedEpoch)

 protected:
  ~ElectionPeer() = default;
};

class FastLeaderElection {
 public:
  static constexpr std::uint64_t kNotificationTimerId = timer_id(TimerSpace::kElection, 1);
  static constexpr std::uint64_t kFinalizeTimerId = timer_id(TimerSpace::kElection, 2);

  // `peer` and `manager` must outlive this object; the config is copied. Like ZooKeeper's, one instance lives as
  // long as the process: logicalclock and the proposal persist across elections.
  FastLeaderElection(const ServerConfig& config, const ElectionPeer& peer, QuorumCnxManager& manager);

  // lookForLeader's entry: the peer is LOOKING and no election is running.
  void look_for_leader(const Clocks& now, std::vector<Output>& out);
  // A message QuorumCnxManager received (or looped back): WorkerReceiver's work, and while
  // an election runs, the loop's handling of the notification.
  void on_message(const Clocks& now, const ElectionMessage& message, std::vector<Output>& out);
  // A timer in the kElection space fired.
  void on_timer(const Clocks& now, std::uint64_t id, std::vector<Output>& out);
  // The vote lookForLeader returned, once; the node must act on it before its next input.
  std::optional<Vote> take_result();

  // --- observation ---
  bool running() const { return phase_ != Phase::kIdle; }
  bool finalizing() const { return phase_ == Phase::kFinalizing; }
  std::int64_t logicalclock() const { return logicalclock_; }
  Vote proposal() const { return Vote::of(proposed_leader_, proposed_zxid_, logicalclock_, proposed_epoch_); }
  Duration notification_timeout() const { return not_timeout_; }
  // The election's own invariants; `looking`: the node is LOOKING. After every step.
  void check_invariants(bool looking) const;

 private:
  enum class Phase : std::uint8_t {
    kIdle,        // not LOOKING, or the result waits to be taken
    kPolling,     // the main loop: waiting up to notTimeout for the next notification
    kFinalizing,  // a quorum agrees with our proposal: waiting finalizeWait for a better vote
  };
  enum class Timer : std::uint8_t { kNone, kNotification, kFinalize };

  // One pass of lookForLeader's main loop with notification n.
  void process(const Clocks& now, const Notification& n, std::vector<Output>& out);
  // The LOOKING case; true if it started the finalize wait.
  bool received_looking_notification(const Clocks& now, const Notification& n, std::vector<Output>& out);
  std::optional<Vote> received_following_notification(const Notification& n, std::vector<Output>& out);
  bool check_leader(const std::map<ServerId, Vote>& votes, ServerId leader, std::int64_t election_epoch) const;
  bool has_quorum(const std::map<ServerId, Vote>& votes, const Vote& vote) const;
  std::size_t count_acks(const std::map<ServerId, Vote>& votes, const Vote& vote) const;
  void finish(const Vote& end_vote, std::vector<Output>& out);

  void update_proposal(ServerId leader, Zxid zxid, std::int64_t epoch, std::vector<Output>& out);
  void send_notifications(std::vector<Output>& out);
  void send_notification(ServerId to, const Vote& vote, std::int64_t election_epoch, ServerState state,
                         std::vector<Output>& out);
  bool valid_voter(ServerId sid) const { return config_.is_voter(sid); }
  ServerId init_id() const { return config_.my_id; }
  Zxid init_last_logged_zxid() const { return peer_.last_logged_zxid(); }
  std::int64_t init_peer_epoch() const { return peer_.current_epoch(); }

  void set_timer(const Clocks& now, Timer timer, Duration after, std::vector<Output>& out);
  void cancel_timer(std::vector<Output>& out);
  template <class E>
  static void emit(std::vector<Output>& out, const E& event) {
    out.push_back(trace_of(event));
  }

  const ServerConfig config_;
  const ElectionPeer& peer_;
  QuorumCnxManager& manager_;
  std::string quorum_verifier_text_;  // QuorumMaj.toString(), sent in every notification

  std::int64_t logicalclock_ = 0;  // the election round; only a new process resets it
  ServerId proposed_leader_;       // the proposal: whom we vote for...
  Zxid proposed_zxid_;             // ...its last logged zxid...
  std::int64_t proposed_epoch_ = 0;  // ...and its currentEpoch

  Phase phase_ = Phase::kIdle;
  std::map<ServerId, Vote> recvset_;        // this round's votes, by sender (ordered: traces)
  std::map<ServerId, Vote> outofelection_;  // FOLLOWING/LEADING votes of any round, by sender
  Duration not_timeout_;                    // notTimeout: the current poll's length
  std::optional<Vote> result_;              // the vote lookForLeader returned, until taken

  Timer timer_ = Timer::kNone;  // which of our timers is set (at most one)
  LocalTime timer_deadline_;    // when it is due; an earlier firing is stale (held while hung)
};

}  // namespace zab
