#include "sim/trace.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "protocol/assert.h"
#include "sim/hash.h"

namespace zab::sim {

namespace {

struct WorldKindInfo {
  TraceKind kind;
  const char* name;
  const char* fields[4];  // names of a, b, c, d ("" = unused)
};

// The JSON names of world events and their fields; the canonical hash does not use them.
constexpr WorldKindInfo kWorldKinds[] = {
    {TraceKind::kProcessStart, "process_start", {"incarnation", "durable_files", "durable_bytes", ""}},
    {TraceKind::kCrash, "crash", {"incarnation", "disk_ops_lost", "torn_bytes_kept", ""}},
    {TraceKind::kHang, "hang", {"", "", "", ""}},
    {TraceKind::kResume, "resume", {"held_inputs", "", "", ""}},
    {TraceKind::kClockDrift, "clock_drift", {"drift_ppm", "", "", ""}},
    {TraceKind::kClockStep, "clock_step", {"step_ns", "", "", ""}},
    {TraceKind::kConnect, "connect", {"tag", "peer", "port", ""}},
    {TraceKind::kConnectionUp, "connection_up", {"conn", "peer", "initiated", "tag"}},
    {TraceKind::kConnectFailed, "connect_failed", {"tag", "peer", "reason", ""}},
    {TraceKind::kClose, "close", {"conn", "peer", "", ""}},
    {TraceKind::kConnectionDown, "connection_down", {"conn", "peer", "", ""}},
    {TraceKind::kConnectionReset, "connection_reset", {"conn", "peer", "", ""}},
    {TraceKind::kSend, "send", {"conn", "peer", "bytes", "payload_hash"}},
    {TraceKind::kDeliver, "deliver", {"conn", "peer", "bytes", "payload_hash"}},
    {TraceKind::kDrop, "drop", {"conn", "peer", "bytes", "payload_hash"}},
    {TraceKind::kDuplicate, "duplicate", {"conn", "peer", "bytes", "payload_hash"}},
    {TraceKind::kReorder, "reorder", {"conn", "peer", "bytes", "payload_hash"}},
    {TraceKind::kTimerFired, "timer", {"timer", "", "", ""}},
    {TraceKind::kAppend, "append", {"file", "bytes", "content_hash", ""}},
    {TraceKind::kWriteFile, "write_file", {"file", "bytes", "content_hash", ""}},
    {TraceKind::kTruncate, "truncate", {"file", "size", "", ""}},
    {TraceKind::kRename, "rename", {"file", "to", "", ""}},
    {TraceKind::kRemove, "remove", {"file", "", "", ""}},
    {TraceKind::kFsync, "fsync", {"file", "tag", "", ""}},
    {TraceKind::kFsyncDone, "fsync_done", {"file", "tag", "", ""}},
    {TraceKind::kCorrupt, "corrupt", {"file", "offset", "", ""}},
    {TraceKind::kWriteback, "writeback", {"ops", "", "", ""}},
    {TraceKind::kLinkCut, "link_cut", {"from", "to", "", ""}},
    {TraceKind::kLinkHeal, "link_heal", {"from", "to", "", ""}},
    {TraceKind::kLinkSlow, "link_slow", {"from", "to", "factor_percent", ""}},
    {TraceKind::kTimeStoodStill, "time_stood_still", {"events", "", "", ""}},
    {TraceKind::kProtocol, "protocol", {"a", "b", "c", "d"}},
    {TraceKind::kNote, "note", {"a", "b", "c", "d"}},
};

const WorldKindInfo* find_world_kind(TraceKind kind) {
  for (const auto& info : kWorldKinds) {
    if (info.kind == kind) return &info;
  }
  return nullptr;
}

bool is_file_field(TraceKind kind, int field) {
  switch (kind) {
    case TraceKind::kAppend:
    case TraceKind::kWriteFile:
    case TraceKind::kTruncate:
    case TraceKind::kRemove:
    case TraceKind::kFsync:
    case TraceKind::kFsyncDone:
    case TraceKind::kCorrupt:
      return field == 0;
    case TraceKind::kRename:
      return field == 0 || field == 1;
    default:
      return false;
  }
}

bool is_process_field(TraceKind kind, int field) {
  switch (kind) {
    case TraceKind::kConnect:
    case TraceKind::kConnectionUp:
    case TraceKind::kConnectFailed:
    case TraceKind::kClose:
    case TraceKind::kConnectionDown:
    case TraceKind::kConnectionReset:
    case TraceKind::kSend:
    case TraceKind::kDeliver:
    case TraceKind::kDrop:
    case TraceKind::kDuplicate:
    case TraceKind::kReorder:
      return field == 1;
    case TraceKind::kLinkCut:
    case TraceKind::kLinkHeal:
    case TraceKind::kLinkSlow:
      return field == 0 || field == 1;
    default:
      return false;
  }
}

bool is_signed_field(TraceKind kind, int field) {
  return field == 0 && (kind == TraceKind::kClockDrift || kind == TraceKind::kClockStep);
}

}  // namespace

std::vector<EventKindInfo> world_event_kinds() {
  std::vector<EventKindInfo> result;
  for (const auto& info : kWorldKinds) {
    if (info.kind == TraceKind::kProtocol || info.kind == TraceKind::kNote) continue;
    EventKindInfo k{.kind = info.kind, .name = info.name};
    for (int i = 0; i < 4; ++i) k.fields[i] = info.fields[i];
    result.push_back(std::move(k));
  }
  return result;
}

std::vector<EventKindInfo> protocol_event_kinds(std::span<const TraceKindInfo> kinds) {
  std::vector<EventKindInfo> result;
  for (const auto& info : kinds) {
    EventKindInfo k{.kind = TraceKind::kProtocol, .sub = info.kind, .name = info.name};
    for (int i = 0; i < 4; ++i) k.fields[i] = info.field_names[i];
    result.push_back(std::move(k));
  }
  return result;
}

const char* trace_kind_name(TraceKind kind) {
  const WorldKindInfo* info = find_world_kind(kind);
  return info != nullptr ? info->name : "unknown";
}

void Trace::record(const TraceEvent& event, std::string_view detail) {
  std::uint64_t h = hash_;
  h = hash_combine(h, static_cast<std::uint64_t>(event.time.ns()));
  h = hash_combine(h, event.process);
  h = hash_combine(h, static_cast<std::uint64_t>(event.kind));
  h = hash_combine(h, event.sub);
  h = hash_combine(h, event.a);
  h = hash_combine(h, event.b);
  h = hash_combine(h, event.c);
  h = hash_combine(h, event.d);
  hash_ = h;
  ++count_;
  if (count_ % kCheckpointEvents == 0) checkpoints_.push_back(h);
  if (keep_events_) events_.push_back(event);
  if (observer_) observer_(event);
  if (jsonl_ != nullptr) {
    *jsonl_ << to_json(event, detail) << '\n';
  }
}

std::uint64_t Trace::intern(std::string_view s) {
  auto it = string_ids_.find(s);
  if (it != string_ids_.end()) return it->second;
  const std::uint64_t id = strings_.size();
  strings_.emplace_back(s);
  string_ids_.emplace(std::string(s), id);
  hash_ = hash_combine(hash_combine(hash_, id), hash_string(s));
  return id;
}

const std::string& Trace::interned(std::uint64_t id) const {
  ZAB_ASSERT(id < strings_.size(), "an interned string id must have been issued by intern()");
  return strings_[id];
}

void Trace::set_process_name(std::uint32_t process, std::string name) {
  process_names_[process] = std::move(name);
}

void Trace::add_protocol_kinds(std::span<const TraceKindInfo> kinds) {
  for (const auto& k : kinds) protocol_kinds_[k.kind] = k;
}

std::string Trace::process_name(std::uint32_t process) const {
  auto it = process_names_.find(process);
  if (it != process_names_.end()) return it->second;
  return process == 0 ? std::string("world") : fmt::format("p{}", process);
}

std::string Trace::to_json(const TraceEvent& e, std::string_view detail) const {
  nlohmann::ordered_json j;
  j["t_ns"] = e.time.ns();
  j["process"] = process_name(e.process);
  const std::uint64_t fields[4] = {e.a, e.b, e.c, e.d};
  if (e.kind == TraceKind::kProtocol) {
    auto it = protocol_kinds_.find(e.sub);
    if (it != protocol_kinds_.end()) {
      j["kind"] = it->second.name;
      for (int i = 0; i < 4; ++i) {
        if (it->second.field_names[i][0] != '\0') j[it->second.field_names[i]] = fields[i];
      }
    } else {
      j["kind"] = fmt::format("protocol_{}", e.sub);
      for (int i = 0; i < 4; ++i) j[std::string(1, static_cast<char>('a' + i))] = fields[i];
    }
  } else {
    const WorldKindInfo* info = find_world_kind(e.kind);
    ZAB_ASSERT(info != nullptr, "every world trace kind has an entry in kWorldKinds");
    j["kind"] = info->name;
    if (e.sub != 0) j["sub"] = e.sub;
    for (int i = 0; i < 4; ++i) {
      if (info->fields[i][0] == '\0') continue;
      if (is_file_field(e.kind, i)) {
        j[info->fields[i]] = interned(fields[i]);
      } else if (is_process_field(e.kind, i)) {
        j[info->fields[i]] = process_name(static_cast<std::uint32_t>(fields[i]));
      } else if (is_signed_field(e.kind, i)) {
        j[info->fields[i]] = static_cast<std::int64_t>(fields[i]);
      } else {
        j[info->fields[i]] = fields[i];
      }
    }
  }
  if (!detail.empty()) j["detail"] = detail;
  return j.dump();
}

}  // namespace zab::sim
