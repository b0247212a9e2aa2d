// `zabsim report RECORD -o report.html`: run a recorded run again (as `zabsim replay` does),
// confirm its trace hash, judge it, and write the HTML report (tools/report/html_report.h).

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "sim/scenario/runner.h"
#include "tools/commands.h"
#include "tools/report/html_report.h"
#include "tools/run/judge.h"
#include "tools/options.h"
#include "tools/run/timeline.h"
#include "tools/run/pipeline.h"
#include "tools/run/run_record.h"

namespace zab::tools {

int run_report(const std::vector<std::string>& args) {
  po::options_description options("report options");
  std::string record_path, out_path;
  options.add_options()("help,h", "show this help")(
      "record", po::value<std::string>(&record_path)->required(), "the run record (record.json)")(
      "out,o", po::value<std::string>(&out_path), "the HTML file to write (default: report.html beside the record)");
  po::positional_options_description positional;
  positional.add("record", 1);
  po::variables_map vm;
  if (auto code = parse_options("report", args, options, positional, vm,
                                "example:\n  zabsim run scenarios/bugs/ack-newleader-before-logging.json --out runs/ack\n"
                                "  zabsim report runs/ack/record.json -o ack.html\n")) {
    return *code;
  }
  std::string error;
  auto recorded = load_recorded_run(record_path, error);
  if (!recorded) {
    fmt::print(stderr, "zabsim report: {}\n", error);
    return kExitUsage;
  }
  const RunRecord* record = &recorded->record;
  if (out_path.empty()) out_path = (std::filesystem::path(record_path).parent_path() / "report.html").string();

  const PipelineResult result = run_pipeline(PipelineRequest{.scenario = std::move(recorded->scenario),
                                                             .document = record->scenario,
                                                             .scenario_path = record->scenario_path,
                                                             .seed = record->seed,
                                                             .options = {},
                                                             .judge = true,
                                                             .measure_recovery = true,
                                                             .progress = {}});
  const sim::ScenarioRun& run = *result.run;
  const std::uint64_t hash = run.world().trace_hash();
  if (hash != record->trace_hash) {
    // The diagram would show another run than the one recorded: refuse rather than mislead.
    fmt::print(stderr,
               "zabsim report: {}#/trace_hash: the record says {:016x} but its run now gives {:016x}; "
               "`zabsim replay {}` shows where they part ways\n",
               record_path, record->trace_hash, hash, record_path);
    if (record->version != kZabsimVersion) {
      fmt::print(stderr, "  the record was made by zabsim {}, this is {}\n", record->version, kZabsimVersion);
    }
    return kExitUsage;
  }
  const Judgement& judgement = *result.judgement;
  const auto data = report_data(run, judgement, result.record.recovery);
  const std::string page = render_html_report(data);
  std::ofstream out(out_path, std::ios::binary);
  out << page;
  out.close();
  if (!out) {
    fmt::print(stderr, "zabsim report: cannot write '{}'\n", out_path);
    return kExitUsage;
  }
  // The checkers keep a few violations per property (the page shows those) and count the rest.
  std::size_t shown = 0, violations = 0;
  for (const auto& r : judgement.results) {
    shown += r.violations.size();
    violations += r.violations.size() + r.suppressed;
  }
  const std::string violation_text = violations == shown ? fmt::format("{} violations", violations)
                                                         : fmt::format("{} violations ({} shown)", violations, shown);
  fmt::print("replay of {}: trace hash {:016x} matches ({} events)\n", record_path, hash,
             run.world().trace().event_count());
  fmt::print("wrote {} ({} KB): {} lanes, {} messages, {} faults, {}\n", out_path, (page.size() + 1023) / 1024,
             data["lanes"].size(), data["msgs"].size() / kMsgFields, data["faults"].size(), violation_text);
  return kExitOk;
}

}  // namespace zab::tools
