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
  // Why the flow ended, as IPFIX flowEndReason (IE 136, RFC 5102): 1 idle timeout, 2 active
  // timeout, 3 end of flow detected (TCP FIN or RST), 4 forced end (end of input).
  std::uint8_t end_reason = 1;
};

// ICMP type * 256 + code of one direction of an ICMP record: the forward value is dst_port; the
// reverse of an echo request is its reply (RFC 792 8 -> 0, RFC 4443 128 -> 129).
inline std::uint16_t icmp_type_code(const FlowRecord& r, bool reverse) {
  if (!reverse) return r.dst_port;
  if (r.l4_proto == 1 && r.dst_port == (8 << 8)) return 0;
  if (r.l4_proto == 58 && r.dst_port == (128 << 8)) return 129 << 8;
  return r.dst_port;
}

// Where finished flow records go: the ground-truth report, IPFIX, NetFlow v9.
class FlowRecordSink {
 public:
  virtual ~FlowRecordSink() = default;
  virtual void write(const FlowRecord& record) = 0;
  // Flushes; throws IoError when anything written earlier did not arrive.
  virtual void finish() = 0;
};

}  // namespace flowreplay
