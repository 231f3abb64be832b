// SPDX-License-Identifier: MIT
// What the application dialogues (one file each in src/synth/apps/) share: writing a message's
// head bytes, and the ports that choose a database protocol. Internal to the synth stage.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "flowreplay/core/rng.hpp"
#include "flowreplay/core/wire.hpp"
#include "flowreplay/synth/apps/app_script.hpp"

namespace flowreplay::apps {

// Words for host names and for the text of requests.
inline constexpr const char* kWords[] = {"alpha",  "bravo", "cedar", "delta", "ember", "falcon", "garnet", "harbor",
                                  "indigo", "jasper", "koala", "lumen", "maple", "nebula", "orbit",  "pixel",
                                  "quartz", "raven",  "sierra", "tango", "umber", "violet", "willow", "xenon",
                                  "yonder", "zephyr", "atlas", "boreal", "cobalt", "dynamo", "echo",   "fjord"};

// Database ports whose protocol the database pattern speaks; on any other port it sends opaque bytes.
constexpr std::uint16_t kPostgresPort = 5432;
constexpr std::uint16_t kMysqlPort = 3306;
constexpr std::uint16_t kMongoPort = 27017;

// Appends to a message head, tracking the length; silently stops at the buffer's end (callers
// keep their text far below it).
class HeadWriter {
 public:
  explicit HeadWriter(Message& m) : m_(m) {}
  HeadWriter& str(std::string_view s) {
    const std::size_t n = std::min(s.size(), Message::kMaxHead - m_.head_len);
    std::memcpy(m_.head.data() + m_.head_len, s.data(), n);
    m_.head_len = static_cast<std::uint16_t>(m_.head_len + n);
    return *this;
  }
  HeadWriter& num(std::uint64_t v) {
    char buf[24];
    const int n = std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
    return str(std::string_view(buf, static_cast<std::size_t>(n)));
  }
  HeadWriter& u8(std::uint8_t v) { return raw(&v, 1); }
  HeadWriter& u16(std::uint16_t v) {
    std::uint8_t b[2];
    wire::put16(b, v);
    return raw(b, 2);
  }
  HeadWriter& u32(std::uint32_t v) {
    std::uint8_t b[4];
    wire::put32(b, v);
    return raw(b, 4);
  }
  HeadWriter& u24le(std::uint32_t v) {
    u8(static_cast<std::uint8_t>(v)).u8(static_cast<std::uint8_t>(v >> 8));
    return u8(static_cast<std::uint8_t>(v >> 16));
  }
  HeadWriter& u32le(std::uint32_t v) {
    std::uint8_t b[4];
    wire::put32le(b, v);
    return raw(b, 4);
  }
  HeadWriter& u64le(std::uint64_t v) {
    std::uint8_t b[8];
    wire::put64le(b, v);
    return raw(b, 8);
  }
  HeadWriter& raw(const std::uint8_t* p, std::size_t n) {
    n = std::min(n, Message::kMaxHead - m_.head_len);
    std::memcpy(m_.head.data() + m_.head_len, p, n);
    m_.head_len = static_cast<std::uint16_t>(m_.head_len + n);
    return *this;
  }
  HeadWriter& random(Rng& rng, std::size_t n) {
    n = std::min(n, Message::kMaxHead - m_.head_len);
    for (std::size_t i = 0; i < n; i += 8) {
      const std::uint64_t r = rng.next();
      std::memcpy(m_.head.data() + m_.head_len + i, &r, std::min<std::size_t>(8, n - i));
    }
    m_.head_len = static_cast<std::uint16_t>(m_.head_len + n);
    return *this;
  }
  HeadWriter& zeros(std::size_t n) {
    n = std::min(n, Message::kMaxHead - m_.head_len);
    std::memset(m_.head.data() + m_.head_len, 0, n);
    m_.head_len = static_cast<std::uint16_t>(m_.head_len + n);
    return *this;
  }
  [[nodiscard]] std::size_t size() const { return m_.head_len; }
  std::uint8_t* at(std::size_t pos) { return m_.head.data() + pos; }

 private:
  Message& m_;
};

// Decimal digits of v.
inline int digits(std::uint64_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// An SSH binary packet (RFC 4253 section 6) around `payload` bytes already written at `start`:
// the caller writes 5 placeholder bytes, then the payload; this fills length and padding.
inline void ssh_finish_packet(HeadWriter& w, std::size_t start, Rng& rng) {
  const std::size_t payload = w.size() - start - 5;
  std::size_t pad = 8 - ((5 + payload) % 8);
  if (pad < 4) pad += 8;
  w.random(rng, pad);
  wire::put32(w.at(start), static_cast<std::uint32_t>(1 + payload + pad));
  *w.at(start + 4) = static_cast<std::uint8_t>(pad);
}

inline void ssh_string(HeadWriter& w, std::string_view s) {
  w.u32(static_cast<std::uint32_t>(s.size())).str(s);
}

}  // namespace flowreplay::apps
