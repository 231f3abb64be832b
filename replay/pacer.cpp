// SPDX-License-Identifier: MIT
#include "flowreplay/replay/pacer.hpp"

#include "flowreplay/core/stop.hpp"

namespace flowreplay {

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
  while (now < due && !stop_requested()) now = clock_.now();  // a stop ends the wait at once
  return now > due ? now - due : 0;
}

}  // namespace flowreplay
