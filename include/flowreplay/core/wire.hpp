// SPDX-License-Identifier: MIT
// Wire formats: protocol numbers, header sizes and big-endian field access (little-endian where
// a protocol says so). Headers are built
// and read at fixed offsets through these helpers (no bitfields, no unaligned struct casts), and
// every size the code relies on is a named constant checked against the RFC here.
#pragma once

#include <cstdint>
#include <cstring>

namespace flowreplay::wire {

inline void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void put32(std::uint8_t* p, std::uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
// Little-endian, for the protocols that use it (MongoDB's wire protocol and BSON).
inline void put32le(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void put64le(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t get32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;   // IEEE 802.1Q
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;   // IEEE 802.1ad
inline constexpr std::uint16_t kEtherTypeMpls = 0x8847;

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;

inline constexpr int kEthernetHeader = 14;  // dst, src, ethertype
inline constexpr int kVlanTag = 4;          // TPID + TCI
inline constexpr int kIpv4Header = 20;      // RFC 791, no options
inline constexpr int kIpv6Header = 40;      // RFC 8200
inline constexpr int kTcpHeader = 20;       // RFC 9293, no options
inline constexpr int kUdpHeader = 8;        // RFC 768
inline constexpr int kIcmpEchoHeader = 8;   // RFC 792 / RFC 4443: type, code, sum, id, seq
inline constexpr int kMinFrame = 60;        // Ethernet minimum without FCS

// Field offsets, in bytes from the start of each header.
namespace eth {  // IEEE 802.3
inline constexpr int kDst = 0;
inline constexpr int kSrc = 6;
inline constexpr int kType = 12;
}  // namespace eth
namespace vlan {  // IEEE 802.1Q tag (kVlanTag bytes), from its TPID; the next EtherType follows it
inline constexpr int kTci = 2;  // PCP, DEI, VLAN id
}  // namespace vlan
namespace ipv4 {  // RFC 791 section 3.1
inline constexpr int kVersionIhl = 0;
inline constexpr int kTos = 1;
inline constexpr int kTotalLength = 2;
inline constexpr int kId = 4;
inline constexpr int kFlagsFragment = 6;
inline constexpr int kTtl = 8;
inline constexpr int kProtocol = 9;
inline constexpr int kChecksum = 10;
inline constexpr int kSrc = 12;
inline constexpr int kDst = 16;
inline constexpr std::uint16_t kDontFragment = 0x4000;
inline constexpr std::uint16_t kFragmentOffsetMask = 0x1fff;
}  // namespace ipv4
namespace ipv6 {  // RFC 8200 section 3
inline constexpr int kPayloadLength = 4;
inline constexpr int kNextHeader = 6;
inline constexpr int kHopLimit = 7;
inline constexpr int kSrc = 8;
inline constexpr int kDst = 24;
}  // namespace ipv6
namespace tcp {  // RFC 9293 section 3.1
inline constexpr int kSrcPort = 0;
inline constexpr int kDstPort = 2;
inline constexpr int kSeq = 4;
inline constexpr int kAck = 8;
inline constexpr int kDataOffset = 12;  // high nibble: header length in 32-bit words
inline constexpr int kFlags = 13;
inline constexpr int kWindow = 14;
inline constexpr int kChecksum = 16;
inline constexpr int kUrgent = 18;
}  // namespace tcp
namespace udp {  // RFC 768
inline constexpr int kSrcPort = 0;
inline constexpr int kDstPort = 2;
inline constexpr int kLength = 4;
inline constexpr int kChecksum = 6;
}  // namespace udp
namespace icmp {  // RFC 792 / RFC 4443, echo request and reply
inline constexpr int kType = 0;
inline constexpr int kCode = 1;
inline constexpr int kChecksum = 2;
inline constexpr int kId = 4;
inline constexpr int kSeq = 6;
}  // namespace icmp

// TCP flag bits (RFC 9293 section 3.1).
inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpPsh = 0x08;
inline constexpr std::uint8_t kTcpAck = 0x10;

// ICMP echo types.
inline constexpr std::uint8_t kIcmpEchoRequest = 8;
inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpv6EchoRequest = 128;
inline constexpr std::uint8_t kIcmpv6EchoReply = 129;

}  // namespace flowreplay::wire
