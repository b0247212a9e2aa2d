// LearnerHandler.syncFollower's choice between DIFF, TRUNC and SNAP, each in the situation
// where ZooKeeper makes it (notes/zab_phases.md §3.2, §3.3).

#include "protocol/quorum/sync_follower.h"

#include <doctest/doctest.h>

using namespace zab;

namespace {
Zxid z(Epoch e, std::uint32_t c) { return Zxid::make(e, c); }

CommittedLog log_of(std::initializer_list<Zxid> zxids) {
  CommittedLog log(500);
  for (Zxid x : zxids) log.add(Proposal{x, Bytes{static_cast<std::uint8_t>(x.counter())}});
  return log;
}

// The sequence of (type, zxid) the plan queues, for compact assertions.
std::vector<std::pair<PacketType, Zxid>> shape(const SyncPlan& plan) {
  std::vector<std::pair<PacketType, Zxid>> v;
  for (const auto& p : plan.queued) v.emplace_back(p.type, p.zxid);
  return v;
}

using P = PacketType;
}  // namespace

TEST_CASE("a learner already in sync gets an empty DIFF of its own zxid") {
  const auto log = log_of({z(1, 1), z(1, 2), z(1, 3)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 3), .committed_log = &log, .last_processed_zxid = z(1, 3)});
  CHECK(plan.mode == SyncMode::kDiff);
  CHECK(shape(plan) == std::vector<std::pair<P, Zxid>>{{P::kDiff, z(1, 3)}});
  CHECK(plan.current_zxid == z(1, 3));
}

TEST_CASE("a learner behind, within the committedLog window, gets DIFF then PROPOSAL/COMMIT pairs") {
  const auto log = log_of({z(1, 1), z(1, 2), z(1, 3), z(1, 4)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 2), .committed_log = &log, .last_processed_zxid = z(1, 4)});
  CHECK(plan.mode == SyncMode::kDiff);
  CHECK(shape(plan) == std::vector<std::pair<P, Zxid>>{
                           {P::kDiff, z(1, 4)}, {P::kProposal, z(1, 3)}, {P::kCommit, z(1, 3)},
                           {P::kProposal, z(1, 4)}, {P::kCommit, z(1, 4)}});
  CHECK(plan.queued[1].data == Bytes{3});
  CHECK(plan.current_zxid == z(1, 4));
}

TEST_CASE("a learner ahead of everything committed, in the same epoch, gets TRUNC to maxCommittedLog") {
  // An old leader that logged <1,5> and <1,6> that never committed rejoins.
  const auto log = log_of({z(1, 1), z(1, 2), z(1, 3), z(1, 4)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 6), .committed_log = &log, .last_processed_zxid = z(1, 4)});
  CHECK(plan.mode == SyncMode::kTrunc);
  CHECK(shape(plan) == std::vector<std::pair<P, Zxid>>{{P::kTrunc, z(1, 4)}});
  CHECK(plan.current_zxid == z(1, 4));
}

TEST_CASE("a learner with a txn missing from our history, same epoch, gets TRUNC then pairs") {
  // Our history skips <2,3> (the learner logged it, we never did): TRUNC to <2,2>, then <2,4>.
  const auto log = log_of({z(2, 1), z(2, 2), z(2, 4), z(2, 5)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(2, 3), .committed_log = &log, .last_processed_zxid = z(2, 5)});
  CHECK(plan.mode == SyncMode::kTruncDiff);
  CHECK(shape(plan) == std::vector<std::pair<P, Zxid>>{{P::kTrunc, z(2, 2)}, {P::kProposal, z(2, 4)}, {P::kCommit, z(2, 4)},
                                                       {P::kProposal, z(2, 5)}, {P::kCommit, z(2, 5)}});
}

TEST_CASE("a learner whose divergent tail is in an older epoch gets SNAP, never a cross-epoch TRUNC") {
  // The learner logged <1,4> as leader of epoch 1; the quorum moved on to epoch 2 from <1,3>.
  const auto log = log_of({z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 4), .committed_log = &log, .last_processed_zxid = z(2, 2)});
  CHECK(plan.mode == SyncMode::kSnap);
  CHECK(plan.queued.empty());
  CHECK(plan.current_zxid == z(1, 4));  // forwarding had already started from here
}

TEST_CASE("a learner behind the window gets DIFF from the txn log when the log reaches back") {
  CommittedLog log(500);
  std::vector<Proposal> on_disk;
  for (std::uint32_t c = 1; c <= 600; ++c) {
    Proposal p{z(1, c), Bytes{1, 2, 3}};
    on_disk.push_back(p);
    log.add(p);
  }
  REQUIRE(log.min_committed() == z(1, 100));  // 501 entries kept: <1,100> .. <1,600>
  TxnLogView view{.proposals_from = [&](Zxid from) {
                    std::vector<Proposal> r;
                    for (const auto& p : on_disk) {
                      if (p.zxid >= from) r.push_back(p);
                    }
                    return r;
                  },
                  .log_bytes_from = [](Zxid) { return std::int64_t{100}; },
                  .last_snapshot_bytes = 1'000'000};
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 50), .committed_log = &log, .last_processed_zxid = z(1, 600),
                                   .txn_log = &view});
  CHECK(plan.mode == SyncMode::kDiff);
  REQUIRE(plan.queued.size() == 1 + 2 * 550);
  CHECK(plan.queued.front().type == P::kDiff);
  CHECK(plan.queued.front().zxid == z(1, 600));
  CHECK(plan.queued[1].zxid == z(1, 51));
  CHECK(plan.queued.back().zxid == z(1, 600));
  CHECK(plan.current_zxid == z(1, 600));

  SUBCASE("but SNAP when the log to read is larger than a third of the snapshot") {
    TxnLogView big = view;
    big.log_bytes_from = [](Zxid) { return std::int64_t{400'000}; };
    const SyncPlan snap = plan_sync({.peer_last_zxid = z(1, 50), .committed_log = &log, .last_processed_zxid = z(1, 600),
                                     .txn_log = &big});
    CHECK(snap.mode == SyncMode::kSnap);
    CHECK(snap.current_zxid == z(1, 600));
  }
  SUBCASE("and SNAP when the log does not reach back far enough") {
    TxnLogView short_log = view;
    short_log.proposals_from = [&](Zxid) { return std::vector<Proposal>(on_disk.begin() + 80, on_disk.end()); };
    const SyncPlan snap = plan_sync({.peer_last_zxid = z(1, 50), .committed_log = &log, .last_processed_zxid = z(1, 600),
                                     .txn_log = &short_log});
    CHECK(snap.mode == SyncMode::kSnap);
  }
}

TEST_CASE("D28: the txn log serves a DIFF only from the newest snapshot on (a SNAP may have replaced what lies before)") {
  // The leader was synced by SNAP at <2,2> (snapshot.200000002): its log holds <1,1> from
  // before and <3,1>.. after, which by zxid alone looks unbroken across the epoch change.
  CommittedLog log(500);
  log.add(Proposal{z(3, 1), {}});
  const std::vector<Proposal> on_disk = {{z(1, 1), {}}, {z(3, 1), {}}};
  TxnLogView view{.proposals_from = [&](Zxid from) {
                    std::vector<Proposal> r;
                    for (const auto& p : on_disk) {
                      if (p.zxid >= from) r.push_back(p);
                    }
                    return r;
                  },
                  .log_bytes_from = [](Zxid) { return std::int64_t{10}; },
                  .last_snapshot_bytes = 1'000'000,
                  .last_snapshot_zxid = z(2, 2)};
  const SyncInputs behind{.peer_last_zxid = z(1, 1), .committed_log = &log, .last_processed_zxid = z(3, 1), .txn_log = &view};
  CHECK(plan_sync(behind).mode == SyncMode::kSnap);  // a DIFF would skip <2,1> and <2,2>

  SUBCASE("without a snapshot above it, the same log would serve the DIFF (what ZooKeeper does)") {
    TxnLogView no_snapshot = view;
    no_snapshot.last_snapshot_zxid = Zxid{};
    SyncInputs in = behind;
    in.txn_log = &no_snapshot;
    CHECK(plan_sync(in).mode == SyncMode::kDiff);
  }
}

TEST_CASE("a learner behind the window with no txn log to read from gets SNAP") {
  CommittedLog log(500);
  for (std::uint32_t c = 1; c <= 600; ++c) log.add(Proposal{z(1, c), {}});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 10), .committed_log = &log, .last_processed_zxid = z(1, 600)});
  CHECK(plan.mode == SyncMode::kSnap);
  CHECK(plan.queued.empty());
  CHECK(plan.current_zxid == z(1, 600));
}

TEST_CASE("a learner reporting a new-epoch zxid <e,0> is never truncated") {
  // It synced with an earlier leader of epoch 2 before any txn; we are ahead in epoch 2.
  const auto log = log_of({z(1, 7), z(2, 1), z(2, 2)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(2, 0), .committed_log = &log, .last_processed_zxid = z(2, 2)});
  CHECK(plan.mode == SyncMode::kDiff);
  CHECK(shape(plan) == std::vector<std::pair<P, Zxid>>{{P::kDiff, z(2, 2)}, {P::kProposal, z(2, 1)}, {P::kCommit, z(2, 1)},
                                                       {P::kProposal, z(2, 2)}, {P::kCommit, z(2, 2)}});
}

TEST_CASE("forceSnapshotSync always chooses SNAP") {
  const auto log = log_of({z(1, 1), z(1, 2)});
  const SyncPlan plan = plan_sync({.peer_last_zxid = z(1, 2), .committed_log = &log, .last_processed_zxid = z(1, 2),
                                   .force_snap_sync = true});
  CHECK(plan.mode == SyncMode::kSnap);
}

TEST_CASE("the committedLog keeps commitLogCount + 1 entries and never fewer than 500 as capacity") {
  CommittedLog log(10);  // raised to 500
  for (std::uint32_t c = 1; c <= 1000; ++c) log.add(Proposal{z(3, c), {}});
  CHECK(log.size() == 501);
  CHECK(log.min_committed() == z(3, 500));
  CHECK(log.max_committed() == z(3, 1000));
  log.clear();
  CHECK(log.empty());
  CHECK(log.max_committed() == Zxid::zero());
}
