#include "tools/fuzz/campaign.h"

#include <fmt/format.h>
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "protocol/base/assert.h"
#include "tools/fuzz/execute.h"
#include "tools/fuzz/pool.h"
#include "tools/fuzz/steer.h"
#include "tools/fuzz/summary.h"

namespace zab::fuzz {

using json = nlohmann::ordered_json;

std::uint64_t shard_size(std::uint64_t runs, std::uint32_t shard, std::uint32_t shards) {
  ZAB_ASSERT(shards >= 1 && shard >= 1 && shard <= shards, "a shard is K/N with 1 <= K <= N");
  return runs <= shard - 1 ? 0 : (runs - shard) / shards + 1;
}

std::string finding_dir(const std::string& out_dir, std::uint64_t index) {
  return (std::filesystem::path(out_dir) / "findings" / fmt::format("run-{:06}", index)).string();
}

namespace {

// Resident memory of this process, KiB (/proc/self/statm: pages).
std::uint64_t rss_kib() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
}

// CPU time of this process, ms: what a run costs one core, whatever else the machine is doing.
double process_cpu_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

void save_record(tools::RunRecord record, const std::string& out_dir, std::uint64_t index) {
  const std::string dir = finding_dir(out_dir, index);
  std::filesystem::create_directories(dir);
  const std::string path = (std::filesystem::path(dir) / "record.json").string();
  record.scenario_path = fmt::format("zabsim fuzz --seed {} run {}", record.seed, index);
  record.replay_command = "zabsim replay " + path;
  std::ofstream(path) << tools::to_json(record).dump(2) << "\n";
}

json base_line(const GeneratedRun& g, const json& derivation) {
  json line;
  line["index"] = g.index;
  line["seed"] = g.seed;
  line["profile"] = g.profile;
  if (!derivation.empty()) {
    line["parent"] = derivation["parent"];
    line["mutations"] = derivation["mutations"];
  }
  line["params"] = run_parameters(g.scenario);
  return line;
}

// Run `index`'s schedule: generated from the seed, or the derived one its payload carries.
GeneratedRun schedule_of(const CampaignSpec& spec, std::uint64_t index, const json& derivation) {
  if (derivation.empty()) return generate_run(spec, index);
  GeneratedRun g;
  g.index = index;
  g.scenario = derivation["scenario"];
  g.seed = g.scenario["seed"].get<std::uint64_t>();
  g.profile = derivation["profile"].get<std::string>();
  return g;
}

json parse_payload(const std::string& payload) { return payload.empty() ? json() : json::parse(payload); }

}  // namespace

json run_one(const CampaignSpec& spec, std::uint64_t index, const std::string& out_dir, const std::string& payload) {
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started_ms = process_cpu_ms();
  const json derivation = parse_payload(payload);
  const GeneratedRun g = schedule_of(spec, index, derivation);
  const Execution x = execute(g.scenario, g.seed, spec.whole_state_invariants);
  json line = base_line(g, derivation);
  json verdicts = json::object();
  std::string outcome = "pass";
  for (const auto& [checker, verdict] : x.verdicts) {
    verdicts[checker] = verdict;
    if (verdict == "SAFETY VIOLATION") outcome = "safety";
    if (verdict == "LIVENESS VIOLATION" && outcome == "pass") outcome = "liveness";
  }
  line["outcome"] = outcome;
  line["verdicts"] = verdicts;
  line["properties"] = x.properties;
  line["witness"] = x.witness;
  line["coverage"] = x.coverage;
  line["recovery"] = x.recovery;
  line["trace_hash"] = fmt::format("{:016x}", x.trace_hash);
  line["events"] = x.events;
  line["instant_events_max"] = x.instant_events_max;
  // For the parent's coverage and corpus only: run_campaign takes them out of runs.jsonl.
  line["features"] = features_to_hex(x.signature.features);
  if (spec.steer) line["milestones"] = milestones_to_json(x.signature.milestones);
  if (x.failed() && !out_dir.empty()) save_record(x.record, out_dir, index);
  line["wall_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  line["cpu_ms"] = process_cpu_ms() - cpu_started_ms;
  line["rss_kib"] = rss_kib();
  return line;
}

json crash_line(const CampaignSpec& spec, std::uint64_t index, const std::string& crash_text, const std::string& out_dir,
                const json& derivation) {
  const GeneratedRun g = schedule_of(spec, index, derivation);
  json line = base_line(g, derivation);
  line["outcome"] = "crash";
  line["verdicts"] = {{"crash", crash_text}};
  line["properties"] = json::array({"crash"});
  const auto first_line = crash_text.substr(0, crash_text.find('\n'));
  line["witness"] = first_line;
  line["coverage"] = json::object();
  line["trace_hash"] = "0000000000000000";  // the run never finished
  line["events"] = 0;
  if (!out_dir.empty()) {
    tools::RunRecord record;
    record.scenario = g.scenario;
    record.seed = g.seed;
    record.mutations = spec.mutations;
    record.verdicts.emplace_back("crash", crash_text);
    save_record(record, out_dir, index);
  }
  return line;
}

CampaignOutcome run_campaign(const CampaignOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  const std::uint64_t total = shard_size(o.runs, o.shard, o.shards);
  std::ofstream runs_out, coverage_out;
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir);
    json campaign = campaign_identity(o.spec, o.runs);
    campaign["shard"] = fmt::format("{}/{}", o.shard, o.shards);
    std::ofstream((std::filesystem::path(o.out_dir) / "campaign.json").string()) << campaign.dump(2) << "\n";
    runs_out.open((std::filesystem::path(o.out_dir) / "runs.jsonl").string());
    coverage_out.open((std::filesystem::path(o.out_dir) / "coverage.csv").string());
    coverage_out << "runs,features,corpus,imported\n";
  }

  CampaignOutcome outcome;
  std::map<std::uint64_t, json> pending;  // finished, waiting for the runs before them
  std::uint64_t next_to_write = 0;        // position in the shard's indices
  Summarizer summarizer;
  std::set<std::string> properties_kept;
  // Coverage is tracked for every campaign (so that random and steered ones compare); the
  // corpus and derived schedules only when steering.
  Steering steering(o.spec, o.sync_dir, o.shard);
  std::map<std::uint64_t, json> derivations;  // derived runs' payloads, until their lines are taken
  auto position_of = [&](std::uint64_t index) { return (index - (o.shard - 1)) / o.shards; };
  auto schedule = [&](std::uint64_t index) -> std::pair<json, std::string> {
    const auto p = derivations.find(index);
    const GeneratedRun g = schedule_of(o.spec, index, p == derivations.end() ? json() : p->second);
    return {g.scenario, g.profile};
  };
  auto coverage_row = [&] {
    if (coverage_out.is_open()) {
      coverage_out << fmt::format("{},{},{},{}\n", next_to_write, steering.features(), steering.corpus_size(), steering.imported());
    }
  };
  // A finished line, in index order: coverage and corpus, then runs.jsonl, the summary, the caller.
  auto take = [&](json&& line) {
    const auto index = line["index"].get<std::uint64_t>();
    const auto features = features_from_hex(line.value("features", std::string()));
    ZAB_ASSERT(features.has_value(), "a worker's line carries its features as hex");
    line["new_features"] = steering.fold(position_of(index), index, *features, [&] { return schedule(index); },
                                         line.value("milestones", json::array()));
    line.erase("features");
    line.erase("milestones");
    if (runs_out.is_open()) runs_out << line.dump() << "\n";
    summarizer.add(line);
    ++outcome.runs;
    if (++next_to_write % kSteerBatch == 0) {
      steering.import_synced(next_to_write);
      coverage_row();
    }
    if (o.on_line) o.on_line(line);
    if (!line["properties"].empty()) {
      const bool first_of_property = properties_kept.insert(line["properties"][0].get<std::string>()).second;
      if (outcome.findings.size() < kFindingLinesKept || first_of_property) {
        outcome.finding_scenarios.emplace(index, schedule(index).first);
        outcome.findings.push_back(std::move(line));
      }
    }
    derivations.erase(index);
  };
  std::uint64_t finished = 0, findings = 0;
  double cpu_s = 0;  // the finished runs' CPU time
  bool stop = false;
  double last_progress = 0;
  auto progress = [&](bool final) {
    if (o.quiet) return;
    const double t = elapsed();
    if (!final && t - last_progress < (o.progress_bar ? 0.1 : 5.0)) return;
    last_progress = t;
    const double rate = t > 0 ? static_cast<double>(finished) / t : 0;
    const double left = rate > 0 ? static_cast<double>(total - finished) / rate : 0;
    if (o.progress_bar) {
      constexpr int kWidth = 30;
      const int filled = total == 0 ? kWidth : static_cast<int>(static_cast<double>(kWidth) * static_cast<double>(finished) / static_cast<double>(total));
      fmt::print("\r[{}{}] {}/{} runs  {:.1f} runs/s  {} findings  {} features  eta {:.0f}s   {}",
                 std::string(static_cast<std::size_t>(filled), '#'), std::string(static_cast<std::size_t>(kWidth - filled), '.'),
                 finished, total, rate, findings, steering.features(), left, final ? "\n" : "");
    } else {
      fmt::print("{}/{} runs, {:.1f} runs/s, {} findings, {} features, {:.0f} s elapsed\n", finished, total, rate, findings,
                 steering.features(), t);
    }
    std::fflush(stdout);
  };

  PoolCallbacks callbacks;
  callbacks.work = [&](std::uint64_t index, const std::string& payload) { return run_one(o.spec, index, o.out_dir, payload).dump(); };
  callbacks.payload = [&](std::uint64_t index) -> std::string {
    if (!o.spec.steer) return {};
    const auto derived = steering.derive(position_of(index), index);
    if (!derived) return {};
    json& derivation = derivations[index];
    derivation = {{"parent", derived->parent}, {"profile", derived->profile}, {"mutations", derived->mutations}, {"scenario", derived->scenario}};
    return derivation.dump();
  };
  callbacks.ready = [&](std::uint64_t k) { return !o.spec.steer || Steering::ready(k, next_to_write); };
  callbacks.done = [&](PoolResult&& r) {
    const auto p = derivations.find(r.index);
    json line = r.crashed ? crash_line(o.spec, r.index, r.crash_text, o.out_dir, p == derivations.end() ? json() : p->second)
                          : json::parse(r.line);
    ++finished;
    if (!line["properties"].empty()) {
      ++findings;
      if (o.stop_after_finding && o.stop_after_finding(line, schedule(r.index).first)) stop = true;
    }
    cpu_s += line.value("cpu_ms", 0.0) / 1e3;
    pending.emplace(r.index, std::move(line));
    while (next_to_write < total && pending.contains(shard_index(next_to_write, o.shard, o.shards))) {
      auto node = pending.extract(shard_index(next_to_write, o.shard, o.shards));
      take(std::move(node.mapped()));
    }
  };
  callbacks.keep_going = [&] {
    if (stop) return false;
    if (o.cpu_budget_s > 0 && cpu_s >= o.cpu_budget_s) return false;
    return o.time_budget_s <= 0 || elapsed() < o.time_budget_s;
  };
  callbacks.tick = [&] { progress(false); };
  run_pool(total, [&](std::uint64_t k) { return shard_index(k, o.shard, o.shards); }, o.jobs, callbacks);
  // With a time budget, runs finish out of order up to the last one handed out.
  for (auto& [index, line] : pending) take(std::move(line));
  if (next_to_write % kSteerBatch != 0) coverage_row();
  progress(true);
  outcome.wall_s = elapsed();
  outcome.cpu_s = cpu_s;
  outcome.features = steering.features();
  outcome.corpus = steering.joined();
  outcome.summary = summarizer.result(campaign_identity(o.spec, o.runs));
  outcome.summary["coverage"]["protocol_state_features"] = steering.features();
  if (o.shards > 1) outcome.summary["campaign"]["shard"] = fmt::format("{}/{}", o.shard, o.shards);
  if (!o.out_dir.empty()) {
    std::ofstream((std::filesystem::path(o.out_dir) / "summary.json").string()) << outcome.summary.dump(2) << "\n";
    std::ofstream((std::filesystem::path(o.out_dir) / "coverage.json").string())
        << json{{"features", features_to_hex(steering.feature_list())}}.dump() << "\n";
  }
  return outcome;
}

}  // namespace zab::fuzz
