// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/flow_meter.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "flowreplay/core/wire.hpp"

namespace flowreplay {

// An open record, on an intrusive list ordered by last packet time, so the inactive sweep only
// ever looks at the front.
struct FlowMeter::Flow {
  FlowKey key;
  std::uint64_t hash = 0;
  FlowRecord record;
  std::uint16_t fwd_port = 0;  // the initiator's port (ICMP: the echo identifier)
  bool fin[2] = {false, false};
  bool closed = false;
  Flow* prev = nullptr;
  Flow* next = nullptr;
};

FlowMeter::FlowMeter(const MeterOptions& options, Sink sink) : options_(options), sink_(std::move(sink)) {}
FlowMeter::~FlowMeter() = default;

void FlowMeter::end(Flow* f, EndReason reason) {
  by_last_seen_.unlink(f);
  f->record.end_reason = reason;
  ++records_;
  const std::unique_ptr<Flow> owned = flows_.take(f->key, f->hash);
  sink_(owned->record);
}

void FlowMeter::expire(Timestamp now) {
  while (Flow* f = by_last_seen_.front()) {
    const Duration idle = now - f->record.end;
    if (f->closed && idle > options_.closed_timeout) {
      end(f, EndReason::kEndOfFlow);
    } else if (idle > options_.inactive_timeout) {
      end(f, EndReason::kIdleTimeout);
    } else {
      // Closed flows use a shorter timeout than the list's order assumes; look a little further.
      Flow* g = f->next;
      bool any = false;
      for (int k = 0; g != nullptr && k < 4; ++k, g = g->next) {
        if (g->closed && now - g->record.end > options_.closed_timeout) {
          end(g, EndReason::kEndOfFlow);
          any = true;
          break;
        }
      }
      if (!any) return;
    }
  }
}

void FlowMeter::add(const RawPacket& p) {
  now_ = std::max(now_, p.ts);
  expire(now_);
  const bool icmp = is_icmp(p.protocol);
  const std::uint16_t sp = icmp ? p.icmp_id : p.src_port;
  const std::uint16_t dp = icmp ? p.icmp_id : p.dst_port;  // the identifier on both sides: one echo flow
  const FlowKey key = FlowKey::of(p.src, sp, p.dst, dp, p.protocol);
  if (!options_.shard.keeps(key)) return;
  const std::uint64_t hash = FlowTable<Flow>::hash_of(key);
  Flow* f = flows_.find(key, hash);
  // The flow goes on in a new record after an active timeout, facing the way the flow does.
  std::optional<FlowRecord> carried;
  std::uint16_t carried_fwd_port = 0;
  if (f != nullptr && p.ts - f->record.start > options_.active_timeout) {
    carried = f->record;
    carried_fwd_port = f->fwd_port;
    end(f, EndReason::kActiveTimeout);
    f = nullptr;
  }
  if (f == nullptr) {
    auto owned = std::make_unique<Flow>();
    f = owned.get();
    f->key = key;
    f->hash = hash;
    FlowRecord& r = f->record;
    if (carried) {
      r.src = carried->src;
      r.dst = carried->dst;
      r.src_port = carried->src_port;
      r.dst_port = carried->dst_port;
      f->fwd_port = carried_fwd_port;
    } else {
      r.src = p.src;
      r.dst = p.dst;
      r.src_port = sp;
      r.dst_port = icmp ? p.icmp_type_code : p.dst_port;
      f->fwd_port = sp;
    }
    r.l4_proto = p.protocol;
    r.vlan = p.vlan;
    r.start = p.ts;
    flows_.insert(std::move(owned), hash);
    by_last_seen_.push_back(f);
  } else {
    by_last_seen_.move_to_back(f);
  }

  FlowRecord& r = f->record;
  const bool forward = from_initiator(r.src, f->fwd_port, p.src, sp);
  const std::uint64_t bytes = p.l3_len;
  if (forward) {
    if (r.packets++ == 0) r.start_fwd = p.ts;
    r.end_fwd = std::max(r.end_fwd, p.ts);
    r.bytes += bytes;
    r.tcp_flags |= p.tcp_flags;
  } else {
    if (r.packets_rev++ == 0) r.start_rev = p.ts;
    r.end_rev = std::max(r.end_rev, p.ts);
    r.bytes_rev += bytes;
    r.tcp_flags_rev |= p.tcp_flags;
  }
  r.end = std::max(r.end, p.ts);
  if (p.protocol == wire::kProtoTcp) {
    if (p.tcp_flags & wire::kTcpFin) f->fin[forward ? 0 : 1] = true;
    if ((p.tcp_flags & wire::kTcpRst) || (f->fin[0] && f->fin[1])) f->closed = true;
  }
}

void FlowMeter::finish() {
  std::vector<Flow*> open;
  for (Flow* f = by_last_seen_.front(); f != nullptr; f = f->next) open.push_back(f);
  std::sort(open.begin(), open.end(), [](const Flow* a, const Flow* b) { return a->record.start < b->record.start; });
  for (Flow* f : open) end(f, f->closed ? EndReason::kEndOfFlow : EndReason::kForcedEnd);
}

}  // namespace flowreplay
