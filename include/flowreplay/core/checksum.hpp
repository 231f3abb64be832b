// SPDX-License-Identifier: MIT
// The Internet checksum (RFC 1071): a ones' complement sum of 16-bit big-endian words. A sum is
// accumulated across several buffers in a 64-bit register and folded once at the end; buffers
// after the first must start at an even offset of the checksummed data, or be byte-swapped with
// swap_sum (RFC 1071 section 2(B): the sum is byte-order independent up to a swap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace flowreplay {

// Sum of the 16-bit big-endian words of data[0..len); an odd last byte is padded with zero.
inline std::uint64_t checksum_add(std::uint64_t sum, const std::uint8_t* data, std::size_t len) {
  // Four bytes at a time through a 32-bit big-endian load; carries stay in the upper bits.
  while (len >= 4) {
    std::uint32_t w;
    std::memcpy(&w, data, 4);
    sum += __builtin_bswap32(w);
    data += 4;
    len -= 4;
  }
  if (len >= 2) {
    sum += static_cast<std::uint64_t>((data[0] << 8) | data[1]);
    data += 2;
    len -= 2;
  }
  if (len == 1) sum += static_cast<std::uint64_t>(data[0]) << 8;
  return sum;
}

// Folds a 64-bit accumulator to 16 bits with end-around carries.
inline std::uint16_t checksum_fold(std::uint64_t sum) {
  sum = (sum & 0xffffffffULL) + (sum >> 32);
  sum = (sum & 0xffffffffULL) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// The folded sum of bytes that started at an odd offset, as if they had started at an even one.
inline std::uint16_t swap_sum(std::uint16_t folded) {
  return static_cast<std::uint16_t>((folded << 8) | (folded >> 8));
}

// The value to store in a checksum field: the complement of the folded sum.
inline std::uint16_t checksum_finish(std::uint64_t sum) {
  return static_cast<std::uint16_t>(~checksum_fold(sum));
}

inline std::uint16_t internet_checksum(const std::uint8_t* data, std::size_t len) {
  return checksum_finish(checksum_add(0, data, len));
}

}  // namespace flowreplay
