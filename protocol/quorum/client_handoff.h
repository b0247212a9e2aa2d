#pragma once
// What the quorum parts (the leader, its learner handlers, the follower) hand to the client
// port's request pipeline. In ZooKeeper each of these crosses a thread: LearnerHandler's
// zk.submitLearnerRequest queues on the PrepRequestProcessor, Leader.sendSync and
// FollowerZooKeeperServer.sync queue on the CommitProcessor, and a PING's touches go to the
// leader's SessionTracker. Here they are outputs of the part's step that the QuorumPeer
// delivers to its client port once the part has returned — so leader.h and follower.h know
// nothing of the client port, and the client port is the only one that knows them.

#include <map>
#include <variant>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/quorum/learner_request.h"

namespace zab {

namespace handoff {
// LearnerHandler: a learner's REQUEST packet (a forwarded write).
struct LearnerRequest {
  ClientRequest request;
};
// LearnerHandler: the session touches a learner's PING reply carried.
struct TouchSessions {
  SessionTouches touches;
};
// Leader.sendSync for one of its own clients (D33), or the follower's SYNC packet: the
// oldest waiting sync is answered.
struct SyncReleased {};
}  // namespace handoff

using ClientHandoff = std::variant<handoff::LearnerRequest, handoff::TouchSessions, handoff::SyncReleased>;

// LearnerSessionTracker's touch table: the sessions a follower's clients used since its last
// PING reply. The client port records, the follower takes them for the reply (Learner.ping).
class LearnerTouchTable {
 public:
  void touch(SessionId session, std::int32_t timeout_ms) {
    ZAB_ASSERT(session.value != 0, "a touched session has an id (0 asks for a new session)");
    touched_[session] = timeout_ms;
  }
  SessionTouches take() {
    SessionTouches result(touched_.begin(), touched_.end());
    touched_.clear();
    ZAB_ASSERT(touched_.empty(), "a PING reply takes every touch gathered since the last one");
    return result;
  }
  void clear() { touched_.clear(); }
  bool empty() const { return touched_.empty(); }

 private:
  std::map<SessionId, std::int32_t> touched_;  // by session: ordered, so the reply is too
};

}  // namespace zab
