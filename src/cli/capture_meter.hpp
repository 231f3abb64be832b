// SPDX-License-Identifier: MIT
// What `export` and `profile` share: a capture read, decoded and metered into flow records the
// way a NetFlow probe cuts them, with the meter's timeouts taken from the command line.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "flowreplay/flow_meter.hpp"
#include "flowreplay/pcap_reader.hpp"

namespace flowreplay::cli {

struct MeterCliOptions {
  std::string active = "300s";  // empty: no active timeout
  std::string inactive = "30s";
};

// Registers --active-timeout and --inactive-timeout.
void add_meter_options(CLI::App* app, MeterCliOptions& o, const char* active_help);
// Parses them; UsageError names the command and the bad value.
MeterOptions meter_options(const MeterCliOptions& o, const std::string& command);

struct MeteredCapture {
  std::uint64_t frames = 0;
  std::uint64_t decoded = 0;
  std::uint64_t skipped = 0;
  std::uint64_t records = 0;
  Timestamp first = 0;  // the first decoded packet's time
  bool truncated = false;
  std::string truncation;
  double wall_seconds = 0;
};

// Opens a capture (a pcap or pcapng file, or - for stdin) whose link type the decoder knows;
// IoError otherwise. Commands open it before anything else, so a bad input fails first.
std::unique_ptr<PcapReader> open_capture(const std::string& input);

// Meters the whole capture. `on_first` sees the first decoded packet's time before any record;
// IoError from `sink` ends the run and propagates.
MeteredCapture meter_capture(PcapReader& reader, const MeterOptions& options,
                             const std::function<void(Timestamp)>& on_first,
                             const std::function<void(const FlowRecord&)>& sink);

// The closing lines every metering command prints: a truncation warning, and unless quiet the
// counts. Returns false when the capture was truncated.
bool report_metered(const MeteredCapture& m, const std::string& input, const char* command, bool quiet);

}  // namespace flowreplay::cli
