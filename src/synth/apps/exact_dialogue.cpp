// SPDX-License-Identifier: MIT
// The application bytes of a profile record's flow (gen --profile): the dialogue its server port
// names, fitted to the record's exact per-direction payload.
#include <vector>

#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

namespace {

constexpr std::size_t kMaxTlsRecord = (1U << 14) + 256;  // TLSCiphertext.length limit (RFC 8446 5.2)
constexpr std::string_view kAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";

void alnum(HeadWriter& w, Rng& rng, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) w.str(kAlnum.substr(rng.below(kAlnum.size()), 1));
}

// HTTP/1.1 request of exactly `bytes`: a GET whose path absorbs the difference, or, above what a
// head should hold, a POST whose Content-Length body is the rest of the direction's bytes.
bool http_request(Message& m, std::uint64_t bytes, std::string_view host, Rng& rng) {
  constexpr std::string_view kAgent =
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\nAccept: */*\r\n";
  constexpr std::string_view kBody = "Content-Type: application/octet-stream\r\nContent-Length: ";
  auto head = [&](bool post, bool agent, std::size_t path, std::uint64_t length) {
    m.head_len = 0;
    HeadWriter w(m);
    w.str(post ? "POST /" : "GET /");
    alnum(w, rng, path);
    w.str(" HTTP/1.1\r\nHost: ").str(host).str("\r\n");
    if (agent) w.str(kAgent);
    if (post) w.str(kBody).num(length).str("\r\n");
    w.str("\r\n");
    return w.size();
  };
  // Fixed part of each form (a one-character path), then the path takes the rest.
  const std::size_t get_fixed = 5 + 1 + 17 + host.size() + 2 + 2;
  if (bytes < get_fixed) return false;
  if (bytes <= 560) {
    const bool agent = bytes >= get_fixed + kAgent.size();
    const std::size_t fixed = get_fixed + (agent ? kAgent.size() : 0);
    return head(false, agent, 1 + (bytes - fixed), 0) == bytes;
  }
  const std::size_t post_fixed = get_fixed + 1 + kAgent.size() + kBody.size() + 2;
  // POST /p HTTP/1.1 ... Content-Length: L, with fixed + path + digits(L) + L = bytes: L + digits(L)
  // skips one value at each power of ten, and a path one longer steps over it.
  for (std::size_t path = 1; path <= 3; ++path) {
    const std::uint64_t rest = bytes - post_fixed - (path - 1);
    for (int d = 1; d <= 20; ++d) {
      if (rest <= static_cast<std::uint64_t>(d)) break;
      const std::uint64_t length = rest - static_cast<std::uint64_t>(d);
      if (digits(length) != d) continue;
      const std::size_t h = head(true, true, path, length);
      return h + length == bytes;
    }
  }
  return false;
}

// HTTP/1.1 response of exactly `bytes`: a 200 with a Content-Length body; an ETag whose length
// (8 or 9 hex digits) steps over the power of ten that Content-Length's digits skip.
bool http_response(Message& m, std::uint64_t bytes, Rng& rng) {
  constexpr std::string_view kHead =
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: application/octet-stream\r\nETag: \"";
  constexpr std::string_view kLength = "\"\r\nContent-Length: ";
  for (std::size_t etag = 8; etag <= 9; ++etag) {
    const std::size_t fixed = kHead.size() + etag + kLength.size() + 4;
    if (bytes <= fixed) return false;
    const std::uint64_t rest = bytes - fixed;
    for (int d = 1; d <= 20; ++d) {
      if (rest < static_cast<std::uint64_t>(d)) break;
      const std::uint64_t length = rest - static_cast<std::uint64_t>(d);
      if (digits(length) != d) continue;
      m.head_len = 0;
      HeadWriter w(m);
      w.str(kHead);
      static constexpr char kHex[] = "0123456789abcdef";
      for (std::size_t i = 0; i < etag; ++i) w.str(std::string_view(&kHex[rng.below(16)], 1));
      w.str(kLength).num(length).str("\r\n\r\n");
      return w.size() + length == bytes;
    }
  }
  return false;
}

// TLS 1.3: the ClientHello (dir 0) or ServerHello and ChangeCipherSpec (dir 1), then one
// application_data record holding the rest of the direction's bytes, up to the record limit
// (bytes beyond it stay opaque). A ClientHello alone pads itself to the size (RFC 7685).
bool tls(Message& m, std::uint8_t dir, std::uint64_t bytes, std::string_view host, Rng& rng) {
  m.head_len = 0;
  HeadWriter w(m);
  auto put_len16 = [&](std::size_t at, std::size_t len) { wire::put16(w.at(at), static_cast<std::uint16_t>(len)); };
  std::size_t record = 0;
  std::size_t handshake = 0;
  auto open = [&](std::uint16_t version, std::uint8_t type) {
    record = w.size();
    w.u8(22).u16(version).u16(0);
    handshake = w.size();
    w.u8(type).u8(0).u16(0);
  };
  auto close = [&] {
    put_len16(handshake + 2, w.size() - handshake - 4);
    put_len16(record + 3, w.size() - record - 5);
  };
  if (dir == 0) {
    open(0x0301, 1);
    w.u16(0x0303).random(rng, 32).u8(32).random(rng, 32);
    static constexpr std::uint16_t kSuites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8};
    w.u16(sizeof kSuites);
    for (auto suite : kSuites) w.u16(suite);
    w.u8(1).u8(0);
    const std::size_t ext = w.size();
    w.u16(0);
    const auto n = static_cast<std::uint16_t>(host.size());
    w.u16(0).u16(n + 5).u16(n + 3).u8(0).u16(n).str(host);             // server_name
    w.u16(10).u16(8).u16(6).u16(0x001d).u16(0x0017).u16(0x0018);         // supported_groups
    w.u16(13).u16(10).u16(8).u16(0x0403).u16(0x0804).u16(0x0401).u16(0x0503);  // signature_algorithms
    w.u16(16).u16(14).u16(12).u8(2).str("h2").u8(8).str("http/1.1");     // ALPN
    w.u16(43).u16(5).u8(4).u16(0x0304).u16(0x0303);                      // supported_versions
    w.u16(51).u16(38).u16(36).u16(0x001d).u16(32).random(rng, 32);       // key_share: x25519
    const std::size_t hello = w.size();
    if (bytes >= hello + 4 && bytes <= Message::kMaxHead) {  // the hello alone, padded to the size
      w.u16(21).u16(static_cast<std::uint16_t>(bytes - hello - 4));
      w.zeros(bytes - hello - 4);
      put_len16(ext, w.size() - ext - 2);
      close();
      return w.size() == bytes;
    }
    put_len16(ext, w.size() - ext - 2);
    close();
  } else {
    open(0x0303, 2);
    w.u16(0x0303).random(rng, 32).u8(32).random(rng, 32).u16(0x1301).u8(0);
    w.u16(46).u16(43).u16(2).u16(0x0304).u16(51).u16(36).u16(0x001d).u16(32).random(rng, 32);
    close();
  }
  w.u8(20).u16(0x0303).u16(1).u8(1);  // ChangeCipherSpec
  if (bytes < w.size() + 5 + 17) return false;
  const std::uint64_t rest = bytes - w.size() - 5;
  w.u8(23).u16(0x0303).u16(static_cast<std::uint16_t>(std::min<std::uint64_t>(rest, kMaxTlsRecord)));
  return true;
}

// A DNS name of exactly `encoded` bytes on the wire (labels and the root), from the host name's
// words: the first label absorbs the difference, split at 63 characters.
bool dns_name(std::vector<std::uint8_t>& out, std::size_t encoded, std::string_view host, Rng& rng) {
  out.clear();
  // host "a.b.c": labels after the first are kept, the first is resized.
  const std::size_t dot = host.find('.');
  const std::string_view tail = dot == std::string_view::npos ? std::string_view{} : host.substr(dot + 1);
  const std::size_t tail_encoded = tail.empty() ? 1 : tail.size() + 2;  // "b.c" -> 1b1c0
  if (encoded < tail_encoded + 2 || encoded > 255) return false;
  std::size_t first = encoded - tail_encoded;  // length bytes + characters of the first label(s)
  while (first > 0) {
    const std::size_t chars = std::min<std::size_t>(first - 1, 63);
    if (chars == 0) return false;
    if (first - 1 - chars == 1) {  // one byte would be left: a label needs two
      out.push_back(static_cast<std::uint8_t>(chars - 1));
      for (std::size_t i = 0; i + 1 < chars; ++i) out.push_back(static_cast<std::uint8_t>(kAlnum[rng.below(26)]));
      first -= chars;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(chars));
    for (std::size_t i = 0; i < chars; ++i) out.push_back(static_cast<std::uint8_t>(kAlnum[rng.below(26)]));
    first -= chars + 1;
  }
  std::size_t start = 0;
  while (start < tail.size()) {
    std::size_t end = tail.find('.', start);
    if (end == std::string_view::npos) end = tail.size();
    out.push_back(static_cast<std::uint8_t>(end - start));
    for (std::size_t i = start; i < end; ++i) out.push_back(static_cast<std::uint8_t>(tail[i]));
    start = end + 1;
  }
  out.push_back(0);
  return out.size() == encoded;
}

// An EDNS(0) OPT record (RFC 6891) whose padding option (RFC 7830) makes it `size` bytes (>= 15).
void dns_padding(HeadWriter& w, std::size_t size) {
  w.u8(0).u16(41).u16(1232).u32(0).u16(static_cast<std::uint16_t>(size - 11));
  w.u16(12).u16(static_cast<std::uint16_t>(size - 15));
  w.zeros(size - 15);
}

}  // namespace

AppType exact_app(std::uint8_t l4, std::uint16_t server_port) {
  if (l4 == wire::kProtoTcp) {
    switch (server_port) {
      case 80:
      case 8000:
      case 8080:
        return AppType::kWeb;
      case 443:
      case 8443:
        return AppType::kTls;
      case 22:
        return AppType::kSsh;
      default:
        return AppType::kRandom;
    }
  }
  if (l4 == wire::kProtoUdp && server_port == 53) return AppType::kDns;
  return AppType::kRandom;
}

AppType exact_dialogue(AppType app, const std::uint64_t bytes[2], const std::uint64_t packets[2], Rng& rng, Message m[2]) {
  for (int d = 0; d < 2; ++d) m[d].head_len = 0;
  if (app == AppType::kRandom) return app;
  char name[48];
  const int n = std::snprintf(name, sizeof name, "www.%s%u.com", kWords[rng.below(std::size(kWords))],
                              static_cast<unsigned>(rng.below(100)));
  const std::string_view host(name, static_cast<std::size_t>(n));
  bool fitted[2] = {false, false};
  for (std::uint8_t d = 0; d < 2; ++d) {
    if (bytes[d] == 0) continue;
    switch (app) {
      case AppType::kWeb:
        fitted[d] = d == 0 ? http_request(m[d], bytes[d], host, rng) : http_response(m[d], bytes[d], rng);
        break;
      case AppType::kTls:
        fitted[d] = tls(m[d], d, bytes[d], host, rng);
        break;
      case AppType::kSsh: {
        constexpr std::string_view kBanner[2] = {"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
                                                 "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n"};
        fitted[d] = bytes[d] >= kBanner[d].size();
        if (fitted[d]) HeadWriter(m[d]).str(kBanner[d]);
        break;
      }
      default:
        break;
    }
    if (!fitted[d]) m[d].head_len = 0;
  }
  if (app == AppType::kDns && packets[0] == 1 && packets[1] <= 1 && bytes[0] >= 12 + 2 + 4 &&
      bytes[0] <= Message::kMaxHead && bytes[1] <= Message::kMaxHead) {
    // One query and at most one answer. The query's name takes the size (with an EDNS padding
    // record beyond the longest name); the response repeats the question, and A records and
    // an EDNS padding record make up its size.
    std::vector<std::uint8_t> qname;
    const std::uint64_t plain = bytes[0] - 16;
    const std::size_t encoded = plain <= 255 ? plain : 200;
    const std::size_t pad = plain <= 255 ? 0 : plain - 200;
    if ((pad == 0 || pad >= 15) && dns_name(qname, encoded, host, rng)) {
      const auto id = static_cast<std::uint16_t>(rng.next());
      HeadWriter q(m[0]);
      q.u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(pad > 0 ? 1 : 0).raw(qname.data(), qname.size()).u16(1).u16(1);
      if (pad > 0) dns_padding(q, pad);
      fitted[0] = q.size() == bytes[0];
      const std::uint64_t question = 12 + qname.size() + 4;
      if (fitted[0] && packets[1] == 1 && bytes[1] >= question) {
        std::uint64_t rest = bytes[1] - question;
        std::uint64_t answers = rest / 16;
        std::uint64_t opt = rest % 16;
        if (opt != 0 && opt < 15 && answers > 0) --answers, opt += 16;
        if (opt == 0 || opt >= 15) {
          HeadWriter r(m[1]);
          r.u16(id).u16(0x8180).u16(1).u16(static_cast<std::uint16_t>(answers)).u16(0).u16(opt > 0 ? 1 : 0);
          r.raw(qname.data(), qname.size()).u16(1).u16(1);
          for (std::uint64_t i = 0; i < answers; ++i) {
            // Addresses in public unicast blocks of large hosting networks.
            static constexpr std::uint8_t kFirst[] = {23, 34, 35, 52, 54, 104, 142, 151, 185};
            r.u16(0xc00c).u16(1).u16(1).u32(static_cast<std::uint32_t>(rng.between(60, 3600))).u16(4);
            r.u8(kFirst[rng.below(std::size(kFirst))]).random(rng, 3);
          }
          if (opt > 0) dns_padding(r, opt);
          fitted[1] = r.size() == bytes[1];
        }
      }
    }
    for (int d = 0; d < 2; ++d) {
      if (!fitted[d]) m[d].head_len = 0;
    }
  }
  return fitted[0] || fitted[1] ? app : AppType::kRandom;
}

}  // namespace flowreplay
