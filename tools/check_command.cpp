// `zabsim check FILE`: judges a client history (JSON lines, checkers/README.md) for ZooKeeper
// consistency or linearizability and prints the verdict with a witness.

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "checkers/history.h"
#include "checkers/json_input.h"
#include "checkers/linearizability.h"
#include "checkers/zk_consistency.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace zab::tools {

int run_check(const std::vector<std::string>& args) {
  po::options_description options("check options");
  std::string file;
  std::string model_name;
  std::string consistency;
  check::CheckOptions check_options;
  options.add_options()("help,h", "show this help")(
      "file", po::value<std::string>(&file)->required(), "the history, JSON lines (see checkers/README.md)")(
      "model", po::value<std::string>(&model_name)->default_value("znode"), "register | kv | znode")(
      "consistency", po::value<std::string>(&consistency)->default_value("zk"),
      "zk (ZooKeeper's guarantees, OSC(U)) | linearizable (strict, reads included)")(
      "steps-max", uint_value<1, UINT64_MAX>(&check_options.budget.steps_max, 20'000'000),
      "search budget: placements tried before answering 'unknown'")(
      "memo-max", uint_value<1, UINT64_MAX>(&check_options.budget.memo_entries_max, 8'000'000),
      "search budget: visited configurations kept (about 40 bytes each)")(
      "minimize-max", uint_value<0, 100'000>(&check_options.minimize_ops_max, 120),
      "shrink the witness of a failing history of at most this many operations (0: never)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (auto code = parse_options("check", args, options, positional, vm,
                                "examples:\n"
                                "  zabsim check run.history.jsonl                       # ZooKeeper consistency, znodes\n"
                                "  zabsim check h.jsonl --consistency linearizable\n"
                                "  zabsim check reg.jsonl --model register --consistency linearizable\n")) {
    return *code;
  }
  const auto model = check::model_from_name(model_name);
  if (!model) {
    fmt::print(stderr, "zabsim check: --model must be register, kv or znode (got '{}')\n", model_name);
    return kExitUsage;
  }
  if (consistency != "zk" && consistency != "linearizable") {
    fmt::print(stderr, "zabsim check: --consistency must be zk or linearizable (got '{}')\n", consistency);
    return kExitUsage;
  }
  check_options.model = *model;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    fmt::print(stderr, "zabsim check: {}: is a directory, not a history file\n", file);
    return kExitUsage;
  }
  if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) > json_input::kInputBytesMax) {
    fmt::print(stderr, "zabsim check: {}: is larger than {} MiB\n", file, json_input::kInputBytesMax / (1024 * 1024));
    return kExitUsage;
  }
  std::ifstream in(file);
  if (!in) {
    fmt::print(stderr, "zabsim check: cannot open {}\n", file);
    return kExitUsage;
  }
  check::History history;
  check::HistoryReadError error;
  if (!check::read_history(in, file, history, error)) {
    fmt::print(stderr, "zabsim check: {}\n", error.message);
    return kExitUsage;
  }
  if (history.ops.empty()) {
    // Nothing to judge is not "consistent": a wrong path or an empty file must not pass.
    fmt::print(stderr, "zabsim check: {}: no operations in it (an empty history is not checked)\n", file);
    return kExitUsage;
  }
  const check::CheckReport report = consistency == "zk" ? check::check_zk_consistency(history, check_options)
                                                        : check::check_linearizable(history, check_options);
  switch (report.verdict) {
    case check::HistoryVerdict::kOk:
      fmt::print("{}", check::format_report(report));
      return kExitOk;
    case check::HistoryVerdict::kViolation:
      fmt::print("{}", check::format_report(report));
      return kExitSafety;
    case check::HistoryVerdict::kUnknown:
      fmt::print("{}", check::format_report(report));
      return kExitInconclusive;
    case check::HistoryVerdict::kBadInput:
      fmt::print(stderr, "zabsim check: {}: {}\n", file, report.error);
      return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace zab::tools
