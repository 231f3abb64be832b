// SPDX-License-Identifier: MIT
// Sends COUNT synthetic flow records at RATE records/s as NetFlow v9 or IPFIX to a UDP
// collector, through the same exporters `flowreplay gen` uses (for udp_lossless.sh).
// Usage: udp_export_probe v9|ipfix udp://HOST:PORT RATE COUNT
#include <cstdio>
#include <cstdlib>
#include <string>

#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/replay/paced_sink.hpp"
#include "sample_record.hpp"

int main(int argc, char** argv) {
  using namespace flowreplay;
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s v9|ipfix udp://HOST:PORT RATE COUNT\n", argv[0]);
    return 2;
  }
  const std::string kind = argv[1];
  auto to = CollectorAddress::parse(argv[2]);
  ExportOptions o;
  o.biflow = true;
  const auto count = std::strtoull(argv[4], nullptr, 10);
  auto e = kind == "v9" ? make_netflow_v9_exporter(*to, o) : make_ipfix_exporter(*to, o);
  MonotonicClock clock;
  Pacing pacing;
  pacing.mode = Pacing::Mode::kRate;
  pacing.rate = std::atof(argv[3]);
  PacedRecordSink paced(*e, clock, pacing);
  for (unsigned long long i = 0; i < count; ++i) {
    paced.write(bench::sample_record(i));
  }
  paced.finish();
  const auto st = e->stats();
  std::printf("%llu %llu\n", static_cast<unsigned long long>(st.records_sent), static_cast<unsigned long long>(st.records_dropped));
  return 0;
}
