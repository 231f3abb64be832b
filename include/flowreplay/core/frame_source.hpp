// SPDX-License-Identifier: MIT
// Where captured frames come from (a pcap/pcapng reader in io/, or bytes a test made): the
// ingest side reads this interface, so it needs no capture library.
#pragma once

#include <cstdint>
#include <string>

#include "flowreplay/core/units.hpp"

namespace flowreplay {

struct CapturedFrame {
  Timestamp ts = 0;                    // ns since the epoch
  const std::uint8_t* data = nullptr;  // valid until the next call to next()
  std::uint32_t caplen = 0;
  std::uint32_t origlen = 0;
  int link_type = -1;  // this frame's LINKTYPE_* when its interface has its own (pcapng); -1: the source's
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame; false at the end of the input (or where it was cut off: see truncated()).
  virtual bool next(CapturedFrame& frame) = 0;
  // A tcpdump.org LINKTYPE_* value: the first interface's, for a file with several.
  [[nodiscard]] virtual int link_type() const = 0;
  [[nodiscard]] virtual bool truncated() const { return false; }
  [[nodiscard]] virtual std::string truncation_message() const { return {}; }
};

}  // namespace flowreplay
