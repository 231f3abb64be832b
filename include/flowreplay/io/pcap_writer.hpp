// SPDX-License-Identifier: MIT
// Classic pcap with nanosecond timestamps (magic 0xa1b23c4d), written through libpcap's dumper
// on a stdio stream that flowreplay owns, so that every write error is seen and reported.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "flowreplay/core/packet_sink.hpp"

struct pcap;
struct pcap_dumper;

namespace flowreplay {

class PcapWriter : public PacketSink {
 public:
  static constexpr int kSnapLen = 262144;

  // path "-" writes to stdout; `partial`: write NAME.partial until finish() (io/output_file.hpp).
  explicit PcapWriter(const std::string& path, bool partial = true);
  ~PcapWriter() override;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  std::uint8_t* reserve(std::size_t max_len) override;
  void commit(Timestamp ts, std::size_t len) override;
  void finish() override;
  [[nodiscard]] std::uint64_t bytes_written() const override { return bytes_; }

 private:
  void check();
  std::string path_;
  std::string working_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  pcap* pcap_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::vector<std::uint8_t> frame_;
  std::vector<char> stdio_buffer_;
  std::uint64_t bytes_ = 0;
  std::uint64_t packets_ = 0;
};

}  // namespace flowreplay
