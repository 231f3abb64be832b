// SPDX-License-Identifier: MIT
// flowreplay features: CICFlowMeter features of every flow in a capture, as CSV.
#include <cstdio>
#include <memory>
#include <string>

#include "capture_options.hpp"
#include "cic_output.hpp"
#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/ingest/flow_labels.hpp"
#include "flowreplay/io/decompress.hpp"
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
  std::string labels;
  std::string label_column = "APP";
  std::string default_label = "BENIGN";
  std::string label_slack = "0";
  std::string shard;
};

// A label goes into the CSV as it is: nothing that would split or quote a field.
void check_label_text(const std::string& label, const char* option) {
  if (label.empty() || label.find_first_of(",\"\r\n") != std::string::npos) {
    throw UsageError(std::string("features: ") + option + " must be non-empty, without commas, quotes or line breaks, got '" +
                     label + "'");
  }
}

int run_features(const FeaturesOptions& o) {
  CicOptions options;
  options.mode = *cic_mode_from_name(o.mode);
  auto ft = parse_duration(o.flow_timeout);
  auto at = parse_duration(o.activity_timeout);
  if (!ft || *ft == 0) throw UsageError("features: --flow-timeout expects a duration like 120s, got '" + o.flow_timeout + "'");
  if (!at || *at == 0) throw UsageError("features: --activity-timeout expects a duration like 5s, got '" + o.activity_timeout + "'");
  options.flow_timeout = *ft;
  options.activity_timeout = *at;
  options.shard = parse_shard(o.shard, "features");
  const auto zone = TimeZone::parse(o.tz);
  if (!zone) throw UsageError("features: --tz: unknown time zone '" + o.tz + "' (use UTC, +03:00, or an IANA name)");

  FlowLabels labels;
  if (!o.labels.empty()) {
    check_label_text(o.label_column, "--label-column");
    check_label_text(o.default_label, "--default-label");
    const auto slack = parse_duration(o.label_slack);
    if (!slack) throw UsageError("features: --label-slack expects a duration like 0, 500ms or 1s, got '" + o.label_slack + "'");
    labels = FlowLabels(*slack);
    const InputStream in = open_input_stream(o.labels);
    labels.read(in.get(), o.labels == "-" ? "stdin" : o.labels, o.label_column);
    options.labeler = &labels;
    options.default_label = o.default_label;
  }

  auto input = open_capture(o.input, o.filter);
  CicCsvOutput csv(o.output, options.mode, *zone, !o.no_partial);
  CicMeter meter(options, csv.sink());
  PacketMeter* meters[] = {&meter};
  CaptureProgress progress("features", o.quiet);
  const CaptureStats s = run_capture(input.source(), meters, progress.callbacks([&] {
    return std::to_string(meter.flows_emitted()) + " flows written, " + std::to_string(meter.open_flows()) + " open";
  }));
  csv.close();
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
  if (options.shard.count > 1) {
    tail += "; shard " + std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count) + " of the flows";
  }
  if (!o.labels.empty()) {
    tail += "; labels: " + std::to_string(labels.flows()) + " truth flows, " + std::to_string(labels.distinct_labels()) +
            " labels";
  }
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
  add_shard_option(cmd, opts->shard);
  cmd->add_option("--labels", opts->labels,
                  "Ground truth that fills the Label column: a gen report (or any CSV with its SRC_IP, DST_IP, SRC_PORT, "
                  "DST_PORT, L4_PROTO, START_TIME, END_TIME columns and a label column), .gz/.zst read as such, - for stdin. "
                  "A flow takes the label of the truth flow its packets belong to, by key and time");
  cmd->add_option("--label-column", opts->label_column, "The label file's column to use (default APP)");
  cmd->add_option("--default-label", opts->default_label, "Label of flows that belong to no truth flow (default BENIGN)");
  cmd->add_option("--label-slack", opts->label_slack,
                  "A packet up to this long before or after a truth flow of its key still takes its label (default 0; "
                  "for truths with coarse times, such as nfdump's 1 ms)");
  cmd->footer(help_footer(
      "  flowreplay features trace.pcap > feats.csv\n"
      "  flowreplay features --cic corrected --tz Europe/Berlin trace.pcapng -o feats.csv\n"
      "  tcpdump -w - -i lo -c 1000 | flowreplay features - -o live.csv\n"
      "  flowreplay gen --pcap t.pcapng --report truth.csv && flowreplay features t.pcapng --labels truth.csv -o labelled.csv\n"));
  return [opts]() { return run_features(*opts); };
}

}  // namespace flowreplay::cli
