// SPDX-License-Identifier: MIT
#include "flowreplay/synth/gen_config.hpp"

#include <gtest/gtest.h>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/rng.hpp"

#include <sstream>

namespace flowreplay {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    load_gen_config_text(yaml, "t.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(GenConfig, BuiltInDefaultLoads) {
  const GenConfig c = default_gen_config();
  EXPECT_EQ(c.origin, "<built-in default>");
  ASSERT_TRUE(c.flows_per_second);
  EXPECT_EQ(*c.max_flows, 10000u);
  double total = 0;
  for (const auto& p : c.patterns) total += p.percentage;
  EXPECT_DOUBLE_EQ(total, 100);
  EXPECT_DOUBLE_EQ(c.ipv6_share, 0.10);
}

TEST(GenConfig, ReadsEverySection) {
  const GenConfig c = load_gen_config_text(R"(
generation: {bandwidth: 2.5Gbps, duration: 30s, start_time: 1600000000.25, seed: 99}
traffic_patterns:
  - {type: web, percentage: 70%, ports: [8000], requests: 2-3, response_bytes: [100, 200]}
  - {type: random, percentage: 30, protocol: udp, packets: 5}
network:
  client_subnets: [10.9.0.0/24]
  vlan_ids: [10, 20]
packets: {mtu: 9000, size_histogram: {"100-200": 1, "300-400": 3}}
timing: {link_speed: 40Gbps, max_interpacket_gap: 5ms, min_dir_switch_gap: 2us, rtt: 3ms}
)",
                                           "t.yaml");
  EXPECT_DOUBLE_EQ(*c.bandwidth_bps, 2.5e9);
  EXPECT_EQ(*c.duration, 30 * kNanosPerSecond);
  EXPECT_EQ(c.start_time, 1'600'000'000'250'000'000LL);
  EXPECT_EQ(c.seed, 99u);
  ASSERT_EQ(c.patterns.size(), 2u);
  EXPECT_EQ(c.patterns[0].ports, std::vector<std::uint16_t>{8000});
  EXPECT_EQ(c.patterns[0].requests.lo, 2);
  EXPECT_EQ(c.patterns[0].response_bytes.hi, 200);
  EXPECT_EQ(c.patterns[1].protocol, 17);
  EXPECT_EQ(c.patterns[1].requests.lo, 5);
  // vlan_ids: one single-tag variant per id, equally likely.
  ASSERT_EQ(c.encapsulation.size(), 2u);
  EXPECT_EQ(c.encapsulation[1].layers.size(), 1u);
  EXPECT_EQ(c.encapsulation[1].layers[0].kind, EncapLayer::Kind::kVlan);
  EXPECT_EQ(c.encapsulation[1].outer_vlan(), 20);
  EXPECT_DOUBLE_EQ(c.encapsulation[0].probability, 0.5);
  EXPECT_EQ(c.mtu, 9000u);
  ASSERT_EQ(c.size_histogram.size(), 2u);
  EXPECT_DOUBLE_EQ(c.size_histogram[1].probability, 0.75);  // normalized
  EXPECT_DOUBLE_EQ(c.link_bps, 40e9);
  EXPECT_EQ(c.max_gap, 5 * kNanosPerMilli);
  EXPECT_EQ(c.rtt.lo, 3 * kNanosPerMilli);
}

TEST(GenConfig, ErrorsNameFileLineColumnAndKey) {
  EXPECT_EQ(error_of("generation:\n  flows_per_second: 10\n  speed: 3\n"),
            "t.yaml:3:3: generation.speed: unknown key (allowed: flows_per_second, bandwidth, max_flows, duration, "
            "start_time, seed)");
  EXPECT_EQ(error_of("network:\n  server_subnets: [10.0.0.0/8, 1.2.3/8]\n"),
            "t.yaml:2:32: network.server_subnets: not a CIDR prefix like 10.0.0.0/16 or fd00::/64: '1.2.3/8'");
  EXPECT_EQ(error_of("traffic_patterns:\n  - {type: web, percentage: 50}\n"),
            "t.yaml:2:3: traffic_patterns: percentages sum to 50, not 100");
  EXPECT_EQ(error_of("generation: {flows_per_second: -3}\n"), "t.yaml:1:32: generation.flows_per_second: must be above 0");
  EXPECT_EQ(error_of("traffic_patterns:\n  - {type: icmp, percentage: 100, ports: [1]}\n"),
            "t.yaml:2:42: traffic_patterns[0].ports: icmp has no ports");
  EXPECT_EQ(error_of("packets: {size_histogram: {\"100-300\": 1, \"200-400\": 1}}\n"),
            "t.yaml:1:27: packets.size_histogram: intervals overlap");
  EXPECT_EQ(error_of("generation: {flows_per_second: 5, bandwidth: 1Gbps}\n"),
            "t.yaml:1:46: generation.bandwidth: give flows_per_second or bandwidth, not both");
  EXPECT_EQ(error_of("traffic_patterns:\n  - {type: tls, percentage: 100, response_bytes: 300-20000}\n"),
            "t.yaml:2:50: traffic_patterns[0].response_bytes: must lie within 1-16384");
  EXPECT_NE(error_of("timing: {rtt: 5ms-1ms}\n").find("t.yaml:1:15: timing.rtt: the low end"), std::string::npos);
  EXPECT_NE(error_of("[unclosed\n").find("t.yaml:"), std::string::npos);
}

TEST(GenConfig, EncapsulationVariantsAndFragmentation) {
  const GenConfig c = load_gen_config_text(R"(
network:
  encapsulation:
    - {probability: 25%, layers: [{type: vlan, id: 7}, {type: vlan, id: 8}]}
    - probability: 0.5
      layers: [{type: vlan, id: 9}, {type: mpls, label: 16}, {type: mpls, label: 1048575}]
  fragmentation_probability: 10%
  min_packet_size_to_fragment: 1000
)",
                                           "t.yaml");
  ASSERT_EQ(c.encapsulation.size(), 2u);
  EXPECT_DOUBLE_EQ(c.encapsulation[0].probability, 0.25);
  EXPECT_EQ(c.encapsulation[0].bytes(), 8u);
  EXPECT_EQ(c.encapsulation[0].outer_vlan(), 7);
  ASSERT_EQ(c.encapsulation[1].layers.size(), 3u);
  EXPECT_EQ(c.encapsulation[1].layers[2].kind, EncapLayer::Kind::kMpls);
  EXPECT_EQ(c.encapsulation[1].layers[2].id, 1048575u);
  EXPECT_DOUBLE_EQ(c.fragmentation_probability, 0.1);
  EXPECT_EQ(c.min_packet_size_to_fragment, 1000u);

  // Draws follow the probabilities; the remaining quarter goes bare.
  Rng rng(5);
  int counts[3] = {};
  for (int i = 0; i < 40000; ++i) {
    const Encapsulation* e = c.draw_encapsulation(rng);
    ++counts[e == nullptr ? 2 : e == &c.encapsulation[0] ? 0 : 1];
  }
  EXPECT_NEAR(counts[0], 10000, 400);
  EXPECT_NEAR(counts[1], 20000, 400);
  EXPECT_NEAR(counts[2], 10000, 400);
  // Without variants nothing is drawn: the flow's random stream stays as it was.
  const GenConfig bare = load_gen_config_text("{}", "t.yaml");
  Rng a(5);
  Rng b(5);
  EXPECT_EQ(bare.draw_encapsulation(a), nullptr);
  EXPECT_EQ(a.next(), b.next());
}

TEST(GenConfig, EncapsulationErrors) {
  EXPECT_EQ(error_of("network:\n  encapsulation: [{probability: 1, layers: [{type: mpls, label: 3}, {type: vlan, id: 4}]}]\n"),
            "t.yaml:2:69: network.encapsulation[0].layers[1]: a VLAN tag may not follow an MPLS label");
  EXPECT_EQ(error_of("network:\n  encapsulation: [{probability: 1, layers: [{type: mpls, label: 1048576}]}]\n"),
            "t.yaml:2:65: network.encapsulation[0].layers[0].label: must be between 0 and 1048575");
  EXPECT_EQ(error_of("network:\n  encapsulation: [{probability: 1, layers: [{type: gre, id: 3}]}]\n"),
            "t.yaml:2:52: network.encapsulation[0].layers[0].type: expected vlan or mpls, got 'gre'");
  EXPECT_EQ(error_of("network:\n  encapsulation: [{probability: 60%, layers: [{type: vlan, id: 3}]},"
                     " {probability: 0.5, layers: [{type: vlan, id: 4}]}]\n"),
            "t.yaml:2:18: network.encapsulation: probabilities sum to more than 1 (the rest of 1 goes without "
            "encapsulation)");
  EXPECT_EQ(error_of("network:\n  encapsulation: [{probability: 1, layers: []}]\n"),
            "t.yaml:2:44: network.encapsulation[0].layers: expected a list of 1 to 8 layers");
  EXPECT_EQ(error_of("network:\n  vlan_ids: [3]\n  encapsulation: []\n"),
            "t.yaml:3:18: network.encapsulation: give either vlan_ids or encapsulation, not both");
  EXPECT_EQ(error_of("network: {min_packet_size_to_fragment: 20}\n"),
            "t.yaml:1:40: network.min_packet_size_to_fragment: must be between 56 and 9000");
}

}  // namespace
}  // namespace flowreplay

namespace flowreplay {
namespace {

// An empty or comment-only config is every key left out: the documented defaults (docs/config.md).
TEST(GenConfigLimits, EmptyConfigMeansTheDefaults) {
  for (const char* text : {"", "# only a comment\n", "---\n"}) {
    const GenConfig c = load_gen_config_text(text, "e.yaml");
    ASSERT_TRUE(c.flows_per_second) << text;
    EXPECT_DOUBLE_EQ(*c.flows_per_second, 1000);
    ASSERT_TRUE(c.max_flows);
    EXPECT_EQ(*c.max_flows, 10000u);
    EXPECT_EQ(c.start_time, 1'700'000'000LL * kNanosPerSecond);
    ASSERT_EQ(c.patterns.size(), 1u);
  }
}

TEST(GenConfigLimits, NumbersOutsideTheirRangeAreRejected) {
  EXPECT_EQ(error_of("generation: {flows_per_second: 1e-12}"),
            "t.yaml:1:32: generation.flows_per_second: must be between 0.001 and 1e+07");
  EXPECT_EQ(error_of("generation: {flows_per_second: .nan}"),
            "t.yaml:1:32: generation.flows_per_second: expected a number, got '.nan'");
  EXPECT_EQ(error_of("generation: {bandwidth: 1e-300bps}"), "t.yaml:1:25: generation.bandwidth: must be between 1kbps and 1Tbps");
  EXPECT_EQ(error_of("generation: {max_flows: 99999999999999999999}"),
            "t.yaml:1:25: generation.max_flows: expected a whole number, got '99999999999999999999'");
  EXPECT_EQ(error_of("generation: {max_flows: 10000000001}"),
            "t.yaml:1:25: generation.max_flows: must be between 1 and 10000000000");
  EXPECT_EQ(error_of("generation: {start_time: 5000000000}"),
            "t.yaml:1:26: generation.start_time: must be at most 4000000000 (2096-10-02)");
  EXPECT_EQ(error_of("generation: {duration: 400d}"),
            "t.yaml:1:24: generation.duration: expected a duration like 250ms, 10us or 1.5s, got '400d'");
  EXPECT_EQ(error_of("generation: {duration: 9000h}"), "t.yaml:1:24: generation.duration: must be at most 365 days");
  EXPECT_EQ(error_of("timing: {rtt: 1ms-2h}"), "t.yaml:1:15: timing.rtt: must be at most 1h");
  EXPECT_EQ(error_of("timing: {link_speed: 5Tbps}"), "t.yaml:1:22: timing.link_speed: must be between 1kbps and 1Tbps");
}

TEST(GenConfigLimits, ComplexKeysAndLongValuesGiveClearErrors) {
  EXPECT_EQ(error_of("? [a, b]\n: 1\n"), "t.yaml:1:3: keys must be plain names, not lists or mappings");
  EXPECT_EQ(error_of("generation:\n  ? {x: 1}\n  : 2\n"), "t.yaml:2:5: generation: keys must be plain names, not lists or mappings");
  const std::string huge(100000, 'x');
  const std::string e = error_of("generation: {seed: " + huge + "}");
  EXPECT_LT(e.size(), 200u) << e.size();
  EXPECT_EQ(e.rfind("t.yaml:1:20: generation.seed: expected a whole number, got 'xxxx", 0), 0u) << e;
  EXPECT_NE(e.find("...'"), std::string::npos);
}

// "Billion laughs": each level refers to the one below ten times; 9 levels expand to 10^9 nodes.
TEST(GenConfigLimits, AliasBombIsRejected) {
  std::ostringstream yaml;
  yaml << "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    yaml << 'a' << i << ": &a" << i << " [";
    for (int k = 0; k < 10; ++k) yaml << (k ? ", " : "") << "*a" << i - 1;
    yaml << "]\n";
  }
  const std::string e = error_of(yaml.str());
  EXPECT_NE(e.find("too large once its aliases are expanded"), std::string::npos) << e;
}

}  // namespace
}  // namespace flowreplay
