// SPDX-License-Identifier: MIT
#include "flowreplay/net/collector.hpp"

#include <charconv>

namespace flowreplay {

addrinfo CollectorAddress::hints(int socktype) const {
  addrinfo h{};
  h.ai_socktype = socktype;
  h.ai_flags = AI_NUMERICSERV | (literal() ? AI_NUMERICHOST : 0);
  return h;
}

std::string CollectorAddress::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(transport == Transport::kUdp ? "udp://" : "tcp://") + (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::optional<CollectorAddress> CollectorAddress::parse(const std::string& url) {
  CollectorAddress c;
  std::string rest;
  if (url.rfind("udp://", 0) == 0) {
    rest = url.substr(6);
  } else if (url.rfind("tcp://", 0) == 0) {
    c.transport = Transport::kTcp;
    rest = url.substr(6);
  } else {
    return std::nullopt;
  }
  std::size_t colon;
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':') return std::nullopt;
    c.host = rest.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = rest.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    c.host = rest.substr(0, colon);
  }
  c.port = rest.substr(colon + 1);
  int port = 0;
  const auto [ptr, ec] = std::from_chars(c.port.data(), c.port.data() + c.port.size(), port);
  if (c.host.empty() || ec != std::errc() || ptr != c.port.data() + c.port.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return c;
}

}  // namespace flowreplay
