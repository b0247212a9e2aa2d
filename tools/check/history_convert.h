#pragma once
// The simulator's client history (sim::History) in the checkers' neutral form
// (check::History, the documented JSON-lines format of checkers/README.md).

#include "checkers/history.h"
#include "sim/client/history.h"

namespace zab::tools {

// Client addresses are named c1, c2, ... from `first_client_address`. An operation still
// pending when the run ended is indeterminate: its outcome was never known.
check::History to_check_history(const sim::History& history, std::uint32_t first_client_address);

}  // namespace zab::tools
