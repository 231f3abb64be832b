// SPDX-License-Identifier: MIT
// The application dialogue of FTP.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

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

}  // namespace flowreplay
