// SPDX-License-Identifier: MIT
// A TCP listening socket on 127.0.0.1 with a port the kernel picks, for the tests and benchmarks
// that need a collector on loopback.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "flowreplay/net/collector.hpp"

namespace flowreplay::test_support {

class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
  }
  ~LoopbackListener() { ::close(fd_); }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  [[nodiscard]] CollectorAddress address() const {
    return {CollectorAddress::Transport::kTcp, "127.0.0.1", std::to_string(port_)};
  }
  // The next connection's socket, or -1 once stop() was called.
  int accept_one() { return ::accept(fd_, nullptr, nullptr); }
  // Wakes a thread blocked in accept_one().
  void stop() { ::shutdown(fd_, SHUT_RDWR); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace flowreplay::test_support
