// SPDX-License-Identifier: MIT
// The flow-export options `gen` and `export` share, and the exporters they make.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowreplay/flow_exporter.hpp"

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

  [[nodiscard]] bool any() const { return !netflow9.empty() || !ipfix.empty() || !ipfix_file.empty(); }
};

void add_export_options(CLI::App* app, ExportCliOptions& o, bool with_realtime);
std::vector<std::unique_ptr<FlowExporter>> make_exporters(const ExportCliOptions& o, const char* command);
// Prints each exporter's counts; returns false when any record was lost.
bool report_exporters(const std::vector<std::unique_ptr<FlowExporter>>& exporters, const char* command, bool quiet);

}  // namespace flowreplay::cli
