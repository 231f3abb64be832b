// SPDX-License-Identifier: MIT
// Flow records from CSV text, for `flowreplay compare`: flowreplay's own report (gen --report,
// docs/output.md; ns times) and `nfdump -o csv` output (uniflows or biflows, times in whole
// seconds or ms in the zone nfdump printed them in). The format is told by the header row.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>
#include <string>
#include <vector>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

// The latest time a record may carry: 2200-01-01, so that tolerances added to it cannot overflow.
inline constexpr Timestamp kMaxRecordTime = 7'258'118'400LL * kNanosPerSecond;

enum class FlowCsvFormat : std::uint8_t { kReport, kNfdump };

struct FlowCsv {
  FlowCsvFormat format = FlowCsvFormat::kReport;
  ReadFlows flows;  // compare takes them as they are (CompareInputs)
  std::uint64_t skipped = 0;  // rows that are not flows (nfdump's summary lines)
};

// Reads a whole file (- for stdin). nfdump prints local times: `zone` says which (UTC unless
// given). Errors are ConfigError "file:line: problem"; a missing file is an IoError.
FlowCsv read_flow_csv(const std::string& path, const TimeZone& zone = {});
// The same from text already in memory (tests, fuzzing).
FlowCsv parse_flow_csv(std::string_view text, const std::string& name, const TimeZone& zone = {});

class FlowCsvRows;

// The same rows one at a time from a stream (a file, stdin, a decompressing stream), for readers
// that need only one record at a time (`flowreplay stats`): memory is one line.
class FlowCsvReader {
 public:
  // Reads the header row (ConfigError when it is neither format); `in` stays the caller's.
  FlowCsvReader(std::FILE* in, std::string name, const TimeZone& zone = {});
  ~FlowCsvReader();
  FlowCsvReader(const FlowCsvReader&) = delete;
  FlowCsvReader& operator=(const FlowCsvReader&) = delete;

  // The next flow; false at the end. Errors as read_flow_csv's.
  bool next(ReadFlow& flow);
  [[nodiscard]] FlowCsvFormat format() const;
  [[nodiscard]] std::uint64_t skipped() const { return skipped_; }

 private:
  bool read_line(std::string_view& line);

  std::FILE* in_;
  std::string name_;
  std::unique_ptr<FlowCsvRows> rows_;
  char* buf_ = nullptr;  // getline's
  std::size_t cap_ = 0;
  std::uint64_t line_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace flowreplay
