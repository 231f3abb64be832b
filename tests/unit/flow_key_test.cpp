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

}  // namespace
}  // namespace flowreplay
