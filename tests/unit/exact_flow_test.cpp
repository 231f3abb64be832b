// SPDX-License-Identifier: MIT
// fit_exact: the shape a record's counts and bytes allow, with header sizes worked out by hand
// from RFC 791/8200 (IP 20/40), RFC 9293 (TCP 20), RFC 7323 (timestamps +12), Linux's SYN options
// (+20), RFC 768 (UDP 8) and RFC 792 (ICMP echo 8).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/synth/exact_flow.hpp"
#include "flowreplay/synth/profile_source.hpp"

namespace flowreplay {
namespace {

ExactFlow wanted(std::uint64_t p, std::uint64_t b, std::uint64_t pr, std::uint64_t br, Duration d = 1000) {
  ExactFlow f;
  f.packets[0] = p;
  f.bytes[0] = b;
  f.packets[1] = pr;
  f.bytes[1] = br;
  f.duration = d;
  return f;
}

TEST(ExactFlow, FullSessionWithOptionsWhenBytesAllow) {
  // Forward SYN 20+40, ACK 20+32, FIN 20+32, ACK 20+32 = 216; reverse SYN-ACK 60 + FIN 52 = 112.
  const ExactFit fit = fit_exact(wanted(4, 216, 2, 112), 6, false, 1500);
  EXPECT_TRUE(fit.adjustment.empty());
  EXPECT_EQ(fit.flow.shape, ExactShape::kFull);
  EXPECT_TRUE(fit.flow.tcp_options);
}

TEST(ExactFlow, FortyBytesAPacketNeedsBareHeaders) {
  // FlowTest's own test profile: TCP directions at exactly 40 bytes a packet.
  const ExactFit fit = fit_exact(wanted(6, 240, 4, 160), 6, false, 1500);
  EXPECT_TRUE(fit.adjustment.empty());
  EXPECT_EQ(fit.flow.shape, ExactShape::kFull);
  EXPECT_FALSE(fit.flow.tcp_options);
}

TEST(ExactFlow, PayloadWithoutRoomForAHandshakeGoesMidstream) {
  // One forward packet of 1040 bytes cannot be a SYN: a data segment of an open connection.
  const ExactFit fit = fit_exact(wanted(1, 1040, 1000, 1'000'000), 6, false, 1500);
  EXPECT_TRUE(fit.adjustment.empty());
  EXPECT_EQ(fit.flow.shape, ExactShape::kMidstream);
}

TEST(ExactFlow, LoneSynIsAnAttempt) {
  EXPECT_EQ(fit_exact(wanted(1, 60, 0, 0, 0), 6, false, 1500).flow.shape, ExactShape::kAttempt);
  EXPECT_EQ(fit_exact(wanted(1, 80, 0, 0, 0), 6, true, 1500).flow.shape, ExactShape::kAttempt);  // IPv6 SYN 40+40
  const ExactFit rst = fit_exact(wanted(1, 60, 1, 40), 6, false, 1500);  // SYN with options, RST-ACK bare
  EXPECT_EQ(rst.flow.shape, ExactShape::kAttempt);
  EXPECT_TRUE(rst.flow.tcp_options);
}

ExactFlow timed(ExactFlow f, Duration first_fwd, Duration last_fwd, Duration first_rev, Duration last_rev) {
  f.per_direction = true;
  f.first[0] = first_fwd, f.last[0] = last_fwd, f.first[1] = first_rev, f.last[1] = last_rev;
  f.duration = std::max(last_fwd, last_rev) - std::min(first_fwd, first_rev);
  return f;
}

TEST(ExactFlow, PerDirectionTimesDecideTheHandshakeAndTheTeardown) {
  // The same 216/112 bytes as the full session above; only the times differ.
  EXPECT_EQ(fit_exact(timed(wanted(4, 216, 2, 112), 0, 100, 10, 90), 6, false, 1500).flow.shape, ExactShape::kFull);
  EXPECT_EQ(fit_exact(timed(wanted(4, 216, 2, 112), 0, 100, 0, 100), 6, false, 1500).flow.shape, ExactShape::kFull);
  // The reverse side ends the flow: no FIN-FIN-ACK teardown, the connection is left open.
  EXPECT_EQ(fit_exact(timed(wanted(4, 216, 2, 112), 0, 100, 10, 101), 6, false, 1500).flow.shape, ExactShape::kHandshake);
  // The reverse side starts the flow: no SYN from the forward side.
  EXPECT_EQ(fit_exact(timed(wanted(4, 216, 2, 112), 5, 100, 0, 90), 6, false, 1500).flow.shape, ExactShape::kMidstream);
  EXPECT_EQ(fit_exact(timed(wanted(1, 60, 1, 40), 5, 5, 0, 0), 6, false, 1500).flow.shape, ExactShape::kMidstream);
}

TEST(ExactFlow, AOnePacketDirectionSpanningTimeIsAdjusted) {
  const ExactFit fit = fit_exact(timed(wanted(1, 100, 3, 300), 0, 50, 10, 40), 17, false, 1500);
  EXPECT_EQ(fit.adjustment, "one packet cannot span time: END_TIME - START_TIME 50 ns -> 0");
  EXPECT_EQ(fit.flow.last[0], 0);
  EXPECT_EQ(fit.flow.duration, 40);  // now the reverse side's last packet ends the flow
}

TEST(ExactFlow, InfeasibleBytesAreClampedAndSaid) {
  const ExactFit low = fit_exact(wanted(4, 100, 2, 80), 6, false, 1500);
  EXPECT_EQ(low.flow.bytes[0], 160u);  // 4 bare 40-byte packets
  EXPECT_EQ(low.flow.bytes[1], 80u);
  EXPECT_NE(low.adjustment.find("BYTES below the headers of its packets: 100 -> 160"), std::string::npos);
  const ExactFit high = fit_exact(wanted(2, 4000, 0, 0), 17, false, 1500);
  EXPECT_EQ(high.flow.bytes[0], 3000u);
  EXPECT_NE(high.adjustment.find("BYTES above the MTU allows: 4000 -> 3000"), std::string::npos);
  const ExactFit one = fit_exact(wanted(1, 100, 0, 0, 5000), 17, false, 1500);
  EXPECT_EQ(one.flow.duration, 0);
  EXPECT_NE(one.adjustment.find("duration"), std::string::npos);
}

TEST(ExactFlow, UdpAndIcmpAreDatagrams) {
  EXPECT_EQ(fit_exact(wanted(1, 28, 1, 28), 17, false, 1500).flow.shape, ExactShape::kDatagram);
  const ExactFit v6 = fit_exact(wanted(2, 2 * 48, 2, 2 * 48), 58, true, 1500);
  EXPECT_TRUE(v6.adjustment.empty());
  const ExactFit below = fit_exact(wanted(2, 2 * 47, 0, 0), 58, true, 1500);
  EXPECT_EQ(below.flow.bytes[0], 96u);
}

ProfileRecord read_one(const std::string& text) {
  std::FILE* f = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  ProfileReader reader(f, "p.csv");
  ProfileRecord r;
  const bool got = reader.next(r);
  std::fclose(f);
  EXPECT_TRUE(got);
  return r;
}

TEST(ProfileReader, ColumnsInAnyOrderAndFractionalMilliseconds) {
  const ProfileRecord r = read_one(
      "# comment\nBYTES_REV,PACKETS_REV,BYTES,PACKETS,DST_PORT,SRC_PORT,L4_PROTO,L3_PROTO,END_TIME,START_TIME,EXTRA\n"
      "80,1,120,2,53,5353,17,4,2.5,-1.000001,x\n");
  EXPECT_EQ(r.line, 3u);
  EXPECT_EQ(r.start, -1'000'001);
  EXPECT_EQ(r.end, 2'500'000);
  EXPECT_EQ(r.src_port, 5353);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.packets, 2u);
  EXPECT_EQ(r.bytes_rev, 80u);
}

TEST(ProfileReader, PerDirectionTimesAsFtGeneratorsReportHasThem) {
  const std::string header =
      "SRC_IP,DST_IP,START_TIME,END_TIME,START_TIME_REV,END_TIME_REV,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,"
      "PACKETS_REV,BYTES_REV\n";
  // The reverse side starts first and ends last: the flow spans its times.
  const ProfileRecord r = read_one(header + "10.0.0.1,10.0.0.2,5,8,2.5,9,4,17,1,2,2,80,3,120\n");
  EXPECT_TRUE(r.per_direction);
  EXPECT_EQ(r.first[0], 5'000'000);
  EXPECT_EQ(r.last[0], 8'000'000);
  EXPECT_EQ(r.first[1], 2'500'000);
  EXPECT_EQ(r.last[1], 9'000'000);
  EXPECT_EQ(r.start, 2'500'000);
  EXPECT_EQ(r.end, 9'000'000);
  // A direction without packets: its times (0 in ft-generator's report) do not count.
  const ProfileRecord one_way = read_one(header + "10.0.0.1,10.0.0.2,5,8,0,0,4,17,1,2,2,80,0,0\n");
  EXPECT_EQ(one_way.start, 5'000'000);
  EXPECT_EQ(one_way.end, 8'000'000);
  // Blank reverse times: the flow's span only, as without the columns.
  EXPECT_FALSE(read_one(header + "10.0.0.1,10.0.0.2,5,8,,,4,17,1,2,2,80,1,40\n").per_direction);
}

TEST(ProfileReader, ErrorsNameFileLineColumnAndField) {
  const std::string text =
      "START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,BYTES_REV\n"
      "0,1,4,6,99999,2,1,40,0,0\n";
  std::FILE* f = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  ProfileReader reader(f, "p.csv");
  ProfileRecord r;
  try {
    reader.next(r);
    ADD_FAILURE() << "a port above 65535 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "p.csv:2:9: SRC_PORT: expected a port 0-65535, got '99999'");
  }
  std::fclose(f);
}

}  // namespace
}  // namespace flowreplay
