// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace flowreplay {

// The text of configs/default.yaml as it was when the binary was built.
std::string_view default_config_yaml();

}  // namespace flowreplay
