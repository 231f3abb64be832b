// SPDX-License-Identifier: MIT
// The YAML traffic-mix config: any text is a config or a ConfigError, never a crash or a hang.
#include <cstdint>
#include <string_view>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/synth/gen_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  try {
    load_gen_config_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const ConfigError&) {
  }
  return 0;
}
