#include "sim/disk.h"

#include <algorithm>
#include <map>
#include <set>

#include "protocol/base/assert.h"
#include "sim/distributions.h"

namespace zab::sim {

std::uint64_t Disk::inode_for_write(const std::string& file) {
  auto it = cached_names_.find(file);
  if (it != cached_names_.end()) return it->second;
  const std::uint64_t inode = next_inode_++;
  inodes_[inode];
  cached_names_[file] = inode;
  push(PendingOp{.type = OpType::kCreate, .inode = inode, .name = file});
  return inode;
}

void Disk::push(PendingOp op) {
  op.seq = next_seq_++;
  pending_.push_back(std::move(op));
}

void Disk::append(const std::string& file, const Bytes& bytes) {
  const std::uint64_t inode = inode_for_write(file);
  Bytes& cached = inodes_[inode].cached;
  cached.insert(cached.end(), bytes.begin(), bytes.end());
  push(PendingOp{.type = OpType::kAppend, .inode = inode, .bytes = bytes});
}

void Disk::write_file(const std::string& file, const Bytes& bytes) {
  // open(O_TRUNC) + write + close.
  const bool existed = cached_names_.contains(file);
  const std::uint64_t inode = inode_for_write(file);
  inodes_[inode].cached = bytes;
  if (existed) {
    // ext4's auto_da_alloc: data written over a file truncated to zero is flushed with the
    // journal commit that carries the truncate, so the file is never durably empty: the
    // truncate and the new contents become durable together (a metadata-class operation).
    push(PendingOp{.type = OpType::kReplace, .inode = inode, .bytes = bytes});
    return;
  }
  // A new file: its name is metadata (durable at the next journal commit), its data is
  // durable only with an fsync or the flusher's writeback.
  push(PendingOp{.type = OpType::kAppend, .inode = inode, .bytes = bytes});
}

void Disk::truncate(const std::string& file, std::uint64_t size) {
  const std::uint64_t inode = inode_for_write(file);
  Bytes& cached = inodes_[inode].cached;
  cached.resize(std::min<std::uint64_t>(cached.size(), size));
  push(PendingOp{.type = OpType::kTruncate, .inode = inode, .size = size});
}

void Disk::rename(const std::string& from, const std::string& to) {
  auto it = cached_names_.find(from);
  if (it == cached_names_.end() || from == to) return;  // ENOENT, or a no-op
  const std::uint64_t inode = it->second;
  cached_names_.erase(it);
  cached_names_[to] = inode;
  push(PendingOp{.type = OpType::kRename, .inode = inode, .name = from, .name2 = to});
}

void Disk::remove(const std::string& file) {
  auto it = cached_names_.find(file);
  if (it == cached_names_.end()) return;
  const std::uint64_t inode = it->second;
  cached_names_.erase(it);
  push(PendingOp{.type = OpType::kRemove, .inode = inode, .name = file});
}

FsyncBarrier Disk::fsync_begin(const std::string& file) const {
  auto it = cached_names_.find(file);
  return FsyncBarrier{it == cached_names_.end() ? 0 : it->second, next_seq_ - 1};
}

void Disk::apply_durably(const PendingOp& op, std::uint64_t keep_bytes) {
  switch (op.type) {
    case OpType::kCreate:
      durable_names_[op.name] = op.inode;
      break;
    case OpType::kAppend: {
      Bytes& durable = inodes_[op.inode].durable;
      const auto n = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(keep_bytes, op.bytes.size()));
      durable.insert(durable.end(), op.bytes.begin(), op.bytes.begin() + n);
      break;
    }
    case OpType::kReplace: {
      Bytes& durable = inodes_[op.inode].durable;
      durable.assign(op.bytes.begin(), op.bytes.begin() +
                                            static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(keep_bytes, op.bytes.size())));
      break;
    }
    case OpType::kTruncate: {
      Bytes& durable = inodes_[op.inode].durable;
      durable.resize(std::min<std::uint64_t>(durable.size(), op.size));
      break;
    }
    case OpType::kRename: {
      auto it = durable_names_.find(op.name);
      if (it != durable_names_.end() && it->second == op.inode) durable_names_.erase(it);
      durable_names_[op.name2] = op.inode;
      break;
    }
    case OpType::kRemove: {
      auto it = durable_names_.find(op.name);
      if (it != durable_names_.end() && it->second == op.inode) durable_names_.erase(it);
      break;
    }
  }
}

void Disk::fsync_complete(const FsyncBarrier& barrier) {
  // What the fsync makes durable, up to its barrier:
  // - every operation on the fsynced inode;
  // - every metadata operation (create, rename, remove, truncate), because an fsync commits
  //   the file system's journal, as on ext4;
  // - and, for each of those metadata operations, the earlier data operations on the same
  //   inode: in data=ordered mode the data blocks go out before the metadata that refers to
  //   them (this is also why "write temp, rename over" is safe on ext4 without an fsync).
  // Everything is applied in issue order, so the durable state is always one a real disk
  // could have reached.
  // inode -> its last metadata op <= barrier (few: a handful of files change names at a time)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> last_metadata_seq;
  for (const PendingOp& op : pending_) {
    if (op.seq > barrier.op_seq) break;
    if (op.durable || op.type == OpType::kAppend) continue;
    auto it = std::find_if(last_metadata_seq.begin(), last_metadata_seq.end(),
                           [&](const auto& m) { return m.first == op.inode; });
    if (it == last_metadata_seq.end()) {
      last_metadata_seq.emplace_back(op.inode, op.seq);
    } else {
      it->second = op.seq;
    }
  }
  for (PendingOp& op : pending_) {
    if (op.seq > barrier.op_seq) break;
    if (op.durable) continue;
    const bool metadata = op.type != OpType::kAppend;
    auto m = std::find_if(last_metadata_seq.begin(), last_metadata_seq.end(),
                          [&](const auto& e) { return e.first == op.inode; });
    const bool before_metadata = m != last_metadata_seq.end() && op.seq <= m->second;
    if (metadata || op.inode == barrier.inode || before_metadata) {
      apply_durably(op, op.bytes.size());
      op.durable = true;
    }
  }
  trim();
}

std::uint64_t Disk::writeback(std::uint64_t op_seq) {
  std::uint64_t written = 0;
  for (PendingOp& op : pending_) {
    if (op.seq > op_seq) break;
    if (op.durable) continue;
    apply_durably(op, op.bytes.size());
    op.durable = true;
    ++written;
  }
  trim();
  return written;
}

std::uint64_t Disk::unsynced_ops() const {
  std::uint64_t n = 0;
  for (const PendingOp& op : pending_) n += op.durable ? 0 : 1;
  return n;
}

void Disk::trim() {
  // Durable operations are already applied; only the order of the rest matters (for a crash's
  // prefix), so they can go from anywhere — done in bulk, to keep fsync's scan short.
  while (!pending_.empty() && pending_.front().durable) pending_.pop_front();
  ++durable_since_compaction_;
  if (durable_since_compaction_ >= 64) {
    std::erase_if(pending_, [](const PendingOp& op) { return op.durable; });
    durable_since_compaction_ = 0;
  }
}

CrashOutcome Disk::crash(CrashLoss mode, Rng& rng) {
  std::uint64_t undurable = 0;
  for (const PendingOp& op : pending_) undurable += op.durable ? 0 : 1;
  // Draw the same number of values in every mode, so the loss mode does not shift the stream.
  const std::uint64_t prefix_draw = uniform_below(rng, undurable + 1);
  const std::uint64_t torn_draw = rng.next_u64();

  std::uint64_t keep = mode == CrashLoss::kLoseAll ? 0 : prefix_draw;
  CrashOutcome outcome;
  std::uint64_t index = 0;
  for (const PendingOp& op : pending_) {
    if (op.durable) continue;
    if (index < keep) {
      apply_durably(op, op.bytes.size());
    } else if (index == keep && mode == CrashLoss::kTornTail && op.type == OpType::kAppend &&
               !op.bytes.empty()) {
      // A torn write: a strict prefix of the bytes reached the platter.
      outcome.torn_bytes_kept = torn_draw % op.bytes.size();
      apply_durably(op, outcome.torn_bytes_kept);
    } else {
      ++outcome.ops_lost;
    }
    ++index;
  }
  pending_.clear();
  // The cache is gone: what the restarted process sees is what is durable. Inodes no durable
  // name reaches are unreachable after a reboot.
  cached_names_ = durable_names_;
  std::map<std::uint64_t, Inode> live;
  for (const auto& [name, inode] : durable_names_) {
    Inode& node = live[inode];
    node.durable = inodes_[inode].durable;
    node.cached = node.durable;
  }
  inodes_ = std::move(live);
  ZAB_ASSERT(outcome.ops_lost <= undurable, "a crash cannot lose more operations than were unsynced");
  return outcome;
}

DurableFiles Disk::durable_files() const {
  DurableFiles files;
  for (const auto& [name, inode] : durable_names_) files[name] = inodes_.at(inode).durable;
  return files;
}

const Bytes* Disk::cached(const std::string& file) const {
  auto it = cached_names_.find(file);
  if (it == cached_names_.end()) return nullptr;
  return &inodes_.at(it->second).cached;
}

bool Disk::corrupt(const std::string& file, std::uint64_t offset) {
  auto it = durable_names_.find(file);
  if (it == durable_names_.end()) return false;
  Bytes& durable = inodes_[it->second].durable;
  if (offset >= durable.size()) return false;
  durable[offset] ^= 0xff;
  return true;
}

}  // namespace zab::sim
