// SPDX-License-Identifier: MIT
#include "flowreplay/core/byte_reader.hpp"

#include <gtest/gtest.h>

#include <array>

namespace flowreplay {
namespace {

TEST(ByteReader, NetworkOrderAndOverrun) {
  const std::array<std::uint8_t, 9> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  ByteReader r(b);
  EXPECT_EQ(r.u8(), 0x01);
  EXPECT_EQ(r.u16(), 0x0203);
  EXPECT_EQ(r.u32(), 0x04050607u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 2u);
  EXPECT_EQ(r.u32(), 0u);  // only 2 bytes left: nothing read, failed
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.position(), 7u);
  EXPECT_EQ(r.u8(), 0u);  // stays failed
}

TEST(ByteReader, ViewsAndSkips) {
  const std::array<std::uint8_t, 6> b = {'a', 'b', 'c', 0, 0, 0x2a};
  ByteReader r(b);
  const auto abc = r.bytes(3);
  ASSERT_EQ(abc.size(), 3u);
  EXPECT_EQ(abc[2], 'c');
  r.skip(2);
  EXPECT_EQ(r.u8(), 0x2a);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.bytes(1).empty());
  EXPECT_FALSE(r.ok());
}

TEST(ByteWriter, WritesUntilFull) {
  std::array<std::uint8_t, 7> out{};
  ByteWriter w(out);
  w.u16(0xbeef).u32(0x01020304);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.size(), 6u);
  EXPECT_EQ(out[0], 0xbe);
  EXPECT_EQ(out[5], 0x04);
  w.u16(1);  // one byte of room: nothing written
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.size(), 6u);
  EXPECT_EQ(out[6], 0);
}

}  // namespace
}  // namespace flowreplay
