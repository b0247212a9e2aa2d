#include "sim/client/workload.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "sim/distributions.h"

namespace zab::sim {

const std::vector<std::string>& workload_kinds() {
  static const std::vector<std::string> kinds = {"create", "create_sequential", "create_ephemeral", "delete",
                                                 "set_data", "set_data_versioned", "get_data", "exists",
                                                 "get_children", "sync", "sync_read", "close_session"};
  return kinds;
}

namespace {
Bytes value(std::uint32_t client, std::uint32_t n) {
  const std::string v = fmt::format("c{}-{}", client, n);
  return Bytes(v.begin(), v.end());
}
}  // namespace

std::vector<ScriptedOp> generate_workload(const WorkloadMix& mix, std::uint32_t client, Rng& rng) {
  std::vector<std::pair<std::string, std::uint32_t>> weights(mix.weights.begin(), mix.weights.end());
  if (weights.empty()) {
    weights = {{"create", 2}, {"set_data", 4}, {"get_data", 4}, {"delete", 1}, {"exists", 1}, {"sync_read", 1}};
  }
  std::uint64_t total = 0;
  for (const auto& [kind, w] : weights) total += w;
  ZAB_ASSERT(total > 0, "a workload mix has a positive total weight (the parser checks it)");
  ZAB_ASSERT(mix.keys > 0, "a workload has at least one key");

  std::vector<ScriptedOp> ops;
  std::uint32_t writes = 0;
  for (std::uint32_t i = 0; i < mix.ops; ++i) {
    std::uint64_t pick = uniform_below(rng, total);
    std::string kind;
    for (const auto& [k, w] : weights) {
      if (pick < w) {
        kind = k;
        break;
      }
      pick -= w;
    }
    const std::string key = fmt::format("/k{}", uniform_below(rng, mix.keys));
    const auto think = Duration::ms(mix.think_time_ms == 0 ? 0 : uniform_int(rng, 0, 2 * mix.think_time_ms));
    Request r;
    if (kind == "create") {
      r = Request{.type = OpCode::kCreate, .path = key, .data = value(client, ++writes)};
    } else if (kind == "create_sequential") {
      r = Request{.type = OpCode::kCreate, .path = "/seq-", .data = value(client, ++writes), .flags = kCreateSequential};
    } else if (kind == "create_ephemeral") {
      r = Request{.type = OpCode::kCreate, .path = fmt::format("/e{}", uniform_below(rng, mix.keys)),
                  .data = value(client, ++writes), .flags = kCreateEphemeral};
    } else if (kind == "delete") {
      r = Request{.type = OpCode::kDelete, .path = key, .version = -1};
    } else if (kind == "set_data") {
      r = Request{.type = OpCode::kSetData, .path = key, .data = value(client, ++writes), .version = -1};
    } else if (kind == "set_data_versioned") {
      r = Request{.type = OpCode::kSetData, .path = key, .data = value(client, ++writes),
                  .version = static_cast<std::int32_t>(uniform_below(rng, 4))};
    } else if (kind == "get_data") {
      r = Request{.type = OpCode::kGetData, .path = key};
    } else if (kind == "exists") {
      r = Request{.type = OpCode::kExists, .path = key};
    } else if (kind == "get_children") {
      r = Request{.type = OpCode::kGetChildren, .path = "/"};
    } else if (kind == "sync") {
      r = Request{.type = OpCode::kSync, .path = "/"};
    } else if (kind == "sync_read") {
      ops.push_back(ScriptedOp{think, Request{.type = OpCode::kSync, .path = key}});
      ops.push_back(ScriptedOp{Duration{}, Request{.type = OpCode::kGetData, .path = key}});
      continue;
    } else if (kind == "close_session") {
      ops.push_back(ScriptedOp{think, Request{.type = OpCode::kCloseSession}});
      break;  // nothing follows a closed session
    } else {
      ZAB_ASSERT(false, "the mix names only known kinds (the parser checks them)");
    }
    ops.push_back(ScriptedOp{think, std::move(r)});
  }
  return ops;
}

}  // namespace zab::sim
