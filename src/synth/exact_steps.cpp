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
  SizeDraw() = default;
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
  const std::vector<SizeBin>* bins_ = nullptr;
  std::uint32_t overhead_ = 0;
  std::uint32_t max_ = 0;
  std::uint32_t first_min_ = 0;
  std::uint64_t left_ = 0;
  std::uint64_t packets_ = 0;
  Rng rng_;
  bool first_ = true;
  const double* cumulative_ = nullptr;  // tilted bin weights, summed; shared (SizeTilts)
};

constexpr std::uint64_t kSizeStream = 0x512e;

}  // namespace

// Everything exact() keeps from one packet to the next, in one block, so that the synthesizer
// warms it with a few prefetches while it writes the flow's previous packet. (As the
// coroutine's own locals, with lambdas holding a pointer to each variable they use, the same
// state spread over 18 cache lines of the frame.) The constructor does the set-up; the
// coroutine below keeps only the order of the packets.
class FlowPlanner::Exact {
 public:
  explicit Exact(FlowPlanner& planner);

  // Every packet but the first: the clock moves past the gap before it.
  void step() {
    if (emitted_ > 0) advance(emitted_ - 1);
    ++emitted_;
  }
  // A TCP segment of `dir` at the clock's time, with `payload` bytes (PSH when there are some).
  void segment(std::uint8_t dir, std::uint8_t flags, std::uint32_t payload) {
    p_.tcp_packet(dir, t, flags, nxt[dir], (flags & wire::kTcpAck) ? nxt[1 - dir] : 0);
    if (payload > 0) p_.pkt_.tcp_flags |= wire::kTcpPsh;
    finish(dir, payload);
  }
  // A data packet of `dir` (a TCP segment, a UDP datagram or an ICMP echo message) carrying the
  // next size its direction draws.
  void data(std::uint8_t dir) {
    const std::uint32_t payload = sizes_[dir].next();
    if (tcp_) {
      segment(dir, wire::kTcpAck, payload);
    } else {
      datagram(dir, payload);
    }
  }
  // The next packet of the middle (between the opening and the closing), of `dir`.
  void middle_packet(std::uint8_t dir) {
    step();
    ++done[dir];
    data(dir);
  }

  Timestamp t;                     // the time of the packet being planned
  std::uint32_t nxt[2];            // next sequence number of each side
  std::uint64_t middle[2];         // each direction's packets between the opening and the closing
  std::uint64_t done[2] = {0, 0};  // of those, planned
  bool opens;                      // a handshake (SYN, SYN-ACK) first
  bool closes;                     // FIN, FIN, ACK last

 private:
  // Handshake and teardown gaps are rtt_gap_; the variable ones share variable_span_ by random
  // weights (gap_weight), drawn twice from one seed: their sum first (in the constructor), then
  // one by one here.
  void advance(std::uint64_t gap) {
    const bool is_fixed = gap < fixed_head_ || gap >= gaps_ - fixed_tail_ || variable_ == 0;
    if (is_fixed) {
      t += variable_ == 0 ? mean_gap_ + (gap < static_cast<std::uint64_t>(span_ - mean_gap_ * static_cast<Duration>(gaps_)) ? 1 : 0)
                          : rtt_gap_;
      return;
    }
    if (variable_done_ == 0) variable_from_ = t;
    cum_ += gap_weight(weights_, sparse_);
    ++variable_done_;
    t = variable_done_ == variable_
            ? variable_from_ + variable_span_
            : variable_from_ + static_cast<Duration>(static_cast<double>(variable_span_) * (cum_ / weight_sum_));
  }
  void datagram(std::uint8_t dir, std::uint32_t payload) {
    p_.pkt_ = PlannedPacket{};
    p_.pkt_.time = t;
    p_.pkt_.dir = dir;
    if (icmp_) {
      if (dir == kFwd || icmp_seq_ == 0) ++icmp_seq_;
      p_.pkt_.icmp_seq = icmp_seq_;
    }
    finish(dir, payload);
  }
  void finish(std::uint8_t dir, std::uint32_t payload) {
    PlannedPacket& pkt = p_.pkt_;
    if (tcp_) {
      pkt.no_options = !tcp_options_;
      if ((pkt.tcp_flags & wire::kTcpSyn) == 0) pkt.window = tcp_options_ ? kScaledWindow : kPlainWindow;
    }
    pkt.payload_len = payload;
    if (payload > 0) {
      pkt.msg = message_[dir];
      // Past the head, the position in the pool wraps (the head is read once).
      const std::uint64_t skip = head_len_[dir];
      if (offset_[dir] < skip) {
        pkt.msg_offset = static_cast<std::uint32_t>(offset_[dir]);
      } else {
        const std::uint64_t at = (base_[dir] + offset_[dir] - skip) % pool_;
        pkt.msg_offset = static_cast<std::uint32_t>(skip + at);
        p_.opaque_->prefetch(at);  // read when the packet is written, after other flows' packets
      }
      offset_[dir] += payload;
      if (tcp_) nxt[dir] += payload;
    }
  }

  FlowPlanner& p_;
  std::uint64_t emitted_ = 0;  // packets planned
  std::uint64_t gaps_;
  std::uint64_t fixed_head_;
  std::uint64_t fixed_tail_;
  std::uint64_t variable_;
  std::uint64_t variable_done_ = 0;
  Duration span_;
  Duration mean_gap_;
  Duration rtt_gap_;
  Duration variable_span_;
  Timestamp variable_from_ = 0;
  double weight_sum_ = 0;
  double cum_ = 0;
  Rng weights_;
  bool sparse_;
  bool tcp_;
  bool icmp_;
  bool tcp_options_;
  std::uint16_t icmp_seq_ = 0;
  // The payload: each direction's dialogue head (the first head_len_ bytes of message_), then
  // opaque bytes of the pool from a place of its own (base_).
  std::uint32_t head_len_[2] = {0, 0};
  std::uint64_t pool_;
  std::uint64_t base_[2];
  std::uint64_t offset_[2] = {0, 0};  // payload bytes sent so far each way
  const Message* message_[2];
  SizeDraw sizes_[2];
};

namespace {

// Each direction's payload bytes: its L3 bytes less the headers of its packets.
std::array<std::uint64_t, 2> exact_payload(const ExactFlow& x, const ExactHeaders& h) {
  std::array<std::uint64_t, 2> payload{};
  for (int d = 0; d < 2; ++d) {
    const std::uint64_t fixed = exact_fixed_packets(x, d);
    const std::uint64_t middle = x.packets[d] - fixed;
    std::uint64_t headers = x.packets[d] * h.ip + middle * h.data;
    if (x.shape == ExactShape::kFull) headers += h.syn + (fixed - 1) * h.data;
    if (x.shape == ExactShape::kHandshake) headers += h.syn;
    if (x.shape == ExactShape::kAttempt) headers += fixed * (d == kFwd ? h.syn : wire::kTcpHeader);
    payload[d] = x.bytes[d] - headers;
  }
  return payload;
}

}  // namespace

// The random draws keep their order: the same seed gives the same bytes as before this state
// had a class of its own.
FlowPlanner::Exact::Exact(FlowPlanner& planner) : p_(planner), weights_(planner.spec_.seed ^ kTimeStream) {
  static_assert(sizeof(Exact) <= 64 * kExactStateLines, "kExactStateLines: the lines prefetch() warms");
  const FlowSpec& spec = p_.spec_;
  const ExactFlow& x = spec.target;
  tcp_ = spec.l4 == wire::kProtoTcp;
  icmp_ = spec.l4 == wire::kProtoIcmp || spec.l4 == wire::kProtoIcmpv6;
  tcp_options_ = x.tcp_options;
  const ExactHeaders h = exact_headers(x, spec.l4, spec.client.is_v6(), p_.layout_.mtu);
  const std::uint64_t total = x.packets[kFwd] + x.packets[kRev];

  // The opening and closing packets of the shape; everything between is "middle".
  opens = x.shape == ExactShape::kFull || x.shape == ExactShape::kHandshake;
  closes = x.shape == ExactShape::kFull;
  const std::uint64_t head = x.shape == ExactShape::kAttempt ? total : opens ? 2 : 0;
  for (int d = 0; d < 2; ++d) middle[d] = x.packets[d] - exact_fixed_packets(x, d);
  const std::array<std::uint64_t, 2> payload_bytes = exact_payload(x, h);

  // Times: the first packet at the start, the last at start + duration. Handshake and teardown
  // packets follow each other by the flow's round-trip delays (at most the mean spacing); the
  // other gaps share the rest with random weights.
  t = spec.start;
  span_ = x.duration;
  gaps_ = total - 1;
  fixed_head_ = std::min<std::uint64_t>(head, gaps_);
  fixed_tail_ = closes ? 2 : 0;
  variable_ = gaps_ - std::min(gaps_, fixed_head_ + fixed_tail_);
  mean_gap_ = gaps_ > 0 ? span_ / static_cast<Duration>(gaps_) : 0;
  rtt_gap_ = variable_ > 0 ? std::min(std::min(p_.delay_[0], p_.delay_[1]), mean_gap_) : mean_gap_;
  variable_span_ = span_ - rtt_gap_ * static_cast<Duration>(gaps_ - variable_);  // the rounding remainder goes here too
  sparse_ = mean_gap_ > kSparseGap;
  if (!x.per_direction) {
    Rng first_pass(spec.seed ^ kTimeStream);
    for (std::uint64_t i = 0; i < variable_; ++i) weight_sum_ += gap_weight(first_pass, sparse_);
  }

  // Each direction's payload: the head of the dialogue the server port names where the sizes
  // allow (apps/exact_dialogue.cpp), then opaque bytes from the pool, from a place of its own.
  // Directions without a head share the planner's message; only heads are allocated.
  pool_ = p_.opaque_->size();
  Message& shared = p_.msg_;
  shared.head_len = 0;
  shared.tail_len = 0;
  shared.body_len = 0xffffffffU - Message::kMaxHead;
  shared.body_pool = p_.opaque_;
  shared.body_start = 0;
  base_[kFwd] = p_.rng_.below(pool_);
  base_[kRev] = p_.rng_.below(pool_);
  message_[kFwd] = message_[kRev] = &shared;
  {
    thread_local Message scratch[2];
    Rng dialogue(spec.seed ^ kDialogueStream);
    p_.app_ = exact_dialogue(exact_app(spec.l4, spec.server_port), payload_bytes.data(), x.packets, dialogue, scratch);
    for (int d = 0; d < 2; ++d) {
      if (scratch[d].head_len == 0) continue;
      if (!p_.exact_msg_) p_.exact_msg_ = std::make_unique_for_overwrite<Message[]>(2);
      Message& m = p_.exact_msg_[d];
      m.head_len = scratch[d].head_len;
      std::memcpy(m.head.data(), scratch[d].head.data(), m.head_len);
      m.tail_len = 0;
      m.body_len = shared.body_len;
      m.body_pool = p_.opaque_;
      m.body_start = 0;
      head_len_[d] = m.head_len;
      message_[d] = &m;
    }
  }
  nxt[kFwd] = p_.iss_[kFwd];
  nxt[kRev] = p_.iss_[kRev];

  if (p_.tilts_ == nullptr) {  // a planner made outside a synthesizer (tests): tables of its own
    p_.own_tilts_ = std::make_unique<SizeTilts>(p_.config_.size_histogram);
    p_.tilts_ = p_.own_tilts_.get();
  }
  const std::uint32_t overhead = p_.layout_.l2 + h.ip + h.data;
  for (std::uint8_t d = 0; d < 2; ++d) {
    sizes_[d] = SizeDraw(p_.config_.size_histogram, *p_.tilts_, overhead, h.max_payload(), payload_bytes[d], middle[d],
                         head_len_[d], spec.seed ^ kSizeStream ^ d);
  }
}

Steps FlowPlanner::exact() {
  const ExactFlow& x = spec_.target;
  if (x.packets[kFwd] + x.packets[kRev] == 0) co_return;
  Exact e(*this);
  exact_state_ = &e;

  if (x.per_direction) {
    // Each direction on a timeline of its own, from its first time to its last (START_TIME_REV,
    // END_TIME_REV), the two merged by time. The forward packets after the SYN come after the
    // SYN-ACK, and the forward FIN before the reverse FIN, so the handshake and the teardown
    // keep their order (fit_exact allows those shapes only when the times do).
    const bool attempt = x.shape == ExactShape::kAttempt;
    const std::uint64_t n_fwd = x.packets[kFwd];
    // On the heap: the timelines would otherwise enlarge every exact flow's state.
    const std::unique_ptr<Timeline[]> line = timelines(x, spec_.start, e.opens, e.closes, spec_.seed ^ kTimeStream);
    while (!line[kFwd].done() || !line[kRev].done()) {
      std::uint8_t dir = line[kFwd].done() ? kRev : kFwd;
      if (!line[kFwd].done() && !line[kRev].done()) {
        // On a tie the forward side goes first, except its handshake ACK and its last ACK,
        // which answer the reverse side's SYN-ACK and FIN.
        const std::uint64_t i = line[kFwd].index();
        const bool answers = (e.opens && i == 1) || (e.closes && i == n_fwd - 1);
        const Timestamp tf = line[kFwd].time();
        const Timestamp tr = line[kRev].time();
        dir = tf < tr || (tf == tr && !answers) ? kFwd : kRev;
      }
      const std::uint64_t i = line[dir].index();
      const std::uint64_t n = x.packets[dir];
      e.t = line[dir].time();
      line[dir].advance();
      if (i == 0 && dir == kFwd && (e.opens || attempt)) {
        e.segment(kFwd, wire::kTcpSyn, 0);
        pkt_.window = kSynWindow;
        co_yield 0;
        ++e.nxt[kFwd];
      } else if (i == 0 && dir == kRev && e.opens) {
        e.segment(kRev, wire::kTcpSyn | wire::kTcpAck, 0);
        pkt_.window = kSynAckWindow;
        co_yield 0;
        ++e.nxt[kRev];
      } else if (i == 0 && dir == kRev && attempt) {
        e.segment(kRev, wire::kTcpRst | wire::kTcpAck, 0);
        pkt_.no_options = true;
        pkt_.window = 0;
        co_yield 0;
      } else if (e.closes && ((dir == kFwd && i == n - 2) || (dir == kRev && i == n - 1))) {
        e.segment(dir, wire::kTcpFin | wire::kTcpAck, 0);
        co_yield 0;
        ++e.nxt[dir];
      } else if (e.closes && dir == kFwd && i == n - 1) {
        e.segment(kFwd, wire::kTcpAck, 0);
        co_yield 0;
      } else {
        e.data(dir);
        co_yield 0;
      }
    }
    co_return;
  }

  // Opening.
  if (x.shape == ExactShape::kAttempt || e.opens) {
    e.step();
    e.segment(kFwd, wire::kTcpSyn, 0);
    pkt_.window = kSynWindow;
    co_yield 0;
    ++e.nxt[kFwd];
    if (x.packets[kRev] > 0) {
      e.step();
      if (e.opens) {
        e.segment(kRev, wire::kTcpSyn | wire::kTcpAck, 0);
        pkt_.window = kSynAckWindow;
      } else {
        e.segment(kRev, wire::kTcpRst | wire::kTcpAck, 0);
        pkt_.no_options = true;
        pkt_.window = 0;
      }
      co_yield 0;
      if (e.opens) ++e.nxt[kRev];
    }
  }

  // Middle: the forward side first (the record's source sends the first packet), then both
  // sides interleaved in proportion to their counts.
  if (e.middle[kFwd] > 0) {
    e.middle_packet(kFwd);
    co_yield 0;
  }
  while (e.done[kFwd] < e.middle[kFwd] || e.done[kRev] < e.middle[kRev]) {
    const std::uint64_t f_left = e.middle[kFwd] - e.done[kFwd];
    const std::uint64_t r_left = e.middle[kRev] - e.done[kRev];
    // Forward when its next packet's place (i + 1/2) / n comes first among the remaining ones.
    __extension__ using U128 = unsigned __int128;
    const std::uint64_t fi = e.done[kFwd] - (e.middle[kFwd] > 0 ? 1 : 0);
    const std::uint64_t fn = e.middle[kFwd] - (e.middle[kFwd] > 0 ? 1 : 0);
    const bool forward = r_left == 0 || (f_left > 0 && static_cast<U128>(2 * fi + 1) * e.middle[kRev] <=
                                                           static_cast<U128>(2 * e.done[kRev] + 1) * fn);
    e.middle_packet(forward ? kFwd : kRev);
    co_yield 0;
  }

  // Teardown: FIN, FIN, the last ACK.
  if (e.closes) {
    e.step();
    e.segment(kFwd, wire::kTcpFin | wire::kTcpAck, 0);
    co_yield 0;
    ++e.nxt[kFwd];
    e.step();
    e.segment(kRev, wire::kTcpFin | wire::kTcpAck, 0);
    co_yield 0;
    ++e.nxt[kRev];
    e.step();
    e.segment(kFwd, wire::kTcpAck, 0);
    co_yield 0;
  }
}

}  // namespace flowreplay
