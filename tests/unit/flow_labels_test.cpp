// SPDX-License-Identifier: MIT
// Labels from a ground truth: keys shared by packets and records (ICMP by echo identifier),
// the time rule with its slack, the label file's errors with their lines, and a CicMeter that
// labels its flows.
#include "flowreplay/ingest/flow_labels.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"

namespace flowreplay {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

RawPacket udp(Timestamp ns, const char* src, std::uint16_t sp, const char* dst, std::uint16_t dp) {
  RawPacket p;
  p.ts = ns;
  p.src = ip(src);
  p.dst = ip(dst);
  p.src_port = sp;
  p.dst_port = dp;
  p.protocol = 17;
  p.header_len = 8;
  p.payload_len = 10;
  return p;
}

RawPacket echo(Timestamp ns, const char* src, const char* dst, std::uint8_t type, std::uint16_t id) {
  RawPacket p;
  p.ts = ns;
  p.src = ip(src);
  p.dst = ip(dst);
  p.protocol = 1;
  p.icmp_type_code = static_cast<std::uint16_t>(type << 8);
  p.icmp_id = id;
  p.payload_len = 56;
  return p;
}

// Reads `text` as a label file through a temporary FILE.
void read_text(FlowLabels& labels, const std::string& text, const char* column = "APP") {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  try {
    labels.read(f, "t.csv", column);
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
}

std::string error_of(const std::string& text, const char* column = "APP") {
  FlowLabels labels;
  try {
    read_text(labels, text, column);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kHeader = "SRC_IP,DST_IP,SRC_PORT,DST_PORT,L4_PROTO,START_TIME,END_TIME,APP\n";

TEST(FlowLabels, KeysAreTheFiveTupleEitherWayAndIcmpByEchoIdentifier) {
  EXPECT_EQ(label_key(udp(0, "10.0.0.1", 5000, "10.0.0.2", 53)), label_key(udp(0, "10.0.0.2", 53, "10.0.0.1", 5000)));
  EXPECT_EQ(label_key(ip("10.0.0.1"), 5000, ip("10.0.0.2"), 53, 17), label_key(udp(0, "10.0.0.2", 53, "10.0.0.1", 5000)));
  EXPECT_FALSE(label_key(udp(0, "10.0.0.1", 5000, "10.0.0.2", 53)) == label_key(udp(0, "10.0.0.1", 5001, "10.0.0.2", 53)));
  // A request (8) and its reply (0) share the key of the report's row: SRC_PORT 77, DST_PORT 2048.
  const FlowKey row = label_key(ip("10.0.0.1"), 77, ip("10.0.0.2"), 2048, 1);
  EXPECT_EQ(label_key(echo(0, "10.0.0.1", "10.0.0.2", 8, 77)), row);
  EXPECT_EQ(label_key(echo(0, "10.0.0.2", "10.0.0.1", 0, 77)), row);
  EXPECT_FALSE(label_key(echo(0, "10.0.0.1", "10.0.0.2", 8, 78)) == row);
}

TEST(FlowLabels, TheFlowWhoseSpanHoldsThePacketWinsThenTheNearestWithinTheSlack) {
  FlowLabels labels;
  read_text(labels, std::string(kHeader) +
                        "10.0.0.1,10.0.0.2,5000,53,17,100,200,first\n"
                        "# the same key reused later\n"
                        "10.0.0.2,10.0.0.1,53,5000,17,1000,1100,second\n"
                        "10.0.0.1,10.0.0.2,77,2048,1,0,5000,icmp\n");
  EXPECT_EQ(labels.flows(), 3u);
  EXPECT_EQ(labels.distinct_labels(), 3u);
  EXPECT_EQ(labels.label(udp(150, "10.0.0.1", 5000, "10.0.0.2", 53)), "first");
  EXPECT_EQ(labels.label(udp(200, "10.0.0.2", 53, "10.0.0.1", 5000)), "first");  // END_TIME is inclusive
  EXPECT_EQ(labels.label(udp(1000, "10.0.0.2", 53, "10.0.0.1", 5000)), "second");
  EXPECT_EQ(labels.label(udp(500, "10.0.0.1", 5000, "10.0.0.2", 53)), "");   // between the two
  EXPECT_EQ(labels.label(udp(150, "10.0.0.1", 5001, "10.0.0.2", 53)), "");   // another key
  EXPECT_EQ(labels.label(echo(4000, "10.0.0.2", "10.0.0.1", 0, 77)), "icmp");

  FlowLabels slack(400);
  read_text(slack, std::string(kHeader) + "10.0.0.1,10.0.0.2,5000,53,17,100,200,first\n"
                                          "10.0.0.1,10.0.0.2,5000,53,17,1000,1100,second\n");
  EXPECT_EQ(slack.label(udp(500, "10.0.0.1", 5000, "10.0.0.2", 53)), "first");   // 300 after, 500 before
  EXPECT_EQ(slack.label(udp(700, "10.0.0.1", 5000, "10.0.0.2", 53)), "second");  // 500 after, 300 before
  EXPECT_EQ(slack.label(udp(1600, "10.0.0.1", 5000, "10.0.0.2", 53)), "");       // 500 past the last
}

TEST(FlowLabels, BadFilesAreRejectedWithTheirLine) {
  EXPECT_EQ(error_of(""), "t.csv:1: empty: a header row naming SRC_IP, DST_IP, SRC_PORT, DST_PORT, L4_PROTO, START_TIME, "
                          "END_TIME expected");
  EXPECT_NE(error_of("SRC_IP,DST_IP,SRC_PORT,DST_PORT,START_TIME,END_TIME,APP\n").find("t.csv:1: no L4_PROTO column"),
            std::string::npos);
  EXPECT_NE(error_of(std::string("# c\n") + kHeader, "LABEL").find("t.csv:2: no LABEL column"), std::string::npos);
  EXPECT_EQ(error_of(std::string(kHeader) + "10.0.0.1,10.0.0.2,5000,53,17,100,200\n"), "t.csv:2: 7 fields, the header has 8");
  EXPECT_EQ(error_of(std::string(kHeader) + "\n10.0.0.1,10.0.0.2,70000,53,17,100,200,x\n"),
            "t.csv:3: SRC_PORT, DST_PORT: ports 0-65535 expected");
  EXPECT_EQ(error_of(std::string(kHeader) + "10.0.0.1,host,5000,53,17,100,200,x\n"),
            "t.csv:2: SRC_IP, DST_IP: IPv4 or IPv6 addresses expected");
  EXPECT_EQ(error_of(std::string(kHeader) + "10.0.0.1,10.0.0.2,5000,53,300,100,200,x\n"),
            "t.csv:2: L4_PROTO: an IP protocol number 0-255 expected");
  EXPECT_EQ(error_of(std::string(kHeader) + "10.0.0.1,10.0.0.2,5000,53,17,200,100,x\n"),
            "t.csv:2: START_TIME, END_TIME: ns since the epoch expected, the end not before the start");
  EXPECT_EQ(error_of(std::string(kHeader) + "10.0.0.1,10.0.0.2,5000,53,17,100,200,\n"), "t.csv:2: APP: an empty label");
}

TEST(FlowLabels, ActiveFlowsAreKnownFromStartToRecord) {
  ActiveFlowLabels live;
  FlowRecord r;
  r.src = ip("10.0.0.1"), r.dst = ip("10.0.0.2"), r.src_port = 5000, r.dst_port = 53, r.l4_proto = 17, r.app = "dns";
  EXPECT_EQ(live.label(udp(0, "10.0.0.2", 53, "10.0.0.1", 5000)), "");
  live.started(r);
  live.started(r);  // the same key twice at once
  EXPECT_EQ(live.label(udp(0, "10.0.0.2", 53, "10.0.0.1", 5000)), "dns");
  live.write(r);
  EXPECT_EQ(live.label(udp(0, "10.0.0.2", 53, "10.0.0.1", 5000)), "dns");
  live.write(r);
  EXPECT_EQ(live.label(udp(0, "10.0.0.2", 53, "10.0.0.1", 5000)), "");
}

TEST(FlowLabels, CicFlowsTakeTheirTruthLabelOrTheDefault) {
  FlowLabels labels;
  // The truth flow begins at the flow's second packet: the first finds none, the second labels it.
  labels.add(label_key(ip("10.0.0.1"), 5000, ip("10.0.0.2"), 53, 17), 2000, 3000, "dns");
  CicOptions o;
  o.mode = CicMode::kCorrected;
  o.labeler = &labels;
  o.default_label = "OTHER";
  std::vector<std::string> got;
  std::vector<std::string> ids;
  CicMeter meter(o, [&](const CicFeatures& f) {
    got.emplace_back(f.label);
    ids.push_back(f.flow_id);
  });
  meter.add(udp(1000, "10.0.0.1", 5000, "10.0.0.2", 53));
  meter.add(udp(2500, "10.0.0.2", 53, "10.0.0.1", 5000));
  meter.add(udp(1500, "10.0.0.3", 5000, "10.0.0.2", 53));  // no truth flow
  meter.add(echo(1600, "10.0.0.3", "10.0.0.2", 8, 9));
  meter.finish();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(ids[0], "10.0.0.1-10.0.0.2-5000-53-17");
  EXPECT_EQ(got[0], "dns");
  EXPECT_EQ(got[1], "OTHER");
  // corrected keys ICMP as the report does: Src Port the echo identifier, Dst Port type * 256 + code.
  EXPECT_EQ(ids[2], "10.0.0.3-10.0.0.2-9-2048-1");
  EXPECT_EQ(got[2], "OTHER");

  std::string row;
  CicFeatures f;
  f.label = "dns";
  append_cic_row(row, f, CicMode::kHead);
  EXPECT_EQ(row.substr(row.size() - 5), ",dns\n");
  row.clear();
  f.label = {};
  append_cic_row(row, f, CicMode::kHead);
  EXPECT_EQ(row.substr(row.size() - 17), ",NeedManualLabel\n");
}

}  // namespace
}  // namespace flowreplay
