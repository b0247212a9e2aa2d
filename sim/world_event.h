#pragma once
// The payload of the world's event queue. Kept small and plain (no heap data): message bytes
// live in the network's in-flight table and the event only names them.

#include <cstdint>

namespace zab::sim {

enum class WorldEventType : std::uint8_t {
  kNone = 0,
  kStart,           // process: start a new incarnation
  kSynArrives,      // a = connect attempt id
  kConnectAnswer,   // a = connect attempt id, b = 1 accepted / 0 refused
  kConnectTimeout,  // a = connect attempt id
  kDeliver,         // a = in-flight item index
  kTimer,           // process, incarnation, a = timer id
  kFsyncDone,       // process, incarnation, a = fsync request id
  kAction,          // a = index of a scheduled action (faults, test steps)
  kWriteback,       // process: the kernel flusher's periodic writeback
  kWorkDone,        // process, incarnation: a costly step's work is done (StepCostModel)
};

struct WorldEvent {
  WorldEventType type = WorldEventType::kNone;
  std::uint32_t process = 0;
  std::uint32_t incarnation = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

}  // namespace zab::sim
