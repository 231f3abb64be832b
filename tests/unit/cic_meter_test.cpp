// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/cic/cic_meter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace flowreplay {
namespace {

RawPacket tcp(Timestamp ms, const char* src, std::uint16_t sp, const char* dst, std::uint16_t dp, std::uint8_t flags,
              std::uint32_t payload) {
  RawPacket p;
  p.ts = ms * kNanosPerMilli;
  p.src = *IpAddress::parse(src);
  p.dst = *IpAddress::parse(dst);
  p.src_port = sp;
  p.dst_port = dp;
  p.protocol = 6;
  p.header_len = 20;
  p.payload_len = payload;
  p.tcp_flags = flags;
  p.window = 1000;
  return p;
}

// The windowed API of the flowmeter seed: directions from the first packet by time, then one
// feature vector per flow, whatever order the window's packets come in.
TEST(CicApi, DirectionsAndOneVectorPerFlow) {
  std::vector<RawPacket> raw = {
      tcp(5, "10.0.0.2", 80, "10.0.0.1", 4000, 0x12, 0),      // SYN-ACK (listed first, later in time)
      tcp(0, "10.0.0.1", 4000, "10.0.0.2", 80, 0x02, 0),      // SYN: the first by time
      tcp(6, "10.0.0.1", 4000, "10.0.0.2", 80, 0x18, 100),
      tcp(1, "10.0.0.7", 5000, "10.0.0.8", 443, 0x02, 0),     // another flow
      tcp(9, "10.0.0.8", 443, "10.0.0.7", 5000, 0x12, 0),
  };
  const auto infos = to_packet_infos(raw);
  ASSERT_EQ(infos.size(), 5u);
  EXPECT_FALSE(infos[0].forward);
  EXPECT_TRUE(infos[1].forward);
  EXPECT_TRUE(infos[2].forward);
  EXPECT_TRUE(infos[3].forward);
  EXPECT_FALSE(infos[4].forward);

  CicOptions opt;
  opt.mode = CicMode::kCorrected;
  const auto flows = process_packets(infos, opt);
  ASSERT_EQ(flows.size(), 2u);
  const auto& a = flows[0].features.flow_id == "10.0.0.1-10.0.0.2-4000-80-6" ? flows[0] : flows[1];
  EXPECT_EQ(a.features.flow_id, "10.0.0.1-10.0.0.2-4000-80-6");
  EXPECT_EQ(a.features.values[0].value, 6000);  // Flow Duration: 6 ms in µs
  EXPECT_EQ(a.features.values[1].value, 2);     // Total Fwd Packet
  EXPECT_EQ(a.features.values[2].value, 1);     // Total Bwd packets
  EXPECT_EQ(a.features.values[3].value, 100);   // Total Length of Fwd Packet
  EXPECT_EQ(a.key, FlowKey::of(*IpAddress::parse("10.0.0.2"), 80, *IpAddress::parse("10.0.0.1"), 4000, 6));
}

TEST(CicMeter, HeaderHas84Columns) {
  for (CicMode m : {CicMode::kHead, CicMode::k2020, CicMode::k2018, CicMode::kCorrected}) {
    const auto h = cic_header(m);
    EXPECT_EQ(std::count(h.begin(), h.end(), ','), 83) << cic_mode_name(m);
  }
  EXPECT_EQ(kCicValueColumns, 84u - 8u);  // Flow ID .. Timestamp and Label are not values
}

}  // namespace
}  // namespace flowreplay
