// SPDX-License-Identifier: MIT
// A traffic profile in the FlowTest schema (ft-profiler's output, ft-generator's input): one
// anonymous biflow per CSV row, written when the flow ends. Columns (docs/profile.md):
// START_TIME, END_TIME (ms since the profile's time zero, rounded down to whole ms or to
// a number of decimals), L3_PROTO (4 or 6),
// L4_PROTO, SRC_PORT, DST_PORT (0 unless TCP or UDP), PACKETS, BYTES, PACKETS_REV, BYTES_REV
// (L3 bytes); with addresses, SRC_IP and DST_IP first.
#pragma once

#include <string>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/io/output_file.hpp"

namespace flowreplay {

class ProfileWriter : public FlowRecordSink {
 public:
  // `partial`: write NAME.partial until finish() (io/output_file.hpp).
  ProfileWriter(const std::string& path, bool with_addresses, bool partial = true);
  // Time zero: START_TIME and END_TIME count milliseconds from here. Records before it are
  // written as starting at 0.
  void set_origin(Timestamp origin) { origin_ = origin; }
  // Decimals of the times, 0 (whole ms, FlowTest's form and the default) to 6 (ns).
  void set_time_decimals(int decimals) { decimals_ = decimals; }
  // Writes the file gzip-compressed (ft-profiler's -g); before the first record.
  void set_gzip() { out_.set_gzip(); }
  void write(const FlowRecord& r) override;
  void finish() override;

 private:
  OutputFile out_;
  bool with_addresses_;
  Timestamp origin_ = 0;
  int decimals_ = 0;
};

}  // namespace flowreplay
