// Checker 5 on hand-made runs.

#include "checkers/liveness.h"

#include <doctest/doctest.h>

#include "test/checkers/run_builder.h"

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
  b.ev(500, 0, Ev::kLinkCut, 1, 2).ev(1000, 0, Ev::kLinkHeal, 1, 2);
  return b;
}

}  // namespace

TEST_CASE("liveness: a leader with a quorum and a commit after the heal pass") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1).sync(2000, 1, 3, 1).txn(3000, 3, Z(1, 1), {3, 1}, {3, 1});
  b.ev(20'000, 1, Ev::kPeerState, 1, 3, 1);  // the run goes on past the bound
  const CheckResult r = check_liveness(b.run(), ten_seconds());
  CHECK(r.verdict == Verdict::kPass);
}

TEST_CASE("liveness: no leader within the bound after the heal is a liveness violation") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1);  // alone: no quorum serves its epoch
  b.ev(20'000, 1, Ev::kPeerState, 0);
  const CheckResult r = check_liveness(b.run(), ten_seconds());
  CHECK(r.verdict == Verdict::kLivenessViolation);
  CHECK(r.violates("leader-established"));
  CHECK_FALSE(r.ok());
}

TEST_CASE("liveness: a leader that commits nothing is a liveness violation unless no write was offered") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1).sync(2000, 1, 3, 1).ev(20'000, 1, Ev::kPeerState, 1, 3, 1);
  CHECK(check_liveness(b.run(), ten_seconds()).violates("write-commits"));
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  CHECK(check_liveness(b.run(), o).verdict == Verdict::kPass);
}

TEST_CASE("liveness: writes invoked after the heal decide whether a commit is required, and from when") {
  RunBuilder b = healed_at_one_second();
  b.establish(2000, 3, 1).sync(2000, 1, 3, 1);
  b.txn(25'000, 3, Z(1, 1), {3, 1}, {3, 1}).ev(40'000, 1, Ev::kPeerState, 1, 3, 1);
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
  b.boot(0, 1).boot(0, 2).boot(0, 3).ev(500, 0, Ev::kLinkCut, 1, 2).ev(20'000, 1, Ev::kPeerState, 0);
  CHECK(check_liveness(b.run(), ten_seconds()).verdict == Verdict::kInconclusive);
  RunBuilder c = healed_at_one_second();
  c.ev(5000, 1, Ev::kPeerState, 0);
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
  b.ev(3000, 3, Ev::kCrash, 1).ev(3000, 5, Ev::kCrash, 1);
  for (std::uint32_t s : {1u, 2u, 4u}) b.ev(4000, s, Ev::kPeerState, 0);
  b.ev(4000, 0, Ev::kTimeStoodStill, 1'000'000);
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
  b.ev(3000, 3, Ev::kCrash, 1).ev(3000, 5, Ev::kCrash, 1);
  for (std::uint32_t s : {1u, 2u, 4u}) b.ev(4000, s, Ev::kPeerState, 0);
  b.establish(4200, 4, 2).sync(4200, 1, 4, 2).sync(4200, 2, 4, 2);
  b.ev(20'000, 1, Ev::kPeerState, 1, 4, 2);
  LivenessOptions o = ten_seconds();
  o.require_commit = false;
  const CheckResult r = check_liveness(b.run(), o);
  CHECK(r.verdict == Verdict::kPass);
  CHECK_FALSE(r.violates("time-advances"));
}
