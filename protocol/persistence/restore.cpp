#include "protocol/persistence/restore.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/persistence/atomic_file.h"
#include "protocol/persistence/txn_log_file.h"

namespace zab {

namespace {

// An epoch file that cannot be read refuses the start as such (not as a database problem).
DiskError epoch_file_unreadable(DiskError error) {
  error.refusal = StartupRefusal::kEpochFileUnreadable;
  return error;
}

// FileTxnSnapLog.fastForwardFromEdits: replay the log from `last_processed` + 1.
std::optional<DiskError> fast_forward_from_edits(const std::vector<LogFileView>& log,
                                                 Zxid last_processed, const RestoreTree& tree,
                                                 Restored& restored) {
  restored.highest_zxid = last_processed;
  FileTxnIterator it(log, Zxid::from_raw(last_processed.raw() + 1), true);
  // Each pass consumes one record of a finite log.
  for (const Txn* txn = it.txn(); txn != nullptr; txn = it.next() ? it.txn() : nullptr) {
    const Zxid zxid = txn->header.zxid;
    if (zxid < restored.highest_zxid && restored.highest_zxid != Zxid::zero()) {
      ++restored.txns_out_of_order;
    } else {
      restored.highest_zxid = zxid;
    }
    // FileTxnSnapLog.processTransaction: the session table first, then the tree.
    if (const auto* create = std::get_if<CreateSessionTxn>(&txn->body)) {
      restored.sessions[txn->header.session] = create->timeout_ms;
    } else if (std::holds_alternative<CloseSessionTxn>(txn->body)) {
      restored.sessions.erase(txn->header.session);
    }
    tree.process_txn(*txn);
    ++restored.txns_replayed;
  }
  ZAB_ASSERT(restored.highest_zxid >= last_processed, "replay never takes the restored zxid below where it started");
  ZAB_ASSERT(restored.txns_out_of_order <= restored.txns_replayed, "only replayed txns can be out of order");
  return it.error();
}

std::string hex(std::uint64_t value) { return fmt::format("{:x}", value); }

}  // namespace

OrDiskError<Restored> restore(const DurableFiles& files, const RestoreTree& tree,
                              const RestoreOptions& options, std::vector<Output>& out) {
  Restored restored;
  const SnapshotLoad load = deserialize_snapshot(files, restored.sessions, tree.deserialize);
  if (const auto* error = std::get_if<DiskError>(&load)) return *error;
  const std::vector<LogFileView> log = parse_log_files(files);

  if (const auto* loaded = std::get_if<LoadedSnapshot>(&load)) {
    restored.snapshot_zxid = loaded->zxid;
    restored.snapshot_file = loaded->file;
    restored.snapshots_skipped = loaded->skipped;
    tree.set_last_processed_zxid(loaded->zxid);
    if (auto error = fast_forward_from_edits(log, loaded->zxid, tree, restored)) return *error;
    ZAB_ASSERT(restored.highest_zxid >= loaded->zxid,
               "replay never lowers the restored zxid below the snapshot's");
    return restored;
  }

  // No snapshot. A fresh tree's lastProcessedZxid is 0.
  if (get_last_logged_zxid(log).has_value()) {
    if (!options.snapshot_trust_empty) {
      return DiskError{"No snapshot found, but there are log entries. Something is broken!"};
    }
    if (auto error = fast_forward_from_edits(log, Zxid::zero(), tree, restored)) return *error;
    ZAB_ASSERT(!restored.snapshot_zxid.has_value(), "a restore without a snapshot names none");
    return restored;
  }
  // An empty database (trustEmptyDB, zookeeper.db.autocreate's default): save it and start at
  // zxid 0. save() names the snapshot after the tree's lastProcessedZxid, 0.
  save_snapshot(Zxid::zero(), restored.sessions, tree.serialize, out);
  restored.wrote_empty_snapshot = true;
  ZAB_ASSERT(restored.txns_replayed == 0, "an empty database replays nothing");
  ZAB_ASSERT(restored.sessions.empty(), "an empty database has no sessions");
  restored.highest_zxid = Zxid::zero();
  return restored;
}

OrDiskError<StartupEpochs> check_epochs_at_start(const EpochFileRead& current_epoch,
                                                 const EpochFileRead& current_epoch_tmp,
                                                 const EpochFileRead& accepted_epoch,
                                                 Zxid last_processed_zxid) {
  const Epoch epoch_of_zxid = last_processed_zxid.epoch();
  StartupEpochs e;

  if (!current_epoch) {
    e.current_epoch = epoch_of_zxid;  // "...This should only happen when you are upgrading"
    e.write_current_epoch = true;
  } else if (const auto* error = std::get_if<DiskError>(&*current_epoch)) {
    return epoch_file_unreadable(*error);
  } else {
    e.current_epoch = std::get<Epoch>(*current_epoch);
  }

  if (epoch_of_zxid > e.current_epoch) {
    if (!current_epoch_tmp) {
      return DiskError{fmt::format("The current epoch, {}, is older than the last zxid, {}",
                                   hex(e.current_epoch),
                                   static_cast<std::int64_t>(last_processed_zxid.raw())),
                       StartupRefusal::kCurrentEpochOlderThanLastZxid};
    }
    if (const auto* error = std::get_if<DiskError>(&*current_epoch_tmp)) return epoch_file_unreadable(*error);
    e.current_epoch = std::get<Epoch>(*current_epoch_tmp);
    e.write_current_epoch = true;
    e.current_epoch_from_tmp = true;
  }

  if (!accepted_epoch) {
    e.accepted_epoch = epoch_of_zxid;
    e.write_accepted_epoch = true;
  } else if (const auto* error = std::get_if<DiskError>(&*accepted_epoch)) {
    return epoch_file_unreadable(*error);
  } else {
    e.accepted_epoch = std::get<Epoch>(*accepted_epoch);
  }

  if (e.accepted_epoch < e.current_epoch) {
    return DiskError{fmt::format("The accepted epoch, {} is less than the current epoch, {}",
                                 hex(e.accepted_epoch), hex(e.current_epoch)),
                     StartupRefusal::kAcceptedEpochBelowCurrent};
  }
  ZAB_ASSERT(!e.current_epoch_from_tmp || e.write_current_epoch, "a currentEpoch taken from the tmp file is written back");
  return e;
}

OrDiskError<StartupEpochs> check_epochs_at_start(const DurableFiles& files, Zxid last_processed_zxid) {
  return check_epochs_at_start(read_epoch_file(files, kCurrentEpochFile),
                               read_epoch_file(files, atomic_tmp_name(std::string(kCurrentEpochFile))),
                               read_epoch_file(files, kAcceptedEpochFile), last_processed_zxid);
}

}  // namespace zab
