// SPDX-License-Identifier: MIT
#include "flowreplay/core/checksum.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flowreplay {
namespace {

TEST(Checksum, Rfc1071NumericalExample) {
  // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 0x2ddf0, folded 0xddf2.
  const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_fold(checksum_add(0, data, sizeof data)), 0xddf2);
  EXPECT_EQ(internet_checksum(data, sizeof data), 0x220d);
}

TEST(Checksum, KnownIpv4Header) {
  // 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73: header checksum 0xb861.
  std::uint8_t ip[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(ip, sizeof ip), 0xb861);
  ip[10] = 0xb8;
  ip[11] = 0x61;
  EXPECT_EQ(internet_checksum(ip, sizeof ip), 0);  // a correct header sums to 0xffff
}

TEST(Checksum, OddLengthPadsWithZero) {
  const std::uint8_t odd[] = {0x12, 0x34, 0x56};
  EXPECT_EQ(checksum_fold(checksum_add(0, odd, 3)), 0x1234 + 0x5600);
}

TEST(Checksum, SplitAtOddOffsetWithSwap) {
  std::vector<std::uint8_t> data(101);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
  const std::uint16_t whole = checksum_fold(checksum_add(0, data.data(), data.size()));
  // First 7 bytes, then the rest summed as if it started even, swapped back into place.
  const std::uint64_t head = checksum_add(0, data.data(), 7);
  const std::uint16_t tail = checksum_fold(checksum_add(0, data.data() + 7, data.size() - 7));
  EXPECT_EQ(checksum_fold(head + swap_sum(tail)), whole);
}

}  // namespace
}  // namespace flowreplay
