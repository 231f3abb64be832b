// SPDX-License-Identifier: MIT
#include "flowreplay/replay/paced_sink.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flowreplay {
namespace {

// A clock that advances 1 ns per reading (so the pacer's spin ends) and jumps when asked to sleep.
class StepClock : public Clock {
 public:
  Timestamp now() override { return ++t; }
  void sleep_until(Timestamp when) override {
    if (when > t) t = when;
  }
  Timestamp t = 1'000'000'000;
};

// True when `at` is `due` or a few readings of the clock after it.
bool on_time(Timestamp at, Timestamp due) { return at >= due && at < due + 50; }

// Records what it was asked, and when.
class LogSink : public FlowRecordSink {
 public:
  explicit LogSink(const StepClock& c) : clock_(c) {}
  void write(const FlowRecord& r) override {
    log.push_back("write " + std::to_string(r.end));
    times.push_back(clock_.t);
  }
  void flush() override { log.push_back("flush"); }
  void finish() override { log.push_back("finish"); }
  [[nodiscard]] std::uint32_t records_for(const FlowRecord& r) const override { return r.packets_rev > 0 ? 2 : 1; }
  std::vector<std::string> log;
  std::vector<Timestamp> times;  // of the writes

 private:
  const StepClock& clock_;
};

FlowRecord record(Timestamp end, std::uint64_t packets_rev) {
  FlowRecord r;
  r.end = end;
  r.packets_rev = packets_rev;
  return r;
}

TEST(PacedRecordSink, RateCountsTheInnerSinksRecords) {
  StepClock clock;
  LogSink inner(clock);
  PacedRecordSink paced(inner, clock, {Pacing::Mode::kRate, 1000, 1});  // 1 ms per record
  paced.write(record(5, 1));  // two records: the next one is due 2 ms after the first
  paced.write(record(6, 0));
  paced.write(record(7, 0));
  paced.finish();
  const std::vector<std::string> want = {"write 5", "write 6", "write 7", "finish"};
  EXPECT_EQ(inner.log, want);
  ASSERT_EQ(inner.times.size(), 3u);
  const Timestamp t0 = inner.times[0];
  EXPECT_TRUE(on_time(inner.times[1], t0 + 2 * kNanosPerMilli)) << inner.times[1] - t0;
  EXPECT_TRUE(on_time(inner.times[2], t0 + 3 * kNanosPerMilli)) << inner.times[2] - t0;
}

TEST(PacedRecordSink, RealtimeFlushesThenWaitsForTheFlowsEnd) {
  StepClock clock;
  LogSink inner(clock);
  PacedRecordSink paced(inner, clock, {Pacing::Mode::kRealtime, 0, 2.0});  // twice as fast
  paced.write(record(10 * kNanosPerSecond, 0));
  paced.write(record(10 * kNanosPerSecond, 0));  // due at once: no flush, it joins the first
  paced.write(record(14 * kNanosPerSecond, 0));  // 4 s of trace: 2 s later, after a flush
  const std::vector<std::string> want = {"write 10000000000", "write 10000000000", "flush", "write 14000000000"};
  EXPECT_EQ(inner.log, want);
  ASSERT_EQ(inner.times.size(), 3u);
  EXPECT_TRUE(on_time(inner.times[2], inner.times[0] + 2 * kNanosPerSecond)) << inner.times[2] - inner.times[0];
}

class CountingPacketSink : public PacketSink {
 public:
  explicit CountingPacketSink(const StepClock& c) : clock_(c) {}
  std::uint8_t* reserve(std::size_t max_len) override {
    buf_.resize(max_len);
    return buf_.data();
  }
  void commit(Timestamp ts, std::size_t len) override {
    commits.emplace_back(ts, clock_.t);
    bytes_ += len;
  }
  void finish() override {}
  [[nodiscard]] std::uint64_t bytes_written() const override { return bytes_; }
  std::vector<std::pair<Timestamp, Timestamp>> commits;  // (packet time, clock at commit)

 private:
  const StepClock& clock_;
  std::vector<std::uint8_t> buf_;
  std::uint64_t bytes_ = 0;
};

TEST(PacedPacketSink, PacketsLeaveAtTheirTimestamps) {
  StepClock clock;
  CountingPacketSink inner(clock);
  PacedPacketSink paced(inner, clock, {Pacing::Mode::kRealtime, 0, 1.0});
  for (Timestamp ts : {Timestamp{500}, Timestamp{800}, Timestamp{5'000'500}}) {
    paced.reserve(64);
    paced.commit(ts, 64);
  }
  ASSERT_EQ(inner.commits.size(), 3u);
  const Timestamp t0 = inner.commits[0].second;
  EXPECT_TRUE(on_time(inner.commits[1].second, t0 + 300)) << inner.commits[1].second - t0;
  EXPECT_TRUE(on_time(inner.commits[2].second, t0 + 5'000'000)) << inner.commits[2].second - t0;
  EXPECT_EQ(paced.bytes_written(), 192u);
}

}  // namespace
}  // namespace flowreplay
