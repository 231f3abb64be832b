// SPDX-License-Identifier: MIT
// Where built frames go. The builder writes a frame straight into the sink's buffer (reserve),
// then the sink stamps it (commit): no copy on the way to a pcapng file.
#pragma once

#include <cstddef>
#include <cstdint>

#include "flowreplay/core/units.hpp"

namespace flowreplay {

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // Space for one frame of up to max_len bytes, valid until the next commit.
  virtual std::uint8_t* reserve(std::size_t max_len) = 0;
  // The reserved frame holds len bytes (L2, no FCS) captured at ts.
  virtual void commit(Timestamp ts, std::size_t len) = 0;
  // Flushes everything; throws IoError if any byte did not reach the output.
  virtual void finish() = 0;
  // Bytes handed to the output so far (file size for file sinks).
  [[nodiscard]] virtual std::uint64_t bytes_written() const = 0;
};

}  // namespace flowreplay
