#include "protocol/mutations.h"

#include "protocol/assert.h"

namespace zab {

namespace {
constexpr MutationInfo kCatalog[] = {
    {Mutation::kAckNewLeaderBeforeLogging, "ack-newleader-before-logging", "ZOOKEEPER-4646",
     "the learner ACKs NEWLEADER before logging and fsyncing the txns it was synced with"},
    {Mutation::kSkipFastForwardOnShutdown, "skip-fast-forward-on-shutdown", "ZOOKEEPER-2845",
     "a server leaving its role keeps its tree behind its log, gets DIFF where TRUNC was needed"},
    {Mutation::kCommitWithoutQuorum, "commit-without-quorum", "none (synthetic)",
     "the leader commits a proposal on its own ACK alone"},
    {Mutation::kIgnoreNewLeaderAcks, "ignore-newleader-acks", "none (synthetic)",
     "the leader never counts a follower's NEWLEADER ACK, so no epoch is established"},
};
static_assert(std::size(kCatalog) == static_cast<std::size_t>(Mutation::kCount),
              "every mutation has exactly one catalog entry");
}  // namespace

std::span<const MutationInfo> mutation_catalog() {
  for (std::size_t i = 0; i < std::size(kCatalog); ++i) {
    ZAB_ASSERT(static_cast<std::size_t>(kCatalog[i].mutation) == i, "the catalog is in enum order");
  }
  return kCatalog;
}

std::optional<Mutation> mutation_by_name(std::string_view name) {
  for (const auto& info : mutation_catalog()) {
    if (name == info.name) return info.mutation;
  }
  return std::nullopt;
}

std::vector<std::string> Mutations::active_names() const {
  std::vector<std::string> names;
  for (const auto& info : mutation_catalog()) {
    if (on(info.mutation)) names.emplace_back(info.name);
  }
  return names;
}

}  // namespace zab
