#pragma once
// Steered search (issue 17): a corpus of schedules that reached protocol states no earlier run
// of the campaign had (tools/fuzz/signature.h), and new schedules derived from them — times
// shifted, faults retargeted, removed or spliced in from another schedule, a timed fault turned
// into a trigger on a protocol step its parent run took near that time, a trigger moved one
// step — mixed with fresh random schedules (tools/fuzz/generate.h).
//
// Deterministic for a campaign seed, and independent of --jobs: positions (a shard's runs in
// order, 0, 1, 2, ...) come in batches of kSteerBatch, and a position of batch b derives only
// from the corpus as the runs of batches before b-1 left it. Runs are folded into the corpus in
// position order, so that prefix is the same however many workers ran them, and with one
// batch of slack two workers rarely wait for it.
//
// Shards may share progress through a sync directory (AFL's -F/-S sync dirs): each writes the
// schedules that were new to it, and at each batch boundary reads the others'. What arrives when
// then depends on the other shards' speed, so a synced campaign is not reproducible as a whole;
// each of its runs still is, from its record.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/fuzz/generate.h"

namespace zab::fuzz {

inline constexpr std::uint64_t kSteerBatch = 32;
// The corpus keeps the newest this many schedules (a campaign's memory stays bounded: an
// entry is its document and up to kMilestonesMax milestones, about 15 KiB).
inline constexpr std::size_t kCorpusMax = 2048;

// The parsed form of a run line's or coverage.json's "features" (8 lower-case hex digits each,
// concatenated); nullopt if it is not that.
std::optional<std::vector<std::uint32_t>> features_from_hex(std::string_view hex);
std::string features_to_hex(const std::vector<std::uint32_t>& features);

struct DerivedRun {
  nlohmann::ordered_json scenario;
  std::uint64_t parent = 0;            // the run index it derives from
  std::string profile;                 // the fault mix of the first schedule in its line of descent
  std::vector<std::string> mutations;  // what was done to the parent's schedule, in order
};

class Steering {
 public:
  Steering(CampaignSpec spec, std::string sync_dir, std::uint32_t shard);

  // Whether position k may be handed out once `folded` positions have been folded.
  static bool ready(std::uint64_t k, std::uint64_t folded);
  // The schedule of position k (run `index`): a derived one, or nullopt for a fresh one.
  std::optional<DerivedRun> derive(std::uint64_t position, std::uint64_t index) const;
  // A finished run, in position order, with its features and milestones: its schedule (asked
  // for only then: document and profile) is kept in the corpus if it reached a feature no
  // earlier run had. Returns how many features were new.
  std::size_t fold(std::uint64_t position, std::uint64_t index, const std::vector<std::uint32_t>& features,
                   const std::function<std::pair<nlohmann::ordered_json, std::string>()>& schedule,
                   const nlohmann::ordered_json& milestones);
  // At a batch boundary: the schedules other shards wrote to the sync directory since the last
  // call, folded in file-name order (none without a sync directory).
  void import_synced(std::uint64_t position);

  std::size_t features() const { return features_; }
  std::size_t corpus_size() const { return corpus_.size(); }  // kept now (at most kCorpusMax)
  std::size_t joined() const { return joined_; }              // schedules that ever joined
  std::size_t imported() const { return imported_; }
  // The features reached, sorted (coverage.json, merged across shards by zabsim merge).
  std::vector<std::uint32_t> feature_list() const;

 private:
  struct Entry {
    std::uint64_t position = 0;  // where it joined (derivations see entries below their limit)
    std::uint64_t index = 0;
    std::uint32_t servers = 0;
    std::string profile;
    nlohmann::ordered_json scenario;
    nlohmann::ordered_json milestones;
  };
  bool add_features(const std::vector<std::uint32_t>& features, std::size_t& fresh);
  std::optional<DerivedRun> try_derive(std::uint64_t position, std::uint64_t index, std::uint64_t attempt) const;

  CampaignSpec spec_;
  std::string sync_dir_;
  std::uint32_t shard_ = 1;
  std::vector<std::uint64_t> bits_;  // the features reached, as a bitmap over 2^kBits
  std::size_t features_ = 0;
  std::deque<Entry> corpus_;         // in position order, the newest kCorpusMax
  std::vector<std::string> synced_files_seen_;
  std::size_t imported_ = 0;
  std::size_t joined_ = 0;
};

}  // namespace zab::fuzz
