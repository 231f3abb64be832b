// SPDX-License-Identifier: MIT
#include "flowreplay/io/pcapng_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace flowreplay {
namespace {

std::uint32_t u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;  // the file is in host order, as its byte-order magic says
}

TEST(PcapngWriter, BlocksMatchTheSpecification) {
  char path[] = "/tmp/flowreplay-pcapng-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    PcapngWriter w(path, "test");
    std::uint8_t* frame = w.reserve(1514);
    for (int i = 0; i < 61; ++i) frame[i] = static_cast<std::uint8_t>(i);
    // draft-ietf-opsawg-pcapng example: 1700000000.000000123 s = 0x17979CFE362A007B ns.
    w.commit(1'700'000'000'000'000'123LL, 61);
    w.finish();
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unlink(path);

  // SHB: type, length, byte-order magic, version 1.0, section length -1; options; length again.
  ASSERT_GE(b.size(), 28u);
  EXPECT_EQ(u32(b, 0), 0x0A0D0D0Au);
  const std::uint32_t shb = u32(b, 4);
  EXPECT_EQ(shb % 4, 0u);
  EXPECT_EQ(u32(b, 8), 0x1A2B3C4Du);
  EXPECT_EQ(u32(b, shb - 4), shb);
  std::int64_t section;
  std::memcpy(&section, b.data() + 16, 8);
  EXPECT_EQ(section, -1);

  // IDB: Ethernet, if_tsresol = 9 (option code 9, length 1, value 9), end of options.
  const std::size_t idb = shb;
  EXPECT_EQ(u32(b, idb), 1u);
  const std::uint32_t idb_len = u32(b, idb + 4);
  EXPECT_EQ(idb_len, 32u);
  EXPECT_EQ(b[idb + 8], 1);  // LINKTYPE_ETHERNET (little-endian host)
  const std::uint8_t tsresol[] = {9, 0, 1, 0, 9, 0, 0, 0};
  EXPECT_EQ(std::memcmp(b.data() + idb + 16, tsresol, 8), 0);

  // EPB: 32 bytes around a frame padded to 4: 61 -> 64, 96 in all.
  const std::size_t epb = idb + idb_len;
  EXPECT_EQ(u32(b, epb), 6u);
  EXPECT_EQ(u32(b, epb + 4), 96u);
  EXPECT_EQ(u32(b, epb + 12), 0x17979CFEu);  // timestamp, high 32 bits
  EXPECT_EQ(u32(b, epb + 16), 0x362A007Bu);  // low 32 bits
  EXPECT_EQ(u32(b, epb + 20), 61u);
  EXPECT_EQ(u32(b, epb + 24), 61u);
  EXPECT_EQ(b[epb + 28 + 60], 60);
  EXPECT_EQ(b[epb + 28 + 61], 0);  // zero padding
  EXPECT_EQ(u32(b, epb + 92), 96u);
  EXPECT_EQ(b.size(), epb + 96);
}

TEST(PcapngWriter, UnwritablePathThrowsWithThePath) {
  try {
    PcapngWriter w("/nonexistent-dir/x.pcapng", "test");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.pcapng"), std::string::npos);
  }
}

}  // namespace
}  // namespace flowreplay
