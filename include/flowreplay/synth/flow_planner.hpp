// SPDX-License-Identifier: MIT
// Plans one flow's packets, lazily and in time order: the TCP handshake, data cut into MSS
// segments in congestion-window bursts, delayed ACKs, FIN or RST teardown; UDP exchanges; ICMP
// echo. Times are planned times; the synthesizer adds the flow's accumulated lag (link
// serialization, direction-switch gap) when it emits them.
//
// Timing model: the capture point sits between client and server. A packet seen at time t reaches
// the other end and its answer is seen back at t + rtt_to(that end) + that end's own delay:
// `rtt` for the server, `client_rtt` for the client (both per flow, from timing.*).
#pragma once

#include <cstdint>
#include <memory>

#include "flowreplay/synth/apps/app_script.hpp"
#include "flowreplay/synth/flow_spec.hpp"
#include "flowreplay/synth/steps.hpp"

namespace flowreplay {

class SizeTilts;

// Header sizes of one flow's packets, fixed by its VLAN and IP version.
struct FlowLayout {
  std::uint32_t l2 = 14;      // Ethernet, + 4 with an 802.1Q tag
  std::uint32_t l3 = 20;      // IPv4 20, IPv6 40
  std::uint32_t mtu = 1500;   // largest IP packet

  static constexpr std::uint32_t kTcpData = 32;  // TCP header with the timestamps option (RFC 7323)
  static constexpr std::uint32_t kTcpSyn = 40;   // + MSS, SACK-permitted, window scale
  [[nodiscard]] std::uint32_t tcp_mss() const { return mtu - l3 - 20; }             // advertised
  [[nodiscard]] std::uint32_t tcp_segment() const { return mtu - l3 - kTcpData; }   // data per segment
  [[nodiscard]] std::uint32_t udp_payload() const { return mtu - l3 - 8; }
};

struct PlannedPacket {
  Timestamp time = 0;  // planned; the synthesizer adds the flow's lag
  std::uint8_t dir = 0;
  std::uint8_t tcp_flags = 0;
  bool syn_options = false;  // MSS, SACK-permitted, timestamps, window scale
  bool no_options = false;   // a bare 20-byte TCP header (profiles whose bytes leave no room)
  std::uint16_t window = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t tsval = 0;
  std::uint32_t tsecr = 0;
  std::uint32_t payload_len = 0;
  std::uint32_t msg_offset = 0;  // offset of the payload within *msg
  const Message* msg = nullptr;
  std::uint16_t icmp_seq = 0;
};

class FlowPlanner {
 public:
  // `tilts`: the size tables shared by a run's exact flows (synth/size_tilts.hpp); without it an
  // exact flow makes its own.
  FlowPlanner(const FlowSpec& spec, const GenConfig& config, const PayloadPools& pools, const FlowLayout& layout,
              SizeTilts* tilts = nullptr);
  ~FlowPlanner();
  FlowPlanner(const FlowPlanner&) = delete;
  FlowPlanner& operator=(const FlowPlanner&) = delete;

  // Plans the next packet; false when the flow is over.
  bool next() { return steps_.resume(); }
  [[nodiscard]] const PlannedPacket& packet() const { return pkt_; }
  // Warms the cache lines the next call of next() reads (the synthesizer calls it for the flow
  // it will resume next, while it writes the current packet).
  void prefetch() const {
    const char* frame = static_cast<const char*>(steps_.frame());
    if (frame == nullptr) return;
    if (exact_state_ == nullptr) {
      for (std::size_t i = 0; i < kFrameLines; ++i) __builtin_prefetch(frame + 64 * i);
      return;
    }
    // An exact flow: the frame's head (its resume point) and the plan's state, one block.
    __builtin_prefetch(frame);
    __builtin_prefetch(frame + 64);
    const char* state = static_cast<const char*>(exact_state_);
#pragma GCC unroll 16
    for (std::size_t i = 0; i < kExactStateLines; ++i) __builtin_prefetch(state + 64 * i);
  }
  // The application the flow speaks: its pattern's, or for a profile record the dialogue its
  // port and sizes allowed (known once the first packet is planned).
  [[nodiscard]] AppType app() const { return app_; }

 private:
  Steps tcp();
  Steps udp();
  Steps icmp();
  Steps exact();  // spec.exact: exact counts and bytes (src/synth/exact_steps.cpp)
  class Exact;    // the state of exact(), in one block (src/synth/exact_steps.cpp)

  // Cache lines of the tcp/udp/icmp coroutine frames (304 bytes with GCC 12) and of an exact
  // flow's state (the static_assert beside it keeps this in step; a wrong count costs speed
  // only: a prefetch never faults).
  static constexpr std::size_t kFrameLines = 5;
  static constexpr std::size_t kExactStateLines = 7;

  Duration cap(Duration d) const { return (max_gap_ > 0 && d > max_gap_) ? max_gap_ : d; }
  Duration draw(const DurationRange& r);
  // Sets pkt_ for a TCP packet of `dir` at time t.
  void tcp_packet(std::uint8_t dir, Timestamp t, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack);
  Duration gap_for(std::uint32_t payload) const;

  const FlowSpec& spec_;
  const GenConfig& config_;
  FlowLayout layout_;
  Rng rng_;
  Message msg_;
  // Exact flows: each direction's dialogue head, then opaque bytes; allocated by those flows
  // only, to keep the planner of every other flow small.
  std::unique_ptr<Message[]> exact_msg_;
  const PayloadPool* opaque_;  // payload of exact flows
  SizeTilts* tilts_;           // their packet sizes
  std::unique_ptr<SizeTilts> own_tilts_;
  AppType app_;
  AppScript script_;
  PlannedPacket pkt_;
  Duration max_gap_;
  Duration delay_[2];  // response delay of the client (0) and the server (1) as seen here
  std::uint32_t iss_[2];
  std::uint32_t ts_base_[2];
  std::uint32_t ts_last_[2] = {0, 0};
  std::uint32_t cwnd_[2] = {10, 10};  // segments (RFC 6928 initial window)
  const void* exact_state_ = nullptr;  // the running exact() plan's state, for prefetch()
  Steps steps_;
};

}  // namespace flowreplay
