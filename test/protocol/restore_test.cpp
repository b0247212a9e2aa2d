#include "protocol/persistence/restore.h"

#include <doctest/doctest.h>

#include "protocol/persistence/txn_log.h"
#include "test/protocol/fake_tree.h"

using namespace zab;

namespace {

Zxid z(std::uint32_t counter) { return Zxid::make(1, counter); }

Txn set_data(Zxid zxid) {
  const auto v = static_cast<std::uint8_t>('0' + zxid.counter());
  return Txn{TxnHeader{SessionId{0x100}, 1, zxid, 1000, OpCode::kSetData},
             SetDataTxn{"/a", Bytes{v}, static_cast<std::int32_t>(zxid.counter())}};
}

// Appends `txns` to a log (rolling every three) and writes the files into `files` as if synced.
void write_log(DurableFiles& files, const std::vector<Txn>& txns) {
  FileTxnLog log({});
  std::vector<Output> out;
  int n = 0;
  for (const Txn& t : txns) {
    log.append(t, out);
    if (++n % 3 == 0) log.roll_log();
  }
  for (const Output& o : out) {
    if (const auto* w = std::get_if<out::WriteFile>(&o)) files[w->file] = w->bytes;
    if (const auto* a = std::get_if<out::Append>(&o)) {
      files[a->file].insert(files[a->file].end(), a->bytes.begin(), a->bytes.end());
    }
  }
}

std::vector<Txn> set_data_range(std::uint32_t from, std::uint32_t to) {
  std::vector<Txn> txns;
  for (std::uint32_t c = from; c <= to; ++c) txns.push_back(set_data(z(c)));
  return txns;
}

// The tree after applying txns 1..n.
test::FakeTree tree_after(std::uint32_t n) {
  test::FakeTree t;
  for (const Txn& txn : set_data_range(1, n)) t.process_txn(txn);
  t.applied.clear();
  return t;
}

void add_snapshot(DurableFiles& files, Zxid zxid, const SessionsWithTimeouts& sessions,
                  const test::FakeTree& tree) {
  files[make_snapshot_name(zxid)] =
      serialize_snapshot(sessions, [&tree](Writer& w) { tree.serialize(w); });
}

RestoreTree adapter(test::FakeTree& t) {
  return RestoreTree{
      .deserialize = [&t](Reader& r) { return t.deserialize(r); },
      .serialize = [&t](Writer& w) { t.serialize(w); },
      .set_last_processed_zxid = [&t](Zxid zxid) { t.last_processed_zxid = zxid; },
      .process_txn = [&t](const Txn& txn) { t.process_txn(txn); },
  };
}

std::vector<Zxid> range(std::uint32_t from, std::uint32_t to) {
  std::vector<Zxid> out;
  for (std::uint32_t c = from; c <= to; ++c) out.push_back(z(c));
  return out;
}

std::string error_of(const OrDiskError<Restored>& r) {
  const auto* e = std::get_if<DiskError>(&r);
  return e != nullptr ? e->message : "(no error)";
}

std::string error_of(const OrDiskError<StartupEpochs>& r) {
  const auto* e = std::get_if<DiskError>(&r);
  return e != nullptr ? e->message : "(no error)";
}

EpochFileRead epoch(Epoch e) { return OrDiskError<Epoch>{e}; }

}  // namespace

TEST_CASE("restore loads the newest snapshot and replays only the log's txns after it") {
  DurableFiles files;
  write_log(files, set_data_range(1, 9));
  add_snapshot(files, z(2), {}, tree_after(2));
  add_snapshot(files, z(5), {}, tree_after(5));
  test::FakeTree tree;
  std::vector<Output> out;
  const auto result = restore(files, adapter(tree), {}, out);
  REQUIRE(std::holds_alternative<Restored>(result));
  const Restored& r = std::get<Restored>(result);
  CHECK(r.snapshot_zxid == z(5));
  CHECK(r.snapshot_file == "snapshot.100000005");
  CHECK(tree.applied == range(6, 9));
  CHECK(r.txns_replayed == 4);
  CHECK(r.highest_zxid == z(9));
  CHECK(tree.last_processed_zxid == z(9));
  CHECK(tree.nodes.at("/a") == "9");
  CHECK(out.empty());
}

TEST_CASE("restore with a torn newest snapshot falls back to an older one and replays more") {
  DurableFiles files;
  write_log(files, set_data_range(1, 9));
  add_snapshot(files, z(2), {}, tree_after(2));
  add_snapshot(files, z(5), {}, tree_after(5));
  files.at("snapshot.100000005").resize(20);
  test::FakeTree tree;
  std::vector<Output> out;
  const auto result = restore(files, adapter(tree), {}, out);
  REQUIRE(std::holds_alternative<Restored>(result));
  CHECK(std::get<Restored>(result).snapshot_zxid == z(2));
  CHECK(tree.applied == range(3, 9));
}

TEST_CASE("a snapshot with nothing logged after it restores to the snapshot's zxid") {
  DurableFiles files;
  write_log(files, set_data_range(1, 5));
  add_snapshot(files, z(5), {{SessionId{3}, 4000}}, tree_after(5));
  test::FakeTree tree;
  std::vector<Output> out;
  const auto result = restore(files, adapter(tree), {}, out);
  REQUIRE(std::holds_alternative<Restored>(result));
  CHECK(std::get<Restored>(result).highest_zxid == z(5));
  CHECK(tree.last_processed_zxid == z(5));
  CHECK(tree.applied.empty());
  CHECK(std::get<Restored>(result).sessions == SessionsWithTimeouts{{SessionId{3}, 4000}});
}

TEST_CASE("replayed createSession and closeSession txns update the session table") {
  DurableFiles files;
  std::vector<Txn> txns = set_data_range(1, 2);
  txns.push_back(Txn{TxnHeader{SessionId{5}, 0, z(3), 1000, OpCode::kCreateSession}, CreateSessionTxn{6000}});
  txns.push_back(Txn{TxnHeader{SessionId{1}, 0, z(4), 1000, OpCode::kCloseSession}, CloseSessionTxn{}});
  write_log(files, txns);
  add_snapshot(files, z(2), {{SessionId{1}, 4000}}, tree_after(2));
  test::FakeTree tree;
  std::vector<Output> out;
  const auto result = restore(files, adapter(tree), {}, out);
  REQUIRE(std::holds_alternative<Restored>(result));
  CHECK(std::get<Restored>(result).sessions == SessionsWithTimeouts{{SessionId{5}, 6000}});
  CHECK(tree.applied == range(3, 4));
}

TEST_CASE("a log without any valid snapshot refuses to start unless snapshot.trust.empty") {
  DurableFiles files;
  write_log(files, set_data_range(1, 4));
  test::FakeTree tree;
  std::vector<Output> out;
  CHECK(error_of(restore(files, adapter(tree), {}, out)) ==
        "No snapshot found, but there are log entries. Something is broken!");
  CHECK(tree.applied.empty());
  CHECK(out.empty());

  const auto trusted = restore(files, adapter(tree), RestoreOptions{.snapshot_trust_empty = true}, out);
  REQUIRE(std::holds_alternative<Restored>(trusted));
  CHECK(tree.applied == range(1, 4));
  CHECK(std::get<Restored>(trusted).highest_zxid == z(4));
  CHECK_FALSE(std::get<Restored>(trusted).snapshot_zxid.has_value());
}

TEST_CASE("an empty data directory writes snapshot.0 of the empty tree and starts at zxid 0") {
  DurableFiles files;
  files["acceptedEpoch"] = Bytes{'0'};  // not a snapshot or log: irrelevant to restore
  test::FakeTree tree;
  std::vector<Output> out;
  const auto result = restore(files, adapter(tree), {}, out);
  REQUIRE(std::holds_alternative<Restored>(result));
  CHECK(std::get<Restored>(result).highest_zxid == Zxid::zero());
  CHECK(std::get<Restored>(result).wrote_empty_snapshot);
  REQUIRE(out.size() == 1);
  const auto& snap = std::get<out::WriteFile>(out[0]);
  CHECK(snap.file == "snapshot.0");
  // That snapshot is what the next start loads.
  files[snap.file] = snap.bytes;
  std::vector<Output> again;
  const auto next = restore(files, adapter(tree), {}, again);
  REQUIRE(std::holds_alternative<Restored>(next));
  CHECK(std::get<Restored>(next).snapshot_zxid == Zxid::zero());
  CHECK(again.empty());
}

TEST_CASE("restore stops with the log's error on a bad checksum, and forgives a torn tail") {
  DurableFiles files;
  write_log(files, set_data_range(1, 6));
  add_snapshot(files, z(2), {}, tree_after(2));
  DurableFiles torn = files;
  torn.at("log.100000004").pop_back();  // the last record loses its 'B'
  test::FakeTree tree;
  std::vector<Output> out;
  const auto ok = restore(torn, adapter(tree), {}, out);
  REQUIRE(std::holds_alternative<Restored>(ok));
  CHECK(std::get<Restored>(ok).highest_zxid == z(5));

  files.at("log.100000004")[kTxnLogHeaderBytes + 30] ^= 0x10;  // inside txn 4's entry
  test::FakeTree tree2;
  const std::string error = error_of(restore(files, adapter(tree2), {}, out));
  CHECK(error == "log.100000004: offset 16: CRC check failed");
  CHECK(tree2.applied == range(3, 3));  // applied before the fault was met, as ZooKeeper does
}

TEST_CASE("start-up refuses a currentEpoch older than the last zxid's epoch") {
  const auto r = check_epochs_at_start(epoch(1), std::nullopt, epoch(2), Zxid::make(2, 1));
  CHECK(error_of(r) == "The current epoch, 1, is older than the last zxid, 8589934593");
  const auto hex = check_epochs_at_start(epoch(0x1a), std::nullopt, epoch(0x1b), Zxid::make(0x1b, 0));
  CHECK(error_of(hex) == "The current epoch, 1a, is older than the last zxid, 115964116992");
}

TEST_CASE("start-up refuses an acceptedEpoch below the currentEpoch") {
  const auto r = check_epochs_at_start(epoch(0x1a), std::nullopt, epoch(0x11), Zxid::make(3, 7));
  CHECK(error_of(r) == "The accepted epoch, 11 is less than the current epoch, 1a");
}

TEST_CASE("start-up accepts consistent epochs and fills in missing ones from the last zxid") {
  const auto ok = check_epochs_at_start(epoch(3), std::nullopt, epoch(4), Zxid::make(3, 9));
  REQUIRE(std::holds_alternative<StartupEpochs>(ok));
  CHECK(std::get<StartupEpochs>(ok).current_epoch == 3);
  CHECK(std::get<StartupEpochs>(ok).accepted_epoch == 4);
  CHECK_FALSE(std::get<StartupEpochs>(ok).write_current_epoch);
  CHECK_FALSE(std::get<StartupEpochs>(ok).write_accepted_epoch);

  const auto missing = check_epochs_at_start(std::nullopt, std::nullopt, std::nullopt, Zxid::make(5, 1));
  REQUIRE(std::holds_alternative<StartupEpochs>(missing));
  const StartupEpochs& m = std::get<StartupEpochs>(missing);
  CHECK(m.current_epoch == 5);
  CHECK(m.accepted_epoch == 5);
  CHECK(m.write_current_epoch);
  CHECK(m.write_accepted_epoch);
}

TEST_CASE("a leftover currentEpoch.tmp is adopted when currentEpoch is behind (ZOOKEEPER-4269)") {
  const auto r = check_epochs_at_start(epoch(1), epoch(2), epoch(2), Zxid::make(2, 1));
  REQUIRE(std::holds_alternative<StartupEpochs>(r));
  CHECK(std::get<StartupEpochs>(r).current_epoch == 2);
  CHECK(std::get<StartupEpochs>(r).current_epoch_from_tmp);
  CHECK(std::get<StartupEpochs>(r).write_current_epoch);
  // 3.8.0 does not check that the adopted value is any newer.
  const auto stale = check_epochs_at_start(epoch(1), epoch(1), epoch(1), Zxid::make(2, 1));
  REQUIRE(std::holds_alternative<StartupEpochs>(stale));
  CHECK(std::get<StartupEpochs>(stale).current_epoch == 1);
  // The tmp file is read only when needed: a malformed one is harmless otherwise.
  const OrDiskError<Epoch> bad = DiskError{"Found x in currentEpoch.tmp"};
  CHECK(std::holds_alternative<StartupEpochs>(check_epochs_at_start(epoch(2), bad, epoch(2), Zxid::make(2, 1))));
  CHECK(error_of(check_epochs_at_start(epoch(1), bad, epoch(2), Zxid::make(2, 1))) ==
        "Found x in currentEpoch.tmp");
}

TEST_CASE("start-up reads the epoch files from the durable files") {
  DurableFiles files;
  files["currentEpoch"] = Bytes{'1'};
  files["acceptedEpoch"] = Bytes{'2'};
  CHECK(error_of(check_epochs_at_start(files, Zxid::make(2, 1))) ==
        "The current epoch, 1, is older than the last zxid, 8589934593");
  files["currentEpoch.tmp"] = Bytes{'2'};
  const auto r = check_epochs_at_start(files, Zxid::make(2, 1));
  REQUIRE(std::holds_alternative<StartupEpochs>(r));
  CHECK(std::get<StartupEpochs>(r).current_epoch == 2);
  files["acceptedEpoch"] = Bytes{'x'};
  CHECK(error_of(check_epochs_at_start(files, Zxid::make(2, 1))) == "Found x in acceptedEpoch");
}
