// SPDX-License-Identifier: MIT
#include "flowreplay/core/time_zone.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flowreplay {
namespace {

TEST(TimeZone, UtcAndFixedOffsets) {
  EXPECT_EQ(TimeZone{}.offset_at(1'700'000'000), 0);
  EXPECT_EQ(TimeZone::parse("UTC")->offset_at(0), 0);
  EXPECT_EQ(TimeZone::parse("+03:00")->offset_at(0), 3 * 3600);
  EXPECT_EQ(TimeZone::parse("-0430")->offset_at(0), -(4 * 3600 + 30 * 60));
  EXPECT_FALSE(TimeZone::parse("+19:00"));
  EXPECT_FALSE(TimeZone::parse("+ab"));
  EXPECT_FALSE(TimeZone::parse("../etc/passwd"));
  EXPECT_FALSE(TimeZone::parse("No/Such_Zone"));
}

// Central European time: +1 h in winter, +2 h in summer (EU rules since 1996: last Sunday of
// March 01:00 UTC to last Sunday of October 01:00 UTC).
TEST(TimeZone, IanaZoneFollowsDaylightSaving) {
  const auto berlin = TimeZone::parse("Europe/Berlin");
  ASSERT_TRUE(berlin) << "tzdata is installed by scripts/setup.sh";
  EXPECT_EQ(berlin->offset_at(1'673'740'800), 3600);      // 2023-01-15T00:00:00Z
  EXPECT_EQ(berlin->offset_at(1'688'169'600), 7200);      // 2023-07-01T00:00:00Z
  EXPECT_EQ(berlin->offset_at(1'679'792'399), 3600);      // 2023-03-26T00:59:59Z, a second before the switch
  EXPECT_EQ(berlin->offset_at(1'679'792'400), 7200);      // 2023-03-26T01:00:00Z
  const auto ny = TimeZone::parse("America/New_York");
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->offset_at(1'688'169'600), -4 * 3600);     // EDT
  EXPECT_EQ(ny->offset_at(1'673'740'800), -5 * 3600);     // EST
}

// A hand-made version 1 TZif file: two local time types, one transition at t = 1000 s.
TEST(TimeZone, TzifFromBytes) {
  std::vector<std::uint8_t> b(20, 0);  // magic, version 1, reserved
  b[0] = 'T', b[1] = 'Z', b[2] = 'i', b[3] = 'f';
  auto be32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  };
  for (std::uint32_t c : {0u, 0u, 0u, 1u, 2u, 4u}) be32(c);  // isut, isstd, leap, time, type, char
  be32(1000);                      // the transition
  b.push_back(1);                  // to type 1
  be32(0), b.push_back(0), b.push_back(0);        // type 0: UTC
  be32(3600), b.push_back(1), b.push_back(0);     // type 1: +1 h
  for (char c : {'U', 'T', 'C', '\0'}) b.push_back(static_cast<std::uint8_t>(c));
  const auto tz = TimeZone::from_tzif(b);
  ASSERT_TRUE(tz);
  EXPECT_EQ(tz->offset_at(-5), 0);
  EXPECT_EQ(tz->offset_at(999), 0);
  EXPECT_EQ(tz->offset_at(1000), 3600);
  EXPECT_EQ(tz->offset_at(1'000'000), 3600);
  const std::vector<std::uint8_t> cut(b.begin(), b.end() - 3);
  EXPECT_FALSE(TimeZone::from_tzif(cut));
  EXPECT_FALSE(TimeZone::from_tzif(std::vector<std::uint8_t>(60, 0)));
}

}  // namespace
}  // namespace flowreplay
