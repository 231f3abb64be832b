// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/capture_loop.hpp"

#include <chrono>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"

namespace flowreplay {

void require_supported_link(const FrameSource& source, const std::string& input) {
  if (!link_type_supported(source.link_type())) {
    throw IoError(input, "link type " + std::to_string(source.link_type()) +
                             " is not supported (Ethernet, Linux cooked SLL/SLL2, raw IP, BSD loopback are)", 0);
  }
}

CaptureStats run_capture(FrameSource& source, std::span<PacketMeter* const> meters, const CaptureCallbacks& callbacks) {
  constexpr std::uint64_t kProgressEvery = 0xfffff;  // frames between progress calls, minus one
  constexpr std::uint64_t kStopCheckEvery = 0xfff;
  CaptureStats stats;
  const auto wall_start = std::chrono::steady_clock::now();
  const int link_type = source.link_type();
  CapturedFrame frame;
  while (source.next(frame)) {
    if ((stats.frames & kStopCheckEvery) == 0 && stop_requested()) {
      stats.interrupted = true;
      break;
    }
    ++stats.frames;
    const int link = frame.link_type >= 0 ? frame.link_type : link_type;
    if (auto packet = decode_packet(link, frame.data, frame.caplen, frame.ts, stats.decode)) {
      if (stats.decode.decoded == 1) {
        stats.first = packet->ts;
        if (callbacks.on_first) callbacks.on_first(stats.first);
      }
      for (PacketMeter* m : meters) m->add(*packet);
    }
    if ((stats.frames & kProgressEvery) == 0 && callbacks.on_progress) callbacks.on_progress(stats);
  }
  for (PacketMeter* m : meters) m->finish();
  stats.truncated = source.truncated();
  if (stats.truncated) stats.truncation = source.truncation_message();
  stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return stats;
}

}  // namespace flowreplay
