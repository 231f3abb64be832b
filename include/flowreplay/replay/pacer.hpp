// SPDX-License-Identifier: MIT
// Paces events to their trace timestamps: event i is due at wall0 + (ts_i - ts_0) / multiplier,
// an absolute deadline from the start, so errors never accumulate (tcpreplay's relative sleeps
// drift). It sleeps while the deadline is far, then spins on the clock for the last stretch.
#pragma once

#include <string>

#include "flowreplay/core/clock.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

// Waits on `clock` until `due` (sleeping while it is far, spinning for the last Pacer::kSpin); a
// stop request ends the wait at once. Returns the clock's time at release.
Timestamp wait_until(Clock& clock, Timestamp due);

// Real-time scheduling for the calling (sending) thread: SCHED_FIFO at kRealtimePriority, as
// `chrt -f 50`, so the kernel runs it the moment a sleep ends, ahead of ordinary threads. Worth it
// where the thread mostly sleeps (sparse traffic at its timing); a thread that spins for most of
// each second is stopped by the kernel's real-time throttling instead. Needs root or
// CAP_SYS_NICE: IoError naming `what` otherwise.
inline constexpr int kRealtimePriority = 50;
void use_realtime_scheduling(const std::string& what);

class Pacer {
 public:
  static constexpr Duration kSpin = 1000 * kNanosPerMicro;  // spin instead of sleeping this close

  // multiplier > 0: 2 plays twice as fast as recorded.
  Pacer(Clock& clock, double multiplier);

  // Waits until the event stamped `trace_time` is due; the first call sets the origin.
  // Returns how late the event is released (ns, >= 0).
  Duration wait(Timestamp trace_time);
  // Whether wait(trace_time) would have to wait (false before the first event).
  [[nodiscard]] bool would_wait(Timestamp trace_time);

 private:
  [[nodiscard]] Timestamp due_at(Timestamp trace_time) const;

  Clock& clock_;
  double multiplier_;
  bool started_ = false;
  Timestamp trace0_ = 0;
  Timestamp wall0_ = 0;
};

}  // namespace flowreplay
