// SPDX-License-Identifier: MIT
// NetFlow version 9 (RFC 3954), encoded by flowreplay (libfixbuf speaks only IPFIX) from the
// templates of exporters/info_elements.cpp. Each
// record of a biflow goes out as one or two unidirectional records (forward, and reverse when it
// has packets), the way nfdump and most collectors expect them.
//
// Clock: v9 times are milliseconds since the exporter booted (sysUptime). flowreplay runs the
// header on a virtual clock taken from the flows themselves: boot is one day before the first
// flow's start, unix_secs is the end of the newest flow in the packet, and sysUptime =
// unix_secs * 1000 - boot, so FIRST/LAST_SWITCHED map back to the flows' exact milliseconds
// whenever the records are sent (docs/export.md, "Protocol details").
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "flowreplay/core/flow_record.hpp"

namespace flowreplay {

// Encodes records into export packets of at most max_bytes; hands each finished packet to `send`.
class NetflowV9Encoder {
 public:
  using Send = std::function<void(std::span<const std::uint8_t>, std::uint32_t records)>;

  NetflowV9Encoder(std::uint32_t source_id, std::size_t max_bytes, std::uint32_t template_every, Send send);

  void add(const FlowRecord& r);
  void flush();  // sends the packet under construction, if any
  [[nodiscard]] std::uint64_t packets() const { return packets_; }
  [[nodiscard]] std::uint64_t records() const { return records_; }

 private:
  void add_one(const FlowRecord& r, bool reverse);
  void begin_packet();
  void close_set();
  void put_templates();

  std::uint32_t source_id_;
  std::size_t max_bytes_;
  std::uint32_t template_every_;  // resend templates every this many packets
  Send send_;
  std::vector<std::uint8_t> buf_;
  std::size_t set_start_ = 0;     // offset of the open FlowSet, 0 when none
  std::uint16_t set_id_ = 0;
  std::uint16_t count_ = 0;       // records of every kind in this packet (RFC 3954 "count")
  std::uint32_t data_records_ = 0;
  std::uint32_t sequence_ = 0;
  std::uint64_t packets_ = 0;
  std::uint64_t records_ = 0;
  bool booted_ = false;
  std::int64_t boot_ms_ = 0;
  std::int64_t newest_ms_ = 0;
};

}  // namespace flowreplay
