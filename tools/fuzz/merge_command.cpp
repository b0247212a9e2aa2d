// `zabsim merge DIR...`: the summary of a campaign run in shards (zabsim fuzz --shard K/N),
// from the shards' output directories. It is computed from the runs' lines exactly as an
// unsharded campaign's is, so the two are identical (the tests check it).

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "checkers/json_input.h"
#include "tools/commands.h"
#include "tools/fuzz/steer.h"
#include "tools/fuzz/summary.h"
#include "tools/options.h"

namespace zab::tools {

int run_merge(const std::vector<std::string>& args) {
  po::options_description options("merge options");
  std::vector<std::string> dirs;
  std::string out;
  options.add_options()("help,h", "show this help")(
      "dirs", po::value<std::vector<std::string>>(&dirs)->required(), "the shards' output directories")(
      "out,o", po::value<std::string>(&out), "write the merged summary.json into this directory");
  po::positional_options_description positional;
  positional.add("dirs", -1);
  po::variables_map vm;
  if (auto code = parse_options("merge", args, options, positional, vm,
                                "example:\n  zabsim merge shard1 shard2 shard3 shard4 -o merged\n")) {
    return *code;
  }
  nlohmann::ordered_json identity;
  std::vector<nlohmann::ordered_json> lines;
  std::set<std::uint64_t> seen;
  std::set<std::uint32_t> features;  // the union of the shards' protocol-state features
  for (const auto& dir : dirs) {
    const auto campaign_path = std::filesystem::path(dir) / "campaign.json";
    std::string why;
    const auto campaign_text = json_input::read_file(campaign_path.string(), why);
    if (!campaign_text) {
      fmt::print(stderr, "zabsim merge: {}: not a campaign's output (campaign.json {})\n", dir, why);
      return kExitUsage;
    }
    json_input::JsonError json_error;
    auto parsed = json_input::parse<nlohmann::ordered_json>(*campaign_text, json_error);
    if (!parsed || !parsed->is_object()) {
      fmt::print(stderr, "zabsim merge: {}: {}\n", campaign_path.string(), parsed ? "must be an object" : json_error.text());
      return kExitUsage;
    }
    nlohmann::ordered_json campaign = std::move(*parsed);
    campaign.erase("shard");
    if (identity.is_null()) identity = campaign;
    if (campaign != identity) {
      fmt::print(stderr, "zabsim merge: {} is another campaign ({}) than {} ({})\n", dir, campaign.dump(), dirs.front(),
                 identity.dump());
      return kExitUsage;
    }
    const auto coverage_path = (std::filesystem::path(dir) / "coverage.json").string();
    const auto coverage_text = json_input::read_file(coverage_path, why);
    if (!coverage_text) {
      fmt::print(stderr, "zabsim merge: {}: not a campaign's output (coverage.json {})\n", dir, why);
      return kExitUsage;
    }
    const auto coverage = json_input::parse<nlohmann::ordered_json>(*coverage_text, json_error);
    const auto shard_features = coverage && coverage->is_object() && coverage->contains("features") && (*coverage)["features"].is_string()
                                    ? fuzz::features_from_hex((*coverage)["features"].get<std::string>())
                                    : std::nullopt;
    if (!shard_features) {
      fmt::print(stderr, "zabsim merge: {}: {}\n", coverage_path,
                 coverage ? "/features: must be a string of 8-digit lower-case hex features" : json_error.text());
      return kExitUsage;
    }
    features.insert(shard_features->begin(), shard_features->end());
    std::ifstream runs_in(std::filesystem::path(dir) / "runs.jsonl");
    std::string text;
    std::uint64_t line_number = 0;
    while (std::getline(runs_in, text)) {
      ++line_number;
      if (text.empty()) continue;
      auto line_parsed = json_input::parse<nlohmann::ordered_json>(text, json_error);
      if (!line_parsed || !line_parsed->is_object() || !line_parsed->contains("index") ||
          !(*line_parsed)["index"].is_number_unsigned()) {
        fmt::print(stderr, "zabsim merge: {}/runs.jsonl:{}: {}\n", dir, line_number,
                   line_parsed ? "not a run's line (no 'index')" : json_error.text());
        return kExitUsage;
      }
      nlohmann::ordered_json line = std::move(*line_parsed);
      const auto index = line["index"].get<std::uint64_t>();
      if (!seen.insert(index).second) {
        fmt::print(stderr, "zabsim merge: {}/runs.jsonl:{}: run {} appears in two shards\n", dir, line_number, index);
        return kExitUsage;
      }
      lines.push_back(std::move(line));
    }
  }
  nlohmann::ordered_json summary;
  try {
    summary = fuzz::summarize(identity, std::move(lines));
  } catch (const std::exception& e) {
    // A line or campaign.json with the right keys but wrong values (edited by hand).
    fmt::print(stderr, "zabsim merge: {}: not the output of `zabsim fuzz` ({})\n", fmt::join(dirs, ", "), e.what());
    return kExitUsage;
  }
  summary["coverage"]["protocol_state_features"] = features.size();
  if (!out.empty()) {
    if (!make_output_dir("merge", "-o", out)) return kExitUsage;
    std::ofstream(std::filesystem::path(out) / "coverage.json")
        << nlohmann::ordered_json{{"features", fuzz::features_to_hex({features.begin(), features.end()})}}.dump() << "\n";
    std::ofstream summary_out(std::filesystem::path(out) / "summary.json");
    summary_out << summary.dump(2) << "\n";
    summary_out.close();
    if (!summary_out) {
      fmt::print(stderr, "zabsim merge: cannot write '{}'\n", (std::filesystem::path(out) / "summary.json").string());
      return kExitUsage;
    }
  }
  fmt::print("{}", fuzz::render_summary(summary));
  return fuzz::finding_count(summary) == 0 ? kExitOk : kExitSafety;
}

}  // namespace zab::tools
