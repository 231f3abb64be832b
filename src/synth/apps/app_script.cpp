// SPDX-License-Identifier: MIT
#include "flowreplay/synth/apps/app_script.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

constexpr std::size_t kBinaryPoolBytes = std::size_t{1} << 18;
constexpr std::size_t kTextPoolBytes = std::size_t{1} << 18;

constexpr const char* kWords[] = {"alpha",  "bravo", "cedar", "delta", "ember", "falcon", "garnet", "harbor",
                                  "indigo", "jasper", "koala", "lumen", "maple", "nebula", "orbit",  "pixel",
                                  "quartz", "raven",  "sierra", "tango", "umber", "violet", "willow", "xenon",
                                  "yonder", "zephyr", "atlas", "boreal", "cobalt", "dynamo", "echo",   "fjord"};
constexpr const char* kTlds[] = {"com", "net", "org", "io", "example"};
constexpr const char* kHosts[] = {"www", "api", "cdn", "mail", "static", "img", "login", "app"};

// Database ports whose protocol the database pattern speaks; on any other port it sends opaque bytes.
constexpr std::uint16_t kPostgresPort = 5432;
constexpr std::uint16_t kMysqlPort = 3306;
constexpr std::uint16_t kMongoPort = 27017;

constexpr std::string_view kSshBanner = "SSH-2.0-OpenSSH_7.4\r\n";
constexpr std::string_view kSshClientBanner = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n";

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
    for (std::size_t i = 0; i < n; ++i) u8(static_cast<std::uint8_t>(rng.next()));
    return *this;
  }
  [[nodiscard]] std::size_t size() const { return m_.head_len; }
  std::uint8_t* at(std::size_t pos) { return m_.head.data() + pos; }

 private:
  Message& m_;
};

// Decimal digits of v.
int digits(std::uint64_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// An SSH binary packet (RFC 4253 section 6) around `payload` bytes already written at `start`:
// the caller writes 5 placeholder bytes, then the payload; this fills length and padding.
void ssh_finish_packet(HeadWriter& w, std::size_t start, Rng& rng) {
  const std::size_t payload = w.size() - start - 5;
  std::size_t pad = 8 - ((5 + payload) % 8);
  if (pad < 4) pad += 8;
  w.random(rng, pad);
  wire::put32(w.at(start), static_cast<std::uint32_t>(1 + payload + pad));
  *w.at(start + 4) = static_cast<std::uint8_t>(pad);
}

void ssh_string(HeadWriter& w, std::string_view s) {
  w.u32(static_cast<std::uint32_t>(s.size())).str(s);
}

}  // namespace

PayloadPools::PayloadPools(std::uint64_t seed)
    : binary(PayloadPool::Kind::kBinary, kBinaryPoolBytes, mix_seed(seed, 0xb1)),
      text(PayloadPool::Kind::kBase64Text, kTextPoolBytes, mix_seed(seed, 0x7e)) {}

AppScript::AppScript(const FlowSpec& spec, const GenConfig& config, const PayloadPools& pools, Rng& rng,
                     std::uint32_t data_overhead, std::uint32_t max_payload)
    : spec_(spec), config_(config), pools_(pools), rng_(rng), overhead_(data_overhead), max_payload_(max_payload) {
  rounds_ = draw(spec.pattern->requests);
  // A host name for DNS queries and HTTP Host headers: host.wordN.tld
  const int n = std::snprintf(name_.data(), name_.size(), "%s.%s%u.%s", kHosts[rng_.below(std::size(kHosts))],
                              kWords[rng_.below(std::size(kWords))], static_cast<unsigned>(rng_.below(100)),
                              kTlds[rng_.below(std::size(kTlds))]);
  name_len_ = static_cast<std::uint8_t>(n);
}

bool AppScript::next(Message& m) {
  m.head_len = 0;
  m.tail_len = 0;
  m.body_len = 0;
  m.body_pool = nullptr;
  switch (spec_.pattern->type) {
    case AppType::kWeb:
      if (round_ >= rounds_) return false;
      web(m);
      break;
    case AppType::kTls:  // ClientHello, server flight, rounds, close_notify
      if (step_ >= 2 * rounds_ + 3) return false;
      tls(m);
      break;
    case AppType::kDns:
      if (round_ >= rounds_) return false;
      dns(m);
      break;
    case AppType::kSsh:
      if (step_ >= 7 && round_ >= rounds_) return false;
      ssh(m);
      break;
    case AppType::kDatabase:  // startup, query/result rounds, goodbye (opaque: rounds only)
      if (spec_.server_port == kPostgresPort || spec_.server_port == kMongoPort) {
        if (step_ >= 2 * rounds_ + 3) return false;
      } else if (spec_.server_port == kMysqlPort) {
        if (step_ >= 2 * rounds_ + 4) return false;  // greeting, login, OK first
      } else if (round_ >= rounds_) {
        return false;
      }
      database(m);
      break;
    case AppType::kSmtp:
      if (step_ >= 13) return false;
      smtp(m);
      break;
    case AppType::kFtp:
      if (step_ >= 8 + 2 * rounds_) return false;
      ftp(m);
      break;
    case AppType::kIcmp:
      if (round_ >= rounds_) return false;
      icmp(m);
      break;
    case AppType::kRandom:
      if (round_ >= rounds_) return false;
      random_packet(m);
      ++round_;
      break;
  }
  ++step_;
  return true;
}

void AppScript::text(Message& m, std::uint8_t dir, std::string_view s) {
  m.dir = dir;
  HeadWriter(m).str(s);
}

void AppScript::body(Message& m, const PayloadPool& pool, std::uint32_t len) {
  m.body_pool = &pool;
  m.body_len = len;
  m.body_start = static_cast<std::uint32_t>(rng_.below(pool.size()));
}

// Opaque payload: pooled random bytes behind one random control byte (below 0x20), which no
// text protocol and no RTP/RTCP version field starts with, so dissectors do not claim them.
void AppScript::opaque(Message& m, std::uint8_t dir, std::int64_t len) {
  m.dir = dir;
  const auto n = static_cast<std::uint32_t>(std::max<std::int64_t>(len, 1));
  HeadWriter(m).u8(static_cast<std::uint8_t>(rng_.below(0x20)));
  if (n > 1) body(m, pools_.binary, n - 1);
}

// HTTP/1.1 (RFC 9112): a GET padded with a request-id header to the drawn size, or a POST with
// a body when the drawn size is larger than a head should be; the response declares its body
// with Content-Length so that a dissector can follow every message of a keep-alive connection.
void AppScript::web(Message& m) {
  const std::string_view host(name_.data(), name_len_);
  HeadWriter w(m);
  if (step_ % 2 == 0) {
    m.dir = 0;
    const std::uint32_t target = draw(spec_.pattern->request_bytes);
    const bool post = target > 560;
    w.str(post ? "POST /upload/" : "GET /")
        .str(kWords[rng_.below(std::size(kWords))])
        .str("/")
        .num(rng_.below(100000))
        .str(" HTTP/1.1\r\nHost: ")
        .str(host)
        .str("\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
             "Accept: */*\r\nConnection: keep-alive\r\n");
    if (post) {
      w.str("Content-Type: application/octet-stream\r\nContent-Length: ");
      const std::size_t fixed = w.size() + 4;  // + CRLF CRLF
      std::uint32_t len = target > fixed ? static_cast<std::uint32_t>(target - fixed) : 1;
      while (len > 1 && fixed + digits(len) + len > target) --len;
      w.num(len).str("\r\n\r\n");
      body(m, pools_.binary, len);
    } else {
      constexpr std::string_view kPad = "X-Request-Id: ";
      if (target > w.size() + kPad.size() + 4 + 1) {
        w.str(kPad);
        static constexpr char kHex[] = "0123456789abcdef";
        while (w.size() + 4 < target) w.str(std::string_view(&kHex[rng_.below(16)], 1));
        w.str("\r\n");
      }
      w.str("\r\n");
    }
  } else {
    m.dir = 1;
    const std::uint32_t target = draw(spec_.pattern->response_bytes);
    w.str("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: application/octet-stream\r\n"
          "Connection: keep-alive\r\nContent-Length: ");
    const std::size_t fixed = w.size() + 4;
    std::uint32_t len = target > fixed ? static_cast<std::uint32_t>(target - fixed) : 0;
    while (len > 0 && fixed + digits(len) + len > target) --len;
    w.num(len).str("\r\n\r\n");
    if (len > 0) body(m, pools_.binary, len);
    ++round_;
  }
}

// TLS 1.3 (RFC 8446) as it crosses the wire: a ClientHello naming the flow's host (SNI, RFC 6066)
// and offering ALPN h2 and http/1.1 with an x25519 key share; the server's ServerHello, the
// compatibility ChangeCipherSpec (appendix D.4) and its encrypted flight (EncryptedExtensions,
// Certificate, CertificateVerify, Finished) as one application_data record; the client's
// ChangeCipherSpec and Finished; then each request and response as one record, whose ciphertext
// is the plaintext plus the inner content type and a 16-byte AEAD tag; the first response
// follows a NewSessionTicket; the client ends with an encrypted close_notify alert.
void AppScript::tls(Message& m) {
  constexpr std::uint8_t kHandshake = 22;
  constexpr std::uint8_t kChangeCipherSpec = 20;
  constexpr std::uint8_t kApplicationData = 23;
  constexpr std::uint16_t kTls12 = 0x0303;
  constexpr std::uint32_t kAeadOverhead = 1 + 16;  // inner content type, tag (AES-128-GCM)
  HeadWriter w(m);
  // A record header whose length is patched by close_record() once the fragment is written.
  auto open_record = [&](std::uint8_t type, std::uint16_t version) {
    const std::size_t at = w.size();
    w.u8(type).u16(version).u16(0);
    return at;
  };
  auto close_record = [&](std::size_t at) { wire::put16(w.at(at + 3), static_cast<std::uint16_t>(w.size() - at - 5)); };
  auto open_handshake = [&](std::uint8_t type) {
    const std::size_t at = w.size();
    w.u8(type).u8(0).u16(0);  // 24-bit length
    return at;
  };
  auto close_handshake = [&](std::size_t at) {
    const auto len = static_cast<std::uint32_t>(w.size() - at - 4);
    *w.at(at + 1) = static_cast<std::uint8_t>(len >> 16);
    wire::put16(w.at(at + 2), static_cast<std::uint16_t>(len));
  };
  auto change_cipher_spec = [&] { w.u8(kChangeCipherSpec).u16(kTls12).u16(1).u8(1); };
  // An application_data record header; the caller's body (or head bytes) is its ciphertext.
  auto encrypted = [&](std::uint32_t ciphertext) {
    w.u8(kApplicationData).u16(kTls12).u16(static_cast<std::uint16_t>(ciphertext));
  };
  auto data_record = [&](std::uint32_t plaintext) {
    encrypted(plaintext + kAeadOverhead);
    body(m, pools_.binary, plaintext + kAeadOverhead);
  };

  const std::uint32_t close_step = 2 * rounds_ + 2;
  if (step_ == 0) {
    m.dir = 0;
    const std::size_t rec = open_record(kHandshake, 0x0301);  // legacy record version, as clients send it
    const std::size_t hs = open_handshake(1);                  // ClientHello
    w.u16(kTls12).random(rng_, 32);
    for (auto& b : tls_session_) b = static_cast<std::uint8_t>(rng_.next());
    w.u8(32).raw(tls_session_.data(), tls_session_.size());
    static constexpr std::uint16_t kSuites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8};
    w.u16(sizeof kSuites);
    for (auto suite : kSuites) w.u16(suite);
    w.u8(1).u8(0);  // compression methods: null
    const std::size_t ext = w.size();
    w.u16(0);
    const std::uint16_t n = name_len_;
    w.u16(0).u16(n + 5).u16(n + 3).u8(0).u16(n).str(std::string_view(name_.data(), n));  // server_name
    w.u16(10).u16(8).u16(6).u16(0x001d).u16(0x0017).u16(0x0018);  // supported_groups: x25519, P-256, P-384
    w.u16(11).u16(2).u8(1).u8(0);                                  // ec_point_formats: uncompressed
    static constexpr std::uint16_t kSigs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    w.u16(13).u16(2 + sizeof kSigs).u16(sizeof kSigs);  // signature_algorithms
    for (auto sig : kSigs) w.u16(sig);
    w.u16(16).u16(14).u16(12).u8(2).str("h2").u8(8).str("http/1.1");  // ALPN
    w.u16(43).u16(5).u8(4).u16(0x0304).u16(kTls12);                    // supported_versions
    w.u16(45).u16(2).u8(1).u8(1);                                      // psk_key_exchange_modes: psk_dhe_ke
    w.u16(51).u16(38).u16(36).u16(0x001d).u16(32).random(rng_, 32);    // key_share: x25519
    wire::put16(w.at(ext), static_cast<std::uint16_t>(w.size() - ext - 2));
    close_handshake(hs);
    close_record(rec);
  } else if (step_ == 1) {
    m.dir = 1;
    const std::size_t rec = open_record(kHandshake, kTls12);
    const std::size_t hs = open_handshake(2);  // ServerHello
    w.u16(kTls12).random(rng_, 32);
    w.u8(32).raw(tls_session_.data(), tls_session_.size());
    w.u16(0x1301).u8(0);  // TLS_AES_128_GCM_SHA256, null compression
    w.u16(46);            // extensions
    w.u16(43).u16(2).u16(0x0304);
    w.u16(51).u16(36).u16(0x001d).u16(32).random(rng_, 32);
    close_handshake(hs);
    close_record(rec);
    change_cipher_spec();
    const auto flight = static_cast<std::uint32_t>(rng_.between(1800, 4800));  // certificates mostly
    encrypted(flight);
    body(m, pools_.binary, flight);
  } else if (step_ == close_step) {
    m.dir = 0;
    encrypted(2 + kAeadOverhead);  // alert level and description
    w.random(rng_, 2 + kAeadOverhead);
  } else if (step_ % 2 == 0) {
    m.dir = 0;
    if (step_ == 2) {
      change_cipher_spec();
      encrypted(32 + 4 + kAeadOverhead);  // Finished: a SHA-256 verify_data in its handshake header
      w.random(rng_, 32 + 4 + kAeadOverhead);
    }
    data_record(draw(spec_.pattern->request_bytes));
  } else {
    m.dir = 1;
    if (step_ == 3) {
      const auto ticket = static_cast<std::uint32_t>(rng_.between(180, 260));  // NewSessionTicket
      encrypted(ticket);
      w.random(rng_, ticket);
    }
    data_record(draw(spec_.pattern->response_bytes));
    ++round_;
  }
}

void AppScript::database(Message& m) {
  if (spec_.server_port == kPostgresPort) {
    postgres(m);
  } else if (spec_.server_port == kMysqlPort) {
    mysql(m);
  } else if (spec_.server_port == kMongoPort) {
    mongodb(m);
  } else if (step_ % 2 == 0) {
    opaque(m, 0, draw(spec_.pattern->request_bytes));
  } else {
    opaque(m, 1, draw(spec_.pattern->response_bytes));
    ++round_;
  }
}

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

// MongoDB wire protocol OP_MSG (opcode 2013) with one body section each way: a find by a text
// key, answered by a cursor whose first batch holds one document; BSON (bsonspec.org) lengths
// count themselves and the trailing zero. The first round trip is the driver's "hello".
void AppScript::mongodb(Message& m) {
  HeadWriter w(m);
  constexpr std::uint32_t kOpMsg = 2013;
  // Header, flagBits and the body section's kind byte; the caller then writes one BSON document
  // of doc_len bytes (its head part here, the rest in body and tail).
  auto header = [&](std::uint32_t doc_len, std::uint32_t request_id, std::uint32_t response_to) {
    w.u32le(16 + 4 + 1 + doc_len).u32le(request_id).u32le(response_to).u32le(kOpMsg).u32le(0).u8(0);
  };
  auto element_name = [&](std::uint8_t type, std::string_view name) { w.u8(type).str(name).u8(0); };
  auto string_element = [&](std::string_view name, std::string_view value) {
    element_name(0x02, name);
    w.u32le(static_cast<std::uint32_t>(value.size() + 1)).str(value).u8(0);
  };
  const std::uint32_t last = 2 * rounds_ + 2;
  const std::uint32_t request_id = 1 + step_ / 2;
  if (step_ == 0 || step_ == last) {
    // {hello: 1, $db: "admin"} first; {endSessions: [], $db: "admin"} last.
    m.dir = 0;
    const bool hello = step_ == 0;
    const std::uint32_t doc = hello ? 4 + (1 + 6 + 4) + (1 + 4 + 4 + 6) + 1 : 4 + (1 + 12 + 5) + (1 + 4 + 4 + 6) + 1;
    header(doc, request_id, 0);
    w.u32le(doc);
    if (hello) {
      element_name(0x10, "hello");
      w.u32le(1);
    } else {
      element_name(0x04, "endSessions");
      w.u32le(5).u8(0);  // an empty array
    }
    string_element("$db", "admin");
    w.u8(0);
  } else if (step_ == 1) {
    // {isWritablePrimary: true, maxWireVersion: 17, ok: 1.0}
    m.dir = 1;
    const std::uint32_t doc = 4 + (1 + 18 + 1) + (1 + 15 + 4) + (1 + 3 + 8) + 1;
    header(doc, static_cast<std::uint32_t>(rng_.between(1, 1 << 30)), request_id);
    w.u32le(doc);
    element_name(0x08, "isWritablePrimary");
    w.u8(1);
    element_name(0x10, "maxWireVersion");
    w.u32le(17);
    element_name(0x01, "ok");
    w.u64le(0x3ff0000000000000ULL);  // 1.0
    w.u8(0);
  } else if (step_ % 2 == 0) {
    // {find: "events", filter: {k: "<key>"}, $db: "inventory"}: the key is base64 text from the pool.
    m.dir = 0;
    constexpr std::uint32_t kDbElement = 1 + 4 + 4 + 10;
    const std::uint32_t fixed_doc = 4 + (1 + 5 + 4 + 7) + (1 + 7) + 4 + (1 + 2 + 4) + 1 + 1 + kDbElement + 1;
    const std::uint32_t target = draw(spec_.pattern->request_bytes);
    const std::uint32_t key = target > fixed_doc + 21 ? target - fixed_doc - 21 : 1;
    const std::uint32_t doc = fixed_doc + key;
    header(doc, request_id, 0);
    w.u32le(doc);
    string_element("find", "events");
    element_name(0x03, "filter");
    w.u32le(4 + (1 + 2 + 4) + key + 1 + 1);
    element_name(0x02, "k");
    w.u32le(key + 1);
    body(m, pools_.text, key);
    std::uint8_t* t = m.tail.data();
    std::size_t n = 0;
    t[n++] = 0;  // the string's terminator
    t[n++] = 0;  // end of filter
    t[n++] = 0x02;
    std::memcpy(t + n, "$db", 4);
    n += 4;
    wire::put32le(t + n, 10);  // "inventory" and its terminator
    n += 4;
    std::memcpy(t + n, "inventory", 10);
    n += 10;
    t[n++] = 0;  // end of document
    m.tail_len = static_cast<std::uint8_t>(n);
  } else {
    // {cursor: {id: 0, ns: "inventory.events", firstBatch: [{_id: N, v: "<value>"}]}, ok: 1.0}
    m.dir = 1;
    constexpr std::string_view kNs = "inventory.events";
    const std::uint32_t fixed_item = 4 + (1 + 4 + 8) + (1 + 2 + 4) + 1 + 1;  // + value
    const std::uint32_t fixed_batch = 4 + (1 + 2) + 1;                      // + item
    const std::uint32_t fixed_cursor =
        4 + (1 + 3 + 8) + (1 + 3 + 4 + static_cast<std::uint32_t>(kNs.size()) + 1) + (1 + 11) + 1;  // + batch
    const std::uint32_t fixed_doc = 4 + (1 + 7) + (1 + 3 + 8) + 1;                                // + cursor
    const std::uint32_t fixed = fixed_doc + fixed_cursor + fixed_batch + fixed_item;
    const std::uint32_t target = draw(spec_.pattern->response_bytes);
    const std::uint32_t value = target > fixed + 21 ? target - fixed - 21 : 1;
    const std::uint32_t item = fixed_item + value;
    const std::uint32_t batch = fixed_batch + item;
    const std::uint32_t cursor = fixed_cursor + batch;
    const std::uint32_t doc = fixed_doc + cursor;
    header(doc, static_cast<std::uint32_t>(rng_.between(1, 1 << 30)), request_id);
    w.u32le(doc);
    element_name(0x03, "cursor");
    w.u32le(cursor);
    element_name(0x12, "id");
    w.u64le(0);
    string_element("ns", kNs);
    element_name(0x04, "firstBatch");
    w.u32le(batch);
    element_name(0x03, "0");
    w.u32le(item);
    element_name(0x12, "_id");
    w.u64le(rng_.below(1'000'000'000));
    element_name(0x02, "v");
    w.u32le(value + 1);
    body(m, pools_.text, value);
    std::uint8_t* t = m.tail.data();
    std::size_t n = 0;
    t[n++] = 0;  // the string's terminator
    t[n++] = 0;  // end of the batch's document
    t[n++] = 0;  // end of firstBatch
    t[n++] = 0;  // end of cursor
    t[n++] = 0x01;
    std::memcpy(t + n, "ok", 3);
    n += 3;
    wire::put64le(t + n, 0x3ff0000000000000ULL);  // 1.0
    n += 8;
    t[n++] = 0;  // end of document
    m.tail_len = static_cast<std::uint8_t>(n);
    ++round_;
  }
}

// DNS (RFC 1035): a recursive query for the flow's host name, A first and then AAAA, answered
// with 1..N address records that point back at the question by name compression.
void AppScript::dns(Message& m) {
  HeadWriter w(m);
  auto question = [&] {
    std::size_t start = 0;
    const std::string_view name(name_.data(), name_len_);
    while (start <= name.size()) {
      auto dot = name.find('.', start);
      if (dot == std::string_view::npos) dot = name.size();
      w.u8(static_cast<std::uint8_t>(dot - start)).str(name.substr(start, dot - start));
      start = dot + 1;
    }
    w.u8(0).u16(dns_qtype_).u16(1);  // QTYPE, QCLASS IN
  };
  if (step_ % 2 == 0) {
    m.dir = 0;
    dns_id_ = static_cast<std::uint16_t>(rng_.next());
    dns_qtype_ = (round_ % 2 == 0) ? 1 : 28;
    w.u16(dns_id_).u16(0x0100).u16(1).u16(0).u16(0).u16(0);
    question();
  } else {
    m.dir = 1;
    const auto answers = static_cast<std::uint16_t>(std::min<std::uint32_t>(draw(spec_.pattern->response_bytes), 16));
    w.u16(dns_id_).u16(0x8180).u16(1).u16(answers).u16(0).u16(0);
    question();
    for (std::uint16_t i = 0; i < answers; ++i) {
      w.u16(0xc00c).u16(dns_qtype_).u16(1).u32(static_cast<std::uint32_t>(rng_.between(60, 3600)));
      if (dns_qtype_ == 1) {
        w.u16(4).random(rng_, 4);
      } else {
        w.u16(16).u16(0x2001).u16(0x0db8).random(rng_, 12);
      }
    }
    ++round_;
  }
}

// SSH (RFC 4253): version exchange, KEXINIT both ways, an ECDH exchange and NEWKEYS in the
// clear, then encrypted packets, which look random on the wire.
void AppScript::ssh(Message& m) {
  HeadWriter w(m);
  switch (step_) {
    case 0: text(m, 1, kSshBanner); return;
    case 1: text(m, 0, kSshClientBanner); return;
    case 2:
    case 3: {
      m.dir = step_ == 2 ? 0 : 1;
      w.raw(reinterpret_cast<const std::uint8_t*>("\0\0\0\0\0"), 5).u8(20).random(rng_, 16);
      ssh_string(w, "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ext-info-c");
      ssh_string(w, "ssh-rsa,rsa-sha2-512,rsa-sha2-256");
      for (int i = 0; i < 2; ++i) ssh_string(w, "aes128-ctr,aes256-ctr,aes128-cbc");
      for (int i = 0; i < 2; ++i) ssh_string(w, "hmac-sha2-256-etm@openssh.com,hmac-sha2-256");
      for (int i = 0; i < 2; ++i) ssh_string(w, "none,zlib@openssh.com");
      ssh_string(w, "");
      ssh_string(w, "");
      w.u8(0).u32(0);  // first_kex_packet_follows, reserved
      ssh_finish_packet(w, 0, rng_);
      return;
    }
    case 4:  // SSH_MSG_KEX_ECDH_INIT (RFC 5656 section 4): the client's ephemeral key
      m.dir = 0;
      w.raw(reinterpret_cast<const std::uint8_t*>("\0\0\0\0\0"), 5).u8(30).u32(32).random(rng_, 32);
      ssh_finish_packet(w, 0, rng_);
      return;
    case 5: {  // SSH_MSG_KEX_ECDH_REPLY with an RSA host key and ssh-rsa signature (RFC 4253 6.6), then SSH_MSG_NEWKEYS
      m.dir = 1;
      w.raw(reinterpret_cast<const std::uint8_t*>("\0\0\0\0\0"), 5).u8(31);
      w.u32(4 + 7 + 4 + 3 + 4 + 257);
      ssh_string(w, "ssh-rsa");
      w.u32(3).u8(0x01).u8(0x00).u8(0x01);            // e = 65537
      w.u32(257).u8(0x00).u8(0xc1).random(rng_, 255);  // n: 2048 bits, positive mpint
      w.u32(32).random(rng_, 32);                       // Q_S
      w.u32(4 + 7 + 4 + 256);
      ssh_string(w, "ssh-rsa");
      w.u32(256).random(rng_, 256);
      ssh_finish_packet(w, 0, rng_);
      const std::size_t start = w.size();
      w.raw(reinterpret_cast<const std::uint8_t*>("\0\0\0\0\0"), 5).u8(21);
      ssh_finish_packet(w, start, rng_);
      return;
    }
    case 6:
      m.dir = 0;
      w.raw(reinterpret_cast<const std::uint8_t*>("\0\0\0\0\0"), 5).u8(21);
      ssh_finish_packet(w, 0, rng_);
      return;
    default:
      // Encrypted packets with encrypt-then-MAC (hmac-sha2-256-etm): the packet length stays in
      // the clear, then whole cipher blocks, then the 32-byte MAC.
      m.dir = static_cast<std::uint8_t>((step_ - 7) % 2);
      const std::uint32_t want = draw(m.dir == 0 ? spec_.pattern->request_bytes : spec_.pattern->response_bytes);
      const std::uint32_t blocks = want > 4 + 32 + 16 ? (want - 4 - 32) / 16 : 1;
      w.u32(blocks * 16);
      body(m, pools_.binary, blocks * 16 + 32);
      if (m.dir == 1) ++round_;
      return;
  }
}

// SMTP (RFC 5321): one message in a base64 body, dot-terminated.
void AppScript::smtp(Message& m) {
  static constexpr std::string_view kLines[] = {
      "220 mail.example.net ESMTP Postfix (Debian/GNU)\r\n",
      "EHLO client.example.org\r\n",
      "250-mail.example.net\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
      "MAIL FROM:<alice@example.org>\r\n",
      "250 2.1.0 Ok\r\n",
      "RCPT TO:<bob@example.net>\r\n",
      "250 2.1.5 Ok\r\n",
      "DATA\r\n",
      "354 End data with <CR><LF>.<CR><LF>\r\n",
      "",  // the message itself
      "250 2.0.0 Ok: queued as 4F1A2B3C4D\r\n",
      "QUIT\r\n",
      "221 2.0.0 Bye\r\n"};
  // Server lines are the even steps, client lines the odd ones.
  const auto dir = static_cast<std::uint8_t>(step_ % 2 == 0 ? 1 : 0);
  if (step_ != 9) {
    text(m, dir, kLines[step_]);
    return;
  }
  text(m, 0,
       "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: quarterly report\r\n"
       "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  body(m, pools_.text, draw(spec_.pattern->request_bytes));
  static constexpr std::string_view kEnd = "\r\n.\r\n";
  std::memcpy(m.tail.data(), kEnd.data(), kEnd.size());
  m.tail_len = static_cast<std::uint8_t>(kEnd.size());
}

// FTP control connection (RFC 959): login, a few commands, QUIT.
void AppScript::ftp(Message& m) {
  static constexpr std::string_view kLogin[] = {"220 (vsFTPd 3.0.3)\r\n",          "USER anonymous\r\n",
                                                "331 Please specify the password.\r\n", "PASS guest@example.org\r\n",
                                                "230 Login successful.\r\n",     "SYST\r\n",
                                                "215 UNIX Type: L8\r\n"};
  static constexpr std::string_view kCommands[][2] = {
      {"PWD\r\n", "257 \"/\" is the current directory\r\n"},
      {"TYPE I\r\n", "200 Switching to Binary mode.\r\n"},
      {"CWD pub\r\n", "250 Directory successfully changed.\r\n"},
      {"NOOP\r\n", "200 NOOP ok.\r\n"},
      {"FEAT\r\n", "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n"},
      {"MDTM README\r\n", "213 20231114221320\r\n"}};
  const std::uint32_t quit = 7 + 2 * (rounds_ - 1);
  if (step_ < 7) {
    text(m, static_cast<std::uint8_t>(step_ % 2 == 0 ? 1 : 0), kLogin[step_]);
  } else if (step_ < quit) {
    const auto k = (step_ - 7) / 2;
    const auto& cmd = kCommands[k % std::size(kCommands)];
    text(m, static_cast<std::uint8_t>((step_ - 7) % 2 == 0 ? 0 : 1), cmd[(step_ - 7) % 2]);
  } else {
    text(m, static_cast<std::uint8_t>(step_ == quit ? 0 : 1), step_ == quit ? "QUIT\r\n" : "221 Goodbye.\r\n");
  }
}

// ICMP echo (RFC 792 / RFC 4443): the reply carries the request's data back.
void AppScript::icmp(Message& m) {
  m.body_pool = &pools_.binary;
  if (step_ % 2 == 0) {
    m.dir = 0;
    body(m, pools_.binary, std::min(draw(spec_.pattern->request_bytes), max_payload_));
    last_request_body_ = m.body_start;
    last_request_len_ = m.body_len;
  } else {
    m.dir = 1;
    m.body_len = last_request_len_;
    m.body_start = last_request_body_;
    ++round_;
  }
}

void AppScript::random_packet(Message& m) {
  m.dir = round_ == 0 ? 0 : static_cast<std::uint8_t>(rng_.below(2));
  // A frame size from the histogram (L2 without FCS), less this flow's headers.
  double u = rng_.uniform();
  const SizeBin* bin = &config_.size_histogram.back();
  for (const auto& b : config_.size_histogram) {
    if (u < b.probability) {
      bin = &b;
      break;
    }
    u -= b.probability;
  }
  const auto frame = static_cast<std::uint32_t>(rng_.between(bin->lo, bin->hi));
  const std::uint32_t payload = frame > overhead_ ? frame - overhead_ : 1;
  opaque(m, m.dir, std::min(payload, max_payload_));
}

}  // namespace flowreplay
