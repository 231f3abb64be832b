// SPDX-License-Identifier: MIT
// A direction-free flow key: the lower (address, port) endpoint first, so both sides of a
// connection are one flow. Which fields fill the ports is the meter's choice (ports for TCP/UDP,
// the echo identifier or 0 for ICMP); the key only orders and compares them.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "flowreplay/core/address.hpp"

namespace flowreplay {

struct FlowKey {
  IpAddress a;
  IpAddress b;
  std::uint16_t a_port = 0;
  std::uint16_t b_port = 0;
  std::uint8_t protocol = 0;

  bool operator==(const FlowKey& o) const {
    // Word compares of the 16-byte address arrays (IPv4 leaves the tail zero): cheaper than the
    // memcmp calls of a defaulted comparison on the per-packet lookup.
    std::uint64_t x[4];
    std::uint64_t y[4];
    std::memcpy(x, a.data(), 16);
    std::memcpy(x + 2, b.data(), 16);
    std::memcpy(y, o.a.data(), 16);
    std::memcpy(y + 2, o.b.data(), 16);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0 && a_port == o.a_port &&
           b_port == o.b_port && protocol == o.protocol && a.is_v6() == o.a.is_v6();
  }
  static FlowKey of(const IpAddress& src, std::uint16_t sp, const IpAddress& dst, std::uint16_t dp, std::uint8_t proto);
};

struct FlowKeyHash {
  std::size_t operator()(const FlowKey& k) const;
};

// A stable partition of flows (--shard K/N), the same on every machine and in every release:
// FNV-1a 64 over the key's lower endpoint, its higher endpoint and the protocol number, an
// endpoint being its address in network order (4 or 16 bytes) then its port (2 bytes, big
// endian), endpoints ordered by (address bytes, port) as FlowKey::of orders them. docs/cli.md.
std::uint64_t shard_hash(const FlowKey& k);

struct Shard {
  std::uint32_t index = 0;  // K, 0 <= K < N
  std::uint32_t count = 1;  // N; 1 keeps every flow
  [[nodiscard]] bool keeps(const FlowKey& k) const { return count <= 1 || shard_hash(k) % count == index; }
  // "K/N": digits, a slash, digits, with 0 <= K < N <= 65536; nullopt otherwise.
  static std::optional<Shard> parse(std::string_view text);
};

// One side of a flow: the address and port (or ICMP identifier) a packet comes from.
struct Endpoint {
  IpAddress ip;
  std::uint16_t port = 0;
};

// The direction rule every meter shares: a packet is forward when it comes from the flow's
// initiator, the endpoint that sent the flow's first packet. `ip_only` compares addresses alone,
// as CICFlowMeter's released modes do (docs/features.md).
inline bool from_initiator(const IpAddress& initiator_ip, std::uint16_t initiator_port, const IpAddress& src,
                           std::uint16_t src_port, bool ip_only = false) {
  return src == initiator_ip && (ip_only || src_port == initiator_port);
}
inline bool from_initiator(const Endpoint& initiator, const IpAddress& src, std::uint16_t src_port,
                           bool ip_only = false) {
  return from_initiator(initiator.ip, initiator.port, src, src_port, ip_only);
}

}  // namespace flowreplay
