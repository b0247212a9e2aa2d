#pragma once
// The bug catalog's entries as `zabsim bugs` hunts them: one line per historical bug in
// scenarios/bugs/ — its name (the trigger scenario's file stem and its main switch), the
// mutation switches that re-introduce it, and the property that must catch it. The trigger
// scenarios carry the same facts; test/bugs/hunt_test.cpp checks that the two agree, so a new
// entry is one scenario file, one page and one line in catalog.cpp.

#include <span>
#include <string>
#include <vector>

namespace zab::bugs {

struct BugEntry {
  std::string name;                   // "ack-newleader-before-logging": scenarios/bugs/<name>.json
  std::vector<std::string> switches;  // mutation catalog names, the main one (== name) first
  std::string expected_property;      // what the trigger scenario's `expect` names
};

// Every entry, in the order of scenarios/bugs/README.md.
std::span<const BugEntry> bug_catalog();

// The entry named `name`, or nullptr.
const BugEntry* bug_entry(const std::string& name);

// The JIRA of an entry's main switch, from the mutation catalog.
std::string bug_jira(const BugEntry& entry);

}  // namespace zab::bugs
