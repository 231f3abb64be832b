// SPDX-License-Identifier: MIT
#include "flowreplay/net/tcp_message_sender.hpp"

#include <fcntl.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_acked (Linux 4.1+); not <netinet/tcp.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

namespace {

// Linux TCP states as tcp_info.tcpi_state reports them (include/net/tcp_states.h).
constexpr std::uint8_t kStateClose = 7;
constexpr std::uint8_t kStateCloseWait = 8;

int poll_ms(Duration d) { return static_cast<int>((d + kNanosPerMilli - 1) / kNanosPerMilli); }

// Opens a non-blocking socket to one address and waits for the handshake; -1 with errno set.
int connect_one(const addrinfo* a, Duration timeout) {
  const int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int err = 0;
  if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      err = errno;
    } else {
      pollfd p{fd, POLLOUT, 0};
      int rc;
      while ((rc = poll(&p, 1, poll_ms(timeout))) < 0 && errno == EINTR) {
      }
      socklen_t len = sizeof err;
      if (rc == 0) {
        err = ETIMEDOUT;
      } else if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
      }
    }
  }
  if (err == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) err = errno;
  if (err != 0) {
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

}  // namespace

TcpMessageSender::TcpMessageSender(const CollectorAddress& to, Options options)
    : name_(to.to_string()), options_(options) {
  const addrinfo hints = to.hints(SOCK_STREAM);
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(to.host.c_str(), to.port.c_str(), &hints, &res);
  if (rc != 0) throw IoError(name_, std::string("cannot resolve: ") + gai_strerror(rc), 0);
  int err = 0;
  for (const addrinfo* a = res; a != nullptr && fd_ < 0; a = a->ai_next) {
    fd_ = connect_one(a, options_.connect_timeout);
    if (fd_ < 0) err = errno;
  }
  freeaddrinfo(res);
  if (fd_ < 0) throw IoError(name_, "cannot connect", err);
  // Whole messages go out at once, so Nagle would only add delay; and data the collector leaves
  // unacknowledged for ack_timeout ends the connection instead of blocking forever.
  const int one = 1;
  const unsigned int user_timeout = static_cast<unsigned int>(options_.ack_timeout / kNanosPerMilli);
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd_, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
  refresh();
  baseline_ = acked_raw_;  // whatever the handshake itself counted
}

TcpMessageSender::~TcpMessageSender() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpMessageSender::note_closed(Closed how, int err) {
  if (closed_ != Closed::kNo) return;
  closed_ = how;
  switch (how) {
    case Closed::kByPeer:
      reason_ = "the collector closed the connection";
      break;
    case Closed::kReset:
      reason_ = "the collector reset the connection (records its TCP acknowledged but it had not read are lost "
                "with it)";
      break;
    case Closed::kTimeout:
      reason_ = "the collector acknowledged nothing for " + format_seconds(options_.ack_timeout);
      break;
    case Closed::kError:
    case Closed::kNo:
      reason_ = "connection failed";
      break;
  }
  if (err != 0) reason_ += std::string(" (") + std::strerror(err) + ")";
}

bool TcpMessageSender::refresh() {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) {
    note_closed(Closed::kError, errno);
    return false;
  }
  acked_raw_ = info.tcpi_bytes_acked;
  const std::uint64_t acked = acked_raw_ > baseline_ ? acked_raw_ - baseline_ : 0;
  acked_ = acked < written_ ? acked : written_;  // a FIN's sequence number is not data
  if (info.tcpi_state == kStateCloseWait && !shut_down_) {
    note_closed(Closed::kByPeer, 0);
  } else if (info.tcpi_state == kStateClose) {
    int err = 0;
    socklen_t elen = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &elen);
    classify(err);
    if (!shut_down_ && closed_ == Closed::kNo) note_closed(Closed::kError, 0);
  }
  return closed_ == Closed::kNo;
}

// The kernel reports a reset that followed the peer's FIN as EPIPE (the collector had closed
// normally and only refused what came after), and a reset out of the blue as ECONNRESET.
void TcpMessageSender::classify(int err) {
  switch (err) {
    case 0:
      return;
    case EPIPE:
      note_closed(Closed::kByPeer, 0);
      return;
    case ECONNRESET:
      note_closed(Closed::kReset, 0);
      return;
    case ETIMEDOUT:
      note_closed(Closed::kTimeout, 0);
      return;
    default:
      note_closed(Closed::kError, err);
  }
}

bool TcpMessageSender::send(std::span<const std::uint8_t> message, std::uint32_t records) {
  if (closed_ != Closed::kNo || !refresh()) return false;  // nothing more into a closed connection
  queue_.push_back({written_ + message.size(), records});
  queued_records_ += records;
  std::size_t off = 0;
  while (off < message.size()) {
    const ssize_t n = ::send(fd_, message.data() + off, message.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      classify(errno);
      refresh();  // the last acknowledgement before the failure
      return false;
    }
    off += static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
  return true;
}

std::uint64_t TcpMessageSender::take_acknowledged() {
  refresh();
  std::uint64_t records = 0;
  while (!queue_.empty() && queue_.front().end <= acked_) {
    records += queue_.front().records;
    queue_.pop_front();
    ++acked_messages_;
  }
  queued_records_ -= records;
  return records;
}

bool TcpMessageSender::finish() {
  refresh();
  if (closed_ != Closed::kNo) return closed_ == Closed::kByPeer && acked_ >= written_;
  shut_down_ = true;
  if (shutdown(fd_, SHUT_WR) != 0) {
    classify(errno);
    return false;
  }
  struct timespec start {};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    refresh();
    if (acked_ >= written_) return true;
    if (closed_ != Closed::kNo) return false;
    struct timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const Duration waited = (now.tv_sec - start.tv_sec) * kNanosPerSecond + (now.tv_nsec - start.tv_nsec);
    if (waited > options_.ack_timeout) {
      note_closed(Closed::kTimeout, 0);
      return false;
    }
    pollfd p{fd_, 0, 0};
    poll(&p, 1, 1);  // 1 ms between looks; acknowledgements raise no event
  }
}

}  // namespace flowreplay
