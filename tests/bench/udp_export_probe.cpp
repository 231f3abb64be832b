// SPDX-License-Identifier: MIT
// Sends COUNT synthetic flow records at RATE records/s as NetFlow v9 or IPFIX to a UDP
// collector, through the same exporters `flowreplay gen` uses (for udp_lossless.sh).
// Usage: udp_export_probe v9|ipfix udp://HOST:PORT RATE COUNT
#include <cstdio>
#include <cstdlib>
#include <string>

#include "flowreplay/flow_exporter.hpp"
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
  o.rate = std::atof(argv[3]);
  o.biflow = true;
  const auto count = std::strtoull(argv[4], nullptr, 10);
  auto e = kind == "v9" ? make_netflow_v9_exporter(*to, o) : make_ipfix_exporter(*to, o);
  for (unsigned long long i = 0; i < count; ++i) {
    e->write(bench::sample_record(i));
  }
  e->finish();
  const auto st = e->stats();
  std::printf("%llu %llu\n", static_cast<unsigned long long>(st.records_sent), static_cast<unsigned long long>(st.records_dropped));
  return 0;
}
