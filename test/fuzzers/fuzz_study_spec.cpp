// libFuzzer harness: the study-spec parser, which also builds and parses the scenario of every
// setting. A base given as a path is looked up in a directory that does not exist.

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/base/assert.h"
#include "tools/study/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  zab::study::SpecError error;
  const auto spec = zab::study::parse_spec(text, "fuzz.json", "/nonexistent-zabsim-fuzz-dir", error);
  if (!spec) {
    ZAB_ASSERT(error.file == "fuzz.json", "a spec error names the file");
    return 0;
  }
  ZAB_ASSERT(zab::study::settings(*spec).size() <= zab::study::kSettingsMax, "a spec's sweep is within the limit");
  return 0;
}
