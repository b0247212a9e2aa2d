#pragma once
// Carries a node's file outputs out on a sim::Disk the way the world does — cache operations at
// once, an fsync's barrier taken when it is issued and completed when the test says so — so
// persistence tests can crash a disk between any two outputs and look at what survives.

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/base/io.h"
#include "sim/disk.h"
#include "sim/rng.h"

namespace zab::test {

struct DiskDriver {
  sim::Disk disk;
  // Fsyncs issued and not yet completed, in issue order, with their tags.
  std::vector<std::pair<std::uint64_t, sim::FsyncBarrier>> in_flight;

  void apply(const Output& output) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, out::Append>) {
            disk.append(o.file, o.bytes);
          } else if constexpr (std::is_same_v<T, out::WriteFile>) {
            disk.write_file(o.file, o.bytes);
          } else if constexpr (std::is_same_v<T, out::Truncate>) {
            disk.truncate(o.file, o.size);
          } else if constexpr (std::is_same_v<T, out::Rename>) {
            disk.rename(o.from, o.to);
          } else if constexpr (std::is_same_v<T, out::Remove>) {
            disk.remove(o.file);
          } else if constexpr (std::is_same_v<T, out::Fsync>) {
            in_flight.emplace_back(o.tag, disk.fsync_begin(o.file));
          }
        },
        output);
  }

  void apply_all(const std::vector<Output>& outputs) {
    for (const Output& o : outputs) apply(o);
  }

  // Completes every fsync in flight, oldest first; returns their tags (the FsyncDone inputs).
  std::vector<std::uint64_t> complete_fsyncs() {
    std::vector<std::uint64_t> tags;
    for (const auto& [tag, barrier] : in_flight) {
      disk.fsync_complete(barrier);
      tags.push_back(tag);
    }
    in_flight.clear();
    return tags;
  }

  // Power loss with every unsynced operation lost; returns what a restart finds.
  DurableFiles crash() {
    sim::Rng rng(1);
    in_flight.clear();
    disk.crash(sim::CrashLoss::kLoseAll, rng);
    return disk.durable_files();
  }
};

}  // namespace zab::test
