#pragma once
// A vote in Fast Leader Election, the peer states it carries, and the two ways FLE compares
// votes: which is better (FastLeaderElection.totalOrderPredicate) and which count as the same
// for a quorum (Vote.equals). Both follow ZooKeeper 3.8.0; see protocol/notes/fle.md §2, §3.5.

#include <cstdint>

#include "protocol/events/reasons.h"
#include "protocol/base/ids.h"
#include "protocol/base/mutations.h"

namespace zab {

// ServerState (events/reasons.h): a decoded notification may carry any int32 there;
// is_known_state tells the four apart from the rest, which FLE.Messenger.WorkerReceiver drops.

constexpr bool is_known_state(ServerState s) {
  return s == ServerState::kLooking || s == ServerState::kFollowing || s == ServerState::kLeading ||
         s == ServerState::kObserving;
}
const char* state_name(ServerState s);

// Java's -1 for "no zxid" (a database that was not trusted, ZOOKEEPER-261; fle.md §3.6). Zxid
// orders as unsigned, so this value is only ever tested for, never ordered.
inline constexpr Zxid kZxidMinusOne = Zxid::from_raw(~std::uint64_t{0});

// org.apache.zookeeper.server.quorum.Vote. electionEpoch and peerEpoch are Java longs: the
// round of the election the vote was cast in, and the proposed leader's currentEpoch.
struct Vote {
  std::int32_t version = 0;        // notification format version the vote came with (0: none)
  ServerId id;                     // the proposed or elected leader
  Zxid zxid;                       // the proposed leader's last logged zxid
  std::int64_t election_epoch = -1;  // the round (logicalclock) it belongs to; -1: none
  std::int64_t peer_epoch = -1;      // the proposed leader's currentEpoch
  ServerState state = ServerState::kLooking;  // the voter's state when it cast the vote

  // Vote(id, zxid, electionEpoch, peerEpoch): version 0, state LOOKING.
  static Vote of(ServerId id, Zxid zxid, std::int64_t election_epoch, std::int64_t peer_epoch) {
    return Vote{.id = id, .zxid = zxid, .election_epoch = election_epoch, .peer_epoch = peer_epoch};
  }
};

// Vote.equals (ZOOKEEPER-1805/1818): if either vote is LOOKING, all of id, zxid, electionEpoch
// and peerEpoch must match; between two non-LOOKING votes only the id counts when exactly one
// of them has version 0, else the id and peerEpoch.
bool same_vote(const Vote& a, const Vote& b);

// FastLeaderElection.totalOrderPredicate: is the new vote (new_id, new_zxid, new_epoch)
// strictly better than the current one? Lexicographic on (peerEpoch, zxid, sid), higher wins
// (ZOOKEEPER-1419 nested the sid tie-break inside the epoch equality). Java compares signed
// longs, so the zxid is compared as signed: -1 loses to everything. The weight-0 check of
// hierarchical quorums never triggers with majority quorums (QuorumMaj.getWeight is 1).
bool total_order_predicate(ServerId new_id, Zxid new_zxid, std::int64_t new_epoch, ServerId cur_id,
                           Zxid cur_zxid, std::int64_t cur_epoch, const Mutations& mutations = Mutations{});

}  // namespace zab
