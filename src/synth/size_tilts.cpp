// SPDX-License-Identifier: MIT
#include "flowreplay/synth/size_tilts.hpp"

#include <algorithm>
#include <cmath>

namespace flowreplay {

namespace {

double centre(const SizeBin& b) { return (static_cast<double>(b.lo) + static_cast<double>(b.hi)) / 2; }

}  // namespace

SizeTilts::SizeTilts(const std::vector<SizeBin>& bins) : bins_(bins) {
  if (bins_.empty()) return;
  double lo = centre(bins_.front());
  double hi = lo;
  for (const SizeBin& b : bins_) lo = std::min(lo, centre(b)), hi = std::max(hi, centre(b));
  lowest_ = static_cast<std::int64_t>(std::floor(lo)) - 1;
  means_ = static_cast<std::size_t>(static_cast<std::int64_t>(std::ceil(hi)) + 1 - lowest_ + 1);
  tables_ = std::make_unique_for_overwrite<double[]>(means_ * bins_.size());
  filled_.assign(means_, false);
}

const double* SizeTilts::cumulative(double mean_frame) {
  if (bins_.empty()) return nullptr;
  const auto wanted = static_cast<std::int64_t>(std::llround(std::clamp(mean_frame, -1e15, 1e15)));
  const auto slot = static_cast<std::size_t>(std::clamp<std::int64_t>(wanted - lowest_, 0, static_cast<std::int64_t>(means_) - 1));
  if (!filled_[slot]) fill(slot, static_cast<double>(lowest_ + static_cast<std::int64_t>(slot)));
  return &tables_[slot * bins_.size()];
}

void SizeTilts::fill(std::size_t slot, double mean) {
  // The tilt whose mean is `mean`: Newton's method on the tilted mean; a mean outside the bins'
  // centres pushes theta to its bound (all weight on the nearest bin), where the draw's clamps
  // to the bytes still to send take over.
  constexpr double kBound = 0.5;
  double theta = 0;
  for (int i = 0; i < 12; ++i) {
    double sum = 0;
    double moment1 = 0;
    double moment2 = 0;
    for (const SizeBin& b : bins_) {
      const double x = centre(b) - mean;
      const double w = b.probability * std::exp(theta * x);
      sum += w;
      moment1 += w * x;
      moment2 += w * x * x;
    }
    if (sum <= 0) break;
    const double offset = moment1 / sum;  // tilted mean - wanted mean
    const double variance = moment2 / sum - offset * offset;
    if (std::fabs(offset) < 0.5 || variance <= 1e-9) break;
    theta = std::clamp(theta - offset / variance, -kBound, kBound);
  }
  double* table = &tables_[slot * bins_.size()];
  double sum = 0;
  for (std::size_t i = 0; i < bins_.size(); ++i) {
    sum += bins_[i].probability * std::exp(theta * (centre(bins_[i]) - mean));
    table[i] = sum;
  }
  filled_[slot] = true;
}

}  // namespace flowreplay
