// SPDX-License-Identifier: MIT
// The application dialogue of PostgreSQL.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

// PostgreSQL frontend/backend protocol 3.0 (PostgreSQL documentation, "Message Formats"): a
// StartupMessage answered by AuthenticationOk, ParameterStatus, BackendKeyData and
// ReadyForQuery; then simple queries, each a lookup by a text key whose result is one row with
// one text column; then Terminate. Every message but StartupMessage is a type byte and an Int32
// length that counts itself.
void AppScript::postgres(Message& m) {
  HeadWriter w(m);
  auto open_msg = [&](char type) {
    w.u8(static_cast<std::uint8_t>(type));
    const std::size_t at = w.size();
    w.u32(0);
    return at;
  };
  auto close_msg = [&](std::size_t at) { wire::put32(w.at(at), static_cast<std::uint32_t>(w.size() - at)); };
  auto cstr = [&](std::string_view s) { w.str(s).u8(0); };
  const std::uint32_t last = 2 * rounds_ + 2;
  if (step_ == 0) {
    m.dir = 0;
    const std::size_t at = w.size();
    w.u32(0).u32(196608);  // protocol 3.0
    for (std::string_view kv : {"user", "app", "database", "inventory", "application_name", "psql", "client_encoding",
                                "UTF8"}) {
      cstr(kv);
    }
    w.u8(0);
    wire::put32(w.at(at), static_cast<std::uint32_t>(w.size() - at));
  } else if (step_ == 1) {
    m.dir = 1;
    std::size_t at = open_msg('R');
    w.u32(0);  // AuthenticationOk
    close_msg(at);
    static constexpr std::string_view kParams[][2] = {{"server_version", "15.5 (Debian 15.5-0+deb12u1)"},
                                                      {"server_encoding", "UTF8"},
                                                      {"client_encoding", "UTF8"},
                                                      {"DateStyle", "ISO, MDY"},
                                                      {"integer_datetimes", "on"},
                                                      {"TimeZone", "Etc/UTC"}};
    for (const auto& kv : kParams) {
      at = open_msg('S');
      cstr(kv[0]);
      cstr(kv[1]);
      close_msg(at);
    }
    at = open_msg('K');
    w.u32(static_cast<std::uint32_t>(rng_.between(1000, 4'000'000))).u32(static_cast<std::uint32_t>(rng_.next()));
    close_msg(at);
    at = open_msg('Z');
    w.u8('I');
    close_msg(at);
  } else if (step_ == last) {
    m.dir = 0;
    close_msg(open_msg('X'));
  } else if (step_ % 2 == 0) {
    // Query: SELECT * FROM t WHERE k='<key>'; the key is base64 text from the pool.
    m.dir = 0;
    constexpr std::string_view kSelect = "SELECT * FROM t WHERE k='";
    constexpr std::string_view kEnd = "';";
    const std::uint32_t fixed = static_cast<std::uint32_t>(5 + kSelect.size() + kEnd.size() + 1);
    const std::uint32_t target = draw(spec_.pattern->request_bytes);
    const std::uint32_t key = target > fixed ? target - fixed : 1;
    w.u8('Q').u32(fixed - 1 + key).str(kSelect);
    body(m, pools_.text, key);
    std::memcpy(m.tail.data(), "';\0", 3);
    m.tail_len = 3;
  } else {
    // RowDescription (one text column), DataRow (its value from the pool), CommandComplete,
    // ReadyForQuery.
    m.dir = 1;
    std::size_t at = open_msg('T');
    w.u16(1);
    cstr("v");
    // Table oid, column number, type text (oid 25), variable length, no typmod, text format.
    w.u32(16384).u16(2).u32(25).u16(0xffff).u32(0xffffffff).u16(0);
    close_msg(at);
    constexpr std::uint32_t kTail = 14 + 6;  // CommandComplete "SELECT 1", ReadyForQuery
    const std::uint32_t target = draw(spec_.pattern->response_bytes);
    const std::uint32_t fixed = static_cast<std::uint32_t>(w.size()) + 11 + kTail;
    const std::uint32_t value = target > fixed ? target - fixed : 1;
    w.u8('D').u32(4 + 2 + 4 + value).u16(1).u32(value);
    body(m, pools_.text, value);
    std::uint8_t* t = m.tail.data();
    t[0] = 'C';
    wire::put32(t + 1, 13);
    std::memcpy(t + 5, "SELECT 1\0", 9);
    t[14] = 'Z';
    wire::put32(t + 15, 5);
    t[19] = 'I';
    m.tail_len = kTail;
    ++round_;
  }
}

}  // namespace flowreplay
