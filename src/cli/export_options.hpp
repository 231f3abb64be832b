// SPDX-License-Identifier: MIT
// The flow-export options `gen` and `export` share, and the exporters they make, each wrapped in
// the pacing its transport and the options ask for.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowreplay/core/clock.hpp"
#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/replay/paced_sink.hpp"

namespace flowreplay::cli {

struct ExportCliOptions {
  std::string netflow9;
  std::string ipfix;
  std::string ipfix_file;
  std::optional<double> rate;
  bool realtime = false;
  double multiplier = 1.0;
  std::uint32_t odid = 1;
  bool biflow = false;
  std::string ipfix_time = "ms";
  std::string export_time = "trace";
  std::string collector_timeout = "20s";
  bool partial = true;  // set by the command from --no-partial
  int ttl = 0;          // --ttl: required for a multicast collector
  bool quiet = false;   // set by the command from -q

  [[nodiscard]] bool any() const { return !netflow9.empty() || !ipfix.empty() || !ipfix_file.empty(); }
};

// The exporters of one run, and the paced sinks in front of them.
class ExporterSet {
 public:
  // Adds every exporter (paced where asked) to `tee`.
  void add_to(TeeSink& tee);
  // Prints each exporter's counts; returns false when any record was lost.
  bool report(const char* command, bool quiet) const;

 private:
  friend std::unique_ptr<ExporterSet> make_exporters(const ExportCliOptions& o, const char* command);
  MonotonicClock pacing_clock_;
  WallClock wall_clock_;
  std::vector<std::unique_ptr<FlowExporter>> exporters_;
  std::vector<std::unique_ptr<PacedRecordSink>> paced_;
  std::vector<FlowRecordSink*> fronts_;  // where records enter: a paced sink or the exporter itself
};

void add_export_options(CLI::App* app, ExportCliOptions& o, bool with_realtime);
std::unique_ptr<ExporterSet> make_exporters(const ExportCliOptions& o, const char* command);

}  // namespace flowreplay::cli
