// SPDX-License-Identifier: MIT
// A decoded packet as the ingest side sees it, and the decoder from link-layer bytes. The
// decoder is core code: it reads bytes only, never libpcap, and it never throws: a packet it
// cannot use is counted by reason and skipped.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "flowreplay/core/address.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

struct RawPacket {
  Timestamp ts = 0;  // ns since the epoch
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;    // 0 when the protocol has none, or for a non-first fragment
  std::uint16_t dst_port = 0;
  std::uint8_t protocol = 0;     // IP protocol of the transport header (after IPv6 extensions)
  std::uint8_t ip_version = 4;
  std::uint16_t header_len = 0;  // transport header bytes: TCP data offset * 4, UDP 8, else 0
  std::uint32_t l3_len = 0;      // IP header + payload per the IP length field(s): L3 bytes
  std::uint32_t payload_len = 0; // transport payload: from the IP length (so Ethernet padding is
                                 // not payload), capped at the captured bytes
  std::uint8_t tcp_flags = 0;    // TCP byte 13: FIN 0x01 ... ECE 0x40, CWR 0x80
  std::uint16_t window = 0;      // raw TCP window field, unscaled
  std::uint16_t vlan = 0;        // outermost 802.1Q id, 0 when untagged
  std::uint16_t icmp_type_code = 0;  // ICMP / ICMPv6: type * 256 + code
  std::uint16_t icmp_id = 0;         // ICMP / ICMPv6 echo identifier, else 0
  bool fragment = false;         // a later IP fragment: no transport header, ports 0
};

// Why a packet was skipped. Counted, reported in the summary, never thrown.
enum class SkipReason : std::uint8_t {
  kNotIp,              // ARP, LLDP, ... (not an error)
  kUnsupportedLink,    // a link type flowreplay does not decode
  kTruncatedLink,      // shorter than its link-layer header
  kTruncatedIp,        // shorter than its IP header, or a bad IHL / version
  kTruncatedTransport, // TCP/UDP header cut off by the capture
  kCount
};
std::string_view skip_reason_name(SkipReason r);

struct DecodeStats {
  std::uint64_t decoded = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(SkipReason::kCount)> skipped{};
  std::uint64_t fragments = 0;  // later fragments, decoded without ports
  [[nodiscard]] std::uint64_t skipped_total() const;
};

// Link types (tcpdump.org LINKTYPE_* values) the decoder understands.
inline constexpr int kLinkNull = 0;       // BSD loopback, host-order AF
inline constexpr int kLinkEthernet = 1;
inline constexpr int kLinkRawOld = 12;    // DLT_RAW on some platforms
inline constexpr int kLinkRaw = 101;
inline constexpr int kLinkLoop = 108;     // OpenBSD loopback, network-order AF
inline constexpr int kLinkLinuxSll = 113;
inline constexpr int kLinkIpv4 = 228;
inline constexpr int kLinkIpv6 = 229;
inline constexpr int kLinkLinuxSll2 = 276;

bool link_type_supported(int link_type);

// Decodes one captured frame. Ethernet may carry 802.1Q / QinQ tags and MPLS label stacks;
// IPv6 extension headers are walked to the transport header.
std::optional<RawPacket> decode_packet(int link_type, const std::uint8_t* data, std::uint32_t caplen, Timestamp ts,
                                       DecodeStats& stats);

}  // namespace flowreplay
