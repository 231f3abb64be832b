// SPDX-License-Identifier: MIT
// The synthetic flow record the export benchmarks send: IPv4 TCP, 10 packets, 5000 L3 bytes,
// a distinct 5-tuple and start time per index.
#pragma once

#include "flowreplay/core/flow_record.hpp"

namespace flowreplay::bench {

inline FlowRecord sample_record(std::uint64_t i) {
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
  r.tcp_flags = 0x1b;
  return r;
}

}  // namespace flowreplay::bench
