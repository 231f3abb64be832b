// SPDX-License-Identifier: MIT
// Paces events to their trace timestamps: event i is due at wall0 + (ts_i - ts_0) / multiplier,
// an absolute deadline from the start, so errors never accumulate (tcpreplay's relative sleeps
// drift; see shared/specs/perf.md section 6). It sleeps while the deadline is far, then spins on
// the monotonic clock for the last stretch.
#pragma once

#include <cstdint>

#include "flowreplay/units.hpp"

namespace flowreplay {

// The clock the pacer reads and sleeps on; tests inject a fake one.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() = 0;                  // monotonic ns
  virtual void sleep_until(Timestamp when) = 0;  // may return early
};

class MonotonicClock : public Clock {
 public:
  Timestamp now() override;
  void sleep_until(Timestamp when) override;
};

class Pacer {
 public:
  static constexpr Duration kSpin = 100 * kNanosPerMicro;  // spin instead of sleeping this close

  // multiplier > 0: 2 plays twice as fast as recorded.
  Pacer(Clock& clock, double multiplier);

  // Waits until the event stamped `trace_time` is due; the first call sets the origin.
  // Returns how late the event is released (ns, >= 0).
  Duration wait(Timestamp trace_time);

 private:
  Clock& clock_;
  double multiplier_;
  bool started_ = false;
  Timestamp trace0_ = 0;
  Timestamp wall0_ = 0;
};

}  // namespace flowreplay
