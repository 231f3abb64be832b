// SPDX-License-Identifier: MIT
// FlowHistogram: flow-models' bins, durations and summary. The bins are checked against a list
// built by walking the number line bin by bin (width 1 below 2^b, then the octave's lower power
// of two over 2^(b-1)), the summary against sorted values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <cstdint>
#include <random>
#include <vector>

#include "flowreplay/ingest/stats/flow_histogram.hpp"

namespace flowreplay {
namespace {

// Every bin [lo, hi) from 0 up to `limit`, in order, built bin by bin.
std::vector<std::pair<std::uint64_t, std::uint64_t>> walk_bins(int b, std::uint64_t limit) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  std::uint64_t lo = 0;
  while (lo < limit) {
    std::uint64_t width = 1;
    if (b > 0 && lo >= (std::uint64_t{1} << b)) {
      std::uint64_t octave = 1;  // the largest power of two <= lo
      while (octave * 2 <= lo) octave *= 2;
      width = octave >> (b - 1);
    }
    out.emplace_back(lo, lo + width);
    lo += width;
  }
  return out;
}

TEST(FlowHistogram, BinsAreFlowModelsBins) {
  for (int b : {0, 1, 3, 12}) {
    const FlowHistogram h(StatsAxis::kLength, b);
    const auto bins = walk_bins(b, 40000);
    std::size_t at = 0;
    for (std::uint64_t x = 0; x < 40000; ++x) {
      while (bins[at].second <= x) ++at;
      ASSERT_EQ(h.bin_of(x), bins[at]) << "b " << b << " x " << x;
    }
  }
  // Near the top of the range the upper edge saturates instead of wrapping.
  const FlowHistogram h(StatsAxis::kSize, 12);
  const std::uint64_t top = ~std::uint64_t{0};
  EXPECT_EQ(h.bin_of(top).second, top);
  EXPECT_EQ(h.bin_of(top).first, top - ((std::uint64_t{1} << 52) - 1));
}

TEST(FlowHistogram, SumsPerBin) {
  FlowHistogram h(StatsAxis::kLength, 12);
  h.add({1, 60, 0, 0});
  h.add({1, 1500, 5, 5});
  h.add({5000, 7'000'000, 0, 3 * kNanosPerSecond});
  h.add({5001, 10, 0, 0});
  const auto bins = h.bins();
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_EQ(bins[0].lo, 1u);
  EXPECT_EQ(bins[0].hi, 2u);
  EXPECT_EQ(bins[0].flows, 2u);
  EXPECT_EQ(bins[0].packets, 2u);
  EXPECT_EQ(bins[0].octets, 1560u);
  EXPECT_EQ(bins[1].lo, 5000u);  // 5000 and 5001 share the 2-wide bin [5000, 5002)
  EXPECT_EQ(bins[1].hi, 5002u);
  EXPECT_EQ(bins[1].flows, 2u);
  EXPECT_EQ(bins[1].packets, 10001u);
  EXPECT_EQ(bins[1].duration_ms, 3000u);
  EXPECT_DOUBLE_EQ(bins[1].rate, 8000.0 * 7'000'000 / 3000);
}

TEST(FlowHistogram, DurationIsTheDifferenceOfTruncatedMilliseconds) {
  EXPECT_EQ(flow_duration_ms({2, 0, 999'999, 1'000'000}), 1u);  // 1 ns apart, across a ms boundary
  EXPECT_EQ(flow_duration_ms({2, 0, 1'000'000, 1'999'999}), 0u);  // almost 1 ms, within one
  EXPECT_EQ(flow_duration_ms({2, 0, -1, 0}), 1u);                  // before time zero: floor, not truncation
  EXPECT_EQ(flow_duration_ms({2, 0, -2'500'000, -500'000}), 2u);   // -3 ms .. -1 ms
  EXPECT_EQ(flow_duration_ms({1, 0, 0, 5 * kNanosPerSecond}), 0u);  // one packet
  EXPECT_DOUBLE_EQ(flow_rate_bps({3, 1000, 0, 2 * kNanosPerMilli}), 4'000'000.0);
  EXPECT_DOUBLE_EQ(flow_rate_bps({3, 1000, 0, 999'999}), 0.0);
}

TEST(FlowHistogram, RateAndDurationAxes) {
  FlowHistogram rate(StatsAxis::kRate, 0);
  rate.add({2, 3, 0, 7 * kNanosPerMilli});  // 24000 / 7 = 3428.57 bit/s: bin 3428
  ASSERT_EQ(rate.bins().size(), 1u);
  EXPECT_EQ(rate.bins()[0].lo, 3428u);
  FlowHistogram duration(StatsAxis::kDuration, 12);
  duration.add({2, 3, 0, 7 * kNanosPerMilli});
  duration.add({1, 3, 0, 7 * kNanosPerMilli});
  ASSERT_EQ(duration.bins().size(), 2u);
  EXPECT_EQ(duration.bins()[0].lo, 0u);
  EXPECT_EQ(duration.bins()[1].lo, 7u);
}

TEST(FlowHistogram, SummaryAgreesWithSortedValues) {
  std::mt19937_64 gen(7);
  std::lognormal_distribution<double> size(6.0, 2.0);
  for (std::size_t n : {1u, 7u, 1000u, 12345u}) {
    FlowHistogram h(StatsAxis::kSize, 16);  // exact below 65536
    std::vector<std::uint64_t> sizes;
    for (std::size_t i = 0; i < n; ++i) {
      const auto s = std::min<std::uint64_t>(60'000, 40 + static_cast<std::uint64_t>(size(gen)));
      sizes.push_back(s);
      h.add({1 + s / 1000, s, 0, 0});
    }
    std::sort(sizes.begin(), sizes.end());
    const HistogramSummary s = h.summary();
    EXPECT_EQ(s.flows, n);
    double total = 0;
    for (auto v : sizes) total += static_cast<double>(v);
    EXPECT_EQ(s.octets, static_cast<std::uint64_t>(total));
    EXPECT_NEAR(s.mean, total / static_cast<double>(n), 1e-9 * total);
    EXPECT_EQ(s.min, sizes.front());
    EXPECT_EQ(s.max, sizes.back());
    for (std::size_t q = 0; q < kSummaryQuantiles.size(); ++q) {
      // The smallest value with at least q of the flows at or below it.
      const auto rank = static_cast<std::size_t>(std::ceil(kSummaryQuantiles[q] * static_cast<double>(n) - 1e-9));
      EXPECT_EQ(s.quantiles[q], sizes[std::max<std::size_t>(rank, 1) - 1]) << "n " << n << " q " << kSummaryQuantiles[q];
    }
    // The largest n/100 flows' bytes (the last one in part when n/100 is not whole).
    double top = 0;
    double left = static_cast<double>(n) / 100;
    for (auto it = sizes.rbegin(); it != sizes.rend() && left > 0; ++it) {
      const double take = std::min(1.0, left);
      top += take * static_cast<double>(*it);
      left -= take;
    }
    EXPECT_NEAR(s.top1_octets_share, top / total, 1e-12);
  }
}

TEST(FlowHistogram, EmptyAndBadExponent) {
  const FlowHistogram h(StatsAxis::kLength, 12);
  EXPECT_TRUE(h.bins().empty());
  EXPECT_EQ(h.summary().flows, 0u);
  EXPECT_THROW(FlowHistogram(StatsAxis::kLength, FlowHistogram::kMaxBinExp + 1), std::invalid_argument);
  EXPECT_EQ(parse_stats_axis("size"), StatsAxis::kSize);
  EXPECT_FALSE(parse_stats_axis("bytes").has_value());
}

}  // namespace
}  // namespace flowreplay
