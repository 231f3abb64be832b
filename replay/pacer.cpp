// SPDX-License-Identifier: MIT
#include "flowreplay/replay/pacer.hpp"

#include <sched.h>

#include <cerrno>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"

namespace flowreplay {

void use_realtime_scheduling(const std::string& what) {
  sched_param param{};
  param.sched_priority = kRealtimePriority;
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
    throw IoError(what, "--realtime: cannot switch to SCHED_FIFO (needs root or CAP_SYS_NICE)", errno);
  }
}

Timestamp wait_until(Clock& clock, Timestamp due) {
  Timestamp now = clock.now();
  if (due - now > Pacer::kSpin) {
    clock.sleep_until(due - Pacer::kSpin);
    now = clock.now();
  }
  while (now < due && !stop_requested()) now = clock.now();  // a stop ends the wait at once
  return now;
}

Pacer::Pacer(Clock& clock, double multiplier) : clock_(clock), multiplier_(multiplier > 0 ? multiplier : 1.0) {}

Duration Pacer::wait(Timestamp trace_time) {
  if (!started_) {
    started_ = true;
    trace0_ = trace_time;
    wall0_ = clock_.now();
    return 0;
  }
  const Timestamp due = due_at(trace_time);
  const Timestamp now = wait_until(clock_, due);
  return now > due ? now - due : 0;
}

bool Pacer::would_wait(Timestamp trace_time) { return started_ && due_at(trace_time) > clock_.now(); }

Timestamp Pacer::due_at(Timestamp trace_time) const {
  return wall0_ + static_cast<Duration>(static_cast<double>(trace_time - trace0_) / multiplier_);
}

}  // namespace flowreplay
