#include "sim/trace.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "protocol/base/assert.h"
#include "sim/hash.h"

namespace zab::sim {

// The JSON names of world events and their fields come from their types
// (protocol/events/world_events.h); the canonical hash does not use them.
std::vector<EventKindInfo> world_event_kinds() {
  std::vector<EventKindInfo> result;
  ev::for_each_type<ev::WorldEvent>([&](auto event) {
    using E = decltype(event);
    EventKindInfo k{.kind = static_cast<TraceKind>(E::kCode), .name = E::kName};
    const auto names = ev::field_names<E>();
    for (int i = 0; i < 4; ++i) k.fields[i] = names[i];
    result.push_back(std::move(k));
  });
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
  if (kind == TraceKind::kProtocol) return "protocol";
  if (kind == TraceKind::kNote) return "note";
  const char* name = "unknown";
  ev::for_each_type<ev::WorldEvent>([&](auto event) {
    using E = decltype(event);
    if (static_cast<TraceKind>(E::kCode) == kind) name = E::kName;
  });
  return name;
}

std::optional<std::uint64_t> field_word(const TraceEvent& e, std::string_view name) {
  const ev::Words words{e.a, e.b, e.c, e.d};
  std::optional<std::uint64_t> word;
  auto find = [&](const auto& event) {
    ev::for_each_field(event, [&](std::size_t, const char* field, const auto& v) {
      if (field == name) word = ev::to_word(v);
    });
  };
  if (e.kind == TraceKind::kProtocol) {
    if (const auto event = ev::decode<ev::ServerEvent>(e.sub, words)) std::visit(find, *event);
  } else if (e.kind != TraceKind::kNote) {
    if (const auto event = ev::decode<ev::WorldEvent>(static_cast<std::uint16_t>(e.kind), words)) {
      std::visit(find, *event);
    }
  }
  return word;
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
  // A field as its type reads: a process or a file by name, a signed number signed, anything
  // else (a bool too) as the unsigned word it is recorded as.
  auto json_field = [&](const auto& v) -> nlohmann::ordered_json {
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, ev::Process>) {
      return process_name(static_cast<std::uint32_t>(v.value));
    } else if constexpr (std::is_same_v<T, ev::FileId>) {
      return interned(v.value);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      return v;
    } else {
      return ev::to_word(v);
    }
  };
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
  } else if (e.kind == TraceKind::kNote) {
    j["kind"] = "note";
    if (e.sub != 0) j["sub"] = e.sub;
    for (int i = 0; i < 4; ++i) j[std::string(1, static_cast<char>('a' + i))] = fields[i];
  } else {
    const auto event =
        ev::decode<ev::WorldEvent>(static_cast<std::uint16_t>(e.kind), ev::Words{e.a, e.b, e.c, e.d});
    ZAB_ASSERT(event.has_value(), "every world trace kind is an event type of protocol/events/world_events.h");
    std::visit(
        [&](const auto& w) {
          j["kind"] = std::remove_cvref_t<decltype(w)>::kName;
          if (e.sub != 0) j["sub"] = e.sub;
          ev::for_each_field(w, [&](std::size_t, const char* name, const auto& v) { j[name] = json_field(v); });
        },
        *event);
  }
  if (!detail.empty()) j["detail"] = detail;
  return j.dump();
}

}  // namespace zab::sim
