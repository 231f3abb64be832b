// SPDX-License-Identifier: MIT
// Exceptions thrown at the boundaries. main() maps them to exit codes:
// ConfigError and UsageError -> 2, IoError and anything else -> 1 (see docs/cli.md).
#pragma once

#include <stdexcept>
#include <string>

namespace flowreplay {

// A configuration problem, already formatted as "file:line:column: key: what".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad command line that CLI11 could not catch (conflicting options, bad values).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failed read or write, with the path and the system's reason.
class IoError : public std::runtime_error {
 public:
  IoError(const std::string& path, const std::string& what, int err);
  [[nodiscard]] int error_number() const { return errno_; }

 private:
  int errno_;
};

}  // namespace flowreplay
