#pragma once
// A run's protocol-state signature, the coverage that steers a campaign (issue 17): a set of
// 32-bit features computed from the trace alone, cheap enough for every run.
//
// Per server, in trace order, every event is reduced to a key — its kind and sub (a message's
// type, a server event's code) and one discriminating field (the new role of a peer_state, the
// mode of a sync_chosen, the mark of a coverage event) — and the server's current role (down,
// LOOKING, FOLLOWING, LEADING) is tracked from its peer_state and process events. Features:
//   - role x key: what happened in which role (packet types, persistence steps, sync modes);
//   - role x (previous key, key): pairs of consecutive distinct events at one server, as AFL's
//     edges are pairs of consecutive blocks;
//   - fault point: a crash, hang or restart x the victim's role x its last server event (the
//     protocol step a fault interrupted);
//   - coverage mark x how often it was taken (log2 buckets, as AFL buckets hit counts).
// Milestones are the run's trigger-able server events with time and server, so that a steered
// schedule can turn a timed fault into a trigger at a protocol step near it.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/trace.h"

namespace zab::fuzz {

struct Milestone {
  std::int64_t at_ms = 0;
  std::uint32_t server = 0;
  const char* event = "";  // a trigger's event name (a server event's kName)
};

struct Signature {
  std::vector<std::uint32_t> features;  // sorted, unique
  std::vector<Milestone> milestones;    // in trace order, at most kMilestonesMax
};

inline constexpr std::size_t kMilestonesMax = 256;

// `servers`: the scenario's server count (processes 1..servers are the servers).
Signature signature_of(const std::vector<sim::TraceEvent>& events, std::uint32_t servers);

nlohmann::ordered_json milestones_to_json(const std::vector<Milestone>& milestones);

}  // namespace zab::fuzz
