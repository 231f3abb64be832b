// SPDX-License-Identifier: MIT
#include "flowreplay/synth/synthesizer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flowreplay {
namespace {

class MemorySink : public PacketSink {
 public:
  std::uint8_t* reserve(std::size_t max_len) override {
    buf_.resize(max_len);
    return buf_.data();
  }
  void commit(Timestamp ts, std::size_t len) override { frames.push_back({ts, len}); }
  void finish() override { finished = true; }
  [[nodiscard]] std::uint64_t bytes_written() const override { return 0; }

  struct Frame {
    Timestamp ts;
    std::size_t len;
  };
  std::vector<Frame> frames;
  bool finished = false;

 private:
  std::vector<std::uint8_t> buf_;
};

class MemoryRecords : public FlowRecordSink {
 public:
  void write(const FlowRecord& r) override { records.push_back(r); }
  void finish() override {}
  std::vector<FlowRecord> records;
};

TEST(Synthesizer, OrderedStreamThatRespectsTheLink) {
  GenConfig c = default_gen_config();
  c.max_flows = 3000;
  c.flows_per_second = 200000;  // dense enough that the 1 Gb/s link is busy
  c.link_bps = 1e9;
  MixFlowSource source(c, *c.flows_per_second, c.seed);
  MemorySink sink;
  MemoryRecords records;
  Synthesizer synth(c, source, sink, &records);
  const SynthStats s = synth.run();
  EXPECT_TRUE(sink.finished);
  ASSERT_EQ(s.packets, sink.frames.size());
  EXPECT_EQ(s.flows, 3000u);
  EXPECT_EQ(records.records.size(), 3000u);
  for (std::size_t i = 1; i < sink.frames.size(); ++i) {
    // A frame starts no sooner than the previous one has left a 1 Gb/s wire:
    // (max(len, 60) + 24) bytes * 8 ns.
    const auto& prev = sink.frames[i - 1];
    const Duration wire = static_cast<Duration>((std::max<std::size_t>(prev.len, 60) + 24) * 8);
    ASSERT_GE(sink.frames[i].ts - prev.ts, wire) << "frame " << i;
  }
  std::uint64_t packets = 0;
  for (const auto& r : records.records) {
    packets += r.packets + r.packets_rev;
    EXPECT_LE(r.start, r.end);
    EXPECT_FALSE(r.app.empty());
  }
  EXPECT_EQ(packets, s.packets);
}

TEST(Synthesizer, BandwidthBecomesFlowRate) {
  GenConfig c = default_gen_config();
  c.flows_per_second.reset();
  c.bandwidth_bps = 1e9;
  const double mean_bytes = mean_flow_frame_bytes(c, 2000);
  EXPECT_GT(mean_bytes, 1000);
  EXPECT_NEAR(effective_flows_per_second(c), 1e9 / (mean_bytes * 8), 1e-6);
}

}  // namespace
}  // namespace flowreplay
