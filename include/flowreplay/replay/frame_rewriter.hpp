// SPDX-License-Identifier: MIT
// Frames rewritten on their way to the interface, as tcprewrite does it, in place in the sender's
// buffer: MAC addresses, IP networks mapped to others (IPv4 and IPv6), a VLAN tag added or the
// outer one stripped, addresses shifted per loop so that looped flows stay distinct, and
// checksums kept valid. Address changes update the IPv4 header checksum and the TCP, UDP and
// ICMPv6 checksums incrementally (RFC 1624), which works on frames captured short too;
// --fix-checksums recomputes them from the whole packet instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/address.hpp"

namespace flowreplay {

// OLD/LEN=NEW/LEN: addresses in OLD/LEN take NEW's first LEN bits and keep their own host bits.
struct NetMap {
  Cidr from;
  Cidr to;
  // Parses "10.0.0.0/8=172.16.0.0/8"; nullopt with `error` set when it is not one.
  static std::optional<NetMap> parse(std::string_view text, std::string& error);
};

struct RewriteOptions {
  std::optional<MacAddress> src_mac;
  std::optional<MacAddress> dst_mac;
  std::vector<NetMap> maps;            // the first that holds an address applies
  std::optional<std::uint16_t> vlan_add;  // a VLAN id (0..4095): an 802.1Q tag after the MACs
  bool vlan_strip = false;             // the outer 802.1Q or 802.1ad tag removed
  bool fix_checksums = false;          // IPv4 header, TCP, UDP, ICMP, ICMPv6 recomputed
  std::uint64_t loop_ip_offset = 0;    // added to every IP address, times the loop number (0, 1, 2, ...)
  [[nodiscard]] bool any() const {
    return src_mac || dst_mac || !maps.empty() || vlan_add || vlan_strip || fix_checksums || loop_ip_offset != 0;
  }
};

class FrameRewriter {
 public:
  // How much a frame may grow (a VLAN tag): the buffer must have this much room past the frame.
  static constexpr std::size_t kGrowth = 4;

  explicit FrameRewriter(RewriteOptions options) : options_(std::move(options)) {}
  // Rewrites the frame of `len` captured bytes in place, in loop number `loop` (0 for the first
  // pass); returns its new length. The buffer must hold len + kGrowth bytes.
  std::size_t rewrite(std::uint8_t* frame, std::size_t len, std::uint64_t loop);
  // Frames whose checksums --fix-checksums could not recompute, being captured short.
  [[nodiscard]] std::uint64_t unfixable() const { return unfixable_; }
  [[nodiscard]] const RewriteOptions& options() const { return options_; }

 private:
  RewriteOptions options_;
  std::uint64_t unfixable_ = 0;
};

}  // namespace flowreplay
