// SPDX-License-Identifier: MIT
// Mixture fits of flow histograms (`flowreplay fit`, docs/fit.md): expectation-maximisation on
// binned data, as flow-models' `fit` does it, with the sampler's convention that a flow of length
// x came from a continuous value in [x - 1, x) (x = floor(v) + 1). Each bin [lo, hi) is an
// interval [lo - 1, hi - 1) of v: the E-step gives each component its share of the bin's mass
// (its CDF difference over the interval), the M-step moves the lognormal and normal components to
// the weighted moments of the data truncated to each bin (exact truncated-normal moments, the
// EM of grouped data), and weights to their shares. Uniform components keep their support
// ([0, k] as flow-models writes them) and learn only their weight.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/distribution.hpp"

namespace flowreplay {

// One csv_hist row: the bin and its sums (flow-models' hist layout, `flowreplay stats` output).
struct HistogramRow {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  double flows = 0;
  double packets = 0;
  double octets = 0;
};

// Reads a csv_hist file: a header naming bin_lo, flows_sum, packets_sum, octets_sum (any order;
// bin_hi optional: one past bin_lo without it, as flow-models' own fit reads only bin_lo), then
// one row a bin. ConfigError "NAME:LINE: what"; IoError when it cannot be read.
std::vector<HistogramRow> read_csv_hist(const std::string& path);
std::vector<HistogramRow> parse_csv_hist(std::string_view text, const std::string& name);

// "uniform:6,lognorm:4": the components to start from, as flow-models' -U/-L: k uniforms
// [0, min_x], [0, min_x + 1], ..., and lognormals with s 2 and scales spaced geometrically from
// min_x + max(k, 1) - 1 to max_x, all of weight 0.1 before normalisation. UsageError on a bad
// spec (fit takes uniform, lognorm and norm).
std::vector<MixtureComponent> initial_mixture(std::string_view spec, double min_x, double max_x);

struct FitOptions {
  int max_iterations = 100;  // flow-models' -i
  double tolerance = 1e-10;  // stop when the log-likelihood improves by less, relatively
};

struct FitResult {
  std::vector<MixtureComponent> mix;  // weights sum to 1
  double sum = 0;                     // the fitted y column's total (the JSON's "sum")
  double explained = 0;               // of it, in bins the components can produce (x >= 1 with uniforms and lognormals)
  int iterations = 0;
  double log_likelihood = 0;          // Σ count × ln(mixture mass of the bin)
  double ks = 0;                      // largest |fitted CDF − histogram CDF| at the bins' edges
};

// Fits `initial` to the bins weighted by `weights` (one per row: flows, packets or octets).
FitResult fit_mixture(const std::vector<HistogramRow>& rows, const std::vector<double>& weights,
                      std::vector<MixtureComponent> initial, const FitOptions& options = {});

// The mixture's CDF at x (weights normalised).
double mixture_cdf(const std::vector<MixtureComponent>& mix, double x);

// flow-models' JSON: {"sum": N, "mix": [[weight, "dist", [params]], ...]}, scipy's parameters,
// numbers to full double precision.
std::string mixture_json(const std::vector<MixtureComponent>& mix, double sum);

}  // namespace flowreplay
