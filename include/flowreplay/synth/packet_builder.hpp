// SPDX-License-Identifier: MIT
// Turns a planned packet into frame bytes: Ethernet II, optional 802.1Q tags and MPLS labels, IPv4 or IPv6, then TCP,
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
  // Ethernet with the most encapsulation layers; with IPv6 and a TCP SYN, the most header bytes.
  static constexpr std::size_t kMaxL2 = 14 + Encapsulation::kMaxLayers * Encapsulation::kLayerBytes;
  static constexpr std::size_t kMaxHeaders = kMaxL2 + 40 + 40;

  PacketBuilder(const FlowSpec& spec, const FlowLayout& layout);

  // Writes the frame into out, which has room for max_frame() bytes.
  BuiltFrame build(const PlannedPacket& p, std::uint8_t* out);
  // The lengths build() would give p, without building it (gen --shard: another shard's packet
  // still takes its time on the shared link).
  [[nodiscard]] BuiltFrame measure(const PlannedPacket& p) const;
  [[nodiscard]] std::uint32_t max_frame() const { return layout_.l2 + layout_.mtu < 60 ? 60 : layout_.l2 + layout_.mtu; }

 private:
  struct Direction {
    std::uint8_t head[kMaxL2 + 40] = {};  // Ethernet (+ VLAN/MPLS) + IP header, constant fields filled in
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

// IP fragmentation of a built packet (network.fragmentation_probability), as a router onto a
// smaller MTU or a host sending a large datagram does it: two fragments, the first with the IP
// header and the first half of the upper-layer bytes (rounded down to a multiple of 8), the
// second with the rest. IPv4 (RFC 791 section 3.2) keeps the packet's id and clears DF; IPv6
// (RFC 8200 section 4.5) adds a fragment header with `ident` to each.
struct FragmentPair {
  BuiltFrame first;
  BuiltFrame second;
};

// Whether an IP packet of l3_len bytes (header l3 bytes) splits into two non-empty fragments.
[[nodiscard]] inline bool can_fragment(std::uint32_t l3_len, std::uint32_t l3) { return l3_len >= l3 + 16; }

// frame holds l2 bytes and then the IP packet; the first fragment is written over it in place
// (it is never longer), the second into `second` (room for l2 + l3 + 8 + l3_len bytes, at least
// 60). Both are padded to the 60-byte Ethernet minimum.
FragmentPair split_fragments(std::uint8_t* frame, std::uint32_t l2, std::uint32_t l3, std::uint32_t l3_len,
                             std::uint32_t ident, std::uint8_t* second);
// The lengths split_fragments() gives, without the bytes.
FragmentPair fragment_lengths(std::uint32_t l2, std::uint32_t l3, std::uint32_t l3_len);

}  // namespace flowreplay
