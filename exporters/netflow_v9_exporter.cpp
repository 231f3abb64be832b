// SPDX-License-Identifier: MIT
// NetFlow v9 over UDP: the encoder's packets on a connected datagram socket.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "flowreplay/errors.hpp"
#include "flowreplay/flow_exporter.hpp"
#include "flowreplay/netflow_v9.hpp"
#include "flowreplay/pacer.hpp"

namespace flowreplay {

namespace {

// A UDP socket connected to the collector; a send error (ICMP port unreachable comes back as
// ECONNREFUSED on the next send) is counted, never fatal: UDP export is fire-and-forget.
class UdpSocket {
 public:
  explicit UdpSocket(const CollectorAddress& to) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    const int rc = getaddrinfo(to.host.c_str(), to.port.c_str(), &hints, &res);
    if (rc != 0) throw IoError(to.to_string(), std::string("cannot resolve: ") + gai_strerror(rc), 0);
    fd_ = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int err = errno;
    if (fd_ < 0 || connect(fd_, res->ai_addr, res->ai_addrlen) != 0) {
      const int e = fd_ < 0 ? err : errno;
      freeaddrinfo(res);
      throw IoError(to.to_string(), "cannot open a UDP socket", e);
    }
    freeaddrinfo(res);
    const int buf = 4 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  }
  ~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  bool send(std::span<const std::uint8_t> data) {
    for (;;) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), 0);
      if (n == static_cast<ssize_t>(data.size())) return true;
      if (n < 0 && errno == EINTR) continue;
      last_errno_ = n < 0 ? errno : EMSGSIZE;
      return false;
    }
  }
  [[nodiscard]] int last_errno() const { return last_errno_; }

 private:
  int fd_ = -1;
  int last_errno_ = 0;
};

class NetflowV9Exporter : public FlowExporter {
 public:
  NetflowV9Exporter(const CollectorAddress& to, const ExportOptions& o)
      : to_(to), options_(o), socket_(to), pacer_(clock_, o.realtime ? o.multiplier : 1.0),
        encoder_(o.domain_id, 1400, o.template_every, [this](std::span<const std::uint8_t> packet, std::uint32_t records) {
          if (options_.rate > 0) {  // each packet leaves when its first record is due
            pacer_.wait(static_cast<Timestamp>(static_cast<double>(stats_.records_sent + stats_.records_dropped) *
                                               1e9 / options_.rate));
          }
          ++stats_.messages;
          if (socket_.send(packet)) {
            stats_.records_sent += records;
          } else {
            stats_.records_dropped += records;
          }
        }) {
    if (to.transport != CollectorAddress::Transport::kUdp) {
      throw UsageError("NetFlow v9 is exported over UDP only: " + to.to_string());
    }
  }

  void write(const FlowRecord& r) override {
    if (options_.realtime) {  // leave when the flow ended, in trace time; whatever is queued goes first
      encoder_.flush();
      pacer_.wait(r.end);
    }
    encoder_.add(r);
  }
  void finish() override { encoder_.flush(); }
  [[nodiscard]] ExportStats stats() const override { return stats_; }
  [[nodiscard]] std::string describe() const override { return "NetFlow v9 to " + to_.to_string(); }

 private:
  CollectorAddress to_;
  ExportOptions options_;
  UdpSocket socket_;
  MonotonicClock clock_;
  Pacer pacer_;
  ExportStats stats_;
  NetflowV9Encoder encoder_;
};

}  // namespace

std::unique_ptr<FlowExporter> make_netflow_v9_exporter(const CollectorAddress& to, const ExportOptions& options) {
  return std::make_unique<NetflowV9Exporter>(to, options);
}

}  // namespace flowreplay
