// SPDX-License-Identifier: MIT
#include "flowreplay/synth/payload_pool.hpp"

#include "flowreplay/core/rng.hpp"

namespace flowreplay {

PayloadPool::PayloadPool(Kind kind, std::size_t size, std::uint64_t seed) : size_(size & ~std::size_t{1}) {
  bytes_.resize(size_ + kMaxSlice + 2);
  Rng rng(seed);
  if (kind == Kind::kBinary) {
    for (std::size_t i = 0; i < size_; i += 8) {
      const std::uint64_t r = rng.next();
      for (std::size_t k = 0; k < 8 && i + k < size_; ++k) bytes_[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
  } else {
    // MIME base64 body lines (RFC 2045): 76 characters, then CRLF.
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t col = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (col == 76) {
        bytes_[i] = '\r';
        ++col;
      } else if (col == 77) {
        bytes_[i] = '\n';
        col = 0;
      } else {
        bytes_[i] = static_cast<std::uint8_t>(kAlphabet[rng.below(64)]);
        ++col;
      }
    }
  }
  for (std::size_t i = 0; i < kMaxSlice + 2; ++i) bytes_[size_ + i] = bytes_[i % size_];
  prefix_.resize(bytes_.size() / 2 + 1);
  for (std::size_t w = 0; w + 1 < prefix_.size(); ++w) {
    std::uint32_t v = prefix_[w] + ((std::uint32_t{bytes_[2 * w]} << 8) | bytes_[2 * w + 1]);
    prefix_[w + 1] = (v & 0xffff) + (v >> 16);
  }
}

std::uint64_t PayloadPool::sum(std::size_t pos, std::size_t len) const {
  if (len == 0) return 0;
  std::uint64_t s = 0;
  if (pos & 1) {  // the first byte is the low half of the word it shares with pos - 1
    s += bytes_[pos];
    ++pos;
    --len;
  }
  const std::size_t words = len / 2;
  // Ones' complement subtraction: adding the complement of the earlier prefix.
  s += prefix_[pos / 2 + words] + (~prefix_[pos / 2] & 0xffffu);
  if (len & 1) s += std::uint64_t{bytes_[pos + len - 1]} << 8;
  return s;
}

}  // namespace flowreplay
