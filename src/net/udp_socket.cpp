// SPDX-License-Identifier: MIT
#include "flowreplay/net/udp_socket.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

UdpSocket::UdpSocket(const CollectorAddress& to, int multicast_ttl) {
  const addrinfo hints = to.hints(SOCK_DGRAM);
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(to.host.c_str(), to.port.c_str(), &hints, &res);
  if (rc != 0) throw IoError(to.to_string(), std::string("cannot resolve: ") + gai_strerror(rc), 0);
  fd_ = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int err = errno;
  if (fd_ < 0 || connect(fd_, res->ai_addr, res->ai_addrlen) != 0) {
    const int e = fd_ < 0 ? err : errno;
    freeaddrinfo(res);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw IoError(to.to_string(), "cannot open a UDP socket", e);
  }
  if (multicast_ttl > 0) {  // how far a multicast export may travel: asked for, never assumed
    const bool v6 = res != nullptr && res->ai_family == AF_INET6;
    const int rc2 = v6 ? setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &multicast_ttl, sizeof multicast_ttl)
                       : setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_TTL, &multicast_ttl, sizeof multicast_ttl);
    if (rc2 != 0) {
      const int e = errno;
      freeaddrinfo(res);
      throw IoError(to.to_string(), "cannot set the multicast TTL", e);
    }
  }
  freeaddrinfo(res);
  constexpr int kSendBuffer = 4 << 20;  // bytes: room for bursts at the default 100 000 records/s
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &kSendBuffer, sizeof kSendBuffer);
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool UdpSocket::send(std::span<const std::uint8_t> data) {
  for (;;) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), 0);
    if (n == static_cast<ssize_t>(data.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    last_errno_ = n < 0 ? errno : EMSGSIZE;
    return false;
  }
}

}  // namespace flowreplay
