// SPDX-License-Identifier: MIT
// The capture reader on inputs the fuzzers found (tests/fuzz/regressions/), and on bytes in memory.
#include "flowreplay/io/pcap_reader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {
namespace {

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A gzip'd pcapng whose timestamps libpcap turns into seconds past 2262: an error, not an
// overflow (found by fuzz_capture_stream).
TEST(PcapReaderRegression, HugeTimestampThroughLibpcap) {
  auto bytes = read_file(FLOWREPLAY_SOURCE_DIR "/tests/fuzz/regressions/capture_stream/huge-timestamp-gzip-pcapng");
  ASSERT_FALSE(bytes.empty());
  std::FILE* stream = fmemopen(bytes.data(), bytes.size(), "rb");
  ASSERT_NE(stream, nullptr);
  try {
    PcapReader reader(stream, "regression");
    CapturedFrame frame;
    std::size_t frames = 0;
    while (reader.next(frame)) ++frames;
    EXPECT_TRUE(reader.truncated());
    EXPECT_NE(reader.truncation_message().find("timestamp"), std::string::npos) << reader.truncation_message();
  } catch (const IoError& e) {  // libpcap may refuse the header outright: also a clean answer
    SUCCEED() << e.what();
  }
}

// A classic pcap in memory: the header and one record, read without a file.
TEST(PcapReader, BytesInMemory) {
  std::vector<std::uint8_t> b = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0xff, 0xff, 0, 0, 1, 0, 0, 0};                  // µs, Ethernet
  const std::uint8_t record[] = {100, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0xab, 0xcd};  // 100 s + 7 µs
  b.insert(b.end(), std::begin(record), std::end(record));
  PcapReader reader(std::span<const std::uint8_t>(b), "memory");
  EXPECT_EQ(reader.link_type(), 1);
  CapturedFrame f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f.ts, 100 * kNanosPerSecond + 7000);
  EXPECT_EQ(f.caplen, 2u);
  EXPECT_EQ(f.data[1], 0xcd);
  EXPECT_FALSE(reader.next(f));
  EXPECT_FALSE(reader.truncated());
  EXPECT_THROW(PcapReader(std::span<const std::uint8_t>(b.data(), 10), "short"), IoError);
}

}  // namespace
}  // namespace flowreplay
