#pragma once
// Drives ONE ZooKeeper server (a zab::QuorumPeer) input by input for the golden scripts, as
// etcd-raft's rafttest interaction environment drives one raft node: each script command
// becomes one input (or, for `fsync-done`, one input per pending fsync), and the driver
// returns every output the node emitted for it, one readable line each.
//
// The driver plays the node's whole environment, and nothing happens unless a command says so:
// it keeps the virtual clock (it moves only by `advance-time` or by firing a timer at its
// deadline), the timers the node has set, the fsyncs it has asked for, its connect attempts,
// its connections (named "s<sid>:<port>"; a second one to the same peer and port gets "#2"),
// and a mirror of its files (to say which txns an Append carried). Commands:
//
//   start sid=N servers=M [tick=ms init=ticks sync=ticks commit-log-count=N
//         snapshot-size-factor=F] [log=zxids snap=zxid current-epoch=E accepted-epoch=E]
//                                                 construct the node and give it in::Start
//   connection-up from=N [port=P]                 a peer (or client address N >= 100) dialed us
//   connection-up to=N [port=P]                   our pending Connect to N on port P succeeded
//   connect-failed to=N [port=P]                  ... failed
//   connection-down peer=N [port=P]               the connection to N on port P broke
//   deliver from=N [port=P] TYPE key=value ...    a message on that connection (see inputs.h)
//   timer NAME                                    fire a set timer (the clock moves to its deadline)
//
// The clock never passes a timer's deadline without that timer firing (`timer` and
// `advance-time` refuse to), so a script can only show schedules the node can meet.
//   fsync-done [file=NAME]                        complete the pending fsyncs (of NAME), oldest first
//   advance-time ms=N                             move the clock without any input
//   state | timers                                print the node's role and epochs / its timers
//
// P is quorum (the default), election or client.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/base/config.h"
#include "protocol/quorum/quorum_peer.h"
#include "test/protocol/node_script_inputs.h"

namespace zab::test {

class PeerDriver {
 public:
  PeerDriver();
  ~PeerDriver();
  // Runs one command line; returns the lines it printed. ScriptError on a bad command.
  std::vector<std::string> run(const std::string& line);

 private:
  struct Conn {
    Address peer;
    Port port = 0;
    std::string name;
    bool open = true;
  };
  struct PendingConnect {
    Address peer;
    Port port = 0;
    std::uint64_t tag = 0;
  };
  // The driver gives the node no randomness to speak of: every draw is 0, so the log syncer's
  // snapshot trigger sits at snapCount / 2 and a script is a pure function of its commands.
  struct ZeroRandom final : RandomSource {
    std::uint64_t uniform_below(std::uint64_t) override { return 0; }
  };

  void start(const Args& args, std::vector<std::string>& lines);
  void connection_up(const Args& args, std::vector<std::string>& lines);
  void connect_failed(const Args& args, std::vector<std::string>& lines);
  void connection_down(const Args& args, std::vector<std::string>& lines);
  void deliver(const Args& args, std::vector<std::string>& lines);
  void fire_timer(const Args& args, std::vector<std::string>& lines);
  void fsync_done(const Args& args, std::vector<std::string>& lines);
  void print_state(std::vector<std::string>& lines) const;
  void print_timers(std::vector<std::string>& lines) const;

  // One input to the node; its outputs are tracked and printed.
  void step(Input input, std::vector<std::string>& lines);
  void track(const Output& output);
  std::string render(const Output& output) const;
  std::string render_append(const out::Append& append) const;

  Port port_of(const Args& args) const;
  // The newest open connection to `peer` on `port`; ScriptError if none.
  ConnId open_conn(Address peer, Port port) const;
  ConnId add_conn(Address peer, Port port);
  std::string conn_name(std::uint64_t id) const;
  static std::string peer_name(Address peer);
  PeerDriver::PendingConnect take_connect(Address peer, Port port);
  void move_clock_to(LocalTime t, std::vector<std::string>& lines);
  QuorumPeer& node() const;

  ZeroRandom random_;
  ServerConfig config_;
  std::unique_ptr<QuorumPeer> peer_;
  LocalTime now_;
  std::map<std::uint64_t, LocalTime> timers_;                 // set timers: id -> deadline
  std::deque<std::pair<std::uint64_t, std::string>> fsyncs_;  // pending: tag, file (issue order)
  std::vector<PendingConnect> connects_;                      // Connects not yet answered
  std::map<std::uint64_t, Conn> conns_;                       // by ConnId value
  std::map<std::string, int> conn_names_used_;                // "s1:quorum" -> how many so far
  std::uint64_t next_conn_ = 1;  // ids start at 1: the leader packs handler timers as conn << 4
  DurableFiles files_;           // the node's files as its own reads would see them
};

}  // namespace zab::test
