#pragma once
// The event vocabulary of a run, defined once: every event a ZooKeeper server reports (ZAB's in
// zab_events.h, leader election's in election_events.h) is a type that says its code, its name
// and its fields (field.h). protocol/ emits them, sim/ records and serialises them through
// these definitions, and checkers/, tools/ and the tests match on the types. Nothing here
// depends on anything but the identifier types.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "protocol/events/election_events.h"
#include "protocol/events/field.h"
#include "protocol/events/world_events.h"
#include "protocol/events/zab_events.h"

namespace zab::ev {

// Every event a server reports (the trace's "protocol" family).
using ServerEvent =
    std::variant<PeerState, AcceptedEpoch, CurrentEpoch, Proposed, Logged, Committed, Applied, Truncated,
                 SnapshotWritten, SnapshotLoaded, SyncChosen, LeaderEstablished, LeaderShutdown, FollowerSynced,
                 NewLeaderAcked, FollowerExit, StartupRefused, Restored, EpochAgreed, LearnerDropped, ClientRefused,
                 Coverage, TreeReset, Replayed, FleLookForLeader, FleNotificationIn, FleVoteChanged,
                 FleRoundAdvanced, FleNotificationsSent, FleTimeout, FleFinalizeWait, FleFinalizeBroken,
                 FleFinalizeDiscard, FleElectionFinished, FleJoined, FleIgnored, FleMalformed, FleReply,
                 CnxConnecting, CnxEstablished, CnxChallengeLost, CnxDialBack, CnxDown, CnxConnectFailed,
                 CnxSendDropped, CnxResendLast, CnxRejected, CnxRecvDropped>;

// Every event the simulated world records itself (the trace's other family).
using WorldEvent =
    std::variant<ProcessStart, Crash, Hang, Resume, ClockDrift, ClockStep, Connect, ConnectionUp, ConnectFailed, Close,
                 ConnectionDown, ConnectionReset, Sent, Delivered, Dropped, Duplicated, Reordered, TimerFired, Appended,
                 FileWritten, FileTruncated, Renamed, Removed, Fsync, FsyncDone, Corrupted, Writeback, LinkCut, LinkHeal,
                 LinkSlow, TimeStoodStill, Busy>;

// Calls f(E{}) once for each alternative E of the variant V, in order.
template <class V, class F>
constexpr void for_each_type(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::variant_alternative_t<I, V>{}), ...);
  }(std::make_index_sequence<std::variant_size_v<V>>{});
}

// The event of variant V with code `code`, decoded from its words; nullopt for an unknown code.
template <class V>
std::optional<V> decode(std::uint16_t code, const Words& words) {
  std::optional<V> result;
  for_each_type<V>([&](auto e) {
    using E = decltype(e);
    if (!result && E::kCode == code) result = V{from_words<E>(words)};
  });
  return result;
}

// The code of the event type named `name` in V, nullopt if none.
template <class V>
std::optional<std::uint16_t> code_of(std::string_view name) {
  std::optional<std::uint16_t> code;
  for_each_type<V>([&](auto e) {
    using E = decltype(e);
    if (!code && name == E::kName) code = E::kCode;
  });
  return code;
}

// The event's words (the trace record's payload), whichever alternative it holds.
template <class V>
Words words_of(const V& event) {
  return std::visit([](const auto& e) { return to_words(e); }, event);
}

template <class V>
std::uint16_t code_of(const V& event) {
  return std::visit([](const auto& e) { return std::remove_cvref_t<decltype(e)>::kCode; }, event);
}

}  // namespace zab::ev
