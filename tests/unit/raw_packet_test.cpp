// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/raw_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flowreplay {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes ipv4_tcp(std::uint16_t total_len, std::uint16_t frag = 0, std::uint8_t data_offset_words = 5) {
  Bytes b = {0x45, 0, static_cast<std::uint8_t>(total_len >> 8), static_cast<std::uint8_t>(total_len), 0, 1,
             static_cast<std::uint8_t>(frag >> 8), static_cast<std::uint8_t>(frag), 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  // TCP: ports 1234 -> 80, data offset, flags SYN|ACK, window 0x1000.
  Bytes tcp = {0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, static_cast<std::uint8_t>(data_offset_words << 4), 0x12,
               0x10, 0x00, 0, 0, 0, 0};
  b.insert(b.end(), tcp.begin(), tcp.end());
  b.resize(b.size() + (data_offset_words - 5) * 4u, 1);  // options
  return b;
}

Bytes ether(std::initializer_list<std::uint16_t> types, const Bytes& payload) {
  Bytes b(12, 0xaa);
  for (auto t : types) {
    b.push_back(static_cast<std::uint8_t>(t >> 8));
    b.push_back(static_cast<std::uint8_t>(t));
  }
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

TEST(Decode, EthernetIpv4TcpPaddingIsNotPayload) {
  Bytes ip = ipv4_tcp(20 + 20 + 6);
  ip.resize(ip.size() + 6, 7);  // 6 payload bytes
  Bytes frame = ether({0x0800}, ip);
  frame.resize(frame.size() + 10, 0);  // Ethernet trailer / padding
  DecodeStats st;
  auto p = decode_packet(kLinkEthernet, frame.data(), static_cast<std::uint32_t>(frame.size()), 5, st);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->src.to_string(), "10.0.0.1");
  EXPECT_EQ(p->src_port, 1234);
  EXPECT_EQ(p->dst_port, 80);
  EXPECT_EQ(p->header_len, 20);
  EXPECT_EQ(p->payload_len, 6u);
  EXPECT_EQ(p->tcp_flags, 0x12);
  EXPECT_EQ(p->window, 0x1000);
}

TEST(Decode, PayloadCappedAtCapturedBytes) {
  Bytes ip = ipv4_tcp(20 + 24 + 1000, 0, 6);  // says 1000 bytes of payload
  ip.resize(ip.size() + 100, 7);               // a snap length kept 100
  Bytes frame = ether({0x0800}, ip);
  DecodeStats st;
  auto p = decode_packet(kLinkEthernet, frame.data(), static_cast<std::uint32_t>(frame.size()), 0, st);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->header_len, 24);
  EXPECT_EQ(p->payload_len, 100u);
}

TEST(Decode, QinQAndMpls) {
  Bytes ip = ipv4_tcp(40);
  Bytes qinq = ether({0x88a8, 0x0064, 0x8100, 0x00c8, 0x0800}, ip);
  DecodeStats st;
  auto p = decode_packet(kLinkEthernet, qinq.data(), static_cast<std::uint32_t>(qinq.size()), 0, st);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->vlan, 100);  // the outer tag
  EXPECT_EQ(p->dst_port, 80);
  // Two MPLS labels, the second with bottom-of-stack set, then IPv4.
  Bytes mpls = ether({0x8847}, Bytes{0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40});
  mpls.insert(mpls.end(), ip.begin(), ip.end());
  p = decode_packet(kLinkEthernet, mpls.data(), static_cast<std::uint32_t>(mpls.size()), 0, st);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->src_port, 1234);
}

TEST(Decode, Ipv6ExtensionHeadersAndFragments) {
  // IPv6 + hop-by-hop (8 bytes) + fragment header (first fragment) + UDP 8 + 4 bytes.
  Bytes b = {0x60, 0, 0, 0, 0, 8 + 8 + 8 + 4, 0, 64};
  for (int i = 0; i < 16; ++i) b.push_back(i == 15 ? 1 : (i == 0 ? 0xfd : 0));
  for (int i = 0; i < 16; ++i) b.push_back(i == 15 ? 2 : (i == 0 ? 0xfd : 0));
  Bytes hop = {44, 0, 1, 4, 0, 0, 0, 0};
  Bytes frag = {17, 0, 0x00, 0x01, 0, 0, 0, 9};  // offset 0, more fragments
  Bytes udp = {0x13, 0x88, 0x00, 0x35, 0, 12, 0, 0, 1, 2, 3, 4};
  Bytes first = b;
  first.insert(first.end(), hop.begin(), hop.end());
  first.insert(first.end(), frag.begin(), frag.end());
  first.insert(first.end(), udp.begin(), udp.end());
  DecodeStats st;
  auto p = decode_packet(kLinkIpv6, first.data(), static_cast<std::uint32_t>(first.size()), 0, st);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->protocol, 17);
  EXPECT_EQ(p->src_port, 5000);
  EXPECT_EQ(p->dst_port, 53);
  EXPECT_EQ(p->payload_len, 4u);
  EXPECT_FALSE(p->fragment);
  // A later fragment (offset 8): counted, no ports read from its data.
  Bytes later = first;
  later[40 + 8 + 2] = 0x00;
  later[40 + 8 + 3] = 0x08;
  p = decode_packet(kLinkIpv6, later.data(), static_cast<std::uint32_t>(later.size()), 0, st);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->fragment);
  EXPECT_EQ(p->src_port, 0);
  EXPECT_EQ(st.fragments, 1u);
}

TEST(Decode, SkipsAreCountedByReason) {
  DecodeStats st;
  Bytes arp = ether({0x0806}, Bytes(28, 0));
  EXPECT_FALSE(decode_packet(kLinkEthernet, arp.data(), static_cast<std::uint32_t>(arp.size()), 0, st));
  Bytes shortframe(10, 0);
  EXPECT_FALSE(decode_packet(kLinkEthernet, shortframe.data(), 10, 0, st));
  Bytes badip = ether({0x0800}, Bytes{0x45, 0, 0, 20});
  EXPECT_FALSE(decode_packet(kLinkEthernet, badip.data(), static_cast<std::uint32_t>(badip.size()), 0, st));
  Bytes cut = ether({0x0800}, ipv4_tcp(40));
  EXPECT_FALSE(decode_packet(kLinkEthernet, cut.data(), static_cast<std::uint32_t>(cut.size() - 5), 0, st));
  EXPECT_FALSE(decode_packet(147, cut.data(), static_cast<std::uint32_t>(cut.size()), 0, st));
  EXPECT_EQ(st.skipped[static_cast<int>(SkipReason::kNotIp)], 1u);
  EXPECT_EQ(st.skipped[static_cast<int>(SkipReason::kTruncatedLink)], 1u);
  EXPECT_EQ(st.skipped[static_cast<int>(SkipReason::kTruncatedIp)], 1u);
  EXPECT_EQ(st.skipped[static_cast<int>(SkipReason::kTruncatedTransport)], 1u);
  EXPECT_EQ(st.skipped[static_cast<int>(SkipReason::kUnsupportedLink)], 1u);
  EXPECT_EQ(st.skipped_total(), 5u);
  EXPECT_EQ(st.decoded, 0u);
}

}  // namespace
}  // namespace flowreplay
