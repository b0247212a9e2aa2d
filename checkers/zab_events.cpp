#include "checkers/zab_events.h"

#include <fmt/format.h>

#include <cctype>

namespace zab::check {

namespace {

// The JSON names of the kinds kept, and of their a..d fields ("" = unused). Protocol names
// are protocol/zab_trace.cpp's; a round-trip test pins the two adapters to each other.
struct KindName {
  const char* name;
  Ev kind;
  bool protocol;
  const char* fields[4];
};

constexpr KindName kKinds[] = {
    {"process_start", Ev::kStart, false, {"incarnation", "", "", ""}},
    {"crash", Ev::kCrash, false, {"incarnation", "disk_ops_lost", "", ""}},
    {"hang", Ev::kHang, false, {"", "", "", ""}},
    {"resume", Ev::kResume, false, {"", "", "", ""}},
    {"link_cut", Ev::kLinkCut, false, {"from", "to", "", ""}},
    {"link_heal", Ev::kLinkHeal, false, {"from", "to", "", ""}},
    {"time_stood_still", Ev::kTimeStoodStill, false, {"events", "", "", ""}},
    {"fsync", Ev::kFsync, false, {"", "tag", "", ""}},
    {"fsync_done", Ev::kFsyncDone, false, {"", "tag", "", ""}},
    {"peer_state", Ev::kPeerState, true, {"state", "leader", "current_epoch", ""}},
    {"accepted_epoch", Ev::kAcceptedEpoch, true, {"epoch", "", "", ""}},
    {"current_epoch", Ev::kCurrentEpoch, true, {"epoch", "", "", ""}},
    {"proposed", Ev::kProposed, true, {"zxid", "txn_hash", "", ""}},
    {"logged", Ev::kLogged, true, {"zxid", "txn_hash", "", ""}},
    {"committed", Ev::kCommitted, true, {"zxid", "quorum", "", ""}},
    {"applied", Ev::kApplied, true, {"zxid", "txn_hash", "committed_log", "source"}},
    {"truncated", Ev::kTruncated, true, {"zxid", "", "", ""}},
    {"snapshot_loaded", Ev::kSnapshotLoaded, true, {"zxid", "", "", ""}},
    {"sync_chosen", Ev::kSyncChosen, true, {"learner", "mode", "peer_zxid", "forward_from"}},
    {"leader_established", Ev::kLeaderEstablished, true, {"epoch", "", "", ""}},
    {"leader_shutdown", Ev::kLeaderShutdown, true, {"reason", "", "", ""}},
    {"follower_synced", Ev::kFollowerSynced, true, {"leader", "epoch", "", ""}},
    {"newleader_acked", Ev::kNewLeaderAcked, true, {"epoch", "", "", ""}},
    {"follower_exit", Ev::kFollowerExit, true, {"reason", "", "", ""}},
    {"startup_refused", Ev::kStartupRefused, true, {"reason", "", "", ""}},
    {"restored", Ev::kRestored, true, {"last_zxid", "snapshot_zxid", "current_epoch", "accepted_epoch"}},
    {"tree_reset", Ev::kTreeReset, true, {"zxid", "", "", ""}},
    {"replayed", Ev::kReplayed, true, {"zxid", "txn_hash", "", ""}},
};

bool is_process_field(Ev kind, int field) {
  return (kind == Ev::kLinkCut || kind == Ev::kLinkHeal) && (field == 0 || field == 1);
}

class ProcessIds {
 public:
  std::uint32_t id(const std::string& name) {
    if (name == "world") return 0;
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    std::uint32_t id = parse(name);
    if (id == 0) id = next_other_++;
    ids_.emplace(name, id);
    return id;
  }

 private:
  // "s3" -> 3: letters then at least one digit, the digits fitting below 2^31.
  static std::uint32_t parse(const std::string& name) {
    std::size_t i = 0;
    while (i < name.size() && std::isalpha(static_cast<unsigned char>(name[i]))) ++i;
    if (i == 0 || i == name.size() || name.size() - i > 9) return 0;
    std::uint64_t v = 0;
    for (std::size_t j = i; j < name.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(name[j]))) return 0;
      v = v * 10 + static_cast<std::uint64_t>(name[j] - '0');
    }
    return v > 0 && v < (1u << 31) ? static_cast<std::uint32_t>(v) : 0;
  }

  std::map<std::string, std::uint32_t> ids_;
  std::uint32_t next_other_ = (1u << 31) + 1;
};

}  // namespace

std::string ZabRun::name(std::uint32_t process) const {
  auto it = names.find(process);
  if (it != names.end()) return it->second;
  return process == 0 ? "world" : fmt::format("p{}", process);
}

std::string zxid_text(std::uint64_t zxid) { return fmt::format("<{},{}>", zxid_epoch(zxid), zxid_counter(zxid)); }

std::string time_text(std::int64_t t_ns) {
  const std::int64_t us = t_ns / 1000;
  return fmt::format("{}.{:06d} s", us / 1'000'000, us % 1'000'000);
}

bool from_trace_records(const std::vector<TraceRecord>& records, ZabRun& run, std::string& error) {
  ProcessIds ids;
  for (const TraceRecord& r : records) {
    run.end_ns = std::max(run.end_ns, r.t_ns);
    const KindName* kind = nullptr;
    for (const auto& k : kKinds) {
      if (r.kind == k.name) kind = &k;
    }
    if (kind == nullptr) continue;
    ZabEvent e;
    e.t_ns = r.t_ns;
    e.server = ids.id(r.process);
    e.kind = kind->kind;
    run.names[e.server] = r.process;
    std::uint64_t* out[4] = {&e.a, &e.b, &e.c, &e.d};
    for (int i = 0; i < 4; ++i) {
      const char* field = kind->fields[i];
      if (field[0] == '\0') continue;
      const auto it = r.fields.find(field);
      if (it == r.fields.end()) {
        // An older trace without a field the checkers added later reads as 0.
        continue;
      }
      if (is_process_field(kind->kind, i)) {
        if (!it->is_string()) {
          error = fmt::format("line {}: '{}' must be a process name", r.line, field);
          return false;
        }
        const std::string peer = it->get<std::string>();
        *out[i] = ids.id(peer);
        run.names[static_cast<std::uint32_t>(*out[i])] = peer;
      } else {
        if (!it->is_number_unsigned() && !it->is_number_integer()) {
          error = fmt::format("line {}: '{}' must be an integer", r.line, field);
          return false;
        }
        *out[i] = it->get<std::uint64_t>();
      }
    }
    if (kind->protocol) run.servers.insert(e.server);
    run.events.push_back(e);
  }
  return true;
}

}  // namespace zab::check
