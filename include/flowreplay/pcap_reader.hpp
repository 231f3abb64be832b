// SPDX-License-Identifier: MIT
// Reads pcap and pcapng through libpcap at nanosecond precision, from a file or stdin ("-").
// A file cut off mid-record ends the stream with truncated() set rather than an exception, so
// every packet before the cut is still used.
#pragma once

#include <cstdint>
#include <string>

#include "flowreplay/units.hpp"

struct pcap;

namespace flowreplay {

struct CapturedFrame {
  Timestamp ts = 0;
  const std::uint8_t* data = nullptr;  // valid until the next call to next()
  std::uint32_t caplen = 0;
  std::uint32_t origlen = 0;
};

class PcapReader {
 public:
  explicit PcapReader(const std::string& path);  // throws IoError
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // The next frame; false at the end of the input (or at a truncated record).
  bool next(CapturedFrame& frame);
  [[nodiscard]] int link_type() const { return link_type_; }
  [[nodiscard]] bool truncated() const { return truncated_; }
  [[nodiscard]] const std::string& truncation_message() const { return message_; }

 private:
  std::string path_;
  pcap* handle_ = nullptr;
  int link_type_ = 0;
  bool truncated_ = false;
  std::string message_;
};

}  // namespace flowreplay
