#include "sim/trace.h"

#include <doctest/doctest.h>

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
