#include "sim/disk.h"

#include <doctest/doctest.h>

using namespace zab;
using namespace zab::sim;

namespace {
Bytes b(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string s(const Bytes& v) { return std::string(v.begin(), v.end()); }
}  // namespace

TEST_CASE("unsynced writes vanish on crash; synced ones survive") {
  Disk d;
  Rng rng(1);
  d.append("log", b("abc"));
  d.fsync_complete(d.fsync_begin("log"));
  d.append("log", b("def"));
  CHECK(s(*d.cached("log")) == "abcdef");  // reads see the cache
  const auto outcome = d.crash(CrashLoss::kLoseAll, rng);
  CHECK(outcome.ops_lost == 1);
  CHECK(s(d.durable_files().at("log")) == "abc");
  CHECK(s(*d.cached("log")) == "abc");
}

TEST_CASE("a file created and never fsynced does not exist after a crash") {
  Disk d;
  Rng rng(1);
  d.write_file("acceptedEpoch", b("5"));
  d.crash(CrashLoss::kLoseAll, rng);
  CHECK(d.durable_files().empty());
  CHECK(d.cached("acceptedEpoch") == nullptr);
}

TEST_CASE("fsync covers only what was written before it was issued") {
  Disk d;
  Rng rng(1);
  d.append("log", b("one"));
  const FsyncBarrier barrier = d.fsync_begin("log");
  d.append("log", b("two"));  // issued while the fsync is in flight
  d.fsync_complete(barrier);
  d.crash(CrashLoss::kLoseAll, rng);
  CHECK(s(d.durable_files().at("log")) == "one");
}

TEST_CASE("fsync of one file does not make another file's data durable") {
  Disk d;
  Rng rng(1);
  d.append("a", b("AAA"));
  d.append("b", b("BBB"));
  d.fsync_complete(d.fsync_begin("a"));
  d.crash(CrashLoss::kLoseAll, rng);
  const auto files = d.durable_files();
  CHECK(s(files.at("a")) == "AAA");
  // b's name was journaled with a's fsync (a namespace change), but its data was not synced.
  REQUIRE(files.contains("b"));
  CHECK(files.at("b").empty());
}

TEST_CASE("write temp, fsync, rename: the rename is durable only after a later fsync") {
  Disk d;
  Rng rng(1);
  d.write_file("currentEpoch", b("1"));
  d.fsync_complete(d.fsync_begin("currentEpoch"));
  d.write_file("currentEpoch.tmp", b("2"));
  d.fsync_complete(d.fsync_begin("currentEpoch.tmp"));
  d.rename("currentEpoch.tmp", "currentEpoch");
  CHECK(s(*d.cached("currentEpoch")) == "2");

  Disk copy = d;
  copy.crash(CrashLoss::kLoseAll, rng);
  CHECK(s(copy.durable_files().at("currentEpoch")) == "1");  // old value: rename not durable
  CHECK(s(copy.durable_files().at("currentEpoch.tmp")) == "2");

  d.append("log", b("x"));
  d.fsync_complete(d.fsync_begin("log"));  // a journal commit carries the rename
  d.crash(CrashLoss::kLoseAll, rng);
  CHECK(s(d.durable_files().at("currentEpoch")) == "2");
  CHECK_FALSE(d.durable_files().contains("currentEpoch.tmp"));
}

TEST_CASE("random-prefix loss keeps a prefix of the unsynced operations in issue order") {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Disk d;
    Rng rng(seed);
    d.append("log", b("0"));
    d.fsync_complete(d.fsync_begin("log"));
    for (char c = '1'; c <= '9'; ++c) d.append("log", Bytes{static_cast<std::uint8_t>(c)});
    const auto outcome = d.crash(CrashLoss::kRandomPrefix, rng);
    const std::string kept = s(d.durable_files().at("log"));
    CHECK(kept == std::string("0123456789").substr(0, kept.size()));
    CHECK(kept.size() + outcome.ops_lost == 10);
  }
}

TEST_CASE("torn tails keep a strict prefix of the first lost append") {
  bool saw_partial = false;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    Disk d;
    Rng rng(seed);
    d.append("log", b("AAAAAAAA"));
    d.append("log", b("BBBBBBBB"));
    const auto outcome = d.crash(CrashLoss::kTornTail, rng);
    const std::string kept = s(d.durable_files().contains("log") ? d.durable_files().at("log") : Bytes{});
    CHECK(std::string("AAAAAAAABBBBBBBB").substr(0, kept.size()) == kept);
    if (outcome.torn_bytes_kept > 0) {
      saw_partial = true;
      CHECK(kept.size() % 8 == outcome.torn_bytes_kept);
    }
  }
  CHECK(saw_partial);
}

TEST_CASE("the same crash draw gives the same loss (determinism)") {
  auto run = [](std::uint64_t seed) {
    Disk d;
    Rng rng(seed);
    for (int i = 0; i < 20; ++i) d.append("log", b("x"));
    d.crash(CrashLoss::kRandomPrefix, rng);
    return d.durable_files().contains("log") ? d.durable_files().at("log").size() : 0;
  };
  CHECK(run(3) == run(3));
}

TEST_CASE("remove and truncate are cache operations made durable by fsync") {
  Disk d;
  Rng rng(1);
  d.append("log", b("abcdef"));
  d.append("old", b("zz"));
  d.fsync_complete(d.fsync_begin("log"));
  d.fsync_complete(d.fsync_begin("old"));
  d.truncate("log", 2);
  d.remove("old");
  CHECK(s(*d.cached("log")) == "ab");
  CHECK(d.cached("old") == nullptr);
  d.fsync_complete(d.fsync_begin("log"));
  d.crash(CrashLoss::kLoseAll, rng);
  CHECK(s(d.durable_files().at("log")) == "ab");
  CHECK_FALSE(d.durable_files().contains("old"));
}

TEST_CASE("corruption flips a durable byte and is visible after restart only") {
  Disk d;
  Rng rng(1);
  d.append("snap", b("hello"));
  d.fsync_complete(d.fsync_begin("snap"));
  CHECK(d.corrupt("snap", 1));
  CHECK_FALSE(d.corrupt("snap", 99));
  CHECK_FALSE(d.corrupt("missing", 0));
  CHECK(s(*d.cached("snap")) == "hello");
  d.crash(CrashLoss::kLoseAll, rng);
  CHECK(d.durable_files().at("snap")[1] == static_cast<std::uint8_t>('e' ^ 0xff));
}
