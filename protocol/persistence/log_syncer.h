#pragma once
// The txn log as a server uses it: SyncRequestProcessor's group commit (append what arrives,
// fsync when the input queue runs dry, hand the batch on — ACK on a follower, processAck(self)
// on the leader — only once the fsync is done; at most maxBatchSize per fsync), its snapshot
// trigger (after snapCount/2 + random(snapCount/2) txns: roll the log and snapshot), and
// ZKDatabase's direct append + commit that a learner uses at NEWLEADER.
//
// While an fsync is in flight, SyncRequestProcessor's thread is blocked in it, so what arrives
// meanwhile is queued and appended only after it returns, then fsynced in the next batch.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/database/committed_log.h"
#include "protocol/base/config.h"
#include "protocol/base/random_source.h"
#include "protocol/quorum/sync_follower.h"
#include "protocol/persistence/txn_log.h"

namespace zab {

class LogSyncer {
 public:
  struct Hooks {
    std::function<void(const std::vector<Zxid>&)> flushed;  // the batch is durable, in order
    std::function<void()> direct_commit_done;               // commit_direct's fsync completed
    std::function<void()> take_snapshot;                    // the snapshot trigger fired
  };

  LogSyncer(const ServerConfig& config, RandomSource* random);
  void set_hooks(Hooks hooks) { hooks_ = std::move(hooks); }

  // At start: the log as found on disk. Resets the snapshot trigger (resetSnapshotStats).
  void reset(const DurableFiles& files);

  // SyncRequestProcessor.processRequest: queue a proposal for logging. `generation` names the
  // role (a leader's or follower's term) that wants its ACK; the flushed hook reports only
  // the zxids of the current generation, so a batch a previous term queued is logged but
  // never ACKed on the next term's connection.
  void log(Proposal proposal);
  void set_generation(std::uint64_t generation) {
    ZAB_ASSERT(generation > generation_, "each leader or follower term has a new, higher generation");
    generation_ = generation;
  }
  // Append everything still queued to the log (the page cache), even with an fsync in flight:
  // what a ZooKeeper server's shutdown of its SyncRequestProcessor leaves in the log files
  // before the database is fast-forwarded.
  void drain(std::vector<Output>& out);
  // The input queue ran dry (end of a step): append and fsync what is waiting, unless an
  // fsync is in flight.
  void end_of_step(std::vector<Output>& out);

  // zkDb.append / zkDb.commit, outside the processor (Learner.syncWithLeader at NEWLEADER).
  void append_direct(const Proposal& proposal, std::vector<Output>& out);
  void commit_direct(std::vector<Output>& out);

  // in::FsyncDone: true if the tag was ours.
  bool on_fsync_done(std::uint64_t tag, std::vector<Output>& out);

  // FileTxnSnapLog.truncateLog; false if ZooKeeper's truncate fails (no log to truncate).
  bool truncate(Zxid zxid, std::vector<Output>& out);

  // What the leader may sync a learner from (ZKDatabase.getProposalsFromTxnLog).
  TxnLogView txn_log_view(std::int64_t last_snapshot_bytes, Zxid last_snapshot_zxid) const;
  // Every logged txn with a zxid above `zxid`, in log order (the fast-forward after a term).
  std::vector<Txn> logged_after(Zxid zxid) const;
  std::optional<Zxid> last_logged_zxid() const {
    ZAB_ASSERT(log_.has_value(), "the log is read once reset() loaded it at start");
    return log_->get_last_logged_zxid();
  }
  const FileTxnLog& file_log() const {
    ZAB_ASSERT(log_.has_value(), "the log is read once reset() loaded it at start");
    return *log_;
  }
  // Nothing queued, appended-but-unsynced or being fsynced.
  bool idle() const { return queue_.empty() && to_flush_.empty() && !in_flight_; }
  // idle(), and no direct commit (NEWLEADER's) waiting for its fsync either: everything ever
  // handed to the log is durable, or was lost with a crash.
  bool durable_idle() const { return idle() && !direct_; }
  // The batches in flight are non-empty and wait for their fsyncs; the snapshot trigger is in
  // range. Checked by the node after every step.
  void check_invariants() const;

 private:
  void append(const Proposal& proposal, std::vector<Output>& out);
  void flush(std::vector<Output>& out);
  void reset_snapshot_stats();

  const ServerConfig& config_;
  RandomSource* random_;
  Hooks hooks_;
  std::optional<FileTxnLog> log_;
  struct Queued {
    Proposal proposal;
    std::uint64_t generation = 0;
  };
  std::deque<Queued> queue_;            // waiting for the processor thread
  std::vector<Queued> to_flush_;        // appended, not yet fsynced
  struct InFlight {
    std::uint64_t tag = 0;
    std::size_t fsyncs_left = 0;
    std::vector<Queued> batch;
  };
  std::uint64_t generation_ = 0;
  std::optional<InFlight> in_flight_;   // the processor's fsync
  std::optional<InFlight> direct_;      // a direct commit's fsync
  std::uint64_t next_tag_ = 1;
  std::int64_t log_count_ = 0;          // txns since the last roll
  std::int64_t rand_roll_ = 0;          // the snapshot trigger's random part
};

}  // namespace zab
