#include "tools/real/txn_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace zab::tools::real {

namespace {

constexpr std::uint32_t kTxnLogMagic = 0x5a4b4c47;  // "ZKLG"
constexpr std::size_t kFileHeaderBytes = 4 + 4 + 8;
constexpr std::size_t kTxnHeaderBytes = 8 + 4 + 8 + 8 + 4;
constexpr std::uint32_t kTxnBytesMax = 64u << 20;  // jute.maxbuffer's order: anything longer is damage

std::uint64_t big_endian(const std::string& b, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < width; ++k) v = (v << 8) | static_cast<unsigned char>(b[at + k]);
  return v;
}

// Adler-32, the checksum FileTxnLog.makeChecksumAlgorithm uses.
std::uint64_t adler32(const char* data, std::size_t n) {
  std::uint32_t a = 1, b = 0;
  for (std::size_t i = 0; i < n; ++i) {
    a = (a + static_cast<unsigned char>(data[i])) % 65521u;
    b = (b + a) % 65521u;
  }
  return (static_cast<std::uint64_t>(b) << 16) | a;
}

// "log.100000001" -> 0x100000001
std::optional<std::uint64_t> zxid_suffix(const std::string& name, const std::string& prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  const std::string hex = name.substr(prefix.size());
  if (hex.empty() || hex.size() > 16 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
  return std::stoull(hex, nullptr, 16);
}

}  // namespace

bool read_txn_log(const std::string& bytes, const std::string& name, ServerDisk& disk) {
  if (bytes.size() < kFileHeaderBytes || big_endian(bytes, 0, 4) != kTxnLogMagic) {
    disk.problems.push_back(fmt::format("{}: not a ZooKeeper transaction log (no ZKLG header)", name));
    return false;
  }
  std::size_t at = kFileHeaderBytes;
  while (at + 12 <= bytes.size()) {
    const std::uint64_t crc = big_endian(bytes, at, 8);
    const auto length = static_cast<std::uint32_t>(big_endian(bytes, at + 8, 4));
    if (length == 0 || length == 0xffffffffu) break;  // the preallocated rest of the file
    if (length > kTxnBytesMax || at + 12 + length + 1 > bytes.size() || length < kTxnHeaderBytes) {
      disk.problems.push_back(fmt::format("{}: a record at byte {} is cut short", name, at));
      break;
    }
    const std::string txn = bytes.substr(at + 12, length);
    if (bytes[at + 12 + length] != 'B' || adler32(txn.data(), txn.size()) != crc) {
      disk.problems.push_back(fmt::format("{}: the record at byte {} fails its checksum or end marker", name, at));
      break;
    }
    const std::uint64_t zxid = big_endian(txn, 8 + 4, 8);  // after clientId and cxid
    disk.txns[zxid] = txn;
    at += 12 + length + 1;
  }
  return true;
}

ServerDisk read_server_disk(std::uint32_t sid, const std::string& data_dir) {
  ServerDisk disk{.sid = sid};
  const std::filesystem::path dir = std::filesystem::path(data_dir) / "version-2";
  std::error_code ec;
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> logs;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (const auto z = zxid_suffix(name, "log.")) logs.emplace_back(*z, entry.path());
    if (const auto z = zxid_suffix(name, "snapshot.")) disk.snapshot_zxid = std::max(disk.snapshot_zxid, *z);
  }
  std::sort(logs.begin(), logs.end());  // replayed in zxid order, as FileTxnLog does
  for (const auto& [zxid, path] : logs) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    read_txn_log(bytes, path.filename().string(), disk);
  }
  return disk;
}

std::vector<std::string> check_disk_agreement(const std::vector<ServerDisk>& disks, const std::vector<std::uint64_t>& acked,
                                              std::size_t ensemble_size) {
  std::vector<std::string> out;
  for (std::size_t a = 0; a < disks.size(); ++a) {
    for (std::size_t b = a + 1; b < disks.size(); ++b) {
      for (const auto& [zxid, txn] : disks[a].txns) {
        const auto other = disks[b].txns.find(zxid);
        if (other != disks[b].txns.end() && other->second != txn) {
          out.push_back(fmt::format("s{} and s{} logged different transactions at zxid <{},{}>", disks[a].sid, disks[b].sid,
                                    zxid >> 32, zxid & 0xffffffffu));
        }
      }
    }
  }
  const std::size_t quorum = ensemble_size / 2 + 1;
  for (const std::uint64_t zxid : acked) {
    std::size_t holders = 0;
    for (const ServerDisk& d : disks) holders += d.txns.contains(zxid) || d.snapshot_zxid >= zxid ? 1 : 0;
    if (holders < quorum) {
      out.push_back(fmt::format("an acknowledged write at zxid <{},{}> is on the disk of {} server(s), fewer than a quorum of {}",
                                zxid >> 32, zxid & 0xffffffffu, holders, quorum));
    }
  }
  return out;
}

}  // namespace zab::tools::real
