// The worker pool: every index answered once, in whatever order; a run that aborts (as a
// broken ZAB_ASSERT does) is a crash with its message, and the campaign goes on.

#include "tools/fuzz/pool.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "protocol/base/assert.h"

using namespace zab::fuzz;

TEST_CASE("the pool answers every index, and an aborting run is a crash that does not end the campaign") {
  std::vector<std::uint64_t> indices;
  for (std::uint64_t i = 0; i < 40; ++i) indices.push_back(i);
  std::map<std::uint64_t, PoolResult> results;
  PoolCallbacks cb;
  cb.work = [](std::uint64_t i, const std::string&) {
    if (i == 7 || i == 30) ZAB_ASSERT(i == 0, "run seven and run thirty break an invariant");
    return std::string("answer ") + std::to_string(i * i);
  };
  cb.done = [&](PoolResult&& r) { results.emplace(r.index, std::move(r)); };
  cb.keep_going = [] { return true; };
  cb.tick = [] {};
  CHECK(run_pool(indices, 3, cb) == 40);
  REQUIRE(results.size() == 40);
  for (const auto& entry : results) {
    // Not a structured binding: CAPTURE takes it into a lambda, which clang before 16 refuses.
    const auto i = entry.first;
    const auto& r = entry.second;
    CAPTURE(i);
    if (i == 7 || i == 30) {
      CHECK(r.crashed);
      CHECK(r.crash_text.find("invariant broken: run seven and run thirty break an invariant") != std::string::npos);
      CHECK(r.crash_text.find("signal 6") != std::string::npos);
    } else {
      CHECK_FALSE(r.crashed);
      CHECK(r.line == "answer " + std::to_string(i * i));
    }
  }
}

TEST_CASE("keep_going stops handing out runs; those handed out still finish") {
  std::vector<std::uint64_t> indices = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::size_t asked = 0, done = 0;
  PoolCallbacks cb;
  cb.work = [](std::uint64_t i, const std::string&) { return std::to_string(i); };
  cb.done = [&](PoolResult&&) { ++done; };
  cb.keep_going = [&] { return ++asked <= 4; };
  cb.tick = [] {};
  CHECK(run_pool(indices, 2, cb) == 4);
  CHECK(done == 4);
}

TEST_CASE("a payload travels with its index, and a position that is not ready waits for the runs before it") {
  std::vector<std::uint64_t> indices;
  for (std::uint64_t i = 0; i < 24; ++i) indices.push_back(i);
  std::map<std::uint64_t, PoolResult> results;
  std::uint64_t finished = 0;
  std::vector<std::uint64_t> finished_when_handed_out;
  PoolCallbacks cb;
  // The answer is one line: the payload's size, its letters and its newlines counted.
  auto digest = [](std::uint64_t i, const std::string& payload) {
    const auto newlines = std::count(payload.begin(), payload.end(), '\n');
    const auto letters = std::count_if(payload.begin(), payload.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    return std::to_string(i) + ":" + std::to_string(payload.size()) + ":" + std::to_string(letters) + ":" + std::to_string(newlines);
  };
  cb.work = digest;
  // Payloads of every size, the empty one included, with a newline inside (framed, not a line).
  cb.payload = [](std::uint64_t i) { return std::string(i * 700, static_cast<char>('a' + i % 26)) + (i % 3 == 0 ? "\n" : ""); };
  // Batches of 8: a position of batch b goes out only once all of batch b-1 finished.
  cb.ready = [&](std::uint64_t k) {
    const bool ok = finished >= k / 8 * 8;
    if (ok) finished_when_handed_out.push_back(finished);
    return ok;
  };
  cb.done = [&](PoolResult&& r) {
    ++finished;
    results.emplace(r.index, std::move(r));
  };
  cb.keep_going = [] { return true; };
  cb.tick = [] {};
  CHECK(run_pool(indices, 3, cb) == 24);
  REQUIRE(results.size() == 24);
  for (std::uint64_t i = 0; i < 24; ++i) {
    CAPTURE(i);
    CHECK_FALSE(results[i].crashed);
    CHECK(results[i].line == digest(i, std::string(i * 700, static_cast<char>('a' + i % 26)) + (i % 3 == 0 ? "\n" : "")));
  }
  REQUIRE(finished_when_handed_out.size() == 24);
  for (std::uint64_t k = 0; k < 24; ++k) {
    CAPTURE(k);
    CHECK(finished_when_handed_out[k] >= k / 8 * 8);
  }
}
