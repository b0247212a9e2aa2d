#pragma once
// The epoch files `acceptedEpoch` and `currentEpoch` as QuorumPeer writes and reads them
// (QuorumPeer.writeLongToFile / readLongFromFile): the decimal text of the epoch, no newline,
// written atomically (atomic_file.h). Reading parses the first line; anything that is not a
// number is ZooKeeper's IOException "Found <line> in <file>", here a DiskError with that text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/persistence/atomic_file.h"
#include "protocol/persistence/disk_error.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"

namespace zab {

inline constexpr std::string_view kCurrentEpochFile = "currentEpoch";    // CURRENT_EPOCH_FILENAME
inline constexpr std::string_view kAcceptedEpochFile = "acceptedEpoch";  // ACCEPTED_EPOCH_FILENAME

// Long.toString(epoch) as bytes.
Bytes format_epoch(Epoch epoch);

// readLongFromFile on the bytes of `file`: the first line (up to '\n' or '\r'), parsed as
// Long.parseLong does (optional sign, decimal digits). An empty file has no first line
// ("Found null in <file>", as in ZooKeeper). Deviation: a number that parses but is not an
// epoch zabsim can hold (negative, or above 2^32 - 1) is an error too; ZooKeeper's epochs are
// longs, but no ZooKeeper code path writes such a value.
OrDiskError<Epoch> parse_epoch_file(std::string_view file, const Bytes& bytes);

// An epoch file as found at start: nullopt if the file is absent (ZooKeeper's
// FileNotFoundException), else its value or why it is malformed.
using EpochFileRead = std::optional<OrDiskError<Epoch>>;
EpochFileRead read_epoch_file(const DurableFiles& files, std::string_view file);

// QuorumPeer.writeLongToFile(file, epoch): an atomic write; the caller passes in::FsyncDone
// for `tag` to `writer.on_fsync_done`, which issues the rename. QuorumPeer's setters write the
// file first and only then change the in-memory epoch (ZOOKEEPER-2307); the node keeps that
// order by updating its epoch when the rename is issued.
void write_epoch_file(AtomicFileWriter& writer, std::string_view file, Epoch epoch,
                      std::uint64_t tag, std::vector<Output>& out);

}  // namespace zab
