#pragma once
// Turns a history into the steps the order search places: interns keys and values, decides
// which operations constrain anything (a getData that failed NONODE observed an absent node; a
// create that failed SESSIONEXPIRED observed nothing and did nothing), attaches the ordering
// constraints of the consistency condition, and adds the session expiries a history cannot show
// (an ephemeral node may vanish whenever its session ends).

#include <string>
#include <vector>

#include "checkers/history.h"
#include "checkers/model.h"

namespace zab::check {

enum class Consistency : std::uint8_t {
  kLinearizable,  // Herlihy & Wing: one order, respecting real time for every operation
  kZooKeeper,     // OSC(U), Lev-Ari et al.: updates and syncs in real time, sessions FIFO
};
const char* consistency_name(Consistency c);

struct Prepared {
  StringTable keys;
  StringTable values;
  std::vector<Step> steps;
  std::vector<std::pair<std::uint32_t, KeyState>> initial;  // keys that exist before any step
  int sessions = 0;                    // number of session indices used
  std::vector<std::string> session_names;
  std::vector<std::string> notes;      // what was not checked, once per kind
};

struct PrepareError {
  std::string message;  // an operation that does not belong to the model
};

// Returns false with `error` set when an operation's type does not fit `model`.
bool prepare(const History& history, ModelKind model, Consistency consistency, Prepared& out, PrepareError& error);

}  // namespace zab::check
