#pragma once
// One process's clocks as functions of global virtual time. Drift changes the rate of both the
// monotonic and the wall clock (a crystal running fast or slow); a step moves only the wall
// clock (NTP stepping it), because ZooKeeper's timeouts use the monotonic clock. Integer
// arithmetic only (128-bit intermediates), so readings are exact and identical everywhere.

#include <cstdint>

#include "protocol/base/assert.h"
#include "protocol/base/time.h"
#include "sim/sim_time.h"

namespace zab::sim {

class ProcessClock {
 public:
  static constexpr std::int64_t kPpm = 1'000'000;
  static constexpr std::int64_t kMaxDriftPpm = 500'000;  // ±50 %: beyond it nothing is a clock

  Clocks read(SimTime now) const {
    const std::int64_t local = local_elapsed(now);
    return Clocks{LocalTime::from_ns(mono_at_anchor_ns_ + local),
                  LocalTime::from_ns(wall_at_anchor_ns_ + local)};
  }

  // How much global time passes while this clock advances by `local` (rounded up, so a timer
  // never fires before its local deadline).
  Duration global_for_local(Duration local) const {
    const __int128 num = static_cast<__int128>(local.count_ns()) * kPpm;
    const std::int64_t den = kPpm + drift_ppm_;
    return Duration::ns(static_cast<std::int64_t>((num + den - 1) / den));
  }

  void set_drift(SimTime now, std::int64_t drift_ppm) {
    ZAB_ASSERT(drift_ppm > -kMaxDriftPpm && drift_ppm < kMaxDriftPpm,
               "clock drift must stay within ±50 % (callers validate user input first)");
    reanchor(now);
    drift_ppm_ = drift_ppm;
  }
  void step_wall(Duration delta) { wall_at_anchor_ns_ += delta.count_ns(); }
  std::int64_t drift_ppm() const { return drift_ppm_; }

 private:
  std::int64_t local_elapsed(SimTime now) const {
    const __int128 global = now.ns() - anchor_.ns();
    return static_cast<std::int64_t>(global * (kPpm + drift_ppm_) / kPpm);
  }
  void reanchor(SimTime now) {
    const std::int64_t local = local_elapsed(now);
    mono_at_anchor_ns_ += local;
    wall_at_anchor_ns_ += local;
    anchor_ = now;
  }

  SimTime anchor_ = SimTime::zero();
  std::int64_t mono_at_anchor_ns_ = 0;
  std::int64_t wall_at_anchor_ns_ = 0;
  std::int64_t drift_ppm_ = 0;
};

}  // namespace zab::sim
