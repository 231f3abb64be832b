// SPDX-License-Identifier: MIT
// The application dialogue of SMTP.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

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

}  // namespace flowreplay
