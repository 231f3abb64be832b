// SPDX-License-Identifier: MIT
// flowreplay replay of IPFIX files to a collector (replay_command.cpp hands them over here).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flowreplay/core/units.hpp"

namespace flowreplay::cli {

enum class IpfixSpeed : std::uint8_t {
  kExportTime,   // the messages' export times, divided by the multiplier
  kMessageRate,  // --pps: messages per second
  kRecordRate,   // --rate: data records per second
  kTopspeed,
};

struct IpfixReplayOptions {
  std::vector<std::string> inputs;
  std::string collector;  // udp://HOST:PORT or tcp://HOST:PORT
  bool netflow9 = false;  // re-encode the records as NetFlow v9 (to a UDP collector)
  IpfixSpeed speed = IpfixSpeed::kExportTime;
  double multiplier = 1.0;
  double rate = 0;
  std::uint64_t limit = 0;  // messages, 0: all
  Duration duration = 0;
  std::uint64_t loops = 1;
  Duration loop_delay = 0;
  bool quiet = false;
};

// Whether the file starts like an IPFIX message (version 10).
bool is_ipfix_file(const std::string& path);

int run_ipfix_replay(const IpfixReplayOptions& options);

// The records of IPFIX files (as IpfixReader reads them) as NetFlow v9, paced by their flows' ends.
int run_ipfix_to_netflow9(const IpfixReplayOptions& options);

}  // namespace flowreplay::cli
