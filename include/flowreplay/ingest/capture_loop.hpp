// SPDX-License-Identifier: MIT
// The capture loop every ingest command shares: frames from a FrameSource are decoded once and
// handed to any set of meters in one pass (CIC features, flow records and a profile from the same
// read). Skipped frames are counted by reason; a truncated input ends the loop with what was read.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "flowreplay/core/frame_source.hpp"
#include "flowreplay/ingest/raw_packet.hpp"

namespace flowreplay {

// Anything that consumes decoded packets in capture order: the CIC meter, the flow meter.
class PacketMeter {
 public:
  virtual ~PacketMeter() = default;
  virtual void add(const RawPacket& packet) = 0;
  // The input is over: every open flow ends.
  virtual void finish() = 0;
};

struct CaptureStats {
  std::uint64_t frames = 0;
  DecodeStats decode;
  Timestamp first = 0;  // the first decoded packet's time
  bool truncated = false;
  std::string truncation;  // why, when truncated
  bool interrupted = false;  // a stop was requested (core/stop.hpp): the rest of the input was not read
  double wall_seconds = 0;
};

struct CaptureCallbacks {
  // Sees the first decoded packet's time before any meter gets the packet.
  std::function<void(Timestamp)> on_first;
  // Called about every million frames with the running counts (for progress lines).
  std::function<void(const CaptureStats&)> on_progress;
};

// IoError (naming `input`) when the decoder does not know the source's link type. Commands call
// it right after opening an input, so a bad input fails before any output is made.
void require_supported_link(const FrameSource& source, const std::string& input);

// Reads the whole source into the meters, then finishes them. Exceptions from a meter (a sink's
// IoError) end the run and propagate.
CaptureStats run_capture(FrameSource& source, std::span<PacketMeter* const> meters,
                         const CaptureCallbacks& callbacks = {});

}  // namespace flowreplay
