// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/cic/java_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "flowreplay/ingest/cic/summary_stats.hpp"

namespace flowreplay {
namespace {

// Expected strings are what Java's Double.toString prints (JLS / JDK docs rules), including the
// values quoted in shared/specs/cicflowmeter.md from CICFlowMeter outputs.
TEST(JavaDouble, MatchesDoubleToString) {
  EXPECT_EQ(java_double(714.0), "714.0");
  EXPECT_EQ(java_double(0.0), "0.0");
  EXPECT_EQ(java_double(4.4964004E7), "4.4964004E7");
  EXPECT_EQ(java_double(1.5856149875136262E15), "1.5856149875136262E15");
  EXPECT_EQ(java_double(3.7187499999999996), "3.7187499999999996");
  EXPECT_EQ(java_double(3.71875), "3.71875");
  EXPECT_EQ(java_double(0.001), "0.001");
  EXPECT_EQ(java_double(0.0001), "1.0E-4");
  EXPECT_EQ(java_double(9999999.0), "9999999.0");
  EXPECT_EQ(java_double(1e7), "1.0E7");
  EXPECT_EQ(java_double(-2.5), "-2.5");
  EXPECT_EQ(java_double(123456.789), "123456.789");
  EXPECT_EQ(java_double(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(java_double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(java_double(1.0 / 3.0), "0.3333333333333333");
}

TEST(JavaTimestamp, TwelveHourClockInTheChosenZone) {
  const auto utc = TimeZone::parse("UTC");
  ASSERT_TRUE(utc);
  // 1700000000 s = 2023-11-14 22:13:20 UTC.
  EXPECT_EQ(java_timestamp(1'700'000'000'999'999LL, true, *utc), "14/11/2023 10:13:20 PM");
  EXPECT_EQ(java_timestamp(1'700'000'000'000'000LL, false, *utc), "14/11/2023 10:13:20");
  const auto minus3 = TimeZone::parse("-03:00");  // the zone of the 2018 test vector
  ASSERT_TRUE(minus3);
  EXPECT_EQ(java_timestamp(1'700'000'000'000'000LL, true, *minus3), "14/11/2023 07:13:20 PM");
  EXPECT_EQ(java_timestamp(1'699'920'000'000'000LL, true, *minus3), "13/11/2023 09:00:00 PM");
  const auto zero = TimeZone::parse("+00:00");
  ASSERT_TRUE(zero);
  EXPECT_EQ(java_timestamp(1'699'920'000'000'000LL, true, *zero), "14/11/2023 12:00:00 AM");  // midnight is 12 AM
  EXPECT_FALSE(TimeZone::parse("+25:00"));
  EXPECT_FALSE(TimeZone::parse("Not/AZone"));
}

TEST(SummaryStats, CommonsMathDefinitions) {
  SummaryStats s;
  EXPECT_TRUE(std::isnan(s.mean()));
  EXPECT_TRUE(std::isnan(s.variance()));
  EXPECT_TRUE(std::isnan(s.min()));
  EXPECT_EQ(s.sum(), 0.0);
  s.add(4);
  EXPECT_EQ(s.variance(), 0.0);  // one value: 0, not NaN
  s.add(8);
  s.add(15);
  // Sample variance of {4, 8, 15}: mean 9, squared deviations 25 + 1 + 36 = 62, / 2 = 31.
  EXPECT_DOUBLE_EQ(s.mean(), 9.0);
  EXPECT_DOUBLE_EQ(s.variance(), 31.0);
  EXPECT_DOUBLE_EQ(s.stddev(), std::sqrt(31.0));
  EXPECT_EQ(s.min(), 4);
  EXPECT_EQ(s.max(), 15);
  EXPECT_EQ(s.sum(), 27);
}

}  // namespace
}  // namespace flowreplay
