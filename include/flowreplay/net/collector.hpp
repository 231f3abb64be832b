// SPDX-License-Identifier: MIT
// Where flow records go: "udp://HOST:PORT" or "tcp://HOST:PORT" (IPv6 literals in brackets).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace flowreplay {

struct CollectorAddress {
  enum class Transport { kUdp, kTcp } transport = Transport::kUdp;
  std::string host;
  std::string port;
  [[nodiscard]] std::string to_string() const;
  // nullopt for anything but udp://HOST:PORT or tcp://HOST:PORT with a port 1-65535.
  static std::optional<CollectorAddress> parse(const std::string& url);
};

}  // namespace flowreplay
