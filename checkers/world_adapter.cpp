#include "checkers/world_adapter.h"

#include <array>
#include <optional>
#include <type_traits>

namespace zab::check {

namespace {

// The kept event a simulator trace event carries, if it is one. Decoders are looked up by the
// record's family and code (one table per family, built once from the Event variant), so a
// fuzz campaign pays one index per trace event.
using Decoder = Event (*)(const sim::TraceEvent&);
struct DecoderTables {
  std::array<Decoder, 256> world{};
  std::array<Decoder, 256> server{};
};

const DecoderTables& decoders() {
  static const DecoderTables tables = [] {
    DecoderTables t;
    ev::for_each_type<Event>([&](auto proto) {
      using E = decltype(proto);
      static_assert(E::kCode < 256, "a kept event's code indexes a table of 256");
      Decoder d = [](const sim::TraceEvent& te) {
        E e = ev::from_words<E>(ev::Words{te.a, te.b, te.c, te.d});
        // A disk event's file is an interned id here and a name in a trace file: neither
        // adapter keeps it.
        if constexpr (std::is_same_v<E, ev::Fsync> || std::is_same_v<E, ev::FsyncDone>) e.file = ev::FileId{};
        return Event{e};
      };
      auto& slot = sim::kIsAlternative<E, ev::ServerEvent> ? t.server[E::kCode] : t.world[E::kCode];
      ZAB_ASSERT(slot == nullptr, "one kept event per code and family");
      slot = d;
    });
    return t;
  }();
  return tables;
}

std::optional<Event> kept_event(const sim::TraceEvent& te) {
  const DecoderTables& t = decoders();
  const bool server = te.kind == sim::TraceKind::kProtocol;
  const std::uint16_t code = server ? te.sub : static_cast<std::uint16_t>(te.kind);
  if (code >= 256) return std::nullopt;
  const Decoder d = server ? t.server[code] : t.world[code];
  if (d == nullptr) return std::nullopt;
  return d(te);
}

}  // namespace

ZabRun from_sim_trace(const sim::Trace& trace) {
  ZabRun run;
  const auto& events = trace.events();
  if (!events.empty()) run.end_ns = events.back().time.ns();
  std::set<std::uint32_t> seen;
  for (const sim::TraceEvent& te : events) {
    auto event = kept_event(te);
    if (!event) continue;
    ZabEvent e{te.time.ns(), te.process, std::move(*event)};
    if (te.kind == sim::TraceKind::kProtocol) run.servers.insert(te.process);
    seen.insert(te.process);
    if (const auto* cut = e.as<ev::LinkCut>()) {
      seen.insert(static_cast<std::uint32_t>(cut->from.value));
      seen.insert(static_cast<std::uint32_t>(cut->to.value));
    } else if (const auto* heal = e.as<ev::LinkHeal>()) {
      seen.insert(static_cast<std::uint32_t>(heal->from.value));
      seen.insert(static_cast<std::uint32_t>(heal->to.value));
    }
    run.events.push_back(std::move(e));
  }
  for (std::uint32_t p : seen) run.names[p] = trace.process_name(p);
  return run;
}

}  // namespace zab::check
