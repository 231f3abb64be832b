// SPDX-License-Identifier: MIT
// Running statistics computed the way Apache commons-math3 SummaryStatistics computes them, so
// CICFlowMeter's columns come out digit for digit: a running first moment (mean), the second
// moment updated with the pre-increment mean, sample variance m2 / (n - 1) (0 for n = 1, NaN for
// n = 0), a plain running sum, min and max that start as NaN.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace flowreplay {

class SummaryStats {
 public:
  void add(double x) {
    if (n_ == 0) {
      m1_ = 0.0;
      m2_ = 0.0;
      min_ = x;
      max_ = x;
    } else {
      if (x < min_) min_ = x;
      if (x > max_) max_ = x;
    }
    ++n_;
    const double dev = x - m1_;
    const double n_dev = dev / static_cast<double>(n_);
    m1_ += n_dev;
    m2_ += (static_cast<double>(n_) - 1.0) * dev * n_dev;
    sum_ += x;
  }

  [[nodiscard]] std::uint64_t n() const { return n_; }
  [[nodiscard]] double sum() const { return sum_; }
  [[nodiscard]] double mean() const { return n_ == 0 ? kNaN : m1_; }
  [[nodiscard]] double variance() const { return n_ == 0 ? kNaN : n_ == 1 ? 0.0 : m2_ / (static_cast<double>(n_) - 1.0); }
  [[nodiscard]] double stddev() const { return std::sqrt(variance()); }
  [[nodiscard]] double min() const { return n_ == 0 ? kNaN : min_; }
  [[nodiscard]] double max() const { return n_ == 0 ? kNaN : max_; }

 private:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t n_ = 0;
  double m1_ = 0;
  double m2_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
};

}  // namespace flowreplay
