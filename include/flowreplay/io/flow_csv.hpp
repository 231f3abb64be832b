// SPDX-License-Identifier: MIT
// Flow records from CSV text, for `flowreplay compare`: flowreplay's own report (gen --report,
// docs/output.md; ns times) and `nfdump -o csv` output (uniflows or biflows, times in whole
// seconds or ms in the zone nfdump printed them in). The format is told by the header row.
#pragma once

#include <cstdint>
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

}  // namespace flowreplay
