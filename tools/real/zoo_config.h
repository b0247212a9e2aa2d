#pragma once
// `zabsim real`: what a scenario becomes on a real ZooKeeper 3.8 ensemble on this machine — one
// zoo.cfg, myid and set of JVM system properties per server, from the scenario's `cluster` —
// and, before anything starts, every part of the scenario that cannot be done for real, one
// line each naming its JSON pointer. Pure functions: the tests check them without Java.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace zab::tools::real {

// One server's loopback ports: clients, the quorum (leader/learner) and leader election.
struct ServerPorts {
  std::uint16_t client = 0;
  std::uint16_t quorum = 0;
  std::uint16_t election = 0;
};

struct ServerSetup {
  std::uint32_t sid = 0;
  std::string zoo_cfg;                      // the file's text
  std::vector<std::string> jvm_properties;  // "-Dzookeeper.snapCount=100000", ...
};

// What each server's zoo.cfg names as the others' ports: views[i][j] is server j+1's as
// server i+1 reaches it (a TCP proxy's ports when network faults need one on that path).
using PeerViews = std::vector<std::vector<ServerPorts>>;

// The ensemble's servers, sid 1..n, each with its data directory under `root` (root/sN/data).
// ports[i] are server i+1's; without `views` every server reaches the others directly.
std::vector<ServerSetup> ensemble_setup(const sim::Scenario& scenario, const std::vector<ServerPorts>& ports,
                                        const std::string& root, const PeerViews* views = nullptr);

// The parts of a scenario a real ensemble cannot run, one line each: "/faults/2: clock_drift
// cannot be done on a real process (...)". Empty: the scenario runs as written.
std::vector<std::string> refusals(const sim::Scenario& scenario);

// What a real run does differently from the simulation without changing the scenario's
// meaning: the simulator's latency and fsync models give way to the machine's own loopback and
// disk. One line each, printed before the run.
std::vector<std::string> notes(const sim::Scenario& scenario);

}  // namespace zab::tools::real
