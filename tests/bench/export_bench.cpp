// SPDX-License-Identifier: MIT
// Flow-record export throughput: IPFIX records encoded into a file through libfixbuf, IPFIX over
// TCP to a reader on loopback (every record acknowledged before the clock stops), and the NetFlow
// v9 encoder alone. items/s = records/s. Figures: docs/performance.md.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "../common/loopback_listener.hpp"
#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/exporters/netflow_v9.hpp"
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

// A loopback reader that discards what it reads, one connection after another.
class DiscardServer {
 public:
  DiscardServer() {
    thread_ = std::thread([this] {
      std::vector<char> buf(1 << 20);
      for (int c; (c = listener_.accept_one()) >= 0;) {
        while (recv(c, buf.data(), buf.size(), 0) > 0) {
        }
        close(c);
      }
    });
  }
  ~DiscardServer() {
    listener_.stop();
    thread_.join();
  }
  [[nodiscard]] CollectorAddress address() const { return listener_.address(); }

 private:
  test_support::LoopbackListener listener_;
  std::thread thread_;
};

void BM_IpfixTcp(benchmark::State& state) {
  DiscardServer server;
  const CollectorAddress to = server.address();
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    ExportOptions o;
    o.biflow = true;
    auto e = make_ipfix_exporter(to, o);
    for (std::uint64_t i = 0; i < n; ++i) e->write(bench::sample_record(i));
    e->finish();
    if (e->stats().records_sent != n) state.SkipWithError("not every record was acknowledged");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}
BENCHMARK(BM_IpfixTcp)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

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
