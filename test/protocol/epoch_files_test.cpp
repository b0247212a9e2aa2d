#include "protocol/persistence/epoch_files.h"

#include <doctest/doctest.h>

#include "test/support/disk_driver.h"

using namespace zab;

namespace {

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

std::string error_of(const OrDiskError<Epoch>& r) {
  const auto* e = std::get_if<DiskError>(&r);
  return e != nullptr ? e->message : "(no error)";
}

Epoch value_of(const DurableFiles& files, std::string_view name) {
  const EpochFileRead read = read_epoch_file(files, name);
  REQUIRE(read.has_value());
  REQUIRE(std::holds_alternative<Epoch>(*read));
  return std::get<Epoch>(*read);
}

// A disk whose durable currentEpoch holds 1.
test::DiskDriver disk_with_epoch_1() {
  test::DiskDriver d;
  d.disk.write_file("currentEpoch", text("1"));
  d.disk.fsync_complete(d.disk.fsync_begin("currentEpoch"));
  return d;
}

}  // namespace

TEST_CASE("epoch files are the decimal text of the epoch, without a newline") {
  CHECK(format_epoch(0) == text("0"));
  CHECK(format_epoch(4294967295u) == text("4294967295"));
  CHECK(std::get<Epoch>(parse_epoch_file("currentEpoch", text("17"))) == 17);
  CHECK(std::get<Epoch>(parse_epoch_file("currentEpoch", text("17\n"))) == 17);
  CHECK(std::get<Epoch>(parse_epoch_file("currentEpoch", text("17\r\ngarbage"))) == 17);
  CHECK(std::get<Epoch>(parse_epoch_file("currentEpoch", text("+3"))) == 3);
}

TEST_CASE("a malformed epoch file is ZooKeeper's error: Found <line> in <file>") {
  CHECK(error_of(parse_epoch_file("currentEpoch", text(""))) == "Found null in currentEpoch");
  CHECK(error_of(parse_epoch_file("currentEpoch", text("\n5"))) == "Found  in currentEpoch");
  CHECK(error_of(parse_epoch_file("acceptedEpoch", text("12x"))) == "Found 12x in acceptedEpoch");
  CHECK(error_of(parse_epoch_file("acceptedEpoch", text(" 5"))) == "Found  5 in acceptedEpoch");
  CHECK(error_of(parse_epoch_file("acceptedEpoch", text("-"))) == "Found - in acceptedEpoch");
  CHECK(error_of(parse_epoch_file("acceptedEpoch", text("4294967296"))).find("Found 4294967296 in acceptedEpoch") == 0);
  CHECK(error_of(parse_epoch_file("acceptedEpoch", text("-1"))).find("Found -1 in acceptedEpoch") == 0);
  CHECK_FALSE(read_epoch_file({}, kCurrentEpochFile).has_value());  // missing is not malformed
}

TEST_CASE("an epoch write is tmp, fsync tmp, and the rename only after the fsync is done") {
  AtomicFileWriter writer;
  std::vector<Output> out;
  write_epoch_file(writer, kCurrentEpochFile, 2, 9, out);
  REQUIRE(out.size() == 2);
  CHECK(std::get<out::WriteFile>(out[0]).file == "currentEpoch.tmp");
  CHECK(std::get<out::WriteFile>(out[0]).bytes == text("2"));
  CHECK(std::get<out::Fsync>(out[1]).file == "currentEpoch.tmp");
  CHECK(std::get<out::Fsync>(out[1]).tag == 9);
  CHECK(writer.writing("currentEpoch"));
  out.clear();
  CHECK_FALSE(writer.on_fsync_done(8, out).has_value());  // not ours
  CHECK(out.empty());
  CHECK(writer.on_fsync_done(9, out) == "currentEpoch");
  REQUIRE(out.size() == 1);
  CHECK(std::get<out::Rename>(out[0]).from == "currentEpoch.tmp");
  CHECK(std::get<out::Rename>(out[0]).to == "currentEpoch");
  CHECK_FALSE(writer.writing("currentEpoch"));
}

TEST_CASE("a crash at any point of an epoch write leaves the old value or, once synced, the new") {
  AtomicFileWriter writer;
  std::vector<Output> begin;
  write_epoch_file(writer, kCurrentEpochFile, 2, 9, begin);
  std::vector<Output> finish;
  REQUIRE(writer.on_fsync_done(9, finish).has_value());

  SUBCASE("crash after the temp file's write, before its fsync") {
    test::DiskDriver d = disk_with_epoch_1();
    d.apply(begin[0]);
    const DurableFiles files = d.crash();
    CHECK(value_of(files, kCurrentEpochFile) == 1);
  }
  SUBCASE("crash after the fsync, before the rename") {
    test::DiskDriver d = disk_with_epoch_1();
    d.apply_all(begin);
    d.complete_fsyncs();
    const DurableFiles files = d.crash();
    CHECK(value_of(files, kCurrentEpochFile) == 1);
    CHECK(value_of(files, "currentEpoch.tmp") == 2);  // ZOOKEEPER-4269's leftover
  }
  SUBCASE("crash after the rename, before anything else was fsynced") {
    test::DiskDriver d = disk_with_epoch_1();
    d.apply_all(begin);
    d.complete_fsyncs();
    d.apply_all(finish);
    CHECK(d.disk.cached("currentEpoch") != nullptr);
    CHECK(*d.disk.cached("currentEpoch") == text("2"));  // the running process reads the new one
    const DurableFiles files = d.crash();
    CHECK(value_of(files, kCurrentEpochFile) == 1);
  }
  SUBCASE("a later fsync of any file makes the rename durable") {
    test::DiskDriver d = disk_with_epoch_1();
    d.apply_all(begin);
    d.complete_fsyncs();
    d.apply_all(finish);
    d.apply(out::Append{"log.100000001", text("x")});
    d.apply(out::Fsync{"log.100000001", 10});
    d.complete_fsyncs();
    const DurableFiles files = d.crash();
    CHECK(value_of(files, kCurrentEpochFile) == 2);
    CHECK_FALSE(files.contains("currentEpoch.tmp"));
  }
}

TEST_CASE("D31: with fsync_after_rename the write is done only once the rename is durable") {
  AtomicFileWriter writer(/*fsync_after_rename=*/true);
  std::vector<Output> begin;
  write_epoch_file(writer, kCurrentEpochFile, 2, 9, begin);
  REQUIRE(begin.size() == 2);
  test::DiskDriver d = disk_with_epoch_1();
  d.apply_all(begin);
  d.complete_fsyncs();

  std::vector<Output> rename;
  // The temp file's fsync: the rename is issued, but the write is not done yet.
  CHECK_FALSE(writer.on_fsync_done(9, rename).has_value());
  REQUIRE(rename.size() == 2);
  CHECK(std::get<out::Rename>(rename[0]).to == "currentEpoch");
  CHECK(std::get<out::Fsync>(rename[1]).file == "currentEpoch");
  CHECK(std::get<out::Fsync>(rename[1]).tag == 9);  // the same tag: the caller sees one write
  CHECK(writer.writing("currentEpoch"));  // still under way until the rename is durable
  d.apply_all(rename);

  SUBCASE("a crash before the rename's fsync completes may still bring back the old value") {
    const DurableFiles files = d.crash();
    CHECK(value_of(files, kCurrentEpochFile) == 1);
  }
  SUBCASE("once the rename's fsync is done, the write is reported and a crash keeps the new value") {
    d.complete_fsyncs();
    std::vector<Output> done;
    CHECK(writer.on_fsync_done(9, done) == "currentEpoch");
    CHECK(done.empty());
    CHECK_FALSE(writer.writing("currentEpoch"));
    const DurableFiles files = d.crash();
    CHECK(value_of(files, kCurrentEpochFile) == 2);
    CHECK_FALSE(files.contains("currentEpoch.tmp"));
  }
}
