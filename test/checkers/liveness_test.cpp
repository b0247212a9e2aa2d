// Checker 5 on hand-made runs.

#include "checkers/liveness.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "test/checkers/run_builder.h"

using namespace zab;
using namespace zab::check;
using namespace zab::check::testing;

namespace {

LivenessOptions ten_seconds() {
  LivenessOptions o;
  o.bound_ns = 10'000'000'000;
  return o;
}

RunBuilder healed_at_one_second() {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3);
  b.add(500, 0, ev::LinkCut{ev::Process{1}, ev::Process{2}}).add(1000, 0, ev::LinkHeal{ev::Process{1}, ev::Process{2}});
  return b;
}

}  // namespace

TEST_CASE("liveness: a leader with a quorum and a commit after the heal pass") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1).sync(2000, 1, 3, 1).sync(2000, 2, 3, 1).txn(3000, 3, Z(1, 1), {3, 1}, {3, 1});
  b.add(20'000, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{3}, 1});  // the run goes on past the bound
  const CheckResult r = check_liveness(b.run(), ten_seconds());
  CHECK(r.verdict == Verdict::kPass);
}

TEST_CASE("liveness: no leader within the bound after the heal is a liveness violation") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1);  // alone: no quorum serves its epoch
  b.add(20'000, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});
  const CheckResult r = check_liveness(b.run(), ten_seconds());
  CHECK(r.verdict == Verdict::kLivenessViolation);
  CHECK(r.violates("leader-established"));
  CHECK_FALSE(r.ok());
}

TEST_CASE("liveness: a leader that commits nothing is a liveness violation unless no write was offered") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1).sync(2000, 1, 3, 1).sync(2000, 2, 3, 1).add(20'000, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{3}, 1});
  CHECK(check_liveness(b.run(), ten_seconds()).violates("write-commits"));
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  CHECK(check_liveness(b.run(), o).verdict == Verdict::kPass);
}

TEST_CASE("liveness: writes invoked after the heal decide whether a commit is required, and from when") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1).sync(2000, 1, 3, 1).sync(2000, 2, 3, 1);
  b.txn(25'000, 3, Z(1, 1), {3, 1}, {3, 1}).add(40'000, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{3}, 1});
  LivenessOptions o = ten_seconds();
  o.write_invoked_ns = std::vector<std::int64_t>{500'000'000};  // before the heal: nothing to commit
  CHECK(check_liveness(b.run(), o).verdict == Verdict::kPass);
  // A write invoked at 20 s (long after the heal at 1 s) commits at 25 s: within its bound.
  o.write_invoked_ns = std::vector<std::int64_t>{500'000'000, 20'000'000'000};
  CHECK(check_liveness(b.run(), o).verdict == Verdict::kPass);
  // Invoked at 2 s, it had until 12 s.
  o.write_invoked_ns = std::vector<std::int64_t>{2'000'000'000};
  CHECK(check_liveness(b.run(), o).violates("write-commits"));
}

TEST_CASE("liveness: a run ending with a link cut, or before the bound, is inconclusive") {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3).add(500, 0, ev::LinkCut{ev::Process{1}, ev::Process{2}}).add(20'000, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});
  CHECK(check_liveness(b.run(), ten_seconds()).verdict == Verdict::kInconclusive);
  RunBuilder c = healed_at_one_second();
  c.add(5000, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});
  CHECK(check_liveness(c.run(), ten_seconds()).verdict == Verdict::kInconclusive);
}

TEST_CASE("liveness: the default bound is (syncLimit + 2 initLimit) ticks") {
  LivenessOptions o;
  CHECK(o.bound() == 50'000'000'000);  // (5 + 20) x 2 s
  o.tick_time_ms = 100;
  CHECK(o.bound() == 2'500'000'000);
}

TEST_CASE("liveness: a run the world stopped because time stood still violates time-advances") {
  // Four servers LOOKING, and the world stopped at 4 s: the bound (10 s) is never reached and
  // no fault is active, yet the run can go no further.
  RunBuilder b(5);
  b.boot(0, 1).boot(0, 2).boot(0, 3).boot(0, 4).boot(0, 5);
  b.establish(200, 5, 1).sync(200, 1, 5, 1).sync(200, 2, 5, 1);
  b.add(3000, 3, ev::Crash{1}).add(3000, 5, ev::Crash{1});
  for (std::uint32_t s : {1u, 2u, 4u}) b.add(4000, s, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});
  b.add(4000, 0, ev::TimeStoodStill{1'000'000});
  const CheckResult r = check_liveness(b.run(), ten_seconds());
  CHECK(r.verdict == Verdict::kLivenessViolation);
  REQUIRE(r.violations.size() == 1);
  CHECK(r.violations[0].property == "time-advances");
  CHECK(r.violations[0].t_ns == 4'000'000'000);
  CAPTURE(r.violations[0].witness);
  CHECK(r.violations[0].witness.find("stood still at 4.000000 s") != std::string::npos);
  CHECK(r.violations[0].witness.find("1000000 events") != std::string::npos);
  CHECK(r.violations[0].witness.find("s1 LOOKING, s2 LOOKING, s3 down, s4 LOOKING, s5 down") != std::string::npos);
}

TEST_CASE("liveness: the same run without the world stopping it is judged by the bound, not time-advances") {
  RunBuilder b(5);
  b.boot(0, 1).boot(0, 2).boot(0, 3).boot(0, 4).boot(0, 5);
  b.establish(200, 5, 1).sync(200, 1, 5, 1).sync(200, 2, 5, 1);
  b.add(3000, 3, ev::Crash{1}).add(3000, 5, ev::Crash{1});
  for (std::uint32_t s : {1u, 2u, 4u}) b.add(4000, s, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});
  b.establish(4200, 4, 2).sync(4200, 1, 4, 2).sync(4200, 2, 4, 2);
  b.add(20'000, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{4}, 2});
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  const CheckResult r = check_liveness(b.run(), o);
  CHECK(r.verdict == Verdict::kPass);
  CHECK_FALSE(r.violates("time-advances"));
}

namespace {
// Three servers: s3 leads epoch 1 with s2 synced; s1 restarts at 1 s (the heal) and then either
// stays LOOKING or syncs with s3 at 2 s. The run goes on past the 10 s bound.
// `disk` adds s1's disk events (after 1 s, before the run's last event).
RunBuilder s1_rejoins(bool syncs, const std::function<void(RunBuilder&)>& disk = {}) {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3);
  b.establish(200, 3, 1).sync(200, 1, 3, 1).sync(200, 2, 3, 1);
  b.add(1000, 1, ev::Crash{1}).boot(1000, 1, 2).add(1000, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});
  if (syncs) b.sync(2000, 1, 3, 1);
  if (disk) disk(b);
  b.add(20'000, 2, ev::PeerState{zab::ServerState::kFollowing, ServerId{3}, 1});
  return b;
}
}  // namespace

TEST_CASE("liveness: a server up since the heal that never serves while the others do violates server-serves") {
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  const CheckResult r = check_liveness(s1_rejoins(false).run(), o);
  CHECK(r.verdict == Verdict::kLivenessViolation);
  REQUIRE(r.violations.size() == 1);
  CHECK(r.violations[0].property == "server-serves");
  CHECK(r.violations[0].t_ns == 11'000'000'000);  // the heal at 1 s plus the 10 s bound
  CAPTURE(r.violations[0].witness);
  CHECK(r.violations[0].witness.find("s1 was up") != std::string::npos);
  CHECK(r.violations[0].witness.find("s1 LOOKING, s2 FOLLOWING, s3 LEADING") != std::string::npos);
  CHECK_FALSE(r.violates("leader-established"));  // the ensemble itself made progress
}

TEST_CASE("liveness: server-serves passes when the rejoining server syncs, and cannot tell before the bound") {
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  CHECK(check_liveness(s1_rejoins(true).run(), o).verdict == Verdict::kPass);
  // Serving at the heal counts: s2 and s3 never change state after it.
  RunBuilder early = s1_rejoins(false);
  ZabRun run = early.run();
  run.end_ns = 5'000'000'000;  // the run ends before heal + bound
  run.events.pop_back();
  CHECK(check_liveness(run, o).verdict == Verdict::kPass);
  // A server that is down at the end is not required to serve.
  RunBuilder down = s1_rejoins(false);
  down.add(20'500, 1, ev::Crash{2});
  CHECK(check_liveness(down.run(), o).verdict != Verdict::kLivenessViolation);
}

TEST_CASE("liveness: a disk stall is a fault until the fsync completes: the bound runs from its end") {
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  o.tick_time_ms = 100;
  o.init_limit = 5;  // an fsync slower than 500 ms stalls the server
  // Still stalled at the end: a fault still active, the run cannot tell.
  RunBuilder stuck = s1_rejoins(false, [](RunBuilder& b) { b.add(1500, 1, ev::Fsync{.tag = 7}); });  // never completes
  const CheckResult open = check_liveness(stuck.run(), o);
  CHECK(open.verdict == Verdict::kInconclusive);
  CHECK(open.note.find("the run ends with a disk stalled: an fsync of s1 outstanding since 1.500000 s") != std::string::npos);
  // Stalled for 1.1 s, then the disk answered: s1 had the whole bound from 2.6 s to serve.
  RunBuilder slow = s1_rejoins(false, [](RunBuilder& b) { b.add(1500, 1, ev::Fsync{.tag = 7}).add(2600, 1, ev::FsyncDone{.tag = 7}); });
  const CheckResult late = check_liveness(slow.run(), o);
  CHECK(late.violates("server-serves"));
  CHECK(late.violations.front().witness.find("(the last disk stall over at 2.600000 s)") != std::string::npos);
  // 2 ms: not a stall at all.
  RunBuilder fast = s1_rejoins(false, [](RunBuilder& b) { b.add(1500, 1, ev::Fsync{.tag = 7}).add(1502, 1, ev::FsyncDone{.tag = 7}); });
  CHECK(check_liveness(fast.run(), o).violates("server-serves"));
  RunBuilder before_crash = s1_rejoins(false);  // an fsync a crash cancelled is not a stall
  auto& events = before_crash.run().events;
  auto crash = std::find_if(events.begin(), events.end(), [](const ZabEvent& e) { return e.kind() == Ev::kCrash; });
  events.insert(crash, ZabEvent{500'000'000, 1, ev::Fsync{.tag = 7}});
  CHECK(check_liveness(before_crash.run(), o).violates("server-serves"));
}

TEST_CASE("liveness: no leader within the bound is not blamed while a disk stall lasts, and is once it ended") {
  LivenessOptions o = ten_seconds();
  o.tick_time_ms = 100;
  o.init_limit = 5;  // an fsync slower than 500 ms stalls a server
  // Three servers: s3 refuses to start at the heal, s1 and s2 are up, s1 and s2 elect s1...
  auto run = [&](std::function<void(RunBuilder&)> disk) {
    RunBuilder b(3);
    b.boot(0, 1).boot(0, 2).boot(0, 3);
    b.add(500, 3, ev::Crash{}).add(1000, 3, ev::ProcessStart{2}).add(1000, 3, ev::StartupRefused{});
    b.establish(2000, 1, 2);  // alone: s2 never syncs
    disk(b);
    b.add(20'000, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{0}, 0});  // past the bound
    return check_liveness(b.run(), o);
  };
  // ...but s2's disk stalls right after the heal (an fsync that never completes): ZooKeeper
  // cannot form a quorum either, so the run cannot tell.
  const CheckResult stalled = run([](RunBuilder& b) { b.add(1500, 2, ev::Fsync{.tag = 9}); });
  CHECK(stalled.verdict == Verdict::kInconclusive);
  CHECK(stalled.note.find("a disk stalled: an fsync of s2") != std::string::npos);
  // A stall that ended at 3 s: the bound runs from there, and no leader by 13 s is a violation.
  const CheckResult ended = run([](RunBuilder& b) { b.add(1500, 2, ev::Fsync{.tag = 9}).add(3000, 2, ev::FsyncDone{.tag = 9}); });
  CHECK(ended.violates("leader-established"));
  CHECK(ended.violations.front().witness.find("by 13.000000 s") != std::string::npos);
  // With a disk that answers in 2 ms, the missing leader is the protocol's: a violation.
  const CheckResult fast = run([](RunBuilder& b) { b.add(1500, 2, ev::Fsync{.tag = 9}).add(1502, 2, ev::FsyncDone{.tag = 9}); });
  CHECK(fast.violates("leader-established"));
}
