// SPDX-License-Identifier: MIT
#include "flowreplay/synth/packet_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace flowreplay {
namespace {

// A plain RFC 1071 sum written out byte by byte, independent of checksum.hpp.
std::uint32_t naive_sum(const std::vector<std::uint8_t>& bytes) {
  std::uint32_t s = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) s += (i % 2 == 0) ? bytes[i] << 8 : bytes[i];
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

struct Fixture {
  PatternConfig pattern = default_pattern(AppType::kWeb);
  PayloadPools pools{3};
  FlowSpec spec;
  Message msg;

  Fixture(bool v6, std::uint8_t l4, const Encapsulation* encap) {
    spec.pattern = &pattern;
    spec.l4 = l4;
    spec.client = v6 ? *IpAddress::parse("fd00:1::5") : *IpAddress::parse("10.0.0.5");
    spec.server = v6 ? *IpAddress::parse("fd00:2::9") : *IpAddress::parse("192.168.0.9");
    spec.client_mac = *MacAddress::parse("02:00:00:00:00:05");
    spec.server_mac = *MacAddress::parse("02:00:01:00:00:09");
    spec.client_port = 40000;
    spec.server_port = 80;
    spec.encap = encap;
    spec.seed = 77;
    // 5 head bytes (odd), 1001 body bytes from an odd pool position, 3 tail bytes.
    std::memcpy(msg.head.data(), "HELLO", 5);
    msg.head_len = 5;
    msg.body_pool = &pools.binary;
    msg.body_len = 1001;
    msg.body_start = 12345;
    std::memcpy(msg.tail.data(), "END", 3);
    msg.tail_len = 3;
  }

  FlowLayout layout() const {
    FlowLayout l;
    l.l2 = 14 + (spec.encap != nullptr ? spec.encap->bytes() : 0);
    l.l3 = spec.client.is_v6() ? 40 : 20;
    return l;
  }
};

// Verifies the L3 and L4 checksums of a frame from scratch; returns the L4 bytes.
std::vector<std::uint8_t> verify(const std::uint8_t* frame, std::uint32_t len, const FlowLayout& l, std::uint8_t proto) {
  const std::uint8_t* ip = frame + l.l2;
  std::vector<std::uint8_t> l4;
  std::vector<std::uint8_t> pseudo;
  if (l.l3 == 20) {
    EXPECT_EQ(naive_sum({ip, ip + 20}), 0xffffu) << "IPv4 header checksum";
    const std::uint16_t total = be16(ip + 2);
    l4.assign(ip + 20, ip + total);
    pseudo.assign(ip + 12, ip + 20);
  } else {
    const std::uint16_t plen = be16(ip + 4);
    l4.assign(ip + 40, ip + 40 + plen);
    pseudo.assign(ip + 8, ip + 40);
  }
  EXPECT_LE(l.l2 + l.l3 + l4.size(), len);
  if (proto != 1) {  // pseudo-header: addresses, zero, protocol, upper-layer length
    pseudo.push_back(0);
    pseudo.push_back(proto);
    pseudo.push_back(static_cast<std::uint8_t>(l4.size() >> 8));
    pseudo.push_back(static_cast<std::uint8_t>(l4.size()));
  } else {
    pseudo.clear();
  }
  std::vector<std::uint8_t> all = pseudo;
  if (all.size() % 2) all.push_back(0);
  all.insert(all.end(), l4.begin(), l4.end());
  EXPECT_EQ(naive_sum(all), 0xffffu) << "L4 checksum, protocol " << int(proto);
  return l4;
}

TEST(PacketBuilder, TcpSegmentAcrossHeadBodyTail) {
  for (bool v6 : {false, true}) {
    // Bare; one 802.1Q tag; a tag and a two-label MPLS stack with the largest label.
    const Encapsulation vlan{{{EncapLayer::Kind::kVlan, 100}}, 1};
    const Encapsulation mpls{{{EncapLayer::Kind::kVlan, 4094}, {EncapLayer::Kind::kMpls, 16}, {EncapLayer::Kind::kMpls, 1048575}}, 1};
    for (const Encapsulation* encap : {static_cast<const Encapsulation*>(nullptr), &vlan, &mpls}) {
      Fixture f(v6, 6, encap);
      PacketBuilder b(f.spec, f.layout());
      PlannedPacket p;
      p.dir = 1;
      p.tcp_flags = 0x18;
      p.seq = 0x01020304;
      p.ack = 0xa0b0c0d0;
      p.window = 502;
      p.tsval = 7;
      p.tsecr = 9;
      p.msg = &f.msg;
      p.msg_offset = 3;      // the last 2 head bytes, the body, 1 tail byte
      p.payload_len = 1004;
      std::vector<std::uint8_t> frame(b.max_frame());
      const BuiltFrame out = b.build(p, frame.data());
      const FlowLayout l = f.layout();
      EXPECT_EQ(out.l3_len, l.l3 + 32 + 1004);
      EXPECT_EQ(out.frame_len, l.l2 + out.l3_len);
      const auto l4 = verify(frame.data(), out.frame_len, l, 6);
      EXPECT_EQ(be16(l4.data()), 80);      // server -> client
      EXPECT_EQ(be16(l4.data() + 2), 40000);
      EXPECT_EQ(l4[32], 'L');
      EXPECT_EQ(l4[33], 'O');
      EXPECT_EQ(std::memcmp(l4.data() + 34, f.pools.binary.at(12345), 1001), 0);
      EXPECT_EQ(l4[34 + 1001], 'E');
      if (encap == &vlan) {
        EXPECT_EQ(be16(frame.data() + 12), 0x8100);
        EXPECT_EQ(be16(frame.data() + 14), 100);
        EXPECT_EQ(be16(frame.data() + 16), v6 ? 0x86dd : 0x0800);
      } else if (encap == &mpls) {  // RFC 3032 entries: label(20) TC(3) S(1) TTL(8)
        EXPECT_EQ(be16(frame.data() + 12), 0x8100);
        EXPECT_EQ(be16(frame.data() + 14), 4094);
        EXPECT_EQ(be16(frame.data() + 16), 0x8847);
        const std::vector<std::uint8_t> first(frame.begin() + 18, frame.begin() + 22);
        const std::vector<std::uint8_t> second(frame.begin() + 22, frame.begin() + 26);
        EXPECT_EQ(first, (std::vector<std::uint8_t>{0x00, 0x01, 0x00, 64}));   // label 16, S 0
        EXPECT_EQ(second, (std::vector<std::uint8_t>{0xff, 0xff, 0xf1, 64}));  // label 2^20-1, S 1
        EXPECT_EQ(frame[26] >> 4, v6 ? 6 : 4);  // IP right after the bottom label
      } else {
        EXPECT_EQ(be16(frame.data() + 12), v6 ? 0x86dd : 0x0800);
      }
    }
  }
}

TEST(PacketBuilder, UdpIcmpAndPadding) {
  for (bool v6 : {false, true}) {
    Fixture f(v6, 17, nullptr);
    PacketBuilder b(f.spec, f.layout());
    PlannedPacket p;
    p.msg = &f.msg;
    p.payload_len = 2;  // a tiny datagram: the frame is padded to 60 bytes
    std::vector<std::uint8_t> frame(b.max_frame(), 0xee);
    const BuiltFrame out = b.build(p, frame.data());
    EXPECT_EQ(out.frame_len, v6 ? 14u + 40 + 8 + 2 : 60u);
    verify(frame.data(), out.frame_len, f.layout(), 17);
    if (!v6) {
      EXPECT_EQ(frame[59], 0);  // padding is zeros
    }

    Fixture g(v6, v6 ? 58 : 1, nullptr);
    PacketBuilder bi(g.spec, g.layout());
    p.msg = &g.msg;
    p.payload_len = 56;
    p.icmp_seq = 3;
    const BuiltFrame oi = bi.build(p, frame.data());
    const auto l4 = verify(frame.data(), oi.frame_len, g.layout(), v6 ? 58 : 1);
    EXPECT_EQ(l4[0], v6 ? 128 : 8);  // echo request
    EXPECT_EQ(be16(l4.data() + 6), 3);
  }
}

// Splitting a built datagram: the two fragments' headers read as RFC 791 / RFC 8200 say, and
// their data put together at their offsets is the original upper-layer bytes.
TEST(PacketBuilder, SplitFragmentsReassembleToTheOriginal) {
  const Encapsulation mpls{{{EncapLayer::Kind::kMpls, 16}}, 1};
  for (bool v6 : {false, true}) {
    Fixture f(v6, 17, &mpls);
    const FlowLayout l = f.layout();
    PacketBuilder b(f.spec, l);
    PlannedPacket p;
    p.msg = &f.msg;
    p.payload_len = 1009;  // UDP 1017 bytes: the first fragment takes 504, the second 513
    std::vector<std::uint8_t> frame(b.max_frame());
    const BuiltFrame whole = b.build(p, frame.data());
    const std::vector<std::uint8_t> original(frame.begin(), frame.begin() + whole.frame_len);
    const std::uint32_t upper = whole.l3_len - l.l3;
    ASSERT_EQ(upper, 1017u);
    ASSERT_TRUE(can_fragment(whole.l3_len, l.l3));
    std::vector<std::uint8_t> second(l.l2 + l.l3 + 8 + whole.l3_len + 60, 0xee);
    const FragmentPair pair = split_fragments(frame.data(), l.l2, l.l3, whole.l3_len, 0xa1b2c3d4, second.data());

    std::vector<std::uint8_t> data(upper, 0);
    std::vector<bool> filled(upper, false);
    std::uint32_t total_l3 = 0;
    for (int i = 0; i < 2; ++i) {
      const std::uint8_t* fr = i == 0 ? frame.data() : second.data();
      const BuiltFrame& built = i == 0 ? pair.first : pair.second;
      EXPECT_EQ(std::memcmp(fr, original.data(), l.l2), 0) << "Ethernet and MPLS unchanged";
      const std::uint8_t* ip = fr + l.l2;
      std::uint32_t offset = 0;
      std::uint32_t len = 0;
      bool more = false;
      if (!v6) {
        EXPECT_EQ(naive_sum({ip, ip + 20}), 0xffffu) << "IPv4 header checksum of fragment " << i;
        EXPECT_EQ(be16(ip + 4), be16(original.data() + l.l2 + 4)) << "same identification";
        const std::uint16_t flags = be16(ip + 6);
        EXPECT_EQ(flags & 0x4000, 0) << "DF clear";
        more = (flags & 0x2000) != 0;
        offset = (flags & 0x1fffu) * 8;
        len = be16(ip + 2) - 20u;
        EXPECT_EQ(built.l3_len, 20 + len);
        for (std::uint32_t k = 0; k < len; ++k) data.at(offset + k) = ip[20 + k], filled.at(offset + k) = true;
      } else {
        EXPECT_EQ(ip[6], 44) << "next header: fragment";
        const std::uint8_t* fh = ip + 40;
        EXPECT_EQ(fh[0], 17) << "fragment header's next header: UDP";
        EXPECT_EQ((std::uint32_t{fh[4]} << 24 | std::uint32_t{fh[5]} << 16 | std::uint32_t{fh[6]} << 8 | fh[7]), 0xa1b2c3d4u);
        more = (be16(fh + 2) & 1) != 0;
        offset = be16(fh + 2) & 0xfff8u;  // already in bytes: the 13-bit unit count sits above 3 bits
        len = be16(ip + 4) - 8u;
        EXPECT_EQ(built.l3_len, 48 + len);
        for (std::uint32_t k = 0; k < len; ++k) data.at(offset + k) = fh[8 + k], filled.at(offset + k) = true;
      }
      EXPECT_EQ(more, i == 0) << "only the first fragment has more to come";
      EXPECT_EQ(offset % 8, 0u);
      EXPECT_EQ(built.frame_len, std::max<std::uint32_t>(60, l.l2 + built.l3_len));
      total_l3 += built.l3_len;
    }
    EXPECT_EQ(total_l3, whole.l3_len + (v6 ? 56u : 20u)) << "one more IP header (and two fragment headers)";
    EXPECT_TRUE(std::all_of(filled.begin(), filled.end(), [](bool v) { return v; })) << "no gap";
    EXPECT_TRUE(std::equal(data.begin(), data.end(), original.begin() + l.l2 + l.l3)) << "reassembles to the original";
  }
}

}  // namespace
}  // namespace flowreplay
