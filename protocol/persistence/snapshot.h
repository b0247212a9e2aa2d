#pragma once
// FileSnap as sans-IO: the snapshot file's format, writing one, and choosing the newest valid
// one at start (persistence/FileSnap, SnapStream, util/SerializeUtils).
//
// A snapshot file, big-endian, in SnapStream's CHECKED mode (no compression):
//   header:   magic int "ZKSN" = 0x5A4B534E, version int 2, dbid long -1
//   sessions: count int, then count × (sessionId long, timeout int)
//   tree:     whatever the data tree's serializer writes (DataTree.serialize: the ACL cache,
//             then nodes in pre-order ending with the path "/")
//   seal:     Adler32 of every byte above, as a long; then the string "/" (int 1, byte '/')
// Deviation: ZooKeeper 3.8.0 (zookeeper.digest.enabled=true) then appends the tree digest and
// a second seal. zabsim has no digests (see txn.h), so it writes what ZooKeeper writes with
// digests disabled — a format 3.8.0 reads too (its digest read hits EOF and accepts). When
// reading, a digest section and its seal are checked if present, as ZooKeeper does.
//
// The file is named after the tree's lastProcessedZxid when the snapshot starts. ZooKeeper
// serializes while other threads apply txns (a "fuzzy" snapshot); a sans-IO node serializes at
// one instant, so ours are exact — replaying txns it already holds stays harmless either way.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/persistence/atomic_file.h"
#include "protocol/base/codec.h"
#include "protocol/persistence/data_dir.h"
#include "protocol/persistence/disk_error.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"

namespace zab {

inline constexpr std::uint32_t kSnapshotMagic = 0x5A4B534E;  // "ZKSN" (FileSnap.SNAP_MAGIC)
inline constexpr std::int32_t kSnapshotVersion = 2;          // FileSnap.VERSION
inline constexpr std::int64_t kSnapshotDbId = -1;            // FileSnap.dbId
// FileSnap.deserialize tries at most this many snapshots, newest first.
inline constexpr std::size_t kSnapshotsTriedMax = 100;
// SnapStream.isValidCheckedStream: smaller files cannot hold a header and the seal's "/".
inline constexpr std::size_t kSnapshotBytesMin = 10;

// ZKDatabase.sessionsWithTimeouts: session id -> negotiated timeout (ms).
using SessionsWithTimeouts = std::map<SessionId, std::int32_t>;

// The data tree as a snapshot sees it. DataTree.serialize(Writer&) and
// DataTree.deserialize(Reader&) plug in here; the deserializer must replace the whole tree
// (as DataTree.deserialize does) and return false, or fail the Reader, on malformed input.
using TreeSerializer = std::function<void(Writer&)>;
using TreeDeserializer = std::function<bool(Reader&)>;

// FileSnap.serialize + SnapStream.sealStream: the whole file.
Bytes serialize_snapshot(const SessionsWithTimeouts& sessions, const TreeSerializer& tree);

// FileTxnSnapLog.save(dataTree, sessions, syncSnap=false), what every snapshot but a SNAP
// sync's is: a plain FileOutputStream on the final name `snapshot.<hex zxid>` and no fsync at
// all (3.8.0 never fsyncs these; a crash can leave any prefix, which load skips as invalid).
// `zxid` is the tree's lastProcessedZxid.
void save_snapshot(Zxid zxid, const SessionsWithTimeouts& sessions, const TreeSerializer& tree,
                   std::vector<Output>& out);

// FileTxnSnapLog.save(..., syncSnap=true), the learner's snapshot at NEWLEADER after a SNAP
// sync (Learner.syncWithLeader → takeSnapshot(true)): SnapStream opens an
// AtomicFileOutputStream, so `snapshot.<hex zxid>.tmp` is written and fsynced (Fsync with
// `tag`), and renamed to `snapshot.<hex zxid>` when the caller passes FsyncDone{tag} to
// `writer.on_fsync_done`. No directory fsync.
void save_snapshot_synced(AtomicFileWriter& writer, Zxid zxid, const SessionsWithTimeouts& sessions,
                          const TreeSerializer& tree, std::uint64_t tag, std::vector<Output>& out);

// SnapStream.isValidSnapshot (CHECKED mode): the name parses as a snapshot's, the file has at
// least 10 bytes, and its last 5 are the seal's string "/" (int 1, then '/'). A cheap check:
// the checksum is verified only when the snapshot is loaded.
bool is_valid_snapshot(std::string_view name, const Bytes& bytes);

// FileSnap.findNValidSnapshots(n): up to `n` snapshots passing is_valid_snapshot, newest first.
// As in ZooKeeper every name that parses counts, so a leftover `snapshot.<zxid>.tmp` of a SNAP
// sync interrupted between fsync and rename is a candidate too (after `snapshot.<zxid>`).
std::vector<DataFile> find_n_valid_snapshots(const DurableFiles& files, std::size_t n);

// No snapshot passed the cheap check: FileSnap.deserialize's -1.
struct NoSnapshot {};

struct LoadedSnapshot {
  Zxid zxid;         // from the file's name, never its content; becomes lastProcessedZxid
  std::string file;  // the snapshot that loaded
  // Newer candidates that failed to load, with why ("snapshot.5: CRC corruption"); ZooKeeper
  // WARNs "problem reading snap file" for each.
  std::vector<std::string> skipped;
};

// FileSnap.deserialize: try up to 100 candidates newest first; the first whose header, sessions
// and tree parse and whose seal's checksum matches wins. Sessions are added to `sessions` as
// they are read and, as in ZooKeeper (SerializeUtils.deserializeSnapshot never clears the
// map), those read from a candidate that then failed stay there. The tree deserializer runs
// once per candidate tried. Candidates exist but none loads: ZooKeeper's IOException "Not able
// to find valid snapshots in <dir>".
using SnapshotLoad = std::variant<NoSnapshot, LoadedSnapshot, DiskError>;
SnapshotLoad deserialize_snapshot(const DurableFiles& files, SessionsWithTimeouts& sessions,
                                  const TreeDeserializer& tree);

}  // namespace zab
