// SPDX-License-Identifier: MIT
// Flow-record export throughput: IPFIX records encoded into a file through libfixbuf, and the
// NetFlow v9 encoder alone. items/s = records/s. Figures: docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <string>

#include "flowreplay/flow_exporter.hpp"
#include "flowreplay/netflow_v9.hpp"

namespace flowreplay {
namespace {

FlowRecord sample(std::uint64_t i) {
  FlowRecord r;
  r.src = IpAddress::v4(0x0a000000u + static_cast<std::uint32_t>(i & 0xffff));
  r.dst = IpAddress::v4(0xc0a80001u);
  r.src_port = static_cast<std::uint16_t>(32768 + i % 28000);
  r.dst_port = 443;
  r.l4_proto = 6;
  r.start = 1'700'000'000'000'000'000LL + static_cast<Timestamp>(i) * 1000;
  r.end = r.start + 5'000'000;
  r.packets = 10;
  r.bytes = 5000;
  r.tcp_flags = 0x1b;
  return r;
}

void BM_IpfixFile(benchmark::State& state) {
  const std::string path = "/tmp/flowreplay-bench-" + std::to_string(getpid()) + ".ipfix";
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    ExportOptions o;
    o.biflow = true;  // one record per flow
    auto e = make_ipfix_file_exporter(path, o);
    for (std::uint64_t i = 0; i < n; ++i) e->write(sample(i));
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
    for (std::uint64_t i = 0; i < n; ++i) enc.add(sample(i));
    enc.flush();
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}
BENCHMARK(BM_NetflowV9Encode)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace flowreplay

BENCHMARK_MAIN();
