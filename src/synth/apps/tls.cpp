// SPDX-License-Identifier: MIT
// The application dialogue of TLS 1.3.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

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

}  // namespace flowreplay
