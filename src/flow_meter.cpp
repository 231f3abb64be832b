// SPDX-License-Identifier: MIT
#include "flowreplay/flow_meter.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "flowreplay/wire.hpp"

namespace flowreplay {

// An open record, on an intrusive list ordered by last packet time, so the inactive sweep only
// ever looks at the front.
struct FlowMeter::Flow {
  FlowKey key;
  FlowRecord record;
  std::uint16_t fwd_port = 0;
  bool fin[2] = {false, false};
  bool closed = false;
  Flow* prev = nullptr;
  Flow* next = nullptr;
};

FlowMeter::FlowMeter(const MeterOptions& options, Sink sink) : options_(options), sink_(std::move(sink)) {}
FlowMeter::~FlowMeter() = default;

namespace {

bool is_icmp(std::uint8_t proto) { return proto == wire::kProtoIcmp || proto == wire::kProtoIcmpv6; }

}  // namespace

void FlowMeter::end(Flow* f, std::uint8_t reason) {
  if (f->prev != nullptr) f->prev->next = f->next; else lru_head_ = f->next;
  if (f->next != nullptr) f->next->prev = f->prev; else lru_tail_ = f->prev;
  f->record.end_reason = reason;
  ++records_;
  sink_(f->record);
  flows_.erase(f->key);
}

void FlowMeter::expire(Timestamp now) {
  while (lru_head_ != nullptr) {
    Flow* f = lru_head_;
    const Duration idle = now - f->record.end;
    if (f->closed && idle > options_.closed_timeout) {
      end(f, 3);
    } else if (idle > options_.inactive_timeout) {
      end(f, 1);
    } else {
      // Closed flows use a shorter timeout than the list's order assumes; look a little further.
      Flow* g = f->next;
      bool any = false;
      for (int k = 0; g != nullptr && k < 4; ++k, g = g->next) {
        if (g->closed && now - g->record.end > options_.closed_timeout) {
          end(g, 3);
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
  auto it = flows_.find(key);
  Flow* f = it == flows_.end() ? nullptr : it->second.get();
  // The flow goes on in a new record after an active timeout, facing the way the flow does.
  std::optional<FlowRecord> carried;
  std::uint16_t carried_fwd_port = 0;
  if (f != nullptr && p.ts - f->record.start > options_.active_timeout) {
    carried = f->record;
    carried_fwd_port = f->fwd_port;
    end(f, 2);
    f = nullptr;
  }
  if (f == nullptr) {
    auto owned = std::make_unique<Flow>();
    f = owned.get();
    f->key = key;
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
    flows_.emplace(key, std::move(owned));
  } else {  // unlink: it moves to the tail below
    if (f->prev != nullptr) f->prev->next = f->next; else lru_head_ = f->next;
    if (f->next != nullptr) f->next->prev = f->prev; else lru_tail_ = f->prev;
  }
  f->prev = lru_tail_;
  f->next = nullptr;
  if (lru_tail_ != nullptr) lru_tail_->next = f; else lru_head_ = f;
  lru_tail_ = f;

  FlowRecord& r = f->record;
  const bool forward = p.src == r.src && sp == f->fwd_port;
  const std::uint64_t bytes = p.l3_len;
  if (forward) {
    ++r.packets;
    r.bytes += bytes;
    r.tcp_flags |= p.tcp_flags;
  } else {
    ++r.packets_rev;
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
  for (Flow* f = lru_head_; f != nullptr; f = f->next) open.push_back(f);
  std::sort(open.begin(), open.end(), [](const Flow* a, const Flow* b) { return a->record.start < b->record.start; });
  for (Flow* f : open) end(f, f->closed ? 3 : 4);
}

}  // namespace flowreplay
