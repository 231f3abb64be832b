// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/info_elements.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace flowreplay {
namespace {

FlowRecord sample(const char* src, const char* dst, std::uint8_t proto) {
  FlowRecord r;
  r.src = *IpAddress::parse(src);
  r.dst = *IpAddress::parse(dst);
  r.src_port = 40000;
  r.dst_port = 443;
  r.l4_proto = proto;
  r.start = 1'700'000'000'123'456'789;
  r.end = 1'700'000'002'000'000'000;
  r.packets = 10;
  r.bytes = 0x0102030405060708;
  r.packets_rev = 7;
  r.bytes_rev = 900;
  r.tcp_flags = 0x1b;
  r.tcp_flags_rev = 0x12;
  r.vlan = 42;
  r.end_reason = EndReason::kEndOfFlow;
  return r;
}

std::vector<std::uint8_t> encode(Ie ie, const RecordSide& side, ByteOrder order = ByteOrder::kNetwork) {
  std::vector<std::uint8_t> out(info_element(ie).length, 0xee);
  encode_element(ie, side, order, out.data());
  return out;
}

// The record sizes the encoders had before the table: libfixbuf's internal records were C structs
// of 88 (IPv4) and 112 (IPv6) bytes; NetFlow v9 data records are 43 and 67 bytes (RFC 3954 field
// lengths summed by hand: 4+4+2+2+1+1+8+8+4+4+2+1+2 and the same with 16-byte addresses).
TEST(InfoElements, RecordLengths) {
  EXPECT_EQ(record_length(ipfix_template(false), UINT32_MAX), 88u);
  EXPECT_EQ(record_length(ipfix_template(true), UINT32_MAX), 112u);
  EXPECT_EQ(record_length(netflow_v9_template(false), kFieldAlways), 43u);
  EXPECT_EQ(record_length(netflow_v9_template(true), kFieldAlways), 67u);
  // What an IPFIX collector sees: ms times, counters, addresses, ports, vlan, icmp, proto, flags, reason.
  EXPECT_EQ(record_length(ipfix_template(false), 0), 8u + 8 + 8 + 8 + 4 + 4 + 2 + 2 + 2 + 2 + 1 + 1 + 1);
}

TEST(InfoElements, ValuesFromTheRecord) {
  const FlowRecord r = sample("10.0.0.1", "192.0.2.9", 6);
  const RecordSide fwd{r};
  EXPECT_EQ(encode(Ie::kOctets, fwd), (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(encode(Ie::kOctets, fwd, ByteOrder::kHost), (std::vector<std::uint8_t>{8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(encode(Ie::kSourceIpv4, fwd), (std::vector<std::uint8_t>{10, 0, 0, 1}));
  EXPECT_EQ(encode(Ie::kDestinationPort, fwd), (std::vector<std::uint8_t>{0x01, 0xbb}));
  EXPECT_EQ(encode(Ie::kEndReason, fwd), (std::vector<std::uint8_t>{3}));
  EXPECT_EQ(encode(Ie::kFlowStartMs, fwd), (std::vector<std::uint8_t>{0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b}));  // 1700000000123
  EXPECT_EQ(encode(Ie::kReverseOctets, fwd), std::vector<std::uint8_t>(8, 0));  // only in a biflow record
  // The reverse one-way record swaps the sides.
  const RecordSide rev{r, true};
  EXPECT_EQ(encode(Ie::kSourceIpv4, rev), (std::vector<std::uint8_t>{192, 0, 2, 9}));
  EXPECT_EQ(encode(Ie::kSourcePort, rev), (std::vector<std::uint8_t>{0x01, 0xbb}));
  EXPECT_EQ(encode(Ie::kPackets, rev), (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0, 7}));
  EXPECT_EQ(encode(Ie::kTcpFlags, rev), (std::vector<std::uint8_t>{0x12}));
  const RecordSide bi{r, false, true};
  EXPECT_EQ(encode(Ie::kReverseOctets, bi), (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0x03, 0x84}));
  // sysUptime: ms since the origin (NetFlow v9 boots a day before the first flow).
  const RecordSide uptime{r, false, false, 1'700'000'000'000 - 86'400'000};
  EXPECT_EQ(encode(Ie::kFlowStartUptime, uptime), (std::vector<std::uint8_t>{0x05, 0x26, 0x5c, 0x7b}));  // 86400123
}

TEST(InfoElements, IcmpHasNoPortsAndAnEchoReplyBack) {
  FlowRecord r = sample("10.0.0.1", "10.0.0.2", 1);
  r.dst_port = 8 << 8;  // echo request
  EXPECT_EQ(encode(Ie::kSourcePort, RecordSide{r}), (std::vector<std::uint8_t>{0, 0}));
  EXPECT_EQ(encode(Ie::kDestinationPort, RecordSide{r}), (std::vector<std::uint8_t>{0, 0}));
  EXPECT_EQ(encode(Ie::kIcmpTypeCode, RecordSide{r}), (std::vector<std::uint8_t>{8, 0}));
  EXPECT_EQ(encode(Ie::kIcmpTypeCode, RecordSide{r, true}), (std::vector<std::uint8_t>{0, 0}));
  FlowRecord v6 = sample("2001:db8::1", "2001:db8::2", 58);
  v6.dst_port = 128 << 8;
  EXPECT_EQ(encode(Ie::kIcmpTypeCodeIpv6, RecordSide{v6, true}), (std::vector<std::uint8_t>{129, 0}));
  EXPECT_EQ(encode(Ie::kSourceIpv6, RecordSide{v6, true})[15], 2);
  EXPECT_EQ(encode(Ie::kIpVersion, RecordSide{v6}), (std::vector<std::uint8_t>{6}));
}

TEST(InfoElements, TemplatesUseKnownElementsOnly) {
  for (bool v6 : {false, true}) {
    for (const TemplateField& f : ipfix_template(v6)) EXPECT_FALSE(info_element(f.ie).ipfix_name.empty());
    for (const TemplateField& f : netflow_v9_template(v6)) EXPECT_NE(info_element(f.ie).nf9_type, 0);
  }
}

// docs/export.md holds the table rendered from the elements, between two markers.
TEST(InfoElements, DocsTableMatches) {
  std::ifstream in(FLOWREPLAY_SOURCE_DIR "/docs/export.md");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string begin = "<!-- info-elements: begin -->\n";
  const std::string end = "<!-- info-elements: end -->";
  const auto b = doc.find(begin);
  const auto e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(doc.substr(b + begin.size(), e - b - begin.size()), info_element_table_markdown())
      << "docs/export.md's element table is out of date; paste the expected text above";
}

}  // namespace
}  // namespace flowreplay
