// SPDX-License-Identifier: MIT
// The AF_XDP sender (libxdp's xsk API): private to the replay stage, opened through
// open_sender() in interface_sender.cpp.
#pragma once

#include <cstddef>
#include <memory>

#include "flowreplay/replay/interface_sender.hpp"

namespace flowreplay {

// How to grant what a raw socket needs, for the messages of every sender.
extern const char* const kCapabilityHint;

enum class XdpMode : std::uint8_t {
  kZeroCopyOnly,  // the driver's zero-copy path or nothing (what --sender auto tries first)
  kAny,           // zero-copy where the driver has it, copy mode otherwise (veth, most drivers)
};

// A TX-only AF_XDP socket on queue 0 of the interface, no XDP program loaded (it receives
// nothing). IoError when the kernel has no AF_XDP, without CAP_NET_RAW (the message says how to
// grant it), or when `mode` is kZeroCopyOnly and the driver has no zero-copy.
std::unique_ptr<InterfaceSender> open_af_xdp(const InterfaceInfo& interface, std::size_t batch, XdpMode mode);

}  // namespace flowreplay
