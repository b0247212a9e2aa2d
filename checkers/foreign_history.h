#pragma once
// Histories from elsewhere, read into the neutral model of history.h without an adapter:
//   jepsen-edn  Jepsen / Knossos histories: EDN maps with :process :type :f :value (and :key for
//               the kv model), one after another or inside one vector. Read as Knossos reads
//               them: :invoke starts an operation; :ok completes it with its result; :fail
//               says it did not happen, so it is dropped; :info says nobody knows, so it is
//               indeterminate (as is an invocation that never completes). Operations of a
//               process that is not an integer (:nemesis) are not client operations: skipped.
//   jepsen-log  the text log of Jepsen's etcd register test that Porcupine's test_data/jepsen
//               holds ("INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]"). Read as Porcupine's
//               harness reads it: a :fail cas completed and found another value than it
//               expected (etcd's compare failed); a :fail read observed nothing; :info is
//               indeterminate; lines without "jepsen.util - " are other log output, skipped.
// Real-time order is the order of the entries: an operation's invocation and completion get
// their entry's index as their time, in milliseconds (entry 3 is at 3.000 ms). Values become strings ("3", "x 0 1 y"); nil means no
// value. The mapping, with the initial value, is documented in checkers/README.md.

#include <istream>
#include <optional>
#include <string>

#include "checkers/history.h"
#include "checkers/model.h"

namespace zab::check {

enum class HistoryFormat : std::uint8_t { kJsonLines, kJepsenEdn, kJepsenLog };

std::optional<HistoryFormat> history_format_from_name(const std::string& name);

// Reads `in` in `format` for `model` (register or kv for the Jepsen formats). Returns false
// with `error` set ("FILE:LINE: message") on the first thing it cannot read as documented.
bool read_history_as(std::istream& in, const std::string& source_name, HistoryFormat format, ModelKind model,
                     History& out, HistoryReadError& error);

// Gives the register, or every key the history mentions, `value` before anything else happens:
// one write (kv: put) per key by the client "initial", completed before the first invocation.
// Porcupine's kv model starts every key as ""; ours starts with no value, so its histories
// need `--initial ""` to keep their meaning. Only for the register and kv models.
void add_initial_value(History& history, ModelKind model, const std::string& value);

}  // namespace zab::check
