// SPDX-License-Identifier: MIT
// Frame rewriting for replay: frames are built here byte by byte, and every checksum after a
// rewrite is verified with a plain ones' complement sum written in this file (not the library's).
#include "flowreplay/replay/frame_rewriter.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace flowreplay {
namespace {

using Bytes = std::vector<std::uint8_t>;

// The ones' complement sum of 16-bit words, folded (RFC 1071), the plain way.
std::uint16_t ones_sum(const Bytes& data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < data.size(); i += 2) {
    sum += (std::uint32_t{data[i]} << 8) | (i + 1 < data.size() ? data[i + 1] : 0u);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

void push16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
unsigned get16at(const Bytes& b, std::size_t at) { return (unsigned{b[at]} << 8) | b[at + 1]; }
void set16at(Bytes& b, std::size_t at, unsigned v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

Bytes ethernet(unsigned type, bool vlan = false) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  if (vlan) {
    push16(f, 0x8100);
    push16(f, 42);
  }
  push16(f, type);
  return f;
}

// The transport segment with its checksum filled in over the pseudo-header (IPv4 or IPv6).
Bytes with_l4_checksum(Bytes l4, std::size_t at, const Bytes& src, const Bytes& dst, unsigned proto) {
  Bytes pseudo = src;
  pseudo.insert(pseudo.end(), dst.begin(), dst.end());
  if (src.size() == 4) {
    pseudo.push_back(0);
    pseudo.push_back(static_cast<std::uint8_t>(proto));
    push16(pseudo, static_cast<unsigned>(l4.size()));
  } else {
    push16(pseudo, 0);
    push16(pseudo, static_cast<unsigned>(l4.size()));
    push16(pseudo, 0);
    push16(pseudo, proto);
  }
  pseudo.insert(pseudo.end(), l4.begin(), l4.end());
  set16at(l4, at, static_cast<std::uint16_t>(~ones_sum(pseudo)));
  return l4;
}

Bytes udp(unsigned sport, unsigned dport, std::size_t payload) {
  Bytes u;
  push16(u, sport);
  push16(u, dport);
  push16(u, static_cast<unsigned>(8 + payload));
  push16(u, 0);
  for (std::size_t i = 0; i < payload; ++i) u.push_back(static_cast<std::uint8_t>(i * 7 + 3));
  return u;
}

Bytes tcp(std::size_t payload) {
  Bytes t;
  push16(t, 40000);
  push16(t, 443);
  for (int i = 0; i < 8; ++i) t.push_back(static_cast<std::uint8_t>(i + 1));  // seq, ack
  t.push_back(0x50);
  t.push_back(0x18);
  push16(t, 65535);
  push16(t, 0);
  push16(t, 0);
  for (std::size_t i = 0; i < payload; ++i) t.push_back(static_cast<std::uint8_t>(i));
  return t;
}

Bytes ipv4_frame(const Bytes& src, const Bytes& dst, unsigned proto, Bytes l4, bool vlan = false, bool l4_sum = true) {
  const std::size_t sum_at = proto == 6 ? 16 : 6;
  if (l4_sum) l4 = with_l4_checksum(l4, sum_at, src, dst, proto);
  Bytes ip = {0x45, 0};
  push16(ip, static_cast<unsigned>(20 + l4.size()));
  push16(ip, 0x1234);
  push16(ip, 0x4000);
  ip.push_back(64);
  ip.push_back(static_cast<std::uint8_t>(proto));
  push16(ip, 0);
  ip.insert(ip.end(), src.begin(), src.end());
  ip.insert(ip.end(), dst.begin(), dst.end());
  set16at(ip, 10, static_cast<std::uint16_t>(~ones_sum(ip)));
  Bytes f = ethernet(0x0800, vlan);
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

// IPv6 with a hop-by-hop options header (8 bytes of PadN) before UDP.
Bytes ipv6_frame(const Bytes& src, const Bytes& dst, Bytes l4) {
  l4 = with_l4_checksum(l4, 6, src, dst, 17);
  Bytes ip = {0x60, 0, 0, 0};
  push16(ip, static_cast<unsigned>(8 + l4.size()));
  ip.push_back(0);  // hop-by-hop
  ip.push_back(64);
  ip.insert(ip.end(), src.begin(), src.end());
  ip.insert(ip.end(), dst.begin(), dst.end());
  const Bytes hop = {17, 0, 1, 4, 0, 0, 0, 0};
  Bytes f = ethernet(0x86dd);
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), hop.begin(), hop.end());
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

// Both checksums of an IPv4 frame verify (the sum over the covered bytes is 0xffff).
void expect_ipv4_valid(const Bytes& f, std::size_t ip_at, unsigned proto) {
  const Bytes header(f.begin() + static_cast<long>(ip_at), f.begin() + static_cast<long>(ip_at) + 20);
  EXPECT_EQ(ones_sum(header), 0xffff) << "IPv4 header checksum";
  const Bytes src(header.begin() + 12, header.begin() + 16), dst(header.begin() + 16, header.begin() + 20);
  const Bytes l4(f.begin() + static_cast<long>(ip_at) + 20, f.end());
  Bytes pseudo = src;
  pseudo.insert(pseudo.end(), dst.begin(), dst.end());
  pseudo.push_back(0);
  pseudo.push_back(static_cast<std::uint8_t>(proto));
  push16(pseudo, static_cast<unsigned>(l4.size()));
  pseudo.insert(pseudo.end(), l4.begin(), l4.end());
  EXPECT_EQ(ones_sum(pseudo), 0xffff) << "transport checksum";
}

std::size_t rewrite(FrameRewriter& r, Bytes& f, std::uint64_t loop) {
  const std::size_t len = f.size();
  f.resize(len + FrameRewriter::kGrowth);
  const std::size_t out = r.rewrite(f.data(), len, loop);
  f.resize(out);
  return out;
}

const Bytes kSrc4 = {10, 0, 0, 1}, kDst4 = {10, 0, 0, 2};

TEST(FrameRewriter, LoopOffsetShiftsIpv4AddressesAndKeepsChecksumsValid) {
  RewriteOptions o;
  o.loop_ip_offset = 256;
  FrameRewriter r(o);
  Bytes f = ipv4_frame(kSrc4, kDst4, 17, udp(5353, 53, 33));
  rewrite(r, f, 0);  // loop 0: unchanged
  EXPECT_EQ(f, ipv4_frame(kSrc4, kDst4, 17, udp(5353, 53, 33)));
  rewrite(r, f, 3);  // + 768: 10.0.3.1 -> 10.0.3.2
  EXPECT_EQ(Bytes(f.begin() + 26, f.begin() + 34), (Bytes{10, 0, 3, 1, 10, 0, 3, 2}));
  expect_ipv4_valid(f, 14, 17);
  // The same frame built with those addresses from scratch is byte for byte the rewritten one.
  EXPECT_EQ(f, ipv4_frame({10, 0, 3, 1}, {10, 0, 3, 2}, 17, udp(5353, 53, 33)));
}

TEST(FrameRewriter, TcpBehindAVlanTagAndAddressWrapAround) {
  RewriteOptions o;
  o.loop_ip_offset = 1;
  FrameRewriter r(o);
  Bytes f = ipv4_frame({255, 255, 255, 255}, {192, 0, 2, 7}, 6, tcp(100), true);
  rewrite(r, f, 2);
  EXPECT_EQ(Bytes(f.begin() + 30, f.begin() + 38), (Bytes{0, 0, 0, 1, 192, 0, 2, 9}));  // wraps within 32 bits
  expect_ipv4_valid(f, 18, 6);
}

TEST(FrameRewriter, UdpWithoutChecksumKeepsNone) {
  RewriteOptions o;
  o.loop_ip_offset = 5;
  FrameRewriter r(o);
  Bytes f = ipv4_frame(kSrc4, kDst4, 17, udp(1, 2, 10), false, false);
  rewrite(r, f, 1);
  EXPECT_EQ(get16at(f, 14 + 20 + 6), 0u);
  const Bytes header(f.begin() + 14, f.begin() + 34);
  EXPECT_EQ(ones_sum(header), 0xffff);
}

TEST(FrameRewriter, Ipv6OffsetCarriesAcrossAll128BitsPastExtensionHeaders) {
  RewriteOptions o;
  o.loop_ip_offset = 1;
  FrameRewriter r(o);
  Bytes src(16, 0), dst(16, 0);
  for (int i = 8; i < 16; ++i) src[static_cast<std::size_t>(i)] = 0xff;  // ::ffff:ffff:ffff:ffff
  dst[0] = 0x20, dst[1] = 0x01, dst[2] = 0x0d, dst[3] = 0xb8, dst[15] = 9;
  Bytes f = ipv6_frame(src, dst, udp(7, 8, 21));
  rewrite(r, f, 1);
  Bytes want_src(16, 0), want_dst = dst;
  want_src[7] = 1;  // the carry reached the upper 64 bits: 0:0:0:1::
  want_dst[15] = 10;
  EXPECT_EQ(f, ipv6_frame(want_src, want_dst, udp(7, 8, 21)));
}

TEST(FrameRewriter, MapNetMovesIpv4AndIpv6NetworksKeepingHostBits) {
  std::string error;
  RewriteOptions o;
  o.maps.push_back(*NetMap::parse("10.0.0.0/8=172.16.0.0/8", error));
  o.maps.push_back(*NetMap::parse("2001:db8::/32=fd00:1::/32", error));
  FrameRewriter r(o);
  Bytes f = ipv4_frame({10, 1, 2, 3}, {192, 168, 1, 1}, 6, tcp(5));
  rewrite(r, f, 0);
  EXPECT_EQ(f, ipv4_frame({172, 1, 2, 3}, {192, 168, 1, 1}, 6, tcp(5)));
  Bytes src(16, 0), dst(16, 0);
  src[0] = 0x20, src[1] = 0x01, src[2] = 0x0d, src[3] = 0xb8, src[4] = 0xab, src[15] = 1;
  dst[0] = 0xfe, dst[1] = 0x80, dst[15] = 2;
  Bytes g = ipv6_frame(src, dst, udp(1, 2, 3));
  rewrite(r, g, 0);
  Bytes want = src;
  want[0] = 0xfd, want[1] = 0x00, want[2] = 0x00, want[3] = 0x01;
  EXPECT_EQ(g, ipv6_frame(want, dst, udp(1, 2, 3)));
}

TEST(FrameRewriter, MacsAndVlanTags) {
  RewriteOptions add;
  add.src_mac = MacAddress(0x0a0b0c0d0e0f);
  add.dst_mac = MacAddress(0x020000000099);
  add.vlan_add = 100;
  FrameRewriter r(add);
  const Bytes original = ipv4_frame(kSrc4, kDst4, 17, udp(1, 2, 3));
  Bytes f = original;
  EXPECT_EQ(rewrite(r, f, 0), original.size() + 4);
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 12), (Bytes{0x02, 0, 0, 0, 0, 0x99, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}));
  EXPECT_EQ(get16at(f, 12), 0x8100u);
  EXPECT_EQ(get16at(f, 14), 100u);
  EXPECT_EQ(Bytes(f.begin() + 16, f.end()), Bytes(original.begin() + 12, original.end()));
  RewriteOptions strip;
  strip.vlan_strip = true;
  FrameRewriter s(strip);
  Bytes tagged = ipv4_frame(kSrc4, kDst4, 17, udp(1, 2, 3), true);
  EXPECT_EQ(rewrite(s, tagged, 0), original.size());
  EXPECT_EQ(tagged, original);
  Bytes untagged = original;  // nothing to strip
  EXPECT_EQ(rewrite(s, untagged, 0), original.size());
  EXPECT_EQ(untagged, original);
}

TEST(FrameRewriter, FixChecksumsRecomputesWholePacketsAndCountsShortOnes) {
  RewriteOptions o;
  o.fix_checksums = true;
  FrameRewriter r(o);
  const Bytes good = ipv4_frame(kSrc4, kDst4, 6, tcp(40));
  Bytes f = good;
  set16at(f, 14 + 10, 0xdead);
  set16at(f, 14 + 20 + 16, 0xbeef);
  rewrite(r, f, 0);
  EXPECT_EQ(f, good);
  Bytes cut(good.begin(), good.end() - 10);  // captured short: cannot be summed
  rewrite(r, cut, 0);
  EXPECT_EQ(r.unfixable(), 1u);
}

TEST(FrameRewriter, ShortCapturesGetTheSameIncrementalChecksumAsWholeFrames) {
  RewriteOptions o;
  o.loop_ip_offset = 0x01000000;
  FrameRewriter r(o);
  Bytes whole = ipv4_frame(kSrc4, kDst4, 6, tcp(500));
  Bytes cut(whole.begin(), whole.begin() + 64);
  rewrite(r, whole, 4);
  rewrite(r, cut, 4);
  expect_ipv4_valid(whole, 14, 6);
  EXPECT_EQ(cut, Bytes(whole.begin(), whole.begin() + 64));
}

TEST(NetMap, RejectsWhatIsNotTwoMatchingNetworks) {
  std::string error;
  EXPECT_FALSE(NetMap::parse("10.0.0.0/8", error));
  EXPECT_NE(error.find("OLD/LEN=NEW/LEN"), std::string::npos);
  EXPECT_FALSE(NetMap::parse("10.0.0.0/8=fd00::/8", error));
  EXPECT_NE(error.find("IPv4 and IPv6"), std::string::npos);
  EXPECT_FALSE(NetMap::parse("10.0.0.0/8=172.16.0.0/12", error));
  EXPECT_NE(error.find("/8 and /12"), std::string::npos);
  EXPECT_TRUE(NetMap::parse("10.0.0.0/8=172.0.0.0/8", error));
}

}  // namespace
}  // namespace flowreplay
