// SPDX-License-Identifier: MIT
#include "flowreplay/synth/payload_pool.hpp"

#include <gtest/gtest.h>

#include "flowreplay/core/checksum.hpp"
#include "flowreplay/core/rng.hpp"

namespace flowreplay {
namespace {

// The pool's O(1) range sum against summing the bytes directly, at odd and even positions.
TEST(PayloadPool, RangeSumsMatchDirectSums) {
  const PayloadPool pool(PayloadPool::Kind::kBinary, 1 << 16, 5);
  Rng rng(9);
  for (int i = 0; i < 2000; ++i) {
    const std::size_t pos = rng.below(pool.size());
    const std::size_t len = rng.below(PayloadPool::kMaxSlice);
    const std::uint8_t* p = pool.at(pos);
    // Direct: bytes at their own parity within the pool.
    std::uint64_t direct = 0;
    for (std::size_t k = 0; k < len; ++k) direct += ((pos + k) % 2 == 0) ? (std::uint64_t{p[k]} << 8) : p[k];
    // Ones' complement has two zeros (0x0000 and 0xffff); compare modulo 0xffff.
    ASSERT_EQ(checksum_fold(pool.sum(pos, len)) % 0xffff, checksum_fold(direct) % 0xffff) << pos << "+" << len;
  }
}

TEST(PayloadPool, TextPoolIsBase64Lines) {
  const PayloadPool pool(PayloadPool::Kind::kBase64Text, 4096, 1);
  const std::uint8_t* p = pool.at(0);
  EXPECT_EQ(p[76], '\r');
  EXPECT_EQ(p[77], '\n');
  for (int i = 0; i < 76; ++i) EXPECT_TRUE(std::isalnum(p[i]) || p[i] == '+' || p[i] == '/');
}

}  // namespace
}  // namespace flowreplay
