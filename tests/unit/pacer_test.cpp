// SPDX-License-Identifier: MIT
#include "flowreplay/replay/pacer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flowreplay {
namespace {

// A clock that advances 1 us per reading and jumps to the requested time when asked to sleep.
class FakeClock : public Clock {
 public:
  Timestamp now() override { return t_ += 1000; }
  void sleep_until(Timestamp when) override {
    sleeps.push_back(when);
    if (when > t_) t_ = when;
  }
  std::vector<Timestamp> sleeps;

 private:
  Timestamp t_ = 5'000'000'000;
};

TEST(Pacer, AbsoluteDeadlinesScaledByTheMultiplier) {
  FakeClock clock;
  Pacer pacer(clock, 2.0);
  EXPECT_EQ(pacer.wait(100 * kNanosPerSecond), 0);  // sets the origin at wall 5.000001 s
  // 10 ms of trace at x2 is due 5 ms after the origin: sleep to kSpin before it, then spin.
  const Duration late = pacer.wait(100 * kNanosPerSecond + 10 * kNanosPerMilli);
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_EQ(clock.sleeps[0], 5'000'001'000 + 5 * kNanosPerMilli - Pacer::kSpin);
  EXPECT_GE(late, 0);
  EXPECT_LT(late, 1000);
  // An event already due is released at once.
  EXPECT_EQ(clock.sleeps.size(), 1u);
}

TEST(MonotonicClock, SleepsUntilTheDeadline) {
  MonotonicClock clock;
  const Timestamp start = clock.now();
  clock.sleep_until(start + 2 * kNanosPerMilli);
  EXPECT_GE(clock.now() - start, 2 * kNanosPerMilli);
}

}  // namespace
}  // namespace flowreplay
