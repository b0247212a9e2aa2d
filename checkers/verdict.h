#pragma once
// What a checker returns: a verdict and, for a failure, a few violations a person can read —
// the property, when, and a witness naming zxids, servers and simulated times.

#include <cstdint>
#include <string>
#include <vector>

namespace zab::check {

enum class Verdict : std::uint8_t {
  kPass,
  kSafetyViolation,    // exit code 1 of zabsim
  kLivenessViolation,  // exit code 3: reported apart from safety
  kInconclusive,       // the run ended before the property could be judged (liveness only)
};
const char* verdict_name(Verdict verdict);

// One place a witness names, so a tool can point at it (the HTML report draws it) without
// parsing the sentence: a process (a server's address, or a client's; 0 = a time only), a
// simulated time, the zxid involved there (0 when none), and what happened there in a word or
// two ("acked NEWLEADER").
struct WitnessPoint {
  std::uint32_t process = 0;
  std::int64_t t_ns = 0;
  std::uint64_t zxid = 0;
  std::string what = {};
};

struct Violation {
  std::string property;  // "PrefixConsistency", "committed-never-truncated", ...
  std::int64_t t_ns = 0;  // when it became visible in the trace
  std::string witness;    // one or two sentences naming zxids, servers and times
  std::vector<WitnessPoint> points = {};  // the servers, times and zxids the sentence names
};

struct CheckResult {
  std::string checker;  // "log-agreement", "zab-properties", "liveness"
  Verdict verdict = Verdict::kPass;
  std::vector<Violation> violations;  // at most kMaxPerProperty per property, in trace order
  std::size_t suppressed = 0;         // violations beyond that cap, counted only
  std::string note;                   // e.g. why a liveness check was inconclusive

  bool ok() const { return verdict == Verdict::kPass || verdict == Verdict::kInconclusive; }
  bool violates(const std::string& property) const;
  std::string report() const;  // a few readable lines
};

inline constexpr std::size_t kMaxPerProperty = 5;

// Collects violations with the per-property cap.
class ViolationSink {
 public:
  explicit ViolationSink(CheckResult& result, Verdict on_violation) : result_(result), on_violation_(on_violation) {}
  void add(const std::string& property, std::int64_t t_ns, std::string witness,
           std::vector<WitnessPoint> points = {});

 private:
  CheckResult& result_;
  Verdict on_violation_;
};

}  // namespace zab::check
