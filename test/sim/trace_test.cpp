#include "sim/trace.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <variant>

using namespace zab::sim;

namespace {
// A send (or a delivery) at process 1 on connection `conn`.
TraceEvent sent(std::int64_t t, std::uint64_t conn) {
  return world_event(SimTime::from_ns(t), 1, zab::ev::Sent{.conn = conn});
}
TraceEvent delivered(std::int64_t t, std::uint64_t conn) {
  return world_event(SimTime::from_ns(t), 1, zab::ev::Delivered{.conn = conn});
}
}  // namespace

TEST_CASE("the trace hash depends on every field and on the order of events") {
  Trace base, other_order, other_field;
  base.record(sent(1, 1));
  base.record(delivered(2, 2));
  other_order.record(delivered(2, 2));
  other_order.record(sent(1, 1));
  other_field.record(sent(1, 1));
  other_field.record(delivered(2, 3));
  CHECK(base.hash() != other_order.hash());
  CHECK(base.hash() != other_field.hash());
  Trace same;
  same.record(sent(1, 1));
  same.record(delivered(2, 2));
  CHECK(base.hash() == same.hash());
}

TEST_CASE("the readable detail is not part of the hash; interned names are") {
  Trace a, b;
  a.record(sent(1, 1), "PING 1");
  b.record(sent(1, 1), "something else");
  CHECK(a.hash() == b.hash());
  Trace c, d;
  c.intern("log.100000001");
  d.intern("log.100000002");
  CHECK(c.hash() != d.hash());
}

TEST_CASE("interning gives ids in first-use order") {
  Trace t;
  CHECK(t.intern("b") == 0);
  CHECK(t.intern("a") == 1);
  CHECK(t.intern("b") == 0);
  CHECK(t.interned(1) == "a");
}

TEST_CASE("JSON lines name the kind, the process and the fields") {
  Trace t;
  t.set_process_name(1, "s1");
  t.set_process_name(2, "s2");
  const TraceEvent e = world_event(
      SimTime::from_ms(3), 1,
      zab::ev::Sent{.conn = 9, .peer = zab::ev::Process{2}, .bytes = 12, .payload_hash = 0xabc}, 4);
  const std::string json = t.to_json(e, "PING 5");
  CHECK(json ==
        R"({"t_ns":3000000,"process":"s1","kind":"send","sub":4,"conn":9,"peer":"s2","bytes":12,"payload_hash":2748,"detail":"PING 5"})");
}

TEST_CASE("JSON lines write a field by its type: a bool as 0 or 1, a signed number signed, a file by name") {
  Trace t;
  t.set_process_name(1, "s1");
  t.set_process_name(2, "s2");
  const TraceEvent up =
      world_event(SimTime::from_ms(1), 1,
                  zab::ev::ConnectionUp{.conn = 3, .peer = zab::ev::Process{2}, .initiated = true, .tag = 7});
  CHECK(t.to_json(up, "") ==
        R"({"t_ns":1000000,"process":"s1","kind":"connection_up","conn":3,"peer":"s2","initiated":1,"tag":7})");
  const TraceEvent drift = world_event(SimTime::from_ms(2), 1, zab::ev::ClockDrift{.drift_ppm = -250});
  CHECK(t.to_json(drift, "") == R"({"t_ns":2000000,"process":"s1","kind":"clock_drift","drift_ppm":-250})");
  const zab::ev::FileId from{t.intern("a.tmp")};  // interned first: id 0
  const TraceEvent renamed =
      world_event(SimTime::from_ms(3), 1, zab::ev::Renamed{.file = from, .to = zab::ev::FileId{t.intern("a")}});
  CHECK(t.to_json(renamed, "") == R"({"t_ns":3000000,"process":"s1","kind":"rename","file":"a.tmp","to":"a"})");
}

TEST_CASE("a field is read by name through the event's type") {
  const TraceEvent e = world_event(SimTime::from_ms(1), 1,
                                   zab::ev::Sent{.conn = 9, .peer = zab::ev::Process{2}, .bytes = 12}, 4);
  CHECK(field_word(e, "peer") == 2);
  CHECK(field_word(e, "bytes") == 12);
  CHECK_FALSE(field_word(e, "zxid").has_value());
  CHECK(std::string(trace_kind_name(e.kind)) == "send");
}

TEST_CASE("the world's kinds and their field names are its event types'") {
  const auto kinds = world_event_kinds();
  CHECK(kinds.size() == std::variant_size_v<zab::ev::WorldEvent>);
  const auto up = std::ranges::find_if(kinds, [](const EventKindInfo& k) { return k.name == "connection_up"; });
  REQUIRE(up != kinds.end());
  CHECK(up->kind == TraceKind::kConnectionUp);
  CHECK(up->fields[2] == "initiated");
  CHECK(up->fields[3] == "tag");
}
