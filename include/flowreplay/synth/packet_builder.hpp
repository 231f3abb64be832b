// SPDX-License-Identifier: MIT
// Turns a planned packet into frame bytes: Ethernet II, optional 802.1Q, IPv4 or IPv6, then TCP,
// UDP, ICMP or ICMPv6. Per flow and direction the L2/L3 header is prebuilt once with the
// constant part of its checksums; per packet only lengths, ids, sequence numbers and the
// payload change, and payload checksums come from the pool's prefix sums.
#pragma once

#include <cstddef>
#include <cstdint>

#include "flowreplay/synth/flow_planner.hpp"

namespace flowreplay {

struct BuiltFrame {
  std::uint32_t frame_len = 0;  // L2 bytes without FCS, padded to the 60-byte minimum
  std::uint32_t l3_len = 0;     // IP header + payload
};

class PacketBuilder {
 public:
  static constexpr std::size_t kMaxHeaders = 18 + 40 + 40;  // Ethernet + 802.1Q, IPv6, TCP SYN

  PacketBuilder(const FlowSpec& spec, const FlowLayout& layout);

  // Writes the frame into out, which has room for max_frame() bytes.
  BuiltFrame build(const PlannedPacket& p, std::uint8_t* out);
  [[nodiscard]] std::uint32_t max_frame() const { return layout_.l2 + layout_.mtu < 60 ? 60 : layout_.l2 + layout_.mtu; }

 private:
  struct Direction {
    std::uint8_t head[18 + 40] = {};  // Ethernet (+ VLAN) + IP header, constant fields filled in
    std::uint64_t ip_sum = 0;         // IPv4 header sum without total length, id and checksum
    std::uint64_t pseudo_sum = 0;     // pseudo-header sum without the upper-layer length
    std::uint16_t ip_id = 0;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
  };

  std::uint64_t copy_payload(const PlannedPacket& p, std::uint8_t* out) const;

  FlowSpec spec_;
  FlowLayout layout_;
  Direction dir_[2];
};

}  // namespace flowreplay
