// SPDX-License-Identifier: MIT
// Histograms of flow length, size, duration or rate, as flow-models' `hist` bins them
// (docs/stats.md): one flow is one unidirectional record, as NetFlow exports it and as the
// published models count it; its duration is the difference of its first and last packet's times
// truncated to whole ms (0 for a one-packet flow), its rate 8000 × octets / duration in bit/s (0
// when the duration is 0). Bins are exact below 2^bin_exp and 2^(bin_exp-1) to each power of two
// above (bin_exp 12: exact to 4096, then 2048 bins an octave); bin_exp 0 makes every value its own
// bin. Memory is one array of bins, at most about 110 000 of them for bin_exp 12, whatever the
// number of flows.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "flowreplay/core/units.hpp"

namespace flowreplay {

enum class StatsAxis : std::uint8_t { kLength, kSize, kDuration, kRate };

// "length", "size", "duration", "rate"; nullopt otherwise.
std::optional<StatsAxis> parse_stats_axis(std::string_view name);
std::string_view stats_axis_name(StatsAxis axis);
// What the axis counts: "packets", "bytes", "ms", "bit/s".
std::string_view stats_axis_unit(StatsAxis axis);

// One unidirectional flow: its packets, L3 octets, and first and last packet's times.
struct OneWayFlow {
  std::uint64_t packets = 0;
  std::uint64_t octets = 0;
  Timestamp first = 0;
  Timestamp last = 0;
};

// The flow's duration as flow-models computes it from NetFlow's ms times: last and first each
// truncated (towards minus infinity) to whole ms, then subtracted; 0 for one packet.
std::uint64_t flow_duration_ms(const OneWayFlow& flow);
// 8000 × octets / duration_ms in bit/s; 0 when the duration is 0.
double flow_rate_bps(const OneWayFlow& flow);

// The sums of one bin.
struct HistogramBin {
  std::uint64_t lo = 0;  // the bin holds lo <= x < hi
  std::uint64_t hi = 0;
  std::uint64_t flows = 0;
  std::uint64_t packets = 0;
  std::uint64_t octets = 0;
  std::uint64_t duration_ms = 0;
  double rate = 0;  // sum of the flows' rates, bit/s
};

// What a run's flows look like along the axis (docs/stats.md, "Summary").
struct HistogramSummary {
  std::uint64_t flows = 0;
  std::uint64_t packets = 0;
  std::uint64_t octets = 0;
  double mean = 0;  // of the axis value
  // The axis value below which q of the flows lie (the smallest x with CDF(x) >= q), for q =
  // 0.5, 0.9, 0.99, 0.999: exact where bins are one wide, else the lower edge of the bin.
  std::array<std::uint64_t, 4> quantiles{};
  std::uint64_t min = 0;  // lower edge of the first bin with flows
  std::uint64_t max = 0;  // lower edge of the last
  // Share of all octets carried by the 1 % of flows largest along the axis (the bin at the
  // boundary contributes pro rata).
  double top1_octets_share = 0;
};

inline constexpr std::array<double, 4> kSummaryQuantiles = {0.5, 0.9, 0.99, 0.999};

class FlowHistogram {
 public:
  // bin_exp 0 to kMaxBinExp: above 0 the bins are one array (at most 1.6 M entries at 16, for
  // values up to 2^64), at 0 a map of the distinct values.
  static constexpr int kMaxBinExp = 16;
  FlowHistogram(StatsAxis axis, int bin_exp);

  void add(const OneWayFlow& flow);
  // Bins with flows, by ascending lo.
  [[nodiscard]] std::vector<HistogramBin> bins() const;
  [[nodiscard]] HistogramSummary summary() const;
  [[nodiscard]] std::uint64_t flows() const { return flows_; }
  [[nodiscard]] StatsAxis axis() const { return axis_; }

  // The bin that holds x: [lo, hi).
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> bin_of(std::uint64_t x) const;

 private:
  [[nodiscard]] std::size_t index_of(std::uint64_t x) const;
  HistogramBin& bin_for(std::uint64_t x);

  StatsAxis axis_;
  int bin_exp_;
  std::vector<HistogramBin> dense_;               // bin_exp >= 1: by index_of
  std::map<std::uint64_t, HistogramBin> exact_;  // bin_exp 0: by value
  std::uint64_t flows_ = 0;
};

}  // namespace flowreplay
