#include "protocol/election/vote.h"

namespace zab {

const char* state_name(ServerState s) {
  switch (s) {
    case ServerState::kLooking: return "LOOKING";
    case ServerState::kFollowing: return "FOLLOWING";
    case ServerState::kLeading: return "LEADING";
    case ServerState::kObserving: return "OBSERVING";
  }
  return "UNKNOWN";
}

bool same_vote(const Vote& a, const Vote& b) {
  if (a.state == ServerState::kLooking || b.state == ServerState::kLooking) {
    return a.id == b.id && a.zxid == b.zxid && a.election_epoch == b.election_epoch &&
           a.peer_epoch == b.peer_epoch;
  }
  // Both out of election: their zxid and round may legitimately differ (QuorumPeer
  // .updateElectionVote); a pre-ZOOKEEPER-1732 peer (version 0) reports another peerEpoch.
  if ((a.version > 0) != (b.version > 0)) return a.id == b.id;
  return a.id == b.id && a.peer_epoch == b.peer_epoch;
}

bool total_order_predicate(ServerId new_id, Zxid new_zxid, std::int64_t new_epoch, ServerId cur_id,
                           Zxid cur_zxid, std::int64_t cur_epoch, const Mutations& mutations) {
  const auto new_zxid_signed = static_cast<std::int64_t>(new_zxid.raw());
  const auto cur_zxid_signed = static_cast<std::int64_t>(cur_zxid.raw());
  // MUTATION unguarded-sid-tiebreak (ZOOKEEPER-1419): before the fix the sid tie-break needed
  // only equal zxids, so a lower peerEpoch with a higher sid could beat a higher peerEpoch.
  if (mutations.on(Mutation::kUnguardedSidTiebreak)) {
    return new_epoch > cur_epoch || (new_epoch == cur_epoch && new_zxid_signed > cur_zxid_signed) ||
           (new_zxid_signed == cur_zxid_signed && new_id > cur_id);
  }
  if (new_epoch != cur_epoch) return new_epoch > cur_epoch;
  if (new_zxid_signed != cur_zxid_signed) return new_zxid_signed > cur_zxid_signed;
  return new_id > cur_id;
}

}  // namespace zab
