// SPDX-License-Identifier: MIT
// The planner of exact flows (profile records): the shape fit_exact() chose, packet by packet,
// with O(1) state per flow however many packets the record has.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "flowreplay/core/wire.hpp"
#include "flowreplay/synth/apps/app_script.hpp"
#include "flowreplay/synth/flow_planner.hpp"
#include "flowreplay/synth/size_tilts.hpp"

namespace flowreplay {

namespace {

constexpr std::uint8_t kFwd = 0;
constexpr std::uint8_t kRev = 1;
constexpr std::uint16_t kPlainWindow = 64240;  // without window scaling
constexpr std::uint16_t kScaledWindow = 502;   // << 7 = 64256 bytes
constexpr std::uint16_t kSynWindow = 64240;
constexpr std::uint16_t kSynAckWindow = 65160;
constexpr std::uint64_t kTimeStream = 0x7e11e;
constexpr std::uint64_t kDialogueStream = 0xd1a1;

// Weight of a variable gap: at least half the mean, at most 3.5 times it, so a record's packets
// spread irregularly but no gap grows far beyond the record's average spacing. Sparse records
// (a mean gap above 2 s) get gaps within 10 % of their mean instead, so that no gap reaches a
// flow meter's inactive timeout (30 s in ft-profiler and `flowreplay profile`) unless the
// record's own average spacing does: metering the capture again gives the record back.
constexpr Duration kSparseGap = 2 * kNanosPerSecond;

// min(Exp(1), 3) by its inverse CDF, -log(1 - u), interpolated in a table of 1 024 steps over
// u < 1 - e^-3 (3 above it): within 5e-5 of the exact value, without two log1p calls per gap.
class ClampedExponential {
 public:
  ClampedExponential() {
    for (int i = 0; i <= kSteps; ++i) table_[i] = -std::log1p(-kCut * i / kSteps);
  }
  double operator()(double u) const {
    if (u >= kCut) return 3.0;
    const double x = u * (kSteps / kCut);
    const auto i = static_cast<int>(x);
    return table_[i] + (x - i) * (table_[i + 1] - table_[i]);
  }

 private:
  static constexpr int kSteps = 1024;
  static constexpr double kCut = 0.950212931632136057;  // 1 - e^-3
  std::array<double, kSteps + 1> table_{};
};
const ClampedExponential kClampedExponential;

double gap_weight(Rng& rng, bool sparse) {
  return sparse ? 0.9 + 0.2 * rng.uniform() : 0.5 + kClampedExponential(rng.uniform());
}

constexpr Timestamp kNoBound = std::numeric_limits<Timestamp>::min();

// One direction's packet times when the record gives each direction's first and last packet:
// n times, the first at `first` and the last at `last`, the n - 2 others spread by gap_weight()
// over [lo, hi] (at least `from`, at most `to` where given: the reverse side's first and last
// packet, for TCP's order), one random weight per gap. O(1) state: the weights are drawn twice
// from one seed, first for their sum.
class Timeline {
 public:
  Timeline(std::uint64_t n, Timestamp first, Timestamp last, Timestamp from, Timestamp to, std::uint64_t seed)
      : n_(n), first_(first), last_(last), lo_(first), hi_(last), rng_(seed) {
    if (from != kNoBound) lo_ = std::clamp(from, first, last);
    if (to != kNoBound) hi_ = std::clamp(to, lo_, last);
    if (n_ > 2) {
      const std::uint64_t gaps = n_ - 1;  // lo, the n - 2 inner times, hi
      sparse_ = (hi_ - lo_) / static_cast<Duration>(gaps) > kSparseGap;
      Rng first_pass(seed);
      for (std::uint64_t g = 0; g < gaps; ++g) sum_ += gap_weight(first_pass, sparse_);
    }
    place();
  }
  [[nodiscard]] bool done() const { return i_ >= n_; }
  [[nodiscard]] std::uint64_t index() const { return i_; }
  [[nodiscard]] Timestamp time() const { return time_; }
  void advance() {
    ++i_;
    place();
  }

 private:
  void place() {
    if (i_ == 0) {
      time_ = first_;
    } else if (i_ + 1 >= n_) {
      time_ = last_;
    } else {
      cum_ += gap_weight(rng_, sparse_);
      time_ = lo_ + static_cast<Duration>(static_cast<double>(hi_ - lo_) * std::min(1.0, cum_ / sum_));
    }
  }

  std::uint64_t n_;
  std::uint64_t i_ = 0;
  Timestamp first_, last_, lo_, hi_;
  Timestamp time_ = 0;
  Rng rng_;
  bool sparse_ = false;
  double sum_ = 0;
  double cum_ = 0;
};

// Both directions' timelines of a record with per-direction times (x.first, x.last from `start`).
// With a handshake the forward packets after the SYN follow the SYN-ACK, and the reverse side's
// data follows the forward side's first packet after the SYN (the request, where there is one);
// with a teardown the forward FIN precedes the reverse FIN.
std::unique_ptr<Timeline[]> timelines(const ExactFlow& x, Timestamp start, bool opens, bool closes, std::uint64_t seed) {
  const Timestamp first_rev = start + x.first[1];
  const Timestamp last_rev = start + x.last[1];
  const Timeline forward(x.packets[0], start + x.first[0], start + x.last[0], opens ? first_rev : kNoBound,
                         closes ? last_rev : kNoBound, seed ^ 0x100);
  Timeline after_syn = forward;
  after_syn.advance();
  const Timeline reverse(x.packets[1], first_rev, last_rev, opens ? after_syn.time() : kNoBound, kNoBound, seed ^ 0x101);
  return std::unique_ptr<Timeline[]>(new Timeline[2]{forward, reverse});
}


// Payload sizes of one direction's middle packets: frame sizes drawn from the config's size
// histogram (packets.size_histogram), tilted (exponentially, as little as it takes) so that
// its mean is the direction's own mean frame (synth/size_tilts.hpp), then kept within what the
// bytes still to send allow, so that the direction's total is exact and the last packet takes
// what is left. The first packet carries data when there is any, at least `first` bytes where
// the bytes allow (an application message's head, which a sender writes in one go), so that
// each side opens with its message.
class SizeDraw {
 public:
  // `tilts` holds the histogram tilted to each mean frame; the draw takes this direction's.
  SizeDraw(const std::vector<SizeBin>& bins, SizeTilts& tilts, std::uint32_t overhead, std::uint32_t max_payload,
           std::uint64_t bytes, std::uint64_t packets, std::uint32_t first, std::uint64_t seed)
      : bins_(&bins), overhead_(overhead), max_(max_payload), first_min_(first), left_(bytes), packets_(packets), rng_(seed) {
    if (packets <= 1 || bins.empty()) return;  // a lone packet takes the whole payload: nothing to draw
    cumulative_ = tilts.cumulative(static_cast<double>(overhead) + static_cast<double>(bytes) / static_cast<double>(packets));
  }

  std::uint32_t next() {
    if (packets_ == 0) return 0;
    const std::uint64_t rest = packets_ - 1;  // packets after this one
    const std::uint64_t most_after = rest * max_;
    std::uint64_t lo = left_ > most_after ? left_ - most_after : 0;
    const std::uint64_t hi = std::min<std::uint64_t>(max_, left_);
    if (first_ && left_ > 0) lo = std::max<std::uint64_t>(lo, std::min<std::uint64_t>(std::max(first_min_, 1U), hi));
    first_ = false;
    std::uint64_t payload = hi;
    if (rest > 0 && lo < hi && cumulative_ != nullptr) {
      const std::size_t n = bins_->size();
      const double u = rng_.uniform() * cumulative_[n - 1];
      const std::size_t bin =
          std::min<std::size_t>(static_cast<std::size_t>(std::upper_bound(cumulative_, cumulative_ + n, u) - cumulative_), n - 1);
      const SizeBin& b = (*bins_)[bin];
      const std::uint64_t frame = b.lo + rng_.below(std::uint64_t{b.hi} - b.lo + 1);
      payload = std::clamp<std::uint64_t>(frame > overhead_ ? frame - overhead_ : 0, lo, hi);
    } else if (rest > 0) {
      payload = lo;
    }
    left_ -= payload;
    --packets_;
    return static_cast<std::uint32_t>(payload);
  }

 private:
  const std::vector<SizeBin>* bins_;
  std::uint32_t overhead_;
  std::uint32_t max_;
  std::uint32_t first_min_;
  std::uint64_t left_;
  std::uint64_t packets_;
  Rng rng_;
  bool first_ = true;
  const double* cumulative_ = nullptr;  // tilted bin weights, summed; shared (SizeTilts)
};

constexpr std::uint64_t kSizeStream = 0x512e;

}  // namespace

Steps FlowPlanner::exact() {
  const ExactFlow& x = spec_.target;
  const bool tcp = spec_.l4 == wire::kProtoTcp;
  const bool icmp = spec_.l4 == wire::kProtoIcmp || spec_.l4 == wire::kProtoIcmpv6;
  const ExactHeaders h = exact_headers(x, spec_.l4, spec_.client.is_v6(), layout_.mtu);
  const std::uint64_t total = x.packets[kFwd] + x.packets[kRev];
  if (total == 0) co_return;

  // The opening and closing packets of the shape; everything between is "middle".
  const bool opens = x.shape == ExactShape::kFull || x.shape == ExactShape::kHandshake;
  const bool closes = x.shape == ExactShape::kFull;
  const std::uint64_t head = x.shape == ExactShape::kAttempt ? total : opens ? 2 : 0;
  std::uint64_t middle[2];
  std::uint64_t payload_bytes[2];  // each direction's payload, headers taken off
  for (int d = 0; d < 2; ++d) {
    const std::uint64_t fixed = exact_fixed_packets(x, d);
    middle[d] = x.packets[d] - fixed;
    std::uint64_t headers = x.packets[d] * h.ip + middle[d] * h.data;
    if (x.shape == ExactShape::kFull) headers += h.syn + (fixed - 1) * h.data;
    if (x.shape == ExactShape::kHandshake) headers += h.syn;
    if (x.shape == ExactShape::kAttempt) headers += fixed * (d == kFwd ? h.syn : wire::kTcpHeader);
    payload_bytes[d] = x.bytes[d] - headers;
  }

  // Times: the first packet at the start, the last at start + duration. Handshake and teardown
  // packets follow each other by the flow's round-trip delays (at most the mean spacing); the
  // other gaps share the rest with random weights, drawn twice from one seed (first their sum).
  const Duration span = x.duration;
  const std::uint64_t gaps = total - 1;
  const std::uint64_t fixed_head = std::min<std::uint64_t>(head, gaps);
  const std::uint64_t fixed_tail = closes ? 2 : 0;
  const std::uint64_t variable = gaps - std::min(gaps, fixed_head + fixed_tail);
  const Duration mean_gap = gaps > 0 ? span / static_cast<Duration>(gaps) : 0;
  const Duration rtt_gap = variable > 0 ? std::min(std::min(delay_[0], delay_[1]), mean_gap) : mean_gap;
  const Duration fixed_sum = rtt_gap * static_cast<Duration>(gaps - variable);
  const Duration variable_span = span - fixed_sum;  // the rounding remainder goes here too
  const bool sparse = mean_gap > kSparseGap;
  double weight_sum = 0;
  if (!x.per_direction) {
    Rng first_pass(spec_.seed ^ kTimeStream);
    for (std::uint64_t i = 0; i < variable; ++i) weight_sum += gap_weight(first_pass, sparse);
  }
  Rng weights(spec_.seed ^ kTimeStream);
  double cum = 0;
  std::uint64_t variable_done = 0;
  Timestamp variable_from = 0;
  Timestamp t = spec_.start;
  auto advance = [&](std::uint64_t gap) {
    const bool is_fixed = gap < fixed_head || gap >= gaps - fixed_tail || variable == 0;
    if (is_fixed) {
      t += variable == 0 ? mean_gap + (gap < static_cast<std::uint64_t>(span - mean_gap * static_cast<Duration>(gaps)) ? 1 : 0)
                         : rtt_gap;
      return;
    }
    if (variable_done == 0) variable_from = t;
    cum += gap_weight(weights, sparse);
    ++variable_done;
    t = variable_done == variable ? variable_from + variable_span
                                  : variable_from + static_cast<Duration>(static_cast<double>(variable_span) * (cum / weight_sum));
  };

  // Each direction's payload: the head of the dialogue the server port names where the sizes
  // allow (apps/exact_dialogue.cpp), then opaque bytes from the pool, from a place of its own.
  // Directions without a head share the planner's message; only heads are allocated.
  const std::size_t pool = opaque_->size();
  msg_.head_len = 0;
  msg_.tail_len = 0;
  msg_.body_len = 0xffffffffU - Message::kMaxHead;
  msg_.body_pool = opaque_;
  msg_.body_start = 0;
  const std::uint64_t base[2] = {rng_.below(pool), rng_.below(pool)};  // pool place of each direction
  std::uint32_t head_len[2] = {0, 0};
  const Message* message[2] = {&msg_, &msg_};
  {
    thread_local Message scratch[2];
    Rng dialogue(spec_.seed ^ kDialogueStream);
    app_ = exact_dialogue(exact_app(spec_.l4, spec_.server_port), payload_bytes, x.packets, dialogue, scratch);
    for (int d = 0; d < 2; ++d) {
      if (scratch[d].head_len == 0) continue;
      if (!exact_msg_) exact_msg_ = std::make_unique_for_overwrite<Message[]>(2);
      Message& m = exact_msg_[d];
      m.head_len = scratch[d].head_len;
      std::memcpy(m.head.data(), scratch[d].head.data(), m.head_len);
      m.tail_len = 0;
      m.body_len = msg_.body_len;
      m.body_pool = opaque_;
      m.body_start = 0;
      head_len[d] = m.head_len;
      message[d] = &m;
    }
  }
  std::uint64_t offset[2] = {0, 0};  // payload bytes sent so far each way
  std::uint32_t nxt[2] = {iss_[kFwd], iss_[kRev]};
  std::uint16_t icmp_seq = 0;

  auto finish = [&](std::uint8_t dir, std::uint32_t payload) {
    if (tcp) {
      pkt_.no_options = !x.tcp_options;
      if (!x.tcp_options && (pkt_.tcp_flags & wire::kTcpSyn) == 0) pkt_.window = kPlainWindow;
      if (x.tcp_options && (pkt_.tcp_flags & wire::kTcpSyn) == 0) pkt_.window = kScaledWindow;
    }
    pkt_.payload_len = payload;
    if (payload > 0) {
      pkt_.msg = message[dir];
      // Past the head, the position in the pool wraps (the head is read once).
      const std::uint32_t skip = head_len[dir];
      pkt_.msg_offset =
          static_cast<std::uint32_t>(offset[dir] < skip ? offset[dir] : skip + (base[dir] + offset[dir] - skip) % pool);
      offset[dir] += payload;
      if (tcp) nxt[dir] += payload;
    }
  };
  auto datagram = [&](std::uint8_t dir, std::uint32_t payload) {
    pkt_ = PlannedPacket{};
    pkt_.time = t;
    pkt_.dir = dir;
    if (icmp) {
      if (dir == kFwd || icmp_seq == 0) ++icmp_seq;
      pkt_.icmp_seq = icmp_seq;
    }
    finish(dir, payload);
  };
  auto segment = [&](std::uint8_t dir, std::uint8_t flags, std::uint32_t payload) {
    tcp_packet(dir, t, flags, nxt[dir], (flags & wire::kTcpAck) ? nxt[1 - dir] : 0);
    if (payload > 0) pkt_.tcp_flags |= wire::kTcpPsh;
    finish(dir, payload);
  };

  std::uint64_t emitted = 0;
  auto step = [&] {
    if (emitted > 0) advance(emitted - 1);
    ++emitted;
  };

  if (tilts_ == nullptr) {  // a planner made outside a synthesizer (tests): tables of its own
    own_tilts_ = std::make_unique<SizeTilts>(config_.size_histogram);
    tilts_ = own_tilts_.get();
  }
  SizeDraw sizes[2] = {
      SizeDraw(config_.size_histogram, *tilts_, layout_.l2 + h.ip + h.data, h.max_payload(), payload_bytes[kFwd], middle[kFwd],
               head_len[kFwd], spec_.seed ^ kSizeStream),
      SizeDraw(config_.size_histogram, *tilts_, layout_.l2 + h.ip + h.data, h.max_payload(), payload_bytes[kRev], middle[kRev],
               head_len[kRev], spec_.seed ^ kSizeStream ^ 1)};

  if (x.per_direction) {
    // Each direction on a timeline of its own, from its first time to its last (START_TIME_REV,
    // END_TIME_REV), the two merged by time. The forward packets after the SYN come after the
    // SYN-ACK, and the forward FIN before the reverse FIN, so the handshake and the teardown
    // keep their order (fit_exact allows those shapes only when the times do).
    const bool attempt = x.shape == ExactShape::kAttempt;
    const std::uint64_t n_fwd = x.packets[kFwd];
    // On the heap: the timelines would otherwise enlarge the coroutine frame of every exact flow.
    const std::unique_ptr<Timeline[]> line = timelines(x, spec_.start, opens, closes, spec_.seed ^ kTimeStream);
    while (!line[kFwd].done() || !line[kRev].done()) {
      std::uint8_t dir = line[kFwd].done() ? kRev : kFwd;
      if (!line[kFwd].done() && !line[kRev].done()) {
        // On a tie the forward side goes first, except its handshake ACK and its last ACK,
        // which answer the reverse side's SYN-ACK and FIN.
        const std::uint64_t i = line[kFwd].index();
        const bool answers = (opens && i == 1) || (closes && i == n_fwd - 1);
        const Timestamp tf = line[kFwd].time();
        const Timestamp tr = line[kRev].time();
        dir = tf < tr || (tf == tr && !answers) ? kFwd : kRev;
      }
      const std::uint64_t i = line[dir].index();
      const std::uint64_t n = x.packets[dir];
      t = line[dir].time();
      line[dir].advance();
      if (i == 0 && dir == kFwd && (opens || attempt)) {
        segment(kFwd, wire::kTcpSyn, 0);
        pkt_.window = kSynWindow;
        co_yield 0;
        ++nxt[kFwd];
      } else if (i == 0 && dir == kRev && opens) {
        segment(kRev, wire::kTcpSyn | wire::kTcpAck, 0);
        pkt_.window = kSynAckWindow;
        co_yield 0;
        ++nxt[kRev];
      } else if (i == 0 && dir == kRev && attempt) {
        segment(kRev, wire::kTcpRst | wire::kTcpAck, 0);
        pkt_.no_options = true;
        pkt_.window = 0;
        co_yield 0;
      } else if (closes && ((dir == kFwd && i == n - 2) || (dir == kRev && i == n - 1))) {
        segment(dir, wire::kTcpFin | wire::kTcpAck, 0);
        co_yield 0;
        ++nxt[dir];
      } else if (closes && dir == kFwd && i == n - 1) {
        segment(kFwd, wire::kTcpAck, 0);
        co_yield 0;
      } else {
        const std::uint32_t payload = sizes[dir].next();
        if (tcp) {
          segment(dir, wire::kTcpAck, payload);
        } else {
          datagram(dir, payload);
        }
        co_yield 0;
      }
    }
    co_return;
  }

  // Opening.
  if (x.shape == ExactShape::kAttempt || opens) {
    step();
    segment(kFwd, wire::kTcpSyn, 0);
    pkt_.window = kSynWindow;
    co_yield 0;
    ++nxt[kFwd];
    if (x.packets[kRev] > 0 && (opens || x.shape == ExactShape::kAttempt)) {
      step();
      if (opens) {
        segment(kRev, wire::kTcpSyn | wire::kTcpAck, 0);
        pkt_.window = kSynAckWindow;
      } else {
        segment(kRev, wire::kTcpRst | wire::kTcpAck, 0);
        pkt_.no_options = true;
        pkt_.window = 0;
      }
      co_yield 0;
      if (opens) ++nxt[kRev];
    }
  }

  // Middle: the forward side first (the record's source sends the first packet), then both
  // sides interleaved in proportion to their counts.
  std::uint64_t done[2] = {0, 0};
  auto middle_packet = [&](std::uint8_t dir) {
    step();
    ++done[dir];
    const std::uint32_t payload = sizes[dir].next();
    if (tcp) {
      segment(dir, wire::kTcpAck, payload);
    } else {
      datagram(dir, payload);
    }
  };
  if (middle[kFwd] > 0) {
    middle_packet(kFwd);
    co_yield 0;
  }
  while (done[kFwd] < middle[kFwd] || done[kRev] < middle[kRev]) {
    const std::uint64_t f_left = middle[kFwd] - done[kFwd];
    const std::uint64_t r_left = middle[kRev] - done[kRev];
    // Forward when its next packet's place (i + 1/2) / n comes first among the remaining ones.
    __extension__ using U128 = unsigned __int128;
    const std::uint64_t fi = done[kFwd] - (middle[kFwd] > 0 ? 1 : 0);
    const std::uint64_t fn = middle[kFwd] - (middle[kFwd] > 0 ? 1 : 0);
    const bool forward = r_left == 0 || (f_left > 0 && static_cast<U128>(2 * fi + 1) * middle[kRev] <=
                                                           static_cast<U128>(2 * done[kRev] + 1) * fn);
    middle_packet(forward ? kFwd : kRev);
    co_yield 0;
  }

  // Teardown: FIN, FIN, the last ACK.
  if (closes) {
    step();
    segment(kFwd, wire::kTcpFin | wire::kTcpAck, 0);
    co_yield 0;
    ++nxt[kFwd];
    step();
    segment(kRev, wire::kTcpFin | wire::kTcpAck, 0);
    co_yield 0;
    ++nxt[kRev];
    step();
    segment(kFwd, wire::kTcpAck, 0);
    co_yield 0;
  }
}

}  // namespace flowreplay
