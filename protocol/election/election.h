#pragma once
// The election port of a server: QuorumCnxManager and FastLeaderElection wired together,
// with the routing of inputs in one place. A QuorumPeer node embeds one Election for its
// process's lifetime and
// - hands every input to step() first; step() returns false for inputs that are not the
//   election's (other ports' connections, other timer spaces, disk completions...);
// - calls look_for_leader() each time it becomes LOOKING;
// - after every call into the Election, takes the result and, in the same step, becomes
//   LEADING (the leader is itself) or FOLLOWING, with the vote as its currentVote.
//
// Routing (what step() claims):
//   in::ConnectionUp     port == kElectionPort (dialed by us or accepted)
//   in::ConnectFailed    tag in the kCnxManager space (QuorumCnxManager::is_connect_tag)
//   in::ConnectionDown   a connection QuorumCnxManager holds (owns)
//   in::Message          a connection QuorumCnxManager holds (owns)
//   in::TimerFired       id in the kElection or kCnxManager space
// A message on an election connection reaches FastLeaderElection::on_message (WorkerReceiver)
// as soon as QuorumCnxManager hands it out.

#include <optional>
#include <string>
#include <vector>

#include "protocol/base/config.h"
#include "protocol/election/fle.h"
#include "protocol/base/io.h"
#include "protocol/election/quorum_cnx.h"

namespace zab {

class Election {
 public:
  // `peer` must outlive the Election.
  Election(const ServerConfig& config, const ElectionPeer& peer);
  Election(const Election&) = delete;
  Election& operator=(const Election&) = delete;

  // Handles the input if it is the election's; false (and nothing done) otherwise.
  bool step(const Clocks& now, const Input& input, std::vector<Output>& out);
  void look_for_leader(const Clocks& now, std::vector<Output>& out) { fle_.look_for_leader(now, out); }
  std::optional<Vote> take_result() { return fle_.take_result(); }

  const FastLeaderElection& fle() const { return fle_; }
  const QuorumCnxManager& manager() const { return manager_; }
  // QuorumCnxManager's and FastLeaderElection's invariants; `looking`: the node is LOOKING.
  void check_invariants(bool looking) const;

  // For a node's Node::message_type / describe_message: what travels on the election port.
  static constexpr std::uint16_t kNotificationMessageType = 100;
  static constexpr std::uint16_t kInitialMessageType = 101;
  static bool is_initial_message(const Bytes& payload);  // starts with a negative protocol version
  static std::uint16_t message_type(const Bytes& payload);
  static std::string describe_message(const Bytes& payload);

 private:
  void deliver(const Clocks& now, std::optional<ElectionMessage> message, std::vector<Output>& out);

  QuorumCnxManager manager_;
  FastLeaderElection fle_;
};

}  // namespace zab
