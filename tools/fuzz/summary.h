#pragma once
// A campaign's summary, computed from its runs.jsonl lines alone, so that `zabsim merge` of
// shard outputs gives exactly the summary of the unsharded campaign: runs, outcomes, findings
// grouped by property, coverage marks reached and never reached, recovery figures, and a fold
// of every run's trace hash (equal summaries mean equal runs). No wall-clock figure enters it.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/fuzz/generate.h"

namespace zab::fuzz {

// What identifies a campaign (shards of one campaign share it).
nlohmann::ordered_json campaign_identity(const CampaignSpec& spec, std::uint64_t runs);

// `lines`: the runs' JSON lines, any order; they are taken in run index order.
nlohmann::ordered_json summarize(const nlohmann::ordered_json& identity, std::vector<nlohmann::ordered_json> lines);

// The readable form, for the terminal.
std::string render_summary(const nlohmann::ordered_json& summary);

std::uint64_t finding_count(const nlohmann::ordered_json& summary);

}  // namespace zab::fuzz
