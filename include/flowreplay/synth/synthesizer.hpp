// SPDX-License-Identifier: MIT
// Merges the packets of all active flows into one time-ordered stream (the calendar: a min-heap
// of flows keyed by their next packet's time), builds each packet into the sink and hands each
// finished flow's ground truth to the record sink. Memory holds the active flows only.
//
// The link is shared: a packet never starts before the previous one has left the wire at
// timing.link_speed, and a flow's packets never change direction sooner than
// timing.min_dir_switch_gap. Either delay shifts the rest of that flow by the same amount
// (its lag), so the flow's own TCP timing stays consistent.
#pragma once

#include <cstdint>
#include <functional>

#include "flowreplay/core/flow_key.hpp"
#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/synth/flow_source.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/core/packet_sink.hpp"

namespace flowreplay {

struct SynthStats {
  std::uint64_t flows = 0;       // finished flows (of the shard, with set_shard)
  std::uint64_t run_flows = 0;   // finished flows of the whole run, every shard's
  std::uint64_t packets = 0;
  std::uint64_t frame_bytes = 0;  // L2 bytes without FCS
  std::uint64_t l3_bytes = 0;
  Timestamp first = 0;  // first packet
  Timestamp last = 0;   // last packet
  std::uint64_t peak_active_flows = 0;
  std::uint64_t fragmented = 0;  // packets split in two fragments (both counted in packets)
  bool interrupted = false;     // a stop was requested (core/stop.hpp): the run ended early
  std::uint64_t flows_cut = 0;  // flows in progress at the stop, reported with what they had
};

class Synthesizer {
 public:
  static constexpr std::uint64_t kStopCheckEvery = 0xfff;  // packets between stop checks, minus one

  Synthesizer(const GenConfig& config, FlowSource& source, PacketSink& sink, FlowRecordSink* records);

  // gen --shard K/N: write only flows K, K + N, ... (by flow index). The other flows are still
  // planned and take their time on the shared link, so each written packet is byte for byte the
  // whole run's and the N shards' outputs together are the whole run's.
  void set_shard(Shard shard) { shard_ = shard; }

  // Called about every 65 536 packets with the running totals.
  void on_progress(std::function<void(const SynthStats&)> callback) { progress_ = std::move(callback); }

  // Generates until the source runs dry and every flow has ended, or a stop is requested (then
  // the flows in progress are reported as they stand, end reason 4), then finishes the sinks.
  SynthStats run();

 private:
  const GenConfig& config_;
  FlowSource& source_;
  PacketSink& sink_;
  FlowRecordSink* records_;
  Shard shard_;
  std::function<void(const SynthStats&)> progress_;
};

// Mean L2 bytes (frames without FCS) of one flow of the mix, from planning `samples` flows of
// it: turns a bandwidth into flows per second.
double mean_flow_frame_bytes(const GenConfig& config, std::uint32_t samples);

// flows_per_second as configured, or derived from the bandwidth.
double effective_flows_per_second(const GenConfig& config);

}  // namespace flowreplay
