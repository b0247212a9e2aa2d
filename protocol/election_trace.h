#pragma once
// The out::Trace kinds of leader election (kinds 100-149 are reserved for it): what
// FastLeaderElection (100-119) and QuorumCnxManager (130-149) report, and the names a trace
// file gives them. A node that embeds the election registers kElectionTraceKinds with the
// world along with its own kinds.

#include <cstdint>
#include <span>

#include "protocol/io.h"

namespace zab {

enum ElectionTrace : std::uint16_t {
  // FastLeaderElection
  kFleLookForLeader = 100,      // a=logicalclock, b=proposed leader, c=proposed zxid, d=proposed peerEpoch
  kFleNotificationIn = 101,     // a=sender, b=sender's state, c=its leader, d=its electionEpoch
  kFleVoteChanged = 102,        // updateProposal: a=leader, b=zxid, c=peerEpoch, d=logicalclock
  kFleRoundAdvanced = 103,      // a=new logicalclock (from a LOOKING notification), b=its sender
  kFleNotificationsSent = 104,  // sendNotifications: a=logicalclock, b=leader, c=zxid, d=peerEpoch
  kFleTimeout = 105,            // no notification for a poll: a=next timeout ms, b=1 re-sent / 0 connectAll
  kFleFinalizeWait = 106,       // a quorum agrees: a=proposed leader, b=logicalclock, c=acks
  kFleFinalizeBroken = 107,     // a better vote ended the finalize wait: a=sender, b=its leader
  kFleFinalizeDiscard = 108,    // a not-better vote seen during the wait, dropped: a=sender, b=its leader
  kFleElectionFinished = 109,   // a=leader, b=electionEpoch, c=leader zxid, d=leader peerEpoch
  kFleJoined = 110,             // ended by FOLLOWING/LEADING votes: a=leader, b=electionEpoch,
                                //   c=1 same round (recvset) / 2 out of election, d=last sender
  kFleIgnored = 111,            // a=sender, b=reason (ElectionIgnoreReason)
  kFleMalformed = 112,          // a=sender, b=payload bytes
  kFleReply = 113,              // WorkerReceiver answer: a=to, b=our state, c=leader, d=electionEpoch
  // QuorumCnxManager
  kCnxConnecting = 130,      // a=peer sid
  kCnxEstablished = 131,     // SendWorker/RecvWorker started: a=peer sid, b=conn, c=1 we dialed
  kCnxChallengeLost = 132,   // we dialed a higher sid: header sent, hung up, a=peer sid, b=conn
  kCnxDialBack = 133,        // a lower sid dialed us: dropped it, dialing back, a=peer sid, b=conn
  kCnxDown = 134,            // a=peer sid, b=conn, c=1 we closed it (replaced, bad frame) / 0 it broke
  kCnxConnectFailed = 135,   // a=peer sid
  kCnxSendDropped = 136,     // the capacity-1 send queue dropped an older message: a=peer sid
  kCnxResendLast = 137,      // lastMessageSent resent on a new connection: a=peer sid
  kCnxRejected = 138,        // a connection closed before its workers started: a=conn, b=reason
  kCnxRecvDropped = 139,     // the receive queue (capacity 100) dropped its oldest: a=sender
};

// Why a notification did not count (kFleIgnored).
enum ElectionIgnoreReason : std::uint64_t {
  kIgnoreStaleRound = 1,    // LOOKING, electionEpoch < logicalclock
  kIgnoreNotVoter = 2,      // sender or its leader is not a voter (validVoter)
  kIgnoreNoZxid = 3,        // LOOKING with zxid -1 (ZOOKEEPER-261)
  kIgnoreOwnNoZxid = 4,     // our own last logged zxid is -1: LOOKING votes are ignored
  kIgnoreObserving = 5,     // an OBSERVING notification
  kIgnoreUnknownState = 6,  // a state ordinal outside 0..3
  kIgnoreNotLooking = 7,    // we are not LOOKING and the sender is not either: no answer
};

// Why a connection was refused before its workers started (kCnxRejected).
enum CnxRejectReason : std::uint64_t {
  kRejectBadInitialMessage = 1,  // QuorumCnxManager.InitialMessage.parse failed
  kRejectOwnSid = 2,             // the dialer claims our own sid (ZOOKEEPER-2164)
  kRejectBadLength = 3,          // a frame of 0 bytes or over PACKETMAXSIZE
};

std::span<const TraceKindInfo> election_trace_kinds();

}  // namespace zab
