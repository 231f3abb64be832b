// SPDX-License-Identifier: MIT
// The application dialogue of HTTP/1.1.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

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

}  // namespace flowreplay
