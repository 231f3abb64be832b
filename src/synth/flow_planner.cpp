// SPDX-License-Identifier: MIT
#include "flowreplay/synth/flow_planner.hpp"

#include <algorithm>
#include <cmath>

#include "flowreplay/core/wire.hpp"
#include "flowreplay/synth/size_tilts.hpp"

namespace flowreplay {

namespace {

constexpr std::uint8_t kClient = 0;
constexpr std::uint8_t kServer = 1;
constexpr Duration kDelayedAck = 40 * kNanosPerMilli;  // Linux's minimum delayed-ACK timeout
constexpr std::uint32_t kMaxCwnd = 40;                 // segments; stays below the 64256-byte window
constexpr std::uint16_t kWindow = 502;                 // << 7 (window scale) = 64256 bytes
constexpr std::uint16_t kSynWindow = 64240;
constexpr std::uint16_t kSynAckWindow = 65160;

std::uint32_t overhead(const FlowSpec& spec, const FlowLayout& layout) {
  const std::uint32_t l4 = spec.l4 == wire::kProtoTcp ? FlowLayout::kTcpData : 8;
  return layout.l2 + layout.l3 + l4;
}

std::uint32_t max_payload(const FlowSpec& spec, const FlowLayout& layout) {
  return spec.l4 == wire::kProtoTcp ? layout.tcp_segment() : layout.udp_payload();
}

}  // namespace

FlowPlanner::FlowPlanner(const FlowSpec& spec, const GenConfig& config, const PayloadPools& pools,
                         const FlowLayout& layout, SizeTilts* tilts)
    : spec_(spec),
      config_(config),
      layout_(layout),
      rng_(spec.seed),
      opaque_(&pools.binary),
      tilts_(tilts),
      app_(spec.pattern->type),
      script_(spec, config, pools, rng_, overhead(spec, layout), max_payload(spec, layout)),
      max_gap_(config.max_gap) {
  delay_[kClient] = draw(config.client_rtt);
  delay_[kServer] = draw(config.rtt);
  for (int d = 0; d < 2; ++d) {
    iss_[d] = static_cast<std::uint32_t>(rng_.next());
    ts_base_[d] = static_cast<std::uint32_t>(rng_.next());
  }
  if (spec.exact) {
    steps_ = exact();
  } else if (spec.l4 == wire::kProtoTcp) {
    steps_ = tcp();
  } else if (spec.l4 == wire::kProtoUdp) {
    steps_ = udp();
  } else {
    steps_ = icmp();
  }
}

FlowPlanner::~FlowPlanner() = default;

Duration FlowPlanner::draw(const DurationRange& r) {
  if (r.hi <= r.lo) return r.lo;
  if (r.lo > 0 && r.hi / r.lo >= 10) {  // log-uniform across decades
    const double lo = std::log(static_cast<double>(r.lo));
    const double hi = std::log(static_cast<double>(r.hi));
    return static_cast<Duration>(std::exp(lo + (hi - lo) * rng_.uniform()));
  }
  return rng_.between(r.lo, r.hi);
}

// Spacing of back-to-back packets from one sender: the frame's time on the configured link
// plus up to 1 us of host jitter.
Duration FlowPlanner::gap_for(std::uint32_t payload) const {
  const std::uint32_t l4 = spec_.l4 == wire::kProtoTcp ? FlowLayout::kTcpData : 8;
  return wire_time(layout_.l2 + layout_.l3 + l4 + payload, config_.link_bps);
}

void FlowPlanner::tcp_packet(std::uint8_t dir, Timestamp t, std::uint8_t flags, std::uint32_t seq,
                             std::uint32_t ack) {
  pkt_.time = t;
  pkt_.dir = dir;
  pkt_.tcp_flags = flags;
  pkt_.syn_options = (flags & wire::kTcpSyn) != 0;
  pkt_.no_options = false;
  pkt_.window = kWindow;
  pkt_.seq = seq;
  pkt_.ack = ack;
  // RFC 7323 timestamps: a 1 ms clock per host from a random origin; echo the peer's latest.
  pkt_.tsval = ts_base_[dir] + static_cast<std::uint32_t>((t - spec_.start) / kNanosPerMilli);
  pkt_.tsecr = (flags & wire::kTcpSyn) && !(flags & wire::kTcpAck) ? 0 : ts_last_[1 - dir];
  ts_last_[dir] = pkt_.tsval;
  pkt_.payload_len = 0;
  pkt_.msg_offset = 0;
  pkt_.msg = nullptr;
}

Steps FlowPlanner::tcp() {
  const PatternConfig& pat = *spec_.pattern;
  std::uint32_t nxt[2];  // next sequence number of each side
  Timestamp t = spec_.start;

  // Three-way handshake (RFC 9293 section 3.5).
  tcp_packet(kClient, t, wire::kTcpSyn, iss_[kClient], 0);
  pkt_.window = kSynWindow;
  co_yield 0;
  nxt[kClient] = iss_[kClient] + 1;
  t += cap(delay_[kServer]);
  tcp_packet(kServer, t, wire::kTcpSyn | wire::kTcpAck, iss_[kServer], nxt[kClient]);
  pkt_.window = kSynAckWindow;
  co_yield 0;
  nxt[kServer] = iss_[kServer] + 1;
  t += cap(delay_[kClient]);
  tcp_packet(kClient, t, wire::kTcpAck, nxt[kClient], nxt[kServer]);
  co_yield 0;

  Timestamp last_data = t;  // the latest data segment of anyone
  Timestamp acked_at = t;   // the latest ACK of the previous message's receiver
  int last_dir = -1;
  bool owes_ack[2] = {false, false};  // an odd last segment received and not yet acknowledged
  Timestamp owed_since[2] = {0, 0};
  const std::uint32_t mss = layout_.tcp_segment();

  while (script_.next(msg_)) {
    const std::uint8_t a = msg_.dir;
    const auto b = static_cast<std::uint8_t>(1 - a);
    Timestamp start;
    if (last_dir < 0) {
      // The client asks right after its ACK; a server-first protocol greets once the ACK arrives.
      start = a == kClient ? t + cap(rng_.between(5, 40) * kNanosPerMicro) : t + cap(delay_[kServer]);
    } else if (last_dir != a) {
      start = last_data + cap(delay_[a] + draw(a == kServer ? pat.think_time : pat.idle_time));
    } else {
      if (owes_ack[b]) {  // b acknowledges the odd segment when its delayed-ACK timer fires
        acked_at = owed_since[b] + cap(delay_[b] + kDelayedAck);
        tcp_packet(b, acked_at, wire::kTcpAck, nxt[b], nxt[a]);
        co_yield 0;
        owes_ack[b] = false;
      }
      start = std::max(acked_at, last_data) + cap(delay_[a]);
    }
    if (owes_ack[a]) {  // a's data would carry the ACK; a pure ACK goes first if the timer fires first
      const Timestamp ack_time = owed_since[a] + cap(delay_[a] + kDelayedAck);
      if (ack_time < start) {
        tcp_packet(a, ack_time, wire::kTcpAck, nxt[a], nxt[b]);
        co_yield 0;
      }
      owes_ack[a] = false;
    }

    // Segments in bursts of cwnd; the receiver acknowledges every second segment (RFC 9293
    // section 3.8.6.3); the next burst leaves when the sender sees the last of those ACKs.
    const std::uint32_t len = msg_.length();
    std::uint32_t off = 0;
    Timestamp burst = start;
    const Duration ack_delay = cap(delay_[b]);
    while (off < len) {
      const std::uint32_t left = (len - off + mss - 1) / mss;
      const std::uint32_t k = std::min(cwnd_[a], left);
      const std::uint32_t burst_seq = nxt[a];
      const std::uint32_t burst_bytes = std::min(len - off, k * mss);
      const Duration g = gap_for(std::min(mss, len - off)) + rng_.between(0, 1000);
      std::uint32_t sent = 0;
      std::uint32_t pairs_acked = 0;
      while (sent < k || pairs_acked < k / 2) {
        const Timestamp data_time = burst + static_cast<Duration>(sent) * g;
        const Timestamp ack_time = burst + static_cast<Duration>(2 * pairs_acked + 1) * g + ack_delay;
        if (sent < k && (pairs_acked >= k / 2 || data_time <= ack_time)) {
          const std::uint32_t n = std::min(mss, len - off);
          const bool last = off + n == len;
          tcp_packet(a, data_time, static_cast<std::uint8_t>(wire::kTcpAck | (last ? wire::kTcpPsh : 0)), nxt[a], nxt[b]);
          pkt_.payload_len = n;
          pkt_.msg_offset = off;
          pkt_.msg = &msg_;
          co_yield 0;
          nxt[a] += n;
          off += n;
          ++sent;
          last_data = data_time;
        } else {
          const std::uint32_t through = std::min((2 * pairs_acked + 2) * mss, burst_bytes);
          tcp_packet(b, ack_time, wire::kTcpAck, nxt[b], burst_seq + through);
          co_yield 0;
          acked_at = ack_time;
          ++pairs_acked;
        }
      }
      if (k % 2 == 1) {  // only a message's last burst can be odd: its last segment is owed an ACK
        owes_ack[b] = true;
        owed_since[b] = last_data;
      }
      cwnd_[a] = std::min(cwnd_[a] * 2, kMaxCwnd);
      if (off < len) burst = acked_at + cap(delay_[a]);
    }
    last_dir = a;
  }

  // Teardown by the client (RFC 9293 section 3.6): FIN, FIN-ACK, ACK; or a RST.
  const Timestamp base = last_dir == kServer ? last_data : std::max(last_data, acked_at);
  const Timestamp close = base + cap((last_dir == kServer ? delay_[kClient] : 0) + draw(pat.idle_time));
  if (owes_ack[kServer]) {
    const Timestamp ack_time = owed_since[kServer] + cap(delay_[kServer] + kDelayedAck);
    if (ack_time < close) {
      tcp_packet(kServer, ack_time, wire::kTcpAck, nxt[kServer], nxt[kClient]);
      co_yield 0;
    }
  }
  if (owes_ack[kClient]) {
    const Timestamp ack_time = owed_since[kClient] + cap(delay_[kClient] + kDelayedAck);
    if (ack_time < close) {
      tcp_packet(kClient, ack_time, wire::kTcpAck, nxt[kClient], nxt[kServer]);
      co_yield 0;
    }
  }
  if (rng_.chance(pat.rst_probability)) {
    tcp_packet(kClient, close, wire::kTcpRst | wire::kTcpAck, nxt[kClient], nxt[kServer]);
    co_yield 0;
    co_return;
  }
  tcp_packet(kClient, close, wire::kTcpFin | wire::kTcpAck, nxt[kClient], nxt[kServer]);
  co_yield 0;
  ++nxt[kClient];
  const Timestamp fin2 = close + cap(delay_[kServer]);
  tcp_packet(kServer, fin2, wire::kTcpFin | wire::kTcpAck, nxt[kServer], nxt[kClient]);
  co_yield 0;
  ++nxt[kServer];
  tcp_packet(kClient, fin2 + cap(delay_[kClient]), wire::kTcpAck, nxt[kClient], nxt[kServer]);
  co_yield 0;
}

Steps FlowPlanner::udp() {
  const PatternConfig& pat = *spec_.pattern;
  const std::uint32_t max = layout_.udp_payload();
  Timestamp last = spec_.start;
  int last_dir = -1;
  while (script_.next(msg_)) {
    const std::uint8_t a = msg_.dir;
    Timestamp t;
    if (last_dir < 0) {
      t = spec_.start;
    } else if (last_dir != a) {
      t = last + cap(delay_[a] + draw(a == kServer ? pat.think_time : pat.idle_time));
    } else {
      t = last + cap(draw(pat.idle_time));
    }
    const std::uint32_t len = msg_.length();
    std::uint32_t off = 0;
    do {  // a message larger than one datagram goes as several, back to back
      const std::uint32_t n = std::min(max, len - off);
      pkt_ = PlannedPacket{};
      pkt_.time = t;
      pkt_.dir = a;
      pkt_.payload_len = n;
      pkt_.msg_offset = off;
      pkt_.msg = &msg_;
      co_yield 0;
      last = t;
      off += n;
      t += gap_for(n) + rng_.between(0, 1000);
    } while (off < len);
    last_dir = a;
  }
}

Steps FlowPlanner::icmp() {
  const PatternConfig& pat = *spec_.pattern;
  Timestamp request = spec_.start;
  Timestamp last = spec_.start;
  std::uint16_t seq = 0;
  while (script_.next(msg_)) {
    pkt_ = PlannedPacket{};
    pkt_.dir = msg_.dir;
    pkt_.payload_len = msg_.length();
    pkt_.msg = &msg_;
    if (msg_.dir == kClient) {
      ++seq;
      if (seq > 1) request = std::max(request + cap(draw(pat.idle_time)), last + 1000);
      pkt_.time = request;
    } else {
      pkt_.time = request + cap(delay_[kServer] + draw(pat.think_time));
    }
    pkt_.icmp_seq = seq;
    last = pkt_.time;
    co_yield 0;
  }
}

}  // namespace flowreplay
