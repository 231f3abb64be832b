// SPDX-License-Identifier: MIT
// Sends COUNT synthetic flow records at RATE records/s as NetFlow v9 or IPFIX to a UDP
// collector, through the same exporters `flowreplay gen` uses (for udp_lossless.sh).
// Usage: udp_export_probe v9|ipfix udp://HOST:PORT RATE COUNT
#include <cstdio>
#include <cstdlib>
#include <string>

#include "flowreplay/flow_exporter.hpp"

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
    FlowRecord r;
    r.src = IpAddress::v4(0x0a000000u + static_cast<std::uint32_t>(i & 0xffffff));
    r.dst = IpAddress::v4(0xc0a80001u);
    r.src_port = static_cast<std::uint16_t>(1024 + i % 60000);
    r.dst_port = 443;
    r.l4_proto = 6;
    r.start = 1'700'000'000'000'000'000LL + static_cast<Timestamp>(i) * 1000;
    r.end = r.start + 5'000'000;
    r.packets = 10;
    r.bytes = 5000;
    e->write(r);
  }
  e->finish();
  const auto st = e->stats();
  std::printf("%llu %llu\n", static_cast<unsigned long long>(st.records_sent), static_cast<unsigned long long>(st.records_dropped));
  return 0;
}
