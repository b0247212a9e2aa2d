#pragma once
// ZooKeeper 3.8's transaction logs and snapshots as a real server left them on disk
// (dataDir/version-2/log.<zxid> and snapshot.<zxid>), read after a real run for the
// log-agreement check: what each server logged, by zxid, byte for byte.
//
// A log file (FileTxnLog): the header (magic "ZKLG", version 2, dbid), then records of a CRC
// (8 bytes), the transaction's length (4) and bytes — its TxnHeader (clientId 8, cxid 4, zxid 8,
// time 8, type 4), its record and digest — and 0x42; a zero length ends the file (the rest is
// preallocated). All big-endian, as jute writes them. Records are taken until the first one
// that is cut short or whose CRC does not match (a crash mid-write); nothing else is trusted.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zab::tools::real {

struct ServerDisk {
  std::uint32_t sid = 0;
  std::map<std::uint64_t, std::string> txns;  // zxid -> the transaction's bytes
  std::uint64_t snapshot_zxid = 0;            // the highest snapshot's (0: none)
  std::vector<std::string> problems;          // what could not be read, one line each
};

// Reads one log file's records into `disk` (later files overwrite earlier ones' zxids, as a
// server replays them). False, with a problem noted, if the file is not a transaction log.
bool read_txn_log(const std::string& bytes, const std::string& name, ServerDisk& disk);

// Every log file and snapshot name under `data_dir`/version-2.
ServerDisk read_server_disk(std::uint32_t sid, const std::string& data_dir);

// Log agreement over what the servers wrote: any two servers that logged a zxid logged the
// same transaction (byte for byte: the leader's proposal, header time and digest included);
// and every write a client saw acknowledged (`acked` zxids) is on the disk of a quorum —
// in its log, or covered by a snapshot at or above it. One line per violation; empty: pass.
std::vector<std::string> check_disk_agreement(const std::vector<ServerDisk>& disks, const std::vector<std::uint64_t>& acked,
                                              std::size_t ensemble_size);

}  // namespace zab::tools::real
