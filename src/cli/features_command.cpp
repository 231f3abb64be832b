// SPDX-License-Identifier: MIT
// flowreplay features: CICFlowMeter features of every flow in a capture, as CSV.
#include <cstdio>
#include <memory>
#include <string>

#include "capture_options.hpp"
#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/io/output_file.hpp"

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
  bool no_partial = false;
  std::string filter;
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
  const auto zone = TimeZone::parse(o.tz);
  if (!zone) throw UsageError("features: --tz: unknown time zone '" + o.tz + "' (use UTC, +03:00, or an IANA name)");

  auto input = open_capture(o.input, o.filter);
  OutputFile out(o.output, std::size_t{1} << 20, !o.no_partial);
  std::string rows;
  rows.reserve(1 << 16);
  rows.append(cic_header(options.mode));
  rows.push_back('\n');
  CicMeter meter(options, [&](const CicFeatures& f) {
    append_cic_row(rows, f, options.mode, *zone);
    if (rows.size() > (1 << 15)) {
      out.write(rows.data(), rows.size());
      rows.clear();
    }
  });
  PacketMeter* meters[] = {&meter};
  CaptureProgress progress("features", o.quiet);
  const CaptureStats s = run_capture(input.source(), meters, progress.callbacks([&] {
    return std::to_string(meter.flows_emitted()) + " flows written, " + std::to_string(meter.open_flows()) + " open";
  }));
  out.write(rows.data(), rows.size());
  out.close();
  progress.clear();
  std::string tail = std::to_string(meter.flows_emitted()) + " flows written";
  if (meter.flows_dropped_single() > 0) {
    tail += ", " + std::to_string(meter.flows_dropped_single()) +
            " one-packet flows left out as CICFlowMeter does (--cic corrected keeps them)";
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "; %.2f s, %.2f M packets/s", s.wall_seconds,
                static_cast<double>(s.frames) / s.wall_seconds / 1e6);
  tail += rate;
  tail += input.filter_note();
  const bool whole = report_capture(s, o.input, "features (--cic " + o.mode + ")", o.quiet, tail);
  if (!o.quiet && meter.out_of_order() > 0) {
    std::fprintf(stderr, "flowreplay features: warning: %llu packets earlier than the one before them (file order is used)\n",
                 static_cast<unsigned long long>(meter.out_of_order()));
  }
  return whole ? 0 : 1;
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
  add_partial_flag(cmd, opts->no_partial);
  add_filter_option(cmd, opts->filter);
  cmd->footer(help_footer(
      "  flowreplay features trace.pcap > feats.csv\n"
      "  flowreplay features --cic corrected --tz Europe/Berlin trace.pcapng -o feats.csv\n"
      "  tcpdump -w - -i lo -c 1000 | flowreplay features - -o live.csv\n"));
  return [opts]() { return run_features(*opts); };
}

}  // namespace flowreplay::cli
