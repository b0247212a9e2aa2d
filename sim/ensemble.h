#pragma once
// A ZooKeeper ensemble in the simulated world: servers 1..N running QuorumPeer, each with its
// own disk, clock and ServerConfig (ZooKeeper's defaults unless the caller changes them).

#include <cstdint>
#include <functional>
#include <vector>

#include "protocol/base/config.h"
#include "sim/client/probe.h"
#include "sim/client/zk_client.h"
#include "sim/step_costs.h"
#include "sim/world.h"

namespace zab::sim {

struct EnsembleConfig {
  std::uint32_t servers = 5;
  ServerConfig base;  // my_id and voters are filled in per server
  DiskConfig disk;
  StepCosts step_costs;  // none: every step takes no time
};

// Adds servers with addresses 1..N (named s1..sN) to `world`; does not start them.
void add_ensemble(World& world, const EnsembleConfig& config);
// Adds a client at `address` (named c<address>) recording into `history`; does not start it.
void add_client(World& world, Address address, const ClientConfig& config, History* history);
void add_survivor_probe(World& world, Address address, const ProbeConfig& config, History* history);
ServerConfig server_config(const EnsembleConfig& config, std::uint32_t sid);

}  // namespace zab::sim
