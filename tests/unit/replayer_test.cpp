// SPDX-License-Identifier: MIT
// The replayer's schedule on a hand-driven clock: every departure is checked against a deadline
// worked out here from the frames' timestamps, the rate or the loop delay.
#include "flowreplay/replay/replayer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

namespace flowreplay {
namespace {

constexpr Duration kStep = 100;  // ns the fake clock advances per reading

// A clock that advances kStep per reading and jumps to the requested time when asked to sleep.
class FakeClock : public Clock {
 public:
  Timestamp now() override { return t_ += kStep; }
  void sleep_until(Timestamp when) override {
    if (when > t_) t_ = when;
  }

 private:
  Timestamp t_ = 7'000'000'000;
};

// Records each frame with the clock's time when it was sent, and the size of each send call.
class RecordingSender : public InterfaceSender {
 public:
  explicit RecordingSender(Clock& clock) : InterfaceSender(1), clock_(clock) {}
  [[nodiscard]] SenderKind kind() const override { return SenderKind::kAfPacket; }
  struct Sent {
    Timestamp at;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Sent> frames;
  std::vector<std::size_t> calls;

 protected:
  void send(std::span<const Frame> batch) override {
    calls.push_back(batch.size());
    for (const Frame& f : batch) {
      frames.push_back({clock_.now(), std::vector<std::uint8_t>(f.data, f.data + f.len)});
      sent(1, f.len);
    }
  }

 private:
  Clock& clock_;
};

struct TestFrame {
  Timestamp ts;
  std::vector<std::uint8_t> bytes;
  int link_type = -1;
};

class VectorSource : public FrameSource {
 public:
  explicit VectorSource(const std::vector<TestFrame>& frames) : frames_(frames) {}
  bool next(CapturedFrame& f) override {
    if (next_ >= frames_.size()) return false;
    const TestFrame& t = frames_[next_++];
    f.ts = t.ts, f.data = t.bytes.data(), f.caplen = f.origlen = static_cast<std::uint32_t>(t.bytes.size());
    f.link_type = t.link_type;
    return true;
  }
  [[nodiscard]] int link_type() const override { return 1; }

 private:
  const std::vector<TestFrame>& frames_;
  std::size_t next_ = 0;
};

std::vector<TestFrame> frames_at(const std::vector<Timestamp>& times, std::size_t size = 100) {
  std::vector<TestFrame> out;
  for (std::size_t i = 0; i < times.size(); ++i) out.push_back({times[i], std::vector<std::uint8_t>(size, static_cast<std::uint8_t>(i))});
  return out;
}

struct Outcome {
  ReplayStats stats;
  std::vector<RecordingSender::Sent> frames;
  std::vector<std::size_t> calls;
};

Outcome replay(const ReplayOptions& options, const std::vector<TestFrame>& frames) {
  FakeClock clock;
  RecordingSender sender(clock);
  Replayer replayer(options, clock, sender);
  Outcome r;
  r.stats = replayer.run(1, [&](std::size_t) { return std::make_unique<VectorSource>(frames); });
  r.frames = sender.frames;
  r.calls = sender.calls;
  return r;
}

// Each frame leaves within 1 µs of its deadline, the first frame's departure + its offset (the
// fake clock's readings between the wait and the send take a few hundred ns).
void expect_departures(const Outcome& r, const std::vector<Duration>& offsets) {
  ASSERT_EQ(r.frames.size(), offsets.size());
  const Timestamp origin = r.frames[0].at;
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(r.frames[i].at - origin), static_cast<double>(offsets[i]), 1000.0) << "frame " << i;
  }
}

constexpr Timestamp kT0 = 1'700'000'000'000'000'000;
constexpr Duration kMs = kNanosPerMilli;

TEST(Replayer, OriginalTimingScaledByTheMultiplierWithBackwardsStampsSentAtOnce) {
  ReplayOptions o;
  o.multiplier = 2;
  // 25 ms comes after 30 ms: sent right after it; the next gap counts from 30 ms.
  const Outcome r = replay(o, frames_at({kT0, kT0 + 10 * kMs, kT0 + 30 * kMs, kT0 + 25 * kMs, kT0 + 40 * kMs}));
  expect_departures(r, {0, 5 * kMs, 15 * kMs, 15 * kMs, 20 * kMs});
  EXPECT_EQ(r.stats.backwards, 1u);
  EXPECT_EQ(r.stats.packets, 5u);
  EXPECT_EQ(r.stats.bytes, 500u);
  EXPECT_EQ(r.stats.timing.count(), 5u);
  for (std::size_t i = 0; i < r.frames.size(); ++i) EXPECT_EQ(r.frames[i].bytes[0], i);  // file order
}

TEST(Replayer, PacketRateIgnoresTheTimestamps) {
  ReplayOptions o;
  o.speed = ReplaySpeed::kPps;
  o.pps = 1000;
  const Outcome r = replay(o, frames_at({kT0, kT0, kT0 + 5'000 * kMs, kT0 + 1}));
  expect_departures(r, {0, 1 * kMs, 2 * kMs, 3 * kMs});
  EXPECT_EQ(r.stats.backwards, 0u);  // not counted: the times are not used
}

TEST(Replayer, BitRateCountsFrameBytes) {
  ReplayOptions o;
  o.speed = ReplaySpeed::kMbps;
  o.mbps = 1;
  // 125-byte frames are 1000 bits: 1 ms each at 1 Mbit/s; a 250-byte frame takes 2 ms.
  std::vector<TestFrame> f = frames_at({kT0, kT0, kT0, kT0}, 125);
  f[1].bytes.resize(250);
  const Outcome r = replay(o, f);
  expect_departures(r, {0, 1 * kMs, 3 * kMs, 4 * kMs});
}

TEST(Replayer, LoopsFollowTheLastFramePlusTheLoopDelay) {
  ReplayOptions o;
  o.loops = 3;
  o.loop_delay = 1000 * kMs;
  const Outcome r = replay(o, frames_at({kT0, kT0 + 10 * kMs}));
  expect_departures(r, {0, 10 * kMs, 1010 * kMs, 1020 * kMs, 2020 * kMs, 2030 * kMs});
  EXPECT_EQ(r.stats.loops_done, 3u);
}

TEST(Replayer, LimitAndDurationStopTheRun) {
  ReplayOptions o;
  o.speed = ReplaySpeed::kPps;
  o.pps = 1000;
  o.loops = 0;  // until stopped
  o.limit = 7;
  EXPECT_EQ(replay(o, frames_at({kT0, kT0 + 1})).frames.size(), 7u);
  o.limit = 0;
  o.duration = 12 * kMs;  // frames due at 0, 1, ..., 12 ms
  const Outcome r = replay(o, frames_at({kT0, kT0 + 1, kT0 + 2}));
  EXPECT_EQ(r.frames.size(), 13u);
  EXPECT_EQ(r.stats.loops_done, 4u);  // 13 frames: four whole passes of three
}

TEST(Replayer, OversizeAndForeignLinkFramesAreSkippedAndCounted) {
  ReplayOptions o;
  o.max_frame = 1518;
  std::vector<TestFrame> f = frames_at({kT0, kT0 + 1, kT0 + 2, kT0 + 3});
  f[1].bytes.resize(1519);
  f[2].link_type = 101;  // raw IP on a pcapng interface of its own
  const Outcome r = replay(o, f);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[1].bytes[0], 3);
  EXPECT_EQ(r.stats.skipped_oversize, 1u);
  EXPECT_EQ(r.stats.skipped_link, 1u);
}

TEST(Replayer, TopSpeedSendsInBatches) {
  ReplayOptions o;
  o.speed = ReplaySpeed::kTopspeed;
  o.batch = 64;
  std::vector<Timestamp> times(150, kT0);
  const Outcome r = replay(o, frames_at(times));
  ASSERT_EQ(r.frames.size(), 150u);
  // Batches of 64, and the rest at the end.
  EXPECT_EQ(r.calls, (std::vector<std::size_t>{64, 64, 22}));
  EXPECT_EQ(r.stats.timing.count(), 0u);
}

TEST(Replayer, MemoryFramesReplayTheSameFramesEachPass) {
  const std::vector<TestFrame> f = frames_at({kT0, kT0 + 5, kT0 + 9});
  VectorSource source(f);
  const MemoryFrames memory(source);
  ASSERT_EQ(memory.size(), 3u);
  for (int pass = 0; pass < 2; ++pass) {
    const auto s = memory.open();
    CapturedFrame got;
    for (const TestFrame& want : f) {
      ASSERT_TRUE(s->next(got));
      EXPECT_EQ(got.ts, want.ts);
      EXPECT_EQ(std::vector<std::uint8_t>(got.data, got.data + got.caplen), want.bytes);
    }
    EXPECT_FALSE(s->next(got));
  }
}

TEST(TimingHistogram, QuantilesWithinTheBucketWidth) {
  TimingHistogram h;
  for (Duration v = 1; v <= 100'000; ++v) h.add(v);
  EXPECT_EQ(h.count(), 100'000u);
  EXPECT_EQ(h.max(), 100'000);
  // The exact quantiles are 50 000 and 99 000; a bucket is 1/16 of a power of two wide.
  EXPECT_GE(h.quantile(0.5), 50'000);
  EXPECT_LT(h.quantile(0.5), 50'000 * 1.07);
  EXPECT_GE(h.quantile(0.99), 99'000);
  EXPECT_LE(h.quantile(0.99), 100'000);
  EXPECT_EQ(h.quantile(1.0), 100'000);
  TimingHistogram small;
  for (Duration v : {3, 3, 9}) small.add(v);  // below 16 the buckets are exact
  EXPECT_EQ(small.quantile(0.5), 3);
  EXPECT_EQ(small.quantile(1.0), 9);
}

}  // namespace
}  // namespace flowreplay
