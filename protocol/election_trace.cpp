#include "protocol/election_trace.h"

namespace zab {

namespace {
constexpr TraceKindInfo kKinds[] = {
    {kFleLookForLeader, "fle_look_for_leader", {"logicalclock", "leader", "zxid", "peer_epoch"}},
    {kFleNotificationIn, "fle_notification", {"from", "state", "leader", "election_epoch"}},
    {kFleVoteChanged, "fle_vote_changed", {"leader", "zxid", "peer_epoch", "logicalclock"}},
    {kFleRoundAdvanced, "fle_round_advanced", {"logicalclock", "from", "", ""}},
    {kFleNotificationsSent, "fle_notifications_sent", {"logicalclock", "leader", "zxid", "peer_epoch"}},
    {kFleTimeout, "fle_timeout", {"next_timeout_ms", "resent", "", ""}},
    {kFleFinalizeWait, "fle_finalize_wait", {"leader", "logicalclock", "acks", ""}},
    {kFleFinalizeBroken, "fle_finalize_broken", {"from", "leader", "", ""}},
    {kFleFinalizeDiscard, "fle_finalize_discard", {"from", "leader", "", ""}},
    {kFleElectionFinished, "fle_election_finished", {"leader", "election_epoch", "zxid", "peer_epoch"}},
    {kFleJoined, "fle_joined", {"leader", "election_epoch", "path", "from"}},
    {kFleIgnored, "fle_ignored", {"from", "reason", "", ""}},
    {kFleMalformed, "fle_malformed", {"from", "bytes", "", ""}},
    {kFleReply, "fle_reply", {"to", "state", "leader", "election_epoch"}},
    {kCnxConnecting, "cnx_connecting", {"peer", "", "", ""}},
    {kCnxEstablished, "cnx_established", {"peer", "conn", "dialed", ""}},
    {kCnxChallengeLost, "cnx_challenge_lost", {"peer", "conn", "", ""}},
    {kCnxDialBack, "cnx_dial_back", {"peer", "conn", "", ""}},
    {kCnxDown, "cnx_down", {"peer", "conn", "closed_by_us", ""}},
    {kCnxConnectFailed, "cnx_connect_failed", {"peer", "", "", ""}},
    {kCnxSendDropped, "cnx_send_dropped", {"peer", "", "", ""}},
    {kCnxResendLast, "cnx_resend_last", {"peer", "", "", ""}},
    {kCnxRejected, "cnx_rejected", {"conn", "reason", "", ""}},
    {kCnxRecvDropped, "cnx_recv_dropped", {"from", "", "", ""}},
};
}  // namespace

std::span<const TraceKindInfo> election_trace_kinds() { return kKinds; }

}  // namespace zab
