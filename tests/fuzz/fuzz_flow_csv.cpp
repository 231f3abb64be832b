// SPDX-License-Identifier: MIT
// Flow records as compare and profile read them (a flowreplay report or `nfdump -o csv`): any
// text is records or a ConfigError; the records are then compared with themselves (every one-way
// flow must be ok, unless two share a key and overlap, which is a ConfigError) and merged into
// profile records (no packet may be lost or made up on the way). The streaming reader (stats)
// reads the same text into the same rows, and fails where the whole-text parse fails. Read as a
// label file (features --labels), a report's rows are the truth flows, each found again by a
// packet at its start.
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/flow_compare.hpp"
#include "flowreplay/ingest/flow_labels.hpp"
#include "flowreplay/ingest/record_profiler.hpp"
#include "flowreplay/io/flow_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  // The streaming reader first: its rows, or the fact that it failed.
  std::vector<ReadFlow> streamed;
  bool stream_failed = false;
  if (size > 0) {
    std::FILE* in = fmemopen(const_cast<std::uint8_t*>(data), size, "r");
    if (in != nullptr) {
      try {
        FlowCsvReader reader(in, "fuzz.csv");
        ReadFlow f;
        while (reader.next(f)) streamed.push_back(f);
      } catch (const ConfigError&) {
        stream_failed = true;
      }
      std::fclose(in);
    }
  }
  bool whole_failed = true;
  try {
    const FlowCsv csv = parse_flow_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    const CompareInputs& inputs = csv.flows;
    whole_failed = false;
    if (size > 0 && !stream_failed) {
      if (streamed.size() != csv.flows.size()) __builtin_trap();
      for (std::size_t i = 0; i < streamed.size(); ++i) {
        const FlowRecord& a = streamed[i].record;
        const FlowRecord& b = csv.flows[i].record;
        if (streamed[i].line != csv.flows[i].line || a.packets != b.packets || a.bytes != b.bytes || a.packets_rev != b.packets_rev ||
            a.bytes_rev != b.bytes_rev || a.start != b.start || a.end != b.end || !(a.src == b.src) || a.src_port != b.src_port) {
          __builtin_trap();
        }
      }
    }
    std::uint64_t packets_in = 0;
    for (const ReadFlow& f : csv.flows) packets_in += f.record.packets + f.record.packets_rev;
    try {
      const CompareResult r = compare_flows(inputs, inputs, CompareOptions{}, "fuzz.csv");
      // A record that ends before it starts is skipped on the probe side only.
      if (r.probe_malformed == 0 && (r.missing != 0 || r.unexpected != 0)) __builtin_trap();
    } catch (const ConfigError&) {  // duplicate keys in the reference
    }
    std::uint64_t packets_out = 0;
    RecordProfiler profiler(RecordProfilerOptions{}, [&](const FlowRecord& r) { packets_out += r.packets + r.packets_rev; });
    for (const ReadFlow& f : csv.flows) profiler.add(f.record);
    profiler.finish();
    if (packets_out != packets_in) __builtin_trap();
  } catch (const ConfigError&) {
  }
  if (size > 0 && whole_failed != stream_failed) __builtin_trap();

  if (size > 0) {
    FlowLabels labels;
    bool labels_failed = false;
    std::FILE* in = fmemopen(const_cast<std::uint8_t*>(data), size, "r");
    if (in != nullptr) {
      try {
        labels.read(in, "fuzz.csv", "APP");
      } catch (const ConfigError&) {
        labels_failed = true;
      }
      std::fclose(in);
      if (!labels_failed && !stream_failed && !streamed.empty()) {
        if (labels.flows() != streamed.size()) __builtin_trap();
        for (const ReadFlow& f : streamed) {
          RawPacket p;
          p.ts = f.record.start;
          p.src = f.record.src, p.dst = f.record.dst, p.protocol = f.record.l4_proto;
          p.src_port = f.record.src_port, p.dst_port = f.record.dst_port, p.icmp_id = f.record.src_port;
          if (labels.label(p).empty()) __builtin_trap();
        }
      }
    }
  }
  return 0;
}
