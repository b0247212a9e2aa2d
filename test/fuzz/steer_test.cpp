// Steered search (issue 17): the protocol-state signature, the corpus and the schedules derived
// from it — valid scenarios that keep the final heal, deterministic, each position seeing only
// the corpus of the batches before the previous one — and a steered campaign that is the same
// whatever the number of workers.

#include "tools/fuzz/steer.h"

#include <doctest/doctest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "sim/scenario/scenario.h"
#include "tools/fuzz/campaign.h"
#include "tools/fuzz/execute.h"
#include "tools/fuzz/signature.h"

using namespace zab::fuzz;
using json = nlohmann::ordered_json;

namespace {

// Runs position k's schedule (derived or generated) and folds it, as run_campaign does.
json run_and_fold(Steering& steering, const CampaignSpec& spec, std::uint64_t k, std::optional<DerivedRun>* derived = nullptr) {
  auto d = spec.steer ? steering.derive(k, k) : std::nullopt;
  const json doc = d ? d->scenario : generate_run(spec, k).scenario;
  const Execution x = execute(doc, doc["seed"].get<std::uint64_t>());
  steering.fold(k, k, x.signature.features, [&] { return std::pair<json, std::string>(doc, "test"); },
                milestones_to_json(x.signature.milestones));
  if (derived != nullptr) *derived = d;
  return doc;
}

std::int64_t heal_ms_of(const json& doc) {
  std::int64_t heal = -1;
  for (const json& f : doc["faults"]) {
    if (f["kind"] == "heal" && f.contains("at_ms")) heal = std::max(heal, f["at_ms"].get<std::int64_t>());
  }
  return heal;
}

// One entry in the corpus: campaign `spec`'s run 40, executed and folded as position 40 (batch 1).
void fold_one_entry(Steering& steering, const CampaignSpec& spec) {
  const json doc = generate_run(spec, 40).scenario;
  const Execution x = execute(doc, doc["seed"].get<std::uint64_t>());
  REQUIRE(steering.fold(40, 40, x.signature.features, [&] { return std::pair<json, std::string>(doc, "test"); },
                        milestones_to_json(x.signature.milestones)) > 0);
}

}  // namespace

TEST_CASE("features travel as hex and bad hex is refused") {
  const std::vector<std::uint32_t> f = {0, 1, 0xdeadbeef, 0xffffffff};
  CHECK(features_to_hex(f) == "0000000000000001deadbeefffffffff");
  CHECK(features_from_hex(features_to_hex(f)) == f);
  CHECK(features_from_hex("")->empty());
  CHECK_FALSE(features_from_hex("0000000").has_value());   // not 8 digits
  CHECK_FALSE(features_from_hex("DEADBEEF").has_value());  // upper case is not what we write
  CHECK_FALSE(features_from_hex("0000000g").has_value());
}

TEST_CASE("a position may go out once the batches before the previous one are folded") {
  CHECK(Steering::ready(0, 0));
  CHECK(Steering::ready(2 * kSteerBatch - 1, 0));     // batches 0 and 1 derive from nothing
  CHECK_FALSE(Steering::ready(2 * kSteerBatch, kSteerBatch - 1));
  CHECK(Steering::ready(2 * kSteerBatch, kSteerBatch));
  CHECK_FALSE(Steering::ready(5 * kSteerBatch + 3, 4 * kSteerBatch - 1));
  CHECK(Steering::ready(5 * kSteerBatch + 3, 4 * kSteerBatch));
}

TEST_CASE("the signature is the trace's: the same run gives the same features, other runs other ones") {
  const CampaignSpec spec{.seed = 11};
  const json a = generate_run(spec, 0).scenario;
  const json b = generate_run(spec, 1).scenario;
  const Execution xa = execute(a, a["seed"].get<std::uint64_t>());
  const Execution xa2 = execute(a, a["seed"].get<std::uint64_t>());
  const Execution xb = execute(b, b["seed"].get<std::uint64_t>());
  CHECK(xa.signature.features == xa2.signature.features);
  CHECK(std::is_sorted(xa.signature.features.begin(), xa.signature.features.end()));
  CHECK(xa.signature.features.size() > 50);
  CHECK(xa.signature.features != xb.signature.features);
  REQUIRE_FALSE(xa.signature.milestones.empty());
  CHECK(xa.signature.milestones.size() <= kMilestonesMax);
  std::set<std::string> names;
  for (const Milestone& m : xa.signature.milestones) names.insert(m.event);
  CHECK(names.contains("peer_state"));
  CHECK(names.contains("leader_established"));
}

TEST_CASE("a random campaign's coverage keeps no corpus and derives nothing") {
  const CampaignSpec spec{.seed = 5, .steer = false};
  Steering steering(spec, "", 1);
  for (std::uint64_t k = 0; k < 3 * kSteerBatch; ++k) {
    std::optional<DerivedRun> d;
    run_and_fold(steering, spec, k, &d);
    CHECK_FALSE(d.has_value());
  }
  CHECK(steering.features() > 100);
  CHECK(steering.corpus_size() == 0);
  CHECK(steering.feature_list().size() == steering.features());
}

TEST_CASE("derived schedules are valid scenarios that keep the final heal, the same every time, using every mutation") {
  const CampaignSpec spec{.seed = 5, .steer = true};
  Steering steering(spec, "", 1);
  std::set<std::string> mutations;
  std::size_t derived = 0, fresh = 0;
  for (std::uint64_t k = 0; k < 8 * kSteerBatch; ++k) {
    CAPTURE(k);
    std::optional<DerivedRun> d;
    const json doc = run_and_fold(steering, spec, k, &d);
    if (!d) {
      ++fresh;
      continue;
    }
    ++derived;
    CHECK(k >= 2 * kSteerBatch);  // nothing to derive from before
    for (const auto& m : d->mutations) mutations.insert(m);
    // Deterministic: the same position derives the same schedule again.
    const auto again = steering.derive(k, k);
    REQUIRE(again.has_value());
    CHECK(again->scenario.dump() == doc.dump());
    const auto parsed = zab::sim::parse_scenario(doc.dump(), "derived");
    if (const auto* e = std::get_if<zab::sim::ScenarioError>(&parsed)) FAIL(e->text());
    // The final heal stays: every server resumed and started at it, nothing triggered after it.
    const std::int64_t heal = heal_ms_of(doc);
    REQUIRE(heal > 0);
    const auto servers = doc["cluster"]["servers"].get<std::int64_t>();
    std::set<std::int64_t> started, resumed;
    for (const json& f : doc["faults"]) {
      if (f.contains("at_ms") && f["at_ms"].get<std::int64_t>() == heal && f.contains("target") && f["target"].is_number()) {
        (f["kind"] == "start" ? started : resumed).insert(f["target"].get<std::int64_t>());
      }
      // (A generator's start rides its crash's trigger with a delay of its own; a start is a no-op
      // on a running server.)
      if (f.contains("on") && f["kind"] != "start") {
        CAPTURE(f.dump());
        CHECK(f["on"]["before_ms"].get<std::int64_t>() + f.value("delay_ms", std::int64_t{0}) <= heal);
      }
    }
    CHECK(static_cast<std::int64_t>(started.size()) == servers);
    CHECK(static_cast<std::int64_t>(resumed.size()) == servers);
  }
  CHECK(derived > fresh);
  CHECK(fresh > 0);  // fresh random schedules stay in the mix
  CHECK(steering.corpus_size() > 0);
  for (const char* m : {"shift", "retarget", "remove", "splice", "to-trigger", "step", "chain", "reseed", "aim"}) {
    CAPTURE(m);
    CHECK(mutations.contains(m));
  }
}

TEST_CASE("a position derives only from entries of the batches before the previous one") {
  const CampaignSpec spec{.seed = 9, .steer = true};
  Steering steering(spec, "", 1);
  fold_one_entry(steering, spec);  // folded as position 40 (batch 1)
  REQUIRE(steering.corpus_size() == 1);
  // Batch 2 sees entries below position 32 only: nothing to derive from.
  for (std::uint64_t k = 2 * kSteerBatch; k < 3 * kSteerBatch; ++k) CHECK_FALSE(steering.derive(k, k).has_value());
  // Batch 3 sees it.
  std::size_t derived = 0;
  for (std::uint64_t k = 3 * kSteerBatch; k < 4 * kSteerBatch; ++k) {
    if (const auto d = steering.derive(k, k)) {
      ++derived;
      CHECK(d->parent == 40);
    }
  }
  CHECK(derived > 0);
}

TEST_CASE("aimed faults include crash chains on the handshake's sends (FOLLOWERINFO, ACKEPOCH, NEWLEADER)") {
  const CampaignSpec spec{.seed = 9, .steer = true};
  Steering steering(spec, "", 1);
  fold_one_entry(steering, spec);
  std::set<std::uint64_t> subs;
  std::size_t chains = 0;
  for (std::uint64_t k = 3 * kSteerBatch; k < 40 * kSteerBatch; ++k) {
    const auto d = steering.derive(k, k);
    if (!d || d->mutations != std::vector<std::string>{"aim"}) continue;  // later edits may move them
    const json& faults = d->scenario["faults"];
    for (std::size_t i = 0; i < faults.size(); ++i) {
      const json& f = faults[i];
      if (!f.contains("on") || f["on"]["event"] != "send" || f["kind"] != "crash") continue;
      CAPTURE(f.dump());
      const auto sub = f["on"]["fields"]["sub"].get<std::uint64_t>();
      subs.insert(sub);
      // A learner's own send crashes that learner; a NEWLEADER, whoever leads.
      CHECK(f["target"] == (sub == 10 ? json("leader") : f["on"]["server"]));
      if (f["on"].value("count", 1) == 2) {
        ++chains;
        // The chain: the learner is started again on the first crash's trigger, then crashed at
        // its next such send.
        const bool restarted = std::any_of(faults.begin(), faults.end(), [&](const json& g) {
          return g["kind"] == "start" && g.contains("on") && g["target"] == f["target"] && g["on"]["event"] == "send" &&
                 g["on"]["fields"] == f["on"]["fields"] && !g["on"].contains("count");
        });
        CHECK(restarted);
      }
    }
  }
  CHECK(subs == std::set<std::uint64_t>{10, 11, 18});
  CHECK(chains > 0);
}

TEST_CASE("a steered campaign runs the same schedules with one worker and with three") {
  const auto base = std::filesystem::temp_directory_path() / ("zabsim-steer-jobs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  auto campaign = [&](unsigned jobs) {
    CampaignOptions o;
    o.spec = CampaignSpec{.seed = 21, .steer = true};
    o.runs = 5 * kSteerBatch;
    o.jobs = jobs;
    o.quiet = true;
    o.out_dir = (base / ("jobs" + std::to_string(jobs))).string();
    const CampaignOutcome outcome = run_campaign(o);
    std::vector<json> lines;
    std::ifstream in(std::filesystem::path(o.out_dir) / "runs.jsonl");
    for (std::string text; std::getline(in, text);) {
      json line = json::parse(text);
      for (const char* machine : {"wall_ms", "cpu_ms", "rss_kib"}) line.erase(machine);
      lines.push_back(line);
    }
    return std::pair(outcome, lines);
  };
  const auto [one, one_lines] = campaign(1);
  const auto [three, three_lines] = campaign(3);
  CHECK(one.summary.dump() == three.summary.dump());
  REQUIRE(one_lines.size() == 5 * kSteerBatch);
  CHECK(one_lines == three_lines);
  std::size_t derived = 0;
  for (const json& line : one_lines) derived += line.contains("parent") ? 1 : 0;
  CHECK(derived > 0);
  CHECK(one.corpus > 0);
  std::filesystem::remove_all(base);
}

TEST_CASE("the corpus keeps the newest kCorpusMax schedules: its memory is bounded") {
  const CampaignSpec spec{.seed = 4, .steer = true};
  Steering steering(spec, "", 1);
  const json doc = generate_run(spec, 0).scenario;
  const std::uint64_t n = kCorpusMax + 100;
  for (std::uint64_t k = 0; k < n; ++k) {
    // A feature of its own each: every schedule joins.
    CHECK(steering.fold(k, k, {static_cast<std::uint32_t>(k << 8)}, [&] { return std::pair<json, std::string>(doc, "test"); },
                        json::array()) == 1);
  }
  CHECK(steering.joined() == n);
  CHECK(steering.corpus_size() == kCorpusMax);
  std::size_t derived = 0;
  for (std::uint64_t k = n + 2 * kSteerBatch; k < n + 3 * kSteerBatch; ++k) {
    if (const auto d = steering.derive(k, k)) {
      ++derived;
      CHECK(d->parent >= n - kCorpusMax);  // the oldest entries are gone
    }
  }
  CHECK(derived > 0);
}

TEST_CASE("shards share schedules through the sync directory; a file that is not one is skipped") {
  const auto dir = std::filesystem::temp_directory_path() / ("zabsim-steer-sync-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const CampaignSpec spec{.seed = 6, .steer = true};
  Steering one(spec, dir.string(), 1);
  Steering two(spec, dir.string(), 2);
  // Shard 2 folds a run: a new feature, so its schedule is written for the others.
  const json doc = generate_run(spec, 1).scenario;
  REQUIRE(two.fold(0, 1, {0x12345600u}, [&] { return std::pair<json, std::string>(doc, "crashes"); },
                   json::array({json::array({500, 1, "peer_state"})})) == 1);
  REQUIRE(std::filesystem::exists(dir / "shard-2" / "entry-000000000000.json"));
  // Files another shard could have left, none of them a schedule the steering can use.
  std::ofstream(dir / "shard-2" / "entry-000000000001.json") << "{not json\n";
  std::ofstream(dir / "shard-2" / "entry-000000000002.json") << json{{"scenario", {{"name", "x"}}}, {"features", "00000001"}}.dump();
  json no_heal = doc;
  no_heal["faults"] = json::array();
  std::ofstream(dir / "shard-2" / "entry-000000000003.json") << json{{"scenario", no_heal}, {"features", "00000002"}}.dump();
  std::ofstream(dir / "shard-2" / "entry-000000000004.json") << json{{"scenario", doc}, {"features", "XYZ"}}.dump();
  // A schedule with milestones of the wrong shape: kept, without them.
  std::ofstream(dir / "shard-2" / "entry-000000000005.json")
      << json{{"scenario", doc}, {"features", "00000300"}, {"milestones", json::array({"bad", json::array({1, 2})})}}.dump();
  one.import_synced(kSteerBatch);
  CHECK(one.imported() == 2);
  CHECK(one.corpus_size() == 2);
  CHECK(one.features() == 2);
  // Read once: a second look imports nothing more.
  one.import_synced(2 * kSteerBatch);
  CHECK(one.imported() == 2);
  // Imported schedules are parents like any other.
  std::size_t derived = 0;
  for (std::uint64_t k = 3 * kSteerBatch; k < 4 * kSteerBatch; ++k) derived += one.derive(k, k).has_value() ? 1 : 0;
  CHECK(derived > 0);
  std::filesystem::remove_all(dir);
}
