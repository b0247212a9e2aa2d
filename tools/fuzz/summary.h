#pragma once
// A campaign's summary, computed from its runs.jsonl lines alone, so that `zabsim merge` of
// shard outputs gives exactly the summary of the unsharded campaign: runs, outcomes, findings
// grouped by property, coverage marks reached and never reached, recovery figures, and a fold
// of every run's trace hash (equal summaries mean equal runs). No wall-clock figure enters it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/fuzz/generate.h"

namespace zab::fuzz {

// What identifies a campaign (shards of one campaign share it).
nlohmann::ordered_json campaign_identity(const CampaignSpec& spec, std::uint64_t runs);

// The summary built one line at a time, in run index order, keeping counts and not the lines:
// a campaign of 10^9 runs needs no more memory than one of 10^3.
class Summarizer {
 public:
  void add(const nlohmann::ordered_json& line);
  nlohmann::ordered_json result(const nlohmann::ordered_json& identity) const;

 private:
  struct Group {
    std::uint64_t count = 0;
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    nlohmann::ordered_json example;
  };
  std::uint64_t runs_ = 0;
  std::map<std::string, std::uint64_t> profiles_, outcomes_, reached_;
  std::map<std::string, Group> findings_;
  // Recovery figures as value -> runs: exact percentiles in memory bounded by distinct values.
  std::map<std::int64_t, std::uint64_t> leader_ms_, commit_ms_;
  std::uint64_t fold_ = 0x5a62'7369'6d00'0000ULL;  // "Zbsim"
};

// `lines`: the runs' JSON lines, any order; they are taken in run index order.
nlohmann::ordered_json summarize(const nlohmann::ordered_json& identity, std::vector<nlohmann::ordered_json> lines);

// The readable form, for the terminal.
std::string render_summary(const nlohmann::ordered_json& summary);

std::uint64_t finding_count(const nlohmann::ordered_json& summary);

}  // namespace zab::fuzz
