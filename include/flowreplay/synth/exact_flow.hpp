// SPDX-License-Identifier: MIT
// A flow with exact per-direction totals (a traffic-profile record, `gen --profile`): how its
// packets are laid out so that each direction has exactly its packet count and L3 byte count,
// the first packet at the record's start and the last at its end (docs/profile.md, "From a
// profile to packets").
//
// TCP sessions take the most complete shape the counts and bytes allow:
//   full       SYN, SYN-ACK, ACK, data..., FIN, FIN, ACK    forward >= 4, reverse >= 2 packets
//   handshake  SYN, SYN-ACK, ACK, data...                   forward >= 2, reverse >= 1
//   attempt    SYN [, RST-ACK]                              one forward packet, no payload
//   midstream  ACK/PSH segments only (a connection already open when the record starts)
// with RFC 7323 timestamps (and MSS, SACK, window scale on SYNs) when both directions' bytes
// allow, option-less segments otherwise. Payload goes to the data packets in MSS-sized segments
// spread evenly among them (the rest are pure ACKs). UDP and ICMP echo spread each direction's
// payload evenly over its packets.
#pragma once

#include <cstdint>
#include <string>

#include "flowreplay/core/units.hpp"

namespace flowreplay {

enum class ExactShape : std::uint8_t { kFull, kHandshake, kAttempt, kMidstream, kDatagram };

struct ExactFlow {
  std::uint64_t packets[2] = {0, 0};  // forward (source -> destination), reverse
  std::uint64_t bytes[2] = {0, 0};    // L3: IP header + payload
  Duration duration = 0;              // first packet to last
  ExactShape shape = ExactShape::kDatagram;
  bool tcp_options = false;
  // Each direction's first and last packet, from the flow's first packet, when the record gives
  // them (START_TIME_REV, END_TIME_REV); otherwise only the flow's span is fixed. A handshake
  // needs the forward side first, a teardown the forward side last.
  bool per_direction = false;
  Duration first[2] = {0, 0};
  Duration last[2] = {0, 0};
};

// Header sizes (IP + transport) of the shape's packets.
struct ExactHeaders {
  std::uint32_t ip = 20;        // IPv4 20, IPv6 40
  std::uint32_t data = 20;      // a TCP data/ACK segment's header, or UDP/ICMP 8
  std::uint32_t syn = 20;       // SYN and SYN-ACK TCP header
  std::uint32_t mtu = 1500;
  [[nodiscard]] std::uint32_t max_payload() const { return mtu - ip - data; }
};
ExactHeaders exact_headers(const ExactFlow& f, std::uint8_t l4, bool v6, std::uint32_t mtu);

// The packets of direction d that carry the shape's fixed roles (SYN, FIN, final ACK) and those
// that may carry payload.
std::uint64_t exact_fixed_packets(const ExactFlow& f, int d);
std::uint64_t exact_data_packets(const ExactFlow& f, int d);

// Fits a wanted record: picks the shape and options, and when no shape meets the record exactly
// moves its bytes to the nearest feasible value (and a one-packet record's or direction's
// duration to 0).
// `adjustment` is empty when the record is met as given, else says what changed.
struct ExactFit {
  ExactFlow flow;
  std::string adjustment;
};
ExactFit fit_exact(const ExactFlow& wanted, std::uint8_t l4, bool v6, std::uint32_t mtu);

}  // namespace flowreplay
