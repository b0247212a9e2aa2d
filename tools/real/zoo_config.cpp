#include "tools/real/zoo_config.h"

#include <fmt/format.h>

namespace zab::tools::real {

std::vector<ServerSetup> ensemble_setup(const sim::Scenario& scenario, const std::vector<ServerPorts>& ports,
                                        const std::string& root, const PeerViews* views) {
  ZAB_ASSERT(ports.size() == scenario.servers, "one set of ports per server");
  ZAB_ASSERT(views == nullptr || views->size() == scenario.servers, "one view of the peers per server");
  const ServerConfig& c = scenario.server;
  std::vector<ServerSetup> setups;
  for (std::uint32_t i = 0; i < scenario.servers; ++i) {
    // Its own entry is where it listens; the others' are where it reaches them.
    std::string servers;
    for (std::uint32_t j = 0; j < scenario.servers; ++j) {
      const ServerPorts& p = views != nullptr && j != i ? (*views)[i].at(j) : ports[j];
      servers += fmt::format("server.{}=127.0.0.1:{}:{}\n", j + 1, p.quorum, p.election);
    }
    ServerSetup s;
    s.sid = i + 1;
    // zoo.cfg's own keys; the rest are the system properties ZooKeeper reads them from.
    s.zoo_cfg = fmt::format(
        "# Written by zabsim real from the scenario's cluster.\n"
        "tickTime={}\ninitLimit={}\nsyncLimit={}\n"
        "dataDir={}/s{}/data\n"
        "clientPort={}\nclientPortAddress=127.0.0.1\n"
        "admin.enableServer=false\n"
        "4lw.commands.whitelist=srvr,mntr,ruok\n"
        "{}",
        c.tick_time_ms, c.init_limit, c.sync_limit, root, s.sid, ports[i].client, servers);
    s.jvm_properties = {
        fmt::format("-Dzookeeper.snapCount={}", c.snap_count),
        fmt::format("-Dzookeeper.commitLogCount={}", c.commit_log_count),
        fmt::format("-Dzookeeper.snapshotSizeFactor={}", c.snapshot_size_factor),
        fmt::format("-Dzookeeper.cnxTimeout={}", c.cnx_timeout.count_ms()),
        fmt::format("-Dzookeeper.fastleader.minNotificationInterval={}", c.min_notification_interval.count_ms()),
        fmt::format("-Dzookeeper.fastleader.maxNotificationInterval={}", c.max_notification_interval.count_ms()),
    };
    setups.push_back(std::move(s));
  }
  ZAB_ASSERT(setups.size() == scenario.servers, "one setup per server");
  return setups;
}

std::vector<std::string> refusals(const sim::Scenario& scenario) {
  std::vector<std::string> out;
  const ServerConfig defaults;
  if (!scenario.server.mutations.active_names().empty()) {
    out.push_back("/cluster/mutations: mutation switches change zabsim's protocol code; real ZooKeeper has none");
  }
  if (scenario.server.finalize_wait != defaults.finalize_wait) {
    out.push_back(fmt::format("/cluster/finalize_wait_ms: FastLeaderElection's finalizeWait is a constant {} ms in "
                              "ZooKeeper 3.8",
                              defaults.finalize_wait.count_ms()));
  }
  if (scenario.network.out_of_model.enabled) {
    out.push_back("/network/out_of_model: loss, duplication and reordering inside a TCP connection cannot be done "
                  "to real connections");
  }
  if (scenario.clients.in_flight > 1) {
    out.push_back("/clients/in_flight: the real ensemble's workload clients keep one request in flight");
  }
  if (scenario.clients.retry_unknown) {
    out.push_back("/clients/retry_unknown: the real ensemble's workload clients do not retry");
  }
  const sim::DiskConfig disk_defaults;
  if (scenario.disk.crash_loss != disk_defaults.crash_loss) {
    out.push_back("/disk/crash_loss: a real crash here is a process kill (SIGKILL), which loses nothing the "
                  "process wrote; a machine crash's losses cannot be made");
  }
  for (const sim::Fault& f : scenario.faults) {
    if (f.on) {
      out.push_back(fmt::format("{}/on: a trigger at a protocol step needs the simulator's trace; give the fault "
                                "an at_ms instead",
                                f.pointer));
      continue;
    }
    const char* kind = sim::fault_kind_name(f.kind);
    if (f.kind == sim::FaultKind::kClockDrift || f.kind == sim::FaultKind::kClockStep) {
      out.push_back(fmt::format("{}/kind: {} cannot be done to one process: the JVMs share this machine's clock",
                                f.pointer, kind));
    } else if (f.kind == sim::FaultKind::kCorrupt) {
      out.push_back(fmt::format("{}/kind: corrupt (a disk fault) is refused: the real servers' files are not "
                                "modelled disks",
                                f.pointer));
    } else if (f.target && f.target->kind == sim::Target::Kind::kClient) {
      out.push_back(fmt::format("{}/target: client faults need real clients, which are not built yet (issue 16)",
                                f.pointer));
    }
  }
  return out;
}

std::vector<std::string> notes(const sim::Scenario& scenario) {
  std::vector<std::string> out;
  out.push_back("crash is SIGKILL of the server's JVM, hang is SIGSTOP, resume SIGCONT: the page cache survives a "
                "crash, so a crash loses no written data (the simulator's crashes lose unsynced writes)");
  const sim::LatencyModel latency;
  const sim::LatencyModel& l = scenario.network.latency;
  if (l.base_us != latency.base_us || l.median_us != latency.median_us || l.sigma != latency.sigma ||
      l.spike_probability != latency.spike_probability) {
    out.push_back("/network/latency: the simulator's latency model; the real run uses this machine's loopback");
  }
  const sim::DiskConfig disk;
  if (scenario.disk.fsync_median_us != disk.fsync_median_us || scenario.disk.fsync_sigma != disk.fsync_sigma) {
    out.push_back("/disk: the simulator's fsync model; the real run uses this machine's disk");
  }
  return out;
}

}  // namespace zab::tools::real
