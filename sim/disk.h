#pragma once
// One process's disk: named files over inodes, a volatile page cache, and what is durable.
//
// The model follows what ZooKeeper relies on from a POSIX file system on Linux:
// - append / write / truncate change an inode's contents in the cache at once (reads see them);
// - create, rename and remove change the namespace, also in the cache at once;
// - fsync(file) makes that inode's contents durable as of the fsync call, and, like a journal
//   commit, every namespace change issued before it (so "write temp, fsync, rename" needs a
//   later fsync of anything to make the rename durable, as on ext4);
// - a crash keeps only what is durable, plus, depending on the configured loss mode, a random
//   prefix of the unsynced operations in issue order, possibly with the last one torn.
// Out-of-model: corrupt() flips bytes of durable data, which ZAB does not claim to survive.

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "protocol/base/io.h"
#include "sim/rng.h"

namespace zab::sim {

enum class CrashLoss : std::uint8_t {
  kLoseAll,       // every unsynced operation vanishes
  kRandomPrefix,  // a random prefix (in issue order) of the unsynced operations survives
  kTornTail,      // a random prefix survives, and the next append/write survives in part
};

struct CrashOutcome {
  std::uint64_t ops_lost = 0;          // unsynced operations that did not survive
  std::uint64_t torn_bytes_kept = 0;   // bytes kept of the torn operation (kTornTail only)
};

// What an fsync promised to make durable: one inode as of one point in the operation order.
struct FsyncBarrier {
  std::uint64_t inode = 0;  // 0 if the file did not exist: the fsync commits only the journal
  std::uint64_t op_seq = 0;
};

class Disk {
 public:
  // Cache operations; they never fail (a full disk is not modelled).
  void append(const std::string& file, const Bytes& bytes);
  void write_file(const std::string& file, const Bytes& bytes);
  void truncate(const std::string& file, std::uint64_t size);
  void rename(const std::string& from, const std::string& to);
  void remove(const std::string& file);

  FsyncBarrier fsync_begin(const std::string& file) const;
  // The sequence number of the last operation issued (0 if none yet).
  std::uint64_t last_op_seq() const { return next_seq_ - 1; }
  // sync(1): everything written so far becomes durable.
  void sync_all() { writeback(last_op_seq()); }
  // The kernel's flusher wrote back every operation up to `op_seq`: it is durable, in order
  // (Linux writes dirty pages back once they are older than dirty_expire_centisecs). Returns
  // how many operations became durable.
  std::uint64_t writeback(std::uint64_t op_seq);
  // The fsync finished: the inode's contents as of the barrier, and every namespace change
  // issued before it, are durable.
  void fsync_complete(const FsyncBarrier& barrier);

  // The machine lost power or the process was killed with its page cache (we model the
  // pessimistic case of ZooKeeper's documentation: unsynced data may be lost). Afterwards the
  // cache equals the durable state.
  CrashOutcome crash(CrashLoss mode, Rng& rng);

  // What a restarting process finds.
  DurableFiles durable_files() const;
  // The cache's view of one file (nullptr if absent): what a read would return now.
  const Bytes* cached(const std::string& file) const;
  std::uint64_t unsynced_ops() const;

  // Out-of-model: flip the bits of one durable byte; false if the file is absent or too short.
  bool corrupt(const std::string& file, std::uint64_t offset);

 private:
  enum class OpType : std::uint8_t { kCreate, kAppend, kTruncate, kRename, kRemove, kReplace };
  struct PendingOp {
    std::uint64_t seq = 0;
    OpType type = OpType::kAppend;
    std::uint64_t inode = 0;
    std::string name{};   // kCreate, kRename (from), kRemove
    std::string name2{};  // kRename (to)
    Bytes bytes{};        // kAppend
    std::uint64_t size = 0;  // kTruncate
    bool durable = false;
  };
  struct Inode {
    Bytes cached;
    Bytes durable;
  };

  std::uint64_t inode_for_write(const std::string& file);
  void push(PendingOp op);
  void apply_durably(const PendingOp& op, std::uint64_t keep_bytes);
  void trim();

  std::map<std::uint64_t, Inode> inodes_;
  std::map<std::string, std::uint64_t> cached_names_;
  std::map<std::string, std::uint64_t> durable_names_;
  std::deque<PendingOp> pending_;  // unsynced operations in issue order (durable ones trimmed)
  std::uint64_t durable_since_compaction_ = 0;
  std::uint64_t next_inode_ = 1;
  std::uint64_t next_seq_ = 1;
};

}  // namespace zab::sim
