// SPDX-License-Identifier: MIT
#include "flowreplay/synth/flow_planner.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "flowreplay/core/wire.hpp"

namespace flowreplay {
namespace {

std::vector<PlannedPacket> plan(const FlowSpec& spec, const GenConfig& config, const PayloadPools& pools) {
  FlowLayout layout;
  FlowPlanner planner(spec, config, pools, layout);
  std::vector<PlannedPacket> out;
  while (planner.next()) out.push_back(planner.packet());
  return out;
}

FlowSpec spec_for(const PatternConfig& pattern, std::uint64_t seed) {
  FlowSpec s;
  s.pattern = &pattern;
  s.l4 = pattern.protocol == 0 ? 6 : pattern.protocol;
  s.client = *IpAddress::parse("10.0.0.1");
  s.server = *IpAddress::parse("10.0.0.2");
  s.client_port = 40000;
  s.server_port = 80;
  s.start = 1'000'000'000;
  s.seed = seed;
  return s;
}

// TCP as a receiver sees it: sequence numbers continue without gaps, ACKs never cover bytes
// not yet sent, times never go back, the flow opens with a handshake and closes with FIN or RST.
TEST(FlowPlanner, TcpSequenceAndAckConsistency) {
  const GenConfig config = default_gen_config();
  const PayloadPools pools(1);
  for (AppType type : {AppType::kWeb, AppType::kSsh, AppType::kSmtp, AppType::kFtp, AppType::kDatabase}) {
    PatternConfig pattern = default_pattern(type);
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const auto pkts = plan(spec_for(pattern, seed), config, pools);
      ASSERT_GE(pkts.size(), 4u);
      EXPECT_EQ(pkts[0].tcp_flags, wire::kTcpSyn);
      EXPECT_EQ(pkts[1].tcp_flags, wire::kTcpSyn | wire::kTcpAck);
      EXPECT_EQ(pkts[1].ack, pkts[0].seq + 1);
      std::uint32_t next[2] = {pkts[0].seq + 1, pkts[1].seq + 1};
      Timestamp last = 0;
      std::uint64_t payload[2] = {0, 0};
      for (std::size_t i = 2; i < pkts.size(); ++i) {
        const auto& p = pkts[i];
        EXPECT_GE(p.time, last);
        last = p.time;
        EXPECT_EQ(p.seq, next[p.dir]) << "packet " << i << " seed " << seed;
        EXPECT_TRUE(p.tcp_flags & wire::kTcpAck);
        // An ACK never runs ahead of what the other side has sent.
        EXPECT_LE(p.ack - (pkts[1 - p.dir].seq + 1), next[1 - p.dir] - (pkts[1 - p.dir].seq + 1));
        next[p.dir] += p.payload_len + ((p.tcp_flags & wire::kTcpFin) ? 1 : 0);
        payload[p.dir] += p.payload_len;
        EXPECT_LE(p.payload_len, FlowLayout{}.tcp_segment());
      }
      const auto end = pkts.back().tcp_flags;
      EXPECT_TRUE(end == wire::kTcpAck || end == (wire::kTcpRst | wire::kTcpAck)) << int(end);
      EXPECT_GT(payload[0] + payload[1], 0u);
    }
  }
}

TEST(FlowPlanner, MaxGapBoundsEveryGap) {
  GenConfig config = default_gen_config();
  config.max_gap = 2 * kNanosPerMilli;
  const PayloadPools pools(1);
  for (AppType type : {AppType::kWeb, AppType::kSsh, AppType::kIcmp, AppType::kDns}) {
    PatternConfig pattern = default_pattern(type);
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const auto pkts = plan(spec_for(pattern, seed), config, pools);
      for (std::size_t i = 1; i < pkts.size(); ++i) {
        EXPECT_LE(pkts[i].time - pkts[i - 1].time, config.max_gap);
        EXPECT_GE(pkts[i].time, pkts[i - 1].time);
      }
    }
  }
}

TEST(FlowPlanner, IcmpEchoPairsRequestsAndReplies) {
  const GenConfig config = default_gen_config();
  const PayloadPools pools(1);
  PatternConfig pattern = default_pattern(AppType::kIcmp);
  pattern.requests = {4, 4};
  const auto pkts = plan(spec_for(pattern, 5), config, pools);
  ASSERT_EQ(pkts.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(pkts[i].dir, i % 2);
    EXPECT_EQ(pkts[i].icmp_seq, i / 2 + 1);
    EXPECT_EQ(pkts[i].payload_len, 56u);
  }
  EXPECT_EQ(pkts[2].time - pkts[0].time, kNanosPerSecond);  // ping's one-second interval
}

}  // namespace
}  // namespace flowreplay
