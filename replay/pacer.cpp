// SPDX-License-Identifier: MIT
#include "flowreplay/pacer.hpp"

#include <time.h>

#include <cerrno>

namespace flowreplay {

Timestamp MonotonicClock::now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Timestamp>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

void MonotonicClock::sleep_until(Timestamp when) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(when / kNanosPerSecond);
  ts.tv_nsec = static_cast<long>(when % kNanosPerSecond);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

Pacer::Pacer(Clock& clock, double multiplier) : clock_(clock), multiplier_(multiplier > 0 ? multiplier : 1.0) {}

Duration Pacer::wait(Timestamp trace_time) {
  if (!started_) {
    started_ = true;
    trace0_ = trace_time;
    wall0_ = clock_.now();
    return 0;
  }
  const auto offset = static_cast<Duration>(static_cast<double>(trace_time - trace0_) / multiplier_);
  const Timestamp due = wall0_ + offset;
  Timestamp now = clock_.now();
  if (due - now > kSpin) {
    clock_.sleep_until(due - kSpin);
    now = clock_.now();
  }
  while (now < due) now = clock_.now();
  return now - due;
}

}  // namespace flowreplay
