// SPDX-License-Identifier: MIT
// Flow records (an exporter's uniflows or biflows) merged into the biflow records of a traffic
// profile, as FlowTest's ft-profiler does: records of one 5-tuple (addresses in either order;
// ports ignored for ICMP) join the cached flow when
//   - the record is the first one of the reverse direction, starting within the inactive timeout
//     of the flow's end;
//   - the record has one packet and starts within the inactive timeout;
//   - the record continues a flow an active timeout cut: the previous record lasted at least
//     active - inactive, and this one starts within the inactive timeout of its end;
// anything else writes the cached flow and starts a new one. Records must come in order of
// start time. Memory is bounded: beyond `max_flows` cached flows the longest idle is written
// early (counted).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

struct RecordProfilerOptions {
  Duration active_timeout = 300 * kNanosPerSecond;   // the exporter's, as ft-profiler's -a
  Duration inactive_timeout = 30 * kNanosPerSecond;  // -i
  std::uint64_t max_flows = (std::uint64_t{2048} << 20) / 256;  // -m 2048 MiB at 256 bytes a flow
};

class RecordProfiler {
 public:
  using Sink = std::function<void(const FlowRecord&)>;
  RecordProfiler(const RecordProfilerOptions& options, Sink sink);
  ~RecordProfiler();
  RecordProfiler(const RecordProfiler&) = delete;
  RecordProfiler& operator=(const RecordProfiler&) = delete;

  void add(const FlowRecord& record);  // in order of start
  void finish();                        // writes every cached flow
  // A hint, a few records ahead of add(record): starts loading its flow's slot of the cache.
  void prefetch(const FlowRecord& record) const;

  [[nodiscard]] std::uint64_t records_in() const { return in_; }
  [[nodiscard]] std::uint64_t merged() const { return merged_; }
  [[nodiscard]] std::uint64_t flows_out() const { return out_; }
  [[nodiscard]] std::uint64_t evicted_early() const { return evicted_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Sink sink_;
  RecordProfilerOptions options_;
  std::uint64_t in_ = 0, merged_ = 0, out_ = 0, evicted_ = 0;
};

}  // namespace flowreplay
