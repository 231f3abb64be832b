// SPDX-License-Identifier: MIT
// Flow records from CSV (compare's and profile's inputs): nfdump's local-time columns and the
// report's ns columns, with values worked out by hand, and the inputs the fuzzers found; the
// streaming reader (stats) against the whole-text parse.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/io/flow_csv.hpp"

namespace flowreplay {
namespace {

constexpr const char* kNfdumpHeader = "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt\n";

TEST(FlowCsv, NfdumpTimesAreUtcByDefaultWithTheirPrecision) {
  // 2023-11-14 22:13:20 UTC is 1700000000 s (19675 days * 86400 + 22:13:20).
  const std::string text = std::string(kNfdumpHeader) +
                           "2023-11-14 22:13:20.007,2023-11-14 22:13:21,1.000,10.0.0.1,10.0.0.2,1000,80,TCP,......,0,0,3,180,2,120\n";
  const FlowCsv csv = parse_flow_csv(text, "n.csv");
  ASSERT_EQ(csv.format, FlowCsvFormat::kNfdump);
  ASSERT_EQ(csv.flows.size(), 1u);
  const FlowRecord& r = csv.flows[0].record;
  EXPECT_EQ(r.start, 1'700'000'000'007'000'000);
  EXPECT_EQ(r.end, 1'700'000'001'000'000'000);
  EXPECT_EQ(csv.flows[0].precision, 1'000'000'000);  // the coarser of the two: whole seconds
  EXPECT_EQ(r.l4_proto, 6);
  EXPECT_EQ(r.packets, 3u);
  EXPECT_EQ(r.bytes_rev, 120u);
  // In +02:00 the same text is two hours earlier in UTC.
  const FlowCsv east = parse_flow_csv(text, "n.csv", TimeZone::fixed(7200));
  EXPECT_EQ(east.flows[0].record.start, 1'700'000'000'007'000'000 - 7200LL * 1'000'000'000);
}

TEST(FlowCsv, IcmpPortsAreNotParsed) {
  const std::string text = std::string(kNfdumpHeader) +
                           "2023-11-14 22:13:20,2023-11-14 22:13:20,0.000,10.0.0.1,10.0.0.2,0,8.0,ICMP,......,0,0,1,84,0,0\n";
  const FlowCsv csv = parse_flow_csv(text, "n.csv");
  ASSERT_EQ(csv.flows.size(), 1u);
  EXPECT_EQ(csv.flows[0].record.l4_proto, 1);
  EXPECT_EQ(csv.flows[0].record.dst_port, 0);
}

TEST(FlowCsv, FuzzerFoundYearOverflowIsAnError) {
  std::ifstream in(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/flow_csv/year-overflow-nfdump", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  EXPECT_THROW(parse_flow_csv(text, "fuzz.csv"), ConfigError);
}

TEST(FlowCsv, FuzzerFoundDirectionTimeOutsideTheFlowIsAnError) {
  std::ifstream in(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/flow_csv/direction-time-outside-flow", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  EXPECT_THROW(parse_flow_csv(text, "fuzz.csv"), ConfigError);
}

TEST(FlowCsv, FuzzerFoundBytesWithoutPacketsAreAnError) {
  // A report row with reverse bytes and no reverse packets: compare took the reverse direction
  // for a flow (by its bytes), the time checks skipped it (by its packets), and a self-compare
  // found it unexpected.
  std::ifstream in(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/flow_csv/bytes-without-packets", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  try {
    parse_flow_csv(text, "fuzz.csv");
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("fuzz.csv:2: BYTES, BYTES_REV: bytes in a direction without packets"), std::string::npos)
        << e.what();
  }
}

TEST(FlowCsv, ReportTimesOutOfRangeAreErrors) {
  const std::string text =
      "SRC_IP,DST_IP,SRC_PORT,DST_PORT,L3_PROTO,L4_PROTO,START_TIME,END_TIME,PACKETS,BYTES,PACKETS_REV,BYTES_REV\n"
      "10.0.0.1,10.0.0.2,1,2,4,6,-5,9223372036854775807,1,40,0,0\n";
  try {
    parse_flow_csv(text, "r.csv");
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("r.csv:2: START_TIME, END_TIME"), std::string::npos) << e.what();
  }
}

}  // namespace
TEST(FlowCsvReader, StreamsTheRowsTheWholeTextParseGives) {
  const std::string text =
      "# a comment\nts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt\n"
      "2026-12-05 10:00:00.000,2026-12-05 10:00:00.250,0.250,10.0.0.1,10.0.0.2,1234,80,TCP,......,0,0,10,5000,2,120\r\n"
      "\n2026-12-05 10:00:01.000,2026-12-05 10:00:01.000,0.000,10.0.0.3,10.0.0.2,53,53,UDP,......,0,0,1,80,0,0\nSummary\n";
  const FlowCsv whole = parse_flow_csv(text, "n.csv");
  std::FILE* in = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  ASSERT_NE(in, nullptr);
  FlowCsvReader reader(in, "n.csv");
  std::vector<ReadFlow> rows;
  ReadFlow f;
  while (reader.next(f)) rows.push_back(f);
  std::fclose(in);
  EXPECT_EQ(reader.format(), FlowCsvFormat::kNfdump);
  EXPECT_EQ(reader.skipped(), 1u);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(whole.flows.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(rows[i].line, whole.flows[i].line);
    EXPECT_EQ(rows[i].record.packets, whole.flows[i].record.packets);
    EXPECT_EQ(rows[i].record.bytes_rev, whole.flows[i].record.bytes_rev);
    EXPECT_EQ(rows[i].record.start, whole.flows[i].record.start);
  }
  EXPECT_EQ(rows[0].line, 3u);
  EXPECT_EQ(rows[1].line, 5u);
}

TEST(FlowCsvReader, FuzzerFoundABadHeaderLeakedTheLineBuffer) {
  // The header's ConfigError left the constructor before getline's buffer had an owner (LeakSanitizer).
  std::ifstream file(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/flow_csv/bad-header-streamed", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  std::FILE* in = fmemopen(text.data(), text.size(), "r");
  ASSERT_NE(in, nullptr);
  EXPECT_THROW(FlowCsvReader(in, "fuzz.csv"), ConfigError);
  EXPECT_THROW(parse_flow_csv(text, "fuzz.csv"), ConfigError);
  std::fclose(in);
}

}  // namespace flowreplay
