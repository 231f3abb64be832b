// SPDX-License-Identifier: MIT
// The application side of a synthesized flow: the sequence of messages each end sends, with
// protocol text where the pattern has a protocol (HTTP/1.1, TLS 1.3, DNS, SSH, SMTP, FTP,
// PostgreSQL, MySQL, MongoDB) so that DPI recognizes it, and pooled random bytes elsewhere. The
// transport (flow_planner) cuts messages into segments or datagrams and times them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "flowreplay/synth/flow_spec.hpp"
#include "flowreplay/synth/payload_pool.hpp"
#include "flowreplay/core/rng.hpp"

namespace flowreplay {

struct PayloadPools {
  PayloadPool binary;
  PayloadPool text;
  explicit PayloadPools(std::uint64_t seed);
};

// One application message: head bytes, then `body_len` bytes from a pool, then tail bytes.
struct Message {
  static constexpr std::size_t kMaxHead = 768;
  static constexpr std::size_t kMaxTail = 24;

  std::uint8_t dir = 0;  // 0 client -> server, 1 server -> client
  std::uint16_t head_len = 0;
  std::uint8_t tail_len = 0;
  std::uint32_t body_len = 0;
  const PayloadPool* body_pool = nullptr;
  std::uint32_t body_start = 0;  // pool position of the first body byte
  // Only the first head_len and tail_len bytes are meaningful (left uninitialized otherwise, so
  // that messages allocated for overwriting cost no clearing).
  std::array<std::uint8_t, kMaxHead> head;
  std::array<std::uint8_t, kMaxTail> tail;

  [[nodiscard]] std::uint32_t length() const { return head_len + body_len + tail_len; }
};

// gen --profile: the application a record's flow speaks, by its server port: HTTP on 80, 8000
// and 8080, TLS on 443 and 8443, SSH on 22 (TCP), DNS on 53 (UDP); kRandom (opaque bytes)
// elsewhere.
AppType exact_app(std::uint8_t l4, std::uint16_t server_port);

// Fills m[0] (client -> server) and m[1] with the heads of `app`'s dialogue for a flow that
// carries exactly bytes[d] payload bytes in packets[d] packets each way: the head's length is
// what the dialogue declares (an HTTP Content-Length, a TLS record length) so that the head plus
// opaque bytes up to bytes[d] read as the protocol. A direction the sizes do not allow gets
// head_len 0 (opaque). Returns `app`, or kRandom when neither direction could speak it.
AppType exact_dialogue(AppType app, const std::uint64_t bytes[2], const std::uint64_t packets[2], Rng& rng, Message m[2]);

class AppScript {
 public:
  // data_overhead: L2 + L3 + L4 header bytes of a data packet of this flow, to turn the size
  // histogram's frame sizes into payload sizes. max_payload: the most payload one packet carries.
  AppScript(const FlowSpec& spec, const GenConfig& config, const PayloadPools& pools, Rng& rng,
            std::uint32_t data_overhead, std::uint32_t max_payload);

  // Fills the next message; false once the conversation is over.
  bool next(Message& m);

 private:
  void web(Message& m);
  void tls(Message& m);
  void database(Message& m);
  void postgres(Message& m);
  void mongodb(Message& m);
  void mysql(Message& m);
  void dns(Message& m);
  void ssh(Message& m);
  void smtp(Message& m);
  void ftp(Message& m);
  void icmp(Message& m);
  void opaque(Message& m, std::uint8_t dir, std::int64_t len);
  void random_packet(Message& m);

  void text(Message& m, std::uint8_t dir, std::string_view s);
  void body(Message& m, const PayloadPool& pool, std::uint32_t len);
  std::uint32_t draw(const IntRange& r) { return static_cast<std::uint32_t>(rng_.between(r.lo, r.hi)); }

  const FlowSpec& spec_;
  const GenConfig& config_;
  const PayloadPools& pools_;
  Rng& rng_;
  std::uint32_t overhead_;
  std::uint32_t max_payload_;
  std::uint32_t rounds_ = 0;  // request/response rounds (random: packets)
  std::uint32_t step_ = 0;
  std::uint32_t round_ = 0;
  std::uint16_t dns_id_ = 0;
  std::uint16_t dns_qtype_ = 1;
  std::uint32_t last_request_body_ = 0;  // ICMP: the reply echoes the request's data
  std::uint32_t last_request_len_ = 0;
  std::array<std::uint8_t, 32> tls_session_{};  // legacy_session_id, echoed by the server
  std::array<char, 48> name_{};          // DNS / HTTP host name / TLS server name of this flow
  std::uint8_t name_len_ = 0;
};

}  // namespace flowreplay
