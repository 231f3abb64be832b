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
      if (caplen < 14) return skip(stats, SkipReason::kTruncatedLink);
      std::uint16_t type = get16(data + 12);
      off = 14;
      // 802.1Q, 802.1ad and the old 0x9100 QinQ tag, any depth.
      while (type == wire::kEtherTypeVlan || type == wire::kEtherTypeQinQ || type == 0x9100) {
        if (caplen < off + 4) return skip(stats, SkipReason::kTruncatedLink);
        if (pkt.vlan == 0) pkt.vlan = get16(data + off) & 0x0fff;
        type = get16(data + off + 2);
        off += 4;
      }
      l3 = from_ethertype(type);
      break;
    }
    case kLinkLinuxSll:  // 16 bytes; protocol type at 14
      if (caplen < 16) return skip(stats, SkipReason::kTruncatedLink);
      l3 = from_ethertype(get16(data + 14));
      off = 16;
      break;
    case kLinkLinuxSll2:  // 20 bytes; protocol type at 0
      if (caplen < 20) return skip(stats, SkipReason::kTruncatedLink);
      l3 = from_ethertype(get16(data));
      off = 20;
      break;
    case kLinkNull: {  // 4 bytes of AF in the capturing host's byte order
      if (caplen < 4) return skip(stats, SkipReason::kTruncatedLink);
      std::uint32_t af = get32(data);
      if (af > 0xffff) af = __builtin_bswap32(af);
      l3 = from_af(af);
      off = 4;
      break;
    }
    case kLinkLoop:
      if (caplen < 4) return skip(stats, SkipReason::kTruncatedLink);
      l3 = from_af(get32(data));
      off = 4;
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
      if (caplen < off + 4) return skip(stats, SkipReason::kTruncatedLink);
      const bool bottom = (data[off + 2] & 0x01) != 0;
      off += 4;
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
    if (left < 20 || (ip[0] >> 4) != 4) return skip(stats, SkipReason::kTruncatedIp);
    const std::uint32_t ihl = (ip[0] & 0x0f) * 4u;
    if (ihl < 20 || left < ihl) return skip(stats, SkipReason::kTruncatedIp);
    std::uint32_t total = get16(ip + 2);
    if (total == 0) total = left;  // TSO: the length field is left to the NIC
    if (total < ihl) return skip(stats, SkipReason::kTruncatedIp);
    ip_payload = total - ihl;
    pkt.l3_len = total;
    pkt.ip_version = 4;
    pkt.src = IpAddress::v4(get32(ip + 12));
    pkt.dst = IpAddress::v4(get32(ip + 16));
    proto = ip[9];
    pkt.fragment = (get16(ip + 6) & 0x1fff) != 0;
    l4 = off + ihl;
  } else {
    if (left < 40 || (ip[0] >> 4) != 6) return skip(stats, SkipReason::kTruncatedIp);
    std::array<std::uint8_t, 16> a{};
    std::copy(ip + 8, ip + 24, a.begin());
    pkt.src = IpAddress::v6(a);
    std::copy(ip + 24, ip + 40, a.begin());
    pkt.dst = IpAddress::v6(a);
    pkt.ip_version = 6;
    std::uint32_t plen = get16(ip + 4);
    if (plen == 0) plen = left - 40;  // jumbogram or TSO
    pkt.l3_len = plen + 40;
    proto = ip[6];
    std::uint32_t pos = 40;
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
      if (pos > plen + 40) return skip(stats, SkipReason::kTruncatedIp);
    }
    ip_payload = plen + 40 - pos;
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
    if (captured_after_ip < 20) return skip(stats, SkipReason::kTruncatedTransport);
    const std::uint32_t hl = (t[12] >> 4) * 4u;
    if (hl < 20 || captured_after_ip < hl) return skip(stats, SkipReason::kTruncatedTransport);
    pkt.src_port = get16(t);
    pkt.dst_port = get16(t + 2);
    pkt.header_len = static_cast<std::uint16_t>(hl);
    pkt.tcp_flags = t[13];
    pkt.window = get16(t + 14);
    const std::uint32_t in_ip = ip_payload > hl ? ip_payload - hl : 0;
    pkt.payload_len = std::min(in_ip, captured_after_ip - hl);
  } else if (proto == wire::kProtoUdp) {
    if (captured_after_ip < 8) return skip(stats, SkipReason::kTruncatedTransport);
    pkt.src_port = get16(t);
    pkt.dst_port = get16(t + 2);
    pkt.header_len = 8;
    const std::uint32_t in_ip = ip_payload > 8 ? ip_payload - 8 : 0;
    pkt.payload_len = std::min(in_ip, captured_after_ip - 8);
  } else {
    pkt.payload_len = std::min(ip_payload, captured_after_ip);
    if ((proto == wire::kProtoIcmp || proto == wire::kProtoIcmpv6) && captured_after_ip >= 4) {
      pkt.icmp_type_code = get16(t);
      const std::uint8_t type = t[0];
      const bool echo = proto == wire::kProtoIcmp ? (type == 8 || type == 0) : (type == 128 || type == 129);
      if (echo && captured_after_ip >= 8) pkt.icmp_id = get16(t + 4);
    }
  }
  ++stats.decoded;
  return pkt;
}

}  // namespace flowreplay
