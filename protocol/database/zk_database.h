#pragma once
// ZKDatabase: the in-memory database a server keeps for its whole process lifetime, across
// elections — the data tree, the sessions with their timeouts, the committedLog window — and
// what touches the disk on its behalf: restore at start, snapshots, the TRUNC reload.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocol/persistence/atomic_file.h"
#include "protocol/database/committed_log.h"
#include "protocol/base/config.h"
#include "protocol/database/data_tree.h"
#include "protocol/persistence/disk_error.h"
#include "protocol/persistence/restore.h"
#include "protocol/persistence/snapshot.h"
#include "protocol/base/zab_trace.h"

namespace zab {

class LogSyncer;
class LocalFiles;

class ZkDatabase {
 public:
  ZkDatabase(const ServerConfig& config, LogSyncer& syncer, LocalFiles& files);

  // loadDataBase: the newest valid snapshot plus the log after it (restore.h). Replayed txns
  // enter the committedLog (PlayBackListener).
  OrDiskError<Restored> load(const DurableFiles& files, std::vector<Output>& out);

  const DataTree& tree() const { return tree_; }
  const CommittedLog& committed_log() const { return committed_log_; }
  const SessionsWithTimeouts& sessions() const { return sessions_; }
  Zxid last_processed_zxid() const { return tree_.last_processed_zxid(); }
  void set_last_processed_zxid(Zxid zxid) { tree_.set_last_processed_zxid(zxid); }

  // ZooKeeperServer.processTxn(Request): apply a committed txn and add it to the committedLog.
  ProcessTxnResult apply_committed(Zxid zxid, const Bytes& txn, std::vector<Output>& out);
  // processTxn(hdr, txn): apply without the committedLog (a learner's sync-time applies in 3.8).
  ProcessTxnResult apply_outside_committed_log(Zxid zxid, const Bytes& txn, std::vector<Output>& out);

  // The snapshot a leader sends after SNAP (sessions and tree), and its loading on the learner
  // (ZKDatabase.deserializeSnapshot: clear, then load).
  Bytes serialize_snapshot() const;
  bool load_snapshot(const Bytes& data);

  // ZooKeeperServer.takeSnapshot(syncSnap): snapshot.<lastProcessedZxid>; with fsync, written
  // atomically and durable once on_fsync_done reports it.
  void take_snapshot(bool fsync, std::vector<Output>& out);
  // in::FsyncDone for a synced snapshot: true if the tag was ours (the rename is issued).
  bool on_fsync_done(std::uint64_t tag, std::vector<Output>& out);

  // ZKDatabase.truncateLog: clear, truncate the log, reload from the files. False if the log
  // cannot be truncated (ZooKeeper's learner then exits).
  bool truncate_log(Zxid zxid, std::vector<Output>& out);
  // ZKDatabase.fastForwardDataBase: apply every logged txn after lastProcessedZxid, committed
  // or not, and add it to the committedLog (a learner's or leader's term ended).
  void fast_forward(std::vector<Output>& out);
  // ZooKeeperServer.loadData's clean-up: sessions that own ephemerals in the tree but are no
  // longer in the session table are killed (their ephemerals deleted, with no txn).
  void kill_dead_sessions(std::vector<Output>& out);
  // ZKDatabase.clear: empty tree, sessions and committedLog.
  void clear();
  // Reload from the files as they are now (after an interrupted SNAP sync cleared the DB).
  OrDiskError<Restored> reload(std::vector<Output>& out);

  // The size of the newest valid snapshot file (calculateTxnLogSizeLimit), 0 if none.
  std::int64_t last_snapshot_bytes() const;
  // The zxid in the name of the newest valid snapshot; zero if there is none.
  Zxid last_snapshot_zxid() const;
  // The committedLog window's ends and its place against the tree, the session table; with
  // `walk`, the O(size) walks too: the committedLog's order and the data tree's invariants.
  void check_invariants(bool walk) const;

  // Called after every applied txn (the client port replies from here).
  std::function<void(const ProcessTxnResult&, std::vector<Output>&)> on_applied;

 private:
  ProcessTxnResult apply(const Txn& txn, const Bytes& raw, bool to_committed_log, ApplySource source,
                         std::vector<Output>& out);
  RestoreTree restore_hooks(std::vector<Output>& out);

  const ServerConfig& config_;
  LogSyncer& syncer_;
  LocalFiles& files_;
  DataTree tree_;
  CommittedLog committed_log_;
  SessionsWithTimeouts sessions_;
  AtomicFileWriter snapshot_writer_;
  std::uint64_t next_snapshot_tag_ = 1;
};

}  // namespace zab
