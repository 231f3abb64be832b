// SPDX-License-Identifier: MIT
#include "flowreplay/core/flow_key.hpp"

#include <gtest/gtest.h>

namespace flowreplay {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

TEST(FlowKey, BothDirectionsAreOneKey) {
  const FlowKey ab = FlowKey::of(ip("10.0.0.1"), 4000, ip("10.0.0.2"), 80, 6);
  const FlowKey ba = FlowKey::of(ip("10.0.0.2"), 80, ip("10.0.0.1"), 4000, 6);
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(FlowKeyHash{}(ab), FlowKeyHash{}(ba));
  // The lower endpoint first.
  EXPECT_EQ(ab.a, ip("10.0.0.1"));
  EXPECT_EQ(ab.a_port, 4000);
  EXPECT_EQ(ab.b_port, 80);
}

TEST(FlowKey, EveryFieldTells) {
  const FlowKey k = FlowKey::of(ip("10.0.0.1"), 4000, ip("10.0.0.2"), 80, 6);
  EXPECT_FALSE(k == FlowKey::of(ip("10.0.0.1"), 4000, ip("10.0.0.2"), 80, 17));
  EXPECT_FALSE(k == FlowKey::of(ip("10.0.0.1"), 4001, ip("10.0.0.2"), 80, 6));
  EXPECT_FALSE(k == FlowKey::of(ip("10.0.0.3"), 4000, ip("10.0.0.2"), 80, 6));
  // ::a00:1 has the bytes of 10.0.0.1 in a different place, and another family.
  EXPECT_FALSE(k == FlowKey::of(ip("::a00:1"), 4000, ip("10.0.0.2"), 80, 6));
}

TEST(FlowKey, DirectionRule) {
  const Endpoint initiator{ip("10.0.0.1"), 4000};
  EXPECT_TRUE(from_initiator(initiator, ip("10.0.0.1"), 4000));
  EXPECT_FALSE(from_initiator(initiator, ip("10.0.0.2"), 80));
  // The same host from another port is another side, unless only addresses count.
  EXPECT_FALSE(from_initiator(initiator, ip("10.0.0.1"), 4001));
  EXPECT_TRUE(from_initiator(initiator, ip("10.0.0.1"), 4001, true));
}

// The shard hash is FNV-1a 64 over the documented bytes; the expected values were computed with
// Python (ipaddress.packed + port.to_bytes(2, "big") per endpoint, then the protocol byte).
TEST(FlowKey, ShardHashIsFnv1aOfTheDocumentedBytes) {
  EXPECT_EQ(shard_hash(FlowKey::of(ip("10.0.0.2"), 80, ip("10.0.0.1"), 40000, 6)), 0x5311fd22ab35b4c6ULL);
  EXPECT_EQ(shard_hash(FlowKey::of(ip("2001:db8::2"), 1234, ip("2001:db8::1"), 53, 17)), 0x55c2632748f568b0ULL);
  const FlowKey k = FlowKey::of(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, 6);
  EXPECT_EQ(shard_hash(k), shard_hash(FlowKey::of(ip("10.0.0.2"), 80, ip("10.0.0.1"), 40000, 6)));
  const Shard whole;
  EXPECT_TRUE(whole.keeps(k));
  int kept = 0;
  for (std::uint32_t i = 0; i < 5; ++i) kept += Shard{i, 5}.keeps(k) ? 1 : 0;
  EXPECT_EQ(kept, 1);
  EXPECT_TRUE((Shard{static_cast<std::uint32_t>(0x5311fd22ab35b4c6ULL % 7), 7}.keeps(k)));
}

TEST(FlowKey, ShardsParseAsKSlashN) {
  const auto s = Shard::parse("3/7");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3u);
  EXPECT_EQ(s->count, 7u);
  EXPECT_TRUE(Shard::parse("65535/65536"));
  for (const char* bad : {"7/7", "1", "/2", "1/", "-1/2", "+1/2", "1/0", "a/b", "0/65537", "0/100000", "1 /2", "00000001/2"}) {
    EXPECT_FALSE(Shard::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace flowreplay
