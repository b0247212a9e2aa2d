// The shrinker: deterministic, never larger than its input, and the result still violates the
// property it was asked to keep.

#include "tools/fuzz/shrink.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "tools/fuzz/generate.h"

using namespace zab::fuzz;

TEST_CASE("shrinking a commit-without-quorum finding is deterministic and keeps its property") {
  const CampaignSpec spec{.seed = 1, .mutations = {"commit-without-quorum"}};
  const GeneratedRun g = generate_run(spec, 1);
  const Probe original = probe(g.scenario, g.seed);
  REQUIRE_FALSE(original.properties.empty());
  const std::string property = original.properties.front();
  const ShrinkResult a = shrink(g.scenario, g.seed, property, ShrinkOptions{.time_budget_s = 0});
  const ShrinkResult b = shrink(g.scenario, g.seed, property, ShrinkOptions{.time_budget_s = 0});
  REQUIRE(a.reproduced);
  CHECK(a.scenario.dump() == b.scenario.dump());
  CHECK(a.scenario["faults"].size() <= g.scenario["faults"].size());
  CHECK(a.scenario["duration_ms"].get<std::int64_t>() <= g.scenario["duration_ms"].get<std::int64_t>());
  CHECK(a.scenario["seed"].get<std::uint64_t>() == g.seed);
  const Probe again = probe(a.scenario, g.seed);
  CHECK(std::find(again.properties.begin(), again.properties.end(), property) != again.properties.end());
}

TEST_CASE("a passing run does not shrink, and a crash is an outcome of a probe") {
  const GeneratedRun g = generate_run(CampaignSpec{.seed = 1}, 0);
  CHECK_FALSE(shrink(g.scenario, g.seed, "", ShrinkOptions{}).reproduced);
  // A document that breaks the generator's promise (it does not parse) crashes the child, with
  // the invariant's text: the shrinker survives it.
  nlohmann::ordered_json bad = g.scenario;
  bad["cluster"]["servers"] = 0;
  const Probe p = probe(bad, g.seed);
  REQUIRE(p.properties == std::vector<std::string>{"crash"});
  CHECK(p.crash.find("cluster/servers") != std::string::npos);
}
