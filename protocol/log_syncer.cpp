#include "protocol/log_syncer.h"

#include <algorithm>

#include "protocol/assert.h"
#include "protocol/timers.h"
#include "protocol/zab_trace.h"

namespace zab {

LogSyncer::LogSyncer(const ServerConfig& config, RandomSource* random) : config_(config), random_(random) {
  ZAB_ASSERT(random_ != nullptr, "the snapshot trigger draws from the node's random source");
}

void LogSyncer::reset(const DurableFiles& files) {
  log_.emplace(files);
  queue_.clear();
  to_flush_.clear();
  in_flight_.reset();
  direct_.reset();
  log_count_ = 0;
  reset_snapshot_stats();
}

void LogSyncer::reset_snapshot_stats() {
  // randRoll = uniform in [0, snapCount / 2)
  const auto half = static_cast<std::uint64_t>(std::max<std::int64_t>(1, config_.snap_count / 2));
  rand_roll_ = static_cast<std::int64_t>(random_->uniform_below(half));
}

void LogSyncer::log(Proposal proposal) { queue_.push_back(Queued{std::move(proposal), generation_}); }

void LogSyncer::drain(std::vector<Output>& out) {
  while (!queue_.empty()) {
    append(queue_.front().proposal, out);
    to_flush_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
}

void LogSyncer::append(const Proposal& proposal, std::vector<Output>& out) {
  const auto txn = decode_txn(proposal.txn);
  ZAB_ASSERT(txn.has_value(), "a proposal to log carries a well-formed txn (the leader encoded it)");
  log_->append(*txn, out);
  ++log_count_;
  // shouldSnapshot: txnCount > snapCount/2 + randRoll (the byte-size trigger, 4 GiB by
  // default, is never reached in a simulation and is left out).
  if (log_count_ > config_.snap_count / 2 + rand_roll_) {
    reset_snapshot_stats();
    log_->roll_log();
    log_count_ = 0;
    if (hooks_.take_snapshot) hooks_.take_snapshot();
  }
}

void LogSyncer::end_of_step(std::vector<Output>& out) {
  if (in_flight_) return;  // the processor thread is blocked in the fsync
  while (!queue_.empty()) {
    append(queue_.front().proposal, out);
    to_flush_.push_back(std::move(queue_.front()));
    queue_.pop_front();
    if (static_cast<std::int32_t>(to_flush_.size()) >= config_.max_batch_size) break;
  }
  flush(out);
}

void LogSyncer::flush(std::vector<Output>& out) {
  if (to_flush_.empty()) return;
  InFlight f;
  f.tag = timer_id(TimerSpace::kSync, next_tag_++);
  f.fsyncs_left = log_->commit(f.tag, out);
  f.batch = std::move(to_flush_);
  to_flush_.clear();
  ZAB_ASSERT(f.fsyncs_left > 0, "a commit with appended txns fsyncs at least the open log file");
  in_flight_ = std::move(f);
}

void LogSyncer::append_direct(const Proposal& proposal, std::vector<Output>& out) {
  const auto txn = decode_txn(proposal.txn);
  ZAB_ASSERT(txn.has_value(), "a proposal to log carries a well-formed txn");
  log_->append(*txn, out);
  if (!direct_) direct_ = InFlight{};
  direct_->batch.push_back(Queued{proposal, generation_});
}

void LogSyncer::commit_direct(std::vector<Output>& out) {
  if (!direct_) direct_ = InFlight{};
  direct_->tag = timer_id(TimerSpace::kDirectLog, next_tag_++);
  direct_->fsyncs_left = log_->commit(direct_->tag, out);
  if (direct_->fsyncs_left == 0) {
    direct_.reset();
    if (hooks_.direct_commit_done) hooks_.direct_commit_done();
  }
}

bool LogSyncer::on_fsync_done(std::uint64_t tag, std::vector<Output>& out) {
  if (in_flight_ && in_flight_->tag == tag) {
    if (--in_flight_->fsyncs_left > 0) return true;
    std::vector<Zxid> zxids;
    for (const Queued& q : in_flight_->batch) {
      out.push_back(trace_of(ev::Logged{q.proposal.zxid, txn_fingerprint(q.proposal.txn)}));
      if (q.generation == generation_) zxids.push_back(q.proposal.zxid);
    }
    in_flight_.reset();
    if (hooks_.flushed) hooks_.flushed(zxids);
    return true;
  }
  if (direct_ && direct_->tag == tag) {
    if (--direct_->fsyncs_left > 0) return true;
    for (const Queued& q : direct_->batch) out.push_back(trace_of(ev::Logged{q.proposal.zxid, txn_fingerprint(q.proposal.txn)}));
    direct_.reset();
    if (hooks_.direct_commit_done) hooks_.direct_commit_done();
    return true;
  }
  return false;
}

bool LogSyncer::truncate(Zxid zxid, std::vector<Output>& out) {
  // FileTxnSnapLog.truncateLog closes the log without a commit: an appended txn waiting for
  // its fsync would never be made durable, yet be reported logged by the next commit. TRUNC
  // is a sync's first packet, after the previous role's shutdown flushed the logger (D23).
  ZAB_ASSERT(idle(), "TRUNC finds no txn of the logger waiting to be made durable");
  ZAB_ASSERT(!direct_, "TRUNC finds no direct commit waiting for its fsync");
  const auto error = log_->truncate(zxid, out);
  if (error) return false;
  out.push_back(trace_of(ev::Truncated{zxid}));
  return true;
}

TxnLogView LogSyncer::txn_log_view(std::int64_t last_snapshot_bytes, Zxid last_snapshot_zxid) const {
  const FileTxnLog* log = &*log_;
  TxnLogView view;
  view.proposals_from = [log](Zxid from) {
    std::vector<Proposal> result;
    for (const Txn& t : log->read(from, /*fast_forward=*/false).txns) result.push_back(Proposal{t.header.zxid, encode_txn(t)});
    return result;
  };
  view.log_bytes_from = [log](Zxid from) {
    return static_cast<std::int64_t>(log->read(from, /*fast_forward=*/false).storage_size_bytes);
  };
  view.last_snapshot_bytes = last_snapshot_bytes;
  view.last_snapshot_zxid = last_snapshot_zxid;
  return view;
}

std::vector<Txn> LogSyncer::logged_after(Zxid zxid) const {
  std::vector<Txn> result;
  for (Txn& t : log_->read(zxid, /*fast_forward=*/true).txns) {
    if (t.header.zxid > zxid) result.push_back(std::move(t));
  }
  return result;
}

}  // namespace zab
