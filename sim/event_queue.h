#pragma once
// The simulator's agenda: events ordered by (virtual time, insertion sequence). Two events at
// the same instant run in the order they were scheduled (FIFO), so no tie is ever decided by
// an address or a hash. Events can be cancelled in O(log n): an indexed 4-ary min-heap whose
// payloads live in a slot table, with generation counters so a stale EventId is harmless.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/base/assert.h"
#include "sim/sim_time.h"

namespace zab::sim {

struct EventId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0 is never issued: a default EventId names no event
  bool valid() const { return generation != 0; }
};

template <class Payload>
class EventQueue {
 public:
  struct Popped {
    SimTime at;
    std::uint64_t seq = 0;
    Payload payload;
  };

  EventId schedule(SimTime at, Payload payload) {
    std::uint32_t slot;
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      ZAB_ASSERT(slots_.size() < UINT32_MAX, "event slot table is bounded by 2^32 entries");
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{});
    }
    Slot& s = slots_[slot];
    s.payload = std::move(payload);
    s.generation = next_generation(s.generation);
    const std::size_t pos = heap_.size();
    heap_.push_back(HeapEntry{at.ns(), next_seq_++, slot});
    s.heap_pos = static_cast<std::uint32_t>(pos);
    sift_up(pos);
    return EventId{slot, s.generation};
  }

  // Removes the event if it is still pending; returns whether it was.
  bool cancel(EventId id) {
    if (!pending(id)) return false;
    const std::size_t pos = slots_[id.slot].heap_pos;
    remove_at(pos);
    release(id.slot);
    return true;
  }

  bool pending(EventId id) const {
    return id.valid() && id.slot < slots_.size() && slots_[id.slot].generation == id.generation &&
           slots_[id.slot].heap_pos != kNotInHeap;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  SimTime next_time() const {
    ZAB_ASSERT(!heap_.empty(), "next_time() of an empty event queue");
    return SimTime::from_ns(heap_[0].at_ns);
  }

  Popped pop() {
    ZAB_ASSERT(!heap_.empty(), "pop() of an empty event queue");
    const HeapEntry top = heap_[0];
    Popped result{SimTime::from_ns(top.at_ns), top.seq, std::move(slots_[top.slot].payload)};
    remove_at(0);
    release(top.slot);
    return result;
  }

  // Bytes of bookkeeping one pending event costs (heap entry + slot), for the benchmark.
  static constexpr std::size_t bytes_per_pending_event() { return sizeof(HeapEntry) + sizeof(Slot); }

 private:
  static constexpr std::uint32_t kNotInHeap = UINT32_MAX;
  static constexpr std::size_t kArity = 4;

  struct HeapEntry {
    std::int64_t at_ns;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    Payload payload{};
    std::uint32_t heap_pos = kNotInHeap;
    std::uint32_t generation = 0;
  };

  static std::uint32_t next_generation(std::uint32_t g) { return g == UINT32_MAX ? 1 : g + 1; }

  static bool before(const HeapEntry& a, const HeapEntry& b) {
    return a.at_ns < b.at_ns || (a.at_ns == b.at_ns && a.seq < b.seq);
  }

  void place(std::size_t pos, const HeapEntry& e) {
    heap_[pos] = e;
    slots_[e.slot].heap_pos = static_cast<std::uint32_t>(pos);
  }

  void sift_up(std::size_t pos) {
    const HeapEntry e = heap_[pos];
    while (pos > 0) {
      const std::size_t parent = (pos - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      place(pos, heap_[parent]);
      pos = parent;
    }
    place(pos, e);
  }

  void sift_down(std::size_t pos) {
    const HeapEntry e = heap_[pos];
    const std::size_t n = heap_.size();
    for (;;) {
      const std::size_t first = pos * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t last = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < last; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], e)) break;
      place(pos, heap_[best]);
      pos = best;
    }
    place(pos, e);
  }

  void remove_at(std::size_t pos) {
    const std::size_t last = heap_.size() - 1;
    slots_[heap_[pos].slot].heap_pos = kNotInHeap;
    if (pos != last) {
      heap_[pos] = heap_[last];
      heap_.pop_back();
      slots_[heap_[pos].slot].heap_pos = static_cast<std::uint32_t>(pos);
      if (pos > 0 && before(heap_[pos], heap_[(pos - 1) / kArity])) {
        sift_up(pos);
      } else {
        sift_down(pos);
      }
    } else {
      heap_.pop_back();
    }
  }

  void release(std::uint32_t slot) {
    slots_[slot].payload = Payload{};
    slots_[slot].heap_pos = kNotInHeap;
    free_slots_.push_back(slot);
  }

  std::vector<HeapEntry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;  // the tie-breaker: strictly increasing over the queue's life
};

}  // namespace zab::sim
