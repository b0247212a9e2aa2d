#include "tools/fuzz/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "protocol/base/coverage.h"
#include "sim/hash.h"

namespace zab::fuzz {

using json = nlohmann::ordered_json;

json campaign_identity(const CampaignSpec& spec, std::uint64_t runs) {
  json j;
  j["seed"] = spec.seed;
  j["runs"] = runs;
  j["mutations"] = spec.mutations;
  j["out_of_model"] = spec.out_of_model;
  if (spec.steer) j["steer"] = true;  // absent: random schedules (as before steering existed)
  return j;
}

namespace {

// Nearest-rank percentile of the values counted in `counts` (value -> how many).
std::int64_t percentile(const std::map<std::int64_t, std::uint64_t>& counts, std::uint64_t total, double p) {
  if (total == 0) return -1;
  const auto rank = std::min(static_cast<std::uint64_t>(p * static_cast<double>(total - 1) + 0.5), total - 1);
  std::uint64_t seen = 0;
  for (const auto& [value, n] : counts) {
    seen += n;
    if (rank < seen) return value;
  }
  return counts.rbegin()->first;
}

json figures(const std::map<std::int64_t, std::uint64_t>& counts) {
  std::uint64_t total = 0;
  for (const auto& [value, n] : counts) total += n;
  json j;
  j["runs"] = total;
  j["p50"] = percentile(counts, total, 0.5);
  j["p99"] = percentile(counts, total, 0.99);
  j["max"] = counts.empty() ? -1 : counts.rbegin()->first;
  return j;
}

constexpr std::size_t kRunsListed = 10;  // per finding group

}  // namespace

void Summarizer::add(const json& line) {
  ++runs_;
  profiles_[line["profile"].get<std::string>()] += 1;
  outcomes_[line["outcome"].get<std::string>()] += 1;
  for (const auto& [mark, times] : line["coverage"].items()) reached_[mark] += times.get<std::uint64_t>() > 0 ? 1 : 0;
  if (line.contains("recovery")) {
    const auto l = line["recovery"]["leader_after_ms"].get<std::int64_t>();
    const auto c = line["recovery"]["commit_after_ms"].get<std::int64_t>();
    if (l >= 0) leader_ms_[l] += 1;
    if (c >= 0) commit_ms_[c] += 1;
  }
  const auto hash = std::stoull(line["trace_hash"].get<std::string>(), nullptr, 16);
  fold_ = sim::hash_combine(sim::hash_combine(fold_, line["index"].get<std::uint64_t>()), hash);
  if (line["properties"].empty()) return;
  Group& g = findings_[line["properties"][0].get<std::string>()];
  if (g.count == 0) {
    g.example = {{"index", line["index"]}, {"seed", line["seed"]}, {"witness", line["witness"]}};
  }
  ++g.count;
  if (g.runs.size() < kRunsListed) g.runs.push_back(line["index"]);
}

json Summarizer::result(const json& identity) const {
  json s;
  s["campaign"] = identity;
  s["runs"] = runs_;
  s["missing"] = identity["runs"].get<std::uint64_t>() - std::min<std::uint64_t>(runs_, identity["runs"].get<std::uint64_t>());
  s["profiles"] = profiles_;
  s["outcomes"] = outcomes_;
  json groups = json::array();
  for (const auto& [property, g] : findings_) {
    groups.push_back({{"property", property}, {"runs", g.count}, {"first_runs", g.runs}, {"example", g.example}});
  }
  s["findings"] = groups;
  json never = json::array();
  json reached_json = json::object();
  for (CoverageMark m : all_coverage_marks()) {
    const std::string name = coverage_mark_name(m);
    const auto it = reached_.find(name);
    if (it == reached_.end() || it->second == 0) {
      never.push_back(name);
    } else {
      reached_json[name] = it->second;
    }
  }
  s["coverage"] = {{"reached_in_runs", reached_json}, {"never_reached", never}};
  s["recovery_after_last_fault_ms"] = {{"leader_established", figures(leader_ms_)}, {"first_commit", figures(commit_ms_)}};
  s["trace_hash_fold"] = fmt::format("{:016x}", fold_);
  return s;
}

json summarize(const json& identity, std::vector<json> lines) {
  std::sort(lines.begin(), lines.end(),
            [](const json& a, const json& b) { return a["index"].get<std::uint64_t>() < b["index"].get<std::uint64_t>(); });
  Summarizer summarizer;
  for (const json& line : lines) summarizer.add(line);
  return summarizer.result(identity);
}

std::uint64_t finding_count(const json& summary) {
  std::uint64_t n = 0;
  for (const auto& g : summary["findings"]) n += g["runs"].get<std::uint64_t>();
  return n;
}

std::string render_summary(const json& s) {
  std::string out;
  const json& c = s["campaign"];
  out += fmt::format("campaign seed {}: {} runs", c["seed"].get<std::uint64_t>(), s["runs"].get<std::uint64_t>());
  if (s["missing"].get<std::uint64_t>() > 0) out += fmt::format(" ({} of {} not run)", s["missing"].get<std::uint64_t>(), c["runs"].get<std::uint64_t>());
  if (!c["mutations"].empty()) out += fmt::format("; MUTATIONS ON: {}", c["mutations"].dump());
  if (c["out_of_model"].get<bool>()) out += "; out-of-model faults";
  if (c.value("steer", false)) out += "; steered by coverage";
  out += "\n  profiles:";
  for (const auto& [k, v] : s["profiles"].items()) out += fmt::format(" {} {}", k, v.get<std::uint64_t>());
  out += "\n  outcomes:";
  for (const auto& [k, v] : s["outcomes"].items()) out += fmt::format(" {} {}", k, v.get<std::uint64_t>());
  const json& r = s["recovery_after_last_fault_ms"];
  out += fmt::format("\n  after the heal: leader established p50 {} ms, p99 {} ms, max {} ms; first commit p50 {} ms, p99 {} ms\n",
                     r["leader_established"]["p50"].get<std::int64_t>(), r["leader_established"]["p99"].get<std::int64_t>(),
                     r["leader_established"]["max"].get<std::int64_t>(), r["first_commit"]["p50"].get<std::int64_t>(),
                     r["first_commit"]["p99"].get<std::int64_t>());
  const std::uint64_t n = finding_count(s);
  out += fmt::format("findings: {}\n", n);
  for (const auto& g : s["findings"]) {
    out += fmt::format("  {:<28} {:>5} runs, first {}; e.g. run {}: {}\n", g["property"].get<std::string>(),
                       g["runs"].get<std::uint64_t>(), g["first_runs"].dump(), g["example"]["index"].get<std::uint64_t>(),
                       g["example"]["witness"].get<std::string>());
  }
  const json& cov = s["coverage"];
  out += fmt::format("coverage marks reached ({}):", cov["reached_in_runs"].size());
  for (const auto& [k, v] : cov["reached_in_runs"].items()) out += fmt::format(" {} {}", k, v.get<std::uint64_t>());
  out += fmt::format("\ncoverage marks never reached ({}):", cov["never_reached"].size());
  for (const auto& k : cov["never_reached"]) out += " " + k.get<std::string>();
  if (cov.contains("protocol_state_features")) {
    out += fmt::format("\nprotocol-state features reached: {}", cov["protocol_state_features"].get<std::uint64_t>());
  }
  out += fmt::format("\ntrace-hash fold {}\n", s["trace_hash_fold"].get<std::string>());
  return out;
}

}  // namespace zab::fuzz
