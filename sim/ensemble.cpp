#include "sim/ensemble.h"

#include <fmt/format.h>

#include "protocol/quorum/quorum_peer.h"

namespace zab::sim {

ServerConfig server_config(const EnsembleConfig& config, std::uint32_t sid) {
  ServerConfig c = config.base;
  c.my_id = ServerId{sid};
  c.voters.clear();
  for (std::uint32_t i = 1; i <= config.servers; ++i) c.voters.push_back(ServerId{i});
  return c;
}

void add_ensemble(World& world, const EnsembleConfig& config) {
  static const std::vector<TraceKindInfo> kinds = QuorumPeer::trace_kinds();
  for (std::uint32_t sid = 1; sid <= config.servers; ++sid) {
    const ServerConfig sc = server_config(config, sid);
    world.add_process(Address{sid}, ProcessConfig{.name = fmt::format("s{}", sid), .disk = config.disk,
                                    .step_costs = server_step_costs(config.step_costs)},
                      [sc](const NodeContext& ctx) { return std::make_unique<QuorumPeer>(ctx, sc); }, kinds);
  }
}

void add_client(World& world, Address address, const ClientConfig& config, History* history) {
  const World* w = &world;
  world.add_process(address, ProcessConfig{.name = fmt::format("c{}", address.value)},
                    [config, history, w](const NodeContext& ctx) {
                      return std::make_unique<ZkClient>(ctx, config, history, w);
                    });
}

void add_survivor_probe(World& world, Address address, const ProbeConfig& config, History* history) {
  const World* w = &world;
  world.add_process(address, ProcessConfig{.name = fmt::format("probe{}", address.value)},
                    [config, history, w](const NodeContext& ctx) {
                      return std::make_unique<SurvivorProbe>(ctx, config, history, w);
                    });
}

}  // namespace zab::sim
