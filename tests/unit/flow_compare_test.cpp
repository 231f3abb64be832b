// SPDX-License-Identifier: MIT
// compare's matching of probe records to reference flows, on records built by hand, and the
// inputs the fuzzers found.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/flow_compare.hpp"
#include "flowreplay/io/flow_csv.hpp"

namespace flowreplay {
namespace {

constexpr Timestamp kT0 = 1'700'000'000'000'000'000;

CompareInput udp(const char* src, std::uint16_t sp, const char* dst, std::uint16_t dp, Timestamp start, Timestamp end,
                 std::uint64_t packets, std::uint64_t packets_rev, std::uint64_t line) {
  CompareInput in;
  FlowRecord& r = in.record;
  r.src = IpAddress::parse(src).value();
  r.dst = IpAddress::parse(dst).value();
  r.src_port = sp, r.dst_port = dp, r.l4_proto = 17;
  r.start = start, r.end = end;
  r.packets = packets, r.bytes = packets * 100;
  r.packets_rev = packets_rev, r.bytes_rev = packets_rev * 100;
  in.line = line;
  return in;
}

TEST(FlowCompare, AProbeRecordJoinsTheNearestReferenceFlowOfItsKey) {
  // Two reference flows of one key, 0.21 s apart (more than twice the 100 ms tolerance, so not
  // ambiguous). The probe's times are whole seconds: the second record's start, truncated, falls
  // within the first flow's slack (tolerance + 1 s) as well as the second's; it belongs to the second.
  CompareInputs ref{udp("10.0.0.1", 53, "10.0.0.2", 4000, kT0, kT0, 1, 0, 2),
                    udp("10.0.0.1", 53, "10.0.0.2", 4000, kT0 + 210'000'000, kT0 + 2'000'000'000, 1, 0, 3)};
  CompareInputs probe{udp("10.0.0.1", 53, "10.0.0.2", 4000, kT0 + 210'000'000, kT0 + 2'000'000'000, 1, 0, 2),
                      udp("10.0.0.1", 53, "10.0.0.2", 4000, kT0, kT0, 1, 0, 3)};
  for (auto& p : probe) p.precision = kNanosPerSecond;
  const CompareResult r = compare_flows(ref, probe, CompareOptions{}, "ref.csv");
  EXPECT_EQ(r.ok, 2u);
  EXPECT_EQ(r.missing, 0u);
  EXPECT_EQ(r.incorrect, 0u);
  EXPECT_EQ(r.unexpected, 0u);
  EXPECT_EQ(r.split_merged, 0u);
}

TEST(FlowCompare, AHostTalkingToItselfOnOnePortIsOneOneWayFlow) {
  // 127.0.0.1:7 -> 127.0.0.1:7 with 3 packets one way and 2 the other: both directions have one
  // key, so they are one one-way flow of 5 packets, 500 bytes, on either side.
  CompareInputs ref{udp("127.0.0.1", 7, "127.0.0.1", 7, kT0, kT0 + 1000, 3, 2, 2)};
  CompareInputs probe{udp("127.0.0.1", 7, "127.0.0.1", 7, kT0, kT0 + 1000, 5, 0, 2)};
  std::vector<FlowVerdict> verdicts;
  const CompareResult r =
      compare_flows(ref, probe, CompareOptions{}, "ref.csv", [&](const FlowVerdict& v) { verdicts.push_back(v); });
  EXPECT_EQ(r.ok, 1u);
  EXPECT_EQ(r.missing, 0u);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].ref_packets, 5u);
  EXPECT_EQ(verdicts[0].ref_bytes, 500u);
  EXPECT_EQ(r.total.ref_flows, 1u);
}

TEST(FlowCompare, ReferenceFlowsOfOneKeyOverlappingInTimeAreAnError) {
  // 50 ms apart: within twice the tolerance, a probe record could belong to either.
  CompareInputs ref{udp("10.0.0.1", 53, "10.0.0.2", 4000, kT0, kT0, 1, 0, 2),
                    udp("10.0.0.1", 53, "10.0.0.2", 4000, kT0 + 50'000'000, kT0 + 60'000'000, 1, 0, 7)};
  try {
    compare_flows(ref, ref, CompareOptions{}, "ref.csv");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ref.csv:7: the same flow key as line 2"), std::string::npos) << e.what();
  }
}

TEST(FlowCompare, FuzzerFoundSecondPrecisionNeighboursCompareEqualToThemselves) {
  std::ifstream in(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/flow_csv/second-precision-neighbours", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  const FlowCsv csv = parse_flow_csv(text, "fuzz.csv");
  ASSERT_EQ(csv.flows.size(), 3u);
  const CompareInputs& inputs = csv.flows;
  const CompareResult r = compare_flows(inputs, inputs, CompareOptions{}, "fuzz.csv");
  EXPECT_EQ(r.ok, 3u);
  EXPECT_TRUE(r.precise_pass());
}

}  // namespace
}  // namespace flowreplay
