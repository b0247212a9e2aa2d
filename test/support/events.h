#pragma once
// Tests read a run's events by type (protocol/events/), never by a trace field's position: the
// events of one type in a world's trace, and those a node put in its outputs.

#include <cstdint>
#include <vector>

#include "protocol/base/io.h"
#include "protocol/base/zab_trace.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace zab::testing {

template <class E>
struct Seen {
  sim::SimTime time;
  std::uint32_t process = 0;
  E event;
};

// Every event of type E in the world's trace, in order.
template <class E>
std::vector<Seen<E>> events_of(const sim::World& w) {
  std::vector<Seen<E>> found;
  for (const sim::TraceEvent& e : w.trace().events()) {
    if (auto x = sim::event_as<E>(e)) found.push_back(Seen<E>{e.time, e.process, *x});
  }
  return found;
}

// Every event of type E a node emitted into `out`, in order.
template <class E>
std::vector<E> outputs_of(const std::vector<Output>& out) {
  std::vector<E> found;
  for (const Output& o : out) {
    const auto* t = std::get_if<out::Trace>(&o);
    if (t == nullptr || t->kind != E::kCode) continue;
    found.push_back(ev::from_words<E>(ev::Words{t->a, t->b, t->c, t->d}));
  }
  return found;
}

}  // namespace zab::testing
