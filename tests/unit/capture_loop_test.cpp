// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/capture_loop.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/ingest/flow_meter.hpp"

namespace flowreplay {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Ethernet + IPv4 (20 bytes) + UDP (8 bytes) + payload, addresses 10.0.0.a -> 10.0.0.b.
Bytes udp_frame(std::uint8_t a, std::uint16_t sport, std::uint8_t b, std::uint16_t dport, std::size_t payload) {
  Bytes f;
  auto u8 = [&](unsigned v) { f.push_back(static_cast<std::uint8_t>(v)); };
  auto u16 = [&](unsigned v) { u8(v >> 8), u8(v); };
  for (int i = 0; i < 12; ++i) u8(0x02);  // MAC addresses
  u16(0x0800);
  u8(0x45), u8(0), u16(static_cast<unsigned>(20 + 8 + payload)), u16(0), u16(0), u8(64), u8(17), u16(0);
  u8(10), u8(0), u8(0), u8(a), u8(10), u8(0), u8(0), u8(b);
  u16(sport), u16(dport), u16(static_cast<unsigned>(8 + payload)), u16(0);
  f.resize(f.size() + payload, 0x5a);
  return f;
}

class MemorySource : public FrameSource {
 public:
  MemorySource(int link, std::vector<std::pair<Timestamp, Bytes>> frames) : link_(link), frames_(std::move(frames)) {}
  bool next(CapturedFrame& frame) override {
    if (i_ == frames_.size()) return false;
    const auto& [ts, bytes] = frames_[i_++];
    frame.ts = ts;
    frame.data = bytes.data();
    frame.caplen = frame.origlen = static_cast<std::uint32_t>(bytes.size());
    return true;
  }
  [[nodiscard]] int link_type() const override { return link_; }

 private:
  int link_;
  std::vector<std::pair<Timestamp, Bytes>> frames_;
  std::size_t i_ = 0;
};

std::vector<std::pair<Timestamp, Bytes>> sample_frames() {
  constexpr Timestamp kMs = kNanosPerMilli;
  return {
      {1000 * kMs, udp_frame(1, 5000, 2, 53, 10)},  // flow A forward
      {1001 * kMs, udp_frame(2, 53, 1, 5000, 20)},  // flow A reverse
      {1002 * kMs, Bytes(10, 0)},                   // shorter than an Ethernet header
      {1003 * kMs, udp_frame(3, 6000, 4, 123, 48)}, // flow B
      {1004 * kMs, udp_frame(1, 5000, 2, 53, 10)},  // flow A forward
      {1005 * kMs, udp_frame(2, 53, 1, 5000, 20)},  // flow A reverse
      {1006 * kMs, udp_frame(1, 5000, 2, 53, 10)},  // flow A forward
  };
}

std::vector<FlowRecord> records_alone() {
  MemorySource source(kLinkEthernet, sample_frames());
  std::vector<FlowRecord> out;
  FlowMeter meter(MeterOptions{}, [&](const FlowRecord& r) { out.push_back(r); });
  PacketMeter* meters[] = {&meter};
  run_capture(source, meters);
  return out;
}

std::vector<std::string> features_alone() {
  MemorySource source(kLinkEthernet, sample_frames());
  std::vector<std::string> out;
  CicMeter meter(CicOptions{}, [&](const CicFeatures& f) {
    std::string row;
    append_cic_row(row, f, CicMode::kHead);
    out.push_back(row);
  });
  PacketMeter* meters[] = {&meter};
  run_capture(source, meters);
  return out;
}

TEST(CaptureLoop, CountsSkipsAndFindsTheFirstPacket) {
  MemorySource source(kLinkEthernet, sample_frames());
  std::vector<FlowRecord> records;
  FlowMeter meter(MeterOptions{}, [&](const FlowRecord& r) { records.push_back(r); });
  PacketMeter* meters[] = {&meter};
  Timestamp first = 0;
  CaptureCallbacks cb;
  cb.on_first = [&](Timestamp t) { first = t; };
  const CaptureStats s = run_capture(source, meters, cb);
  EXPECT_EQ(s.frames, 7u);
  EXPECT_EQ(s.decode.decoded, 6u);
  EXPECT_EQ(s.decode.skipped_total(), 1u);
  EXPECT_EQ(s.decode.skipped[static_cast<std::size_t>(SkipReason::kTruncatedLink)], 1u);
  EXPECT_EQ(first, 1000 * kNanosPerMilli);
  EXPECT_FALSE(s.truncated);

  ASSERT_EQ(records.size(), 2u);  // both end with the input, in order of start
  const FlowRecord& a = records[0];
  EXPECT_EQ(a.src.to_string(), "10.0.0.1");
  EXPECT_EQ(a.src_port, 5000);
  EXPECT_EQ(a.packets, 3u);
  EXPECT_EQ(a.bytes, 3u * 38u);  // L3: 20 + 8 + 10
  EXPECT_EQ(a.packets_rev, 2u);
  EXPECT_EQ(a.bytes_rev, 2u * 48u);
  EXPECT_EQ(a.end_reason, EndReason::kForcedEnd);
  EXPECT_EQ(records[1].bytes, 76u);
}

TEST(CaptureLoop, OnePassFeedsFeaturesAndRecordsAlike) {
  MemorySource source(kLinkEthernet, sample_frames());
  std::vector<FlowRecord> records;
  std::vector<std::string> rows;
  FlowMeter flows(MeterOptions{}, [&](const FlowRecord& r) { records.push_back(r); });
  CicMeter features(CicOptions{}, [&](const CicFeatures& f) {
    std::string row;
    append_cic_row(row, f, CicMode::kHead);
    rows.push_back(row);
  });
  PacketMeter* meters[] = {&features, &flows};
  run_capture(source, meters);

  const auto alone = records_alone();
  ASSERT_EQ(records.size(), alone.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].src, alone[i].src);
    EXPECT_EQ(records[i].packets, alone[i].packets);
    EXPECT_EQ(records[i].bytes_rev, alone[i].bytes_rev);
  }
  EXPECT_EQ(rows, features_alone());
  ASSERT_EQ(rows.size(), 1u);  // flow B has one packet: head mode leaves it out, as CICFlowMeter does
  // Flow A's CIC row: 3 forward and 2 backward packets (columns 9 and 10 of the CSV).
  EXPECT_NE(rows[0].find(",6000,3,2,"), std::string::npos) << rows[0];
}

TEST(CaptureLoop, UnknownLinkTypeIsAnError) {
  MemorySource source(147, {});  // LINKTYPE_USER0
  EXPECT_THROW(require_supported_link(source, "x.pcap"), IoError);
  MemorySource ethernet(kLinkEthernet, {});
  EXPECT_NO_THROW(require_supported_link(ethernet, "x.pcap"));
}

}  // namespace
}  // namespace flowreplay
