// `zabsim real SCENARIO`: the scenario's servers and process faults on a real ZooKeeper 3.8
// ensemble on this machine (Debian's package), with the same kind of timeline as a simulated
// run. Not deterministic and not replayable: wall-clock times on this machine, and it says so.
// The run itself is real_run.h's; here: the options, the refusals, the printing and the verdict.

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "checkers/check_report.h"
#include "checkers/history.h"
#include "checkers/judge.h"
#include "protocol/client_port/client_wire.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "tools/check/history_convert.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/real/ensemble.h"
#include "tools/real/real_recovery.h"
#include "tools/real/real_run.h"
#include "tools/real/txn_log.h"
#include "tools/real/zoo_config.h"

namespace zab::tools {

namespace {

// ZooKeeper's client guarantees over the clients' history, as for a simulated run; the
// verdict's exit code.
int judge_history(const real::RealRun& run, std::size_t ensemble_size, const std::string& out_dir,
                  std::map<std::string, std::string>& verdicts) {
  const sim::History& history = run.history;
  const check::History h = to_check_history(history, sim::ScenarioRun::kFirstClientAddress);
  std::size_t ok = 0, failed = 0, indeterminate = 0;
  for (const check::HistoryOp& op : h.ops) {
    (op.outcome == check::Outcome::kOk ? ok : op.outcome == check::Outcome::kFailed ? failed : indeterminate) += 1;
  }
  fmt::print("\nclients: {} operations ({} ok, {} failed, {} indeterminate)\n", h.ops.size(), ok, failed, indeterminate);
  if (!out_dir.empty()) {
    std::ofstream out(std::filesystem::path(out_dir) / "history.jsonl");
    check::write_history(out, h);
    fmt::print("history: {}/history.jsonl (zabsim check reads it)\n", out_dir);
  }
  fmt::print("checkers (the servers' disks and the clients' history; there is no trace for the protocol's own "
             "properties)\n");
  // Log agreement on what the servers wrote to disk, against the writes the clients saw acknowledged.
  std::vector<std::uint64_t> acked;
  for (const sim::HistoryOp& op : history.ops()) {
    if (op.outcome == sim::Outcome::kOk && is_write(op.request.type) && op.reply.zxid.raw() != 0) acked.push_back(op.reply.zxid.raw());
  }
  std::size_t logged = 0;
  for (const real::ServerDisk& d : run.disks) logged += d.txns.size();
  const auto disagreements = real::check_disk_agreement(run.disks, acked, ensemble_size);
  int verdict = kExitOk;
  if (disagreements.empty()) {
    fmt::print("  log-agreement       pass ({} logged transactions on {} servers, {} acknowledged writes)\n", logged,
               run.disks.size(), acked.size());
    verdicts["log-agreement"] = "pass";
  } else {
    fmt::print("  log-agreement       VIOLATED\n");
    verdicts["log-agreement"] = "violated";
    for (const std::string& line : disagreements) fmt::print("    {}\n", line);
    verdict = kExitSafety;
  }
  for (const real::ServerDisk& d : run.disks) {
    for (const std::string& p : d.problems) fmt::print("    note: s{}: {}\n", d.sid, p);
  }
  if (h.ops.empty()) return verdict;
  const check::CheckReport report = check::judge(h, check::Consistency::kZooKeeper, check::CheckOptions{});
  switch (report.verdict) {
    case check::HistoryVerdict::kOk:
      fmt::print("  zk-consistency      pass\n");
      verdicts["zk-consistency"] = "pass";
      return verdict;
    case check::HistoryVerdict::kViolation:
      fmt::print("  zk-consistency      VIOLATED\n{}\n", check::format_report(report));
      verdicts["zk-consistency"] = "violated";
      return kExitSafety;
    default:
      fmt::print("  zk-consistency      inconclusive\n{}\n", check::format_report(report));
      verdicts["zk-consistency"] = "inconclusive";
      return verdict == kExitOk ? kExitInconclusive : verdict;
  }
}

// The run record of a real run (--out DIR/record.json): what ran, what happened after each
// fault, the verdicts — and that it cannot be replayed.
void write_record(const std::string& dir, const std::string& scenario_path, const sim::Scenario& scenario,
                  const real::RealRun& run, const std::vector<real::RealRecovery>& recovery,
                  const std::map<std::string, std::string>& verdicts, int exit_code) {
  nlohmann::ordered_json j;
  j["world"] = "real ZooKeeper 3.8.0 (Debian's package) on this machine";
  j["replayable"] = false;
  j["scenario"] = scenario_path;
  j["seed"] = scenario.seed.value_or(1);
  j["servers"] = scenario.servers;
  j["wall_ms"] = run.end_ms;
  auto ms = [](std::int64_t v) { return v < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
  j["recovery"] = nlohmann::ordered_json::array();
  for (const real::RealRecovery& r : recovery) {
    j["recovery"].push_back({{"fault", r.fault},
                             {"at_ms", r.at_ms},
                             {"noticed_ms", ms(r.noticed_ms)},
                             {"elected_ms", ms(r.elected_ms)},
                             {"leader_established_ms", ms(r.established_ms)},
                             {"all_synced_ms", ms(r.all_synced_ms)},
                             {"first_read_ms", ms(r.first_read_ms)},
                             {"first_write_ms", ms(r.first_write_ms)},
                             {"probe_write_ms", ms(r.probe_write_ms)}});
  }
  j["verdicts"] = verdicts;
  j["exit_code"] = exit_code;
  std::ofstream out(std::filesystem::path(dir) / "record.json");
  out << j.dump(2) << "\n";
}

}  // namespace

int run_real(const std::vector<std::string>& args) {
  po::options_description options("real options");
  std::string scenario_path, out_dir;
  std::uint64_t wall_limit_s = 0;
  options.add_options()("help,h", "show this help")(
      "scenario", po::value<std::string>(&scenario_path)->required(), "the scenario file (JSON)")(
      "out", po::value<std::string>(&out_dir),
      "keep the servers' directories (zoo.cfg, data, server.log) in this directory")(
      "wall-limit-s", uint_value<1, 86'400>(&wall_limit_s, 0),
      "stop after this many seconds of wall time (default: the scenario's duration plus 30 s)");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (auto code = parse_options("real", args, options, positional, vm,
                                "Runs on real ZooKeeper 3.8 processes on this machine (Debian's zookeeper and\n"
                                "default-jre-headless packages). Not deterministic, not replayable.\n\n"
                                "examples:\n  zabsim real scenarios/real/leader-kill-3.json\n"
                                "  zabsim real scenarios/real/leader-kill-3.json --out /tmp/zk-run\n")) {
    return *code;
  }
  auto parsed = sim::load_scenario(scenario_path);
  if (const auto* error = std::get_if<sim::ScenarioError>(&parsed)) {
    fmt::print(stderr, "zabsim real: {}\n", error->text());
    return kExitUsage;
  }
  const sim::Scenario& scenario = std::get<sim::Scenario>(parsed);
  std::string missing;
  const auto install = real::find_zookeeper(missing);
  if (!install) {
    fmt::print(stderr, "zabsim real: ZooKeeper 3.8 is not installed ({} is missing): run "
                       "`apt-get install zookeeper default-jre-headless` as root\n", missing);
    return kExitUsage;
  }
  const auto refused = real::refusals(scenario);
  if (!refused.empty()) {
    for (const std::string& r : refused) fmt::print(stderr, "zabsim real: {}: {}\n", scenario_path, r);
    return kExitUsage;
  }

  std::string root = out_dir;
  std::filesystem::path temporary;
  if (root.empty()) {
    temporary = std::filesystem::temp_directory_path() /
                fmt::format("zabsim-real-{}", std::chrono::system_clock::now().time_since_epoch().count());
    root = temporary.string();
  } else if (!make_output_dir("real", "--out", root)) {
    return kExitUsage;
  }
  fmt::print("zabsim real {}: {}\n", scenario_path, scenario.name);
  fmt::print("  REAL ZooKeeper 3.8.0 (Debian's package): {} servers on 127.0.0.1, tickTime {} ms, initLimit {}, "
             "syncLimit {}; {} ms of wall time\n",
             scenario.servers, scenario.server.tick_time_ms, scenario.server.init_limit, scenario.server.sync_limit,
             scenario.duration_ms);
  for (const std::string& n : real::notes(scenario)) fmt::print("  note: {}\n", n);

  real::stop_on_interrupt_signals();
  const std::int64_t limit_ms =
      wall_limit_s > 0 ? static_cast<std::int64_t>(wall_limit_s) * 1000 : scenario.duration_ms + 30'000;
  const real::RealRun run = real::run_on_real_ensemble(
      *install, scenario, scenario.seed.value_or(1), root,
      real::RealRunOptions{.run_ms = std::min<std::int64_t>(scenario.duration_ms, limit_ms)});
  fmt::print("\n time (ms)  event (wall clock, from the servers' logs and zabsim's own fault times)\n");
  for (const real::TimelineLine& l : run.timeline) fmt::print("{:>10}  {}\n", l.ms, l.text);
  const auto recovery = real::real_recovery(run);
  if (!run.faults.empty()) fmt::print("\n{}", real::render_real_recovery(recovery));
  std::map<std::string, std::string> verdicts;
  const int verdict = judge_history(run, scenario.servers, temporary.empty() ? root : std::string(), verdicts);
  if (temporary.empty()) write_record(root, scenario_path, scenario, run, recovery, verdicts, run.interrupted ? kExitUsage : verdict);
  fmt::print("\nnot replayable: a real run on this machine (real ZooKeeper 3.8.0)\n");
  if (!temporary.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temporary, ec);
  } else {
    fmt::print("servers' directories and the run record: {} (record.json: not replayable)\n", root);
  }
  return run.interrupted ? kExitUsage : verdict;
}

}  // namespace zab::tools
