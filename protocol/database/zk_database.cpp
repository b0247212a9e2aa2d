#include "protocol/database/zk_database.h"

#include "protocol/base/assert.h"
#include "protocol/persistence/data_dir.h"
#include "protocol/persistence/local_files.h"
#include "protocol/persistence/log_syncer.h"
#include "protocol/base/timers.h"
#include "protocol/base/zab_trace.h"

namespace zab {

ZkDatabase::ZkDatabase(const ServerConfig& config, LogSyncer& syncer, LocalFiles& files)
    : config_(config), syncer_(syncer), files_(files), committed_log_(config.commit_log_count) {}

RestoreTree ZkDatabase::restore_hooks(std::vector<Output>& out) {
  RestoreTree hooks;
  hooks.deserialize = [this](Reader& r) { return tree_.deserialize(r); };
  hooks.serialize = [this](Writer& w) { tree_.serialize(w); };
  hooks.set_last_processed_zxid = [this, &out](Zxid z) {
    tree_.set_last_processed_zxid(z);
    out.push_back(trace_of(ev::TreeReset{z}));  // for the checkers: the snapshot's point
  };
  hooks.process_txn = [this, &out](const Txn& txn) {
    tree_.process_txn(txn);
    // For the checkers: the replayed txn, so the tree's rebuilt history is in the trace.
    out.push_back(trace_of(ev::Replayed{txn.header.zxid, txn_fingerprint(encode_txn(txn))}));
    // PlayBackListener.onTxnLoaded: the replayed txn enters the committedLog.
    if (committed_log_.empty() || committed_log_.max_committed() < txn.header.zxid) {
      committed_log_.add(Proposal{txn.header.zxid, encode_txn(txn)});
    }
  };
  return hooks;
}

OrDiskError<Restored> ZkDatabase::load(const DurableFiles& files, std::vector<Output>& out) {
  clear();
  out.push_back(trace_of(ev::TreeReset{Zxid::zero()}));  // for the checkers: the tree is rebuilt from here
  auto result = restore(files, restore_hooks(out), RestoreOptions{}, out);
  ZAB_ASSERT(std::holds_alternative<DiskError>(result) || committed_log_.empty() ||
                 committed_log_.max_committed() <= tree_.last_processed_zxid(),
             "a restored committedLog holds only replayed txns");
  if (auto* restored = std::get_if<Restored>(&result)) {
    sessions_ = restored->sessions;
    // Replay moves lastProcessedZxid to the highest zxid it met, as restore records it.
    ZAB_ASSERT(tree_.last_processed_zxid() == restored->highest_zxid, "the restored tree stands at the highest zxid replayed");
  }
  return result;
}

OrDiskError<Restored> ZkDatabase::reload(std::vector<Output>& out) {
  files_.catch_up(out);
  return load(files_.view(), out);
}

ProcessTxnResult ZkDatabase::apply(const Txn& txn, const Bytes& raw, bool to_committed_log, ApplySource source,
                                   std::vector<Output>& out) {
  ProcessTxnResult result = tree_.process_txn(txn);
  ZAB_ASSERT(result.zxid == txn.header.zxid, "the tree reports the txn it processed");
  ZAB_ASSERT(tree_.last_processed_zxid() >= txn.header.zxid, "lastProcessedZxid covers every txn applied");
  // ZooKeeperServer.processTxn: session txns change the session table.
  if (txn.header.type == OpCode::kCreateSession) {
    sessions_[txn.header.session] = std::get<CreateSessionTxn>(txn.body).timeout_ms;
  } else if (txn.header.type == OpCode::kCloseSession) {
    sessions_.erase(txn.header.session);
  }
  bool added = false;
  // A zxid at or below the window's newest is not added: replays over a fuzzy snapshot or a
  // fast-forward can meet txns the window has (ZooKeeper 3.8.0 would append a duplicate;
  // master, ZOOKEEPER-4925, ignores it as we do).
  if (to_committed_log && (committed_log_.empty() || committed_log_.max_committed() < txn.header.zxid)) {
    committed_log_.add(Proposal{txn.header.zxid, raw});
    ZAB_ASSERT(committed_log_.max_committed() == txn.header.zxid, "an applied txn added to the committedLog is its newest");
    added = true;
  }
  ZAB_ASSERT(!to_committed_log || committed_log_.max_committed() >= txn.header.zxid,
             "an applied txn is in the committedLog, or below its newest entry");
  out.push_back(trace_of(ev::Applied{.zxid = txn.header.zxid,
                                     .txn_hash = txn_fingerprint(raw),
                                     .committed_log = added,
                                     .source = source}));
  if (on_applied) on_applied(result, out);
  return result;
}

ProcessTxnResult ZkDatabase::apply_committed(Zxid zxid, const Bytes& txn, std::vector<Output>& out) {
  const auto decoded = decode_txn(txn);
  ZAB_ASSERT(decoded.has_value(), "a committed proposal carries a well-formed txn");
  ZAB_ASSERT(decoded->header.zxid == zxid, "a proposal's zxid is its txn header's zxid");
  return apply(*decoded, txn, /*to_committed_log=*/true, ApplySource::kDelivered, out);
}

ProcessTxnResult ZkDatabase::apply_outside_committed_log(Zxid zxid, const Bytes& txn, std::vector<Output>& out) {
  const auto decoded = decode_txn(txn);
  ZAB_ASSERT(decoded.has_value(), "a committed proposal carries a well-formed txn");
  ZAB_ASSERT(decoded->header.zxid == zxid, "a proposal's zxid is its txn header's zxid");
  return apply(*decoded, txn, /*to_committed_log=*/false, ApplySource::kDelivered, out);
}

Bytes ZkDatabase::serialize_snapshot() const {
  Bytes bytes = zab::serialize_snapshot(sessions_, [this](Writer& w) { tree_.serialize(w); });
  ZAB_ASSERT(bytes.size() >= kSnapshotBytesMin, "a serialized database is at least as large as any valid snapshot");
  return bytes;
}

bool ZkDatabase::load_snapshot(const Bytes& data) {
  ZAB_ASSERT(!data.empty(), "a SNAP's snapshot data is never empty (it holds at least the root)");
  clear();
  // The same format as a snapshot file: load it as the only file of a directory.
  DurableFiles one{{make_snapshot_name(Zxid::zero()), data}};
  SessionsWithTimeouts sessions;
  const auto result = deserialize_snapshot(one, sessions, [this](Reader& r) { return tree_.deserialize(r); });
  if (!std::holds_alternative<LoadedSnapshot>(result)) {
    clear();
    return false;
  }
  sessions_ = std::move(sessions);
  ZAB_ASSERT(committed_log_.empty(), "a learner loading a SNAP starts with an empty committedLog (ZKDatabase.clear)");
  return true;
}

void ZkDatabase::take_snapshot(bool fsync, std::vector<Output>& out) {
  const Zxid zxid = tree_.last_processed_zxid();
  ZAB_ASSERT(!fsync || next_snapshot_tag_ > 0, "a synced snapshot's tag is never 0");
  auto serializer = [this](Writer& w) { tree_.serialize(w); };
  if (fsync) {
    const std::uint64_t tag = timer_id(TimerSpace::kSnapshots, next_snapshot_tag_++);
    save_snapshot_synced(snapshot_writer_, zxid, sessions_, serializer, tag, out);
    return;
  }
  save_snapshot(zxid, sessions_, serializer, out);
  out.push_back(trace_of(ev::SnapshotWritten{zxid, /*fsynced=*/false}));
}

bool ZkDatabase::on_fsync_done(std::uint64_t tag, std::vector<Output>& out) {
  const auto name = snapshot_writer_.on_fsync_done(tag, out);
  if (!name) return false;
  ZAB_ASSERT(name->starts_with(kSnapshotFilePrefix), "the snapshot writer writes only snapshot files");
  const auto zxid = zxid_from_name(*name, kSnapshotFilePrefix);
  out.push_back(trace_of(ev::SnapshotWritten{zxid.value_or(Zxid::zero()), /*fsynced=*/true}));
  return true;
}

bool ZkDatabase::truncate_log(Zxid zxid, std::vector<Output>& out) {
  clear();
  if (!syncer_.truncate(zxid, out)) {
    // The tree stays empty (ZooKeeper exits here; D10 keeps the process): say so in the trace,
    // or the checkers would see the next fast-forward re-apply txns onto a tree they think full.
    out.push_back(trace_of(ev::TreeReset{Zxid::zero()}));
    return false;
  }
  // Deviation D29: a snapshot above the truncation point holds txns the leader just told us
  // to drop (a fast-forward at the end of a term applies uncommitted proposals, and a
  // snapshot can follow). FileTxnSnapLog.truncateLog leaves it (the "dirty snapshot" of the
  // notes, M12), the reload below loads it, and the learner diverges (found by `zabsim fuzz`:
  // prefix-agreement on the correct protocol). We remove such snapshots first.
  // A snapshot named after a new-epoch zxid <e,0> is not such a snapshot: <e,0> names no txn,
  // and a tree stands there only as a SNAP sync (or startZkServer) left it — the tree of the
  // leader that established epoch e, all of it committed, so no later leader's TRUNC point is
  // below any of its txns. It may be the only copy of txns at or below the TRUNC point (a
  // learner synced by SNAP holds them in no log), so removing it would reload a tree without
  // them that claims to stand at the TRUNC point.
  files_.catch_up(out);
  for (const DataFile& snapshot : sort_data_dir(files_.view(), kSnapshotFilePrefix)) {
    if (snapshot.zxid > zxid && snapshot.zxid.counter() != 0) out.push_back(out::Remove{snapshot.name});
  }
  // ZKDatabase.truncateLog reloads the database from the (truncated) files.
  if (!std::holds_alternative<Restored>(reload(out))) return false;
  // The reload must hold every txn up to the TRUNC point, or the learner would claim a zxid
  // whose txns it lacks: then the TRUNC cannot be honoured, and the learner fails the sync as
  // ZooKeeper does when truncateLog fails ("Not able to truncate the log", D10); it comes back
  // with the zxid it really has. A TRUNC to <e,0> names no txn: any tree below it will do.
  if (zxid.counter() != 0 && tree_.last_processed_zxid() < zxid) return false;
  return true;
}

void ZkDatabase::fast_forward(std::vector<Output>& out) {
  ZAB_ASSERT(syncer_.durable_idle(), "the fast-forward reads the log once the logger's txns are durable");
  for (const Txn& txn : syncer_.logged_after(tree_.last_processed_zxid())) {
    apply(txn, encode_txn(txn), /*to_committed_log=*/true, ApplySource::kFastForward, out);
    ZAB_ASSERT(tree_.last_processed_zxid() >= txn.header.zxid, "a fast-forwarded txn is covered by lastProcessedZxid");
  }
}

void ZkDatabase::kill_dead_sessions(std::vector<Output>&) {
  for (SessionId session : tree_.sessions_with_ephemerals()) {
    if (!sessions_.contains(session)) tree_.kill_session(session, tree_.last_processed_zxid());
  }
}

void ZkDatabase::clear() {
  tree_ = DataTree();
  sessions_.clear();
  committed_log_.clear();
}

std::int64_t ZkDatabase::last_snapshot_bytes() const {
  const auto newest = find_n_valid_snapshots(files_.view(), 1);
  if (newest.empty()) return 0;
  ZAB_ASSERT(files_.view().contains(newest.front().name), "the newest valid snapshot is one of the files");
  return static_cast<std::int64_t>(files_.view().at(newest.front().name).size());
}

Zxid ZkDatabase::last_snapshot_zxid() const {
  const auto newest = find_n_valid_snapshots(files_.view(), 1);
  ZAB_ASSERT(newest.size() <= 1, "one newest snapshot at most");
  return newest.empty() ? Zxid{} : newest.front().zxid;
}

void ZkDatabase::check_invariants(bool walk) const {
  committed_log_.check_invariants(walk);
  // Every proposal enters the committedLog when it is applied to the tree (or replayed into
  // it), so the window never runs ahead of lastProcessedZxid.
  ZAB_ASSERT(committed_log_.empty() || committed_log_.max_committed() <= tree_.last_processed_zxid(),
             "maxCommittedLog <= lastProcessedZxid: the committedLog holds only applied txns");
  for (const auto& [session, timeout_ms] : sessions_) {
    ZAB_ASSERT(session.value != 0, "session id 0 asks for a new session; no session has it");
    ZAB_ASSERT(timeout_ms > 0, "a committed session's timeout was negotiated (at least minSessionTimeout)");
  }
  if (walk) tree_.check_invariants();
}

}  // namespace zab
