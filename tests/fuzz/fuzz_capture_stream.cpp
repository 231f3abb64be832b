// SPDX-License-Identifier: MIT
// The capture reader's stream path (libpcap behind the gzip/zstd detection), as stdin is read.
#include <cstdint>
#include <cstdio>
#include <string>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/raw_packet.hpp"
#include "flowreplay/io/pcap_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  if (size == 0) return 0;
  std::FILE* stream = fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
  if (stream == nullptr) return 0;
  try {
    PcapReader reader(stream, "fuzz", std::size_t{1} << 16);  // a small stdio buffer: a fresh 4 MiB per run dominates
    CapturedFrame frame;
    DecodeStats stats;
    while (reader.next(frame)) {
      decode_packet(frame.link_type >= 0 ? frame.link_type : reader.link_type(), frame.data, frame.caplen, frame.ts, stats);
    }
  } catch (const IoError&) {
  }
  return 0;
}
