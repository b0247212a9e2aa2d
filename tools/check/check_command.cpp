// `zabsim check FILE...`: judges client histories (JSON lines, checkers/README.md; or Jepsen's
// EDN histories and text logs) for ZooKeeper consistency or linearizability and prints the
// verdict with a witness; with several files, one verdict line per history and its time.

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "checkers/foreign_history.h"
#include "checkers/history.h"
#include "checkers/json_input.h"
#include "checkers/linearizability.h"
#include "checkers/zk_consistency.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace zab::tools {

namespace {

struct CheckSetup {
  check::CheckOptions options;
  check::HistoryFormat format = check::HistoryFormat::kJsonLines;
  std::optional<std::string> initial;
  bool linearizable = false;
};

int exit_code_of(check::HistoryVerdict verdict) {
  switch (verdict) {
    case check::HistoryVerdict::kOk: return kExitOk;
    case check::HistoryVerdict::kViolation: return kExitSafety;
    case check::HistoryVerdict::kUnknown: return kExitInconclusive;
    case check::HistoryVerdict::kBadInput: return kExitUsage;
  }
  return kExitUsage;
}

// Reads and judges one history; `report` is kBadInput with the located message on bad input.
// `read_s` is the time spent reading the file (the rest is the check's).
check::CheckReport check_file(const std::string& file, const CheckSetup& setup, double& read_s) {
  const auto started = std::chrono::steady_clock::now();
  check::CheckReport bad{.verdict = check::HistoryVerdict::kBadInput};
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    bad.error = fmt::format("{}: is a directory, not a history file", file);
    return bad;
  }
  if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) > json_input::kInputBytesMax) {
    bad.error = fmt::format("{}: is larger than {} MiB", file, json_input::kInputBytesMax / (1024 * 1024));
    return bad;
  }
  std::ifstream in(file);
  if (!in) {
    bad.error = fmt::format("cannot open {}", file);
    return bad;
  }
  check::History history;
  check::HistoryReadError error;
  if (!check::read_history_as(in, file, setup.format, setup.options.model, history, error)) {
    bad.error = error.message;
    return bad;
  }
  if (history.ops.empty()) {
    // Nothing to judge is not "consistent": a wrong path or an empty file must not pass.
    bad.error = fmt::format("{}: no operations in it (an empty history is not checked)", file);
    return bad;
  }
  if (setup.initial) check::add_initial_value(history, setup.options.model, *setup.initial);
  read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  check::CheckReport report = setup.linearizable ? check::check_linearizable(history, setup.options)
                                                 : check::check_zk_consistency(history, setup.options);
  if (report.verdict == check::HistoryVerdict::kBadInput) report.error = fmt::format("{}: {}", file, report.error);
  return report;
}

}  // namespace

int run_check(const std::vector<std::string>& args) {
  po::options_description options("check options");
  std::vector<std::string> files;
  std::string model_name, consistency, format_name, initial;
  CheckSetup setup;
  check::CheckOptions& check_options = setup.options;
  options.add_options()("help,h", "show this help")(
      "file", po::value<std::vector<std::string>>(&files)->required(),
      "the histories; several: one verdict line each, with its time")(
      "format", po::value<std::string>(&format_name)->default_value("jsonl"),
      "jsonl (checkers/README.md) | jepsen-edn (Jepsen/Knossos EDN maps) | jepsen-log (Jepsen's etcd text log, "
      "as in Porcupine's test_data/jepsen)")(
      "initial", po::value<std::string>(&initial),
      "register / kv: the value the register or every key holds at the start (default: no value; "
      "Porcupine's kv histories need --initial '')")(
      "model", po::value<std::string>(&model_name)->default_value("znode"), "register | kv | znode")(
      "consistency", po::value<std::string>(&consistency)->default_value("zk"),
      "zk (ZooKeeper's guarantees, OSC(U)) | linearizable (strict, reads included)")(
      "steps-max", uint_value<1, UINT64_MAX>(&check_options.budget.steps_max, 20'000'000),
      "search budget: placements tried before answering 'unknown'")(
      "memo-max", uint_value<1, UINT64_MAX>(&check_options.budget.memo_entries_max, 8'000'000),
      "search budget: visited configurations kept, in all the independent parts searched side by side (each a "
      "16-byte slot in a table kept at most half full, so 32-48 bytes; with kv appends each new value made is "
      "interned too: its fingerprint and two parts, not its text)")(
      "minimize-max", uint_value<0, 100'000>(&check_options.minimize_ops_max, 120),
      "shrink the witness of a failing history of at most this many operations (0: never; with several files "
      "no witness is built: only verdicts are printed)")(
      "minimize-steps-max", uint_value<0, UINT64_MAX>(&check_options.minimize_steps_total_max, 5'000),
      "shrinking's budget: search steps of all its trials together (it then keeps the smallest witness so far)");
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  if (auto code = parse_options("check", args, options, positional, vm,
                                "examples:\n"
                                "  zabsim check run.history.jsonl                       # ZooKeeper consistency, znodes\n"
                                "  zabsim check h.jsonl --consistency linearizable\n"
                                "  zabsim check reg.jsonl --model register --consistency linearizable\n"
                                "  zabsim check history.edn --format jepsen-edn --model register --consistency linearizable\n"
                                "  zabsim check etcd_*.log --format jepsen-log --model register --consistency linearizable\n"
                                "  zabsim check c10-ok.txt --format jepsen-edn --model kv --initial '' --consistency linearizable\n"
                                "with several files the exit code is the highest of 2, 1, 4, 0 that any history gave,\n"
                                "in that order\n")) {
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
  const auto format = check::history_format_from_name(format_name);
  if (!format) {
    fmt::print(stderr, "zabsim check: --format must be jsonl, jepsen-edn or jepsen-log (got '{}')\n", format_name);
    return kExitUsage;
  }
  if (vm.count("initial") != 0) {
    if (*model == check::ModelKind::kZnode) {
      fmt::print(stderr, "zabsim check: --initial applies to --model register or kv, not znode\n");
      return kExitUsage;
    }
    setup.initial = initial;
  }
  check_options.model = *model;
  setup.format = *format;
  setup.linearizable = consistency == "linearizable";

  if (files.size() == 1) {
    double read_s = 0;
    const check::CheckReport report = check_file(files.front(), setup, read_s);
    if (report.verdict == check::HistoryVerdict::kBadInput) {
      fmt::print(stderr, "zabsim check: {}\n", report.error);
    } else {
      fmt::print("{}", check::format_report(report));
    }
    return exit_code_of(report.verdict);
  }
  // Several histories: one line each; the exit code is the worst: bad input, then a
  // violation, then unknown. No witness is printed, so none is built or shrunk.
  setup.options.minimize_ops_max = 0;
  setup.options.explain = false;
  int worst = kExitOk;
  auto rank = [](int code) { return code == kExitUsage ? 3 : code == kExitSafety ? 2 : code == kExitInconclusive ? 1 : 0; };
  double total_s = 0;
  for (const std::string& file : files) {
    const auto started = std::chrono::steady_clock::now();
    double read_s = 0;
    const check::CheckReport report = check_file(file, setup, read_s);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    total_s += seconds;
    const int code = exit_code_of(report.verdict);
    if (rank(code) > rank(worst)) worst = code;
    if (report.verdict == check::HistoryVerdict::kBadInput) {
      fmt::print(stderr, "zabsim check: {}\n", report.error);
      fmt::print("{}: bad input ({:.6f} s)\n", file, seconds);
    } else {
      fmt::print("{}: {} ({} operations, {:.6f} s: read {:.6f} s, check {:.6f} s)\n", file,
                 check::history_verdict_name(report.verdict), report.operations, seconds, read_s, seconds - read_s);
    }
    std::fflush(stdout);
  }
  fmt::print("{} histories in {:.3f} s\n", files.size(), total_s);
  return worst;
}

}  // namespace zab::tools
