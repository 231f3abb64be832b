// SPDX-License-Identifier: MIT
// The application dialogue of ICMP echo.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

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

}  // namespace flowreplay
