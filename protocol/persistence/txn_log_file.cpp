#include "protocol/persistence/txn_log_file.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/base/codec.h"
#include "protocol/persistence/data_dir.h"

namespace zab {

Bytes encode_log_file_header() {
  Writer w;
  w.u32(kTxnLogMagic);
  w.i32(kTxnLogVersion);
  w.i64(kTxnLogDbId);
  ZAB_ASSERT(w.bytes().size() == kTxnLogHeaderBytes, "a log file header is 16 bytes");
  return w.take();
}

Bytes encode_log_record(const Txn& txn) {
  const Bytes entry = encode_txn(txn);
  // FileTxnLog.append refuses an empty serialization ("Faulty serialization"); ours never is.
  ZAB_ASSERT(!entry.empty(), "a txn serializes to at least its header");
  Writer w;
  w.u64(adler32(entry));  // the checksum covers the entry only, not len and not 'B'
  w.buffer(entry);
  w.u8(kEndOfRecord);
  ZAB_ASSERT(w.bytes().size() == 8 + 4 + entry.size() + 1, "a log record is checksum, length, entry and 'B'");
  ZAB_ASSERT(w.bytes().back() == kEndOfRecord, "a log record ends with its 'B'");
  return w.take();
}

LogFileView parse_log_file(const std::string& name, Zxid start, std::span<const std::uint8_t> bytes) {
  LogFileView view;
  view.name = name;
  view.start = start;
  view.size_bytes = bytes.size();
  auto fatal = [&](std::uint64_t offset, const std::string& what) {
    view.end = LogFileEnd::kFatal;
    view.fault = fmt::format("{}: offset {}: {}", name, offset, what);
  };

  Reader r(bytes);
  if (bytes.size() < kTxnLogHeaderBytes) {
    // 3.8.0 opens the file, the header read hits EOF inside goToNextLog, and the EOFException
    // escapes the iterator: restore fails (ZOOKEEPER-2332 made this forgiving only in 2024).
    view.header_fault = true;
    fatal(0, fmt::format("the file header is incomplete ({} of {} bytes)", bytes.size(),
                         kTxnLogHeaderBytes));
    return view;
  }
  const std::uint32_t magic = r.u32();
  r.raw(kTxnLogHeaderBytes - 4);  // version and dbid: FileTxnIterator checks only the magic
  if (magic != kTxnLogMagic) {
    view.header_fault = true;
    fatal(0, fmt::format("Transaction log: {} has invalid magic number {} != {}", name,
                         static_cast<std::int32_t>(magic), static_cast<std::int32_t>(kTxnLogMagic)));
    return view;
  }

  // One record per iteration; each consumes at least 14 bytes, so the loop is bounded.
  while (true) {
    const std::uint64_t record_offset = r.position();
    if (r.remaining() == 0) {
      ZAB_ASSERT(view.fault.empty(), "only a fatal end of a log file names a fault");
      view.end = LogFileEnd::kEndOfFile;
      return view;
    }
    // From here every short read is an EOFException, which FileTxnIterator.next treats as
    // the end of this file.
    if (r.remaining() < 12) {
      ZAB_ASSERT(view.fault.empty(), "only a fatal end of a log file names a fault");
      view.end = LogFileEnd::kTornTail;
      return view;
    }
    const std::uint64_t crc = r.u64();
    const std::int32_t length = r.i32();
    if (length == -1) {
      // readBuffer returns null and Util.readTxnBytes dereferences it: 3.8.0 dies with a
      // NullPointerException. Fatal here too.
      fatal(record_offset, "a record's length is -1 (null)");
      return view;
    }
    if (length < 0 || length > Reader::kMaxBufferBytes) {
      fatal(record_offset, fmt::format("Unreasonable length = {}", length));
      return view;
    }
    // A zero length is the preallocated zeros' "end of log"; a short entry or a missing 'B'
    // is a partial last write ("Last transaction was partial.").
    if (length == 0 || r.remaining() < static_cast<std::size_t>(length) + 1) {
      view.end = LogFileEnd::kTornTail;
      return view;
    }
    const Bytes entry = r.raw(static_cast<std::size_t>(length));
    if (r.u8() != kEndOfRecord) {
      view.end = LogFileEnd::kTornTail;
      return view;
    }
    // Only a record that is complete up to its 'B' has its checksum checked; a mismatch is
    // FileTxnIterator's IOException "CRC check failed", which nothing catches.
    if (crc != adler32(entry)) {
      fatal(record_offset, "CRC check failed");
      return view;
    }
    std::optional<Txn> txn = decode_txn(entry);
    if (!txn) {
      fatal(record_offset, "the record's checksum matches but it is not a txn zabsim can read");
      return view;
    }
    ZAB_ASSERT(r.position() <= bytes.size(), "a parsed record lies within the file");
    ZAB_ASSERT(view.records.empty() || view.records.back().end_offset < r.position(),
               "records end at increasing offsets");
    view.records.push_back(LogRecord{std::move(*txn), r.position()});
  }
}

std::vector<LogFileView> parse_log_files(const DurableFiles& files) {
  std::vector<LogFileView> views;
  for (const DataFile& f : sort_data_dir(files, kLogFilePrefix)) {
    views.push_back(parse_log_file(f.name, f.zxid, files.at(f.name)));
    ZAB_ASSERT(views.size() == 1 || views[views.size() - 2].start <= views.back().start,
               "log files are read in the order of the zxids in their names");
  }
  return views;
}

FileTxnIterator::FileTxnIterator(const std::vector<LogFileView>& files, Zxid zxid, bool fast_forward)
    : files_(&files) {
  // init(): newest first, every file whose name is at or above zxid, then the newest one
  // below it (it may hold zxid), then stop.
  for (std::size_t i = files.size(); i-- > 0;) {
    stored_.push_back(i);
    if (files[i].start < zxid) break;
  }
  go_to_next_log();
  ZAB_ASSERT(stored_.size() < files.size() || files.empty(), "init selected files among those given, and opened one");
  next();
  if (fast_forward) {
    while (txn() != nullptr && txn()->header.zxid < zxid) {
      if (!next()) break;
    }
  }
}

const Txn* FileTxnIterator::txn() const {
  if (!open_ || !on_) return nullptr;
  ZAB_ASSERT(*open_ < files_->size(), "the open file is one of the files");
  ZAB_ASSERT(*on_ < (*files_)[*open_].records.size(), "the iterator is on a record of the open file");
  return &(*files_)[*open_].records[*on_].txn;
}

std::uint64_t FileTxnIterator::position() const {
  ZAB_ASSERT(open_.has_value(), "a stream position exists only while a file is open");
  if (!on_) return kTxnLogHeaderBytes;
  ZAB_ASSERT(*on_ < (*files_)[*open_].records.size(), "the iterator is on a record of the open file");
  return (*files_)[*open_].records[*on_].end_offset;
}

std::uint64_t FileTxnIterator::record_start() const {
  ZAB_ASSERT(open_.has_value(), "a record start exists only while a file is open");
  ZAB_ASSERT(on_.has_value(), "a record start exists only while on a record");
  if (*on_ == 0) return kTxnLogHeaderBytes;
  ZAB_ASSERT(*on_ < (*files_)[*open_].records.size(), "the iterator is on a record of the open file");
  return (*files_)[*open_].records[*on_ - 1].end_offset;
}

std::uint64_t FileTxnIterator::storage_size_bytes() const {
  std::uint64_t sum = 0;
  for (const std::size_t i : stored_) sum += (*files_)[i].size_bytes;
  ZAB_ASSERT(stored_.size() <= files_->size(), "the files not yet opened are among the files");
  return sum;
}

bool FileTxnIterator::go_to_next_log() {
  if (stored_.empty()) return false;
  const std::size_t i = stored_.back();
  ZAB_ASSERT(i < files_->size(), "a stored file is one of the files");
  ZAB_ASSERT(!open_.has_value(), "the previous file is closed before the next one opens");
  stored_.pop_back();
  const LogFileView& f = (*files_)[i];
  if (f.header_fault) {
    error_ = DiskError{f.fault};
    open_.reset();
    on_.reset();
    return false;
  }
  open_ = i;
  next_record_ = 0;
  on_.reset();
  return true;
}

bool FileTxnIterator::next() {
  // Each pass either returns or opens a later file, so the loop ends within files_->size().
  while (!error_ && open_) {
    const LogFileView& f = (*files_)[*open_];
    if (next_record_ < f.records.size()) {
      on_ = next_record_++;
      ZAB_ASSERT(*on_ < f.records.size(), "next() moves onto a record of the open file");
      return true;
    }
    if (f.end == LogFileEnd::kFatal) {
      error_ = DiskError{f.fault};
      on_.reset();
      return false;
    }
    // EOF of this file (clean or forgiven): close it, go on with the next one.
    open_.reset();
    on_.reset();
    if (!go_to_next_log()) return false;
  }
  return false;
}

TxnLogRead read_txn_log(const std::vector<LogFileView>& files, Zxid zxid, bool fast_forward) {
  FileTxnIterator it(files, zxid, fast_forward);
  TxnLogRead result;
  result.storage_size_bytes = it.storage_size_bytes();
  while (it.txn() != nullptr) {
    result.txns.push_back(*it.txn());
    if (!it.next()) break;
  }
  result.error = it.error();
  ZAB_ASSERT(!result.error || !result.error->message.empty(), "a read that stopped at a fault says why");
  return result;
}

TxnLogRead read_txn_log(const DurableFiles& files, Zxid zxid, bool fast_forward) {
  return read_txn_log(parse_log_files(files), zxid, fast_forward);
}

std::optional<Zxid> get_last_logged_zxid(const std::vector<LogFileView>& files) {
  if (files.empty()) return std::nullopt;
  const Zxid max_log = files.back().start;
  ZAB_ASSERT(files.size() == 1 || files[files.size() - 2].start <= max_log, "the newest log file is the last one");
  Zxid zxid = max_log;
  // As in ZooKeeper: the iterator starts on its first txn and the loop calls next() before
  // looking, so the first txn is never the answer unless it is the only one (then its zxid is
  // the name's zxid anyway).
  FileTxnIterator it(files, max_log, true);
  while (it.next()) zxid = it.txn()->header.zxid;
  return zxid;
}

}  // namespace zab
