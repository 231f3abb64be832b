// SPDX-License-Identifier: MIT
// The application dialogue of SSH.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

namespace {

constexpr std::string_view kSshBanner = "SSH-2.0-OpenSSH_7.4\r\n";
constexpr std::string_view kSshClientBanner = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n";

}  // namespace

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

}  // namespace flowreplay
