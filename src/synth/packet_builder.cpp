// SPDX-License-Identifier: MIT
#include "flowreplay/synth/packet_builder.hpp"

#include <algorithm>
#include <cstring>

#include "flowreplay/core/checksum.hpp"
#include "flowreplay/core/rng.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

using wire::put16;
using wire::put32;

namespace {

// Sum of n bytes whose first byte sits at an odd (odd = true) or even offset of the
// checksummed data.
std::uint64_t sum_at(const std::uint8_t* p, std::size_t n, bool odd) {
  if (n == 0) return 0;
  if (!odd) return checksum_add(0, p, n);
  return p[0] + checksum_add(0, p + 1, n - 1);
}

}  // namespace

namespace {

constexpr std::uint8_t kIpv4NoOptions = 0x45;  // version 4, IHL 5 words
constexpr std::uint32_t kMplsTtl = 64;

// Writes the EtherType chain from offset 12 of an Ethernet header: the encapsulation's 802.1Q
// tags (TPID, then TCI with PCP and DEI 0), then the MPLS EtherType and its label stack entries
// (RFC 3032: label, traffic class 0, bottom of stack on the last, TTL 64), or the IP EtherType.
// Returns the offset where the IP header starts.
std::uint32_t write_ether_chain(const Encapsulation* encap, bool v6, std::uint8_t* h) {
  std::uint32_t off = wire::eth::kType;
  std::size_t labels = 0;
  if (encap != nullptr) {
    for (const EncapLayer& layer : encap->layers) {
      if (layer.kind == EncapLayer::Kind::kVlan) {
        put16(h + off, wire::kEtherTypeVlan);
        put16(h + off + wire::vlan::kTci, static_cast<std::uint16_t>(layer.id));
        off += wire::kVlanTag;
      } else {
        ++labels;
      }
    }
  }
  if (labels == 0) {
    put16(h + off, v6 ? wire::kEtherTypeIpv6 : wire::kEtherTypeIpv4);
    return off + 2;
  }
  put16(h + off, wire::kEtherTypeMpls);
  off += 2;
  for (const EncapLayer& layer : encap->layers) {
    if (layer.kind != EncapLayer::Kind::kMpls) continue;
    const std::uint32_t bottom = --labels == 0 ? 1 : 0;
    put32(h + off, (layer.id << 12) | (bottom << 8) | kMplsTtl);
    off += Encapsulation::kLayerBytes;
  }
  return off;
}

}  // namespace

PacketBuilder::PacketBuilder(const FlowSpec& spec, const FlowLayout& layout) : spec_(spec), layout_(layout) {
  Rng rng(mix_seed(spec.seed, 0x9a));
  const bool v6 = spec.client.is_v6();
  // Server packets arrive with a TTL lowered by the hops between; the client is next door.
  const auto server_ttl = static_cast<std::uint8_t>((rng.chance(0.7) ? 64 : 128) - rng.between(3, 20));
  const std::uint8_t proto = spec.l4;
  for (int d = 0; d < 2; ++d) {
    Direction& dir = dir_[d];
    const IpAddress& src = d == 0 ? spec.client : spec.server;
    const IpAddress& dst = d == 0 ? spec.server : spec.client;
    const MacAddress& src_mac = d == 0 ? spec.client_mac : spec.server_mac;
    const MacAddress& dst_mac = d == 0 ? spec.server_mac : spec.client_mac;
    dir.src_port = d == 0 ? spec.client_port : spec.server_port;
    dir.dst_port = d == 0 ? spec.server_port : spec.client_port;
    dir.ip_id = static_cast<std::uint16_t>(rng.next());

    std::uint8_t* h = dir.head;
    dst_mac.write(h);
    src_mac.write(h + wire::eth::kSrc);
    std::uint8_t* ip = h + write_ether_chain(spec.encap, v6, h);
    const std::uint8_t ttl = d == 0 ? 64 : server_ttl;
    if (!v6) {  // RFC 791; DF set as Linux does for TCP and most UDP
      ip[wire::ipv4::kVersionIhl] = kIpv4NoOptions;
      ip[wire::ipv4::kTos] = 0;
      put16(ip + wire::ipv4::kFlagsFragment, wire::ipv4::kDontFragment);
      ip[wire::ipv4::kTtl] = ttl;
      ip[wire::ipv4::kProtocol] = proto;
      std::memcpy(ip + wire::ipv4::kSrc, src.data(), 4);
      std::memcpy(ip + wire::ipv4::kDst, dst.data(), 4);
      dir.ip_sum = checksum_add(0, ip, wire::kIpv4Header);
    } else {  // RFC 8200: version 6, traffic class 0, a random flow label per direction
      put32(ip, (6u << 28) | static_cast<std::uint32_t>(rng.next() & 0xfffff));
      ip[wire::ipv6::kNextHeader] = proto;
      ip[wire::ipv6::kHopLimit] = ttl;
      std::memcpy(ip + wire::ipv6::kSrc, src.data(), 16);
      std::memcpy(ip + wire::ipv6::kDst, dst.data(), 16);
    }
    // Pseudo-header (RFC 9293 3.1, RFC 768, RFC 8200 8.1), less the length; ICMPv4 has none.
    if (proto != wire::kProtoIcmp) {
      dir.pseudo_sum = checksum_add(checksum_add(0, src.data(), src.size()), dst.data(), dst.size()) + proto;
    }
  }
}

std::uint64_t PacketBuilder::copy_payload(const PlannedPacket& p, std::uint8_t* out) const {
  const Message& m = *p.msg;
  std::uint64_t sum = 0;
  std::uint32_t pos = p.msg_offset;  // position in the message
  const std::uint32_t end = p.msg_offset + p.payload_len;
  std::uint32_t q = 0;  // position in the packet's payload (L4 headers have even lengths)
  auto piece = [&](const std::uint8_t* src, std::uint32_t n) {
    std::memcpy(out + q, src, n);
    sum += sum_at(out + q, n, q & 1);
    q += n;
    pos += n;
  };
  if (pos < m.head_len) piece(m.head.data() + pos, std::min<std::uint32_t>(m.head_len, end) - pos);
  const std::uint32_t body_end = m.head_len + m.body_len;
  if (pos < end && pos < body_end) {
    const std::uint32_t n = std::min(body_end, end) - pos;
    const PayloadPool& pool = *m.body_pool;
    const std::size_t at = (m.body_start + static_cast<std::size_t>(pos - m.head_len)) % pool.size();
    std::memcpy(out + q, pool.at(at), n);
    const std::uint64_t s = pool.sum(at, n);
    sum += ((at & 1) == (q & 1)) ? s : swap_sum(checksum_fold(s));
    q += n;
    pos += n;
  }
  if (pos < end) piece(m.tail.data() + (pos - body_end), end - pos);
  return sum;
}

BuiltFrame PacketBuilder::build(const PlannedPacket& p, std::uint8_t* out) {
  Direction& dir = dir_[p.dir];
  const std::uint32_t l2 = layout_.l2;
  const std::uint32_t l3 = layout_.l3;
  std::memcpy(out, dir.head, l2 + l3);
  std::uint8_t* ip = out + l2;
  std::uint8_t* l4 = ip + l3;

  std::uint32_t l4_len = 0;
  std::uint16_t* checksum_field = nullptr;
  std::uint64_t sum = 0;
  if (spec_.l4 == wire::kProtoTcp) {
    const std::uint32_t hdr = p.no_options ? wire::kTcpHeader : p.syn_options ? FlowLayout::kTcpSyn : FlowLayout::kTcpData;
    put16(l4 + wire::tcp::kSrcPort, dir.src_port);
    put16(l4 + wire::tcp::kDstPort, dir.dst_port);
    put32(l4 + wire::tcp::kSeq, p.seq);
    put32(l4 + wire::tcp::kAck, p.ack);
    l4[wire::tcp::kDataOffset] = static_cast<std::uint8_t>((hdr / 4) << 4);
    l4[wire::tcp::kFlags] = p.tcp_flags;
    put16(l4 + wire::tcp::kWindow, p.window);
    put32(l4 + wire::tcp::kChecksum, 0);  // checksum, urgent pointer
    std::uint8_t* o = l4 + wire::kTcpHeader;
    if (p.no_options) {
      // nothing: a bare header
    } else if (p.syn_options) {  // Linux's order: MSS, SACK permitted, timestamps, NOP, window scale 7
      o[0] = 2; o[1] = 4; put16(o + 2, static_cast<std::uint16_t>(layout_.tcp_mss()));
      o[4] = 4; o[5] = 2;
      o[6] = 8; o[7] = 10; put32(o + 8, p.tsval); put32(o + 12, p.tsecr);
      o[16] = 1;
      o[17] = 3; o[18] = 3; o[19] = 7;
    } else {  // NOP, NOP, timestamps (RFC 7323 appendix A layout)
      o[0] = 1; o[1] = 1;
      o[2] = 8; o[3] = 10; put32(o + 4, p.tsval); put32(o + 8, p.tsecr);
    }
    l4_len = hdr + p.payload_len;
    sum = checksum_add(dir.pseudo_sum + l4_len, l4, hdr);
    if (p.payload_len > 0) sum += copy_payload(p, l4 + hdr);
    checksum_field = reinterpret_cast<std::uint16_t*>(l4 + wire::tcp::kChecksum);
  } else if (spec_.l4 == wire::kProtoUdp) {
    l4_len = wire::kUdpHeader + p.payload_len;
    put16(l4 + wire::udp::kSrcPort, dir.src_port);
    put16(l4 + wire::udp::kDstPort, dir.dst_port);
    put16(l4 + wire::udp::kLength, static_cast<std::uint16_t>(l4_len));
    put16(l4 + wire::udp::kChecksum, 0);
    sum = checksum_add(dir.pseudo_sum + l4_len, l4, wire::kUdpHeader);
    if (p.payload_len > 0) sum += copy_payload(p, l4 + wire::kUdpHeader);
    checksum_field = reinterpret_cast<std::uint16_t*>(l4 + wire::udp::kChecksum);
  } else {  // ICMP / ICMPv6 echo
    const bool v6 = spec_.l4 == wire::kProtoIcmpv6;
    l4_len = wire::kIcmpEchoHeader + p.payload_len;
    l4[wire::icmp::kType] = p.dir == 0 ? (v6 ? wire::kIcmpv6EchoRequest : wire::kIcmpEchoRequest)
                                       : (v6 ? wire::kIcmpv6EchoReply : wire::kIcmpEchoReply);
    l4[wire::icmp::kCode] = 0;
    put16(l4 + wire::icmp::kChecksum, 0);
    put16(l4 + wire::icmp::kId, spec_.client_port);  // identifier
    put16(l4 + wire::icmp::kSeq, p.icmp_seq);
    sum = checksum_add(v6 ? dir.pseudo_sum + l4_len : 0, l4, wire::kIcmpEchoHeader);
    if (p.payload_len > 0) sum += copy_payload(p, l4 + wire::kIcmpEchoHeader);
    checksum_field = reinterpret_cast<std::uint16_t*>(l4 + wire::icmp::kChecksum);
  }
  std::uint16_t l4_sum = checksum_finish(sum);
  if (l4_sum == 0 && spec_.l4 == wire::kProtoUdp) l4_sum = 0xffff;  // RFC 768: 0 means "none"
  put16(reinterpret_cast<std::uint8_t*>(checksum_field), l4_sum);

  std::uint32_t l3_len;
  if (l3 == wire::kIpv4Header) {
    l3_len = wire::kIpv4Header + l4_len;
    const std::uint16_t id = dir.ip_id++;
    put16(ip + wire::ipv4::kTotalLength, static_cast<std::uint16_t>(l3_len));
    put16(ip + wire::ipv4::kId, id);
    put16(ip + wire::ipv4::kChecksum, checksum_finish(dir.ip_sum + l3_len + id));
  } else {
    l3_len = wire::kIpv6Header + l4_len;
    put16(ip + wire::ipv6::kPayloadLength, static_cast<std::uint16_t>(l4_len));
  }
  std::uint32_t frame = l2 + l3_len;
  if (frame < wire::kMinFrame) {  // Ethernet padding; not part of the IP packet
    std::memset(out + frame, 0, wire::kMinFrame - frame);
    frame = wire::kMinFrame;
  }
  return {frame, l3_len};
}

BuiltFrame PacketBuilder::measure(const PlannedPacket& p) const {
  std::uint32_t l4_hdr = wire::kUdpHeader;
  if (spec_.l4 == wire::kProtoTcp) {
    l4_hdr = p.no_options ? wire::kTcpHeader : p.syn_options ? FlowLayout::kTcpSyn : FlowLayout::kTcpData;
  } else if (spec_.l4 != wire::kProtoUdp) {
    l4_hdr = wire::kIcmpEchoHeader;
  }
  const std::uint32_t l3_len = layout_.l3 + l4_hdr + p.payload_len;
  return {std::max<std::uint32_t>(layout_.l2 + l3_len, wire::kMinFrame), l3_len};
}

namespace {

constexpr std::uint16_t kMoreFragments = 0x2000;  // IPv4 MF flag; IPv6 M flag is bit 0
constexpr std::uint8_t kIpv6Fragment = 44;          // next-header value of the fragment header
constexpr std::uint32_t kIpv6FragmentHeader = 8;

// Zeroes the Ethernet padding of a frame shorter than the minimum; returns the padded length.
std::uint32_t pad(std::uint8_t* frame, std::uint32_t len) {
  if (len >= wire::kMinFrame) return len;
  std::memset(frame + len, 0, wire::kMinFrame - len);
  return wire::kMinFrame;
}

void finish_ipv4(std::uint8_t* ip, std::uint32_t l3_len, std::uint16_t flags_offset) {
  put16(ip + wire::ipv4::kTotalLength, static_cast<std::uint16_t>(l3_len));
  put16(ip + wire::ipv4::kFlagsFragment, flags_offset);
  put16(ip + wire::ipv4::kChecksum, 0);
  put16(ip + wire::ipv4::kChecksum, checksum_finish(checksum_add(0, ip, wire::kIpv4Header)));
}

// Turns the IPv6 header at ip into a fragment's: payload length, next header 44, then the
// fragment header (RFC 8200 section 4.5: next header, reserved, offset << 3 | M, identification).
void write_ipv6_fragment(std::uint8_t* ip, std::uint8_t proto, std::uint32_t data, std::uint32_t offset, bool more,
                         std::uint32_t ident) {
  put16(ip + wire::ipv6::kPayloadLength, static_cast<std::uint16_t>(kIpv6FragmentHeader + data));
  ip[wire::ipv6::kNextHeader] = kIpv6Fragment;
  std::uint8_t* fh = ip + wire::kIpv6Header;
  fh[0] = proto;
  fh[1] = 0;
  put16(fh + 2, static_cast<std::uint16_t>(offset | (more ? 1 : 0)));
  put32(fh + 4, ident);
}

}  // namespace

FragmentPair fragment_lengths(std::uint32_t l2, std::uint32_t l3, std::uint32_t l3_len) {
  const std::uint32_t upper = l3_len - l3;
  const std::uint32_t first_data = (upper / 2) & ~7u;
  const std::uint32_t second_data = upper - first_data;
  const std::uint32_t l3_frag = l3 == wire::kIpv4Header ? l3 : l3 + kIpv6FragmentHeader;
  auto frame = [&](std::uint32_t len) { return std::max<std::uint32_t>(len, wire::kMinFrame); };
  return {{frame(l2 + l3_frag + first_data), l3_frag + first_data}, {frame(l2 + l3_frag + second_data), l3_frag + second_data}};
}

FragmentPair split_fragments(std::uint8_t* frame, std::uint32_t l2, std::uint32_t l3, std::uint32_t l3_len,
                             std::uint32_t ident, std::uint8_t* second) {
  const std::uint32_t upper = l3_len - l3;         // the bytes after the IP header
  const std::uint32_t first_data = (upper / 2) & ~7u;  // offsets count 8-byte units
  const std::uint32_t second_data = upper - first_data;
  std::uint8_t* ip = frame + l2;
  FragmentPair out;
  if (l3 == wire::kIpv4Header) {
    std::memcpy(second, frame, l2 + l3);
    std::memcpy(second + l2 + l3, ip + l3 + first_data, second_data);
    finish_ipv4(second + l2, l3 + second_data, static_cast<std::uint16_t>(first_data / 8));
    finish_ipv4(ip, l3 + first_data, kMoreFragments);
    out.first = {pad(frame, l2 + l3 + first_data), l3 + first_data};
    out.second = {pad(second, l2 + l3 + second_data), l3 + second_data};
  } else {
    const std::uint8_t proto = ip[wire::ipv6::kNextHeader];
    const std::uint32_t l3_frag = l3 + kIpv6FragmentHeader;
    std::memcpy(second, frame, l2 + l3);
    std::memcpy(second + l2 + l3_frag, ip + l3 + first_data, second_data);
    write_ipv6_fragment(second + l2, proto, second_data, first_data, false, ident);
    std::memmove(ip + l3_frag, ip + l3, first_data);  // after the second's bytes are saved
    write_ipv6_fragment(ip, proto, first_data, 0, true, ident);
    out.first = {pad(frame, l2 + l3_frag + first_data), l3_frag + first_data};
    out.second = {pad(second, l2 + l3_frag + second_data), l3_frag + second_data};
  }
  return out;
}

}  // namespace flowreplay
