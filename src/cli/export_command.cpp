// SPDX-License-Identifier: MIT
// flowreplay export: flows metered from a capture, as IPFIX / NetFlow v9 records.
#include <cstdio>
#include <memory>
#include <string>

#include "capture_options.hpp"
#include "commands.hpp"
#include "validators.hpp"
#include "export_options.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/exporters/report_writer.hpp"

namespace flowreplay::cli {

namespace {

struct ExportCommandOptions {
  std::string input;
  std::string report;
  MeterCliOptions meter;
  bool quiet = false;
  bool no_partial = false;
  std::string filter;
  ExportCliOptions exports;
};

int run_export(const ExportCommandOptions& o) {
  if (!o.exports.any() && o.report.empty()) {
    throw UsageError("export: nowhere to send records; give --ipfix, --netflow9, --ipfix-file or --report");
  }
  if (o.report == "-" && o.exports.ipfix_file == "-") {
    throw UsageError("export: only one of --report and --ipfix-file can be - (stdout)");
  }
  const MeterOptions mo = meter_options(o.meter, "export");
  auto input = open_capture(o.input, o.filter);
  ExportCliOptions exports = o.exports;
  exports.partial = !o.no_partial;
  exports.quiet = o.quiet;
  const auto exporters = make_exporters(exports, "export");
  std::unique_ptr<ReportWriter> report;
  if (!o.report.empty()) report = std::make_unique<ReportWriter>(o.report, !o.no_partial);
  TeeSink records;
  records.add(report.get());
  exporters->add_to(records);

  FlowMeter meter(mo, [&](const FlowRecord& r) { records.write(r); });
  PacketMeter* meters[] = {&meter};
  CaptureProgress progress("export", o.quiet);
  CaptureStats s;
  try {
    s = run_capture(input.source(), meters, progress.callbacks([&] { return std::to_string(meter.records()) + " flow records"; }));
    records.finish();
  } catch (const IoError&) {
    mark_run_failed();  // what is finished below keeps its .partial name
    progress.clear();
    exporters->report("export", false);  // what reached each collector before the failure
    try {  // keep the records metered before the failure; a second failure changes nothing
      if (report) report->finish();
    } catch (const IoError&) {
    }
    throw;
  }
  progress.clear();
  char tail[96];
  std::snprintf(tail, sizeof tail, "%llu flow records in %.2f s", static_cast<unsigned long long>(meter.records()),
                s.wall_seconds);
  const bool whole = report_capture(s, o.input, "export", o.quiet, tail + input.filter_note());
  const bool ok = exporters->report("export", o.quiet);
  return ok && whole ? 0 : 1;
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
  add_meter_options(cmd, opts->meter, "A long flow is cut into records of at most this long (default 300s)");
  add_shard_option(cmd, opts->meter.shard);
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  add_partial_flag(cmd, opts->no_partial);
  add_filter_option(cmd, opts->filter);
  cmd->footer(help_footer(
      "  flowreplay export trace.pcap --ipfix tcp://127.0.0.1:4739\n"
      "  flowreplay export trace.pcap --netflow9 udp://127.0.0.1:2055 --realtime --multiplier 10\n"
      "  flowreplay export trace.pcap --ipfix-file flows.ipfix --report flows.csv --active-timeout 60s\n"));
  add_export_options(cmd, opts->exports, true);
  return [opts]() { return run_export(*opts); };
}

}  // namespace flowreplay::cli
