#include "protocol/persistence/snapshot.h"

#include <doctest/doctest.h>

#include "test/protocol/fake_tree.h"
#include "test/support/disk_driver.h"

using namespace zab;

namespace {

Zxid z(std::uint32_t counter) { return Zxid::make(1, counter); }

TreeSerializer serializer(const test::FakeTree& tree) {
  return [&tree](Writer& w) { tree.serialize(w); };
}

TreeDeserializer deserializer(test::FakeTree& tree) {
  return [&tree](Reader& r) { return tree.deserialize(r); };
}

test::FakeTree tree_with(const std::string& a, const std::string& b) {
  test::FakeTree t;
  t.nodes["/a"] = a;
  t.nodes["/b"] = b;
  return t;
}

Bytes snapshot_bytes(const SessionsWithTimeouts& sessions, const test::FakeTree& tree) {
  return serialize_snapshot(sessions, serializer(tree));
}

}  // namespace

TEST_CASE("a snapshot is the ZKSN header, sessions, the tree, then the Adler32 seal and '/'") {
  const test::FakeTree tree = tree_with("x", "y");
  std::vector<Output> out;
  save_snapshot(z(5), {{SessionId{7}, 4000}}, serializer(tree), out);
  REQUIRE(out.size() == 1);  // no fsync: 3.8.0 does not sync regular snapshots
  const auto& file = std::get<out::WriteFile>(out[0]);
  CHECK(file.file == "snapshot.100000005");
  const Bytes& b = file.bytes;
  const Bytes header(b.begin(), b.begin() + 16);
  CHECK(header == Bytes{'Z', 'K', 'S', 'N', 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  Reader r(b);
  r.raw(16);
  CHECK(r.i32() == 1);
  CHECK(r.i64() == 7);
  CHECK(r.i32() == 4000);
  test::FakeTree back;
  REQUIRE(back.deserialize(r));
  const std::size_t seal_at = r.position();
  CHECK(r.u64() == adler32(std::span<const std::uint8_t>(b).first(seal_at)));
  CHECK(r.string() == "/");
  CHECK(r.at_end());
  CHECK(is_valid_snapshot(file.file, b));
}

TEST_CASE("a snapshot round-trips its sessions and tree, and its zxid comes from the name") {
  const test::FakeTree tree = tree_with("hello", "world");
  DurableFiles files;
  files["snapshot.100000005"] = snapshot_bytes({{SessionId{1}, 4000}, {SessionId{2}, 6000}}, tree);
  SessionsWithTimeouts sessions;
  test::FakeTree loaded;
  const SnapshotLoad load = deserialize_snapshot(files, sessions, deserializer(loaded));
  REQUIRE(std::holds_alternative<LoadedSnapshot>(load));
  CHECK(std::get<LoadedSnapshot>(load).zxid == z(5));
  CHECK(std::get<LoadedSnapshot>(load).file == "snapshot.100000005");
  CHECK(loaded.nodes == tree.nodes);
  CHECK(sessions == SessionsWithTimeouts{{SessionId{1}, 4000}, {SessionId{2}, 6000}});
}

TEST_CASE("a truncated newest snapshot is skipped in favour of an older valid one") {
  const test::FakeTree old_tree = tree_with("old", "old");
  const Bytes newest = snapshot_bytes({{SessionId{9}, 5000}}, tree_with("new", "new"));
  bool saw_cheap_valid_prefix = false;
  for (std::size_t cut = 0; cut < newest.size(); ++cut) {
    CAPTURE(cut);
    DurableFiles files;
    files["snapshot.100000003"] = snapshot_bytes({}, old_tree);
    files["snapshot.100000007"] = Bytes(newest.begin(), newest.begin() + static_cast<std::ptrdiff_t>(cut));
    SessionsWithTimeouts sessions;
    test::FakeTree loaded;
    const SnapshotLoad load = deserialize_snapshot(files, sessions, deserializer(loaded));
    REQUIRE(std::holds_alternative<LoadedSnapshot>(load));
    CHECK(std::get<LoadedSnapshot>(load).zxid == z(3));
    CHECK(loaded.nodes == old_tree.nodes);
    // A cut right after the tree's closing "/" passes the cheap check; the seal then fails.
    if (!std::get<LoadedSnapshot>(load).skipped.empty()) saw_cheap_valid_prefix = true;
  }
  CHECK(saw_cheap_valid_prefix);
}

TEST_CASE("a complete snapshot with a flipped byte fails its checksum and an older one loads") {
  DurableFiles files;
  files["snapshot.100000003"] = snapshot_bytes({{SessionId{1}, 4000}}, tree_with("old", "old"));
  Bytes newest = snapshot_bytes({{SessionId{9}, 5000}}, tree_with("new", "new"));
  // Flip a data byte of the tree: everything still parses, only the checksum can tell.
  const std::size_t at = 16 + 4 + 12 + 4 + 2 + 4;  // header, sessions, "/a", length of "new"
  REQUIRE(newest[at] == 'n');
  newest[at] = 'N';
  files["snapshot.100000007"] = newest;
  SessionsWithTimeouts sessions;
  test::FakeTree loaded;
  const SnapshotLoad load = deserialize_snapshot(files, sessions, deserializer(loaded));
  REQUIRE(std::holds_alternative<LoadedSnapshot>(load));
  const auto& l = std::get<LoadedSnapshot>(load);
  CHECK(l.zxid == z(3));
  REQUIRE(l.skipped.size() == 1);
  CHECK(l.skipped[0] == "snapshot.100000007: CRC corruption");
  CHECK(loaded.nodes.at("/a") == "old");
  // ZooKeeper's quirk: the failed candidate's sessions stay in the map.
  CHECK(sessions == SessionsWithTimeouts{{SessionId{1}, 4000}, {SessionId{9}, 5000}});
}

TEST_CASE("no snapshot is -1; snapshots that all fail to load are an error") {
  SessionsWithTimeouts sessions;
  test::FakeTree loaded;
  DurableFiles files;
  files["snapshot.100000003"] = Bytes{1, 2, 3};  // fails the cheap check: not a candidate
  files["currentEpoch"] = Bytes{'1'};
  CHECK(std::holds_alternative<NoSnapshot>(deserialize_snapshot(files, sessions, deserializer(loaded))));

  Bytes bad = snapshot_bytes({}, tree_with("a", "b"));
  bad[0] = 'X';  // wrong magic
  files["snapshot.100000004"] = bad;
  const SnapshotLoad load = deserialize_snapshot(files, sessions, deserializer(loaded));
  REQUIRE(std::holds_alternative<DiskError>(load));
  CHECK(std::get<DiskError>(load).message.find("Not able to find valid snapshots") == 0);
  CHECK(std::get<DiskError>(load).message.find("snapshot.100000004: mismatching magic headers") !=
        std::string::npos);
}

TEST_CASE("findNValidSnapshots lists valid ones newest first, a leftover .tmp among them") {
  DurableFiles files;
  const Bytes good = snapshot_bytes({}, tree_with("a", "b"));
  files["snapshot.1"] = good;
  files["snapshot.3"] = good;
  files["snapshot.3.tmp"] = good;
  files["snapshot.2"] = Bytes(good.begin(), good.end() - 1);  // torn: invalid
  files["snapshot.zz"] = good;                                // name does not parse
  std::vector<std::string> names;
  for (const DataFile& f : find_n_valid_snapshots(files, 100)) names.push_back(f.name);
  CHECK(names == std::vector<std::string>{"snapshot.3", "snapshot.3.tmp", "snapshot.1"});
  CHECK(find_n_valid_snapshots(files, 1).size() == 1);
}

TEST_CASE("a regular snapshot is not synced; a SNAP-sync snapshot is tmp, fsync, rename") {
  const test::FakeTree tree = tree_with("a", "b");
  SUBCASE("regular: a crash before any later fsync loses it") {
    test::DiskDriver d;
    std::vector<Output> out;
    save_snapshot(z(5), {}, serializer(tree), out);
    d.apply_all(out);
    CHECK(d.in_flight.empty());
    CHECK(d.crash().empty());
  }
  SUBCASE("synced: complete after the fsync even if the rename is lost") {
    test::DiskDriver d;
    AtomicFileWriter writer;
    std::vector<Output> out;
    save_snapshot_synced(writer, z(5), {}, serializer(tree), 3, out);
    REQUIRE(out.size() == 2);
    CHECK(std::get<out::WriteFile>(out[0]).file == "snapshot.100000005.tmp");
    CHECK(std::get<out::Fsync>(out[1]).file == "snapshot.100000005.tmp");
    d.apply_all(out);
    for (const std::uint64_t tag : d.complete_fsyncs()) {
      std::vector<Output> rename;
      CHECK(writer.on_fsync_done(tag, rename) == "snapshot.100000005");
      REQUIRE(rename.size() == 1);
      CHECK(std::get<out::Rename>(rename[0]).to == "snapshot.100000005");
      d.apply_all(rename);
    }
    const DurableFiles files = d.crash();
    // The rename was not made durable by a later fsync; 3.8.0 then loads the .tmp itself.
    CHECK(files.contains("snapshot.100000005.tmp"));
    SessionsWithTimeouts sessions;
    test::FakeTree loaded;
    const SnapshotLoad load = deserialize_snapshot(files, sessions, deserializer(loaded));
    REQUIRE(std::holds_alternative<LoadedSnapshot>(load));
    CHECK(std::get<LoadedSnapshot>(load).zxid == z(5));
    CHECK(loaded.nodes == tree.nodes);
  }
}
