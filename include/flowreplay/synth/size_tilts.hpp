// SPDX-License-Identifier: MIT
// The config's frame-size histogram (packets.size_histogram) tilted exponentially so that its
// mean is a wanted mean frame: gen --profile draws each direction's packet sizes from the tilt
// of that direction's own mean (docs/profile.md, "Packet sizes").
//
// The tilt of bin b is probability_b * exp(theta * centre_b), with theta the root of "tilted
// mean = wanted mean" (Newton's method on the tilted mean, whose derivative in theta is the
// tilted variance). It depends on the mean only, so the tables are shared by every flow of a
// run: one per whole byte of mean frame, made the first time a flow asks for it. A flow then
// holds a pointer instead of a table of its own, and no flow pays for the root finding.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "flowreplay/synth/gen_config.hpp"

namespace flowreplay {

class SizeTilts {
 public:
  explicit SizeTilts(const std::vector<SizeBin>& bins);

  // Cumulative tilted bin weights (bins() of them, increasing; the last is the total) for
  // `mean_frame` L2 bytes, rounded to the nearest byte. A mean outside the bins' centres gets
  // the steepest tilt allowed towards the nearest bin. Not thread-safe: one per synthesizer.
  const double* cumulative(double mean_frame);
  [[nodiscard]] std::size_t bins() const { return bins_.size(); }

 private:
  void fill(std::size_t slot, double mean);

  std::vector<SizeBin> bins_;
  std::int64_t lowest_ = 0;  // the smallest mean with a table of its own (means below share it)
  std::size_t means_ = 0;    // tables: means lowest_ .. lowest_ + means_ - 1
  std::unique_ptr<double[]> tables_;  // means_ x bins(), each filled on first use
  std::vector<bool> filled_;
};

}  // namespace flowreplay
