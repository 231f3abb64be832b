// SPDX-License-Identifier: MIT
// The packet decoder on any bytes: the first byte picks one of the supported link types.
#include <cstdint>

#include "flowreplay/ingest/raw_packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  if (size == 0) return 0;
  constexpr int kLinks[] = {kLinkNull, kLinkEthernet, kLinkRawOld, kLinkRaw, kLinkLoop,
                            kLinkLinuxSll, kLinkIpv4, kLinkIpv6, kLinkLinuxSll2, 147};
  const int link = kLinks[data[0] % (sizeof kLinks / sizeof kLinks[0])];
  DecodeStats stats;
  if (auto p = decode_packet(link, data + 1, static_cast<std::uint32_t>(size - 1), 0, stats)) {
    // What a meter reads must lie within the frame.
    if (p->payload_len > size) __builtin_trap();
  }
  return 0;
}
