#include "protocol/persistence/log_syncer.h"

#include <algorithm>

#include "protocol/base/assert.h"
#include "protocol/base/timers.h"
#include "protocol/base/zab_trace.h"

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
  ZAB_ASSERT(rand_roll_ >= 0, "randRoll is drawn from [0, snapCount / 2)");
  ZAB_ASSERT(static_cast<std::uint64_t>(rand_roll_) < half, "randRoll is drawn from [0, snapCount / 2)");
}

void LogSyncer::log(Proposal proposal) {
  ZAB_ASSERT(generation_ > 0, "txns are logged for a leader's or follower's term");
  queue_.push_back(Queued{std::move(proposal), generation_});
}

void LogSyncer::drain(std::vector<Output>& out) {
  ZAB_ASSERT(log_.has_value(), "the queue drains into the log reset() loaded at start");
  while (!queue_.empty()) {
    append(queue_.front().proposal, out);
    to_flush_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
}

void LogSyncer::append(const Proposal& proposal, std::vector<Output>& out) {
  ZAB_ASSERT(log_.has_value(), "txns are appended once reset() loaded the log at start");
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
  ZAB_ASSERT(config_.max_batch_size > 0, "zookeeper.maxBatchSize is positive: a group commit takes at least one txn");
  if (in_flight_) return;  // the processor thread is blocked in the fsync
  while (!queue_.empty()) {
    append(queue_.front().proposal, out);
    to_flush_.push_back(std::move(queue_.front()));
    queue_.pop_front();
    if (static_cast<std::int32_t>(to_flush_.size()) >= config_.max_batch_size) break;
  }
  flush(out);
  ZAB_ASSERT(to_flush_.empty(), "a group commit makes every appended txn durable");
}

void LogSyncer::flush(std::vector<Output>& out) {
  if (to_flush_.empty()) return;
  ZAB_ASSERT(!in_flight_, "one group commit's fsync at a time (the processor blocks in it)");
  InFlight f;
  f.tag = timer_id(TimerSpace::kSync, next_tag_++);
  f.fsyncs_left = log_->commit(f.tag, out);
  f.batch = std::move(to_flush_);
  to_flush_.clear();
  ZAB_ASSERT(f.fsyncs_left > 0, "a commit with appended txns fsyncs at least the open log file");
  in_flight_ = std::move(f);
}

void LogSyncer::append_direct(const Proposal& proposal, std::vector<Output>& out) {
  ZAB_ASSERT(log_.has_value(), "txns are appended once reset() loaded the log at start");
  ZAB_ASSERT(!direct_ || direct_->fsyncs_left == 0, "no txn is appended directly while a direct commit waits for its fsync");
  const auto txn = decode_txn(proposal.txn);
  ZAB_ASSERT(txn.has_value(), "a proposal to log carries a well-formed txn");
  log_->append(*txn, out);
  if (!direct_) direct_ = InFlight{};
  direct_->batch.push_back(Queued{proposal, generation_});
}

void LogSyncer::commit_direct(std::vector<Output>& out) {
  ZAB_ASSERT(direct_.has_value(), "a direct commit follows the direct appends it makes durable");
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
    ZAB_ASSERT(in_flight_->fsyncs_left > 0, "a group commit gets no more fsync completions than it issued");
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
    ZAB_ASSERT(direct_->fsyncs_left > 0, "a direct commit gets no more fsync completions than it issued");
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
  ZAB_ASSERT(log_.has_value(), "the leader reads its log once reset() loaded it at start");
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
  ZAB_ASSERT(log_.has_value(), "the log is read once reset() loaded it at start");
  std::vector<Txn> result;
  for (Txn& t : log_->read(zxid, /*fast_forward=*/true).txns) {
    if (t.header.zxid > zxid) result.push_back(std::move(t));
  }
  return result;
}

void LogSyncer::check_invariants() const {
  ZAB_ASSERT(log_.has_value(), "a running server's logger has its log (reset at start)");
  log_->check_invariants();
  ZAB_ASSERT(log_count_ <= config_.snap_count / 2 + rand_roll_,
             "the snapshot trigger fires, and resets the count, once txnCount passes snapCount/2 + randRoll");
  ZAB_ASSERT(rand_roll_ >= 0, "randRoll is drawn from [0, snapCount / 2)");
  ZAB_ASSERT(rand_roll_ < std::max<std::int64_t>(1, config_.snap_count / 2), "randRoll is drawn from [0, snapCount / 2)");
  if (in_flight_) {
    ZAB_ASSERT(!in_flight_->batch.empty(), "an fsync in flight makes a non-empty batch durable");
    ZAB_ASSERT(in_flight_->fsyncs_left > 0, "a batch in flight still waits for an fsync");
    ZAB_ASSERT(timer_space(in_flight_->tag) == TimerSpace::kSync, "the processor's fsync tag is in its own space");
  }
  if (direct_) {
    // append_direct and commit_direct run in the same step (Learner.syncWithLeader at NEWLEADER).
    ZAB_ASSERT(direct_->fsyncs_left > 0, "a direct commit left pending still waits for an fsync");
    ZAB_ASSERT(timer_space(direct_->tag) == TimerSpace::kDirectLog, "a direct commit's fsync tag is in its own space");
  }
  for (const Queued& q : queue_) {
    ZAB_ASSERT(q.generation <= generation_, "a queued proposal belongs to this term or an earlier one");
  }
  for (const Queued& q : to_flush_) {
    ZAB_ASSERT(q.generation <= generation_, "an appended proposal belongs to this term or an earlier one");
  }
}

}  // namespace zab
