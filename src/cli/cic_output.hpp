// SPDX-License-Identifier: MIT
// The CSV a CicMeter's flows go to (`features`, `gen --features`): the mode's header, then one
// row per flow, handed to the output file in 32 KiB pieces.
#pragma once

#include <string>

#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/io/output_file.hpp"

namespace flowreplay::cli {

class CicCsvOutput {
 public:
  CicCsvOutput(const std::string& path, CicMode mode, const TimeZone& zone, bool partial)
      : out_(path, std::size_t{1} << 20, partial), mode_(mode), zone_(zone) {
    rows_.reserve(1 << 16);
    rows_.append(cic_header(mode));
    rows_.push_back('\n');
  }

  // What the meter calls with each flow.
  CicMeter::Sink sink() {
    return [this](const CicFeatures& f) {
      append_cic_row(rows_, f, mode_, zone_);
      if (rows_.size() > (1 << 15)) {
        out_.write(rows_.data(), rows_.size());
        rows_.clear();
      }
    };
  }

  // Writes what is left and closes the file (IoError when any of it did not arrive).
  void close() {
    out_.write(rows_.data(), rows_.size());
    rows_.clear();
    out_.close();
  }

 private:
  OutputFile out_;
  CicMode mode_;
  TimeZone zone_;
  std::string rows_;
};

}  // namespace flowreplay::cli
