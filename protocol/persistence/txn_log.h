#pragma once
// FileTxnLog as sans-IO: the transaction log a server appends to, commits (fsyncs), rolls and
// truncates. It emits file outputs and never reads a file after start: it keeps in memory what
// the files hold (parsed at start from in::Start's files, then extended with every append), so
// it can answer what ZooKeeper answers by reading its files back — the txns after a zxid for a
// DIFF from the log (ZKDatabase.getProposalsFromTxnLog), the last logged zxid, and where
// truncate cuts. The format is in txn_log_file.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/persistence/disk_error.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"
#include "protocol/database/txn.h"
#include "protocol/persistence/txn_log_file.h"

namespace zab {

class FileTxnLog {
 public:
  // The log as the process finds it at start: every `log.*` file of `files`.
  explicit FileTxnLog(const DurableFiles& files);

  // FileTxnLog.append: if no file is open, create `log.<hex zxid>` (replacing any file of that
  // name, as new FileOutputStream does) with its header, then append the record. Nothing is
  // durable before commit(). A zxid not above every earlier one is still appended (ZooKeeper
  // only WARNs "Current zxid ... is <= ...").
  void append(const Txn& txn, std::vector<Output>& out);

  // FileTxnLog.commit: an out::Fsync with `tag` for every file in streamsToFlush — the open
  // file (even if nothing was appended to it since the last commit: ZooKeeper forces it every
  // time) and every file rolled away from since the last commit. Then all but the newest are
  // closed. Returns how many Fsync outputs were emitted; the commit is durable once that many
  // in::FsyncDone{tag} have arrived (none: nothing to wait for).
  std::size_t commit(std::uint64_t tag, std::vector<Output>& out);

  // FileTxnLog.rollLog: the next append starts a new file. The old one is fsynced by the next
  // commit. Rolling twice without an append in between is one roll.
  void roll_log();

  // FileTxnSnapLog.truncateLog(zxid) → FileTxnLog.truncate: position a fast-forwarding
  // iterator at `zxid`, cut the file it is in just after the record it is on, remove every
  // later log file, then reopen (no open file, nothing left to fsync). Keeps ZooKeeper's quirk
  // (fact sheet §1.11, M12): if `zxid` itself is not in the log, the first txn above it is
  // kept. Nothing is fsynced. An error (ZooKeeper's IOException, after which the learner exits)
  // if no txn at or above `zxid` is readable — "No log files found to truncate! ..." — or a
  // fatal fault stops the iterator; then no output is emitted.
  std::optional<DiskError> truncate(Zxid zxid, std::vector<Output>& out);

  // FileTxnLog.read(zxid, fastForward) over what the files hold now (the page cache's view,
  // which is what ZooKeeper reads back): with fast_forward the txns from the first one at or
  // above `zxid`; without, from the start of the file that may hold `zxid`.
  TxnLogRead read(Zxid zxid, bool fast_forward = true) const;

  // FileTxnLog.getLastLoggedZxid over what the files hold now (see txn_log_file.h).
  std::optional<Zxid> get_last_logged_zxid() const;

  // FileTxnLog.getTotalLogSize: bytes of the files rolled away from since start or the last
  // truncate, plus the size of the last file created. Unpadded (ZooKeeper counts its 64 MiB
  // preallocation), and, as in ZooKeeper, a rolled file still counts as "current" until the
  // next append creates a new one.
  std::uint64_t total_log_size_bytes() const;

  // lastZxidSeen: the highest zxid appended by this FileTxnLog object (0 at start and after
  // a truncate, which makes ZooKeeper a new FileTxnLog).
  Zxid last_zxid_seen() const { return last_zxid_seen_; }

  // The log files as they are now, ascending by the zxid in their names.
  const std::vector<LogFileView>& files() const { return files_; }
  // The index is in name order and the open stream is one of its files. Checked with the logger's.
  void check_invariants() const;

 private:
  LogFileView* find(const std::string& name);
  // getCurrentLogSize: the length of the last file created, 0 if none.
  std::uint64_t current_log_size_bytes() const;

  // Every log file on disk, as a reader would see it; extended by append, cut by truncate.
  std::vector<LogFileView> files_;
  // The file appends go to (logStream != null); none at start, after rollLog and truncate.
  std::optional<std::string> log_stream_;
  // The last file created (logFileWrite), which getCurrentLogSize measures even after a roll.
  std::optional<std::string> log_file_write_;
  // streamsToFlush: files with writes not yet covered by a commit, oldest first.
  std::vector<std::string> streams_to_flush_;
  // prevLogsRunningTotal: sizes of the files rolled away from.
  std::uint64_t prev_logs_running_total_bytes_ = 0;
  Zxid last_zxid_seen_;
};

}  // namespace zab
