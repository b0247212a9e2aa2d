#include "tools/fuzz/shrink.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include "protocol/base/assert.h"
#include "sim/scenario/scenario.h"
#include "tools/fuzz/execute.h"

namespace zab::fuzz {

using json = nlohmann::ordered_json;

std::string Probe::kind(const std::string& property) const {
  const auto it = kinds.find(property);
  return it == kinds.end() ? "safety" : it->second;
}

namespace {

std::string read_to_end(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

Probe probe(const json& scenario, std::uint64_t seed) {
  int result[2], errors[2];
  ZAB_ASSERT(::pipe(result) == 0 && ::pipe(errors) == 0, "pipes for a shrink probe can be made");
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  ZAB_ASSERT(pid >= 0, "a shrink probe can be forked");
  if (pid == 0) {
    ::close(result[0]);
    ::close(errors[0]);
    ::dup2(errors[1], STDERR_FILENO);
    const Execution x = execute(scenario, seed);
    json j;
    j["properties"] = x.properties;
    j["kinds"] = x.property_kinds;
    const std::string text = j.dump();
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(result[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(result[1]);
  ::close(errors[1]);
  const std::string answer = read_to_end(result[0]);
  const std::string error_text = read_to_end(errors[0]);
  ::close(result[0]);
  ::close(errors[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Probe p;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !answer.empty()) {
    const json j = json::parse(answer);
    p.properties = j["properties"].get<std::vector<std::string>>();
    for (const auto& [k, v] : j["kinds"].items()) p.kinds[k] = v.get<std::string>();
    return p;
  }
  p.properties = {"crash"};
  p.kinds["crash"] = "crash";
  p.crash = error_text.substr(0, error_text.find('\n'));
  if (p.crash.empty()) p.crash = "the run died without a message";
  return p;
}

namespace {

// A server id in a target: 3 or "s3"; 0 for roles and clients.
std::int64_t server_id(const json& t) {
  if (t.is_number_integer()) return t.get<std::int64_t>();
  if (t.is_string()) {
    const auto s = t.get<std::string>();
    if (s.size() > 1 && s[0] == 's') return std::stoll(s.substr(1));
  }
  return 0;
}

std::int64_t servers_of(const json& doc) {
  return doc.contains("cluster") ? doc["cluster"].value("servers", std::int64_t{5}) : 5;
}

// The fault with every server above `n` removed; nullopt if it cannot exist without them.
std::optional<json> fit_fault(json f, std::int64_t n) {
  for (const char* key : {"target", "from", "to", "isolate"}) {
    if (f.contains(key) && server_id(f[key]) > n) return std::nullopt;
  }
  if (f.contains("groups")) {
    json groups = json::array();
    for (const auto& g : f["groups"]) {
      json kept = json::array();
      for (const auto& m : g) {
        if (server_id(m) <= n) kept.push_back(m);
      }
      if (!kept.empty()) groups.push_back(kept);
    }
    if (groups.size() < 2) return std::nullopt;
    f["groups"] = groups;
  }
  if (f.contains("on")) {
    const json& on = f["on"];
    if (on.contains("server") && server_id(on["server"]) > n) return std::nullopt;
    if (on.contains("fields")) {
      for (const char* key : {"learner", "peer"}) {
        if (on["fields"].contains(key) && on["fields"][key].get<std::int64_t>() > n) return std::nullopt;
      }
    }
  }
  return f;
}

class Shrinker {
 public:
  Shrinker(std::uint64_t seed, std::string property, std::string crash, const ShrinkOptions& options)
      : seed_(seed), property_(std::move(property)), crash_(std::move(crash)), options_(options),
        started_(std::chrono::steady_clock::now()) {}

  bool out_of_time() {
    if (options_.time_budget_s <= 0) return false;
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (t > options_.time_budget_s) exhausted_ = true;
    return exhausted_;
  }

  // Runs the candidate; keeps it if it still fails the same way.
  bool attempt(const json& candidate, const std::string& step) {
    if (out_of_time() || candidate == current_) return false;
    if (std::holds_alternative<sim::ScenarioError>(sim::parse_scenario(candidate.dump(), "candidate"))) return false;
    ++attempts_;
    const Probe p = probe(candidate, seed_);
    const bool same = std::find(p.properties.begin(), p.properties.end(), property_) != p.properties.end() &&
                      (property_ != "crash" || p.crash == crash_);
    if (!same) return false;
    ++accepted_;
    current_ = candidate;
    if (options_.verbose) fmt::print("  shrink: {} ({} faults)\n", step, current_["faults"].size());
    return true;
  }

  // Delta debugging over the faults: remove chunks, halving the chunk size.
  bool remove_faults() {
    bool changed = false;
    std::size_t chunk = std::max<std::size_t>(1, current_["faults"].size() / 2);
    while (chunk >= 1 && !out_of_time()) {
      bool removed = false;
      // Timed faults go first: where a trigger and a time both reproduce, the trigger stays.
      for (const bool timed_pass : {true, false}) {
        for (std::size_t start = 0; start < current_["faults"].size();) {
          json candidate = current_;
          json kept = json::array();
          bool any = false;
          for (std::size_t i = 0; i < current_["faults"].size(); ++i) {
            const json& f = current_["faults"][i];
            const bool in_chunk = i >= start && i < start + chunk && (chunk > 1 || f.contains("at_ms") == timed_pass);
            if (in_chunk) {
              any = true;
            } else {
              kept.push_back(f);
            }
          }
          candidate["faults"] = kept;
          if (any && attempt(candidate, fmt::format("removed {} fault(s)", current_["faults"].size() - kept.size()))) {
            removed = changed = true;
          } else {
            start += chunk;
          }
        }
        if (chunk > 1) break;  // the timed/triggered order matters for single faults only
      }
      if (!removed) {
        if (chunk == 1) break;
        chunk /= 2;
      }
    }
    return changed;
  }

  bool fewer_servers() {
    bool changed = false;
    for (std::int64_t n : {1, 3, 5}) {
      if (n >= servers_of(current_)) continue;
      json candidate = current_;
      candidate["cluster"]["servers"] = n;
      json faults = json::array();
      for (const auto& f : current_["faults"]) {
        if (auto fitted = fit_fault(f, n)) faults.push_back(*fitted);
      }
      candidate["faults"] = faults;
      if (candidate.contains("clients") && candidate["clients"].contains("servers")) {
        json kept = json::array();
        for (const auto& s : candidate["clients"]["servers"]) {
          if (server_id(s) <= n) kept.push_back(s);
        }
        if (kept.empty()) {
          candidate["clients"].erase("servers");
        } else {
          candidate["clients"]["servers"] = kept;
        }
      }
      if (attempt(candidate, fmt::format("{} servers", n))) {
        changed = true;
        break;
      }
    }
    return changed;
  }

  bool fewer_clients() {
    if (!current_.contains("clients")) return false;
    bool changed = false;
    // Fewer operations per workload client, then fewer workload clients (a scripted client,
    // like the fuzzer's probe, keeps its place as the last one).
    while (!out_of_time()) {
      json candidate = current_;
      json& w = candidate["clients"]["workload"];
      if (!w.is_object() || w.value("ops_per_client", 0) == 0) break;
      w["ops_per_client"] = w["ops_per_client"].get<std::int64_t>() / 2;
      if (!attempt(candidate, fmt::format("{} operations per client", w["ops_per_client"].get<std::int64_t>()))) break;
      changed = true;
    }
    while (!out_of_time()) {
      const json& c = current_["clients"];
      const std::int64_t count = c.value("count", 0);
      const std::int64_t scripted = c.contains("scripts") ? static_cast<std::int64_t>(c["scripts"].size()) : 0;
      if (count - scripted <= 0) break;
      json candidate = current_;
      candidate["clients"]["count"] = count - 1;
      if (candidate["clients"].contains("scripts")) {
        for (auto& s : candidate["clients"]["scripts"]) s["client"] = s["client"].get<std::int64_t>() - 1;
      }
      bool refers = false;
      for (const auto& f : candidate["faults"]) refers = refers || f.dump().find(fmt::format("\"c{}\"", count)) != std::string::npos;
      if (refers || !attempt(candidate, fmt::format("{} clients", count - 1))) break;
      changed = true;
    }
    // Without the scripted clients at all.
    if (current_["clients"].contains("scripts") && !out_of_time()) {
      json candidate = current_;
      const auto scripted = static_cast<std::int64_t>(candidate["clients"]["scripts"].size());
      candidate["clients"]["count"] = candidate["clients"].value("count", 0) - scripted;
      candidate["clients"].erase("scripts");
      changed = attempt(candidate, "no scripted clients") || changed;
    }
    return changed;
  }

  std::int64_t last_timed_fault() const {
    std::int64_t last = 0;
    for (const auto& f : current_["faults"]) last = std::max(last, f.value("at_ms", std::int64_t{0}));
    return last;
  }

  bool shorter_run() {
    bool changed = false;
    // Binary search down towards the last timed fault.
    std::int64_t lo = last_timed_fault() + 1;
    while (!out_of_time()) {
      const std::int64_t d = current_["duration_ms"].get<std::int64_t>();
      if (d - lo < 100) break;
      json candidate = current_;
      candidate["duration_ms"] = lo + (d - lo) / 2;
      if (attempt(candidate, fmt::format("{} ms", lo + (d - lo) / 2))) {
        changed = true;
      } else {
        lo = lo + (d - lo) / 2;
      }
    }
    return changed;
  }

  bool earlier_faults() {
    bool changed = false;
    for (std::size_t i = 0; i < current_["faults"].size() && !out_of_time(); ++i) {
      if (!current_["faults"][i].contains("at_ms")) continue;
      // Halfway to time 0, a few times.
      for (int k = 0; k < 4; ++k) {
        const std::int64_t t = current_["faults"][i]["at_ms"].get<std::int64_t>();
        if (t < 10) break;
        json candidate = current_;
        candidate["faults"][i]["at_ms"] = t / 2;
        if (!attempt(candidate, fmt::format("fault {} at {} ms", i, t / 2))) break;
        changed = true;
      }
    }
    return changed;
  }

  bool simpler_parts() {
    bool changed = false;
    // Triggers: the first matching event, no delay, no window, no field filters.
    for (std::size_t i = 0; i < current_["faults"].size() && !out_of_time(); ++i) {
      for (const char* key : {"delay_ms"}) {
        if (!current_["faults"][i].contains(key)) continue;
        json candidate = current_;
        candidate["faults"][i].erase(key);
        changed = attempt(candidate, fmt::format("fault {} without {}", i, key)) || changed;
      }
      if (!current_["faults"][i].contains("on")) continue;
      for (const char* key : {"count", "after_ms", "before_ms", "fields"}) {
        if (!current_["faults"][i]["on"].contains(key)) continue;
        json candidate = current_;
        candidate["faults"][i]["on"].erase(key);
        changed = attempt(candidate, fmt::format("fault {}'s trigger without {}", i, key)) || changed;
      }
    }
    // Model knobs back to their defaults.
    for (const char* key : {"disk", "network"}) {
      if (!current_.contains(key) || out_of_time()) continue;
      json candidate = current_;
      candidate.erase(key);
      changed = attempt(candidate, fmt::format("default {}", key)) || changed;
    }
    if (current_.contains("clients") && current_["clients"].contains("workload") &&
        current_["clients"]["workload"].contains("mix") && !out_of_time()) {
      json candidate = current_;
      candidate["clients"]["workload"].erase("mix");
      changed = attempt(candidate, "default workload mix") || changed;
    }
    return changed;
  }

  json current_;
  std::uint32_t attempts_ = 0;
  std::uint32_t accepted_ = 0;
  bool exhausted_ = false;

 private:
  std::uint64_t seed_;
  std::string property_;
  std::string crash_;
  ShrinkOptions options_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

ShrinkResult shrink(const json& scenario, std::uint64_t seed, std::string property, const ShrinkOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ShrinkResult result;
  const Probe first = probe(scenario, seed);
  if (property.empty() && !first.properties.empty()) property = first.properties.front();
  result.property = property;
  result.attempts = 1;
  if (property.empty() || std::find(first.properties.begin(), first.properties.end(), property) == first.properties.end()) {
    result.scenario = scenario;
    return result;
  }
  result.reproduced = true;
  Shrinker s(seed, property, first.crash, options);
  s.current_ = scenario;
  if (!s.current_.contains("faults")) s.current_["faults"] = json::array();
  // Passes in order of how much each removes; repeated until none changes anything.
  for (int round = 0; round < 8 && !s.out_of_time(); ++round) {
    bool changed = false;
    changed = s.remove_faults() || changed;
    changed = s.fewer_servers() || changed;
    changed = s.fewer_clients() || changed;
    changed = s.shorter_run() || changed;
    changed = s.earlier_faults() || changed;
    changed = s.simpler_parts() || changed;
    if (!changed) break;
  }
  json out = s.current_;
  const std::string kind = first.kind(property);
  out["name"] = fmt::format("shrunk: {}", scenario.value("name", std::string("scenario")));
  out["description"] = fmt::format(
      "Shrunk by zabsim shrink from a run that violated {} (seed {}): the smallest schedule found that still "
      "violates it. {} faults, {} servers.",
      property, seed, out["faults"].size(), servers_of(out));
  out["seed"] = seed;
  if (kind == "safety" || kind == "liveness") {
    json expect = out.contains("expect") ? out["expect"] : json::object();
    expect[kind] = property;
    out["expect"] = expect;
  }
  // Keys in the order people read them.
  json ordered;
  for (const char* key : {"name", "description", "seed", "duration_ms", "cluster", "network", "disk", "clients", "faults",
                          "liveness_bound_ms", "expect"}) {
    if (out.contains(key)) ordered[key] = out[key];
  }
  result.scenario = ordered;
  result.attempts = s.attempts_ + 1;
  result.accepted = s.accepted_;
  result.budget_exhausted = s.exhausted_;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace zab::fuzz
