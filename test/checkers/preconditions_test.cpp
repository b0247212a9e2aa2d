// Checker 5, the actions' preconditions: each precondition rejects a hand-made run that breaks
// it and accepts its correct twin; then each is shown catching the deliberately broken protocol
// it guards against (a catalog switch, on its trigger scenario) while the correct protocol, on
// the same scenario, passes it.

#include "checkers/preconditions.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "sim/scenario/runner.h"
#include "tools/run/judge.h"
#include "test/checkers/run_builder.h"

using namespace zab;
using namespace zab::check;
using namespace zab::check::testing;

namespace {

// s3 leads epoch 1 with every epoch file written as ZooKeeper orders it: acceptedEpoch, then
// currentEpoch, then the NEWLEADER ACK.
RunBuilder epochs_then_acks() {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3);
  for (std::uint32_t s : {1u, 2u, 3u}) b.add(50, s, ev::AcceptedEpoch{1});
  b.add(60, 3, ev::CurrentEpoch{1});
  b.add(70, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{3}, 0});
  b.add(80, 1, ev::CurrentEpoch{1}).add(80, 1, ev::NewLeaderAcked{1});
  return b;
}

// s2 leads epoch 2 and chooses how to sync s1, which stands at <1,2> (good_epoch_one).
RunBuilder sync_of_s1(SyncMode mode, std::uint64_t peer, std::uint64_t forward_from) {
  RunBuilder b = good_epoch_one();
  b.add(400, 3, ev::Crash{1});
  b.add(500, 2, ev::PeerState{zab::ServerState::kLeading, ServerId{2}, 1});
  b.add(500, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{2}, 1});
  b.add(510, 2, ev::SyncChosen{ServerId{1}, mode, Zxid::from_raw(peer), Zxid::from_raw(forward_from)});
  return b;
}

// The scenario judged as every run is (tools/run/judge.cpp): checker 5's result.
CheckResult run_scenario(const std::string& name, bool with_switch) {
  const auto parsed = sim::load_scenario(std::string(ZABSIM_SCENARIO_DIR) + "/bugs/" + name + ".json");
  REQUIRE(std::holds_alternative<sim::Scenario>(parsed));
  sim::Scenario s = std::get<sim::Scenario>(parsed);
  if (!with_switch) s.server.mutations = Mutations{};
  sim::ScenarioRun run(s, s.seed.value_or(1));
  run.run();
  const zab::tools::Judgement j = zab::tools::judge(run);
  const auto it = std::find_if(j.results.begin(), j.results.end(), [](const CheckResult& r) { return r.checker == "preconditions"; });
  REQUIRE(it != j.results.end());
  return *it;
}

}  // namespace

// --- hand-made runs ------------------------------------------------------------------------

TEST_CASE("preconditions: epochs written in ZooKeeper's order, a DIFF from the leader's history, pass") {
  RunBuilder b = epochs_then_acks();
  CHECK_MESSAGE(check_preconditions(b.run()).ok(), check_preconditions(b.run()).report());
  RunBuilder d = sync_of_s1(SyncMode::kDiff, Z(1, 1), Z(1, 2));  // s2 holds <1,1>
  CHECK_MESSAGE(check_preconditions(d.run()).ok(), check_preconditions(d.run()).report());
}

TEST_CASE("ack-newleader-after-current-epoch: a NEWLEADER ACK before currentEpoch is durable is rejected") {
  RunBuilder b(3);
  b.boot(0, 1).add(50, 1, ev::AcceptedEpoch{1});
  b.add(70, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{3}, 0});
  b.add(80, 1, ev::NewLeaderAcked{1});  // its currentEpoch is still 0 (restored)
  const CheckResult r = check_preconditions(b.run());
  CHECK(r.violates("ack-newleader-after-current-epoch"));
  // A run that never says what the learner's currentEpoch is judges nothing.
  RunBuilder unknown(3);
  unknown.add(80, 1, ev::NewLeaderAcked{1});
  CHECK(check_preconditions(unknown.run()).ok());
}

TEST_CASE("epochs-never-go-back: a second write of one acceptedEpoch, a lower read-back, a lower vote are rejected") {
  RunBuilder twice = epochs_then_acks();
  twice.add(90, 2, ev::AcceptedEpoch{1});
  CHECK(check_preconditions(twice.run()).violates("epochs-never-go-back"));

  RunBuilder reverted = epochs_then_acks();
  reverted.add(100, 1, ev::Crash{1}).add(200, 1, ev::ProcessStart{2});
  reverted.add(200, 1, ev::Restored{Zxid::zero(), Zxid::zero(), /*current_epoch=*/0, /*accepted_epoch=*/1});
  CHECK(check_preconditions(reverted.run()).violates("epochs-never-go-back"));

  RunBuilder vote = epochs_then_acks();
  vote.add(100, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{}, 0});
  CHECK(check_preconditions(vote.run()).violates("epochs-never-go-back"));

  // loadDataBase's own write of a missing file may repeat the value it had (not lower).
  RunBuilder startup = epochs_then_acks();
  startup.add(100, 2, ev::Crash{1}).add(200, 2, ev::ProcessStart{2}).add(200, 2, ev::AcceptedEpoch{1});
  startup.add(200, 2, ev::Restored{Zxid::zero(), Zxid::zero(), 0, 1});
  CHECK_MESSAGE(check_preconditions(startup.run()).ok(), check_preconditions(startup.run()).report());
}

TEST_CASE("current-epoch-after-synced-txns: currentEpoch before the DIFF's txns are logged is rejected") {
  RunBuilder b = sync_of_s1(SyncMode::kDiff, Z(1, 1), Z(1, 2));
  b.add(520, 1, ev::CurrentEpoch{2});  // <1,2> is in s1's log from epoch 1: fine
  CHECK(check_preconditions(b.run()).ok());

  RunBuilder bad = good_epoch_one();
  bad.txn(350, 3, Z(1, 3), {3, 2}, {3, 2});  // s1 misses <1,3>
  bad.add(400, 3, ev::Crash{1});
  bad.add(500, 2, ev::PeerState{zab::ServerState::kLeading, ServerId{2}, 1});
  bad.add(500, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{2}, 1});
  bad.add(510, 2, ev::SyncChosen{ServerId{1}, SyncMode::kDiff, ZX(1, 2), ZX(1, 3)});
  bad.add(520, 1, ev::CurrentEpoch{2}).add(530, 1, ev::Logged{ZX(1, 3), H(Z(1, 3))});
  const CheckResult r = check_preconditions(bad.run());
  CHECK(r.violates("current-epoch-after-synced-txns"));
}

TEST_CASE("current-epoch-after-synced-txns: loadDataBase's own currentEpoch write is not the NEWLEADER's") {
  // s1 crashed while writing currentEpoch 2 after logging <1,2>... of epoch 2; restarted, it adopts
  // currentEpoch.tmp (2) and writes it, and that write completes while it already syncs with s2.
  RunBuilder b = sync_of_s1(SyncMode::kDiff, Z(1, 2), Z(1, 2));
  b.add(511, 1, ev::Crash{1}).add(520, 1, ev::ProcessStart{2});
  b.add(520, 1, ev::Restored{ZX(1, 2), Zxid::zero(), /*current_epoch=*/2, /*accepted_epoch=*/2});
  b.add(521, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{2}, 2});
  b.add(522, 2, ev::SyncChosen{ServerId{1}, SyncMode::kDiff, ZX(1, 2), ZX(2, 1)});
  b.add(523, 1, ev::CurrentEpoch{2});  // loadDataBase's write, before <2,1> is logged
  b.add(524, 1, ev::Logged{ZX(2, 1), H(Z(2, 1))}).add(525, 1, ev::CurrentEpoch{2});  // the NEWLEADER's
  const CheckResult r = check_preconditions(b.run());
  CHECK_FALSE_MESSAGE(r.violates("current-epoch-after-synced-txns"), r.report());
}

TEST_CASE("diff-within-leader-history: DIFF for a learner whose last zxid the leader never had is rejected") {
  RunBuilder b = sync_of_s1(SyncMode::kDiff, Z(1, 7), Z(1, 2));
  CHECK(check_preconditions(b.run()).violates("diff-within-leader-history"));
  // TRUNC for the same learner is what ZooKeeper sends; and <e,0> names no txn.
  CHECK_FALSE(check_preconditions(sync_of_s1(SyncMode::kTruncDiff, Z(1, 7), Z(1, 2)).run()).violates("diff-within-leader-history"));
  CHECK_FALSE(check_preconditions(sync_of_s1(SyncMode::kDiff, Z(2, 0), Z(1, 2)).run()).violates("diff-within-leader-history"));
}

TEST_CASE("learner-reports-held-zxid: a learner reporting a zxid its tree never stood at is rejected") {
  CHECK(check_preconditions(sync_of_s1(SyncMode::kDiff, Z(1, 2), Z(1, 2)).run()).ok());
  CHECK(check_preconditions(sync_of_s1(SyncMode::kDiff, Z(1, 1), Z(1, 2)).run()).ok());  // stood there before
  CHECK(check_preconditions(sync_of_s1(SyncMode::kSnap, Z(1, 5), Z(1, 2)).run()).violates("learner-reports-held-zxid"));
  // A TRUNC to a txn-less <e,0> leaves lastProcessedZxid there, below the reloaded tree's txns
  // (zabsim fuzz --runs 10000 --seed 10, run 6365).
  RunBuilder trunc = sync_of_s1(SyncMode::kTrunc, Z(1, 2), Z(1, 0));
  trunc.add(511, 1, ev::Truncated{ZX(1, 0)}).add(511, 1, ev::TreeReset{Zxid::zero()});
  trunc.add(600, 1, ev::PeerState{zab::ServerState::kLooking, ServerId{}, 1});
  trunc.add(700, 1, ev::PeerState{zab::ServerState::kFollowing, ServerId{2}, 1});
  trunc.add(710, 2, ev::SyncChosen{ServerId{1}, SyncMode::kSnap, ZX(1, 0), ZX(2, 0)});
  CHECK_FALSE(check_preconditions(trunc.run()).violates("learner-reports-held-zxid"));
  // A report sent just before a crash reaches the leader after the restart (CI, commit 4fff4af,
  // run 1844): s3, the old leader, reported <1,0> and restarted at <0,0>.
  RunBuilder dead = good_epoch_one();
  dead.add(400, 3, ev::Crash{1}).add(400, 3, ev::ProcessStart{2}).add(400, 3, ev::TreeReset{Zxid::zero()});
  dead.add(401, 2, ev::PeerState{zab::ServerState::kLeading, ServerId{2}, 1});
  dead.add(401, 2, ev::SyncChosen{ServerId{3}, SyncMode::kSnap, ZX(1, 0), ZX(2, 0)});
  CHECK_FALSE(check_preconditions(dead.run()).violates("learner-reports-held-zxid"));
}

TEST_CASE("sync-reply-covers-commits: a sync answered below a txn committed before it began is rejected") {
  RunBuilder b = good_epoch_one();  // <1,2> committed at 302 ms
  PreconditionsOptions fresh{.syncs = {SyncReply{350'000'000, 360'000'000, Z(1, 2), 100, "c1 op 1"}}};
  CHECK(check_preconditions(b.run(), fresh).ok());
  PreconditionsOptions before{.syncs = {SyncReply{250'000'000, 360'000'000, Z(1, 1), 100, "c1 op 1"}}};
  CHECK(check_preconditions(b.run(), before).ok());  // invoked before <1,2> committed
  PreconditionsOptions stale{.syncs = {SyncReply{350'000'000, 360'000'000, Z(1, 1), 100, "c1 op 1"}}};
  CHECK(check_preconditions(b.run(), stale).violates("sync-reply-covers-commits"));
}

// --- deliberately broken protocols ---------------------------------------------------------

TEST_CASE("each precondition catches the broken protocol it guards against; the correct one passes") {
  struct Case {
    const char* scenario;  // scenarios/bugs/<name>.json, its switch on
    const char* property;
  };
  const Case cases[] = {
      {"current-epoch-at-uptodate", "ack-newleader-after-current-epoch"},       // ZOOKEEPER-1282
      {"current-epoch-before-logging", "current-epoch-after-synced-txns"},      // ZOOKEEPER-4643
      {"log-synced-txns-at-uptodate", "current-epoch-after-synced-txns"},       // ZOOKEEPER-3911
      {"epoch-rename-not-durable", "epochs-never-go-back"},                     // D31
      {"no-epoch-files", "epochs-never-go-back"},                               // ZOOKEEPER-335 / 1081
      {"diff-instead-of-trunc", "diff-within-leader-history"},                  // ZOOKEEPER-1154
      {"diff-sets-last-processed-zxid", "learner-reports-held-zxid"},           // ZOOKEEPER-2355
      {"sync-without-quorum", "sync-reply-covers-commits"},                     // ZOOKEEPER-1675
  };
  for (const Case& c : cases) {
    CAPTURE(c.scenario);
    const CheckResult broken = run_scenario(c.scenario, true);
    CHECK_MESSAGE(broken.violates(c.property), broken.report());
    const CheckResult correct = run_scenario(c.scenario, false);
    CHECK_MESSAGE(correct.ok(), correct.report());
  }
}
