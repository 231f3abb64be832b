// SPDX-License-Identifier: MIT
// Mixture fits: a histogram sampled from a known mixture (through the sampler's floor + 1 and
// stats' bins) gives back its weights and parameters; the JSON reads back as the same mixture;
// bad histograms and component specs are errors.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string_view>
#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/stats/flow_histogram.hpp"
#include "flowreplay/ingest/stats/mixture_fit.hpp"
#include "flowreplay/synth/flow_model.hpp"

namespace flowreplay {
namespace {

// A million flow lengths from `truth`, binned as `stats` bins them.
std::vector<HistogramRow> sampled_histogram(const std::string& truth_json, std::vector<double>& weights) {
  const Mixture truth = Mixture::parse(truth_json, "truth.json");
  const FlowModel model(truth, truth, truth);
  Rng rng(42);
  FlowHistogram h(StatsAxis::kLength, 12);
  for (int i = 0; i < 1'000'000; ++i) {
    const std::uint64_t packets = model.draw_x(rng);
    h.add({packets, packets * 100, 0, 0});
  }
  std::vector<HistogramRow> rows;
  for (const HistogramBin& b : h.bins()) {
    rows.push_back({b.lo, b.hi, static_cast<double>(b.flows), static_cast<double>(b.packets), static_cast<double>(b.octets)});
    weights.push_back(static_cast<double>(b.flows));
  }
  return rows;
}

TEST(MixtureFit, RecoversAKnownMixture) {
  const std::string truth =
      R"({"sum": 1, "mix": [[0.3, "uniform", [0, 1]], [0.2, "uniform", [0, 2]],
          [0.35, "lognorm", [0.6, 0, 20]], [0.15, "lognorm", [1.2, 0, 2000]]]})";
  std::vector<double> weights;
  const auto rows = sampled_histogram(truth, weights);
  FitOptions options;
  options.max_iterations = 500;
  const FitResult fit = fit_mixture(rows, weights, initial_mixture("uniform:2,lognorm:2", 1, static_cast<double>(rows.back().lo)), options);
  ASSERT_EQ(fit.mix.size(), 4u);
  EXPECT_NEAR(fit.sum, 1e6, 0.5);
  const double want_weight[] = {0.3, 0.2, 0.35, 0.15};
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(fit.mix[k].weight, want_weight[k], 0.01) << "component " << k;
  EXPECT_EQ(fit.mix[0].scale, 1.0);  // uniforms keep their support
  EXPECT_EQ(fit.mix[1].scale, 2.0);
  EXPECT_NEAR(fit.mix[2].shape, 0.6, 0.03);
  EXPECT_NEAR(fit.mix[2].scale, 20, 1.0);
  EXPECT_NEAR(fit.mix[3].shape, 1.2, 0.06);
  EXPECT_NEAR(fit.mix[3].scale, 2000, 100);
  EXPECT_LT(fit.ks, 0.003);
}

TEST(MixtureFit, JsonReadsBackAsTheSameMixture) {
  const std::vector<MixtureComponent> mix = {{0.25, MixtureDist::kUniform, 0, 0, 3},
                                             {0.75, MixtureDist::kLognorm, 1.2345678901234567, 0, 87.654321}};
  const std::string json = mixture_json(mix, 12345);
  const Mixture back = Mixture::parse(json, "fit.json");
  ASSERT_EQ(back.components().size(), 2u);
  EXPECT_EQ(back.sum(), 12345);
  EXPECT_EQ(back.components()[1].shape, 1.2345678901234567);  // full precision
  EXPECT_EQ(back.components()[1].scale, 87.654321);
  EXPECT_EQ(back.components()[0].scale, 3);
  for (double x : {0.5, 2.0, 10.0, 100.0, 1000.0}) EXPECT_DOUBLE_EQ(back.cdf(x), mixture_cdf(mix, x));
}

TEST(MixtureFit, InitialMixtureAsFlowModelsBuildsIt) {
  const auto mix = initial_mixture("uniform:3,lognorm:2", 1, 10000);
  ASSERT_EQ(mix.size(), 5u);
  EXPECT_EQ(mix[2].dist, MixtureDist::kUniform);
  EXPECT_EQ(mix[2].scale, 3);        // [0, 1], [0, 2], [0, 3]
  EXPECT_EQ(mix[3].scale, 3);        // lognormal centres from min_x + 3 - 1 ...
  EXPECT_EQ(mix[4].scale, 10000);    // ... to max_x
  EXPECT_EQ(mix[4].shape, 2.0);
  EXPECT_THROW(initial_mixture("gamma:2", 1, 10), UsageError);
  EXPECT_THROW(initial_mixture("lognorm", 1, 10), UsageError);
  EXPECT_THROW(initial_mixture("lognorm:0", 1, 10), UsageError);
}

TEST(MixtureFit, HistogramParsing) {
  const auto rows = parse_csv_hist("bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,5,5,300\n4096,4098,1,4097,9000\n", "h.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].hi, 4098u);
  EXPECT_EQ(rows[1].packets, 4097);
  const auto no_hi = parse_csv_hist("bin_lo,flows_sum\n3,7\n", "h.csv");  // flow-models' fit reads bin_lo only
  EXPECT_EQ(no_hi[0].hi, 4u);
  auto message = [](const std::string& text) {
    try {
      (void)parse_csv_hist(text, "h.csv");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("a,b\n1,2\n"), "h.csv:1: not a csv_hist header (bin_lo, bin_hi, flows_sum, packets_sum, octets_sum expected)");
  EXPECT_EQ(message("bin_lo,bin_hi,flows_sum\n1,2,x\n"), "h.csv:2: flows_sum: a count of 0 or more expected");
  EXPECT_EQ(message("bin_lo,bin_hi,flows_sum\n5,6,1\n2,3,1\n"), "h.csv:3: bin_lo: bins must ascend without overlapping");
  EXPECT_EQ(message("bin_lo,bin_hi,flows_sum\n5,5,1\n"), "h.csv:2: bin_hi: a whole number above bin_lo expected");
  EXPECT_EQ(message(""), "h.csv:1: empty; a csv_hist header and rows expected");
}

}  // namespace
TEST(MixtureFit, FuzzerFoundABinAtZero) {
  // A bin at 0 (interval [-1, 0)) that no component can produce: an initial uniform on [0, 0]
  // divided by zero, and the weights, shares of every bin, no longer summed to 1.
  std::ifstream file(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/models/histogram-at-zero", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_GT(text.size(), 1u);
  const auto rows = parse_csv_hist(std::string_view(text).substr(1), "fuzz.csv");
  ASSERT_EQ(rows.front().lo, 0u);
  std::vector<double> weights;
  for (const HistogramRow& r : rows) weights.push_back(r.flows);
  const FitResult fit = fit_mixture(rows, weights, initial_mixture("uniform:2,lognorm:2", 0, static_cast<double>(rows.back().lo)));
  double total = 0;
  for (const MixtureComponent& c : fit.mix) {
    EXPECT_GT(c.scale, 0);
    total += c.weight;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_NEAR(fit.sum - fit.explained, rows.front().flows, 1e-9);  // the bin at 0 is left out
}

}  // namespace flowreplay
