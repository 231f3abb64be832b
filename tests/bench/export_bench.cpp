// SPDX-License-Identifier: MIT
// Flow-record export throughput: IPFIX records encoded into a file through libfixbuf, and the
// NetFlow v9 encoder alone. items/s = records/s. Figures: docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <string>

#include "flowreplay/flow_exporter.hpp"
#include "flowreplay/netflow_v9.hpp"
#include "sample_record.hpp"

namespace flowreplay {
namespace {

void BM_IpfixFile(benchmark::State& state) {
  const std::string path = "/tmp/flowreplay-bench-" + std::to_string(getpid()) + ".ipfix";
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    ExportOptions o;
    o.biflow = true;  // one record per flow
    auto e = make_ipfix_file_exporter(path, o);
    for (std::uint64_t i = 0; i < n; ++i) e->write(bench::sample_record(i));
    e->finish();
  }
  unlink(path.c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}
BENCHMARK(BM_IpfixFile)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_NetflowV9Encode(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    NetflowV9Encoder enc(1, 1400, 20, [&](std::span<const std::uint8_t> p, std::uint32_t) { bytes += p.size(); });
    for (std::uint64_t i = 0; i < n; ++i) enc.add(bench::sample_record(i));
    enc.flush();
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}
BENCHMARK(BM_NetflowV9Encode)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace flowreplay

BENCHMARK_MAIN();
