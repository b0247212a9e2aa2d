#include "tools/fuzz/steer.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <variant>

#include "checkers/json_input.h"
#include "protocol/base/assert.h"
#include "sim/scenario/scenario.h"
#include "tools/fuzz/draw.h"

namespace zab::fuzz {

using json = nlohmann::ordered_json;

namespace {

constexpr unsigned kBits = 24;  // the feature bitmap: 2^24 bits, 2 MiB; collisions are rare at ~10^5 features
constexpr double kFreshShare = 0.3;  // positions that stay fresh random schedules (swarm testing's breadth)
constexpr std::uint64_t kRecentEntries = 16;  // half the parents come from the newest entries

std::int64_t number(const json& j, const char* key, std::int64_t otherwise) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<std::int64_t>() : otherwise;
}

// The window a schedule's faults live in: from the fault window's start to the final heal.
struct Window {
  std::int64_t tick_ms = 100;
  std::int64_t from_ms = 300;
  std::int64_t heal_ms = 0;
  std::uint32_t servers = 3;
  std::int64_t last_ms() const { return std::max(from_ms, heal_ms - 2 * tick_ms - 1); }
};

// What the steering reads of a schedule: the cluster's size and tickTime, and a timed final
// heal. Every generated or derived schedule has them; a file from another shard might not.
bool steerable(const json& doc) {
  if (!doc.is_object() || !doc.contains("cluster") || !doc["cluster"].is_object() || !doc.contains("faults") ||
      !doc["faults"].is_array()) {
    return false;
  }
  const json& c = doc["cluster"];
  if (!c.contains("servers") || !c["servers"].is_number_unsigned() || !c.contains("tick_time_ms") ||
      !c["tick_time_ms"].is_number_integer()) {
    return false;
  }
  return std::any_of(doc["faults"].begin(), doc["faults"].end(), [](const json& f) {
    return f.is_object() && f.value("kind", std::string()) == "heal" && f.contains("at_ms") && f["at_ms"].is_number_integer();
  });
}

// The milestones of another shard's file that have the shape the steering reads: [at_ms, server, event].
json well_formed_milestones(const json& milestones) {
  json out = json::array();
  if (!milestones.is_array()) return out;
  for (const json& m : milestones) {
    if (m.is_array() && m.size() == 3 && m[0].is_number_integer() && m[1].is_number_unsigned() && m[2].is_string()) {
      out.push_back(m);
    }
  }
  return out;
}

Window window_of(const json& doc) {
  ZAB_ASSERT(steerable(doc), "a schedule in the corpus has a cluster size, a tickTime and a timed final heal");
  Window w;
  w.tick_ms = doc["cluster"]["tick_time_ms"].get<std::int64_t>();
  w.servers = doc["cluster"]["servers"].get<std::uint32_t>();
  w.from_ms = std::max<std::int64_t>(300, 2 * w.tick_ms);
  for (const json& f : doc["faults"]) {
    if (f.value("kind", std::string()) == "heal" && f.contains("at_ms")) w.heal_ms = std::max(w.heal_ms, f["at_ms"].get<std::int64_t>());
  }
  return w;
}

// A fault the steering may change: not part of the final heal (which every schedule needs, so
// that every run is judged for liveness).
bool editable(const json& f, const Window& w) { return f.contains("on") || number(f, "at_ms", 0) < w.heal_ms; }

std::vector<std::size_t> editable_faults(const json& doc, const Window& w, bool timed_only = false, bool triggered_only = false) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < doc["faults"].size(); ++i) {
    const json& f = doc["faults"][i];
    if (!editable(f, w)) continue;
    if (timed_only && f.contains("on")) continue;
    if (triggered_only && !f.contains("on")) continue;
    out.push_back(i);
  }
  return out;
}

// A trigger never fires after the heal, delay included (it would move the liveness deadline past
// the run's end): it may fire from after_ms on, up to heal - 1 - delay; a delay too long for
// that is shortened.
void bound_trigger(json& f, const Window& w) {
  json& on = f["on"];
  const std::int64_t after = std::clamp<std::int64_t>(number(on, "after_ms", 0), 0, w.last_ms());
  const std::int64_t delay = std::min(number(f, "delay_ms", 0), w.heal_ms - 1 - after);
  if (f.contains("delay_ms")) f["delay_ms"] = delay;
  on["after_ms"] = after;
  on["before_ms"] = w.heal_ms - 1 - delay;
}

json target_draw(Draw& d, const Window& w) {
  switch (d.weighted({6, 2, 2})) {
    case 1: return "leader";
    case 2: return "follower";
    default: return d.range(1, w.servers);
  }
}

bool crash_like(const json& f) {
  const std::string kind = f.value("kind", std::string());
  return kind == "crash" || kind == "restart" || kind == "hang";
}

// A milestone drawn by its event name first, then among that name's: the rare steps (a SNAP
// load, a truncation) as likely as the frequent ones (a role change).
const json& pick_milestone(Draw& d, const std::vector<json>& milestones) {
  std::vector<std::string> names;
  for (const json& m : milestones) {
    const std::string name = m[2].get<std::string>();
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  const std::string& name = d.pick(names);
  std::vector<std::size_t> of_name;
  for (std::size_t i = 0; i < milestones.size(); ++i) {
    if (milestones[i][2] == name) of_name.push_back(i);
  }
  return milestones[d.pick(of_name)];
}

// Milestones of the parent's run inside the fault window: [at_ms, server, event].
std::vector<json> usable_milestones(const json& milestones, const Window& w) {
  std::vector<json> out;
  for (const json& m : milestones) {
    const auto at = m[0].get<std::int64_t>();
    if (at >= w.from_ms && at <= w.last_ms()) out.push_back(m);
  }
  return out;
}

// The steps of a learner's sync and of the new epoch's bookkeeping, where the catalog's bugs live.
bool learner_step(const std::string& event) {
  static const std::vector<std::string> kSteps = {"accepted_epoch", "current_epoch", "snapshot_loaded", "truncated",
                                                  "newleader_acked", "follower_synced", "snapshot_written"};
  return std::find(kSteps.begin(), kSteps.end(), event) != kSteps.end();
}

// A fault aimed at the server of milestone `m` (a learner's step, or the leader's), fired right
// after that step or one of the next few of its kind, or a few of its txns later: its
// connection to the leader reset (as when a learner's socket times out), the leader's side of
// the link cut (the learner still hears nothing from it: a one-way fault from the leader only),
// the server crashed or restarted, or the leader crashed; then maybe its sequel. Issue 17 item 4: the faults that
// ZOOKEEPER-3642 and the learner-bookkeeping gaps need, which timed link faults almost never hit.
std::vector<json> aimed_faults(Draw& d, const Window& w, const json& m) {
  const auto server = m[1].get<std::uint32_t>();
  json on = {{"server", server}, {"after_ms", m[0]}};
  if (d.chance(0.2)) {
    // Issue 17 item 4's crash chains on the handshake's sends: the learner's FOLLOWERINFO (its
    // vote counted towards an epoch it has not accepted yet), its ACKEPOCH, or a leader's
    // NEWLEADER (Leader.java's packet types 11, 18, 10), this learner's next registration or the
    // one after. A learner crashed at FOLLOWERINFO twice leaves a leader with an acceptedEpoch
    // no one else holds (D34's trigger).
    static constexpr std::uint64_t kSends[] = {11, 18, 10};
    const std::uint64_t sub = kSends[d.below(3)];
    on = {{"event", "send"}, {"after_ms", m[0]}, {"fields", {{"sub", sub}}}};
    if (sub != 10) on["server"] = server;
    json f = {{"on", on}, {"kind", "crash"}, {"target", sub == 10 ? json("leader") : json(server)}};
    bound_trigger(f, w);
    std::vector<json> out = {f};
    if (sub != 10 && d.chance(0.5)) {  // back, and crashed again at its next such send
      json again = f;
      again["on"]["count"] = 2;
      out.push_back({{"on", f["on"]}, {"kind", "start"}, {"target", server}, {"delay_ms", d.range(w.tick_ms, 20 * w.tick_ms)}});
      out.push_back(std::move(again));
    }
    for (std::size_t k = 1; k < out.size(); ++k) bound_trigger(out[k], w);
    return out;
  }
  if (d.chance(0.25)) {  // a few txns later instead: the learner logged one more
    on["event"] = "logged";
    on["count"] = d.range(1, 5);
  } else {
    on["event"] = m[2];  // mostly this very step; sometimes the next of its kind
    if (d.chance(0.15)) on["count"] = 2;
  }
  json f = {{"on", on}};
  switch (d.weighted({4, 2, 2, 1, 1})) {
    case 0: f["kind"] = "reset_connections"; f["from"] = server; f["to"] = "leader"; break;
    case 1: f["kind"] = "cut"; f["from"] = "leader"; f["to"] = server; break;
    case 2: f["kind"] = "crash"; f["target"] = server; break;
    case 3: f["kind"] = "restart"; f["target"] = server; break;
    case 4: f["kind"] = "crash"; f["target"] = "leader"; break;
  }
  // Right after the step, mostly: a few ms later the step's sequel (a snapshot written, an ACK
  // sent) has often happened already.
  if (d.chance(0.1)) f["delay_ms"] = d.range(0, w.tick_ms);
  bound_trigger(f, w);
  std::vector<json> out = {f};
  // What comes after, on the same trigger: the cut link heals; the server restarts later, so
  // that it comes back with what the interrupted step left on its disk.
  const std::int64_t later_ms = number(f, "delay_ms", 0) + d.range(w.tick_ms, 40 * w.tick_ms);
  if (f["kind"] == "cut" && d.chance(0.7)) {
    out.push_back({{"on", f["on"]}, {"kind", "heal_link"}, {"from", "leader"}, {"to", server}, {"delay_ms", later_ms}});
  } else if (f["kind"] != "crash" && d.chance(0.7)) {
    out.push_back({{"on", f["on"]}, {"kind", "restart"}, {"target", server}, {"delay_ms", later_ms}});
  }
  for (std::size_t k = 1; k < out.size(); ++k) bound_trigger(out[k], w);
  return out;
}

}  // namespace

std::optional<std::vector<std::uint32_t>> features_from_hex(std::string_view hex) {
  if (hex.size() % 8 != 0) return std::nullopt;
  std::vector<std::uint32_t> out;
  out.reserve(hex.size() / 8);
  for (std::size_t i = 0; i < hex.size(); i += 8) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 8; ++k) {
      const char c = hex[i + k];
      if (c >= '0' && c <= '9') {
        v = v << 4 | static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v = v << 4 | static_cast<std::uint32_t>(c - 'a' + 10);
      } else {
        return std::nullopt;
      }
    }
    out.push_back(v);
  }
  return out;
}

std::string features_to_hex(const std::vector<std::uint32_t>& features) {
  // By hand, not fmt: every run's line carries a few thousand of them.
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(features.size() * 8, '0');
  for (std::size_t i = 0; i < features.size(); ++i) {
    for (std::size_t k = 0; k < 8; ++k) out[i * 8 + k] = kDigits[(features[i] >> (28 - 4 * k)) & 0xf];
  }
  return out;
}

Steering::Steering(CampaignSpec spec, std::string sync_dir, std::uint32_t shard)
    : spec_(std::move(spec)), sync_dir_(std::move(sync_dir)), shard_(shard), bits_((std::uint64_t{1} << kBits) / 64, 0) {
  std::error_code ec;  // checked by the command (make_output_dir); sharing is best effort after that
  if (!sync_dir_.empty()) std::filesystem::create_directories(std::filesystem::path(sync_dir_) / fmt::format("shard-{}", shard_), ec);
}

bool Steering::ready(std::uint64_t k, std::uint64_t folded) {
  const std::uint64_t batch = k / kSteerBatch;
  return batch < 2 || folded >= (batch - 1) * kSteerBatch;
}

bool Steering::add_features(const std::vector<std::uint32_t>& features, std::size_t& fresh) {
  fresh = 0;
  for (std::uint32_t f : features) {
    const std::uint32_t bit = f >> (32 - kBits);
    std::uint64_t& word = bits_[bit / 64];
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if ((word & mask) != 0) continue;
    word |= mask;
    ++fresh;
  }
  features_ += fresh;
  return fresh > 0;
}

std::vector<std::uint32_t> Steering::feature_list() const {
  std::vector<std::uint32_t> out;
  for (std::size_t w = 0; w < bits_.size(); ++w) {
    for (std::uint64_t word = bits_[w]; word != 0; word &= word - 1) {
      const auto bit = static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(word)));
      out.push_back(bit << (32 - kBits));
    }
  }
  return out;
}

std::size_t Steering::fold(std::uint64_t position, std::uint64_t index, const std::vector<std::uint32_t>& features,
                           const std::function<std::pair<json, std::string>()>& schedule, const json& milestones) {
  std::size_t fresh = 0;
  if (!add_features(features, fresh) || !spec_.steer) return fresh;
  auto [scenario, profile] = schedule();
  Entry e{.position = position,
          .index = index,
          .servers = scenario["cluster"]["servers"].get<std::uint32_t>(),
          .profile = profile,
          .scenario = scenario,
          .milestones = milestones};
  if (!sync_dir_.empty()) {
    const json out = {{"index", index}, {"profile", profile}, {"scenario", scenario}, {"milestones", milestones},
                      {"features", features_to_hex(features)}};
    const auto dir = std::filesystem::path(sync_dir_) / fmt::format("shard-{}", shard_);
    const auto name = fmt::format("entry-{:012}.json", position);
    // Written under a temporary name and renamed: a reader never sees half a file. Sharing is
    // best effort: a file that cannot be written leaves this shard's own corpus as it is.
    std::ofstream(dir / (name + ".tmp")) << out.dump() << "\n";
    std::error_code ec;
    std::filesystem::rename(dir / (name + ".tmp"), dir / name, ec);
  }
  corpus_.push_back(std::move(e));
  ++joined_;
  if (corpus_.size() > kCorpusMax) corpus_.pop_front();
  return fresh;
}

void Steering::import_synced(std::uint64_t position) {
  if (sync_dir_.empty() || !spec_.steer) return;
  // A directory that cannot be read now (another shard removing it, a permission) is read at the
  // next boundary: error codes, not exceptions.
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator shards(sync_dir_, ec), end; !ec && shards != end; shards.increment(ec)) {
    std::error_code dir_ec;
    if (!shards->is_directory(dir_ec) || shards->path().filename() == fmt::format("shard-{}", shard_)) continue;
    for (std::filesystem::directory_iterator f(shards->path(), dir_ec); !dir_ec && f != end; f.increment(dir_ec)) {
      if (f->path().extension() == ".json") files.push_back(f->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    if (std::binary_search(synced_files_seen_.begin(), synced_files_seen_.end(), path)) continue;
    synced_files_seen_.insert(std::upper_bound(synced_files_seen_.begin(), synced_files_seen_.end(), path), path);
    // Another shard's file that does not parse (the project's strict reader: bounded size and
    // depth) is skipped, not trusted: it is that shard's to fix.
    std::string why;
    json_input::JsonError json_error;
    const auto text = json_input::read_file(path, why);
    const auto parsed = text ? json_input::parse<json>(*text, json_error) : std::nullopt;
    if (!parsed) continue;
    const json& entry = *parsed;
    if (!entry.is_object() || !entry.contains("scenario") || !entry.contains("features") ||
        !steerable(entry["scenario"]) ||
        std::holds_alternative<sim::ScenarioError>(sim::parse_scenario(entry["scenario"].dump(), path))) {
      continue;
    }
    std::size_t fresh = 0;
    const auto features = entry["features"].is_string() ? features_from_hex(entry["features"].get<std::string>()) : std::nullopt;
    if (!features || !add_features(*features, fresh)) continue;
    corpus_.push_back(Entry{.position = position,
                            .index = entry.contains("index") && entry["index"].is_number_unsigned()
                                         ? entry["index"].get<std::uint64_t>()
                                         : std::uint64_t{0},
                            .servers = entry["scenario"]["cluster"]["servers"].get<std::uint32_t>(),
                            .profile = entry.contains("profile") && entry["profile"].is_string()
                                           ? entry["profile"].get<std::string>()
                                           : std::string("synced"),
                            .scenario = entry["scenario"],
                            .milestones = well_formed_milestones(entry.value("milestones", json::array()))});
    ++joined_;
    if (corpus_.size() > kCorpusMax) corpus_.pop_front();
    ++imported_;
  }
}

std::optional<DerivedRun> Steering::derive(std::uint64_t position, std::uint64_t index) const {
  Draw d(sim::Rng(spec_.seed).fork("fuzz/steer").fork(index));
  if (d.chance(kFreshShare)) return std::nullopt;
  for (std::uint64_t attempt = 0; attempt < 8; ++attempt) {
    if (auto derived = try_derive(position, index, attempt)) return derived;
  }
  return std::nullopt;
}

std::optional<DerivedRun> Steering::try_derive(std::uint64_t position, std::uint64_t index, std::uint64_t attempt) const {
  // The corpus this position may see: entries that joined before its batch's limit.
  const std::uint64_t batch = position / kSteerBatch;
  const std::uint64_t limit = batch < 2 ? 0 : (batch - 1) * kSteerBatch;
  const auto visible = static_cast<std::size_t>(
      std::partition_point(corpus_.begin(), corpus_.end(), [&](const Entry& e) { return e.position < limit; }) - corpus_.begin());
  if (visible == 0) return std::nullopt;
  Draw d(sim::Rng(spec_.seed).fork("fuzz/steer/derive").fork(index).fork(attempt));
  const std::size_t pick = d.chance(0.5) ? visible - 1 - static_cast<std::size_t>(d.below(std::min<std::uint64_t>(visible, kRecentEntries)))
                                         : static_cast<std::size_t>(d.below(visible));
  const Entry& parent = corpus_[pick];
  DerivedRun out;
  out.parent = parent.index;
  out.profile = parent.profile;
  out.scenario = parent.scenario;
  json& doc = out.scenario;
  const Window w = window_of(doc);
  const std::vector<json> milestones = usable_milestones(parent.milestones, w);
  const std::int64_t steps = 1 + (d.chance(0.5) ? d.range(1, 3) : 0);
  for (std::int64_t s = 0; s < steps; ++s) {
    json& faults = doc["faults"];
    switch (d.weighted({3, 2, 2, 2, 3, 3, 1, 1, 5})) {
      case 0: {  // shift a fault's time
        const auto all = editable_faults(doc, w);
        if (all.empty()) break;
        json& f = faults[d.pick(all)];
        const std::int64_t by = d.range(-10 * w.tick_ms, 10 * w.tick_ms);
        if (f.contains("on")) {
          f["on"]["after_ms"] = number(f["on"], "after_ms", 0) + by;
          bound_trigger(f, w);
        } else {
          f["at_ms"] = std::clamp(f["at_ms"].get<std::int64_t>() + by, w.from_ms, w.last_ms());
        }
        out.mutations.push_back("shift");
        break;
      }
      case 1: {  // retarget a crash, restart or hang
        std::vector<std::size_t> crashes;
        for (std::size_t i : editable_faults(doc, w)) {
          if (crash_like(faults[i])) crashes.push_back(i);
        }
        if (crashes.empty()) break;
        faults[d.pick(crashes)]["target"] = target_draw(d, w);
        out.mutations.push_back("retarget");
        break;
      }
      case 2: {  // remove a fault
        const auto all = editable_faults(doc, w);
        if (all.size() < 2) break;
        faults.erase(d.pick(all));
        out.mutations.push_back("remove");
        break;
      }
      case 3: {  // splice in a fault of another schedule of the same cluster size
        std::vector<std::size_t> donors;
        for (std::size_t i = 0; i < visible; ++i) {
          if (i != pick && corpus_[i].servers == parent.servers) donors.push_back(i);
        }
        json donor_doc;
        if (donors.empty() || d.chance(0.3)) {  // or from a fresh schedule
          donor_doc = generate_run(spec_, index ^ (std::uint64_t{1} << 63) ^ static_cast<std::uint64_t>(s)).scenario;
          if (donor_doc["cluster"]["servers"] != doc["cluster"]["servers"]) break;
        } else {
          donor_doc = corpus_[d.pick(donors)].scenario;
        }
        const Window dw = window_of(donor_doc);
        const auto theirs = editable_faults(donor_doc, dw);
        if (theirs.empty()) break;
        json f = donor_doc["faults"][d.pick(theirs)];
        if (f.contains("on")) {
          bound_trigger(f, w);
        } else {
          f["at_ms"] = std::clamp(f["at_ms"].get<std::int64_t>(), w.from_ms, w.last_ms());
        }
        faults.insert(faults.begin(), f);
        out.mutations.push_back("splice");
        break;
      }
      case 4: {  // a timed fault becomes a trigger on a protocol step the parent took near its time
        const auto timed = editable_faults(doc, w, /*timed_only=*/true);
        if (timed.empty() || milestones.empty()) break;
        json& f = faults[d.pick(timed)];
        const std::int64_t t = f["at_ms"].get<std::int64_t>();
        std::vector<json> near;
        for (const json& m : milestones) {
          if (std::abs(m[0].get<std::int64_t>() - t) <= 20 * w.tick_ms) near.push_back(m);
        }
        const json& m = pick_milestone(d, near.empty() ? milestones : near);
        f.erase("at_ms");
        f["on"] = {{"event", m[2]}, {"server", m[1]}, {"after_ms", m[0]}};
        if (d.chance(0.3)) f["delay_ms"] = d.range(0, 2 * w.tick_ms);
        if (crash_like(f) && d.chance(0.5)) f["target"] = m[1];
        bound_trigger(f, w);
        out.mutations.push_back("to-trigger");
        break;
      }
      case 5: {  // move a trigger one step: the next or previous such event, its count, its delay
        const auto triggered = editable_faults(doc, w, false, /*triggered_only=*/true);
        if (triggered.empty()) break;
        json& f = faults[d.pick(triggered)];
        json& on = f["on"];
        switch (d.weighted({3, 2, 2})) {
          case 0: {
            const std::int64_t after = number(on, "after_ms", 0);
            const bool forward = d.chance(0.6);
            std::optional<std::int64_t> to;
            for (const json& m : milestones) {
              if (m[2] != on.value("event", std::string())) continue;
              const auto at = m[0].get<std::int64_t>();
              if (forward && at > after && (!to || at < *to)) to = at;
              if (!forward && at < after && (!to || at > *to)) to = at;
            }
            if (!to) break;
            on["after_ms"] = *to;
            break;
          }
          case 1: on["count"] = std::max<std::int64_t>(1, number(on, "count", 1) + (d.chance(0.5) ? 1 : -1)); break;
          case 2: f["delay_ms"] = std::clamp<std::int64_t>(number(f, "delay_ms", 0) + d.range(-w.tick_ms, w.tick_ms), 0, 2 * w.tick_ms); break;
        }
        bound_trigger(f, w);
        out.mutations.push_back("step");
        break;
      }
      case 6: {  // a chain: another crash on the same trigger, of the leader or of a server
        const auto triggered = editable_faults(doc, w, false, /*triggered_only=*/true);
        if (triggered.empty()) break;
        json c = {{"on", faults[d.pick(triggered)]["on"]}, {"kind", "crash"}, {"target", target_draw(d, w)}};
        c["delay_ms"] = d.range(0, 2 * w.tick_ms);
        bound_trigger(c, w);
        faults.insert(faults.begin(), c);
        out.mutations.push_back("chain");
        break;
      }
      case 7: {  // the same schedule in another world: message and disk timings drawn anew
        doc["seed"] = sim::Rng(spec_.seed).fork("fuzz/steer/seed").fork(index).next_u64() >> 1;
        out.mutations.push_back("reseed");
        break;
      }
      case 8: {  // a fault aimed at one learner, right at one of its steps in the parent's run
        std::vector<json> steps;
        for (const json& m : milestones) {
          if (learner_step(m[2].get<std::string>())) steps.push_back(m);
        }
        if (steps.empty()) break;
        for (json& f : aimed_faults(d, w, pick_milestone(d, steps))) faults.insert(faults.begin(), std::move(f));
        out.mutations.push_back("aim");
        break;
      }
    }
  }
  if (out.mutations.empty()) return std::nullopt;
  doc["name"] = fmt::format("fuzz campaign {} run {}", spec_.seed, index);
  // The generator's description of the first schedule in the line of descent, after what the
  // steering did last.
  std::string base = parent.scenario.value("description", std::string());
  if (const auto generated = base.find("Generated by"); generated != std::string::npos) base = base.substr(generated);
  doc["description"] = fmt::format("Derived by zabsim fuzz's steering from run {} ({}). {}", parent.index,
                                   fmt::join(out.mutations, ", "), base);
  // A derived schedule must be a valid scenario (a worker treats a bad one as a generator bug).
  if (std::holds_alternative<sim::ScenarioError>(sim::parse_scenario(doc.dump(), "derived"))) return std::nullopt;
  return out;
}

}  // namespace zab::fuzz
