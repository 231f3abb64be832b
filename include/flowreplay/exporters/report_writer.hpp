// SPDX-License-Identifier: MIT
// The ground-truth report: one CSV row per flow, written when the flow ends (so rows are in
// order of flow end). Columns (docs/output.md): SRC_IP, DST_IP, SRC_PORT, DST_PORT, L3_PROTO
// (4 or 6), L4_PROTO, START_TIME, END_TIME (ns since the epoch), PACKETS, BYTES, PACKETS_REV,
// BYTES_REV (L3 bytes), APP.
#pragma once

#include <string>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/io/output_file.hpp"

namespace flowreplay {

class ReportWriter : public FlowRecordSink {
 public:
  static constexpr const char* kHeader =
      "SRC_IP,DST_IP,SRC_PORT,DST_PORT,L3_PROTO,L4_PROTO,START_TIME,END_TIME,PACKETS,BYTES,PACKETS_REV,BYTES_REV,APP,"
      "START_TIME_FWD,END_TIME_FWD,START_TIME_REV,END_TIME_REV";

  // `partial`: write NAME.partial until finish() (io/output_file.hpp).
  explicit ReportWriter(const std::string& path, bool partial = true);
  void write(const FlowRecord& r) override;
  void finish() override;

 private:
  OutputFile out_;
  std::string line_;  // reused for every row
};

}  // namespace flowreplay
