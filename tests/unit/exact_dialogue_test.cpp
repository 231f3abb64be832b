// SPDX-License-Identifier: MIT
// exact_dialogue: for every size in a sweep, the head either stays empty (the size does not allow
// the protocol) or declares exactly the direction's bytes, read back here with the protocols'
// own framing: HTTP/1.1 head and Content-Length (RFC 9112), TLS record lengths (RFC 8446 5.1),
// DNS header counts and record layouts (RFC 1035 4.1, RFC 6891 6.1.2, RFC 7830).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/rng.hpp"
#include "flowreplay/synth/apps/app_script.hpp"

namespace flowreplay {
namespace {

struct Fitted {
  AppType app;
  Message m[2];
};

Fitted fit(AppType app, std::uint64_t fwd, std::uint64_t rev, std::uint64_t fwd_packets = 5, std::uint64_t rev_packets = 5,
           std::uint64_t seed = 1) {
  Fitted f{};
  Rng rng(seed);
  const std::uint64_t bytes[2] = {fwd, rev};
  const std::uint64_t packets[2] = {fwd_packets, rev_packets};
  f.app = exact_dialogue(app, bytes, packets, rng, f.m);
  return f;
}

std::string_view head(const Message& m) { return {reinterpret_cast<const char*>(m.head.data()), m.head_len}; }
unsigned be16(const Message& m, std::size_t at) { return static_cast<unsigned>(m.head[at] << 8 | m.head[at + 1]); }

// The bytes an HTTP message declares: its head up to the blank line plus Content-Length.
std::uint64_t http_declared(std::string_view h) {
  const auto end = h.find("\r\n\r\n");
  if (end == std::string_view::npos) return 0;
  std::uint64_t length = 0;
  const auto at = h.find("Content-Length: ");
  if (at != std::string_view::npos && at < end) length = std::stoull(std::string(h.substr(at + 16, end - at - 16)));
  return end + 4 + length;
}

TEST(ExactDialogue, PortsNameTheApplication) {
  EXPECT_EQ(exact_app(6, 80), AppType::kWeb);
  EXPECT_EQ(exact_app(6, 8080), AppType::kWeb);
  EXPECT_EQ(exact_app(6, 443), AppType::kTls);
  EXPECT_EQ(exact_app(6, 22), AppType::kSsh);
  EXPECT_EQ(exact_app(17, 53), AppType::kDns);
  EXPECT_EQ(exact_app(6, 53), AppType::kRandom);  // DNS over TCP has a length prefix: not written
  EXPECT_EQ(exact_app(17, 443), AppType::kRandom);
  EXPECT_EQ(exact_app(6, 9000), AppType::kRandom);
}

TEST(ExactDialogue, HttpDeclaresExactlyEachDirectionsBytes) {
  int fitted = 0;
  for (std::uint64_t bytes = 0; bytes < 120000; bytes += bytes < 2000 ? 1 : 997) {
    const Fitted f = fit(AppType::kWeb, bytes, bytes, 5, 5, bytes);
    for (int d = 0; d < 2; ++d) {
      const std::string_view h = head(f.m[d]);
      if (h.empty()) {
        EXPECT_LT(bytes, 180U) << "only sizes below a minimal message stay opaque; dir " << d;
        continue;
      }
      ++fitted;
      EXPECT_EQ(http_declared(h), bytes) << "dir " << d << ": " << h;
      EXPECT_LE(h.size(), bytes);
      EXPECT_TRUE(h.starts_with(d == 0 ? (bytes <= 560 ? "GET /" : "POST /") : "HTTP/1.1 200 OK\r\n")) << h;
      if (d == 0 && bytes <= 560) {
        EXPECT_EQ(h.size(), bytes) << "a GET is all head";
      }
    }
  }
  EXPECT_GT(fitted, 3000);
  EXPECT_EQ(fit(AppType::kWeb, 10, 10).app, AppType::kRandom);
}

TEST(ExactDialogue, TlsRecordsAddUpToTheDirectionsBytes) {
  for (std::uint64_t bytes = 0; bytes < 40000; bytes += bytes < 1000 ? 1 : 499) {
    const Fitted f = fit(AppType::kTls, bytes, bytes, 5, 5, bytes);
    for (int d = 0; d < 2; ++d) {
      const Message& m = f.m[d];
      if (m.head_len == 0) continue;
      // Walk the records of the head: handshake, change_cipher_spec, then application_data whose
      // fragment runs past the head into the opaque bytes.
      std::size_t at = 0;
      std::uint64_t declared = 0;
      std::vector<unsigned> types;
      while (at + 5 <= m.head_len) {
        types.push_back(m.head[at]);
        const unsigned len = be16(m, at + 3);
        declared = at + 5 + len;
        at += 5 + len;
      }
      ASSERT_FALSE(types.empty());
      EXPECT_EQ(types[0], 22U);
      EXPECT_EQ(m.head[5], d == 0 ? 1 : 2) << "ClientHello / ServerHello";
      if (types.size() == 1) {  // a padded ClientHello alone
        EXPECT_EQ(d, 0);
        EXPECT_EQ(declared, bytes);
        EXPECT_EQ(m.head_len, bytes);
      } else {
        EXPECT_EQ(types, (std::vector<unsigned>{22, 20, 23}));
        EXPECT_EQ(declared, std::min<std::uint64_t>(bytes, m.head_len + (1U << 14) + 256));
      }
    }
  }
  // A ClientHello fits from about 200 bytes: below, the direction stays opaque.
  EXPECT_EQ(fit(AppType::kTls, 100, 0).app, AppType::kRandom);
}

TEST(ExactDialogue, DnsQueryAndAnswerAreTheDatagrams) {
  int fitted = 0;
  for (std::uint64_t q = 0; q <= 320; ++q) {
    for (std::uint64_t r = 0; r <= 700; r += 7) {
      const Fitted f = fit(AppType::kDns, q, r, 1, 1, q * 1000 + r);
      const Message& query = f.m[0];
      const Message& answer = f.m[1];
      if (query.head_len == 0) {
        EXPECT_EQ(answer.head_len, 0U) << "no answer without its query";
        EXPECT_LT(q, 33U) << "a query of any size from a short name up fits";
        continue;
      }
      ++fitted;
      EXPECT_EQ(query.head_len, q);
      EXPECT_EQ(be16(query, 2), 0x0100U);
      EXPECT_EQ(be16(query, 4), 1U);  // QDCOUNT
      if (answer.head_len == 0) continue;
      EXPECT_EQ(answer.head_len, r);
      EXPECT_EQ(be16(answer, 0), be16(query, 0)) << "the answer carries the query's id";
      EXPECT_EQ(be16(answer, 2), 0x8180U);
      // Question echoed byte for byte, then ANCOUNT A records of 16 bytes and ARCOUNT OPT.
      std::size_t name = 12;
      while (query.head[name] != 0) name += 1 + query.head[name];
      const std::size_t qend = name + 1 + 4;
      EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(answer.head.data()) + 12, qend - 12),
                std::string_view(reinterpret_cast<const char*>(query.head.data()) + 12, qend - 12));
      const std::size_t answers = be16(answer, 6);
      std::size_t at = qend + answers * 16;
      if (be16(answer, 10) == 1) {
        EXPECT_EQ(answer.head[at], 0);
        EXPECT_EQ(be16(answer, at + 1), 41U);  // OPT
        at += 11 + be16(answer, at + 9);
      }
      EXPECT_EQ(at, r);
    }
  }
  EXPECT_GT(fitted, 1000);
  EXPECT_EQ(fit(AppType::kDns, 60, 120, 2, 1).app, AppType::kRandom) << "two queries in one record: opaque";
}

TEST(ExactDialogue, SshBannersWhenTheyFit) {
  const Fitted f = fit(AppType::kSsh, 2000, 30);
  EXPECT_TRUE(head(f.m[0]).starts_with("SSH-2.0-"));
  EXPECT_TRUE(head(f.m[0]).ends_with("\r\n"));
  EXPECT_EQ(f.m[1].head_len, 0U) << "30 bytes hold no banner";
  EXPECT_EQ(f.app, AppType::kSsh);
}

}  // namespace
}  // namespace flowreplay
