#pragma once
// Names of the files in a ZooKeeper data directory, as `persistence/Util` makes and parses
// them. zabsim keeps one flat directory per process: no `version-2` subdirectory, and the
// transaction log lives beside the snapshots (dataLogDir == dataDir).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/ids.h"
#include "protocol/base/io.h"

namespace zab {

inline constexpr std::string_view kLogFilePrefix = "log";            // FileTxnLog.LOG_FILE_PREFIX
inline constexpr std::string_view kSnapshotFilePrefix = "snapshot";  // FileSnap.SNAPSHOT_FILE_PREFIX
// AtomicFileOutputStream.TMP_EXTENSION: the temporary name of an atomically written file.
inline constexpr std::string_view kTmpExtension = ".tmp";

// "log.<hex zxid>" (Util.makeLogName): lowercase hex, no padding, no 0x.
std::string make_log_name(Zxid zxid);
// "snapshot.<hex zxid>" (Util.makeSnapshotName, CHECKED stream mode: no extension).
std::string make_snapshot_name(Zxid zxid);

// Util.getZxidFromName: the text between the first and the second '.' (or the end), parsed as
// hex, if the text before the first '.' is `prefix`. So "snapshot.5.tmp" parses as 5, as it
// does in ZooKeeper. nullopt where ZooKeeper returns -1. Deviation: names ZooKeeper would parse
// as a negative number ("log.-5", which no code writes) are refused here too.
std::optional<Zxid> zxid_from_name(std::string_view name, std::string_view prefix);

struct DataFile {
  Zxid zxid;          // from the name
  std::string name;
};

// Util.sortDataDir over the files whose names parse with `prefix`, ascending by name zxid.
// Names with the same zxid keep their name order (ZooKeeper's sort is stable over the
// directory listing; our listing is the ordered map).
std::vector<DataFile> sort_data_dir(const DurableFiles& files, std::string_view prefix);

}  // namespace zab
