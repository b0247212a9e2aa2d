#pragma once
// The events of leader election that a server reports: FastLeaderElection (codes 100-119) and
// QuorumCnxManager (130-149). One definition each (field.h says how). The zxid of a vote may be
// Java's -1 (all ones) inside an election.

#include <cstdint>
#include <tuple>

#include "protocol/events/field.h"
#include "protocol/events/reasons.h"

namespace zab::ev {

// lookForLeader began a round with this proposal.
struct FleLookForLeader {
  static constexpr std::uint16_t kCode = 100;
  static constexpr const char* kName = "fle_look_for_leader";
  std::int64_t logicalclock = 0;
  ServerId leader;
  Zxid zxid;
  std::int64_t peer_epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"logicalclock", &FleLookForLeader::logicalclock}, Field{"leader", &FleLookForLeader::leader}, Field{"zxid", &FleLookForLeader::zxid}, Field{"peer_epoch", &FleLookForLeader::peer_epoch}}; }
};

// A notification arrived.
struct FleNotificationIn {
  static constexpr std::uint16_t kCode = 101;
  static constexpr const char* kName = "fle_notification";
  ServerId from;
  ServerState state = ServerState::kLooking;
  ServerId leader;
  std::int64_t election_epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"from", &FleNotificationIn::from}, Field{"state", &FleNotificationIn::state}, Field{"leader", &FleNotificationIn::leader}, Field{"election_epoch", &FleNotificationIn::election_epoch}}; }
};

// updateProposal.
struct FleVoteChanged {
  static constexpr std::uint16_t kCode = 102;
  static constexpr const char* kName = "fle_vote_changed";
  ServerId leader;
  Zxid zxid;
  std::int64_t peer_epoch = 0;
  std::int64_t logicalclock = 0;
  static constexpr auto fields() { return std::tuple{Field{"leader", &FleVoteChanged::leader}, Field{"zxid", &FleVoteChanged::zxid}, Field{"peer_epoch", &FleVoteChanged::peer_epoch}, Field{"logicalclock", &FleVoteChanged::logicalclock}}; }
};

// A LOOKING notification of a later round moved the clock.
struct FleRoundAdvanced {
  static constexpr std::uint16_t kCode = 103;
  static constexpr const char* kName = "fle_round_advanced";
  std::int64_t logicalclock = 0;
  ServerId from;
  static constexpr auto fields() { return std::tuple{Field{"logicalclock", &FleRoundAdvanced::logicalclock}, Field{"from", &FleRoundAdvanced::from}}; }
};

// sendNotifications.
struct FleNotificationsSent {
  static constexpr std::uint16_t kCode = 104;
  static constexpr const char* kName = "fle_notifications_sent";
  std::int64_t logicalclock = 0;
  ServerId leader;
  Zxid zxid;
  std::int64_t peer_epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"logicalclock", &FleNotificationsSent::logicalclock}, Field{"leader", &FleNotificationsSent::leader}, Field{"zxid", &FleNotificationsSent::zxid}, Field{"peer_epoch", &FleNotificationsSent::peer_epoch}}; }
};

// No notification for a poll; `resent`: notifications re-sent (else connectAll).
struct FleTimeout {
  static constexpr std::uint16_t kCode = 105;
  static constexpr const char* kName = "fle_timeout";
  std::int64_t next_timeout_ms = 0;
  bool resent = false;
  static constexpr auto fields() { return std::tuple{Field{"next_timeout_ms", &FleTimeout::next_timeout_ms}, Field{"resent", &FleTimeout::resent}}; }
};

// A quorum agrees: the finalize wait begins.
struct FleFinalizeWait {
  static constexpr std::uint16_t kCode = 106;
  static constexpr const char* kName = "fle_finalize_wait";
  ServerId leader;
  std::int64_t logicalclock = 0;
  std::uint64_t acks = 0;
  static constexpr auto fields() { return std::tuple{Field{"leader", &FleFinalizeWait::leader}, Field{"logicalclock", &FleFinalizeWait::logicalclock}, Field{"acks", &FleFinalizeWait::acks}}; }
};

// A better vote ended the finalize wait.
struct FleFinalizeBroken {
  static constexpr std::uint16_t kCode = 107;
  static constexpr const char* kName = "fle_finalize_broken";
  ServerId from;
  ServerId leader;
  static constexpr auto fields() { return std::tuple{Field{"from", &FleFinalizeBroken::from}, Field{"leader", &FleFinalizeBroken::leader}}; }
};

// A vote that is not better, seen during the wait, dropped.
struct FleFinalizeDiscard {
  static constexpr std::uint16_t kCode = 108;
  static constexpr const char* kName = "fle_finalize_discard";
  ServerId from;
  ServerId leader;
  static constexpr auto fields() { return std::tuple{Field{"from", &FleFinalizeDiscard::from}, Field{"leader", &FleFinalizeDiscard::leader}}; }
};

// The election ended with this vote.
struct FleElectionFinished {
  static constexpr std::uint16_t kCode = 109;
  static constexpr const char* kName = "fle_election_finished";
  ServerId leader;
  std::int64_t election_epoch = 0;
  Zxid zxid;
  std::int64_t peer_epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"leader", &FleElectionFinished::leader}, Field{"election_epoch", &FleElectionFinished::election_epoch}, Field{"zxid", &FleElectionFinished::zxid}, Field{"peer_epoch", &FleElectionFinished::peer_epoch}}; }
};

// The election ended by FOLLOWING/LEADING votes; `from`: the last sender.
struct FleJoined {
  static constexpr std::uint16_t kCode = 110;
  static constexpr const char* kName = "fle_joined";
  ServerId leader;
  std::int64_t election_epoch = 0;
  JoinPath path = JoinPath::kSameRound;
  ServerId from;
  static constexpr auto fields() { return std::tuple{Field{"leader", &FleJoined::leader}, Field{"election_epoch", &FleJoined::election_epoch}, Field{"path", &FleJoined::path}, Field{"from", &FleJoined::from}}; }
};

// A notification that did not count.
struct FleIgnored {
  static constexpr std::uint16_t kCode = 111;
  static constexpr const char* kName = "fle_ignored";
  ServerId from;
  ElectionIgnoreReason reason = ElectionIgnoreReason::kStaleRound;
  static constexpr auto fields() { return std::tuple{Field{"from", &FleIgnored::from}, Field{"reason", &FleIgnored::reason}}; }
};

// A notification that could not be decoded.
struct FleMalformed {
  static constexpr std::uint16_t kCode = 112;
  static constexpr const char* kName = "fle_malformed";
  ServerId from;
  std::uint64_t bytes = 0;
  static constexpr auto fields() { return std::tuple{Field{"from", &FleMalformed::from}, Field{"bytes", &FleMalformed::bytes}}; }
};

// WorkerReceiver's answer to a notification.
struct FleReply {
  static constexpr std::uint16_t kCode = 113;
  static constexpr const char* kName = "fle_reply";
  ServerId to;
  ServerState state = ServerState::kLooking;
  ServerId leader;
  std::int64_t election_epoch = 0;
  static constexpr auto fields() { return std::tuple{Field{"to", &FleReply::to}, Field{"state", &FleReply::state}, Field{"leader", &FleReply::leader}, Field{"election_epoch", &FleReply::election_epoch}}; }
};

// QuorumCnxManager dials a peer.
struct CnxConnecting {
  static constexpr std::uint16_t kCode = 130;
  static constexpr const char* kName = "cnx_connecting";
  ServerId peer;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxConnecting::peer}}; }
};

// SendWorker/RecvWorker started; `dialed`: we dialed.
struct CnxEstablished {
  static constexpr std::uint16_t kCode = 131;
  static constexpr const char* kName = "cnx_established";
  ServerId peer;
  std::uint64_t conn = 0;
  bool dialed = false;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxEstablished::peer}, Field{"conn", &CnxEstablished::conn}, Field{"dialed", &CnxEstablished::dialed}}; }
};

// We dialed a higher sid: header sent, hung up.
struct CnxChallengeLost {
  static constexpr std::uint16_t kCode = 132;
  static constexpr const char* kName = "cnx_challenge_lost";
  ServerId peer;
  std::uint64_t conn = 0;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxChallengeLost::peer}, Field{"conn", &CnxChallengeLost::conn}}; }
};

// A lower sid dialed us: dropped it, dialing back.
struct CnxDialBack {
  static constexpr std::uint16_t kCode = 133;
  static constexpr const char* kName = "cnx_dial_back";
  ServerId peer;
  std::uint64_t conn = 0;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxDialBack::peer}, Field{"conn", &CnxDialBack::conn}}; }
};

// A connection ended; `closed_by_us`: replaced or a bad frame (else it broke).
struct CnxDown {
  static constexpr std::uint16_t kCode = 134;
  static constexpr const char* kName = "cnx_down";
  ServerId peer;
  std::uint64_t conn = 0;
  bool closed_by_us = false;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxDown::peer}, Field{"conn", &CnxDown::conn}, Field{"closed_by_us", &CnxDown::closed_by_us}}; }
};

// A dial failed.
struct CnxConnectFailed {
  static constexpr std::uint16_t kCode = 135;
  static constexpr const char* kName = "cnx_connect_failed";
  ServerId peer;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxConnectFailed::peer}}; }
};

// The capacity-1 send queue dropped an older message.
struct CnxSendDropped {
  static constexpr std::uint16_t kCode = 136;
  static constexpr const char* kName = "cnx_send_dropped";
  ServerId peer;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxSendDropped::peer}}; }
};

// LastMessageSent re-sent on a new connection.
struct CnxResendLast {
  static constexpr std::uint16_t kCode = 137;
  static constexpr const char* kName = "cnx_resend_last";
  ServerId peer;
  static constexpr auto fields() { return std::tuple{Field{"peer", &CnxResendLast::peer}}; }
};

// A connection closed before its workers started.
struct CnxRejected {
  static constexpr std::uint16_t kCode = 138;
  static constexpr const char* kName = "cnx_rejected";
  std::uint64_t conn = 0;
  CnxRejectReason reason = CnxRejectReason::kBadInitialMessage;
  static constexpr auto fields() { return std::tuple{Field{"conn", &CnxRejected::conn}, Field{"reason", &CnxRejected::reason}}; }
};

// The receive queue (capacity 100) dropped its oldest.
struct CnxRecvDropped {
  static constexpr std::uint16_t kCode = 139;
  static constexpr const char* kName = "cnx_recv_dropped";
  ServerId from;
  static constexpr auto fields() { return std::tuple{Field{"from", &CnxRecvDropped::from}}; }
};

}  // namespace zab::ev
