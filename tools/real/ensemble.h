#pragma once
// The real servers of `zabsim real`: one JVM per server running Debian's ZooKeeper 3.8
// (QuorumPeerMain) on 127.0.0.1, each with its own directory, zoo.cfg and log. Every JVM is
// started with the parent-death signal set to SIGKILL and killed when the Ensemble goes, so no
// server outlives the command — on exit, on error, on Ctrl-C, even if zabsim itself is killed.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/real/observe.h"
#include "tools/real/zoo_config.h"

namespace zab::tools::real {

// Where Java and ZooKeeper's jars are; nullopt, with `missing` saying what, if not installed.
struct ZooKeeperInstall {
  std::string java;
  std::string classpath;
};
std::optional<ZooKeeperInstall> find_zookeeper(std::string& missing);

// n sets of loopback ports that were free a moment ago (bound to port 0, then released).
std::vector<ServerPorts> free_ports(std::size_t n);

// Sends a four-letter word to a server's client port and returns its answer; nullopt if the
// server did not answer within `timeout` (down, stopped, or not listening yet).
std::optional<std::string> four_letter_word(std::uint16_t port, const std::string& word,
                                            std::chrono::milliseconds timeout);

class Ensemble {
 public:
  Ensemble(ZooKeeperInstall install, std::vector<ServerSetup> setups, std::vector<ServerPorts> ports, std::string root);
  ~Ensemble();
  Ensemble(const Ensemble&) = delete;
  Ensemble& operator=(const Ensemble&) = delete;

  void start(std::uint32_t sid);   // a new JVM from what is on its disk
  void kill(std::uint32_t sid);    // SIGKILL, and reaped
  void stop(std::uint32_t sid);    // SIGSTOP: hung, sockets open, silent
  void resume(std::uint32_t sid);  // SIGCONT
  void kill_all();

  bool running(std::uint32_t sid) const { return pids_.contains(sid); }
  bool stopped(std::uint32_t sid) const { return stopped_.contains(sid); }
  std::optional<ServerStatus> status(std::uint32_t sid) const;  // srvr; nullopt if not serving
  std::string log_path(std::uint32_t sid) const;
  std::uint32_t size() const { return static_cast<std::uint32_t>(setups_.size()); }

 private:
  ZooKeeperInstall install_;
  std::vector<ServerSetup> setups_;
  std::vector<ServerPorts> ports_;
  std::string root_;
  std::map<std::uint32_t, pid_t> pids_;
  std::map<std::uint32_t, bool> stopped_;
};

}  // namespace zab::tools::real
