// SPDX-License-Identifier: MIT
#include "flowreplay/synth/flow_source.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>
#include <vector>

namespace flowreplay {
namespace {

TEST(Permutation, IsABijectionForManySizes) {
  for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 64ULL, 1000ULL, 28232ULL * 3}) {
    Permutation p(n, 12345);
    std::vector<bool> seen(n, false);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto v = p(i);
      ASSERT_LT(v, n);
      ASSERT_FALSE(seen[v]) << "n=" << n << " collides at " << i;
      seen[v] = true;
    }
  }
}

TEST(MixFlowSource, EndpointsNeverRepeatAndStartsAscend) {
  GenConfig c = default_gen_config();
  c.max_flows = 20000;
  c.client_v4 = {*Cidr::parse("10.0.0.0/30")};  // 2 hosts x 28232 ports: still no repeat
  MixFlowSource src(c, 5000, 1);
  std::set<std::tuple<IpAddress, std::uint16_t>> endpoints;
  FlowSpec s;
  Timestamp last = 0;
  std::uint64_t n = 0;
  while (src.next(s)) {
    EXPECT_GE(s.start, last);
    last = s.start;
    EXPECT_TRUE(endpoints.emplace(s.client, s.client_port).second) << s.client.to_string() << ":" << s.client_port;
    EXPECT_GE(s.client_port, 32768);
    EXPECT_LE(s.client_port, 60999);
    ++n;
  }
  EXPECT_EQ(n, 20000u);
  // Poisson arrivals at 5000/s: 20000 flows span about 4 s (within 5 %).
  const double span = static_cast<double>(last - c.start_time) / 1e9;
  EXPECT_NEAR(span, 4.0, 0.2);
}

}  // namespace
}  // namespace flowreplay
