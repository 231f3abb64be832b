// SPDX-License-Identifier: MIT
#include "flowreplay/core/clock.hpp"

#include "flowreplay/core/stop.hpp"

#include <time.h>

#include <cerrno>

namespace flowreplay {

namespace {

Timestamp read(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<Timestamp>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

// Sleeps to `when`; a signal that asked to stop (core/stop.hpp) ends the sleep early.
void sleep_on(clockid_t id, Timestamp when) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(when / kNanosPerSecond);
  ts.tv_nsec = static_cast<long>(when % kNanosPerSecond);
  while (clock_nanosleep(id, TIMER_ABSTIME, &ts, nullptr) == EINTR && !stop_requested()) {
  }
}

}  // namespace

Timestamp MonotonicClock::now() { return read(CLOCK_MONOTONIC); }
void MonotonicClock::sleep_until(Timestamp when) { sleep_on(CLOCK_MONOTONIC, when); }
Timestamp WallClock::now() { return read(CLOCK_REALTIME); }
void WallClock::sleep_until(Timestamp when) { sleep_on(CLOCK_REALTIME, when); }

}  // namespace flowreplay
