#include "checkers/zab_events.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <type_traits>
#include <utility>

namespace zab::check {

namespace {

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

namespace {

// One field of a trace file's record, by the event type's field name: a process field is a
// name (mapped to an id), every other field an integer; a field missing from an older trace
// reads as 0. False and `error` set on a field of the wrong shape.
template <class T>
bool read_field(const TraceRecord& r, const char* name, ProcessIds& ids, ZabRun& run, T& value, std::string& error) {
  const auto it = r.fields.find(name);
  if (it == r.fields.end()) return true;
  if constexpr (std::is_same_v<T, ev::Process>) {
    if (!it->is_string()) {
      error = fmt::format("line {}: '{}' must be a process name", r.line, name);
      return false;
    }
    const std::string peer = it->get<std::string>();
    value = ev::Process{ids.id(peer)};
    run.names[static_cast<std::uint32_t>(value.value)] = peer;
    return true;
  } else if constexpr (std::is_same_v<T, ev::FileId>) {
    return true;  // a file name: the checkers keep no file (the in-memory adapter drops the id too)
  } else {
    if (!it->is_number_unsigned() && !it->is_number_integer()) {
      error = fmt::format("line {}: '{}' must be an integer", r.line, name);
      return false;
    }
    value = ev::from_word<T>(it->get<std::uint64_t>());
    return true;
  }
}

// The kept event a record names, read field by field; nullopt if the record is of a kind the
// checkers do not keep. `error` is set (and nullopt returned) on a malformed field.
std::optional<Event> read_event(const TraceRecord& r, ProcessIds& ids, ZabRun& run, std::string& error) {
  std::optional<Event> result;
  ev::for_each_type<Event>([&](auto proto) {
    using E = decltype(proto);
    if (result || !error.empty() || r.kind != E::kName) return;
    E e{};
    bool ok = true;
    constexpr auto fs = E::fields();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((ok = ok && read_field(r, std::get<I>(fs).name, ids, run, e.*(std::get<I>(fs).member), error)), ...);
    }(std::make_index_sequence<ev::field_count<E>()>{});
    if (ok) result = Event{e};
  });
  return result;
}

bool is_protocol_event(Ev kind) { return kind >= Ev::kPeerState; }

}  // namespace

bool from_trace_records(const std::vector<TraceRecord>& records, ZabRun& run, std::string& error) {
  ProcessIds ids;
  for (const TraceRecord& r : records) {
    run.end_ns = std::max(run.end_ns, r.t_ns);
    auto event = read_event(r, ids, run, error);
    if (!error.empty()) return false;
    if (!event) continue;
    ZabEvent e{r.t_ns, ids.id(r.process), std::move(*event)};
    run.names[e.server] = r.process;
    if (is_protocol_event(e.kind())) run.servers.insert(e.server);
    run.events.push_back(std::move(e));
  }
  return true;
}

}  // namespace zab::check
