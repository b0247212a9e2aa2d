#pragma once
// The transaction log's on-disk format and how ZooKeeper 3.8.0 reads it back
// (persistence/FileTxnLog, FileTxnLog.FileTxnIterator, Util.readTxnBytes).
//
// A log file is a FileHeader then records, all big-endian:
//   header (16 bytes): magic int "ZKLG" = 0x5A4B4C47, version int 2, dbid long 0
//   record:            crc long (Adler32 of entry, zero-extended), len int, entry (len bytes:
//                      the txn as encode_txn writes it), end-of-record byte 'B' (0x42)
// ZooKeeper preallocates log files in 64 MiB steps of zeros (FilePadding), and a zero `len`
// is how a reader finds the logical end. zabsim writes no padding: our disk model has no holes
// and no allocation cost, and a file that simply ends reads the same way (end of file).
//
// Reading follows FileTxnIterator exactly, including what it forgives and what it does not:
// - a torn tail — a zero length, a short read anywhere in a record, or a record whose
//   end-of-record byte is not 'B' — is "end of file": the rest of that file is ignored and
//   reading goes on with the next file;
// - a complete record whose checksum does not match, an unreasonable length, a wrong magic
//   number, or a file too short to hold its header (ZOOKEEPER-2332, fixed only after 3.8.0)
//   is fatal: the read stops with an error naming the file and offset.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/persistence/disk_error.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"
#include "protocol/database/txn.h"

namespace zab {

inline constexpr std::uint32_t kTxnLogMagic = 0x5A4B4C47;  // "ZKLG" (FileTxnLog.TXNLOG_MAGIC)
inline constexpr std::int32_t kTxnLogVersion = 2;          // FileTxnLog.VERSION
inline constexpr std::int64_t kTxnLogDbId = 0;             // FileTxnLog.dbId: never assigned
inline constexpr std::uint64_t kTxnLogHeaderBytes = 16;
inline constexpr std::uint8_t kEndOfRecord = 'B';          // Util.writeTxnBytes

// The 16-byte FileHeader at the start of every log file.
Bytes encode_log_file_header();
// One record: crc, len, entry, 'B' (FileTxnLog.append + Util.marshallTxnEntry/writeTxnBytes).
Bytes encode_log_record(const Txn& txn);

// A record a reader accepts.
struct LogRecord {
  Txn txn;
  std::uint64_t end_offset = 0;  // just past its 'B': where FileTxnLog.truncate cuts the file
};

// How a log file ends after its last readable record.
enum class LogFileEnd : std::uint8_t {
  kEndOfFile,  // the bytes end exactly after a record (or after the header)
  kTornTail,   // ZooKeeper's forgiven "EOF": zero length, short read or missing 'B'
  kFatal,      // ZooKeeper refuses the file here; `fault` says why
};

// One log file as FileTxnIterator sees it: the records it returns, then how it stops.
struct LogFileView {
  std::string name;
  Zxid start;                    // the zxid in the name (the first txn appended to the file)
  std::uint64_t size_bytes = 0;  // File.length: every byte, a torn tail included
  std::vector<LogRecord> records;
  LogFileEnd end = LogFileEnd::kEndOfFile;
  bool header_fault = false;  // the fault is in the header: opening the file fails
  std::string fault;          // kFatal only: the error, naming the file and the offset
};

// Parses one log file the way FileTxnIterator reads it.
LogFileView parse_log_file(const std::string& name, Zxid start, std::span<const std::uint8_t> bytes);
// Every `log.*` file, ascending by the zxid in the name (Util.sortDataDir).
std::vector<LogFileView> parse_log_files(const DurableFiles& files);

// FileTxnLog.FileTxnIterator over parsed files. It opens the files in zxid order, starting
// with the newest file whose name is below `zxid` (the file that may hold it), and with
// `fast_forward` skips the records below `zxid`. Bounded by the number of records and files.
class FileTxnIterator {
 public:
  FileTxnIterator(const std::vector<LogFileView>& files, Zxid zxid, bool fast_forward);

  // The txn the iterator is on (getHeader() != null), or nullptr.
  const Txn* txn() const;
  // Moves to the next readable txn, crossing into later files; false at the end or on error.
  bool next();
  // Set once a fatal fault was met; the iterator is then exhausted.
  const std::optional<DiskError>& error() const { return error_; }
  // The file with an open input stream (inputStream != null), as an index into `files`.
  std::optional<std::size_t> open_file() const { return open_; }
  // The open stream's position: just past the record the iterator is on.
  std::uint64_t position() const;
  // Where the record the iterator is on begins (the previous record's end, or the header's).
  std::uint64_t record_start() const;
  // Files selected but not yet opened, newest first (storedFiles).
  const std::vector<std::size_t>& stored_files() const { return stored_; }
  // FileTxnIterator.getStorageSize: the sizes of the files not yet opened.
  std::uint64_t storage_size_bytes() const;

 private:
  bool go_to_next_log();

  const std::vector<LogFileView>* files_;
  std::vector<std::size_t> stored_;  // newest first; the oldest is opened next
  std::optional<std::size_t> open_;  // the file being read
  std::size_t next_record_ = 0;      // in the open file: the record next() returns next
  std::optional<std::size_t> on_;    // in the open file: the record the iterator is on
  std::optional<DiskError> error_;
};

// What a read of the log returned.
struct TxnLogRead {
  std::vector<Txn> txns;                 // in log order, from the iterator's first position
  std::uint64_t storage_size_bytes = 0;  // getStorageSize right after the iterator was made
  std::optional<DiskError> error;        // the read stopped at a fatal fault; `txns` precede it
};

// FileTxnLog.read(zxid, fastForward) drained to the end.
TxnLogRead read_txn_log(const std::vector<LogFileView>& files, Zxid zxid, bool fast_forward = true);
TxnLogRead read_txn_log(const DurableFiles& files, Zxid zxid, bool fast_forward = true);

// FileTxnLog.getLastLoggedZxid: the newest file's name zxid, or the last txn readable from it
// on; errors are swallowed (ZooKeeper only WARNs). nullopt (ZooKeeper's -1) if there is no
// log file. Note that a log file holding no readable txn still gives its name's zxid.
std::optional<Zxid> get_last_logged_zxid(const std::vector<LogFileView>& files);

}  // namespace zab
