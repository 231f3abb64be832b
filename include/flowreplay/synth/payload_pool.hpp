// SPDX-License-Identifier: MIT
// Pre-generated payload bytes. Packet payloads are copied from a pool instead of drawing every
// byte from an RNG, and the pool keeps prefix sums of its 16-bit words so the Internet checksum
// of any slice costs O(1) (RFC 1071 sums are associative).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace flowreplay {

class PayloadPool {
 public:
  enum class Kind { kBinary, kBase64Text };

  // Slices up to kMaxSlice bytes long never wrap: the pool's first kMaxSlice bytes repeat after
  // its end.
  static constexpr std::size_t kMaxSlice = 9216;

  PayloadPool(Kind kind, std::size_t size, std::uint64_t seed);

  [[nodiscard]] std::size_t size() const { return size_; }
  // Bytes [pos, pos + len) with pos < size() and len <= kMaxSlice.
  [[nodiscard]] const std::uint8_t* at(std::size_t pos) const { return bytes_.data() + pos; }
  // The ones' complement sum of bytes [pos, pos + len) with each byte at the parity it has in
  // the pool (an odd pos contributes its first byte as a low-order byte). Unfolded: add it to a
  // checksum accumulator. Equal to a direct sum up to the two zeros of ones' complement.
  [[nodiscard]] std::uint64_t sum(std::size_t pos, std::size_t len) const;
  // Warms what copying and summing a slice starting at pos reads first.
  void prefetch(std::size_t pos) const {
    __builtin_prefetch(bytes_.data() + pos);
    __builtin_prefetch(prefix_.data() + pos / 2);
  }

 private:
  std::size_t size_;
  std::vector<std::uint8_t> bytes_;
  // prefix_[w]: ones' complement sum (16 bits, end-around carry) of words 0..w-1, where word w
  // is bytes 2w and 2w+1. 32-bit entries keep the table small enough to stay in cache.
  std::vector<std::uint32_t> prefix_;
};

}  // namespace flowreplay
