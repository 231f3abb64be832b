// SPDX-License-Identifier: MIT
#include "flowreplay/core/address.hpp"

#include <gtest/gtest.h>

namespace flowreplay {
namespace {

TEST(Net, ParsesAddresses) {
  EXPECT_EQ(IpAddress::parse("192.168.1.20")->v4_host_order(), 0xc0a80114u);
  EXPECT_EQ(IpAddress::parse("2001:db8::1")->to_string(), "2001:db8::1");
  EXPECT_TRUE(IpAddress::parse("2001:db8::1")->is_v6());
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::parse("example.com"));
}

TEST(Net, CidrHostsSkipNetworkAndBroadcast) {
  const auto c = *Cidr::parse("10.1.2.3/16");
  EXPECT_EQ(c.base.to_string(), "10.1.0.0");
  EXPECT_EQ(c.host_count(), 65534u);
  EXPECT_EQ(c.host(0).to_string(), "10.1.0.1");
  EXPECT_EQ(c.host(65533).to_string(), "10.1.255.254");
  EXPECT_EQ(Cidr::parse("10.0.0.7/32")->host_count(), 1u);
  EXPECT_EQ(Cidr::parse("10.0.0.6/31")->host_count(), 2u);
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/x"));
}

TEST(Net, Ipv6CidrStaysInsideThePrefix) {
  const auto c = *Cidr::parse("fd00:2::/120");
  EXPECT_EQ(c.host_count(), 255u);
  EXPECT_EQ(c.host(0).to_string(), "fd00:2::1");
  EXPECT_EQ(c.host(254).to_string(), "fd00:2::ff");
  EXPECT_EQ(Cidr::parse("fd00::/64")->host_count(), std::uint64_t{1} << 32);  // capped
}

TEST(Net, MacRanges) {
  const auto r = *MacRange::parse("02:00:00:00:00:00/40");
  EXPECT_EQ(r.count(), 256u);
  EXPECT_EQ(r.at(255).to_string(), "02:00:00:00:00:ff");
  EXPECT_FALSE(MacAddress::parse("02:00:00:00:00"));
  EXPECT_FALSE(MacAddress::parse("zz:00:00:00:00:00"));
}

}  // namespace
}  // namespace flowreplay

namespace flowreplay {
namespace {

TEST(IpAddressMulticast, GroupsOfBothFamilies) {
  EXPECT_TRUE(IpAddress::parse("224.0.0.1")->is_multicast());
  EXPECT_TRUE(IpAddress::parse("239.255.255.255")->is_multicast());
  EXPECT_FALSE(IpAddress::parse("223.255.255.255")->is_multicast());
  EXPECT_FALSE(IpAddress::parse("240.0.0.1")->is_multicast());
  EXPECT_TRUE(IpAddress::parse("ff02::1")->is_multicast());
  EXPECT_FALSE(IpAddress::parse("fe80::1")->is_multicast());
}

}  // namespace
}  // namespace flowreplay
