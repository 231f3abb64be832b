// SPDX-License-Identifier: MIT
// Flow-models mixtures: distribution functions against closed forms worked out by hand, the
// average packet size against the figures the models spec computed from the agh_2015 model
// (150 / 257 / 678 / 1006 B at 1 / 10 / 1000 / 100 000 packets), draws against the mixture's
// own CDF, and errors with file:line:column.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/synth/flow_model.hpp"
#include "flowreplay/synth/model_source.hpp"

namespace flowreplay {
namespace {

const std::string kModels = FLOWREPLAY_SOURCE_DIR "/configs/models/agh_2015";

TEST(Mixture, DistributionFunctions) {
  const Mixture m = Mixture::parse(R"({"sum": 10, "mix": [[3, "uniform", [0, 4]], [1, "lognorm", [0.5, 0, 100]]]})", "m.json");
  ASSERT_EQ(m.components().size(), 2u);
  EXPECT_DOUBLE_EQ(m.components()[0].weight, 0.75);
  // At the lognorm's median (its scale) half of it is below; the uniform is wholly below 100.
  EXPECT_NEAR(m.cdf(100), 0.75 + 0.25 * 0.5, 1e-12);
  EXPECT_NEAR(m.cdf(1), 0.75 * 0.25 + 0.25 * 0.5 * std::erfc(std::log(100.0) / (0.5 * std::sqrt(2.0))), 1e-12);
  EXPECT_NEAR(m.pdf(2), 0.75 / 4 + 0.25 * std::exp(-0.5 * std::pow(std::log(0.02) / 0.5, 2)) / (0.5 * 2 * std::sqrt(2 * M_PI)), 1e-12);
  const Mixture w = Mixture::parse(R"({"sum": 1, "mix": [[1, "weibull_min", [2, 0, 3]]]})", "w.json");
  EXPECT_NEAR(w.cdf(3), 1 - std::exp(-1.0), 1e-12);
  const Mixture g = Mixture::parse(R"({"sum": 1, "mix": [[1, "genpareto", [0.5, 0, 2]]]})", "g.json");
  EXPECT_NEAR(g.cdf(2), 1 - std::pow(1.5, -2.0), 1e-12);
  const Mixture n = Mixture::parse(R"({"sum": 1, "mix": [[1, "norm", [5, 2]]]})", "n.json");
  EXPECT_NEAR(n.cdf(5), 0.5, 1e-12);
}

TEST(Mixture, DrawsFollowTheCdf) {
  const Mixture m = Mixture::parse(
      R"({"sum": 1, "mix": [[1, "uniform", [0, 3]], [2, "lognorm", [1.2, 0, 40]], [1, "weibull_min", [0.7, 0, 9]],
          [1, "genpareto", [0.3, 1, 5]], [0.5, "norm", [50, 10]]]})",
      "m.json");
  Rng rng(3);
  std::vector<double> v(200000);
  for (double& x : v) x = m.draw(rng);
  std::sort(v.begin(), v.end());
  double ks = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double f = m.cdf(v[i]);
    ks = std::max({ks, std::abs(f - static_cast<double>(i) / static_cast<double>(v.size())),
                   std::abs(f - static_cast<double>(i + 1) / static_cast<double>(v.size()))});
  }
  EXPECT_LT(ks, 0.005);  // 1.63 / sqrt(n) = 0.0036 is the 1 % critical value
}

TEST(FlowModel, AveragePacketSizeOfTheAgh2015Model) {
  const FlowModel m = FlowModel::load(kModels + "/all/length");
  EXPECT_NEAR(m.mean_frame_bytes(1), 150, 1.5);
  EXPECT_NEAR(m.mean_frame_bytes(10), 257, 2.5);
  EXPECT_NEAR(m.mean_frame_bytes(1000), 678, 7);
  EXPECT_NEAR(m.mean_frame_bytes(100000), 1006, 10);
}

TEST(FlowModel, LengthsAreFloorPlusOneAndBytesRoundAtRandom) {
  const FlowModel m(Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 1]]]})", "f"),
                      Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 5]]]})", "p"),
                      Mixture::parse(R"({"sum": 100.5, "mix": [[1, "uniform", [0, 5]]]})", "o"));
  Rng rng(1);
  std::uint64_t total = 0;
  for (int i = 0; i < 100000; ++i) {
    const auto [packets, bytes] = m.draw(rng, 1518);
    ASSERT_EQ(packets, 1u);  // U[0, 1): floor + 1
    ASSERT_TRUE(bytes == 100 || bytes == 101);
    total += bytes;
  }
  EXPECT_NEAR(static_cast<double>(total) / 100000, 100.5, 0.01);
  // The average is clamped to [64, max frame].
  const FlowModel small(Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 1]]]})", "f"),
                          Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 5]]]})", "p"),
                          Mixture::parse(R"({"sum": 3, "mix": [[1, "uniform", [0, 5]]]})", "o"));
  EXPECT_EQ(small.draw(rng, 1518).second, 64u);
  EXPECT_EQ(m.draw(rng, 90).second, 90u);
}

TEST(FlowModel, SizesSplitIntoPacketsOfTheAverageSize) {
  auto model = [](const char* octets_sum) {
    return FlowModel(Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [999, 1]]]})", "f"),  // x = 1000 bytes
                     Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 2000]]]})", "p"),
                     Mixture::parse(std::string(R"({"sum": )") + octets_sum + R"(, "mix": [[1, "uniform", [0, 2000]]]})", "o"),
                     ModelAxis::kSize);
  };
  Rng rng(5);
  const FlowModel m = model("100.5");  // 100.5-byte packets: 9.95 of them
  std::uint64_t packets = 0;
  for (int i = 0; i < 100000; ++i) {
    const auto [p, bytes] = m.draw(rng, 1518);
    ASSERT_EQ(bytes, 1000u);
    ASSERT_TRUE(p == 9 || p == 10);
    packets += p;
  }
  EXPECT_NEAR(static_cast<double>(packets) / 100000, 1000 / 100.5, 0.01);
  EXPECT_GE(m.draw(rng, 90).first, 12u);  // at most 90-byte frames: ceil(1000 / 90)
  const FlowModel small = model("1");     // an average below 64 is raised to 64: 15.6 packets,
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(small.draw(rng, 1518).first, 15u);  // and never 16 (62.5 bytes each)
  // Sizes below 64 are raised to 64, as flow-models does.
  const FlowModel tiny(Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 10]]]})", "f"),
                       Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 2000]]]})", "p"),
                       Mixture::parse(R"({"sum": 1, "mix": [[1, "uniform", [0, 2000]]]})", "o"), ModelAxis::kSize);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(tiny.draw_x(rng), 64u);
}

TEST(FlowModels, DirectoryLayouts) {
  const FlowModels per_protocol = FlowModels::load(kModels);
  const FlowModels one = FlowModels::load(kModels + "/udp");
  const FlowModels file = FlowModels::load(kModels + "/tcp/length/flows.json");
  // The UDP model has more one-packet flows than TCP's (agh_2015: 72.09 % and 26.57 %).
  EXPECT_NEAR(per_protocol.for_protocol(17).flows().cdf(1), 0.7209, 0.02);
  EXPECT_NEAR(per_protocol.for_protocol(6).flows().cdf(1), 0.2657, 0.02);
  EXPECT_NEAR(per_protocol.for_protocol(1).flows().cdf(1), 0.4783, 0.02);
  EXPECT_DOUBLE_EQ(one.for_protocol(6).flows().cdf(1), per_protocol.for_protocol(17).flows().cdf(1));
  EXPECT_DOUBLE_EQ(file.for_protocol(17).flows().cdf(1), per_protocol.for_protocol(6).flows().cdf(1));
  EXPECT_THROW(FlowModels::load(FLOWREPLAY_SOURCE_DIR "/configs"), IoError);
}

TEST(Mixture, ErrorsNameTheFileAndPlace) {
  auto message = [](const std::string& json) {
    try {
      (void)Mixture::parse(json, "bad.json");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("{\"sum\": 5, \"mix\": [[1, \"gamma\", [1, 0, 1]]]}"),
            "bad.json:1:24: unknown distribution 'gamma' (uniform, lognorm, norm, weibull_min and genpareto are supported)");
  EXPECT_EQ(message("{\"sum\": 5,\n \"mix\": [[1, \"lognorm\", [1, 0]]]}"),
            "bad.json:2:25: lognorm: 3 parameters expected, [shape, loc, scale]");
  EXPECT_EQ(message("{\"sum\": 5, \"mix\": [[1, \"uniform\", [0, -1]]]}"), "bad.json:1:35: uniform: the scale must be positive");
  EXPECT_EQ(message("{\"sum\": 0, \"mix\": [[1, \"uniform\", [0, 1]]]}"), "bad.json:1:9: sum: a positive number expected");
  EXPECT_NE(message("{\"sum\": 5, \"mix\": [[1, \"uniform\"").find("bad.json:"), std::string::npos);
  EXPECT_EQ(message("[1, 2]"), "bad.json:1:1: a JSON object {\"sum\": N, \"mix\": [...]} expected");
}

TEST(ModelFlowDuration, SlowStartRounds) {
  constexpr Duration kRtt = 1000;
  EXPECT_EQ(model_flow_duration(1, 1, kRtt), kRtt);
  EXPECT_EQ(model_flow_duration(10, 3, kRtt), kRtt);        // the initial window
  EXPECT_EQ(model_flow_duration(2, 11, kRtt), 2 * kRtt);    // 10 + 20
  EXPECT_EQ(model_flow_duration(30, 1, kRtt), 2 * kRtt);
  EXPECT_EQ(model_flow_duration(70, 1, kRtt), 3 * kRtt);    // 10 + 20 + 40
  EXPECT_EQ(model_flow_duration(71, 1, kRtt), 4 * kRtt);    // then 64 a round
  EXPECT_EQ(model_flow_duration(70 + 640, 1, kRtt), 13 * kRtt);
}

}  // namespace
}  // namespace flowreplay
