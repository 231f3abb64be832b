// SPDX-License-Identifier: MIT
// flowreplay profile: a capture's flows as a FlowTest traffic profile (docs/profile.md).
#include <cstdio>
#include <memory>
#include <string>

#include "capture_options.hpp"
#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/exporters/profile_writer.hpp"

namespace flowreplay::cli {

namespace {

struct ProfileCommandOptions {
  std::string input;
  std::string output = "-";
  MeterCliOptions meter{"", "30s"};  // like ft-profiler, which merges records an active timeout cut
  bool addresses = false;
  int time_decimals = 0;
  bool quiet = false;
  bool no_partial = false;
  std::string filter;
};

int run_profile(const ProfileCommandOptions& o) {
  const MeterOptions mo = meter_options(o.meter, "profile");
  auto input = open_capture(o.input, o.filter);
  ProfileWriter profile(o.output, o.addresses, !o.no_partial);
  profile.set_time_decimals(o.time_decimals);
  FlowMeter meter(mo, [&](const FlowRecord& r) { profile.write(r); });
  PacketMeter* meters[] = {&meter};
  CaptureProgress progress("profile", o.quiet);
  CaptureCallbacks callbacks = progress.callbacks([&] { return std::to_string(meter.records()) + " flow records"; });
  callbacks.on_first = [&](Timestamp first) { profile.set_origin(first); };
  const CaptureStats s = run_capture(input.source(), meters, callbacks);
  profile.finish();
  progress.clear();
  char tail[96];
  std::snprintf(tail, sizeof tail, "%llu flow records in %.2f s", static_cast<unsigned long long>(meter.records()),
                s.wall_seconds);
  return report_capture(s, o.input, "profile", o.quiet, tail + input.filter_note()) ? 0 : 1;
}

}  // namespace

Runner add_profile(CLI::App& app) {
  auto opts = std::make_shared<ProfileCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "profile",
      "Write the flows of a pcap/pcapng capture as a traffic profile: anonymous biflow records in the FlowTest CSV "
      "schema, times in ms from the first packet (docs/profile.md).\n"
      "Example: flowreplay profile trace.pcap -o profile.csv");
  cmd->add_option("capture", opts->input, "pcap or pcapng file, or - for stdin")->required();
  cmd->add_option("-o,--output", opts->output, "Profile CSV to write (default: stdout)");
  add_meter_options(cmd, opts->meter, "Cut a long flow into records of at most this long (default: never, as ft-profiler "
                                      "merges the records an exporter's active timeout cut)");
  cmd->add_flag("--addresses", opts->addresses, "Also write SRC_IP and DST_IP (a profile is anonymous without them)");
  cmd->add_option("--time-decimals", opts->time_decimals,
                  "Decimals of START_TIME and END_TIME, 0 (whole ms, FlowTest's form) to 6 (ns: what gen --profile needs to "
                  "place packets exactly)")
      ->check(whole_range(0, 6));
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  add_partial_flag(cmd, opts->no_partial);
  add_filter_option(cmd, opts->filter);
  cmd->footer(help_footer(
      "  flowreplay profile trace.pcap -o profile.csv\n"
      "  flowreplay profile --addresses --inactive-timeout 15s trace.pcapng > profile.csv\n"));
  return [opts]() { return run_profile(*opts); };
}

}  // namespace flowreplay::cli
