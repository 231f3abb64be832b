// SPDX-License-Identifier: MIT
// Clocks are injected wherever time is read, so outputs stay deterministic and tests can drive
// time by hand. Values are ns: monotonic (an arbitrary origin) for pacing, epoch for wall time.
#pragma once

#include "flowreplay/core/units.hpp"

namespace flowreplay {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() = 0;                   // ns
  virtual void sleep_until(Timestamp when) = 0;  // may return early
};

// CLOCK_MONOTONIC: what pacing waits on.
class MonotonicClock : public Clock {
 public:
  Timestamp now() override;
  void sleep_until(Timestamp when) override;
};

// CLOCK_REALTIME, ns since the epoch: for outputs that ask for wall time (IPFIX --export-time wall).
class WallClock : public Clock {
 public:
  Timestamp now() override;
  void sleep_until(Timestamp when) override;
};

}  // namespace flowreplay
