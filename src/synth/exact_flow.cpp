// SPDX-License-Identifier: MIT
#include "flowreplay/synth/exact_flow.hpp"

#include <algorithm>

#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

constexpr std::uint32_t kTcpTimestamps = 32;  // 20 + NOP, NOP, timestamps
constexpr std::uint32_t kTcpSynOptions = 40;  // 20 + MSS, SACK-permitted, timestamps, NOP, window scale

bool is_tcp(std::uint8_t l4) { return l4 == wire::kProtoTcp; }

// L3 bytes of direction d's packets with no payload.
std::uint64_t header_bytes(const ExactFlow& f, const ExactHeaders& h, int d) {
  const std::uint64_t n = f.packets[d];
  if (n == 0) return 0;
  std::uint64_t syns = 0;
  std::uint64_t rsts = 0;
  if (f.shape == ExactShape::kFull || f.shape == ExactShape::kHandshake) syns = 1;
  if (f.shape == ExactShape::kAttempt) (d == 0 ? syns : rsts) = 1;
  return n * h.ip + syns * h.syn + rsts * wire::kTcpHeader + (n - syns - rsts) * h.data;
}

bool meets(const ExactFlow& f, const ExactHeaders& h) {
  for (int d = 0; d < 2; ++d) {
    const std::uint64_t lo = header_bytes(f, h, d);
    const std::uint64_t hi = lo + exact_data_packets(f, d) * h.max_payload();
    if (f.bytes[d] < lo || f.bytes[d] > hi) return false;
  }
  return true;
}

bool shape_allowed(const ExactFlow& f, ExactShape s) {
  const std::uint64_t fwd = f.packets[0];
  const std::uint64_t rev = f.packets[1];
  if (f.per_direction && fwd > 0 && rev > 0) {  // the SYN before the SYN-ACK (or RST), the last ACK after the FIN
    const bool forward_first = f.first[0] <= f.first[1];
    if ((s == ExactShape::kHandshake || s == ExactShape::kAttempt) && !forward_first) return false;
    if (s == ExactShape::kFull && (!forward_first || f.last[1] > f.last[0])) return false;
  }
  switch (s) {
    case ExactShape::kFull: return fwd >= 4 && rev >= 2;
    case ExactShape::kHandshake: return fwd >= 2 && rev >= 1;
    case ExactShape::kAttempt: return fwd == 1 && rev <= 1;
    case ExactShape::kMidstream: return true;
    case ExactShape::kDatagram: return false;
  }
  return false;
}

std::string describe(const char* what, std::uint64_t from, std::uint64_t to) {
  return std::string(what) + " " + std::to_string(from) + " -> " + std::to_string(to);
}

}  // namespace

ExactHeaders exact_headers(const ExactFlow& f, std::uint8_t l4, bool v6, std::uint32_t mtu) {
  ExactHeaders h;
  h.ip = v6 ? wire::kIpv6Header : wire::kIpv4Header;
  h.mtu = mtu;
  if (is_tcp(l4)) {
    h.data = f.tcp_options ? kTcpTimestamps : wire::kTcpHeader;
    h.syn = f.tcp_options ? kTcpSynOptions : wire::kTcpHeader;
  } else {
    h.data = h.syn = l4 == wire::kProtoUdp ? wire::kUdpHeader : wire::kIcmpEchoHeader;
  }
  return h;
}

std::uint64_t exact_fixed_packets(const ExactFlow& f, int d) {
  switch (f.shape) {
    case ExactShape::kFull: return d == 0 ? 3 : 2;  // SYN, FIN, last ACK / SYN-ACK, FIN
    case ExactShape::kHandshake: return 1;          // SYN / SYN-ACK (the third ACK may carry data)
    case ExactShape::kAttempt: return f.packets[d];
    case ExactShape::kMidstream:
    case ExactShape::kDatagram: return 0;
  }
  return 0;
}

std::uint64_t exact_data_packets(const ExactFlow& f, int d) { return f.packets[d] - exact_fixed_packets(f, d); }

ExactFit fit_exact(const ExactFlow& wanted, std::uint8_t l4, bool v6, std::uint32_t mtu) {
  ExactFit fit{wanted, {}};
  ExactFlow& f = fit.flow;
  const std::uint64_t total = f.packets[0] + f.packets[1];
  if (f.per_direction) {
    for (int d = 0; d < 2; ++d) {
      if (f.packets[d] != 1 || f.last[d] == f.first[d]) continue;
      if (!fit.adjustment.empty()) fit.adjustment += "; ";
      fit.adjustment += std::string("one packet cannot span time: ") + (d == 0 ? "END_TIME - START_TIME " : "END_TIME_REV - START_TIME_REV ") +
                        std::to_string(f.last[d] - f.first[d]) + " ns -> 0";
      f.last[d] = f.first[d];
    }
    f.duration = 0;
    for (int d = 0; d < 2; ++d) {
      if (f.packets[d] > 0) f.duration = std::max(f.duration, f.last[d]);
    }
  } else if (total == 1 && f.duration != 0) {
    fit.adjustment = "one packet cannot span time: duration " + std::to_string(f.duration) + " ns -> 0";
    f.duration = 0;
  }
  if (!is_tcp(l4)) {
    f.shape = ExactShape::kDatagram;
    f.tcp_options = false;
  } else {
    for (ExactShape s : {ExactShape::kFull, ExactShape::kHandshake, ExactShape::kAttempt, ExactShape::kMidstream}) {
      if (!shape_allowed(f, s)) continue;
      f.shape = s;
      for (bool options : {true, false}) {
        f.tcp_options = options;
        if (meets(f, exact_headers(f, l4, v6, mtu))) return fit;
      }
    }
    f.shape = ExactShape::kMidstream;  // the most flexible shape, option-less: clamp the bytes
    f.tcp_options = false;
  }
  const ExactHeaders h = exact_headers(f, l4, v6, mtu);
  if (meets(f, h)) return fit;
  for (int d = 0; d < 2; ++d) {
    const std::uint64_t lo = header_bytes(f, h, d);
    const std::uint64_t hi = lo + exact_data_packets(f, d) * h.max_payload();
    const std::uint64_t b = std::clamp(f.bytes[d], lo, hi);
    if (b != f.bytes[d]) {
      if (!fit.adjustment.empty()) fit.adjustment += "; ";
      fit.adjustment += describe(d == 0 ? (b > f.bytes[d] ? "BYTES below the headers of its packets:" : "BYTES above the MTU allows:")
                                        : (b > f.bytes[d] ? "BYTES_REV below the headers of its packets:" : "BYTES_REV above the MTU allows:"),
                                 f.bytes[d], b);
      f.bytes[d] = b;
    }
  }
  return fit;
}

}  // namespace flowreplay
