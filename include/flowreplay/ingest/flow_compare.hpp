// SPDX-License-Identifier: MIT
// A probe's flow records against the ground truth, as FlowTest's ft-analyzer does it
// (docs/compare.md). Both sides are cut into one-way flows (a biflow record gives one per
// direction with packets), keyed by (protocol, source, source port, destination, destination
// port); ICMP and ICMPv6 are keyed without ports on every input, since probes put type and code
// in the destination port, profiles carry 0 and reports the echo identifier. A record whose two
// directions have one key (a host talking to itself from and to one port) is one one-way flow.
//
// Precise mode: each probe one-way record joins the reference one-way flow of its key whose time
// span (widened by the tolerance and the record's time precision) holds its start, the nearest
// one when the widened spans of several do; the records a
// flow was split into by a probe's timeouts are summed. A reference flow without records is
// missing, a record without a flow unexpected, a flow whose sums or times differ incorrect (which
// field, by how much). Statistical mode: relative error of packets, bytes and one-way flows over
// the whole run and per protocol.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/huge_pages.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

// A record to compare: its times' precision (1 ns for reports, 1 ms or 1 s for text exports) and
// whether start_fwd.. hold each direction's own times (else start/end serve both directions).
using CompareInput = ReadFlow;
using CompareInputs = ReadFlows;

struct CompareOptions {
  Duration tolerance = 100 * kNanosPerMilli;  // ft-analyzer's default for start and end times
  std::optional<Duration> active_timeout;     // the probe's: splits they explain are not failures
  std::optional<Duration> inactive_timeout;
  double stat_tolerance = 0.01;  // statistical mode: largest relative error that passes
};

enum class Verdict : std::uint8_t { kOk, kMissing, kUnexpected, kIncorrect };

// One row of the verdict report: a reference one-way flow, or an unexpected probe record.
struct FlowVerdict {
  Verdict verdict = Verdict::kOk;
  FlowRecord key;       // src, dst, ports, protocol of the one-way flow (packets/bytes unused)
  bool reverse = false;  // the reverse direction of a reference biflow
  std::uint64_t ref_packets = 0, probe_packets = 0;
  std::uint64_t ref_bytes = 0, probe_bytes = 0;
  Timestamp ref_start = 0, probe_start = 0, ref_end = 0, probe_end = 0;
  std::uint64_t probe_records = 0;  // how many probe records were summed
  std::string detail;               // what is wrong, or "merged N records split by the active timeout"
};

struct ProtocolTotals {
  std::uint64_t ref_packets = 0, probe_packets = 0, ref_bytes = 0, probe_bytes = 0, ref_flows = 0, probe_flows = 0;
};

struct CompareResult {
  std::vector<FlowVerdict> problems;  // the first kKeptProblems that are not ok, in verdict order
  static constexpr std::size_t kKeptProblems = 10;
  std::uint64_t ok = 0, missing = 0, unexpected = 0, incorrect = 0;
  std::uint64_t split_merged = 0;      // reference flows met by several probe records
  std::uint64_t unexplained_splits = 0;  // splits the given timeouts do not explain (counted incorrect)
  std::uint64_t probe_malformed = 0;   // probe records ending before they start (skipped)
  ProtocolTotals total;
  std::vector<std::pair<std::uint8_t, ProtocolTotals>> by_protocol;  // ascending protocol number
  [[nodiscard]] bool precise_pass() const { return missing == 0 && unexpected == 0 && incorrect == 0; }
  [[nodiscard]] bool statistical_pass(double tolerance) const;
};

// Compares, handing every verdict to `on_verdict` (when set) as it is made: the reference flows
// in reference order, then the unexpected records. Throws ConfigError when two reference flows
// share a key and overlap in time (the reference cannot tell which a probe record belongs to).
using VerdictSink = std::function<void(const FlowVerdict&)>;
CompareResult compare_flows(const CompareInputs& reference, const CompareInputs& probe,
                            const CompareOptions& options, const std::string& reference_name,
                            const VerdictSink& on_verdict = {});
// The same with the probe's records streamed: `next_probe` fills the next one, false after the
// last; only the reference is held in memory.
using CompareSource = std::function<bool(CompareInput&)>;
CompareResult compare_flows(const CompareInputs& reference, const CompareSource& next_probe,
                            const CompareOptions& options, const std::string& reference_name,
                            const VerdictSink& on_verdict = {});

// Relative error |probe - ref| / ref (0 when both are 0, 1 when only the reference is 0).
double relative_error(std::uint64_t ref, std::uint64_t probe);

}  // namespace flowreplay
