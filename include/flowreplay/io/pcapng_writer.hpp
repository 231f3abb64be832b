// SPDX-License-Identifier: MIT
// pcapng written by flowreplay itself (libpcap cannot write it): one Section Header Block, one
// Interface Description Block for Ethernet with if_tsresol = 9 (nanoseconds), then an Enhanced
// Packet Block per frame, built in place in a large output buffer. Byte order is the host's, as
// the format allows (the SHB's magic tells readers). Spec: draft-ietf-opsawg-pcapng sections
// 4.1, 4.2, 4.3.
#pragma once

#include <string>

#include "flowreplay/io/output_file.hpp"
#include "flowreplay/core/packet_sink.hpp"

namespace flowreplay {

class PcapngWriter : public PacketSink {
 public:
  static constexpr std::uint32_t kSnapLen = 262144;

  // path "-" writes to stdout.
  // `partial`: write NAME.partial until finish() (io/output_file.hpp).
  PcapngWriter(const std::string& path, const std::string& application, bool partial = true);

  std::uint8_t* reserve(std::size_t max_len) override;
  void commit(Timestamp ts, std::size_t len) override;
  void finish() override;
  [[nodiscard]] std::uint64_t bytes_written() const override { return out_.bytes(); }

 private:
  OutputFile out_;
  std::uint8_t* block_ = nullptr;
};

}  // namespace flowreplay
