#pragma once
// Loading the database at start, as sans-IO pure functions over in::Start's files:
// - restore(): FileTxnSnapLog.restore — the newest valid snapshot, then the log's txns after
//   it, applied through the tree's callbacks; the empty-database and snapshot-less cases as
//   3.8.0 handles them (ZOOKEEPER-2325/3056);
// - check_epochs_at_start(): the epoch checks of QuorumPeer.loadDataBase that run after it,
//   with ZooKeeper's refusals as errors.
// Problems with the files are DiskErrors (ZooKeeper's IOException: the server does not
// start), never assertions.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocol/persistence/disk_error.h"
#include "protocol/persistence/epoch_files.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"
#include "protocol/persistence/snapshot.h"
#include "protocol/database/txn.h"

namespace zab {

// What restore needs of the data tree; the node plugs its DataTree in.
struct RestoreTree {
  // DataTree.deserialize: replace the whole tree from a snapshot; false on malformed input.
  TreeDeserializer deserialize;
  // DataTree.serialize, for the empty database's `snapshot.0`.
  TreeSerializer serialize;
  // FileSnap.deserialize: `dt.lastProcessedZxid = <the snapshot's name zxid>`.
  std::function<void(Zxid)> set_last_processed_zxid;
  // One txn replayed from the log: DataTree.processTxn (which raises lastProcessedZxid), and
  // ZKDatabase's PlayBackListener, which adds it to the committedLog. Results are ignored, as
  // FileTxnSnapLog.processTransaction ignores them (ZOOKEEPER-1573: fuzzy snapshots make
  // NONODE/NODEEXISTS on replay normal).
  std::function<void(const Txn&)> process_txn;
};

struct RestoreOptions {
  // zookeeper.snapshot.trust.empty (default false): with no snapshot but a log, replay the
  // whole log onto the empty tree instead of refusing to start (ZOOKEEPER-3056).
  bool snapshot_trust_empty = false;
  // zookeeper.db.autocreate is not an option: zabsim always runs with its default (true), so
  // an empty data directory starts an empty database (and the `initialize` file is moot).
};

struct Restored {
  // FileTxnSnapLog.restore's result: the last txn replayed, or the snapshot's zxid if none
  // was, or 0 for a new empty database.
  Zxid highest_zxid;
  std::optional<Zxid> snapshot_zxid;  // the snapshot loaded; nullopt if none was
  std::string snapshot_file;          // its name, "" if none
  // ZKDatabase.sessionsWithTimeouts: from the snapshot, then createSession/closeSession txns
  // replayed (FileTxnSnapLog.processTransaction).
  SessionsWithTimeouts sessions;
  std::uint64_t txns_replayed = 0;
  // Replayed txns whose zxid was below the highest before them: ZooKeeper logs an ERROR
  // ("...(highestZxid) > ...(next log)") and applies them anyway.
  std::uint64_t txns_out_of_order = 0;
  bool wrote_empty_snapshot = false;  // the empty database's snapshot.0 was emitted
  std::vector<std::string> snapshots_skipped;  // newer snapshots that failed to load, and why
};

// FileTxnSnapLog.restore(dt, sessions, listener):
// 1. load the newest valid snapshot (snapshot.h); none passes the cheap check → step 3;
//    candidates but none loads → error "Not able to find valid snapshots ...";
// 2. fastForwardFromEdits: replay every readable log txn from the snapshot's zxid + 1 on; a
//    fatal fault in the log (CRC mismatch, bad header) is an error;
// 3. without a snapshot: if the log has any file (FileTxnLog.getLastLoggedZxid != -1) refuse
//    with "No snapshot found, but there are log entries. Something is broken!" unless
//    `snapshot_trust_empty`, which replays the whole log; with no log either, emit
//    `snapshot.0` of the empty tree (save(..., syncSnap=false): not fsynced) and return 0.
// File outputs (only the empty database's snapshot) go to `out`.
OrDiskError<Restored> restore(const DurableFiles& files, const RestoreTree& tree,
                              const RestoreOptions& options, std::vector<Output>& out);

// QuorumPeer.loadDataBase's decision on the epochs, once the database is loaded.
struct StartupEpochs {
  Epoch current_epoch = 0;
  Epoch accepted_epoch = 0;
  // currentEpoch must be written (write_epoch_file) with `current_epoch`: it was missing
  // (ZooKeeper's upgrade path) or was taken from currentEpoch.tmp (setCurrentEpoch writes it).
  bool write_current_epoch = false;
  // acceptedEpoch was missing: write it with `accepted_epoch`.
  bool write_accepted_epoch = false;
  // currentEpoch was older than the last zxid's epoch and currentEpoch.tmp was adopted
  // (ZOOKEEPER-4269), without checking that the adopted value is any newer.
  bool current_epoch_from_tmp = false;
};

// The checks, in ZooKeeper's order, on the files as found (nullopt = absent):
// 1. currentEpoch malformed → its error; missing → the epoch of `last_processed_zxid`;
// 2. if the last zxid's epoch is above currentEpoch: currentEpoch.tmp present → adopt it
//    (malformed → its error); absent → "The current epoch, <hex>, is older than the last
//    zxid, <decimal>";
// 3. acceptedEpoch malformed → its error; missing → the epoch of `last_processed_zxid`;
// 4. acceptedEpoch below currentEpoch → "The accepted epoch, <hex> is less than the current
//    epoch, <hex>".
// Deviation: ZooKeeper writes a missing currentEpoch (step 1) or the adopted tmp value
// (step 2) before a later step may still refuse; here a refusal writes nothing. The next
// start reaches the same refusal either way.
OrDiskError<StartupEpochs> check_epochs_at_start(const EpochFileRead& current_epoch,
                                                 const EpochFileRead& current_epoch_tmp,
                                                 const EpochFileRead& accepted_epoch,
                                                 Zxid last_processed_zxid);
// The same, reading currentEpoch, currentEpoch.tmp and acceptedEpoch from `files`.
OrDiskError<StartupEpochs> check_epochs_at_start(const DurableFiles& files, Zxid last_processed_zxid);

}  // namespace zab
