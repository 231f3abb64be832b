// SPDX-License-Identifier: MIT
// flowreplay export: flows metered from a capture, as IPFIX / NetFlow v9 records.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "export_options.hpp"
#include "flowreplay/errors.hpp"
#include "flowreplay/flow_meter.hpp"
#include "flowreplay/pcap_reader.hpp"
#include "flowreplay/raw_packet.hpp"
#include "flowreplay/report_writer.hpp"

namespace flowreplay::cli {

namespace {

struct ExportCommandOptions {
  std::string input;
  std::string report;
  std::string active = "300s";
  std::string inactive = "30s";
  bool quiet = false;
  ExportCliOptions exports;
};

int run_export(const ExportCommandOptions& o) {
  if (!o.exports.any() && o.report.empty()) {
    throw UsageError("export: nowhere to send records; give --ipfix, --netflow9, --ipfix-file or --report");
  }
  MeterOptions mo;
  auto active = parse_duration(o.active);
  auto inactive = parse_duration(o.inactive);
  if (!active || *active == 0) throw UsageError("export: --active-timeout expects a duration like 300s, got '" + o.active + "'");
  if (!inactive || *inactive == 0) throw UsageError("export: --inactive-timeout expects a duration like 30s, got '" + o.inactive + "'");
  mo.active_timeout = *active;
  mo.inactive_timeout = *inactive;

  PcapReader reader(o.input);
  if (!link_type_supported(reader.link_type())) {
    throw IoError(o.input, "link type " + std::to_string(reader.link_type()) + " is not supported", 0);
  }
  const auto exporters = make_exporters(o.exports, "export");
  std::unique_ptr<ReportWriter> report;
  if (!o.report.empty()) report = std::make_unique<ReportWriter>(o.report);
  TeeSink records;
  records.add(report.get());
  for (const auto& e : exporters) records.add(e.get());

  const auto wall_start = std::chrono::steady_clock::now();
  FlowMeter meter(mo, [&](const FlowRecord& r) { records.write(r); });
  DecodeStats stats;
  std::uint64_t frames = 0;
  CapturedFrame frame;
  try {
    while (reader.next(frame)) {
      ++frames;
      if (auto pkt = decode_packet(reader.link_type(), frame.data, frame.caplen, frame.ts, stats)) meter.add(*pkt);
    }
    meter.finish();
    records.finish();
  } catch (const IoError&) {
    report_exporters(exporters, "export", false);  // what reached each collector before the failure
    try {  // keep the records metered before the failure; a second failure changes nothing
      if (report) report->finish();
    } catch (const IoError&) {
    }
    throw;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (reader.truncated()) {
    std::fprintf(stderr, "flowreplay export: warning: %s: %s; the %llu packets before it were used\n", o.input.c_str(),
                 reader.truncation_message().c_str(), static_cast<unsigned long long>(frames));
  }
  if (!o.quiet) {
    std::fprintf(stderr, "flowreplay export: %llu packets read, %llu decoded, %llu skipped; %llu flow records in %.2f s\n",
                 static_cast<unsigned long long>(frames), static_cast<unsigned long long>(stats.decoded),
                 static_cast<unsigned long long>(stats.skipped_total()), static_cast<unsigned long long>(meter.records()),
                 wall);
  }
  const bool ok = report_exporters(exporters, "export", o.quiet);
  return ok && !reader.truncated() ? 0 : 1;
}

}  // namespace

Runner add_export(CLI::App& app) {
  auto opts = std::make_shared<ExportCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Meter the flows of a pcap/pcapng capture and export them as IPFIX or NetFlow v9 records (docs/export.md).\n"
      "Example: flowreplay export trace.pcap --ipfix tcp://127.0.0.1:4739");
  cmd->add_option("capture", opts->input, "pcap or pcapng file, or - for stdin")->required();
  cmd->add_option("-r,--report", opts->report, "Also write the records as a CSV report (docs/output.md columns)");
  cmd->add_option("--active-timeout", opts->active, "A long flow is cut into records of at most this long (default 300s)");
  cmd->add_option("--inactive-timeout", opts->inactive, "A flow idle this long ends its record (default 30s)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  add_export_options(cmd, opts->exports, true);
  return [opts]() { return run_export(*opts); };
}

}  // namespace flowreplay::cli
