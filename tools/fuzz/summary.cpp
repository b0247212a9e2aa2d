#include "tools/fuzz/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "protocol/coverage.h"
#include "sim/hash.h"

namespace zab::fuzz {

using json = nlohmann::ordered_json;

json campaign_identity(const CampaignSpec& spec, std::uint64_t runs) {
  json j;
  j["seed"] = spec.seed;
  j["runs"] = runs;
  j["mutations"] = spec.mutations;
  j["out_of_model"] = spec.out_of_model;
  return j;
}

namespace {

// Nearest-rank percentile of a sorted list.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return -1;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

json figures(std::vector<std::int64_t> values) {
  std::sort(values.begin(), values.end());
  json j;
  j["runs"] = values.size();
  j["p50"] = percentile(values, 0.5);
  j["p99"] = percentile(values, 0.99);
  j["max"] = values.empty() ? -1 : values.back();
  return j;
}

constexpr std::size_t kRunsListed = 10;  // per finding group

}  // namespace

json summarize(const json& identity, std::vector<json> lines) {
  std::sort(lines.begin(), lines.end(),
            [](const json& a, const json& b) { return a["index"].get<std::uint64_t>() < b["index"].get<std::uint64_t>(); });
  json s;
  s["campaign"] = identity;
  s["runs"] = lines.size();
  s["missing"] = identity["runs"].get<std::uint64_t>() - std::min<std::uint64_t>(lines.size(), identity["runs"].get<std::uint64_t>());
  std::map<std::string, std::uint64_t> profiles, outcomes, reached;
  struct Group {
    std::uint64_t count = 0;
    json runs = json::array();
    json example;
  };
  std::map<std::string, Group> findings;
  std::vector<std::int64_t> leader_ms, commit_ms;
  std::uint64_t fold = 0x5a62'7369'6d00'0000ULL;  // "Zbsim"
  for (const json& line : lines) {
    profiles[line["profile"].get<std::string>()] += 1;
    outcomes[line["outcome"].get<std::string>()] += 1;
    for (const auto& [mark, times] : line["coverage"].items()) reached[mark] += times.get<std::uint64_t>() > 0 ? 1 : 0;
    if (line.contains("recovery")) {
      const auto l = line["recovery"]["leader_after_ms"].get<std::int64_t>();
      const auto c = line["recovery"]["commit_after_ms"].get<std::int64_t>();
      if (l >= 0) leader_ms.push_back(l);
      if (c >= 0) commit_ms.push_back(c);
    }
    const auto hash = std::stoull(line["trace_hash"].get<std::string>(), nullptr, 16);
    fold = sim::hash_combine(sim::hash_combine(fold, line["index"].get<std::uint64_t>()), hash);
    if (line["properties"].empty()) continue;
    Group& g = findings[line["properties"][0].get<std::string>()];
    if (g.count == 0) {
      g.example = {{"index", line["index"]}, {"seed", line["seed"]}, {"witness", line["witness"]}};
    }
    ++g.count;
    if (g.runs.size() < kRunsListed) g.runs.push_back(line["index"]);
  }
  s["profiles"] = profiles;
  s["outcomes"] = outcomes;
  json groups = json::array();
  for (auto& [property, g] : findings) {
    groups.push_back({{"property", property}, {"runs", g.count}, {"first_runs", g.runs}, {"example", g.example}});
  }
  s["findings"] = groups;
  json never = json::array();
  json reached_json = json::object();
  for (CoverageMark m : all_coverage_marks()) {
    const std::string name = coverage_mark_name(m);
    const auto it = reached.find(name);
    if (it == reached.end() || it->second == 0) {
      never.push_back(name);
    } else {
      reached_json[name] = it->second;
    }
  }
  s["coverage"] = {{"reached_in_runs", reached_json}, {"never_reached", never}};
  s["recovery_after_last_fault_ms"] = {{"leader_established", figures(leader_ms)}, {"first_commit", figures(commit_ms)}};
  s["trace_hash_fold"] = fmt::format("{:016x}", fold);
  return s;
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
  out += fmt::format("\ntrace-hash fold {}\n", s["trace_hash_fold"].get<std::string>());
  return out;
}

}  // namespace zab::fuzz
