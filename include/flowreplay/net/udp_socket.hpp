// SPDX-License-Identifier: MIT
// A UDP socket connected to one collector. A send error (an ICMP port unreachable comes back as
// ECONNREFUSED on the next send) is returned, never thrown: UDP export is fire-and-forget, and
// the caller counts what was lost.
#pragma once

#include <cstdint>
#include <span>

#include "flowreplay/net/collector.hpp"

namespace flowreplay {

class UdpSocket {
 public:
  // multicast_ttl > 0: the TTL (hop limit) of datagrams to a multicast group. Throws IoError.
  explicit UdpSocket(const CollectorAddress& to, int multicast_ttl = 0);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Sends one datagram; false (and last_errno() set) when the kernel refused it.
  bool send(std::span<const std::uint8_t> data);
  [[nodiscard]] int last_errno() const { return last_errno_; }

 private:
  int fd_ = -1;
  int last_errno_ = 0;
};

}  // namespace flowreplay
