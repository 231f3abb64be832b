// SPDX-License-Identifier: MIT
// SizeTilts: the size histogram tilted to a wanted mean. The checks recompute the tilted mean
// from the table's own weights and the bins' centres, which is the definition of the tilt.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "flowreplay/synth/size_tilts.hpp"

namespace flowreplay {
namespace {

// Mean of the bins' centres under the weights that `cumulative` sums.
double tilted_mean(const std::vector<SizeBin>& bins, const double* cumulative) {
  double mean = 0;
  double previous = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    mean += (cumulative[i] - previous) * (bins[i].lo + bins[i].hi) / 2.0;
    previous = cumulative[i];
  }
  return mean / cumulative[bins.size() - 1];
}

const std::vector<SizeBin> kTwoBins = {{100, 199, 0.5}, {1000, 1099, 0.5}};  // centres 149.5 and 1049.5

TEST(SizeTilts, TheTiltedMeanIsTheWantedOne) {
  SizeTilts tilts(kTwoBins);
  for (double wanted : {160.0, 314.0, 599.5, 600.0, 900.2, 1040.0}) {
    const double* c = tilts.cumulative(wanted);
    ASSERT_NE(c, nullptr);
    EXPECT_LT(c[0], c[1]);
    EXPECT_NEAR(tilted_mean(kTwoBins, c), std::round(wanted), 0.5) << wanted;
  }
}

TEST(SizeTilts, TheHistogramsOwnMeanLeavesItAsItIs) {
  SizeTilts tilts(kTwoBins);
  const double* c = tilts.cumulative(599.5);
  EXPECT_NEAR(c[0] / c[1], 0.5, 0.001);
}

TEST(SizeTilts, AMeanBeyondTheBinsPutsAlmostEverythingOnTheNearestOne) {
  SizeTilts tilts(kTwoBins);
  const double* low = tilts.cumulative(60);
  EXPECT_GT(low[0] / low[1], 0.999);
  const double* high = tilts.cumulative(1514);
  EXPECT_LT(high[0] / high[1], 0.001);
}

TEST(SizeTilts, OneTablePerWholeByteOfMean) {
  SizeTilts tilts(kTwoBins);
  EXPECT_EQ(tilts.cumulative(314.2), tilts.cumulative(313.9));
  EXPECT_NE(tilts.cumulative(314.0), tilts.cumulative(315.0));
  EXPECT_EQ(tilts.cumulative(10), tilts.cumulative(-5e20));  // every mean below the bins shares one
  EXPECT_EQ(SizeTilts({}).cumulative(500), nullptr);
}

}  // namespace
}  // namespace flowreplay
