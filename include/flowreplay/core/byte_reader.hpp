// SPDX-License-Identifier: MIT
// Bounds-checked access to bytes in network order (big-endian), for formats parsed or built
// field by field (TZif, option lists, protocol messages). A read past the end returns 0 and
// leaves the reader failed, so a parser checks ok() once after a run of fields instead of the
// length before each; a write past the end writes nothing and fails the writer the same way.
// Hot per-packet paths use the offset constants and put/get helpers of wire.hpp instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace flowreplay {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
  std::uint64_t u64() { return take(8); }
  // The next n bytes as a view (empty, and failed, when fewer remain).
  std::span<const std::uint8_t> bytes(std::size_t n) {
    if (!fits(n)) return {};
    const auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  void skip(std::size_t n) {
    if (fits(n)) pos_ += n;
  }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::size_t position() const { return pos_; }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  bool fits(std::size_t n) {
    if (ok_ && n <= remaining()) return true;
    ok_ = false;
    return false;
  }
  std::uint64_t take(std::size_t n) {
    if (!fits(n)) return 0;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | bytes_[pos_ + i];
    pos_ += n;
    return v;
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

class ByteWriter {
 public:
  explicit ByteWriter(std::span<std::uint8_t> out) : out_(out) {}

  ByteWriter& u8(std::uint8_t v) { return put(v, 1); }
  ByteWriter& u16(std::uint16_t v) { return put(v, 2); }
  ByteWriter& u32(std::uint32_t v) { return put(v, 4); }
  ByteWriter& u64(std::uint64_t v) { return put(v, 8); }
  ByteWriter& bytes(std::span<const std::uint8_t> b) {
    if (fits(b.size())) {
      if (!b.empty()) std::memcpy(out_.data() + pos_, b.data(), b.size());
      pos_ += b.size();
    }
    return *this;
  }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::size_t size() const { return pos_; }  // bytes written

 private:
  bool fits(std::size_t n) {
    if (ok_ && n <= out_.size() - pos_) return true;
    ok_ = false;
    return false;
  }
  ByteWriter& put(std::uint64_t v, std::size_t n) {
    if (fits(n)) {
      for (std::size_t i = n; i-- > 0; v >>= 8) out_[pos_ + i] = static_cast<std::uint8_t>(v);
      pos_ += n;
    }
    return *this;
  }

  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace flowreplay
