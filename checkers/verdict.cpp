#include "checkers/verdict.h"

#include <fmt/format.h>

#include <algorithm>

#include "checkers/zab_events.h"

namespace zab::check {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kSafetyViolation: return "SAFETY VIOLATION";
    case Verdict::kLivenessViolation: return "LIVENESS VIOLATION";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

bool CheckResult::violates(const std::string& property) const {
  return std::any_of(violations.begin(), violations.end(), [&](const Violation& v) { return v.property == property; });
}

std::string CheckResult::report() const {
  std::string s = fmt::format("{}: {}", checker, verdict_name(verdict));
  if (!note.empty()) s += fmt::format(" ({})", note);
  s += '\n';
  for (const Violation& v : violations) s += fmt::format("  [{}] at {}: {}\n", v.property, time_text(v.t_ns), v.witness);
  if (suppressed > 0) s += fmt::format("  ... and {} more\n", suppressed);
  return s;
}

void ViolationSink::add(const std::string& property, std::int64_t t_ns, std::string witness,
                        std::vector<WitnessPoint> points) {
  result_.verdict = on_violation_;
  const auto same = std::count_if(result_.violations.begin(), result_.violations.end(),
                                  [&](const Violation& v) { return v.property == property; });
  if (static_cast<std::size_t>(same) >= kMaxPerProperty) {
    ++result_.suppressed;
    return;
  }
  result_.violations.push_back(Violation{property, t_ns, std::move(witness), std::move(points)});
}

}  // namespace zab::check
