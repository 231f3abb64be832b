// SPDX-License-Identifier: MIT
// A biflow as both sides of flowreplay see it: ground truth from the synthesizer, or a
// measurement from a capture. Forward is the direction of the flow's first packet. Byte counts
// are L3 bytes (IP header + payload), as IPFIX octetDeltaCount and FlowTest profiles count them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "flowreplay/core/address.hpp"
#include "flowreplay/core/huge_pages.hpp"
#include "flowreplay/core/units.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

// Why a flow record ended, as IPFIX flowEndReason (IE 136, RFC 7012 / IANA registry).
enum class EndReason : std::uint8_t {
  kIdleTimeout = 1,    // no packet for the inactive timeout
  kActiveTimeout = 2,  // the record lasted the active timeout; the flow goes on in a new record
  kEndOfFlow = 3,      // TCP FIN from both sides, or RST
  kForcedEnd = 4,      // the input ended (or the exporter shut down)
};

struct FlowRecord {
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;  // ICMP: type * 256 + code of the first packet
  std::uint8_t l4_proto = 0;
  std::uint16_t vlan = 0;
  Timestamp start = 0;  // first packet, either direction
  Timestamp end = 0;    // last packet, either direction
  // First and last packet of each direction (0 for a direction without packets): a one-way
  // reference can be built from them.
  Timestamp start_fwd = 0;
  Timestamp end_fwd = 0;
  Timestamp start_rev = 0;
  Timestamp end_rev = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t packets_rev = 0;
  std::uint64_t bytes_rev = 0;
  std::uint8_t tcp_flags = 0;      // union of the forward packets' flags
  std::uint8_t tcp_flags_rev = 0;  // union of the reverse packets' flags
  std::string_view app;            // pattern name for synthesized flows; empty when unknown
  EndReason end_reason = EndReason::kIdleTimeout;
};

// ICMP type * 256 + code of one direction of an ICMP record: the forward value is dst_port; the
// reverse of an echo request is its reply (RFC 792 8 -> 0, RFC 4443 128 -> 129).
inline std::uint16_t icmp_type_code(const FlowRecord& r, bool reverse) {
  if (!reverse) return r.dst_port;
  if (r.l4_proto == wire::kProtoIcmp && r.dst_port == (wire::kIcmpEchoRequest << 8)) return static_cast<std::uint16_t>(wire::kIcmpEchoReply << 8);
  if (r.l4_proto == wire::kProtoIcmpv6 && r.dst_port == (wire::kIcmpv6EchoRequest << 8)) {
    return static_cast<std::uint16_t>(wire::kIcmpv6EchoReply << 8);
  }
  return r.dst_port;
}

inline bool is_icmp(std::uint8_t l4_proto) { return l4_proto == wire::kProtoIcmp || l4_proto == wire::kProtoIcmpv6; }

// Where finished flow records go: the ground-truth report, a profile, IPFIX, NetFlow v9.
class FlowRecordSink {
 public:
  virtual ~FlowRecordSink() = default;
  // A flow's first packet is about to be written: the record holds its key, start and app, and
  // no counts yet (a synthesizer calls it; a meter has nothing to say before a record ends).
  virtual void started(const FlowRecord& /*record*/) {}
  virtual void write(const FlowRecord& record) = 0;
  // Hands on what is buffered now (a paced sink calls it before it waits); no-op by default.
  virtual void flush() {}
  // Flushes; throws IoError when anything written earlier did not arrive.
  virtual void finish() = 0;
  // How many records this sink makes of one flow record: what a --rate in records/s counts
  // (a one-way exporter sends a biflow with reverse packets as two).
  [[nodiscard]] virtual std::uint32_t records_for(const FlowRecord& /*record*/) const { return 1; }
};

// Sends each record to every sink added, in order.
class TeeSink : public FlowRecordSink {
 public:
  void add(FlowRecordSink* sink) {
    if (sink != nullptr) sinks_.push_back(sink);
  }
  void started(const FlowRecord& r) override {
    for (FlowRecordSink* s : sinks_) s->started(r);
  }
  void write(const FlowRecord& r) override {
    for (FlowRecordSink* s : sinks_) s->write(r);
  }
  void flush() override {
    for (FlowRecordSink* s : sinks_) s->flush();
  }
  void finish() override {
    for (FlowRecordSink* s : sinks_) s->finish();
  }
  [[nodiscard]] bool empty() const { return sinks_.empty(); }

 private:
  std::vector<FlowRecordSink*> sinks_;
};

// A record as read from a file, with how precise its times are and where it came from: what
// flow_csv.hpp reads and compare (ingest/flow_compare.hpp) takes, so a file's rows are compared
// where they were parsed.
struct ReadFlow {
  FlowRecord record;
  Duration precision = 1;  // the times are truncated to this (1 ns for reports, 1 s or 1 ms for nfdump)
  std::uint64_t line = 0;  // where it came from, for messages
  bool per_direction_times = false;  // record.start_fwd.. hold each direction's own times (else start/end serve both)
};

// Many of them, in memory that huge pages can back (core/huge_pages.hpp).
using ReadFlows = std::vector<ReadFlow, HugePageAllocator<ReadFlow>>;

}  // namespace flowreplay
