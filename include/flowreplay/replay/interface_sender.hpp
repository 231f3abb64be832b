// SPDX-License-Identifier: MIT
// Frames onto a network interface. A sender is a PacketSink: frames are built (or copied) into
// its queue with reserve/commit and leave in batches, when the batch is full or at flush(). The
// kinds: AF_PACKET (a raw socket bound to the interface, PACKET_QDISC_BYPASS, sendmmsg batches),
// AF_PACKET with a PACKET_TX_RING (frames written into a ring shared with the kernel, one call
// per batch), AF_XDP (libxdp: frames copied into a UMEM and handed over on a TX ring, zero-copy
// where the driver has it, copy mode otherwise), and libpcap's pcap_inject (the portable
// fallback). docs/replay.md compares them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/packet_sink.hpp"

namespace flowreplay {

struct InterfaceInfo {
  std::string name;
  unsigned index = 0;
  std::uint32_t mtu = 1500;
  bool up = false;
  bool loopback = false;
  int hardware_type = 0;  // ARPHRD_*: 1 Ethernet, 772 loopback
};

// Looks the interface up; UsageError naming the interfaces there are when it does not exist.
InterfaceInfo interface_info(const std::string& name);

enum class SenderKind : std::uint8_t { kAuto, kAfPacket, kTxRing, kAfXdp, kPcap };
[[nodiscard]] std::optional<SenderKind> sender_kind_from_name(std::string_view name);
[[nodiscard]] const char* sender_name(SenderKind kind);

class InterfaceSender : public PacketSink {
 public:
  // Frames queued before they leave: `batch` of them at most (1 sends each at its commit).
  explicit InterfaceSender(std::size_t batch);
  std::uint8_t* reserve(std::size_t max_len) override;
  void commit(Timestamp ts, std::size_t len) override;
  void finish() override { flush(); }
  [[nodiscard]] std::uint64_t bytes_written() const override { return bytes_; }

  // Sends what is queued.
  void flush();
  void set_batch(std::size_t batch) { batch_ = batch == 0 ? 1 : batch; }
  [[nodiscard]] std::uint64_t packets_sent() const { return packets_; }
  [[nodiscard]] std::uint64_t send_errors() const { return errors_; }
  // The last send error (errno), 0 while there was none.
  [[nodiscard]] int last_error() const { return last_error_; }
  [[nodiscard]] virtual SenderKind kind() const = 0;
  // For summaries: "af_packet sender", "af_xdp sender, copy mode", ...
  [[nodiscard]] virtual std::string description() const;

 protected:
  struct Frame {
    const std::uint8_t* data;
    std::size_t len;
  };
  // Sends the frames in order, reporting each with sent() or, when it cannot leave, failed().
  virtual void send(std::span<const Frame> frames) = 0;
  void sent(std::size_t frames, std::uint64_t bytes) { packets_ += frames, bytes_ += bytes; }
  void failed(int err) { ++errors_, last_error_ = err; }

 private:
  std::vector<std::uint8_t> arena_;
  std::vector<Frame> queued_;
  std::size_t used_ = 0;
  std::size_t batch_;
  std::uint64_t packets_ = 0, bytes_ = 0, errors_ = 0;
  int last_error_ = 0;
};

// Opens a sender on the interface: kAuto is AF_XDP where the driver has zero-copy, else AF_PACKET,
// else pcap_inject (where raw sockets are not available). IoError when the interface cannot be opened for sending (no CAP_NET_RAW: the message
// says how to grant it), or is down.
std::unique_ptr<InterfaceSender> open_sender(SenderKind kind, const InterfaceInfo& interface, std::size_t batch);

}  // namespace flowreplay
