// SPDX-License-Identifier: MIT
// NetFlow v9 over UDP: the encoder's packets on a connected datagram socket.
#include "flowreplay/core/errors.hpp"
#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/exporters/netflow_v9.hpp"
#include "flowreplay/net/udp_socket.hpp"

namespace flowreplay {

namespace {

constexpr std::size_t kMaxPacket = 1400;  // bytes: one datagram within a 1500-byte MTU

class NetflowV9Exporter : public FlowExporter {
 public:
  NetflowV9Exporter(const CollectorAddress& to, const ExportOptions& o)
      : to_(to), socket_(checked(to), o.multicast_ttl),
        encoder_(o.domain_id, kMaxPacket, o.template_every, [this](std::span<const std::uint8_t> packet, std::uint32_t records) {
          ++stats_.messages;
          if (socket_.send(packet)) {
            stats_.records_sent += records;
          } else {
            stats_.records_dropped += records;
          }
        }) {}

  void write(const FlowRecord& r) override { encoder_.add(r); }
  void flush() override { encoder_.flush(); }
  void finish() override { encoder_.flush(); }
  [[nodiscard]] std::uint32_t records_for(const FlowRecord& r) const override { return r.packets_rev > 0 ? 2 : 1; }
  [[nodiscard]] ExportStats stats() const override { return stats_; }
  [[nodiscard]] std::string describe() const override { return "NetFlow v9 to " + to_.to_string(); }

 private:
  static const CollectorAddress& checked(const CollectorAddress& to) {
    if (to.transport != CollectorAddress::Transport::kUdp) {
      throw UsageError("NetFlow v9 is exported over UDP only: " + to.to_string());
    }
    return to;
  }

  CollectorAddress to_;
  UdpSocket socket_;
  ExportStats stats_;
  NetflowV9Encoder encoder_;
};

}  // namespace

std::unique_ptr<FlowExporter> make_netflow_v9_exporter(const CollectorAddress& to, const ExportOptions& options) {
  return std::make_unique<NetflowV9Exporter>(to, options);
}

}  // namespace flowreplay
