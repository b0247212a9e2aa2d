// libFuzzer harness: the scenario parser. Any bytes must give a Scenario or a located
// ScenarioError; never an exception, a crash, a sanitizer report or a hang.

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/base/assert.h"
#include "sim/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const zab::sim::ScenarioParse parsed = zab::sim::parse_scenario(text, "fuzz.json");
  if (const auto* error = std::get_if<zab::sim::ScenarioError>(&parsed)) {
    ZAB_ASSERT(error->file == "fuzz.json", "a scenario error names the file");
    ZAB_ASSERT(!error->message.empty(), "a scenario error says what is wrong");
  }
  return 0;
}
