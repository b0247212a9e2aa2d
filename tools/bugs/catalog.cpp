#include "tools/bugs/catalog.h"

#include "protocol/base/assert.h"
#include "protocol/base/mutations.h"

namespace zab::bugs {

std::span<const BugEntry> bug_catalog() {
  // One line per entry. The 4685 entry also needs ZooKeeper's own rule that a learner which
  // never reached RUNNING keeps its tree behind its log (D30) for its endless cycle. Three
  // entries run with ZooKeeper's own sync rule (D33's switch): their schedules were found
  // under it, and D33's quorum round for syncs moves their timing.
  static const std::vector<BugEntry> kEntries = {
      {"ack-newleader-before-logging", {"ack-newleader-before-logging"}, "CommittedLogDurability"},
      {"log-synced-txns-at-uptodate", {"log-synced-txns-at-uptodate"}, "CommittedLogDurability"},
      {"current-epoch-before-logging", {"current-epoch-before-logging"}, "committed-never-truncated"},
      {"current-epoch-at-uptodate", {"current-epoch-at-uptodate", "sync-without-quorum"}, "PrimaryIntegrity"},
      {"no-epoch-files", {"no-epoch-files"}, "txn-uniqueness"},
      {"diff-sets-last-processed-zxid", {"diff-sets-last-processed-zxid"}, "no-gap"},
      {"keep-interrupted-snap", {"keep-interrupted-snap"}, "prefix-agreement"},
      {"diff-instead-of-trunc", {"diff-instead-of-trunc"}, "prefix-agreement"},
      {"skip-fast-forward-on-shutdown", {"skip-fast-forward-on-shutdown"}, "prefix-agreement"},
      {"ack-proposals-before-newleader", {"ack-proposals-before-newleader", "fast-forward-only-if-running"}, "leader-established"},
      {"fast-forward-only-if-running", {"fast-forward-only-if-running", "sync-without-quorum"}, "apply-order"},
      {"epoch-rename-not-durable", {"epoch-rename-not-durable", "sync-without-quorum"}, "PrimaryIntegrity"},
      {"unguarded-sid-tiebreak", {"unguarded-sid-tiebreak"}, "time-advances"},
      {"stale-election-vote", {"stale-election-vote"}, "server-serves"},
      {"count-acks-of-resynced-learner", {"count-acks-of-resynced-learner"}, "commit-quorum-holds-txn"},
      {"sync-without-quorum", {"sync-without-quorum"}, "ZooKeeper consistency"},
      {"keep-leading-past-learner-epoch", {"keep-leading-past-learner-epoch"}, "server-serves"},
  };
  return kEntries;
}

const BugEntry* bug_entry(const std::string& name) {
  for (const BugEntry& e : bug_catalog()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string bug_jira(const BugEntry& entry) {
  if (entry.switches.empty()) return "none";  // only a test's pseudo-entry: the correct protocol
  const auto m = mutation_by_name(entry.switches.front());
  ZAB_ASSERT(m.has_value(), "a catalog entry's switches are in the mutation catalog");
  return mutation_catalog()[static_cast<std::size_t>(*m)].jira;
}

}  // namespace zab::bugs
