#include "sim/event_queue.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sim/rng.h"

using zab::sim::EventId;
using zab::sim::EventQueue;
using zab::sim::Rng;
using zab::sim::SimTime;

TEST_CASE("events at the same instant run in the order they were scheduled (FIFO ties)") {
  EventQueue<int> q;
  for (int i = 0; i < 100; ++i) q.schedule(SimTime::from_ms(5), i);
  q.schedule(SimTime::from_ms(1), -1);
  CHECK(q.pop().payload == -1);
  for (int i = 0; i < 100; ++i) {
    auto e = q.pop();
    CHECK(e.at == SimTime::from_ms(5));
    CHECK(e.payload == i);
  }
  CHECK(q.empty());
}

TEST_CASE("events pop in (time, sequence) order for random schedules") {
  EventQueue<std::uint64_t> q;
  Rng rng(7);
  struct Expect {
    std::int64_t at;
    std::uint64_t seq;
  };
  std::vector<Expect> expected;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const auto at = static_cast<std::int64_t>(rng.next_u64() % 100);  // many ties
    q.schedule(SimTime::from_ns(at), i);
    expected.push_back({at, i});
  }
  std::stable_sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.at < b.at; });
  for (const auto& e : expected) {
    auto popped = q.pop();
    REQUIRE(popped.at.ns() == e.at);
    REQUIRE(popped.payload == e.seq);
  }
}

TEST_CASE("a cancelled timer never fires and the others keep their order") {
  EventQueue<int> q;
  std::vector<EventId> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(q.schedule(SimTime::from_ms(10 - i), i));
  CHECK(q.cancel(ids[3]));
  CHECK(q.cancel(ids[7]));
  CHECK_FALSE(q.cancel(ids[3]));  // already cancelled
  CHECK(q.size() == 8);
  std::vector<int> order;
  while (!q.empty()) order.push_back(q.pop().payload);
  CHECK(order == std::vector<int>{9, 8, 6, 5, 4, 2, 1, 0});
}

TEST_CASE("a stale EventId cannot cancel the event that reused its slot") {
  EventQueue<int> q;
  const EventId first = q.schedule(SimTime::from_ms(1), 1);
  CHECK(q.pop().payload == 1);
  const EventId second = q.schedule(SimTime::from_ms(2), 2);  // reuses the slot
  CHECK(first.slot == second.slot);
  CHECK_FALSE(q.pending(first));
  CHECK_FALSE(q.cancel(first));
  CHECK(q.pending(second));
  CHECK(q.pop().payload == 2);
}

TEST_CASE("cancelling from the middle of a large heap keeps heap order") {
  EventQueue<std::uint64_t> q;
  Rng rng(11);
  std::vector<std::pair<EventId, std::int64_t>> ids;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const auto at = static_cast<std::int64_t>(rng.next_u64() % 1'000'000);
    ids.emplace_back(q.schedule(SimTime::from_ns(at), i), at);
  }
  std::size_t cancelled = 0;
  for (std::size_t i = 0; i < ids.size(); i += 3) cancelled += q.cancel(ids[i].first) ? 1 : 0;
  CHECK(q.size() == 2000 - cancelled);
  std::int64_t last = -1;
  while (!q.empty()) {
    auto e = q.pop();
    CHECK(e.payload % 3 != 0);
    CHECK(e.at.ns() >= last);
    last = e.at.ns();
  }
}
