// ZkDatabase.truncateLog with deviation D29 (issue 13): snapshots above the TRUNC point are
// removed, except a SNAP sync's <e,0> snapshot, which may be a learner's only copy of txns at
// or below it; and a truncation whose reload lacks txns up to the TRUNC point fails (D10), so a
// learner never claims a zxid whose txns it does not hold.

#include "protocol/database/zk_database.h"

#include <doctest/doctest.h>

#include "protocol/base/config.h"
#include "protocol/persistence/local_files.h"
#include "protocol/persistence/log_syncer.h"
#include "protocol/base/random_source.h"
#include "protocol/persistence/snapshot.h"
#include "protocol/persistence/txn_log.h"

using namespace zab;

namespace {

struct NoRandom final : RandomSource {
  std::uint64_t uniform_below(std::uint64_t) override { return 0; }
};

Txn create(Zxid zxid, const std::string& path) {
  return Txn{TxnHeader{SessionId{0x100}, 1, zxid, 1000, OpCode::kCreate}, CreateTxn{path, Bytes{'x'}, false, 1}};
}

// Applies `out`'s file outputs to `files` as if they were synced.
void sync_into(DurableFiles& files, const std::vector<Output>& out) {
  for (const Output& o : out) {
    if (const auto* w = std::get_if<out::WriteFile>(&o)) files[w->file] = w->bytes;
    if (const auto* a = std::get_if<out::Append>(&o)) files[a->file].insert(files[a->file].end(), a->bytes.begin(), a->bytes.end());
  }
}

// One learner's database over `files`, loaded.
struct Learner {
  ServerConfig config;
  NoRandom random;
  LocalFiles local;
  LogSyncer syncer{config, &random};
  ZkDatabase db{config, syncer, local};
  std::vector<Output> out;

  explicit Learner(const DurableFiles& files) {
    local.reset(files);
    syncer.reset(files);
    REQUIRE(std::holds_alternative<Restored>(db.load(files, out)));
  }
};

// The files of a learner that logged <1,1> (create /a), was then synced by SNAP to a leader
// whose tree holds /a and <2,1> (create /b) — `snapshot_zxid` names the snapshot it wrote —
// and logged one more proposal of epoch 3 (create /c).
DurableFiles snap_synced_learner(Zxid snapshot_zxid) {
  DurableFiles files;
  {
    Learner fresh(files);  // an empty data directory: loading writes snapshot.0
    sync_into(files, fresh.out);
    FileTxnLog log(files);
    std::vector<Output> out;
    log.append(create(Zxid::make(1, 1), "/a"), out);
    sync_into(files, out);
  }
  // The leader's tree, as the SNAP carried it.
  Learner leader(DurableFiles{});
  leader.db.apply_committed(Zxid::make(1, 1), encode_txn(create(Zxid::make(1, 1), "/a")), leader.out);
  leader.db.apply_committed(Zxid::make(2, 1), encode_txn(create(Zxid::make(2, 1), "/b")), leader.out);
  leader.db.set_last_processed_zxid(snapshot_zxid);
  std::vector<Output> out;
  leader.db.take_snapshot(/*fsync=*/false, out);
  sync_into(files, out);
  REQUIRE(files.contains(make_snapshot_name(snapshot_zxid)));
  // Then it logged the next proposal of that epoch, which the next leader never had.
  FileTxnLog log(files);
  out.clear();
  log.append(create(Zxid::make(3, snapshot_zxid.counter() + 1), "/c"), out);
  sync_into(files, out);
  return files;
}

}  // namespace

TEST_CASE("D29: a TRUNC below a SNAP's <e,0> snapshot keeps it, and the reload holds the TRUNC point's txns") {
  Learner learner(snap_synced_learner(Zxid::make(3, 0)));
  REQUIRE(learner.db.tree().get_data("/b").has_value());
  std::vector<Output> out;
  CHECK(learner.db.truncate_log(Zxid::make(2, 1), out));
  CHECK(learner.db.tree().get_data("/a").has_value());
  CHECK(learner.db.tree().get_data("/b").has_value());  // <2,1> is there: only the snapshot held it
  for (const Output& o : out) {
    if (const auto* r = std::get_if<out::Remove>(&o)) CHECK(r->file != make_snapshot_name(Zxid::make(3, 0)));
  }
}

TEST_CASE("D29: a TRUNC whose reload lacks the TRUNC point's txns fails instead of claiming them") {
  // The same learner, but its snapshot is named above the TRUNC point with a txn counter: D29
  // removes it, and the reload (log <1,1> only) cannot reach <2,1>.
  Learner learner(snap_synced_learner(Zxid::make(3, 2)));
  std::vector<Output> out;
  CHECK_FALSE(learner.db.truncate_log(Zxid::make(2, 1), out));
  CHECK(learner.db.last_processed_zxid() < Zxid::make(2, 1));
}
