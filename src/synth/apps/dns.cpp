// SPDX-License-Identifier: MIT
// The application dialogue of DNS.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

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

}  // namespace flowreplay
