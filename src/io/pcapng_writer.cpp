// SPDX-License-Identifier: MIT
#include "flowreplay/io/pcapng_writer.hpp"

#include <cstring>

namespace flowreplay {

namespace {

constexpr std::uint32_t kShbType = 0x0A0D0D0A;
constexpr std::uint32_t kIdbType = 0x00000001;
constexpr std::uint32_t kEpbType = 0x00000006;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kShbUserAppl = 4;
constexpr std::uint16_t kIfTsresol = 9;
constexpr std::uint16_t kLinkTypeEthernet = 1;
constexpr std::size_t kEpbHeader = 28;  // type, length, interface, ts high, ts low, caplen, origlen
constexpr std::size_t kEpbOverhead = kEpbHeader + 4;

std::size_t pad4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

// Appends host-order values to a block under construction.
struct Block {
  std::uint8_t data[512] = {};
  std::size_t len = 0;
  void u16(std::uint16_t v) { std::memcpy(data + len, &v, 2), len += 2; }
  void u32(std::uint32_t v) { std::memcpy(data + len, &v, 4), len += 4; }
  void i64(std::int64_t v) { std::memcpy(data + len, &v, 8), len += 8; }
  void option(std::uint16_t code, const void* value, std::uint16_t n) {
    u16(code);
    u16(n);
    if (n > 0) std::memcpy(data + len, value, n);
    len += pad4(n);
  }
  // Fills in the total length at offset 4 and appends its trailing copy.
  void close() {
    const auto total = static_cast<std::uint32_t>(len + 4);
    std::memcpy(data + 4, &total, 4);
    u32(total);
  }
};

}  // namespace

static_assert(kEpbOverhead == 32, "an EPB costs 32 bytes besides the padded frame");

PcapngWriter::PcapngWriter(const std::string& path, const std::string& application, bool partial)
    : out_(path, OutputFile::kDefaultBuffer, partial) {
  Block shb;
  shb.u32(kShbType);
  shb.u32(0);
  shb.u32(kByteOrderMagic);
  shb.u16(1);   // major
  shb.u16(0);   // minor
  shb.i64(-1);  // section length unknown: written as a stream
  const std::string app = application.substr(0, 200);
  shb.option(kShbUserAppl, app.data(), static_cast<std::uint16_t>(app.size()));
  shb.option(kOptEnd, nullptr, 0);
  shb.close();
  out_.write(shb.data, shb.len);

  Block idb;
  idb.u32(kIdbType);
  idb.u32(0);
  idb.u16(kLinkTypeEthernet);
  idb.u16(0);
  idb.u32(kSnapLen);
  const std::uint8_t nanoseconds = 9;  // 10^-9 s
  idb.option(kIfTsresol, &nanoseconds, 1);
  idb.option(kOptEnd, nullptr, 0);
  idb.close();
  out_.write(idb.data, idb.len);
}

std::uint8_t* PcapngWriter::reserve(std::size_t max_len) {
  block_ = out_.space(kEpbOverhead + pad4(max_len));
  return block_ + kEpbHeader;
}

void PcapngWriter::commit(Timestamp ts, std::size_t len) {
  const std::size_t padded = pad4(len);
  const auto total = static_cast<std::uint32_t>(kEpbOverhead + padded);
  const auto units = static_cast<std::uint64_t>(ts);  // ns since the epoch (if_tsresol = 9)
  const std::uint32_t words[7] = {kEpbType,
                                  total,
                                  0,
                                  static_cast<std::uint32_t>(units >> 32),
                                  static_cast<std::uint32_t>(units),
                                  static_cast<std::uint32_t>(len),
                                  static_cast<std::uint32_t>(len)};
  std::memcpy(block_, words, sizeof words);
  std::memset(block_ + kEpbHeader + len, 0, padded - len);
  std::memcpy(block_ + kEpbHeader + padded, &total, 4);
  out_.advance(total);
}

void PcapngWriter::finish() { out_.close(); }

}  // namespace flowreplay
