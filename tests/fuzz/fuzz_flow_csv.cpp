// SPDX-License-Identifier: MIT
// Flow records as compare and profile read them (a flowreplay report or `nfdump -o csv`): any
// text is records or a ConfigError; the records are then compared with themselves (every one-way
// flow must be ok, unless two share a key and overlap, which is a ConfigError) and merged into
// profile records (no packet may be lost or made up on the way).
#include <cstdint>
#include <string_view>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/flow_compare.hpp"
#include "flowreplay/ingest/record_profiler.hpp"
#include "flowreplay/io/flow_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  try {
    const FlowCsv csv = parse_flow_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    const CompareInputs& inputs = csv.flows;
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
  return 0;
}
