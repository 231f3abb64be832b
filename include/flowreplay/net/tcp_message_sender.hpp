// SPDX-License-Identifier: MIT
// A TCP connection that sends whole messages (IPFIX over TCP, RFC 7011 section 10.4) and knows
// which of them the collector has received. IPFIX has no acknowledgements of its own, so the
// sender asks the kernel: a message counts as delivered once the collector's TCP acknowledged its
// last byte (Linux tcp_info.tcpi_bytes_acked). A collector that closed its end after reading
// everything it was sent (a FIN first) has read exactly the acknowledged messages; one that was
// killed with unread bytes in its socket buffer resets the connection instead, and those
// acknowledged-but-unread bytes are lost in a way no sender can see. closed_by() says which.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>

#include "flowreplay/net/collector.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

class TcpMessageSender {
 public:
  struct Options {
    Duration connect_timeout = 5 * kNanosPerSecond;
    // Unacknowledged data older than this drops the connection (TCP_USER_TIMEOUT), and finish()
    // waits at most this long for the last acknowledgement.
    Duration ack_timeout = 20 * kNanosPerSecond;
  };

  // How the connection ended, as far as the sender can tell.
  enum class Closed {
    kNo,
    kByPeer,   // the collector closed its end (FIN): it read every acknowledged byte
    kReset,    // the collector reset the connection (killed with unread data, or aborted)
    kTimeout,  // data stayed unacknowledged for ack_timeout
    kError,    // any other socket error
  };

  // Connects, waiting at most connect_timeout. Throws IoError (refused, unreachable, timeout).
  TcpMessageSender(const CollectorAddress& to, Options options);
  ~TcpMessageSender();
  TcpMessageSender(const TcpMessageSender&) = delete;
  TcpMessageSender& operator=(const TcpMessageSender&) = delete;

  // Sends one message holding `records` records; blocks while the socket's buffer is full.
  // Returns false, sending nothing, once the connection is gone (see closed_by() and reason()).
  bool send(std::span<const std::uint8_t> message, std::uint32_t records);

  // Half-closes the connection and waits until the collector has acknowledged every byte.
  // Returns false when it did not within ack_timeout or the connection broke.
  bool finish();

  // Drops, from the front of the queue, the messages the collector has acknowledged since the
  // last call, and returns how many records they held. Also learns of a peer's close.
  std::uint64_t take_acknowledged();
  // Messages sent and not (yet) acknowledged, oldest first: what a new connection must resend.
  [[nodiscard]] std::uint64_t unacknowledged_records() const { return queued_records_; }
  [[nodiscard]] std::uint64_t acknowledged_messages() const { return acked_messages_; }

  [[nodiscard]] Closed closed_by() const { return closed_; }
  [[nodiscard]] const std::string& reason() const { return reason_; }

 private:
  struct Sent {
    std::uint64_t end;  // stream offset just past the message's last byte
    std::uint32_t records;
  };
  void note_closed(Closed how, int err);
  void classify(int err);  // a socket error to how the connection ended
  bool refresh();          // reads tcp_info: acknowledged bytes and the connection state

  std::string name_;
  Options options_;
  int fd_ = -1;
  std::uint64_t written_ = 0;  // bytes handed to the socket
  std::uint64_t acked_ = 0;    // bytes the collector's TCP acknowledged
  std::uint64_t acked_raw_ = 0;  // tcpi_bytes_acked as the kernel counts it
  std::uint64_t baseline_ = 0;   // tcpi_bytes_acked right after the handshake
  bool shut_down_ = false;       // finish() sent our FIN
  std::deque<Sent> queue_;
  std::uint64_t queued_records_ = 0;
  std::uint64_t acked_messages_ = 0;
  Closed closed_ = Closed::kNo;
  std::string reason_;
};

}  // namespace flowreplay
