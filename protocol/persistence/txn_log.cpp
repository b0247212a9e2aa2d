#include "protocol/persistence/txn_log.h"

#include <algorithm>

#include "protocol/base/assert.h"
#include "protocol/persistence/data_dir.h"

namespace zab {

FileTxnLog::FileTxnLog(const DurableFiles& files) : files_(parse_log_files(files)) {
  check_invariants();
}

LogFileView* FileTxnLog::find(const std::string& name) {
  for (LogFileView& f : files_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void FileTxnLog::append(const Txn& txn, std::vector<Output>& out) {
  const Zxid zxid = txn.header.zxid;
  if (zxid > last_zxid_seen_) last_zxid_seen_ = zxid;

  if (!log_stream_) {
    const std::string name = make_log_name(zxid);
    // new FileOutputStream(name) truncates an existing file; WriteFile replaces it likewise.
    // The header is its own write: ZooKeeper flushes it before the first record.
    out.push_back(out::WriteFile{name, encode_log_file_header()});
    std::erase_if(files_, [&](const LogFileView& f) { return f.name == name; });
    LogFileView view;
    view.name = name;
    view.start = zxid;
    view.size_bytes = kTxnLogHeaderBytes;
    const auto at = std::upper_bound(files_.begin(), files_.end(), view,
                                     [](const LogFileView& a, const LogFileView& b) {
                                       return a.start < b.start;
                                     });
    files_.insert(at, std::move(view));
    ZAB_ASSERT(std::is_sorted(files_.begin(), files_.end(),
                              [](const LogFileView& a, const LogFileView& b) { return a.start < b.start; }),
               "the log files stay in the order of the zxids in their names");
    std::erase(streams_to_flush_, name);
    streams_to_flush_.push_back(name);
    log_stream_ = name;
    log_file_write_ = name;
  }

  Bytes record = encode_log_record(txn);
  LogFileView* view = find(*log_stream_);
  ZAB_ASSERT(view != nullptr, "the open log file is in the index");
  ZAB_ASSERT(view->end == LogFileEnd::kEndOfFile, "a file this process writes has no torn tail");
  view->size_bytes += record.size();
  view->records.push_back(LogRecord{txn, view->size_bytes});
  ZAB_ASSERT(!streams_to_flush_.empty(), "an appended record waits for the next commit's fsync");
  ZAB_ASSERT(streams_to_flush_.back() == *log_stream_, "the stream being appended to is the newest to flush");
  out.push_back(out::Append{*log_stream_, std::move(record)});
}

std::size_t FileTxnLog::commit(std::uint64_t tag, std::vector<Output>& out) {
  ZAB_ASSERT(tag != 0, "a commit's fsyncs carry the tag their completion is routed by");
  for (const std::string& name : streams_to_flush_) out.push_back(out::Fsync{name, tag});
  const std::size_t fsyncs = streams_to_flush_.size();
  // "while (streamsToFlush.size() > 1) close": only the newest stays, to be forced again.
  if (streams_to_flush_.size() > 1) {
    streams_to_flush_.erase(streams_to_flush_.begin(), streams_to_flush_.end() - 1);
  }
  ZAB_ASSERT(streams_to_flush_.size() <= 1, "after a commit at most the newest stream waits");
  return fsyncs;
}

void FileTxnLog::roll_log() {
  if (!log_stream_) return;
  prev_logs_running_total_bytes_ += current_log_size_bytes();
  log_stream_.reset();
  ZAB_ASSERT(log_file_write_.has_value(), "the rolled file stays the one whose size counts until the next opens");
}

std::optional<DiskError> FileTxnLog::truncate(Zxid zxid, std::vector<Output>& out) {
  FileTxnIterator it(files_, zxid, true);
  if (it.error()) return it.error();
  if (!it.open_file()) {
    return DiskError{
        "No log files found to truncate! This could happen if you still have snapshots from an "
        "old setup or log files were deleted accidentally or dataLogDir was changed in zoo.cfg."};
  }
  const std::size_t cut_index = *it.open_file();
  ZAB_ASSERT(cut_index < files_.size(), "the file to cut is one of the log files");
  // Deviation D27: ZooKeeper (3.8 and master) cuts just past the first record >= zxid even when
  // that record is *above* zxid, i.e. when the target is absent from the log: a learner whose
  // log starts after its snapshot (it was synced by SNAP), or a TRUNC to 0 of a learner whose
  // first log holds an uncommitted proposal. The kept txn is one the leader told the learner to
  // drop; the reload replays it and the learner diverges from the leader (found by
  // `zabsim fuzz`: prefix-agreement on the correct protocol). We cut before such a record.
  const bool target_absent = it.txn() != nullptr && it.txn()->header.zxid > zxid;
  const std::uint64_t position = target_absent ? it.record_start() : it.position();
  std::vector<std::string> later;
  for (const std::size_t i : it.stored_files()) later.push_back(files_[i].name);

  LogFileView& cut = files_[cut_index];
  out.push_back(out::Truncate{cut.name, position});
  std::erase_if(cut.records, [&](const LogRecord& r) { return r.end_offset > position; });
  cut.size_bytes = position;
  cut.end = LogFileEnd::kEndOfFile;
  cut.fault.clear();
  ZAB_ASSERT(cut.records.empty() || cut.records.back().end_offset <= position, "no record is kept past the cut");
  const std::string cut_name = cut.name;
  // The iterator hands out later files newest first; ZooKeeper deletes them oldest first.
  std::reverse(later.begin(), later.end());
  for (const std::string& name : later) {
    out.push_back(out::Remove{name});
    std::erase_if(files_, [&](const LogFileView& f) { return f.name == name; });
  }

  // FileTxnSnapLog.truncateLog closes the log (without a commit) and opens a new FileTxnLog.
  log_stream_.reset();
  log_file_write_.reset();
  streams_to_flush_.clear();
  prev_logs_running_total_bytes_ = 0;
  last_zxid_seen_ = Zxid::zero();
  ZAB_ASSERT(!files_.empty(), "the truncated file is kept");
  ZAB_ASSERT(files_.back().name == cut_name, "every log file after the truncated one is removed");
  return std::nullopt;
}

TxnLogRead FileTxnLog::read(Zxid zxid, bool fast_forward) const {
  TxnLogRead result = read_txn_log(files_, zxid, fast_forward);
  std::uint64_t all_bytes = 0;
  for (const LogFileView& f : files_) all_bytes += f.size_bytes;
  ZAB_ASSERT(result.storage_size_bytes <= all_bytes, "the storage size counts only files of this log");
  return result;
}

std::optional<Zxid> FileTxnLog::get_last_logged_zxid() const {
  return zab::get_last_logged_zxid(files_);
}

std::uint64_t FileTxnLog::current_log_size_bytes() const {
  if (!log_file_write_) return 0;
  for (const LogFileView& f : files_) {
    if (f.name != *log_file_write_) continue;
    ZAB_ASSERT(f.size_bytes >= kTxnLogHeaderBytes, "a log file this process writes holds at least its header");
    return f.size_bytes;
  }
  return 0;
}

std::uint64_t FileTxnLog::total_log_size_bytes() const {
  return prev_logs_running_total_bytes_ + current_log_size_bytes();
}

void FileTxnLog::check_invariants() const {
  for (std::size_t i = 1; i < files_.size(); ++i) {
    ZAB_ASSERT(files_[i - 1].start <= files_[i].start, "log files are indexed in the order of their names' zxids");
  }
  if (log_stream_) {
    ZAB_ASSERT(log_file_write_ == log_stream_, "the open stream is the file whose size counts as current");
    const auto open = std::find_if(files_.begin(), files_.end(), [&](const LogFileView& f) { return f.name == *log_stream_; });
    ZAB_ASSERT(open != files_.end(), "the open log file is in the index");
    ZAB_ASSERT(open->end == LogFileEnd::kEndOfFile, "a file this process writes has no torn tail");
  }
  ZAB_ASSERT(streams_to_flush_.size() <= files_.size(), "the streams to flush are log files");
}

}  // namespace zab
