// SPDX-License-Identifier: MIT
// Where flow records go: "udp://HOST:PORT" or "tcp://HOST:PORT" (IPv6 literals in brackets).
#pragma once

#include <netdb.h>

#include <cstdint>
#include <optional>
#include <string>

#include "flowreplay/core/address.hpp"

namespace flowreplay {

struct CollectorAddress {
  enum class Transport { kUdp, kTcp } transport = Transport::kUdp;
  std::string host;
  std::string port;
  [[nodiscard]] std::string to_string() const;
  // The host as an address when it is one (no name to resolve).
  [[nodiscard]] std::optional<IpAddress> literal() const { return IpAddress::parse(host); }
  // getaddrinfo hints for this collector: a literal address is never looked up (AI_NUMERICHOST),
  // so only a host name given on purpose ever reaches the resolver.
  [[nodiscard]] addrinfo hints(int socktype) const;
  // nullopt for anything but udp://HOST:PORT or tcp://HOST:PORT with a port 1-65535.
  static std::optional<CollectorAddress> parse(const std::string& url);
};

}  // namespace flowreplay
