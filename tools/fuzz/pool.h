#pragma once
// A pool of forked worker processes for a fuzz campaign. A run that crashes — a ZAB_ASSERT
// aborts, a segfault — takes down only its worker: the parent sees the worker's result pipe
// close, records the run as a crash with what the worker wrote to stderr, and forks a new
// worker. Each worker runs one run index at a time, sent over a pipe, and answers with one
// line (the run's JSON) over another; the parent hands out indices as workers become free.
// An index may carry a payload from the parent (a steered run's scenario document, which the
// parent derives from what earlier runs reached and the worker cannot compute alone).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zab::fuzz {

struct PoolResult {
  std::uint64_t index = 0;
  bool crashed = false;
  std::string line;        // the worker's answer (no newline); empty if crashed
  std::string crash_text;  // crashed: the worker's stderr, or how it died
};

struct PoolCallbacks {
  // In the worker: compute the answer for one run index and its payload (one line, no newline).
  std::function<std::string(std::uint64_t index, const std::string& payload)> work;
  // In the parent, when handing out an index: its payload. Unset: none (empty).
  std::function<std::string(std::uint64_t index)> payload;
  // In the parent, before handing out position k (0, 1, ...): whether it may go out now; false
  // leaves the free worker idle until another run finishes. It must be true once every position
  // handed out before k has finished (or the pool would wait forever). Unset: always.
  std::function<bool(std::uint64_t k)> ready;
  // In the parent: one run finished (in completion order, not index order).
  std::function<void(PoolResult&&)> done;
  // In the parent, before handing out each index: false stops handing out (a time budget).
  std::function<bool()> keep_going;
  // In the parent, about every 100 ms of wall time (progress display).
  std::function<void()> tick;
};

// Runs every index in `indices` (in order of hand-out) on `jobs` workers. Returns how many
// were handed out (all, unless keep_going said stop).
std::size_t run_pool(const std::vector<std::uint64_t>& indices, unsigned jobs, const PoolCallbacks& callbacks);
// The same for `count` indices given by `index_at(0..count-1)`, none of them stored: a
// campaign's memory does not grow with its run count.
std::uint64_t run_pool(std::uint64_t count, const std::function<std::uint64_t(std::uint64_t k)>& index_at, unsigned jobs,
                       const PoolCallbacks& callbacks);

}  // namespace zab::fuzz
