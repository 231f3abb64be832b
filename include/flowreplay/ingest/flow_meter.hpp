// SPDX-License-Identifier: MIT
// A flow exporter's meter: packets in, biflow records out, cut the way NetFlow/IPFIX probes cut
// them. A record ends when its flow has been idle for the inactive timeout (flowEndReason 1),
// when it has lasted the active timeout (2; the flow continues in a new record that faces the
// same way), shortly after TCP says the connection is over, FINs from both sides or a RST (3),
// or at the end of the input (4). Forward is the direction of the flow's first packet; ICMP echo flows are keyed by their
// identifier, and their DST_PORT is type * 256 + code of the first packet, as collectors show it.
// Memory follows the flows open at one time.
#pragma once

#include <cstdint>
#include <functional>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/ingest/capture_loop.hpp"
#include "flowreplay/ingest/flow_table.hpp"
#include "flowreplay/ingest/raw_packet.hpp"

namespace flowreplay {

struct MeterOptions {
  Duration active_timeout = 300 * kNanosPerSecond;
  Duration inactive_timeout = 30 * kNanosPerSecond;
  Duration closed_timeout = 1 * kNanosPerSecond;  // after FIN+FIN or RST: room for the last ACK
  // Only the flows of this shard get records (--shard K/N). Every packet still moves the clock,
  // so each record ends as it would in the whole run (same times, same end reason).
  Shard shard;
};

class FlowMeter : public PacketMeter {
 public:
  using Sink = std::function<void(const FlowRecord&)>;
  FlowMeter(const MeterOptions& options, Sink sink);
  ~FlowMeter() override;
  FlowMeter(const FlowMeter&) = delete;
  FlowMeter& operator=(const FlowMeter&) = delete;

  void add(const RawPacket& p) override;
  void finish() override;  // ends every open record (reason 4, or 3 for closed TCP)
  [[nodiscard]] std::uint64_t records() const { return records_; }
  [[nodiscard]] std::size_t open_flows() const { return flows_.size(); }

 private:
  struct Flow;
  void expire(Timestamp now);
  void end(Flow* f, EndReason reason);

  MeterOptions options_;
  Sink sink_;
  FlowTable<Flow> flows_;
  FlowList<Flow> by_last_seen_;  // least recently seen first
  std::uint64_t records_ = 0;
  Timestamp now_ = 0;
};

}  // namespace flowreplay
