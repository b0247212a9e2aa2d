#pragma once
// The exit codes of every `zabsim` command, defined once: the constants the commands return
// and the table that `zabsim --help` and every `zabsim <command> --help` print. README.md's
// "Exit codes" section says the same in prose; a test compares the two.

namespace zab::tools {

constexpr int kExitOk = 0;
constexpr int kExitSafety = 1;
constexpr int kExitUsage = 2;
constexpr int kExitLiveness = 3;
constexpr int kExitInconclusive = 4;  // a checker ran out of budget: neither ok nor a violation
// `zabsim bugs`: some selected catalog entry was not found within its budget. Not 1 or 3:
// those say "this run violated a property", and here it is the opposite — a campaign against
// a known-broken protocol saw no violation.
constexpr int kExitNotFound = 5;

inline constexpr const char* kExitCodeTable =
    "exit codes (the same for every command):\n"
    "  0  ok: every check passed (a command that checks nothing: it did its job)\n"
    "  1  a safety property was violated (replay: the trace hash differs; fuzz, merge: a finding)\n"
    "  2  bad input or usage, with the file and the place (JSON pointer or line) at fault;\n"
    "     also when an output file cannot be written\n"
    "  3  a liveness property was violated\n"
    "  4  inconclusive: a checker could not decide (search budget spent, run ended too soon)\n"
    "  5  bugs: a catalog entry was not found within its budget\n";

}  // namespace zab::tools
