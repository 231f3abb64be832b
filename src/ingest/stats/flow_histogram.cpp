// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/stats/flow_histogram.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

namespace flowreplay {

namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

// Floor division by a positive divisor, also for negative times (profiles start before zero).
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// Cumulative counts times 1000, compared exactly.
__extension__ using U128 = unsigned __int128;

}  // namespace

std::optional<StatsAxis> parse_stats_axis(std::string_view name) {
  if (name == "length") return StatsAxis::kLength;
  if (name == "size") return StatsAxis::kSize;
  if (name == "duration") return StatsAxis::kDuration;
  if (name == "rate") return StatsAxis::kRate;
  return std::nullopt;
}

std::string_view stats_axis_name(StatsAxis axis) {
  switch (axis) {
    case StatsAxis::kLength: return "length";
    case StatsAxis::kSize: return "size";
    case StatsAxis::kDuration: return "duration";
    case StatsAxis::kRate: return "rate";
  }
  return "length";
}

std::string_view stats_axis_unit(StatsAxis axis) {
  switch (axis) {
    case StatsAxis::kLength: return "packets";
    case StatsAxis::kSize: return "bytes";
    case StatsAxis::kDuration: return "ms";
    case StatsAxis::kRate: return "bit/s";
  }
  return "packets";
}

std::uint64_t flow_duration_ms(const OneWayFlow& flow) {
  if (flow.packets <= 1) return 0;
  const std::int64_t d = floor_div(flow.last, kNanosPerMilli) - floor_div(flow.first, kNanosPerMilli);
  return d > 0 ? static_cast<std::uint64_t>(d) : 0;
}

double flow_rate_bps(const OneWayFlow& flow) {
  const std::uint64_t d = flow_duration_ms(flow);
  return d == 0 ? 0.0 : 8000.0 * static_cast<double>(flow.octets) / static_cast<double>(d);
}

FlowHistogram::FlowHistogram(StatsAxis axis, int bin_exp) : axis_(axis), bin_exp_(bin_exp) {
  if (bin_exp < 0 || bin_exp > kMaxBinExp) throw std::invalid_argument("FlowHistogram: bin_exp out of range");
}

std::pair<std::uint64_t, std::uint64_t> FlowHistogram::bin_of(std::uint64_t x) const {
  const int width = static_cast<int>(std::bit_width(x));
  if (bin_exp_ == 0 || width <= bin_exp_) return {x, x == kMaxU64 ? kMaxU64 : x + 1};
  const int shift = width - bin_exp_;
  const std::uint64_t lo = (x >> shift) << shift;
  const std::uint64_t step = std::uint64_t{1} << shift;
  return {lo, lo > kMaxU64 - step ? kMaxU64 : lo + step};
}

// Below 2^b, x itself; above, 2^(b-1) bins for each bit width past b, in order.
std::size_t FlowHistogram::index_of(std::uint64_t x) const {
  const int width = static_cast<int>(std::bit_width(x));
  if (width <= bin_exp_) return static_cast<std::size_t>(x);
  const int shift = width - bin_exp_;
  const std::uint64_t half = std::uint64_t{1} << (bin_exp_ - 1);
  return static_cast<std::size_t>((std::uint64_t{1} << bin_exp_) + static_cast<std::uint64_t>(width - bin_exp_ - 1) * half +
                                  ((x >> shift) - half));
}

HistogramBin& FlowHistogram::bin_for(std::uint64_t x) {
  HistogramBin* bin = nullptr;
  if (bin_exp_ == 0) {
    bin = &exact_[x];
  } else {
    const std::size_t i = index_of(x);
    if (i >= dense_.size()) dense_.resize(i + 1);
    bin = &dense_[i];
  }
  if (bin->flows == 0) std::tie(bin->lo, bin->hi) = bin_of(x);
  return *bin;
}

void FlowHistogram::add(const OneWayFlow& flow) {
  const std::uint64_t duration = flow_duration_ms(flow);
  const double rate = duration == 0 ? 0.0 : 8000.0 * static_cast<double>(flow.octets) / static_cast<double>(duration);
  std::uint64_t x = 0;
  switch (axis_) {
    case StatsAxis::kLength: x = flow.packets; break;
    case StatsAxis::kSize: x = flow.octets; break;
    case StatsAxis::kDuration: x = duration; break;
    case StatsAxis::kRate: x = rate >= 9.2e18 ? std::uint64_t{1} << 63 : static_cast<std::uint64_t>(rate); break;
  }
  HistogramBin& b = bin_for(x);
  ++b.flows;
  b.packets += flow.packets;
  b.octets += flow.octets;
  b.duration_ms += duration;
  b.rate += rate;
  ++flows_;
}

std::vector<HistogramBin> FlowHistogram::bins() const {
  std::vector<HistogramBin> out;
  if (bin_exp_ == 0) {
    out.reserve(exact_.size());
    for (const auto& [x, b] : exact_) out.push_back(b);
  } else {
    for (const HistogramBin& b : dense_) {
      if (b.flows != 0) out.push_back(b);
    }
  }
  return out;
}

HistogramSummary FlowHistogram::summary() const {
  HistogramSummary s;
  const std::vector<HistogramBin> all = bins();
  if (all.empty()) return s;
  double axis_sum = 0;
  for (const HistogramBin& b : all) {
    s.flows += b.flows;
    s.packets += b.packets;
    s.octets += b.octets;
    switch (axis_) {
      case StatsAxis::kLength: axis_sum += static_cast<double>(b.packets); break;
      case StatsAxis::kSize: axis_sum += static_cast<double>(b.octets); break;
      case StatsAxis::kDuration: axis_sum += static_cast<double>(b.duration_ms); break;
      case StatsAxis::kRate: axis_sum += b.rate; break;
    }
  }
  s.mean = axis_sum / static_cast<double>(s.flows);
  s.min = all.front().lo;
  s.max = all.back().lo;
  // Quantile q (in thousandths): the first bin whose cumulative flows reach q × flows.
  constexpr std::array<std::uint64_t, 4> kPermille = {500, 900, 990, 999};
  std::size_t next = 0;
  U128 cumulative = 0;
  for (const HistogramBin& b : all) {
    cumulative += b.flows;
    while (next < kPermille.size() && cumulative * 1000 >= static_cast<U128>(kPermille[next]) * s.flows) {
      s.quantiles[next++] = b.lo;
    }
  }
  // The top 1 %: s.flows / 100 flows taken from the top bin down, the boundary bin pro rata.
  long double remaining = static_cast<long double>(s.flows) / 100;
  long double top_octets = 0;
  for (auto it = all.rbegin(); it != all.rend() && remaining > 0; ++it) {
    const auto n = static_cast<long double>(it->flows);
    const long double take = n <= remaining ? n : remaining;
    top_octets += static_cast<long double>(it->octets) * (take / n);
    remaining -= take;
  }
  s.top1_octets_share = s.octets == 0 ? 0.0 : static_cast<double>(top_octets / static_cast<long double>(s.octets));
  return s;
}

}  // namespace flowreplay
