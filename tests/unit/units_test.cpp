// SPDX-License-Identifier: MIT
#include "flowreplay/core/units.hpp"

#include <gtest/gtest.h>

namespace flowreplay {
namespace {

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("1.5s"), 1'500'000'000);
  EXPECT_EQ(parse_duration("250ms"), 250'000'000);
  EXPECT_EQ(parse_duration("10us"), 10'000);
  EXPECT_EQ(parse_duration("300ns"), 300);
  EXPECT_EQ(parse_duration("2"), 2'000'000'000);
  EXPECT_EQ(parse_duration("1min"), 60'000'000'000);
  EXPECT_FALSE(parse_duration("fast"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("10 parsecs"));
  EXPECT_FALSE(parse_duration(""));
}

TEST(Units, Bitrates) {
  EXPECT_DOUBLE_EQ(*parse_bitrate("10Gbps"), 1e10);
  EXPECT_DOUBLE_EQ(*parse_bitrate("100Mbps"), 1e8);
  EXPECT_DOUBLE_EQ(*parse_bitrate("1.5kbps"), 1500);
  EXPECT_DOUBLE_EQ(*parse_bitrate("800"), 800);
  EXPECT_FALSE(parse_bitrate("0Gbps"));
  EXPECT_FALSE(parse_bitrate("10GB"));
}

TEST(Units, EpochSecondsKeepNanoseconds) {
  EXPECT_EQ(parse_epoch_seconds("1700000000.000000123"), 1'700'000'000'000'000'123LL);
  EXPECT_EQ(parse_epoch_seconds("1700000000.5"), 1'700'000'000'500'000'000LL);
  EXPECT_EQ(parse_epoch_seconds("0"), 0);
  EXPECT_FALSE(parse_epoch_seconds("1700000000.0000000001"));  // more than 9 digits
  EXPECT_FALSE(parse_epoch_seconds("-5"));
  EXPECT_FALSE(parse_epoch_seconds("soon"));
}

TEST(Units, WireTime) {
  // (frame + FCS 4 + preamble 8 + IFG 12) * 8 bits; a 64-byte frame at 10 Gb/s: 88 * 0.8 = 70.4 ns.
  EXPECT_EQ(wire_time(64, 10e9), 71);
  // 1514-byte frames: 1538 bytes on the wire, 1230.4 ns at 10 Gb/s (Brouer, LCA 2015: 1230 ns).
  EXPECT_EQ(wire_time(1514, 10e9), 1231);
  // Short frames are padded to 60 bytes first: 84 bytes = 672 ns at 1 Gb/s.
  EXPECT_EQ(wire_time(42, 1e9), 672);
}

}  // namespace
}  // namespace flowreplay
