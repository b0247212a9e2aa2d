// libFuzzer harness: the run-record loader (what replay, report and shrink read), then the
// scenario inside it, as those commands parse it.

#include <cstddef>
#include <cstdint>
#include <string>

#include "checkers/json_input.h"
#include "protocol/base/assert.h"
#include "sim/scenario/scenario.h"
#include "tools/run/run_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  zab::json_input::JsonError json_error;
  const auto j = zab::json_input::parse<nlohmann::json>(text, json_error);
  if (!j) {
    ZAB_ASSERT(!json_error.message.empty(), "a JSON error says what is wrong");
    return 0;
  }
  std::string error;
  const auto record = zab::tools::record_from_json(*j, error);
  if (!record) {
    ZAB_ASSERT(!error.empty(), "a record error says what is wrong");
    return 0;
  }
  (void)zab::sim::parse_scenario(record->scenario.dump(), "fuzz.json#/scenario");
  (void)zab::tools::to_json(*record).dump(2);
  return 0;
}
