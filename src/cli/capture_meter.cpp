// SPDX-License-Identifier: MIT
#include "capture_meter.hpp"

#include <chrono>
#include <cstdio>

#include "flowreplay/errors.hpp"
#include "flowreplay/raw_packet.hpp"

namespace flowreplay::cli {

void add_meter_options(CLI::App* app, MeterCliOptions& o, const char* active_help) {
  app->add_option("--active-timeout", o.active, active_help);
  app->add_option("--inactive-timeout", o.inactive, "A flow idle this long ends its record (default 30s)");
}

MeterOptions meter_options(const MeterCliOptions& o, const std::string& command) {
  MeterOptions mo;
  if (o.active.empty()) {  // no active timeout: a century outlasts any capture and cannot overflow
    mo.active_timeout = Duration{100} * 365 * 24 * 3600 * kNanosPerSecond;
  }
  const auto active = o.active.empty() ? std::optional<Duration>(mo.active_timeout) : parse_duration(o.active);
  const auto inactive = parse_duration(o.inactive);
  if (!active || *active == 0) {
    throw UsageError(command + ": --active-timeout expects a duration like 300s, got '" + o.active + "'");
  }
  if (!inactive || *inactive == 0) {
    throw UsageError(command + ": --inactive-timeout expects a duration like 30s, got '" + o.inactive + "'");
  }
  mo.active_timeout = *active;
  mo.inactive_timeout = *inactive;
  return mo;
}

std::unique_ptr<PcapReader> open_capture(const std::string& input) {
  auto reader = std::make_unique<PcapReader>(input);
  if (!link_type_supported(reader->link_type())) {
    throw IoError(input, "link type " + std::to_string(reader->link_type()) + " is not supported", 0);
  }
  return reader;
}

MeteredCapture meter_capture(PcapReader& reader, const MeterOptions& options,
                             const std::function<void(Timestamp)>& on_first,
                             const std::function<void(const FlowRecord&)>& sink) {
  MeteredCapture m;
  const auto wall_start = std::chrono::steady_clock::now();
  FlowMeter meter(options, sink);
  DecodeStats stats;
  CapturedFrame frame;
  while (reader.next(frame)) {
    ++m.frames;
    if (auto pkt = decode_packet(reader.link_type(), frame.data, frame.caplen, frame.ts, stats)) {
      if (stats.decoded == 1) {
        m.first = pkt->ts;
        if (on_first) on_first(m.first);
      }
      meter.add(*pkt);
    }
  }
  meter.finish();
  m.decoded = stats.decoded;
  m.skipped = stats.skipped_total();
  m.records = meter.records();
  m.truncated = reader.truncated();
  if (m.truncated) m.truncation = reader.truncation_message();
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return m;
}

bool report_metered(const MeteredCapture& m, const std::string& input, const char* command, bool quiet) {
  if (m.truncated) {
    std::fprintf(stderr, "flowreplay %s: warning: %s: %s; the %llu packets before it were used\n", command,
                 input.c_str(), m.truncation.c_str(), static_cast<unsigned long long>(m.frames));
  }
  if (!quiet) {
    std::fprintf(stderr, "flowreplay %s: %llu packets read, %llu decoded, %llu skipped; %llu flow records in %.2f s\n",
                 command, static_cast<unsigned long long>(m.frames), static_cast<unsigned long long>(m.decoded),
                 static_cast<unsigned long long>(m.skipped), static_cast<unsigned long long>(m.records),
                 m.wall_seconds);
  }
  return !m.truncated;
}

}  // namespace flowreplay::cli
