// SPDX-License-Identifier: MIT
// A biflow as both sides of flowreplay see it: ground truth from the synthesizer, or a
// measurement from a capture. Forward is the direction of the flow's first packet. Byte counts
// are L3 bytes (IP header + payload), as IPFIX octetDeltaCount and FlowTest profiles count them.
#pragma once

#include <cstdint>
#include <string_view>

#include "flowreplay/net.hpp"
#include "flowreplay/units.hpp"

namespace flowreplay {

struct FlowRecord {
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;  // ICMP: type * 256 + code of the first packet
  std::uint8_t l4_proto = 0;
  std::uint16_t vlan = 0;
  Timestamp start = 0;  // first packet, either direction
  Timestamp end = 0;    // last packet, either direction
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t packets_rev = 0;
  std::uint64_t bytes_rev = 0;
  std::uint8_t tcp_flags = 0;      // union of the forward packets' flags
  std::uint8_t tcp_flags_rev = 0;  // union of the reverse packets' flags
  std::string_view app;            // pattern name for synthesized flows; empty when unknown
};

// Where finished flow records go: the ground-truth report, IPFIX, NetFlow v9.
class FlowRecordSink {
 public:
  virtual ~FlowRecordSink() = default;
  virtual void write(const FlowRecord& record) = 0;
  // Flushes; throws IoError when anything written earlier did not arrive.
  virtual void finish() = 0;
};

}  // namespace flowreplay
