// SPDX-License-Identifier: MIT
#include "flowreplay/replay/frame_rewriter.hpp"

#include <cstring>

#include "flowreplay/core/checksum.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

using namespace wire;

__extension__ using Uint128 = unsigned __int128;  // an IPv6 address's width, for per-loop offsets

constexpr std::uint8_t kHopByHop = 0, kRouting = 43, kFragment = 44, kDestinationOptions = 60;

bool is_tag(std::uint16_t ether_type) { return ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ; }

// RFC 1624 eqn. 3: the checksum at `field` after the `len` bytes `before` became `after`.
void adjust_checksum(std::uint8_t* field, const std::uint8_t* before, const std::uint8_t* after, std::size_t len,
                     bool zero_is_none) {
  const std::uint16_t old = get16(field);
  if (zero_is_none && old == 0) return;  // a UDP datagram over IPv4 without a checksum keeps none
  std::uint64_t sum = static_cast<std::uint16_t>(~old);
  for (std::size_t i = 0; i + 1 < len; i += 2) {
    sum += static_cast<std::uint16_t>(~get16(before + i));
    sum += get16(after + i);
  }
  std::uint16_t fresh = static_cast<std::uint16_t>(~checksum_fold(sum));
  if (zero_is_none && fresh == 0) fresh = 0xffff;
  put16(field, fresh);
}

// The address of `size` bytes mapped by the first map that holds it, then plus `offset`
// (big-endian, wrapping within the address's width).
void transform(std::uint8_t* addr, std::size_t size, const std::vector<NetMap>& maps, Uint128 offset) {
  for (const NetMap& m : maps) {
    if (m.from.base.size() != size) continue;
    const int prefix = m.from.prefix;
    bool inside = true;
    for (int bit = 0; bit < prefix && inside; ++bit) {
      const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
      inside = (addr[bit / 8] & mask) == (m.from.base.data()[bit / 8] & mask);
    }
    if (!inside) continue;
    for (int bit = 0; bit < prefix; ++bit) {
      const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
      addr[bit / 8] = static_cast<std::uint8_t>((addr[bit / 8] & ~mask) | (m.to.base.data()[bit / 8] & mask));
    }
    break;
  }
  unsigned carry = 0;
  for (std::size_t i = size; i-- > 0;) {
    const unsigned v = addr[i] + static_cast<unsigned>(offset & 0xff) + carry;
    addr[i] = static_cast<std::uint8_t>(v);
    carry = v >> 8;
    offset >>= 8;
  }
}

// Where the transport header's checksum sits, for the protocols whose checksum covers the
// addresses (pseudo-header), or -1.
int pseudo_checksum_offset(std::uint8_t proto) {
  switch (proto) {
    case kProtoTcp:
      return 16;
    case kProtoUdp:
      return 6;
    case kProtoIcmpv6:
      return 2;
    default:
      return -1;
  }
}

int any_checksum_offset(std::uint8_t proto) { return proto == kProtoIcmp ? 2 : pseudo_checksum_offset(proto); }

// The transport checksum of a whole segment, from scratch.
void recompute_l4(std::uint8_t* l4, std::size_t l4_len, std::uint8_t proto, const std::uint8_t* src,
                  const std::uint8_t* dst, std::size_t addr_len) {
  const int at = any_checksum_offset(proto);
  if (at < 0 || l4_len < static_cast<std::size_t>(at) + 2) return;
  put16(l4 + at, 0);
  std::uint64_t sum = 0;
  if (proto != kProtoIcmp) {
    sum = checksum_add(sum, src, addr_len);
    sum = checksum_add(sum, dst, addr_len);
    sum += proto;
    sum += l4_len;
  }
  sum = checksum_add(sum, l4, l4_len);
  std::uint16_t value = checksum_finish(sum);
  if (proto == kProtoUdp && value == 0) value = 0xffff;
  put16(l4 + at, value);
}

}  // namespace

std::optional<NetMap> NetMap::parse(std::string_view text, std::string& error) {
  std::string quoted = "'";
  quoted.append(text);
  quoted += "'";
  const auto eq = text.find('=');
  const auto from = eq == std::string_view::npos ? std::nullopt : Cidr::parse(text.substr(0, eq));
  const auto to = eq == std::string_view::npos ? std::nullopt : Cidr::parse(text.substr(eq + 1));
  if (!from || !to) {
    error = "expected two networks as OLD/LEN=NEW/LEN, got " + quoted;
  } else if (from->base.is_v6() != to->base.is_v6()) {
    error = quoted + " maps IPv4 and IPv6 onto each other";
  } else if (from->prefix != to->prefix) {
    error = quoted;
    error += ": the two prefix lengths differ (/";
    error += std::to_string(from->prefix);
    error += " and /";
    error += std::to_string(to->prefix);
    error += ")";
  } else {
    return NetMap{*from, *to};
  }
  return std::nullopt;
}

std::size_t FrameRewriter::rewrite(std::uint8_t* f, std::size_t len, std::uint64_t loop) {
  const RewriteOptions& o = options_;
  if (len < static_cast<std::size_t>(kEthernetHeader)) return len;
  if (o.vlan_strip && len >= static_cast<std::size_t>(kEthernetHeader + kVlanTag) && is_tag(get16(f + 12))) {
    std::memmove(f + 12, f + 16, len - 16);
    len -= kVlanTag;
  }
  if (o.vlan_add) {
    std::memmove(f + 16, f + 12, len - 12);
    put16(f + 12, kEtherTypeVlan);
    put16(f + 14, *o.vlan_add);
    len += kVlanTag;
  }
  if (o.dst_mac) o.dst_mac->write(f);
  if (o.src_mac) o.src_mac->write(f + 6);
  const bool addresses = !o.maps.empty() || o.loop_ip_offset != 0;
  if (!addresses && !o.fix_checksums) return len;

  std::size_t at = 12;
  std::uint16_t type = get16(f + at);
  while (is_tag(type) && at + 4 + 2 <= len) {
    at += 4;
    type = get16(f + at);
  }
  std::uint8_t* ip = f + at + 2;
  const std::size_t cap = len - (at + 2);
  const Uint128 offset = static_cast<Uint128>(o.loop_ip_offset) * loop;

  if (type == kEtherTypeIpv4 && cap >= static_cast<std::size_t>(kIpv4Header) && (ip[0] >> 4) == 4) {
    const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
    if (ihl < static_cast<std::size_t>(kIpv4Header) || ihl > cap) return len;
    const std::uint8_t proto = ip[9];
    const std::uint16_t fragment = get16(ip + 6);
    const bool first_fragment = (fragment & 0x1fff) == 0;
    std::uint8_t* l4 = ip + ihl;
    const std::size_t l4_cap = cap - ihl;
    if (addresses) {
      std::uint8_t before[8];
      std::memcpy(before, ip + 12, 8);
      transform(ip + 12, 4, o.maps, offset);
      transform(ip + 16, 4, o.maps, offset);
      if (std::memcmp(before, ip + 12, 8) != 0) {
        adjust_checksum(ip + 10, before, ip + 12, 8, false);
        const int sum_at = proto == kProtoIcmpv6 ? -1 : pseudo_checksum_offset(proto);
        if (first_fragment && sum_at >= 0 && l4_cap >= static_cast<std::size_t>(sum_at) + 2) {
          adjust_checksum(l4 + sum_at, before, ip + 12, 8, proto == kProtoUdp);
        }
      }
    }
    if (o.fix_checksums) {
      const std::size_t total = get16(ip + 2);
      if (total < ihl || total > cap) {
        ++unfixable_;
        return len;
      }
      put16(ip + 10, 0);
      put16(ip + 10, internet_checksum(ip, ihl));
      const bool whole = first_fragment && (fragment & 0x2000) == 0;  // no more fragments
      if (whole && proto != kProtoIcmpv6) recompute_l4(l4, total - ihl, proto, ip + 12, ip + 16, 4);
    }
    return len;
  }
  if (type == kEtherTypeIpv6 && cap >= static_cast<std::size_t>(kIpv6Header) && (ip[0] >> 4) == 6) {
    // Past the extension headers to the transport header (a later fragment has none).
    std::uint8_t next = ip[6];
    std::size_t l4_at = kIpv6Header;
    bool whole = true, has_l4 = true;
    while (next == kHopByHop || next == kRouting || next == kDestinationOptions || next == kFragment) {
      if (l4_at + 8 > cap) {
        has_l4 = false;
        break;
      }
      if (next == kFragment) {
        const std::uint16_t off_flags = get16(ip + l4_at + 2);
        whole = false;
        if ((off_flags & 0xfff8) != 0) has_l4 = false;
        next = ip[l4_at];
        l4_at += 8;
        if (!has_l4) break;
        continue;
      }
      const std::size_t ext = (std::size_t{ip[l4_at + 1]} + 1) * 8;
      next = ip[l4_at];
      l4_at += ext;
    }
    if (l4_at > cap) has_l4 = false;
    std::uint8_t* l4 = ip + l4_at;
    const std::size_t l4_cap = has_l4 ? cap - l4_at : 0;
    if (addresses) {
      std::uint8_t before[32];
      std::memcpy(before, ip + 8, 32);
      transform(ip + 8, 16, o.maps, offset);
      transform(ip + 24, 16, o.maps, offset);
      const int sum_at = pseudo_checksum_offset(next);
      if (has_l4 && sum_at >= 0 && l4_cap >= static_cast<std::size_t>(sum_at) + 2 && std::memcmp(before, ip + 8, 32) != 0) {
        adjust_checksum(l4 + sum_at, before, ip + 8, 32, false);
      }
    }
    if (o.fix_checksums) {
      const std::size_t total = kIpv6Header + std::size_t{get16(ip + 4)};
      if (total > cap || total < l4_at) {
        ++unfixable_;
        return len;
      }
      if (has_l4 && whole && next != kProtoIcmp) recompute_l4(l4, total - l4_at, next, ip + 8, ip + 24, 16);
    }
  }
  return len;
}

}  // namespace flowreplay
