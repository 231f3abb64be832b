// SPDX-License-Identifier: MIT
#include "flowreplay/synth/synthesizer.hpp"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <memory>
#include <vector>

#include "flowreplay/synth/packet_builder.hpp"
#include "flowreplay/synth/size_tilts.hpp"
#include "flowreplay/core/rng.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

FlowLayout layout_for(const FlowSpec& spec, const GenConfig& config) {
  FlowLayout l;
  l.l2 = wire::kEthernetHeader + (spec.encap != nullptr ? spec.encap->bytes() : 0);
  l.l3 = spec.client.is_v6() ? 40 : 20;
  l.mtu = config.mtu;
  return l;
}

struct ActiveFlow {
  ActiveFlow(const FlowSpec& s, const GenConfig& config, const PayloadPools& pools, SizeTilts* tilts = nullptr)
      : spec(s),
        layout(layout_for(spec, config)),
        planner(spec, config, pools, layout, tilts),
        builder(spec, layout),
        fragment_rng(mix_seed(spec.seed, 0xf7a9)) {}

  FlowSpec spec;
  FlowLayout layout;
  FlowPlanner planner;
  PacketBuilder builder;
  FlowRecord record;
  Duration lag = 0;
  int last_dir = -1;
  Rng fragment_rng;  // which packets split, and IPv6 fragment identifications
};

struct Entry {
  Timestamp key;
  std::uint64_t order;  // flow index: equal times leave in flow order, so output is deterministic
  ActiveFlow* flow;
  const void* payload;  // the message the flow's next packet copies from (null without payload), to warm
};

struct Later {
  bool operator()(const Entry& a, const Entry& b) const { return a.key != b.key ? a.key > b.key : a.order > b.order; }
};

}  // namespace

Synthesizer::Synthesizer(const GenConfig& config, FlowSource& source, PacketSink& sink, FlowRecordSink* records)
    : config_(config), source_(source), sink_(sink), records_(records) {}

SynthStats Synthesizer::run() {
  const PayloadPools pools(config_.seed);
  SizeTilts tilts(config_.size_histogram);
  std::vector<Entry> heap;
  SynthStats stats;
  Timestamp link_free = 0;
  const double ns_per_byte = 8e9 / config_.link_bps;
  const Duration switch_gap = config_.min_dir_switch_gap;
  const bool fragmenting = config_.fragmentation_probability > 0;
  std::vector<std::uint8_t> second(fragmenting ? PacketBuilder::kMaxL2 + 8 + config_.mtu + wire::kMinFrame : 0);

  FlowSpec upcoming;
  bool have_upcoming = source_.next(upcoming);
  try {
    for (;;) {
      // A stop request (SIGINT, SIGTERM) ends the run between two packets.
      if ((stats.packets & kStopCheckEvery) == 0 && stop_requested()) {
        stats.interrupted = true;
        break;
      }
      if (have_upcoming && (heap.empty() || upcoming.start < heap.front().key)) {
        auto flow = std::make_unique<ActiveFlow>(upcoming, config_, pools, &tilts);
        if (flow->planner.next()) {
          heap.push_back({flow->planner.packet().time, upcoming.index, flow.get(), flow->planner.packet().msg});
          flow.release();
          std::push_heap(heap.begin(), heap.end(), Later{});
          stats.peak_active_flows = std::max<std::uint64_t>(stats.peak_active_flows, heap.size());
        }
        have_upcoming = source_.next(upcoming);
        continue;
      }
      if (heap.empty()) break;

      std::pop_heap(heap.begin(), heap.end(), Later{});
      const Entry e = heap.back();
      heap.pop_back();
      std::unique_ptr<ActiveFlow> owner(e.flow);  // out of the heap: freed here if anything throws
      ActiveFlow& f = *owner;
      f.planner.prefetch();  // its coroutine runs again after this packet is written
      if (!heap.empty()) {  // the next flow to pop is usually the new top: warm its hot lines
        const ActiveFlow* n = heap.front().flow;
        if (heap.front().payload != nullptr) __builtin_prefetch(heap.front().payload);
        __builtin_prefetch(reinterpret_cast<const char*>(&n->spec) + 64);
        __builtin_prefetch(&n->planner);
        __builtin_prefetch(&n->planner.packet());
        __builtin_prefetch(&n->builder);
        __builtin_prefetch(reinterpret_cast<const char*>(&n->builder) + 64);
        __builtin_prefetch(&n->record);
        __builtin_prefetch(&n->lag);
      }
      // Exact flows (profile records) keep their planned times: no link or direction-switch delay.
      const Timestamp t = f.spec.exact ? e.key : std::max(e.key, link_free);
      f.lag += t - e.key;

      const PlannedPacket& p = f.planner.packet();
      FlowRecord& r = f.record;
      // The link is busy with a frame sent at `at` until it has left the wire.
      auto occupy = [&](Timestamp at, const BuiltFrame& built) {
        const std::uint32_t on_wire = std::max<std::uint32_t>(built.frame_len, 60) + 24;  // + FCS, preamble, IFG
        link_free = at + static_cast<Duration>(std::ceil(on_wire * ns_per_byte));
      };
      // Whether a packet is sent as two IP fragments (network.fragmentation_probability); draws
      // from the flow's generator, for another shard's packets too, so every flow draws the same.
      auto splits = [&](const BuiltFrame& built) {
        return fragmenting && built.l3_len >= config_.min_packet_size_to_fragment && can_fragment(built.l3_len, f.layout.l3) &&
               f.fragment_rng.chance(config_.fragmentation_probability);
      };
      // Counts one frame as written at time `at`, in the flow's record and the run's totals.
      auto account = [&](Timestamp at, const BuiltFrame& built) {
        occupy(at, built);
        r.end = at;
        if (p.dir == 0) {
          if (r.packets == 0) r.start_fwd = at;
          r.end_fwd = at;
          ++r.packets;
          r.bytes += built.l3_len;
          r.tcp_flags |= p.tcp_flags;
        } else {
          if (r.packets_rev == 0) r.start_rev = at;
          r.end_rev = at;
          ++r.packets_rev;
          r.bytes_rev += built.l3_len;
          r.tcp_flags_rev |= p.tcp_flags;
        }
        if (stats.packets == 0) stats.first = at;
        stats.last = at;
        ++stats.packets;
        stats.frame_bytes += built.frame_len;
        stats.l3_bytes += built.l3_len;
        if (progress_ && (stats.packets & 0xffff) == 0) progress_(stats);
      };

      const bool kept = shard_.count <= 1 || e.order % shard_.count == shard_.index;
      if (kept) {
        if (r.packets + r.packets_rev == 0) {  // the flow's first packet: its key, start and app
          r.src = f.spec.client;
          r.dst = f.spec.server;
          r.src_port = f.spec.client_port;
          r.dst_port = f.spec.server_port;
          if (f.spec.l4 == wire::kProtoIcmp) r.dst_port = wire::kIcmpEchoRequest << 8;
          if (f.spec.l4 == wire::kProtoIcmpv6) r.dst_port = wire::kIcmpv6EchoRequest << 8;
          r.l4_proto = f.spec.l4;
          r.vlan = f.spec.encap != nullptr ? f.spec.encap->outer_vlan() : 0;
          r.start = t;
          // The icmp pattern's IPv6 flows are ICMPv6, and named so (as ndpiReader names them).
          r.app = f.spec.l4 == wire::kProtoIcmpv6 && f.planner.app() == AppType::kIcmp ? std::string_view("icmpv6")
                                                                                      : app_name(f.planner.app());
          if (records_ != nullptr) records_->started(r);
        }
        std::uint8_t* frame = sink_.reserve(f.builder.max_frame());
        const BuiltFrame built = f.builder.build(p, frame);
        if (splits(built)) [[unlikely]] {
          const auto ident = static_cast<std::uint32_t>(f.fragment_rng.next());
          const FragmentPair pair = split_fragments(frame, f.layout.l2, f.layout.l3, built.l3_len, ident, second.data());
          sink_.commit(t, pair.first.frame_len);
          account(t, pair.first);
          // The second follows at wire speed; an exact flow keeps its planned time for both, so
          // a record's last packet stays at its END_TIME and exact flows never go backwards.
          const Timestamp t2 = f.spec.exact ? t : link_free;
          std::memcpy(sink_.reserve(pair.second.frame_len), second.data(), pair.second.frame_len);
          sink_.commit(t2, pair.second.frame_len);
          account(t2, pair.second);
          ++stats.fragmented;
        } else {
          sink_.commit(t, built.frame_len);
          account(t, built);
        }
      } else {  // another shard's flow (gen --shard): its packets only take their time on the link
        const BuiltFrame built = f.builder.measure(p);
        if (splits(built)) [[unlikely]] {
          (void)f.fragment_rng.next();  // the identification, drawn as for a written packet
          const FragmentPair pair = fragment_lengths(f.layout.l2, f.layout.l3, built.l3_len);
          occupy(t, pair.first);
          occupy(f.spec.exact ? t : link_free, pair.second);
        } else {
          occupy(t, built);
        }
      }

      f.last_dir = p.dir;
      if (f.planner.next()) {
        const PlannedPacket& n = f.planner.packet();
        Timestamp key = n.time + f.lag;
        if (!f.spec.exact && n.dir != f.last_dir && key < t + switch_gap) {
          f.lag += t + switch_gap - key;
          key = t + switch_gap;
        }
        heap.push_back({key, e.order, owner.get(), n.msg});
        owner.release();
        std::push_heap(heap.begin(), heap.end(), Later{});
      } else {
        ++stats.run_flows;
        if (kept) {
          if (((r.tcp_flags | r.tcp_flags_rev) & (wire::kTcpFin | wire::kTcpRst)) != 0) r.end_reason = EndReason::kEndOfFlow;
          if (records_ != nullptr) records_->write(r);
          ++stats.flows;
        }
      }
    }
    if (stats.interrupted) {  // the flows cut short: their ground truth is what the capture holds
      std::vector<const Entry*> open;
      for (const Entry& e : heap) {
        if (e.flow->record.packets + e.flow->record.packets_rev > 0) open.push_back(&e);
      }
      std::sort(open.begin(), open.end(), [](const Entry* a, const Entry* b) {
        return a->flow->record.start != b->flow->record.start ? a->flow->record.start < b->flow->record.start
                                                              : a->order < b->order;
      });
      for (const Entry* e : open) {
        e->flow->record.end_reason = EndReason::kForcedEnd;
        if (records_ != nullptr) records_->write(e->flow->record);
        ++stats.flows_cut;
      }
      for (auto& e : heap) delete e.flow;
      heap.clear();
    }
  } catch (...) {
    for (auto& e : heap) delete e.flow;
    throw;
  }
  sink_.finish();
  if (records_ != nullptr) records_->finish();
  return stats;
}

double mean_flow_frame_bytes(const GenConfig& config, std::uint32_t samples) {
  GenConfig probe = config;
  probe.max_flows = samples;
  probe.duration.reset();
  MixFlowSource source(probe, 1000.0, mix_seed(config.seed, 0x5a3b1e));
  const PayloadPools pools(config.seed);
  FlowSpec spec;
  double total = 0;
  std::uint32_t flows = 0;
  while (source.next(spec)) {
    ActiveFlow f(spec, probe, pools);
    while (f.planner.next()) {
      const PlannedPacket& p = f.planner.packet();
      std::uint32_t l4 = 8;
      if (spec.l4 == wire::kProtoTcp) l4 = p.syn_options ? FlowLayout::kTcpSyn : FlowLayout::kTcpData;
      total += std::max<std::uint32_t>(60, f.layout.l2 + f.layout.l3 + l4 + p.payload_len);
    }
    ++flows;
  }
  return flows == 0 ? 0 : total / flows;
}

double effective_flows_per_second(const GenConfig& config) {
  if (config.flows_per_second) return *config.flows_per_second;
  const double bytes = mean_flow_frame_bytes(config, 2000);
  return *config.bandwidth_bps / (bytes * 8.0);
}

}  // namespace flowreplay
