#include "protocol/zab_trace.h"

namespace zab {

namespace {
constexpr TraceKindInfo kKinds[] = {
    {kTracePeerState, "peer_state", {"state", "leader", "current_epoch", ""}},
    {kTraceAcceptedEpoch, "accepted_epoch", {"epoch", "", "", ""}},
    {kTraceCurrentEpoch, "current_epoch", {"epoch", "", "", ""}},
    {kTraceProposed, "proposed", {"zxid", "txn_hash", "", ""}},
    {kTraceLogged, "logged", {"zxid", "txn_hash", "", ""}},
    {kTraceCommitted, "committed", {"zxid", "quorum", "", ""}},
    {kTraceApplied, "applied", {"zxid", "txn_hash", "committed_log", "source"}},
    {kTraceTruncated, "truncated", {"zxid", "", "", ""}},
    {kTraceSnapshotWritten, "snapshot_written", {"zxid", "fsynced", "", ""}},
    {kTraceSnapshotLoaded, "snapshot_loaded", {"zxid", "", "", ""}},
    {kTraceSyncChosen, "sync_chosen", {"learner", "mode", "peer_zxid", "forward_from"}},
    {kTraceLeaderEstablished, "leader_established", {"epoch", "", "", ""}},
    {kTraceLeaderShutdown, "leader_shutdown", {"reason", "", "", ""}},
    {kTraceFollowerSynced, "follower_synced", {"leader", "epoch", "", ""}},
    {kTraceNewLeaderAcked, "newleader_acked", {"epoch", "", "", ""}},
    {kTraceFollowerExit, "follower_exit", {"reason", "", "", ""}},
    {kTraceStartupRefused, "startup_refused", {"reason", "", "", ""}},
    {kTraceRestored, "restored", {"last_zxid", "snapshot_zxid", "current_epoch", "accepted_epoch"}},
    {kTraceEpochAgreed, "epoch_agreed", {"epoch", "", "", ""}},
    {kTraceLearnerDropped, "learner_dropped", {"learner", "reason", "", ""}},
    {kTraceClientRefused, "client_refused", {"session", "client_zxid", "server_zxid", ""}},
    {kTraceTreeReset, "tree_reset", {"zxid", "", "", ""}},
    {kTraceReplayed, "replayed", {"zxid", "txn_hash", "", ""}},
};
}  // namespace

std::span<const TraceKindInfo> zab_trace_kinds() { return kKinds; }

}  // namespace zab
