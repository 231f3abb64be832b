// SPDX-License-Identifier: MIT
// One flow to synthesize, as a FlowSource hands it to the planner: who talks to whom, when the
// flow starts and which pattern plays it. Direction 0 is client -> server (the flow's forward
// direction), direction 1 server -> client.
#pragma once

#include <cstdint>

#include "flowreplay/synth/exact_flow.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/core/address.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

struct FlowSpec {
  std::uint64_t index = 0;  // 0-based, in order of start time
  Timestamp start = 0;      // time of the flow's first packet
  const PatternConfig* pattern = nullptr;
  std::uint8_t l4 = 6;      // IP protocol: 6, 17, 1 or 58
  IpAddress client;
  IpAddress server;
  MacAddress client_mac;
  MacAddress server_mac;
  std::uint16_t client_port = 0;  // ICMP: the echo identifier
  std::uint16_t server_port = 0;  // ICMP: 0
  const Encapsulation* encap = nullptr;  // VLAN tags and MPLS labels (the config's), none if null
  std::uint64_t seed = 0;         // the flow's own random stream
  // From a profile record (gen --profile): exact per-direction totals, start to end; the
  // synthesizer then keeps the planned times (no link or direction-switch delays).
  bool exact = false;
  ExactFlow target;
};

}  // namespace flowreplay
