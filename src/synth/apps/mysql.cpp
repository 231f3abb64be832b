// SPDX-License-Identifier: MIT
// The application dialogue of MySQL.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

// MySQL client/server protocol (MySQL Internals, "Client/Server Protocol"), server first: the
// Handshake v10 greeting (caching_sha2_password, no TLS), the client's HandshakeResponse41 and
// an OK; then COM_QUERY lookups by a text key, each answered by a one-column text result set
// with EOF packets; then COM_QUIT. Each packet is a 3-byte little-endian length and a sequence
// number that restarts with every command.
void AppScript::mysql(Message& m) {
  HeadWriter w(m);
  std::size_t at = 0;
  auto open_packet = [&](std::uint8_t seq) {
    at = w.size();
    w.u8(0).u8(0).u8(0).u8(seq);
  };
  auto close_packet = [&] {
    const auto len = static_cast<std::uint32_t>(w.size() - at - 4);
    for (int i = 0; i < 3; ++i) *w.at(at + static_cast<std::size_t>(i)) = static_cast<std::uint8_t>(len >> (8 * i));
  };
  auto u16le = [&](std::uint16_t v) { w.u8(static_cast<std::uint8_t>(v)).u8(static_cast<std::uint8_t>(v >> 8)); };
  auto lenenc_str = [&](std::string_view s) { w.u8(static_cast<std::uint8_t>(s.size())).str(s); };
  // A length-encoded integer of a body length (values 251 and up take a prefix byte).
  auto lenenc = [&](std::uint32_t v) {
    if (v < 251) {
      w.u8(static_cast<std::uint8_t>(v));
    } else if (v < 65536) {
      w.u8(0xfc);
      u16le(static_cast<std::uint16_t>(v));
    } else {
      w.u8(0xfd).u24le(v);
    }
  };
  auto lenenc_size = [](std::uint32_t v) { return v < 251 ? 1u : v < 65536 ? 3u : 4u; };
  constexpr std::uint32_t kCapabilities = 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0200 | 0x2000 | 0x8000 | 0x10000 |
                                          0x20000 | 0x80000 | 0x200000;  // 4.1 protocol, plugin auth, no TLS
  constexpr std::string_view kPlugin = "caching_sha2_password";
  constexpr std::uint32_t kMaxBody = (1u << 24) - 64;  // one packet's payload, less the fixed parts
  const std::uint32_t quit = 2 * rounds_ + 3;
  if (step_ == 0) {
    m.dir = 1;
    open_packet(0);
    // The 20-byte salt is ASCII without NUL, as the server makes it: its second part is also
    // NUL-terminated on the wire.
    auto salt = [&](int n) {
      for (int i = 0; i < n; ++i) w.u8(static_cast<std::uint8_t>(rng_.between(1, 127)));
    };
    w.u8(10).str("8.0.35").u8(0).u32le(static_cast<std::uint32_t>(rng_.between(8, 1'000'000)));
    salt(8);
    w.u8(0);  // auth-plugin-data part 1, filler
    u16le(static_cast<std::uint16_t>(kCapabilities));
    w.u8(0xff);  // utf8mb4_0900_ai_ci
    u16le(0x0002);  // SERVER_STATUS_AUTOCOMMIT
    u16le(static_cast<std::uint16_t>(kCapabilities >> 16));
    w.u8(21);
    for (int i = 0; i < 10; ++i) w.u8(0);
    salt(12);
    w.u8(0);  // auth-plugin-data part 2
    w.str(kPlugin).u8(0);
    close_packet();
  } else if (step_ == 1) {
    m.dir = 0;
    open_packet(1);
    w.u32le(kCapabilities).u32le(1u << 24).u8(0xff);
    for (int i = 0; i < 23; ++i) w.u8(0);
    w.str("app").u8(0);
    w.u8(32).random(rng_, 32);  // the scrambled password
    w.str("inventory").u8(0).str(kPlugin).u8(0);
    close_packet();
  } else if (step_ == 2) {
    m.dir = 1;
    open_packet(2);
    w.u8(0).u8(0).u8(0);  // OK: no rows affected, no insert id
    u16le(0x0002);
    u16le(0);
    close_packet();
  } else if (step_ == quit) {
    m.dir = 0;
    open_packet(0);
    w.u8(0x01);  // COM_QUIT
    close_packet();
  } else if (step_ % 2 == 1) {
    // COM_QUERY: SELECT v FROM t WHERE k='<key>'; the key is base64 text from the pool.
    m.dir = 0;
    constexpr std::string_view kSelect = "SELECT v FROM t WHERE k='";
    const std::uint32_t fixed = static_cast<std::uint32_t>(4 + 1 + kSelect.size() + 1);
    const std::uint32_t target = draw(spec_.pattern->request_bytes);
    const std::uint32_t key = std::min(target > fixed ? target - fixed : 1, kMaxBody);
    const std::uint32_t len = 1 + static_cast<std::uint32_t>(kSelect.size()) + key + 1;
    w.u24le(len);
    w.u8(0).u8(0x03).str(kSelect);
    body(m, pools_.text, key);
    m.tail[0] = '\'';
    m.tail_len = 1;
  } else {
    // Column count, one column definition, EOF, one row, EOF.
    m.dir = 1;
    open_packet(1);
    w.u8(1);
    close_packet();
    open_packet(2);
    for (std::string_view s : {"def", "inventory", "t", "t", "v", "v"}) lenenc_str(s);
    w.u8(0x0c);
    u16le(0xff);                  // character set
    w.u32le(0x3fffc);             // column length
    w.u8(0xfd).u8(0).u8(0).u8(0);  // VAR_STRING, no flags, no decimals
    u16le(0);
    close_packet();
    open_packet(3);
    w.u8(0xfe).u8(0).u8(0);  // EOF: no warnings
    u16le(0x0002);
    close_packet();
    constexpr std::uint32_t kEof = 4 + 5;
    const std::uint32_t target = draw(spec_.pattern->response_bytes);
    const auto fixed = static_cast<std::uint32_t>(w.size()) + 4 + kEof;
    const std::uint32_t room = target > fixed + 2 ? target - fixed : 2;  // length prefix and value
    const std::uint32_t value = std::min(room - lenenc_size(room), kMaxBody);
    const std::uint32_t len = lenenc_size(value) + value;
    w.u24le(len);
    w.u8(4);
    lenenc(value);
    body(m, pools_.text, value);
    const std::uint8_t eof[kEof] = {5, 0, 0, 5, 0xfe, 0, 0, 0x02, 0};
    std::memcpy(m.tail.data(), eof, kEof);
    m.tail_len = kEof;
    ++round_;
  }
}

}  // namespace flowreplay
