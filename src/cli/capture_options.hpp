// SPDX-License-Identifier: MIT
// What the commands that read captures share on the command line: opening the input, the
// NetFlow-style meter's timeouts, the progress line and the closing summary with its skip table.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "flowreplay/ingest/capture_loop.hpp"
#include "flowreplay/ingest/flow_meter.hpp"
#include "flowreplay/io/frame_filter.hpp"
#include "flowreplay/io/pcap_reader.hpp"

namespace flowreplay::cli {

struct MeterCliOptions {
  std::string active = "300s";  // empty: no active timeout
  std::string inactive = "30s";
  std::string shard;  // --shard K/N, for the commands that register it (add_shard_option)
};

// Registers --active-timeout and --inactive-timeout.
void add_meter_options(CLI::App* app, MeterCliOptions& o, const char* active_help);
// Parses them; UsageError names the command and the bad value.
MeterOptions meter_options(const MeterCliOptions& o, const std::string& command);

// A capture opened for reading: the reader, and the BPF filter in front of it when one was given.
struct CaptureInput {
  std::unique_ptr<PcapReader> reader;
  std::unique_ptr<FilteredFrameSource> filter;
  FrameSource& source() { return filter ? static_cast<FrameSource&>(*filter) : *reader; }
  // "; N frames left out by --filter", or nothing without a filter.
  [[nodiscard]] std::string filter_note() const;
};

// Opens a capture (a pcap or pcapng file, gzip- or zstd-compressed or not, or - for stdin) whose
// link type the decoder knows, behind `filter` when it is not empty; IoError or UsageError
// otherwise. Commands open it before anything else, so a bad input fails first.
CaptureInput open_capture(const std::string& input, const std::string& filter);

// Registers -f/--filter.
void add_filter_option(CLI::App* app, std::string& filter);

// A progress line on stderr while a capture is read, when stderr is a terminal and not quiet;
// `what` adds the command's own counts ("12 flows written").
class CaptureProgress {
 public:
  CaptureProgress(const char* command, bool quiet);
  ~CaptureProgress();
  CaptureProgress(const CaptureProgress&) = delete;
  CaptureProgress& operator=(const CaptureProgress&) = delete;
  // Callbacks for run_capture; `what` is called for the command's own counts.
  CaptureCallbacks callbacks(std::function<std::string()> what);
  void clear();  // erases the line before the summary

 private:
  const char* command_;
  bool tty_;
  std::chrono::steady_clock::time_point last_;
};

// The closing lines every command that reads a capture prints: a truncation warning, and unless
// quiet "flowreplay CMD: N packets read, N decoded, N skipped (reason: n, ...); TAIL". Returns
// false when the capture was truncated.
bool report_capture(const CaptureStats& s, const std::string& input, const std::string& command, bool quiet,
                    const std::string& tail);

}  // namespace flowreplay::cli
