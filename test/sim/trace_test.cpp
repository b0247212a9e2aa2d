#include "sim/trace.h"

#include <doctest/doctest.h>

using namespace zab::sim;

namespace {
TraceEvent ev(std::int64_t t, TraceKind k, std::uint64_t a) {
  return TraceEvent{.time = SimTime::from_ns(t), .process = 1, .kind = k, .a = a};
}
}  // namespace

TEST_CASE("the trace hash depends on every field and on the order of events") {
  Trace base, other_order, other_field;
  base.record(ev(1, TraceKind::kSend, 1));
  base.record(ev(2, TraceKind::kDeliver, 2));
  other_order.record(ev(2, TraceKind::kDeliver, 2));
  other_order.record(ev(1, TraceKind::kSend, 1));
  other_field.record(ev(1, TraceKind::kSend, 1));
  other_field.record(ev(2, TraceKind::kDeliver, 3));
  CHECK(base.hash() != other_order.hash());
  CHECK(base.hash() != other_field.hash());
  Trace same;
  same.record(ev(1, TraceKind::kSend, 1));
  same.record(ev(2, TraceKind::kDeliver, 2));
  CHECK(base.hash() == same.hash());
}

TEST_CASE("the readable detail is not part of the hash; interned names are") {
  Trace a, b;
  a.record(ev(1, TraceKind::kSend, 1), "PING 1");
  b.record(ev(1, TraceKind::kSend, 1), "something else");
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
  TraceEvent e{.time = SimTime::from_ms(3), .process = 1, .kind = TraceKind::kSend, .sub = 4};
  e.a = 9;
  e.b = 2;
  e.c = 12;
  e.d = 0xabc;
  const std::string json = t.to_json(e, "PING 5");
  CHECK(json ==
        R"({"t_ns":3000000,"process":"s1","kind":"send","sub":4,"conn":9,"peer":"s2","bytes":12,"payload_hash":2748,"detail":"PING 5"})");
}
