// SPDX-License-Identifier: MIT
#include "flowreplay/core/errors.hpp"

#include <cstring>

namespace flowreplay {

IoError::IoError(const std::string& path, const std::string& what, int err)
    : std::runtime_error(path + ": " + what + (err != 0 ? std::string(": ") + std::strerror(err) : "")),
      errno_(err) {}

}  // namespace flowreplay
