// SPDX-License-Identifier: MIT
// CICFlowMeter flow logic. Quirk ids (Q1..Q18) name the reference's behaviours that the modes
// switch; docs/features.md ("Quirk ids in the source") explains each.
#include "flowreplay/ingest/cic/cic_meter.hpp"

#include <algorithm>
#include <cstring>

#include "flowreplay/ingest/cic/summary_stats.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

std::optional<CicMode> cic_mode_from_name(std::string_view name) {
  if (name == "head") return CicMode::kHead;
  if (name == "2020") return CicMode::k2020;
  if (name == "2018") return CicMode::k2018;
  if (name == "corrected") return CicMode::kCorrected;
  return std::nullopt;
}

std::string_view cic_mode_name(CicMode mode) {
  switch (mode) {
    case CicMode::kHead: return "head";
    case CicMode::k2020: return "2020";
    case CicMode::k2018: return "2018";
    case CicMode::kCorrected: return "corrected";
  }
  return "head";
}

namespace {

// The behaviour switches of each mode.
struct Quirks {
  bool double_count_first = true;   // Q1
  bool flags_first_only = false;    // Q2
  bool psh_urg_first_only = true;   // Q5
  enum class Bulk { kNone, kAllBackward, kPerDirection } bulk = Bulk::kAllBackward;  // Q6
  bool bwd_bulk_bytes_shows_fwd = false;  // Q6, <= 2020-05
  bool bulk_as_double = false;
  bool init_win_last_bwd = true;    // Q7
  std::int64_t init_win_default = 0;
  bool timeout_first_forward = true;  // Q8
  enum class Subflow { kFirstOnly, kEveryPacket, kGaps, kCorrected } subflow = Subflow::kGaps;  // Q9
  bool idle_from_iat = false;       // Q10 (a)
  bool close_last_active = false;   // Q11
  enum class End { kFirstFin, kHeadFin, kHandshake } end = End::kHeadFin;  // Q13, Q14
  bool down_up_integer = true;      // Q15
  bool drop_single = true;          // Q16
  bool guard_rates = false;         // Q17
  bool protocol_zero = true;        // Q18
  bool direction_by_ip_only = true;
  bool act_data_skips_first = true;
  bool seg_min_default_zero = true;
};

Quirks quirks_of(CicMode mode) {
  Quirks q;
  switch (mode) {
    case CicMode::kHead:
      break;
    case CicMode::k2020:
      q.bwd_bulk_bytes_shows_fwd = true;
      q.subflow = Quirks::Subflow::kEveryPacket;
      q.idle_from_iat = true;
      q.end = Quirks::End::kFirstFin;
      break;
    case CicMode::k2018:
      q.flags_first_only = true;
      q.bulk = Quirks::Bulk::kNone;
      q.init_win_default = -1;
      q.subflow = Quirks::Subflow::kFirstOnly;
      q.end = Quirks::End::kFirstFin;
      break;
    case CicMode::kCorrected:
      q.double_count_first = false;
      q.psh_urg_first_only = false;
      q.bulk = Quirks::Bulk::kPerDirection;
      q.bulk_as_double = true;
      q.init_win_last_bwd = false;
      q.timeout_first_forward = false;
      q.subflow = Quirks::Subflow::kCorrected;
      q.close_last_active = true;
      q.end = Quirks::End::kHandshake;
      q.down_up_integer = false;
      q.drop_single = false;
      q.guard_rates = true;
      q.protocol_zero = false;
      q.direction_by_ip_only = false;
      q.act_data_skips_first = false;
      q.seg_min_default_zero = false;
      break;
  }
  return q;
}

// A packet as the flow logic sees it (µs, the reference's units).
struct Pkt {
  std::int64_t t;
  const RawPacket* raw;  // the addresses; null for a first packet replayed from a CicFlow
  std::uint8_t protocol;
  std::uint16_t src_port;
  std::uint16_t dst_port;
  std::int64_t payload;
  std::int64_t header;
  std::uint8_t flags;
  std::uint16_t window;
  int direction;  // 1 forward, 0 backward as the caller decided; -1: the mode's rule decides
  bool fin() const { return flags & wire::kTcpFin; }
  bool syn() const { return flags & wire::kTcpSyn; }
  bool rst() const { return flags & wire::kTcpRst; }
  bool psh() const { return flags & wire::kTcpPsh; }
  bool ack() const { return flags & wire::kTcpAck; }
  bool urg() const { return flags & 0x20; }
};

// Java's signed-byte comparison of two address byte arrays (2018 canonical Flow ID,).
int signed_compare(const IpAddress& x, const IpAddress& y) {
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const auto a = static_cast<std::int8_t>(x.data()[i]);
    const auto b = static_cast<std::int8_t>(y.data()[i]);
    if (a != b) return a < b ? -1 : 1;
  }
  return 0;
}

std::string flow_id(const IpAddress& s, std::uint16_t sp, const IpAddress& d, std::uint16_t dp, std::uint8_t proto) {
  return s.to_string() + "-" + d.to_string() + "-" + std::to_string(sp) + "-" + std::to_string(dp) + "-" +
         std::to_string(proto);
}

struct Bulk {
  std::int64_t duration = 0, packets = 0, bytes = 0, count = 0;
  std::int64_t helper_packets = 0, start = 0, helper_bytes = 0, last = 0;

  //; `other_last` is the other direction's last bulk-packet time.
  void update(std::int64_t t, std::int64_t size, std::int64_t other_last) {
    if (other_last > start) start = 0;
    if (size <= 0) return;
    if (start == 0) {
      start = t, helper_packets = 1, helper_bytes = size, last = t;
    } else if (static_cast<double>(t - last) / 1e6 > 1.0) {
      start = t, last = t, helper_packets = 1, helper_bytes = size;
    } else {
      helper_packets += 1;
      helper_bytes += size;
      if (helper_packets == 4) {
        count += 1, packets += helper_packets, bytes += helper_bytes, duration += t - start;
      } else if (helper_packets > 4) {
        packets += 1, bytes += size, duration += t - last;
      }
      last = t;
    }
  }
};

}  // namespace

// The statistics of a flow from its first packet on. A flow's CicStats is made when its second
// packet arrives (from the first packet kept in the CicFlow) or when a one-packet flow is
// written: most flows of a scan or of head mode's "appendix" never get a second packet, and
// 600 bytes of statistics each would be most of the meter's memory.
class CicStats {
 public:
  CicStats(const Quirks& q, std::int64_t activity_us) : q_(q), activity_us_(activity_us) {
    init_win_fwd_ = q_.init_win_default;
    init_win_bwd_ = q_.init_win_default;
  }

  void first(const Pkt& p, bool forward) {
    bulk_update(p, forward);
    subflow_update(p);
    flags_update(p);
    start_active_ = end_active_ = p.t;
    if (q_.double_count_first) len_.add(static_cast<double>(p.payload));
    len_.add(static_cast<double>(p.payload));
    if (forward) {
      min_seg_fwd_ = p.header;
      init_win_fwd_ = p.window;
      fwd_.add(static_cast<double>(p.payload));
      fwd_hdr_ = p.header;
      fwd_last_ = p.t;
      fwd_bytes_ += p.payload;
      if (p.psh()) ++fwd_psh_;
      if (p.urg()) ++fwd_urg_;
      if (!q_.act_data_skips_first && p.payload >= 1) ++act_data_fwd_;
    } else {
      init_win_bwd_ = p.window;
      bwd_seen_ = true;
      bwd_.add(static_cast<double>(p.payload));
      bwd_hdr_ = p.header;
      bwd_last_ = p.t;
      bwd_bytes_ += p.payload;
      if (p.psh()) ++bwd_psh_;
      if (p.urg()) ++bwd_urg_;
    }
  }

  // A later packet; `last_seen` is the flow's previous packet time.
  void add(const Pkt& p, bool forward, std::int64_t last_seen) {
    bulk_update(p, forward);
    subflow_update(p);
    if (!q_.flags_first_only) flags_update(p);
    len_.add(static_cast<double>(p.payload));
    if (forward) {
      if (p.payload >= 1) ++act_data_fwd_;
      fwd_.add(static_cast<double>(p.payload));
      fwd_hdr_ += p.header;
      fwd_bytes_ += p.payload;
      if (fwd_.n() > 1) fwd_iat_.add(static_cast<double>(p.t - fwd_last_));
      fwd_last_ = p.t;
      min_seg_fwd_ = (fwd_.n() == 1 && !q_.seg_min_default_zero) ? p.header : std::min(p.header, min_seg_fwd_);
      if (!q_.psh_urg_first_only) {
        if (p.psh()) ++fwd_psh_;
        if (p.urg()) ++fwd_urg_;
      }
    } else {
      bwd_.add(static_cast<double>(p.payload));
      if (q_.init_win_last_bwd || !bwd_seen_) init_win_bwd_ = p.window;
      bwd_seen_ = true;
      bwd_hdr_ += p.header;
      bwd_bytes_ += p.payload;
      if (bwd_.n() > 1) bwd_iat_.add(static_cast<double>(p.t - bwd_last_));
      bwd_last_ = p.t;
      if (!q_.psh_urg_first_only) {
        if (p.psh()) ++bwd_psh_;
        if (p.urg()) ++bwd_urg_;
      }
    }
    flow_iat_.add(static_cast<double>(p.t - last_seen));
  }

  // FlowGenerator's activity update before a packet is added.
  void activity(std::int64_t t) { update_active_idle(t, activity_us_); }

  // Counts a forward FIN; true when it is not the first (the reference drops such a packet).
  [[nodiscard]] bool forward_fin_again() { return ++fwd_fin_ > 1; }
  void count_backward_fin() { ++bwd_fin_; }

  // Columns 8-83 into f.values, for a flow of `packets` packets lasting `duration` µs.
  void features(CicFeatures& f, CicMode mode, std::int64_t duration, std::uint64_t packets);

 private:
  void update_active_idle(std::int64_t t, std::int64_t threshold) {
    if (t - end_active_ > threshold) {
      if (end_active_ - start_active_ > 0) active_.add(static_cast<double>(end_active_ - start_active_));
      idle_.add(static_cast<double>(t - end_active_));
      start_active_ = end_active_ = t;
    } else {
      end_active_ = t;
    }
  }

  void bulk_update(const Pkt& p, bool forward) {
    switch (q_.bulk) {
      case Quirks::Bulk::kNone: return;
      case Quirks::Bulk::kAllBackward: bwd_bulk_.update(p.t, p.payload, fwd_bulk_.last); return;
      case Quirks::Bulk::kPerDirection:
        if (forward) {
          fwd_bulk_.update(p.t, p.payload, bwd_bulk_.last);
        } else {
          bwd_bulk_.update(p.t, p.payload, fwd_bulk_.last);
        }
        return;
    }
  }

  void subflow_update(const Pkt& p) {
    const bool first = sf_last_ == -1;
    if (first) sf_last_ = p.t;
    switch (q_.subflow) {
      case Quirks::Subflow::kFirstOnly:  // only the first packet reaches the (always true) test
        if (first) ++sf_count_;
        break;
      case Quirks::Subflow::kEveryPacket: {  // `t - tPrev/1e6 > 1` holds for every packet (Q9)
        ++sf_count_;
        // Q10 (a): the IAT is passed as the "current time" of the activity update.
        if (q_.idle_from_iat) update_active_idle(p.t - sf_last_, 5'000'000);
        break;
      }
      case Quirks::Subflow::kGaps:
      case Quirks::Subflow::kCorrected:
        if (static_cast<double>(p.t - sf_last_) / 1e6 > 1.0) {
          ++sf_count_;
          if (q_.subflow == Quirks::Subflow::kGaps) update_active_idle(p.t, activity_us_);
        }
        break;
    }
    sf_last_ = p.t;
  }

  void flags_update(const Pkt& p) {
    // Named order: FIN, SYN, RST, PSH, ACK, URG, CWR, ECE.
    if (p.fin()) ++flag_[0];
    if (p.syn()) ++flag_[1];
    if (p.rst()) ++flag_[2];
    if (p.psh()) ++flag_[3];
    if (p.ack()) ++flag_[4];
    if (p.urg()) ++flag_[5];
    if (p.flags & 0x80) ++flag_[6];
    if (p.flags & 0x40) ++flag_[7];
  }

  const Quirks& q_;
  std::int64_t activity_us_;
  SummaryStats fwd_, bwd_, len_, flow_iat_, fwd_iat_, bwd_iat_, active_, idle_;
  std::int64_t fwd_bytes_ = 0, bwd_bytes_ = 0, fwd_hdr_ = 0, bwd_hdr_ = 0;
  std::int64_t fwd_last_ = 0, bwd_last_ = 0;
  std::int64_t flag_[8] = {};
  std::int64_t fwd_psh_ = 0, bwd_psh_ = 0, fwd_urg_ = 0, bwd_urg_ = 0, fwd_fin_ = 0, bwd_fin_ = 0;
  std::int64_t act_data_fwd_ = 0, min_seg_fwd_ = 0;
  std::int64_t init_win_fwd_ = 0, init_win_bwd_ = 0;
  bool bwd_seen_ = false;
  std::int64_t start_active_ = 0, end_active_ = 0;
  std::int64_t sf_last_ = -1, sf_count_ = 0;
  Bulk fwd_bulk_, bwd_bulk_;

};

// A flow as the meter keeps it: its key, orientation, times and first packet in about 120 bytes,
// and the statistics once there is a second packet.
class CicFlow {
 public:
  FlowKey key;
  CicFlow* prev = nullptr;  // FlowList links, in order of start
  CicFlow* next = nullptr;
  std::uint64_t serial = 0;
  std::int64_t start = 0, last_seen = 0;
  std::uint64_t packets = 0;
  std::string_view label;  // from the options' labeler; empty while no truth flow claims it
  bool src_is_b = false;  // the initiator (Src IP, Src Port) is the key's b endpoint
  // Corrected termination (Engelen's TCP state): FINs seen per direction, then the last ACK.
  bool fin_seen[2] = {false, false};
  bool ready = false;

  [[nodiscard]] const IpAddress& src() const { return src_is_b ? key.b : key.a; }
  [[nodiscard]] const IpAddress& dst() const { return src_is_b ? key.a : key.b; }
  [[nodiscard]] std::uint16_t src_port() const { return src_is_b ? key.b_port : key.a_port; }
  [[nodiscard]] std::uint16_t dst_port() const { return src_is_b ? key.a_port : key.b_port; }
  // The Dst Port column: ICMP flows (keyed by their echo identifier, `corrected` only) show the
  // first packet's type * 256 + code there, as the report's DST_PORT does.
  [[nodiscard]] std::uint16_t shown_dst_port() const { return is_icmp(key.protocol) ? icmp_type_code_ : dst_port(); }
  // Makes (ip, port) the initiator; it is one of the key's endpoints.
  void orient(const IpAddress& ip, std::uint16_t port) { src_is_b = !(ip == key.a && port == key.a_port); }

  [[nodiscard]] bool is_forward(const Pkt& p, bool ip_only) const {
    if (p.direction >= 0) return p.direction == 1;
    return from_initiator(src(), src_port(), p.raw->src, p.src_port, ip_only);
  }

  // The Flow ID column: Src-Dst-SrcPort-DstPort-Protocol, canonical by address in 2018 mode.
  [[nodiscard]] std::string id(CicMode mode) const {
    if (mode == CicMode::k2018 && signed_compare(src(), dst()) > 0) {
      return flow_id(dst(), shown_dst_port(), src(), src_port(), key.protocol);
    }
    return flow_id(src(), src_port(), dst(), shown_dst_port(), key.protocol);
  }

  void first(const Pkt& p, bool forward) {
    start = last_seen = p.t;
    packets = 1;
    first_payload_ = static_cast<std::uint32_t>(p.payload);
    first_header_ = static_cast<std::uint16_t>(p.header);
    first_window_ = p.window;
    first_flags_ = p.flags;
    first_forward_ = forward;
    if (p.raw != nullptr) icmp_type_code_ = p.raw->icmp_type_code;
  }
  [[nodiscard]] std::uint16_t icmp_type_code() const { return icmp_type_code_; }
  void keep_icmp_type_code(std::uint16_t type_code) { icmp_type_code_ = type_code; }

  // The statistics, made from the first packet on first use.
  CicStats& stats(const Quirks& q, std::int64_t activity_us) {
    if (stats_ == nullptr) {
      stats_ = std::make_unique<CicStats>(q, activity_us);
      const Pkt p{start, nullptr, key.protocol, 0, 0, first_payload_, first_header_, first_flags_, first_window_, -1};
      stats_->first(p, first_forward_);
    }
    return *stats_;
  }

  // A later packet (the statistics exist).
  void add(const Pkt& p, bool forward) {
    stats_->add(p, forward, last_seen);
    ++packets;
    last_seen = p.t;
  }

  CicFeatures features(const Quirks& q, std::int64_t activity_us, CicMode mode) {
    CicFeatures f;
    f.flow_id = id(mode);
    f.src = src(), f.dst = dst(), f.src_port = src_port(), f.dst_port = shown_dst_port(), f.protocol = key.protocol;
    f.start_us = start;
    stats(q, activity_us).features(f, mode, last_seen - start, packets);
    return f;
  }

 private:
  std::uint32_t first_payload_ = 0;
  std::uint16_t first_header_ = 0;
  std::uint16_t first_window_ = 0;
  std::uint8_t first_flags_ = 0;
  std::uint16_t icmp_type_code_ = 0;
  bool first_forward_ = true;
  std::unique_ptr<CicStats> stats_;
};

void CicStats::features(CicFeatures& f, CicMode mode, std::int64_t duration, std::uint64_t packets) {
  if (q_.close_last_active && end_active_ - start_active_ > 0) {  // Q11
    active_.add(static_cast<double>(end_active_ - start_active_));
    start_active_ = end_active_;
  }
  std::size_t i = 0;
  auto integer = [&](double v) { f.values[i++] = {v, CicKind::kInteger}; };
  auto dbl = [&](double v) { f.values[i++] = {v, CicKind::kDouble}; };
  auto guarded = [&](bool ok, double v) { f.values[i++] = ok ? CicValue{v, CicKind::kDouble} : CicValue{0, CicKind::kZero}; };

  const double seconds = static_cast<double>(duration) / 1e6;
  integer(static_cast<double>(duration));                           // 8
  integer(static_cast<double>(fwd_.n()));                           // 9
  integer(static_cast<double>(bwd_.n()));                           // 10
  dbl(fwd_.sum());                                                   // 11
  dbl(bwd_.sum());                                                   // 12
  for (const SummaryStats* s : {&fwd_, &bwd_}) {                     // 13-20
    guarded(s->n() > 0, s->max());
    guarded(s->n() > 0, s->min());
    guarded(s->n() > 0, s->mean());
    guarded(s->n() > 0, s->stddev());
  }
  const double bytes = static_cast<double>(fwd_bytes_ + bwd_bytes_);
  const double count = static_cast<double>(packets);
  if (q_.guard_rates && duration <= 0) {                              // 21, 22 (Q17)
    dbl(0.0);
    dbl(0.0);
  } else {
    dbl(bytes / seconds);
    dbl(count / seconds);
  }
  const bool iat_ok = !q_.guard_rates || flow_iat_.n() > 0;          // 23-26
  for (double v : {flow_iat_.mean(), flow_iat_.stddev(), flow_iat_.max(), flow_iat_.min()}) guarded(iat_ok, v);
  for (const SummaryStats* s : {&fwd_iat_, &bwd_iat_}) {              // 27-36
    const bool ok = (s == &fwd_iat_ ? fwd_.n() : bwd_.n()) > 1;
    guarded(ok, s->sum());
    guarded(ok, s->mean());
    guarded(ok, s->stddev());
    guarded(ok, s->max());
    guarded(ok, s->min());
  }
  integer(static_cast<double>(fwd_psh_));                            // 37-40
  integer(static_cast<double>(bwd_psh_));
  integer(static_cast<double>(fwd_urg_));
  integer(static_cast<double>(bwd_urg_));
  integer(static_cast<double>(fwd_hdr_));                            // 41, 42
  integer(static_cast<double>(bwd_hdr_));
  dbl(duration > 0 ? static_cast<double>(fwd_.n()) / seconds : 0.0);   // 43, 44
  dbl(duration > 0 ? static_cast<double>(bwd_.n()) / seconds : 0.0);
  dbl(len_.min());                                                   // 45-49
  dbl(len_.max());
  dbl(len_.mean());
  dbl(len_.stddev());
  dbl(len_.variance());
  // 50-57: FIN SYN RST PSH ACK URG CWR ECE; before 2018-06-04 the Java HashMap's order (Q3).
  static constexpr int kNamed[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  static constexpr int kHashMap[8] = {2, 3, 7, 1, 4, 0, 5, 6};  // RST PSH ECE SYN ACK FIN URG CWR
  const int* order = mode == CicMode::k2018 ? kHashMap : kNamed;
  for (int k = 0; k < 8; ++k) integer(static_cast<double>(flag_[order[k]]));
  const double fwd_n = static_cast<double>(fwd_.n());
  const double bwd_n = static_cast<double>(bwd_.n());
  if (fwd_.n() == 0) {                                                // 58
    dbl(0.0);
  } else if (q_.down_up_integer) {
    dbl(static_cast<double>(bwd_.n() / fwd_.n()));
  } else {
    dbl(bwd_n / fwd_n);
  }
  dbl(packets > 0 ? len_.sum() / count : 0.0);                       // 59
  dbl(fwd_.n() != 0 ? fwd_.sum() / fwd_n : 0.0);                     // 60, 61
  dbl(bwd_.n() != 0 ? bwd_.sum() / bwd_n : 0.0);
  auto bulk = [&](const Bulk& b, bool bytes_shows_fwd) {             // 62-67
    if (q_.bulk_as_double) {
      dbl(b.count ? static_cast<double>(b.bytes) / static_cast<double>(b.count) : 0.0);
      dbl(b.count ? static_cast<double>(b.packets) / static_cast<double>(b.count) : 0.0);
      dbl(b.duration ? static_cast<double>(b.bytes) / (static_cast<double>(b.duration) / 1e6) : 0.0);
      return;
    }
    const Bulk& by = bytes_shows_fwd ? fwd_bulk_ : b;
    integer(static_cast<double>(by.count ? by.bytes / by.count : 0));
    integer(static_cast<double>(b.count ? b.packets / b.count : 0));
    integer(b.duration ? static_cast<double>(static_cast<std::int64_t>(static_cast<double>(b.bytes) /
                                                                        (static_cast<double>(b.duration) / 1e6)))
                       : 0.0);
  };
  bulk(fwd_bulk_, false);
  bulk(bwd_bulk_, q_.bwd_bulk_bytes_shows_fwd);
  if (q_.subflow == Quirks::Subflow::kCorrected) {                   // 68-71 (Q9 fix: per subflow)
    const double sf = static_cast<double>(sf_count_ + 1);
    dbl(fwd_n / sf);
    dbl(static_cast<double>(fwd_bytes_) / sf);
    dbl(bwd_n / sf);
    dbl(static_cast<double>(bwd_bytes_) / sf);
  } else {
    const auto sf = sf_count_;
    integer(static_cast<double>(sf > 0 ? static_cast<std::int64_t>(fwd_.n()) / sf : 0));
    integer(static_cast<double>(sf > 0 ? fwd_bytes_ / sf : 0));
    integer(static_cast<double>(sf > 0 ? static_cast<std::int64_t>(bwd_.n()) / sf : 0));
    integer(static_cast<double>(sf > 0 ? bwd_bytes_ / sf : 0));
  }
  integer(static_cast<double>(init_win_fwd_));                       // 72-75
  integer(static_cast<double>(init_win_bwd_));
  integer(static_cast<double>(act_data_fwd_));
  integer(static_cast<double>(min_seg_fwd_));
  for (const SummaryStats* s : {&active_, &idle_}) {                  // 76-83
    guarded(s->n() > 0, s->mean());
    guarded(s->n() > 0, s->stddev());
    guarded(s->n() > 0, s->max());
    guarded(s->n() > 0, s->min());
  }
}

namespace {
Pkt make_pkt(const RawPacket& r, bool protocol_zero, int direction) {
  Pkt p{r.ts / 1000, &r, r.protocol, r.src_port, r.dst_port, r.payload_len, r.header_len, r.tcp_flags, r.window, direction};
  const bool tcp_udp = r.protocol == wire::kProtoTcp || r.protocol == wire::kProtoUdp;
  if (!tcp_udp) {
    p.flags = 0;
    p.header = 0;
    if (protocol_zero) {  // Q18: anything but TCP/UDP is "protocol 0", no ports, no payload
      p.protocol = 0;
      p.src_port = p.dst_port = 0;
      p.payload = 0;
    } else if (is_icmp(r.protocol)) {  // one flow per echo identifier, as the report keys ICMP
      p.src_port = p.dst_port = r.icmp_id;
    }
  }
  return p;
}

}  // namespace

CicMeter::CicMeter(const CicOptions& options, Sink sink) : options_(options), sink_(std::move(sink)) {}
CicMeter::~CicMeter() = default;

namespace {
const Quirks& quirks_for(CicMode mode) {
  static const Quirks kAll[4] = {quirks_of(CicMode::kHead), quirks_of(CicMode::k2020), quirks_of(CicMode::k2018),
                                 quirks_of(CicMode::kCorrected)};
  return kAll[static_cast<int>(mode)];
}
}  // namespace

std::int64_t CicMeter::activity_us() const { return options_.activity_timeout / 1000; }

void CicMeter::emit(CicFlow& flow) {
  const Quirks& q = quirks_for(options_.mode);
  if (q.drop_single && flow.packets <= 1) {  // Q16
    ++dropped_single_;
    return;
  }
  ++emitted_;
  CicFeatures f = flow.features(q, activity_us(), options_.mode);
  if (options_.labeler != nullptr) f.label = flow.label.empty() ? std::string_view(options_.default_label) : flow.label;
  sink_(f);
}

std::unique_ptr<CicFlow> CicMeter::remove(const FlowKey& key, std::uint64_t hash) {
  std::unique_ptr<CicFlow> f = flows_.take(key, hash);
  by_start_.unlink(f.get());
  return f;
}

void CicMeter::expire(std::int64_t now_us) {
  const std::int64_t timeout = options_.flow_timeout / 1000;
  for (CicFlow* front = by_start_.front(); front != nullptr && now_us - front->start > timeout; front = by_start_.front()) {
    std::unique_ptr<CicFlow> f = remove(front->key, FlowTable<CicFlow>::hash_of(front->key));
    expired_[f->key] = {f->src_is_b, f->serial, f->icmp_type_code()};
    // Remembered from the instant the flow timed out, not from the packet that noticed it, so
    // that a shard (which sees fewer packets) forgets it when the whole capture would.
    expired_order_.push_back({f->start + timeout, f->key, f->serial});
    emit(*f);
  }
  // Orientation memory is kept for an hour of trace time, so it stays bounded on long captures.
  constexpr std::int64_t kRemember = 3600LL * 1'000'000;
  while (!expired_order_.empty() && now_us - expired_order_.front().at_us > kRemember) {
    auto it = expired_.find(expired_order_.front().key);
    if (it != expired_.end() && it->second.serial == expired_order_.front().serial) expired_.erase(it);
    expired_order_.pop_front();
  }
}

void CicMeter::add(const RawPacket& raw) { add_packet(raw, -1); }
void CicMeter::add(const RawPacket& raw, bool forward) { add_packet(raw, forward ? 1 : 0); }

void CicMeter::add_packet(const RawPacket& raw, int direction) {
  const Quirks& q = quirks_for(options_.mode);
  const Pkt p = make_pkt(raw, q.protocol_zero, direction);
  const FlowKey key = FlowKey::of(raw.src, p.src_port, raw.dst, p.dst_port, p.protocol);
  if (!options_.shard.keeps(key)) return;  // another shard's flow: not even its time is seen
  if (p.t < last_us_) ++out_of_order_;
  last_us_ = std::max(last_us_, p.t);
  expire(p.t);

  const std::uint64_t hash = FlowTable<CicFlow>::hash_of(key);
  auto start_flow = [&](const Orientation* previous) {
    auto flow = std::make_unique<CicFlow>();
    CicFlow& f = *flow;
    f.key = key;
    f.serial = ++serial_;
    bool forward = true;
    if (previous != nullptr) {  // after a timeout the new flow keeps the old orientation
      f.src_is_b = previous->src_is_b;
      forward = p.direction >= 0 ? p.direction == 1 : (q.timeout_first_forward || f.is_forward(p, q.direction_by_ip_only));  // Q8
    } else if (p.direction == 0) {  // the caller says the first packet we see is a reply
      f.orient(raw.dst, p.dst_port);
      forward = false;
    } else if (options_.mode == CicMode::kCorrected && p.protocol == wire::kProtoTcp && p.syn() && p.ack()) {
      // A flow first seen at its SYN-ACK belongs to the SYN-ACK's destination, the client.
      f.orient(raw.dst, p.dst_port);
      forward = false;
    } else {
      f.orient(raw.src, p.src_port);
    }
    f.first(p, forward);
    if (previous != nullptr) f.keep_icmp_type_code(previous->icmp_type_code);  // the reference keeps its ports
    if (options_.labeler != nullptr) f.label = options_.labeler->label(raw);
    by_start_.push_back(&f);
    flows_.insert(std::move(flow), hash);
  };

  CicFlow* found = flows_.find(key, hash);
  if (found == nullptr) {
    auto gone = expired_.find(key);
    if (gone != expired_.end()) {
      const Orientation previous = gone->second;
      expired_.erase(gone);
      start_flow(&previous);
    } else {
      start_flow(nullptr);
    }
    return;
  }
  CicFlow& f = *found;
  if (p.t - f.start > options_.flow_timeout / 1000) {  // the hard timeout, from the flow's start
    std::unique_ptr<CicFlow> old = remove(key, hash);
    emit(*old);
    const Orientation previous{old->src_is_b, old->serial, old->icmp_type_code()};
    start_flow(&previous);
    return;
  }
  if (options_.labeler != nullptr && f.label.empty()) f.label = options_.labeler->label(raw);
  auto close = [&] {
    std::unique_ptr<CicFlow> done = remove(key, hash);
    emit(*done);
  };
  CicStats& stats = f.stats(q, activity_us());
  const bool forward = f.is_forward(p, q.direction_by_ip_only);
  switch (q.end) {
    case Quirks::End::kFirstFin:
      if (p.fin()) {  // any FIN closes the flow, without an activity update (Q13)
        f.add(p, forward);
        close();
        return;
      }
      break;
    case Quirks::End::kHeadFin:
      if (p.fin()) {
        if (forward) {
          if (stats.forward_fin_again()) return;  // a second forward FIN is dropped (Q14)
          stats.activity(p.t);
          f.add(p, forward);
        } else {  // the typo `bwd + bwd == 2` closes on the first backward FIN
          stats.count_backward_fin();
          f.add(p, forward);
          close();
        }
        return;
      }
      if (p.rst()) {
        f.add(p, forward);
        close();
        return;
      }
      break;
    case Quirks::End::kHandshake:
      if (p.protocol == wire::kProtoTcp) {
        if (f.ready && p.syn() && !p.ack()) {  // a new connection on the same 5-tuple
          std::unique_ptr<CicFlow> old = remove(key, hash);
          emit(*old);
          start_flow(nullptr);
          return;
        }
        stats.activity(p.t);
        f.add(p, forward);
        const int dir = forward ? 0 : 1;
        if (p.rst()) f.ready = true;
        if (f.fin_seen[0] && f.fin_seen[1] && p.ack() && !p.fin()) f.ready = true;  // the last ACK
        if (p.fin()) f.fin_seen[dir] = true;
        return;
      }
      break;
  }
  stats.activity(p.t);
  f.add(p, forward);
}

void CicMeter::finish() {
  std::vector<std::unique_ptr<CicFlow>> open;
  open.reserve(flows_.size());
  flows_.drain([&](std::unique_ptr<CicFlow> f) { open.push_back(std::move(f)); });
  const CicMode mode = options_.mode;
  std::sort(open.begin(), open.end(), [mode](const auto& a, const auto& b) {
    return a->start != b->start ? a->start < b->start : a->id(mode) < b->id(mode);
  });
  by_start_ = {};
  for (auto& f : open) {
    emit(*f);
    f.reset();  // memory goes back as rows go out
  }
  expired_.clear();
  expired_order_.clear();
}

std::vector<PacketInfo> to_packet_infos(std::span<const RawPacket> packets) {
  std::vector<std::size_t> order(packets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return packets[a].ts < packets[b].ts; });
  std::unordered_map<FlowKey, Endpoint, FlowKeyHash> first;
  std::vector<PacketInfo> out(packets.size());
  for (std::size_t i : order) {
    const RawPacket& r = packets[i];
    const FlowKey k = FlowKey::of(r.src, r.src_port, r.dst, r.dst_port, r.protocol);
    const auto [it, inserted] = first.try_emplace(k, Endpoint{r.src, r.src_port});
    out[i] = {r, inserted || from_initiator(it->second, r.src, r.src_port)};
  }
  return out;
}

std::vector<FlowWithFeatures> process_packets(std::span<const PacketInfo> packets, const CicOptions& options) {
  std::vector<const PacketInfo*> sorted;
  sorted.reserve(packets.size());
  for (const auto& p : packets) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(), [](const PacketInfo* a, const PacketInfo* b) { return a->packet.ts < b->packet.ts; });
  std::vector<FlowWithFeatures> out;
  CicMeter meter(options, [&](const CicFeatures& f) {
    out.push_back({FlowKey::of(f.src, f.src_port, f.dst, f.dst_port, f.protocol), f});
  });
  for (const PacketInfo* p : sorted) meter.add(p->packet, p->forward);
  meter.finish();
  return out;
}

}  // namespace flowreplay
