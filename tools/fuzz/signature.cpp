#include "tools/fuzz/signature.h"

#include <algorithm>
#include <array>

#include "protocol/base/assert.h"
#include "protocol/events/events.h"

namespace zab::fuzz {

namespace {

// splitmix64's finaliser, folded to 32 bits: the features are hashes of small tuples.
std::uint32_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<std::uint32_t>(x ^ (x >> 32));
}

std::uint32_t feature(std::uint64_t family, std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) {
  return mix((family << 56) ^ mix(a) ^ (static_cast<std::uint64_t>(mix(b)) << 32) ^ mix(c * 0x9e3779b97f4a7c15ULL + 1));
}

// The features of one run, deduplicated as they come: a run records 10^4 events and so a few
// times that many candidate features, of which a few thousand differ. An open-addressing table
// (linear probing, grown at half full) keeps the distinct ones; sorting happens once, at the end.
class FeatureSet {
 public:
  FeatureSet() : slots_(kInitialSlots, kEmpty) {}
  void insert(std::uint32_t f) {
    if (f == kEmpty) {
      has_empty_value_ = true;
      return;
    }
    if (2 * (size_ + 1) > slots_.size()) grow();
    place(f);
  }
  std::vector<std::uint32_t> sorted() const {
    std::vector<std::uint32_t> out;
    out.reserve(size_ + 1);
    for (std::uint32_t v : slots_) {
      if (v != kEmpty) out.push_back(v);
    }
    if (has_empty_value_) out.push_back(kEmpty);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  static constexpr std::uint32_t kEmpty = 0;  // the value 0 itself is kept aside
  static constexpr std::size_t kInitialSlots = 8192;
  void place(std::uint32_t f) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = (f * 0x9e3779b1u) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == f) return;
      if (slots_[i] == kEmpty) {
        slots_[i] = f;
        ++size_;
        return;
      }
    }
  }
  void grow() {
    std::vector<std::uint32_t> old(slots_.size() * 2, kEmpty);
    old.swap(slots_);
    size_ = 0;
    for (std::uint32_t v : old) {
      if (v != kEmpty) place(v);
    }
  }
  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
  bool has_empty_value_ = false;
};

enum Role : std::uint64_t { kDown = 0, kLooking = 1, kFollowing = 2, kLeading = 3, kObserving = 4 };

// An event's key: kind, sub and the one field that tells its cases apart.
std::uint64_t key_of(const sim::TraceEvent& e) {
  std::uint64_t discriminator = 0;
  if (const auto p = sim::event_as<ev::PeerState>(e)) discriminator = static_cast<std::uint64_t>(p->state) + 1;
  if (const auto s = sim::event_as<ev::SyncChosen>(e)) discriminator = static_cast<std::uint64_t>(s->mode) + 1;
  if (const auto c = sim::event_as<ev::Coverage>(e)) discriminator = static_cast<std::uint64_t>(c->mark);
  return (static_cast<std::uint64_t>(e.kind) << 48) | (static_cast<std::uint64_t>(e.sub) << 32) | discriminator;
}

// The server events a trigger may name, with their names.
const char* milestone_name(const sim::TraceEvent& e) {
  if (e.kind != sim::TraceKind::kProtocol) return nullptr;
  switch (e.sub) {
    case ev::PeerState::kCode: return ev::PeerState::kName;
    case ev::AcceptedEpoch::kCode: return ev::AcceptedEpoch::kName;
    case ev::CurrentEpoch::kCode: return ev::CurrentEpoch::kName;
    case ev::Truncated::kCode: return ev::Truncated::kName;
    case ev::SnapshotWritten::kCode: return ev::SnapshotWritten::kName;
    case ev::SnapshotLoaded::kCode: return ev::SnapshotLoaded::kName;
    case ev::SyncChosen::kCode: return ev::SyncChosen::kName;
    case ev::LeaderEstablished::kCode: return ev::LeaderEstablished::kName;
    case ev::LeaderShutdown::kCode: return ev::LeaderShutdown::kName;
    case ev::FollowerSynced::kCode: return ev::FollowerSynced::kName;
    case ev::NewLeaderAcked::kCode: return ev::NewLeaderAcked::kName;
    case ev::FollowerExit::kCode: return ev::FollowerExit::kName;
    case ev::EpochAgreed::kCode: return ev::EpochAgreed::kName;
    case ev::LearnerDropped::kCode: return ev::LearnerDropped::kName;
    case ev::TreeReset::kCode: return ev::TreeReset::kName;
    default: return nullptr;
  }
}

std::uint64_t log2_bucket(std::uint64_t n) {
  std::uint64_t b = 0;
  while (n > 1) {
    n >>= 1;
    ++b;
  }
  return b;
}

}  // namespace

Signature signature_of(const std::vector<sim::TraceEvent>& events, std::uint32_t servers) {
  ZAB_ASSERT(servers >= 1 && servers < 100, "servers are processes 1..servers, below the clients' addresses");
  struct ServerState {
    std::uint64_t role = kDown;
    std::uint64_t last_key = 0;
    std::uint64_t last_protocol_key = 0;
  };
  std::vector<ServerState> at(servers + 1);
  FeatureSet features;
  std::array<std::uint64_t, static_cast<std::size_t>(CoverageMark::kCount)> marks{};
  Signature sig;
  for (const sim::TraceEvent& e : events) {
    if (e.process < 1 || e.process > servers) continue;
    ServerState& s = at[e.process];
    const std::uint64_t key = key_of(e);
    if (e.kind == sim::TraceKind::kCrash || e.kind == sim::TraceKind::kHang) {
      features.insert(feature(3, key, s.role, s.last_protocol_key));
    }
    if (key != s.last_key) {
      features.insert(feature(1, s.role, key));
      features.insert(feature(2, s.role, s.last_key, key));
      s.last_key = key;
    }
    if (e.kind == sim::TraceKind::kProtocol) s.last_protocol_key = key;
    if (const auto p = sim::event_as<ev::PeerState>(e)) s.role = static_cast<std::uint64_t>(p->state) + 1;
    if (e.kind == sim::TraceKind::kCrash) s.role = kDown;
    if (e.kind == sim::TraceKind::kProcessStart) s.role = kLooking;
    if (const auto c = sim::event_as<ev::Coverage>(e)) {
      const auto m = static_cast<std::size_t>(c->mark);
      ZAB_ASSERT(m < marks.size(), "a coverage mark is below CoverageMark::kCount");
      ++marks[m];
    }
    if (const char* name = milestone_name(e); name != nullptr && sig.milestones.size() < kMilestonesMax) {
      sig.milestones.push_back(Milestone{.at_ms = e.time.ns() / 1'000'000, .server = e.process, .event = name});
    }
  }
  for (std::size_t m = 0; m < marks.size(); ++m) {
    if (marks[m] > 0) features.insert(feature(4, m, log2_bucket(marks[m])));
  }
  sig.features = features.sorted();
  return sig;
}

nlohmann::ordered_json milestones_to_json(const std::vector<Milestone>& milestones) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Milestone& m : milestones) out.push_back(nlohmann::ordered_json::array({m.at_ms, m.server, m.event}));
  return out;
}

}  // namespace zab::fuzz
