// SPDX-License-Identifier: MIT
// Synthesis throughput: the default mix and a full-size-packet mix, written as pcapng to
// /dev/null (so the figure is the generator's, not the disk's). items/s = packets/s,
// bytes/s = capture bytes/s. Figures and commands: docs/performance.md.
#include <benchmark/benchmark.h>

#include "flowreplay/synth/flow_source.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/io/pcapng_writer.hpp"
#include "flowreplay/synth/synthesizer.hpp"

namespace flowreplay {
namespace {

void run(benchmark::State& state, const GenConfig& config) {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    MixFlowSource source(config, effective_flows_per_second(config), config.seed);
    PcapngWriter sink("/dev/null", "bench");
    Synthesizer synth(config, source, sink, nullptr);
    const SynthStats s = synth.run();
    packets += s.packets;
    bytes += sink.bytes_written();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(packets));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_GenDefaultMix(benchmark::State& state) {
  GenConfig c = default_gen_config();
  c.max_flows = static_cast<std::uint64_t>(state.range(0));
  run(state, c);
}
BENCHMARK(BM_GenDefaultMix)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Bulk transfers: responses of 200 kB to 1 MB, almost every packet a full 1514-byte frame.
void BM_GenFullSizePackets(benchmark::State& state) {
  GenConfig c = load_gen_config_text(R"(
generation: {flows_per_second: 2000, max_flows: 2000}
traffic_patterns:
  - {type: web, percentage: 100, requests: 1, response_bytes: 200000-1000000}
)",
                                     "bench");
  run(state, c);
}
BENCHMARK(BM_GenFullSizePackets)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace flowreplay

BENCHMARK_MAIN();
