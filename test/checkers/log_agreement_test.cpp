// Checker 3 on hand-made runs: each property accepts a good run and rejects its known-bad one.

#include "checkers/log_agreement.h"

#include <doctest/doctest.h>

#include "test/checkers/run_builder.h"

using namespace zab;
using namespace zab::check;
using namespace zab::check::testing;

TEST_CASE("log agreement: a run where every server commits the same txns passes") {
  RunBuilder b = good_epoch_one();
  const CheckResult r = check_log_agreement(b.run());
  CHECK_MESSAGE(r.ok(), r.report());
}

TEST_CASE("log agreement: an old leader's uncommitted txn truncated away on rejoin is fine") {
  RunBuilder b = good_epoch_one();
  // s3 proposes <1,3>, logs it alone, falls back to LOOKING and fast-forwards it into its tree.
  b.add(400, 3, ev::Proposed{ZX(1, 3), H(Z(1, 3))}).add(401, 3, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  b.add(500, 3, ev::LeaderShutdown{LeaderShutdownReason::kNotSufficientSynced}).add(500, 3, ev::Applied{ZX(1, 3), H(Z(1, 3)), true, ApplySource::kFastForward});
  b.establish(600, 2, 2).sync(600, 1, 2, 2);
  b.txn(700, 2, Z(2, 1), {2, 1}, {2, 1});
  // s3 rejoins: TRUNC to <1,2>, the reload replays its log, then DIFF brings <2,1>.
  b.add(800, 3, ev::PeerState{zab::ServerState::kFollowing, ServerId{2}, 1}).add(800, 3, ev::Truncated{ZX(1, 2)}).add(800, 3, ev::TreeReset{Zxid::zero()});
  b.add(800, 3, ev::Replayed{ZX(1, 1), H(Z(1, 1))}).add(800, 3, ev::Replayed{ZX(1, 2), H(Z(1, 2))});
  b.add(801, 3, ev::NewLeaderAcked{2}).add(802, 3, ev::FollowerSynced{ServerId{2}, 2});
  b.add(802, 3, ev::Applied{ZX(2, 1), H(Z(2, 1)), true, ApplySource::kDelivered});
  const CheckResult r = check_log_agreement(b.run());
  CHECK_MESSAGE(r.ok(), r.report());
}

TEST_CASE("log agreement: a restart that replays the whole log passes") {
  RunBuilder b = good_epoch_one();
  b.add(400, 1, ev::Crash{1}).add(500, 1, ev::ProcessStart{2}).add(500, 1, ev::TreeReset{Zxid::zero()});
  b.add(500, 1, ev::Replayed{ZX(1, 1), H(Z(1, 1))}).add(500, 1, ev::Replayed{ZX(1, 2), H(Z(1, 2))});
  b.add(500, 1, ev::Restored{ZX(1, 2), Zxid::zero(), 0, 0});
  const CheckResult r = check_log_agreement(b.run());
  CHECK_MESSAGE(r.ok(), r.report());
}

TEST_CASE("log agreement rejects one zxid naming two txns") {
  RunBuilder b = good_epoch_one();
  b.add(400, 1, ev::Logged{ZX(1, 2), 12345});
  CHECK(check_log_agreement(b.run()).violates("txn-uniqueness"));
}

TEST_CASE("log agreement rejects a zxid proposed twice") {
  RunBuilder b = good_epoch_one();
  b.add(400, 2, ev::Proposed{ZX(1, 2), H(Z(1, 2))});
  CHECK(check_log_agreement(b.run()).violates("txn-uniqueness"));
}

TEST_CASE("log agreement rejects a txn no leader proposed") {
  RunBuilder b = good_epoch_one();
  b.add(400, 1, ev::Applied{ZX(1, 3), H(Z(1, 3)), true, ApplySource::kDelivered});
  const CheckResult r = check_log_agreement(b.run());
  CHECK(r.violates("no-phantom-txn"));
  CHECK(r.verdict == Verdict::kSafetyViolation);
}

TEST_CASE("log agreement rejects zxids going backwards in one incarnation") {
  RunBuilder b = good_epoch_one();
  b.add(400, 1, ev::Applied{ZX(1, 1), H(Z(1, 1)), true, ApplySource::kDelivered});
  CHECK(check_log_agreement(b.run()).violates("apply-order"));
}

TEST_CASE("log agreement rejects a hole inside an epoch") {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3).establish(100, 3, 1).sync(100, 1, 3, 1);
  b.txn(200, 3, Z(1, 1), {3, 1}, {3, 1});
  b.txn(300, 3, Z(1, 2), {3}, {3});
  b.txn(400, 3, Z(1, 3), {3, 1}, {3, 1});  // s1 delivers <1,3> right after <1,1>
  CHECK(check_log_agreement(b.run()).violates("no-gap"));
}

TEST_CASE("log agreement rejects skipping a committed txn across epochs") {
  RunBuilder b = good_epoch_one();
  b.add(350, 1, ev::Crash{1}).add(360, 1, ev::ProcessStart{2}).add(360, 1, ev::TreeReset{Zxid::zero()});
  b.add(360, 1, ev::Replayed{ZX(1, 1), H(Z(1, 1))}).add(360, 1, ev::Restored{ZX(1, 1), Zxid::zero(), 0, 0});
  b.establish(400, 2, 2).sync(400, 1, 2, 2);
  b.txn(500, 2, Z(2, 1), {2, 1}, {2, 1});  // s1 stands at <1,1>; <1,2> was committed
  CHECK(check_log_agreement(b.run()).violates("no-gap"));
}

TEST_CASE("log agreement rejects a txn entering trees after different predecessors") {
  RunBuilder b = good_epoch_one();
  // s1 has a stale <1,3> in its log, and on restart replays <2,1> right after it.
  b.add(400, 1, ev::Proposed{ZX(1, 3), H(Z(1, 3))}).add(401, 1, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  b.establish(500, 2, 2).sync(500, 3, 2, 2);
  b.txn(600, 2, Z(2, 1), {2, 3, 1}, {2, 3});
  b.add(700, 1, ev::Crash{1}).add(800, 1, ev::ProcessStart{2}).add(800, 1, ev::TreeReset{Zxid::zero()});
  for (auto z : {Z(1, 1), Z(1, 2), Z(1, 3), Z(2, 1)}) b.add(800, 1, ev::Replayed{Zxid::from_raw(z), H(z)});
  b.add(800, 1, ev::Restored{ZX(2, 1), Zxid::zero(), 0, 0});
  CHECK(check_log_agreement(b.run()).violates("prefix-agreement"));
}

TEST_CASE("log agreement rejects truncating a committed txn") {
  RunBuilder b = good_epoch_one();
  b.add(400, 1, ev::Truncated{ZX(1, 1)});
  const CheckResult r = check_log_agreement(b.run());
  CHECK(r.violates("committed-never-truncated"));
  CHECK(r.report().find("<1,2>") != std::string::npos);
}

TEST_CASE("log agreement rejects a restart that lost a durably logged txn") {
  RunBuilder b = good_epoch_one();
  b.add(400, 1, ev::Crash{1}).add(500, 1, ev::ProcessStart{2}).add(500, 1, ev::TreeReset{Zxid::zero()});
  b.add(500, 1, ev::Replayed{ZX(1, 1), H(Z(1, 1))}).add(500, 1, ev::Restored{ZX(1, 1), Zxid::zero(), 0, 0});
  CHECK(check_log_agreement(b.run()).violates("logged-survives-restart"));
}

TEST_CASE("log agreement rejects a client acknowledgement of a txn no leader committed") {
  RunBuilder b = good_epoch_one();
  LogAgreementOptions o;
  o.client_acks.push_back(AckedWrite{Z(1, 2), 400'000'000, "c100 op 2"});
  CHECK(check_log_agreement(b.run(), o).ok());
  o.client_acks.push_back(AckedWrite{Z(1, 3), 400'000'000, "c100 op 3"});
  const CheckResult r = check_log_agreement(b.run(), o);
  CHECK(r.violates("acked-write-committed"));
}

TEST_CASE("log agreement rejects truncating a txn a client saw acknowledged") {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3).establish(100, 3, 1).sync(100, 1, 3, 1);
  b.add(200, 3, ev::Proposed{ZX(1, 1), H(Z(1, 1))}).add(201, 1, ev::Logged{ZX(1, 1), H(Z(1, 1))});
  b.add(300, 1, ev::Truncated{Zxid::zero()});
  LogAgreementOptions o;
  CHECK(check_log_agreement(b.run(), o).ok());  // never known committed: a legitimate TRUNC
  o.client_acks.push_back(AckedWrite{Z(1, 1), 250'000'000, "c100 op 1"});
  CHECK(check_log_agreement(b.run(), o).violates("committed-never-truncated"));
}

// Issue 13, seed 2 run 8611: a learner back above maxCommittedLog is TRUNCed to it while the
// leader still has a proposal outstanding (LearnerHandler.syncFollower case 3); the proposal
// commits on the others' ACKs and is forwarded to the learner again. The learner was not in
// the commit quorum, so dropping its copy endangers nothing.
TEST_CASE("log agreement: a TRUNC of a committed txn outside its commit quorum is fine") {
  RunBuilder b = good_epoch_one();
  b.add(400, 3, ev::Proposed{ZX(1, 3), H(Z(1, 3))});
  b.add(401, 1, ev::Logged{ZX(1, 3), H(Z(1, 3))}).add(401, 3, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  b.add(402, 2, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  const std::uint64_t quorum_s2_s3 = (1u << 2) | (1u << 3);
  b.add(403, 3, ev::Committed{ZX(1, 3), ev::QuorumMask{quorum_s2_s3}});
  b.add(404, 1, ev::Truncated{ZX(1, 2)});
  const CheckResult r = check_log_agreement(b.run());
  CHECK_MESSAGE(r.ok(), r.report());
}

// The same TRUNC of a learner whose ACK formed the quorum (ZooKeeper's counting, deviation
// D32's switch): Zab's durability argument needs every quorum member to keep the txn.
TEST_CASE("log agreement rejects a TRUNC of a committed txn inside its commit quorum") {
  RunBuilder b = good_epoch_one();
  b.add(400, 3, ev::Proposed{ZX(1, 3), H(Z(1, 3))});
  b.add(401, 1, ev::Logged{ZX(1, 3), H(Z(1, 3))}).add(401, 3, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  const std::uint64_t quorum_s1_s3 = (1u << 1) | (1u << 3);
  b.add(403, 3, ev::Committed{ZX(1, 3), ev::QuorumMask{quorum_s1_s3}});
  b.add(404, 1, ev::Truncated{ZX(1, 2)});
  const CheckResult r = check_log_agreement(b.run());
  CHECK(r.violates("committed-never-truncated"));
  CHECK(r.report().find("with s1's ACK in its quorum") != std::string::npos);
}

// D32's gap (ZooKeeper's counting, the switch count-acks-of-resynced-learner): s1 ACKed <1,3>,
// lost its connection, came back above maxCommittedLog and was TRUNCed below <1,3>; the leader
// then committed <1,3> counting s1's old ACK.
TEST_CASE("log agreement rejects a commit whose quorum counts a server that no longer holds the txn") {
  RunBuilder b = good_epoch_one();
  b.add(400, 3, ev::Proposed{ZX(1, 3), H(Z(1, 3))});
  b.add(401, 1, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  b.add(402, 1, ev::Truncated{ZX(1, 2)});
  b.add(403, 3, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  const std::uint64_t quorum_s1_s3 = (1u << 1) | (1u << 3);
  RunBuilder bad = b;
  bad.add(404, 3, ev::Committed{ZX(1, 3), ev::QuorumMask{quorum_s1_s3}});
  const CheckResult r = check_log_agreement(bad.run());
  CHECK(r.violates("commit-quorum-holds-txn"));
  CHECK(r.report().find("counting s1's ACK") != std::string::npos);
  // With the ACK withdrawn (D32), the leader waits for s1 to log <1,3> again and ACK it.
  b.add(405, 1, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  b.add(406, 3, ev::Committed{ZX(1, 3), ev::QuorumMask{quorum_s1_s3}});
  const CheckResult good = check_log_agreement(b.run());
  CHECK_MESSAGE(good.ok(), good.report());
}
