// SPDX-License-Identifier: MIT
// Flow models and histograms: the first byte chooses. 0: the text is a flow-models mixture JSON
// (gen --model): it parses or is a ConfigError; a parsed mixture has a CDF that rises from 0 to 1
// and draws that are numbers. 1: the text is a csv_hist histogram (fit, plot): it parses or is a
// ConfigError; a few EM iterations on it give weights that sum to 1 and a JSON that reads back.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/stats/mixture_fit.hpp"
#include "flowreplay/synth/flow_model.hpp"

namespace {

void check_mixture(const flowreplay::Mixture& m) {
  double previous = 0;
  for (double x : {-1.0, 0.0, 0.5, 1.0, 2.0, 7.0, 100.0, 1e4, 1e9, 1e300}) {
    const double f = m.cdf(x);
    if (!(f >= previous - 1e-12 && f <= 1 + 1e-12)) __builtin_trap();  // also catches NaN
    previous = f;
  }
  flowreplay::Rng rng(1);
  for (int i = 0; i < 64; ++i) {
    if (std::isnan(m.draw(rng))) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] % 2 == 0) {
      check_mixture(Mixture::parse(text, "fuzz.json"));
      return 0;
    }
    const std::vector<HistogramRow> rows = parse_csv_hist(text, "fuzz.csv");
    std::vector<double> weights;
    double min_x = 0, max_x = 0;
    for (const HistogramRow& r : rows) {
      weights.push_back(r.flows);
      if (r.flows > 0 && min_x == 0) min_x = static_cast<double>(r.lo);
      if (r.flows > 0) max_x = static_cast<double>(r.lo);
    }
    FitOptions options;
    options.max_iterations = 4;
    const FitResult fit = fit_mixture(rows, weights, initial_mixture("uniform:2,lognorm:2", min_x, max_x), options);
    double total = 0;
    for (const MixtureComponent& c : fit.mix) total += c.weight;
    if (fit.sum > 0 && std::isfinite(fit.sum) && std::abs(total - 1) > 1e-6) __builtin_trap();
    if (fit.sum > 0 && std::isfinite(fit.sum) && total > 0) check_mixture(Mixture::parse(mixture_json(fit.mix, fit.sum), "fit.json"));
  } catch (const ConfigError&) {
  }
  return 0;
}
