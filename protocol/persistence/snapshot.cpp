#include "protocol/persistence/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "protocol/base/assert.h"

namespace zab {

namespace {

constexpr std::string_view kSealPath = "/";
// ZxidDigest: zxid long, digestVersion int, digest long.
constexpr std::size_t kZxidDigestBytes = 8 + 4 + 8;

// SnapStream.sealStream: the checksum of everything written so far, then the path "/".
void seal(Writer& w) {
  const std::uint32_t checksum = adler32(w.bytes());
  w.u64(checksum);
  w.string(std::string(kSealPath));
  ZAB_ASSERT(w.bytes().size() >= 8 + 4 + 1, "a seal is a checksum and the path \"/\"");
  ZAB_ASSERT(w.bytes().back() == '/', "a sealed stream ends with the seal's path \"/\"");
}

// SnapStream.checkSealIntegrity at the reader's position: nullopt if the seal matches.
std::optional<std::string> check_seal(Reader& r, std::span<const std::uint8_t> bytes) {
  ZAB_ASSERT(r.position() <= bytes.size(), "the seal is checked at a position inside the bytes read");
  const std::uint64_t expected = adler32(bytes.first(r.position()));
  const std::uint64_t found = r.u64();
  r.string();  // read and ignored, as ZooKeeper does
  if (!r.ok()) return fmt::format("the seal is cut short ({})", r.error());
  if (found != expected) return std::string("CRC corruption");
  return std::nullopt;
}

// One candidate, as FileSnap.deserialize's try block: nullopt if it loaded, else why not.
std::optional<std::string> load_one(std::span<const std::uint8_t> bytes,
                                    SessionsWithTimeouts& sessions, const TreeDeserializer& tree) {
  Reader r(bytes);
  const std::uint32_t magic = r.u32();
  r.i32();  // version: not checked by ZooKeeper
  r.i64();  // dbid: not checked either
  if (!r.ok()) return fmt::format("the header is cut short ({})", r.error());
  if (magic != kSnapshotMagic) {
    return fmt::format("mismatching magic headers {} !=  {}", static_cast<std::int32_t>(magic),
                       static_cast<std::int32_t>(kSnapshotMagic));
  }
  // SerializeUtils.deserializeSnapshot: sessions go straight into the caller's map. The loop
  // is bounded by the bytes: each session takes 12, and the reader fails at the end.
  for (std::int32_t count = r.i32(); count > 0 && r.ok(); --count) {
    const SessionId id{r.i64()};
    const std::int32_t timeout_ms = r.i32();
    if (r.ok()) sessions[id] = timeout_ms;
  }
  if (!r.ok()) return fmt::format("the sessions are cut short ({})", r.error());
  if (!tree(r) || !r.ok()) {
    return fmt::format("the data tree does not parse ({})", r.ok() ? "rejected" : r.error());
  }
  if (auto bad = check_seal(r, bytes)) return bad;
  // DataTree.deserializeZxidDigest: an EOF inside the digest means an older snapshot without
  // one, accepted; a complete digest must be followed by a matching second seal.
  if (r.remaining() >= kZxidDigestBytes) {
    r.raw(kZxidDigestBytes);
    if (auto bad = check_seal(r, bytes)) return bad;
  }
  return std::nullopt;
}

}  // namespace

Bytes serialize_snapshot(const SessionsWithTimeouts& sessions, const TreeSerializer& tree) {
  Writer w;
  w.u32(kSnapshotMagic);
  w.i32(kSnapshotVersion);
  w.i64(kSnapshotDbId);
  ZAB_ASSERT(sessions.size() <= static_cast<std::size_t>(INT32_MAX), "the session count fits jute's int");
  w.i32(static_cast<std::int32_t>(sessions.size()));
  for (const auto& [id, timeout_ms] : sessions) {
    w.i64(id.value);
    ZAB_ASSERT(id.value != 0, "session 0 is never a session: it asks for a new one");
    w.i32(timeout_ms);
  }
  tree(w);
  seal(w);
  ZAB_ASSERT(is_valid_snapshot(make_snapshot_name(Zxid::zero()), w.bytes()),
             "a snapshot just written passes the validity check that load applies");
  return w.take();
}

void save_snapshot(Zxid zxid, const SessionsWithTimeouts& sessions, const TreeSerializer& tree,
                   std::vector<Output>& out) {
  out.push_back(out::WriteFile{make_snapshot_name(zxid), serialize_snapshot(sessions, tree)});
}

void save_snapshot_synced(AtomicFileWriter& writer, Zxid zxid, const SessionsWithTimeouts& sessions,
                          const TreeSerializer& tree, std::uint64_t tag, std::vector<Output>& out) {
  ZAB_ASSERT(tag != 0, "a synced snapshot's fsync carries the tag its completion is routed by");
  writer.begin(make_snapshot_name(zxid), serialize_snapshot(sessions, tree), tag, out);
}

bool is_valid_snapshot(std::string_view name, const Bytes& bytes) {
  if (!zxid_from_name(name, kSnapshotFilePrefix)) return false;
  if (bytes.size() < kSnapshotBytesMin) return false;
  Reader tail(std::span<const std::uint8_t>(bytes).last(5));
  const std::int32_t length = tail.i32();
  const std::uint8_t slash = tail.u8();
  return tail.ok() && length == 1 && slash == '/';
}

std::vector<DataFile> find_n_valid_snapshots(const DurableFiles& files, std::size_t n) {
  std::vector<DataFile> sorted = sort_data_dir(files, kSnapshotFilePrefix);
  // Newest first; among equal zxids the listing (name) order stays, as a stable sort keeps it.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const DataFile& a, const DataFile& b) { return a.zxid > b.zxid; });
  std::vector<DataFile> valid;
  for (const DataFile& f : sorted) {
    if (valid.size() == n) break;
    if (is_valid_snapshot(f.name, files.at(f.name))) valid.push_back(f);
  }
  ZAB_ASSERT(valid.size() <= n, "findNValidSnapshots returns at most n files");
  ZAB_ASSERT(std::is_sorted(valid.begin(), valid.end(), [](const DataFile& a, const DataFile& b) { return a.zxid > b.zxid; }),
             "valid snapshots come newest first");
  return valid;
}

SnapshotLoad deserialize_snapshot(const DurableFiles& files, SessionsWithTimeouts& sessions,
                                  const TreeDeserializer& tree) {
  const std::vector<DataFile> candidates = find_n_valid_snapshots(files, kSnapshotsTriedMax);
  if (candidates.empty()) return NoSnapshot{};
  ZAB_ASSERT(candidates.size() <= kSnapshotsTriedMax, "at most the newest few valid snapshots are tried");
  LoadedSnapshot loaded;
  for (const DataFile& candidate : candidates) {
    const std::optional<std::string> problem = load_one(files.at(candidate.name), sessions, tree);
    if (!problem) {
      loaded.zxid = candidate.zxid;
      ZAB_ASSERT(loaded.skipped.size() < candidates.size(), "a loaded snapshot is one of the candidates");
      loaded.file = candidate.name;
      return loaded;
    }
    loaded.skipped.push_back(fmt::format("{}: {}", candidate.name, *problem));
  }
  std::string why;
  ZAB_ASSERT(loaded.skipped.size() == candidates.size(), "every candidate was tried and skipped before giving up");
  for (const std::string& s : loaded.skipped) why += "; " + s;
  return DiskError{fmt::format("Not able to find valid snapshots in the data directory{}", why)};
}

}  // namespace zab
