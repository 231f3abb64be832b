// SPDX-License-Identifier: MIT
// flowreplay features: CICFlowMeter features of every flow in a capture, as CSV.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "flowreplay/cic_meter.hpp"
#include "flowreplay/errors.hpp"
#include "flowreplay/java_format.hpp"
#include "flowreplay/output_file.hpp"
#include "flowreplay/pcap_reader.hpp"
#include "flowreplay/raw_packet.hpp"

namespace flowreplay::cli {

namespace {

struct FeaturesOptions {
  std::string input;
  std::string output = "-";
  std::string mode = "head";
  std::string flow_timeout = "120s";
  std::string activity_timeout = "5s";
  std::string tz = "UTC";
  bool quiet = false;
};

int run_features(const FeaturesOptions& o) {
  CicOptions options;
  options.mode = *cic_mode_from_name(o.mode);
  auto ft = parse_duration(o.flow_timeout);
  auto at = parse_duration(o.activity_timeout);
  if (!ft || *ft == 0) throw UsageError("features: --flow-timeout expects a duration like 120s, got '" + o.flow_timeout + "'");
  if (!at || *at == 0) throw UsageError("features: --activity-timeout expects a duration like 5s, got '" + o.activity_timeout + "'");
  options.flow_timeout = *ft;
  options.activity_timeout = *at;
  if (!set_time_zone(o.tz)) throw UsageError("features: --tz: unknown time zone '" + o.tz + "' (use UTC, +03:00, or an IANA name)");

  PcapReader reader(o.input);
  if (!link_type_supported(reader.link_type())) {
    throw IoError(o.input, "link type " + std::to_string(reader.link_type()) +
                               " is not supported (Ethernet, Linux cooked SLL/SLL2, raw IP, BSD loopback are)", 0);
  }
  OutputFile out(o.output, std::size_t{1} << 20);
  std::string rows;
  rows.reserve(1 << 16);
  rows.append(cic_header(options.mode));
  rows.push_back('\n');
  CicMeter meter(options, [&](const CicFeatures& f) {
    append_cic_row(rows, f, options.mode);
    if (rows.size() > (1 << 15)) {
      out.write(rows.data(), rows.size());
      rows.clear();
    }
  });

  const auto wall_start = std::chrono::steady_clock::now();
  const bool tty = !o.quiet && isatty(STDERR_FILENO) != 0;
  auto last_print = wall_start;
  DecodeStats stats;
  std::uint64_t frames = 0;
  CapturedFrame frame;
  while (reader.next(frame)) {
    ++frames;
    if (auto pkt = decode_packet(reader.link_type(), frame.data, frame.caplen, frame.ts, stats)) meter.add(*pkt);
    if (tty && (frames & 0xfffff) == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_print > std::chrono::milliseconds(250)) {
        last_print = now;
        std::fprintf(stderr, "\rflowreplay features: %llu packets, %llu flows written, %zu open   ",
                     static_cast<unsigned long long>(frames), static_cast<unsigned long long>(meter.flows_emitted()),
                     meter.open_flows());
      }
    }
  }
  meter.finish();
  out.write(rows.data(), rows.size());
  out.close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (tty) std::fputs("\r\033[K", stderr);
  if (reader.truncated()) {
    std::fprintf(stderr, "flowreplay features: warning: %s: %s; the %llu packets before it were used\n",
                 o.input.c_str(), reader.truncation_message().c_str(), static_cast<unsigned long long>(frames));
  }
  if (!o.quiet) {
    std::fprintf(stderr, "flowreplay features (--cic %s): %llu packets read, %llu decoded, %llu skipped",
                 o.mode.c_str(), static_cast<unsigned long long>(frames), static_cast<unsigned long long>(stats.decoded),
                 static_cast<unsigned long long>(stats.skipped_total()));
    const char* sep = " (";
    for (std::size_t r = 0; r < stats.skipped.size(); ++r) {
      if (stats.skipped[r] == 0) continue;
      std::fprintf(stderr, "%s%s: %llu", sep, std::string(skip_reason_name(static_cast<SkipReason>(r))).c_str(),
                   static_cast<unsigned long long>(stats.skipped[r]));
      sep = ", ";
    }
    std::fprintf(stderr, "%s; %llu flows written", sep[0] == ',' ? ")" : "",
                 static_cast<unsigned long long>(meter.flows_emitted()));
    if (meter.flows_dropped_single() > 0) {
      std::fprintf(stderr, ", %llu one-packet flows left out as CICFlowMeter does (--cic corrected keeps them)",
                   static_cast<unsigned long long>(meter.flows_dropped_single()));
    }
    std::fprintf(stderr, "; %.2f s, %.2f M packets/s\n", wall, static_cast<double>(frames) / wall / 1e6);
    if (meter.out_of_order() > 0) {
      std::fprintf(stderr, "flowreplay features: warning: %llu packets earlier than the one before them (file order is used)\n",
                   static_cast<unsigned long long>(meter.out_of_order()));
    }
  }
  return reader.truncated() ? 1 : 0;
}

}  // namespace

Runner add_features(CLI::App& app) {
  auto opts = std::make_shared<FeaturesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "features",
      "CICFlowMeter features of every flow in a pcap or pcapng capture, as CSV (docs/features.md).\n"
      "Example: flowreplay features trace.pcap > feats.csv");
  cmd->add_option("capture", opts->input, "pcap or pcapng file, or - for stdin")->required();
  cmd->add_option("-o,--output", opts->output, "CSV to write (default: stdout)");
  cmd->add_option("--cic", opts->mode,
                  "Compatibility mode: head (the reference code, default), 2020 (CICFlowMeter-4.0), 2018 (CIC-IDS2017/2018 "
                  "datasets) or corrected (every known defect fixed)")
      ->check(CLI::IsMember({"head", "2020", "2018", "corrected"}));
  cmd->add_option("--flow-timeout", opts->flow_timeout, "Longest flow, from its first packet (default 120s)");
  cmd->add_option("--activity-timeout", opts->activity_timeout, "Gap that ends an active period (default 5s)");
  cmd->add_option("--tz", opts->tz, "Time zone of the Timestamp column: UTC (default), +03:00, or an IANA name");
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  return [opts]() { return run_features(*opts); };
}

}  // namespace flowreplay::cli
