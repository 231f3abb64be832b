// SPDX-License-Identifier: MIT
#include "capture_options.hpp"

#include <unistd.h>

#include <cstdio>

#include "validators.hpp"
#include "flowreplay/core/errors.hpp"

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
  mo.shard = parse_shard(o.shard, command);
  return mo;
}

CaptureInput open_capture(const std::string& input, const std::string& filter) {
  CaptureInput in;
  in.reader = std::make_unique<PcapReader>(input);
  require_supported_link(*in.reader, input);
  if (!filter.empty()) in.filter = std::make_unique<FilteredFrameSource>(*in.reader, filter);
  return in;
}

std::string CaptureInput::filter_note() const {
  if (!filter) return {};
  return "; " + std::to_string(filter->filtered_out()) + " frames left out by --filter";
}

void add_filter_option(CLI::App* app, std::string& filter) {
  app->add_option("-f,--filter", filter,
                  "Read only the frames this BPF expression matches (tcpdump's syntax, e.g. 'tcp port 443 or udp')");
}

CaptureProgress::CaptureProgress(const char* command, bool quiet)
    : command_(command), tty_(!quiet && isatty(STDERR_FILENO) != 0), last_(std::chrono::steady_clock::now()) {}

CaptureProgress::~CaptureProgress() { clear(); }

CaptureCallbacks CaptureProgress::callbacks(std::function<std::string()> what) {
  CaptureCallbacks cb;
  if (!tty_) return cb;
  cb.on_progress = [this, what = std::move(what)](const CaptureStats& s) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    std::fprintf(stderr, "\rflowreplay %s: %llu packets, %s   ", command_, static_cast<unsigned long long>(s.frames),
                 what ? what().c_str() : "");
  };
  return cb;
}

void CaptureProgress::clear() {
  if (tty_) std::fputs("\r\033[K", stderr);
  tty_ = false;
}

bool report_capture(const CaptureStats& s, const std::string& input, const std::string& command, bool quiet,
                    const std::string& tail) {
  if (s.truncated) {
    std::fprintf(stderr, "flowreplay %s: warning: %s: %s; the %llu packets before it were used\n", command.c_str(),
                 input.c_str(), s.truncation.c_str(), static_cast<unsigned long long>(s.frames));
  }
  if (quiet) return !s.truncated;
  std::string skips;
  for (std::size_t r = 0; r < s.decode.skipped.size(); ++r) {
    if (s.decode.skipped[r] == 0) continue;
    skips += skips.empty() ? " (" : ", ";
    skips += std::string(skip_reason_name(static_cast<SkipReason>(r))) + ": " + std::to_string(s.decode.skipped[r]);
  }
  if (!skips.empty()) skips += ")";
  std::fprintf(stderr, "flowreplay %s: %llu packets read, %llu decoded, %llu skipped%s; %s\n", command.c_str(),
               static_cast<unsigned long long>(s.frames), static_cast<unsigned long long>(s.decode.decoded),
               static_cast<unsigned long long>(s.decode.skipped_total()), skips.c_str(), tail.c_str());
  return !s.truncated;
}

}  // namespace flowreplay::cli
