// SPDX-License-Identifier: MIT
#include "flowreplay/synth/packet_builder.hpp"

#include <gtest/gtest.h>

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

  Fixture(bool v6, std::uint8_t l4, std::uint16_t vlan) {
    spec.pattern = &pattern;
    spec.l4 = l4;
    spec.client = v6 ? *IpAddress::parse("fd00:1::5") : *IpAddress::parse("10.0.0.5");
    spec.server = v6 ? *IpAddress::parse("fd00:2::9") : *IpAddress::parse("192.168.0.9");
    spec.client_mac = *MacAddress::parse("02:00:00:00:00:05");
    spec.server_mac = *MacAddress::parse("02:00:01:00:00:09");
    spec.client_port = 40000;
    spec.server_port = 80;
    spec.vlan = vlan;
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
    l.l2 = spec.vlan ? 18 : 14;
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
    for (int vlan_id : {0, 100}) {
      const auto vlan = static_cast<std::uint16_t>(vlan_id);
      Fixture f(v6, 6, vlan);
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
      if (vlan) {
        EXPECT_EQ(be16(frame.data() + 12), 0x8100);
      }
    }
  }
}

TEST(PacketBuilder, UdpIcmpAndPadding) {
  for (bool v6 : {false, true}) {
    Fixture f(v6, 17, 0);
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

    Fixture g(v6, v6 ? 58 : 1, 0);
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

}  // namespace
}  // namespace flowreplay
