// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/raw_packet.hpp"

#include <algorithm>

#include "flowreplay/core/wire.hpp"

namespace flowreplay {

using wire::get16;
using wire::get32;

std::string_view skip_reason_name(SkipReason r) {
  switch (r) {
    case SkipReason::kNotIp: return "not IP";
    case SkipReason::kUnsupportedLink: return "unsupported link type";
    case SkipReason::kTruncatedLink: return "truncated link header";
    case SkipReason::kTruncatedIp: return "truncated or bad IP header";
    case SkipReason::kTruncatedTransport: return "truncated TCP/UDP header";
    case SkipReason::kCount: break;
  }
  return "?";
}

std::uint64_t DecodeStats::skipped_total() const {
  std::uint64_t n = 0;
  for (auto v : skipped) n += v;
  return n;
}

bool link_type_supported(int t) {
  switch (t) {
    case kLinkNull: case kLinkEthernet: case kLinkRawOld: case kLinkRaw: case kLinkLoop:
    case kLinkLinuxSll: case kLinkIpv4: case kLinkIpv6: case kLinkLinuxSll2:
      return true;
    default:
      return false;
  }
}

namespace {

std::optional<RawPacket> skip(DecodeStats& stats, SkipReason r) {
  ++stats.skipped[static_cast<std::size_t>(r)];
  return std::nullopt;
}

// The L3 protocol of a payload whose type the link layer gives as an EtherType.
enum class L3 { kIpv4, kIpv6, kMpls, kOther };

L3 from_ethertype(std::uint16_t type) {
  switch (type) {
    case wire::kEtherTypeIpv4: return L3::kIpv4;
    case wire::kEtherTypeIpv6: return L3::kIpv6;
    case wire::kEtherTypeMpls: case 0x8848: return L3::kMpls;
    default: return L3::kOther;
  }
}

// BSD loopback address families: AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30.
L3 from_af(std::uint32_t af) {
  if (af == 2) return L3::kIpv4;
  if (af == 24 || af == 28 || af == 30 || af == 10) return L3::kIpv6;
  return L3::kOther;
}

L3 from_version(const std::uint8_t* p, std::uint32_t left) {
  if (left == 0) return L3::kOther;
  const int v = p[0] >> 4;
  return v == 4 ? L3::kIpv4 : v == 6 ? L3::kIpv6 : L3::kOther;
}

// Link-layer header sizes and field offsets (tcpdump.org link-type pages).
constexpr std::uint32_t kSllHeader = 16;      // Linux cooked v1
constexpr std::uint32_t kSllProtocol = 14;
constexpr std::uint32_t kSll2Header = 20;     // Linux cooked v2
constexpr std::uint32_t kSll2Protocol = 0;
constexpr std::uint32_t kLoopbackHeader = 4;  // BSD/OpenBSD loopback: the address family
constexpr std::uint16_t kEtherTypeQinQOld = 0x9100;  // pre-802.1ad QinQ
constexpr std::uint16_t kVlanIdMask = 0x0fff;
constexpr std::uint32_t kMplsEntry = 4;       // RFC 3032 label stack entry
constexpr std::uint32_t kMplsBottomByte = 2;  // the byte holding the bottom-of-stack bit
constexpr std::uint8_t kMplsBottomBit = 0x01;

bool is_ipv6_extension(std::uint8_t nh) {
  return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 || nh == 135 || nh == 139 || nh == 140;
}

}  // namespace

std::optional<RawPacket> decode_packet(int link_type, const std::uint8_t* data, std::uint32_t caplen, Timestamp ts,
                                       DecodeStats& stats) {
  RawPacket pkt;
  pkt.ts = ts;
  std::uint32_t off = 0;
  L3 l3 = L3::kOther;

  switch (link_type) {
    case kLinkEthernet: {
      if (caplen < wire::kEthernetHeader) return skip(stats, SkipReason::kTruncatedLink);
      std::uint32_t type_at = wire::eth::kType;  // the EtherType, or a tag's TPID
      std::uint16_t type = get16(data + type_at);
      // 802.1Q, 802.1ad and the old 0x9100 QinQ tag, any depth.
      while (type == wire::kEtherTypeVlan || type == wire::kEtherTypeQinQ || type == kEtherTypeQinQOld) {
        if (caplen < type_at + wire::kVlanTag + 2) return skip(stats, SkipReason::kTruncatedLink);
        if (pkt.vlan == 0) pkt.vlan = get16(data + type_at + wire::vlan::kTci) & kVlanIdMask;
        type_at += wire::kVlanTag;
        type = get16(data + type_at);
      }
      off = type_at + 2;
      l3 = from_ethertype(type);
      break;
    }
    case kLinkLinuxSll:
      if (caplen < kSllHeader) return skip(stats, SkipReason::kTruncatedLink);
      l3 = from_ethertype(get16(data + kSllProtocol));
      off = kSllHeader;
      break;
    case kLinkLinuxSll2:
      if (caplen < kSll2Header) return skip(stats, SkipReason::kTruncatedLink);
      l3 = from_ethertype(get16(data + kSll2Protocol));
      off = kSll2Header;
      break;
    case kLinkNull: {  // the address family in the capturing host's byte order
      if (caplen < kLoopbackHeader) return skip(stats, SkipReason::kTruncatedLink);
      std::uint32_t af = get32(data);
      if (af > 0xffff) af = __builtin_bswap32(af);
      l3 = from_af(af);
      off = kLoopbackHeader;
      break;
    }
    case kLinkLoop:
      if (caplen < kLoopbackHeader) return skip(stats, SkipReason::kTruncatedLink);
      l3 = from_af(get32(data));
      off = kLoopbackHeader;
      break;
    case kLinkRaw: case kLinkRawOld:
      l3 = from_version(data, caplen);
      break;
    case kLinkIpv4: l3 = L3::kIpv4; break;
    case kLinkIpv6: l3 = L3::kIpv6; break;
    default:
      return skip(stats, SkipReason::kUnsupportedLink);
  }

  if (l3 == L3::kMpls) {  // label stack entries until the bottom-of-stack bit, then guess IP
    for (;;) {
      if (caplen < off + kMplsEntry) return skip(stats, SkipReason::kTruncatedLink);
      const bool bottom = (data[off + kMplsBottomByte] & kMplsBottomBit) != 0;
      off += kMplsEntry;
      if (bottom) break;
    }
    l3 = from_version(data + off, caplen - off);
  }
  if (l3 == L3::kOther) return skip(stats, SkipReason::kNotIp);

  const std::uint8_t* ip = data + off;
  const std::uint32_t left = caplen - off;
  std::uint32_t ip_payload = 0;  // bytes after the IP header(s) per the IP length fields
  std::uint32_t l4 = 0;          // offset of the transport header from data
  std::uint8_t proto = 0;
  if (l3 == L3::kIpv4) {
    if (left < wire::kIpv4Header || (ip[wire::ipv4::kVersionIhl] >> 4) != 4) return skip(stats, SkipReason::kTruncatedIp);
    const std::uint32_t ihl = (ip[wire::ipv4::kVersionIhl] & 0x0f) * 4u;
    if (ihl < wire::kIpv4Header || left < ihl) return skip(stats, SkipReason::kTruncatedIp);
    std::uint32_t total = get16(ip + wire::ipv4::kTotalLength);
    if (total == 0) total = left;  // TSO: the length field is left to the NIC
    if (total < ihl) return skip(stats, SkipReason::kTruncatedIp);
    ip_payload = total - ihl;
    pkt.l3_len = total;
    pkt.ip_version = 4;
    pkt.src = IpAddress::v4(get32(ip + wire::ipv4::kSrc));
    pkt.dst = IpAddress::v4(get32(ip + wire::ipv4::kDst));
    proto = ip[wire::ipv4::kProtocol];
    pkt.fragment = (get16(ip + wire::ipv4::kFlagsFragment) & wire::ipv4::kFragmentOffsetMask) != 0;
    l4 = off + ihl;
  } else {
    constexpr std::uint32_t kHeader = wire::kIpv6Header;
    if (left < kHeader || (ip[0] >> 4) != 6) return skip(stats, SkipReason::kTruncatedIp);
    std::array<std::uint8_t, 16> a{};
    std::copy(ip + wire::ipv6::kSrc, ip + wire::ipv6::kSrc + 16, a.begin());
    pkt.src = IpAddress::v6(a);
    std::copy(ip + wire::ipv6::kDst, ip + wire::ipv6::kDst + 16, a.begin());
    pkt.dst = IpAddress::v6(a);
    pkt.ip_version = 6;
    std::uint32_t plen = get16(ip + wire::ipv6::kPayloadLength);
    if (plen == 0) plen = left - kHeader;  // jumbogram or TSO
    pkt.l3_len = plen + kHeader;
    proto = ip[wire::ipv6::kNextHeader];
    std::uint32_t pos = kHeader;
    // RFC 8200 section 4: walk the extension headers to the upper-layer header.
    while (is_ipv6_extension(proto)) {
      if (left < pos + 8) return skip(stats, SkipReason::kTruncatedIp);
      const std::uint8_t next = ip[pos];
      std::uint32_t len;
      if (proto == 44) {  // fragment header: fixed 8 bytes
        len = 8;
        if ((get16(ip + pos + 2) & 0xfff8) != 0) pkt.fragment = true;
      } else if (proto == 51) {  // AH: length in 4-byte units, minus 2
        len = (ip[pos + 1] + 2u) * 4u;
      } else {
        len = (ip[pos + 1] + 1u) * 8u;
      }
      pos += len;
      proto = next;
      if (pos > plen + kHeader) return skip(stats, SkipReason::kTruncatedIp);
    }
    ip_payload = plen + kHeader - pos;
    l4 = off + pos;
  }
  pkt.protocol = proto;

  const std::uint32_t captured_after_ip = caplen > l4 ? caplen - l4 : 0;
  if (pkt.fragment) {
    ++stats.fragments;
    pkt.payload_len = std::min(ip_payload, captured_after_ip);
    ++stats.decoded;
    return pkt;
  }
  const std::uint8_t* t = data + l4;
  if (proto == wire::kProtoTcp) {
    if (captured_after_ip < wire::kTcpHeader) return skip(stats, SkipReason::kTruncatedTransport);
    const std::uint32_t hl = (t[wire::tcp::kDataOffset] >> 4) * 4u;
    if (hl < wire::kTcpHeader || captured_after_ip < hl) return skip(stats, SkipReason::kTruncatedTransport);
    pkt.src_port = get16(t + wire::tcp::kSrcPort);
    pkt.dst_port = get16(t + wire::tcp::kDstPort);
    pkt.header_len = static_cast<std::uint16_t>(hl);
    pkt.tcp_flags = t[wire::tcp::kFlags];
    pkt.window = get16(t + wire::tcp::kWindow);
    const std::uint32_t in_ip = ip_payload > hl ? ip_payload - hl : 0;
    pkt.payload_len = std::min(in_ip, captured_after_ip - hl);
  } else if (proto == wire::kProtoUdp) {
    constexpr std::uint32_t kHeader = wire::kUdpHeader;
    if (captured_after_ip < kHeader) return skip(stats, SkipReason::kTruncatedTransport);
    pkt.src_port = get16(t + wire::udp::kSrcPort);
    pkt.dst_port = get16(t + wire::udp::kDstPort);
    pkt.header_len = kHeader;
    const std::uint32_t in_ip = ip_payload > kHeader ? ip_payload - kHeader : 0;
    pkt.payload_len = std::min(in_ip, captured_after_ip - kHeader);
  } else {
    pkt.payload_len = std::min(ip_payload, captured_after_ip);
    if ((proto == wire::kProtoIcmp || proto == wire::kProtoIcmpv6) && captured_after_ip >= wire::icmp::kId) {
      pkt.icmp_type_code = get16(t + wire::icmp::kType);
      const std::uint8_t type = t[wire::icmp::kType];
      const bool echo = proto == wire::kProtoIcmp
                            ? (type == wire::kIcmpEchoRequest || type == wire::kIcmpEchoReply)
                            : (type == wire::kIcmpv6EchoRequest || type == wire::kIcmpv6EchoReply);
      if (echo && captured_after_ip >= wire::kIcmpEchoHeader) pkt.icmp_id = get16(t + wire::icmp::kId);
    }
  }
  ++stats.decoded;
  return pkt;
}

}  // namespace flowreplay
