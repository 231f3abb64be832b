// SPDX-License-Identifier: MIT
#include "flowreplay/netflow_v9.hpp"

#include <algorithm>

#include "flowreplay/wire.hpp"

namespace flowreplay {

namespace {

// RFC 3954 section 8 field types, in record order, with their lengths.
struct Field {
  std::uint16_t type;
  std::uint16_t length;
};
constexpr Field kFieldsV4[] = {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {2, 8}, {1, 8}, {22, 4}, {21, 4}, {58, 2}, {60, 1}, {32, 2}};
constexpr Field kFieldsV6[] = {{27, 16}, {28, 16}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {2, 8}, {1, 8}, {22, 4}, {21, 4}, {58, 2}, {60, 1}, {32, 2}};
constexpr std::size_t kHeader = 20;
constexpr std::size_t kRecordV4 = 43;
constexpr std::size_t kRecordV6 = 67;
constexpr std::int64_t kDayMs = 86'400'000;

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
void put64(std::vector<std::uint8_t>& b, std::uint64_t v) {
  put32(b, static_cast<std::uint32_t>(v >> 32));
  put32(b, static_cast<std::uint32_t>(v));
}

}  // namespace

NetflowV9Encoder::NetflowV9Encoder(std::uint32_t source_id, std::size_t max_bytes, std::uint32_t template_every, Send send)
    : source_id_(source_id), max_bytes_(max_bytes), template_every_(template_every == 0 ? 1 : template_every),
      send_(std::move(send)) {
  buf_.reserve(max_bytes_ + 64);
}

void NetflowV9Encoder::begin_packet() {
  buf_.assign(kHeader, 0);
  count_ = 0;
  data_records_ = 0;
  set_start_ = 0;
  if (packets_ % template_every_ == 0) put_templates();
}

void NetflowV9Encoder::put_templates() {
  const std::size_t start = buf_.size();
  put16(buf_, 0);  // Template FlowSet
  put16(buf_, 0);  // length, below
  for (const auto& [id, fields, n] : {std::tuple{kTemplateV4, kFieldsV4, std::size(kFieldsV4)},
                                       std::tuple{kTemplateV6, kFieldsV6, std::size(kFieldsV6)}}) {
    put16(buf_, id);
    put16(buf_, static_cast<std::uint16_t>(n));
    for (std::size_t i = 0; i < n; ++i) {
      put16(buf_, fields[i].type);
      put16(buf_, fields[i].length);
    }
    ++count_;
  }
  wire::put16(buf_.data() + start + 2, static_cast<std::uint16_t>(buf_.size() - start));
}

void NetflowV9Encoder::close_set() {
  if (set_start_ == 0) return;
  while ((buf_.size() - set_start_) % 4 != 0) buf_.push_back(0);  // pad the FlowSet to 4 bytes
  wire::put16(buf_.data() + set_start_ + 2, static_cast<std::uint16_t>(buf_.size() - set_start_));
  set_start_ = 0;
}

void NetflowV9Encoder::flush() {
  if (buf_.empty() || data_records_ == 0) return;
  close_set();
  // Header (RFC 3954 section 5.1): version, count, sysUptime, unix_secs, sequence, source id.
  const std::int64_t unix_secs = (newest_ms_ + 999) / 1000;
  const auto uptime = static_cast<std::uint32_t>(unix_secs * 1000 - boot_ms_);
  std::uint8_t* h = buf_.data();
  wire::put16(h, 9);
  wire::put16(h + 2, count_);
  wire::put32(h + 4, uptime);
  wire::put32(h + 8, static_cast<std::uint32_t>(unix_secs));
  wire::put32(h + 12, sequence_++);  // one per export packet
  wire::put32(h + 16, source_id_);
  send_(buf_, data_records_);
  ++packets_;
  buf_.clear();
}

void NetflowV9Encoder::add(const FlowRecord& r) {
  const bool icmp = r.l4_proto == 1 || r.l4_proto == 58;  // no ports; ICMP_TYPE carries type * 256 + code
  add_one(r.src, r.dst, icmp ? 0 : r.src_port, icmp ? 0 : r.dst_port, r.l4_proto, r.tcp_flags, r.packets, r.bytes,
          r.start, r.end, r.vlan, icmp ? icmp_type_code(r, false) : 0);
  if (r.packets_rev > 0) {
    add_one(r.dst, r.src, icmp ? 0 : r.dst_port, icmp ? 0 : r.src_port, r.l4_proto, r.tcp_flags_rev, r.packets_rev,
            r.bytes_rev, r.start, r.end, r.vlan, icmp ? icmp_type_code(r, true) : 0);
  }
}

void NetflowV9Encoder::add_one(const IpAddress& src, const IpAddress& dst, std::uint16_t sp, std::uint16_t dp,
                               std::uint8_t proto, std::uint8_t flags, std::uint64_t packets, std::uint64_t bytes,
                               Timestamp start, Timestamp end, std::uint16_t vlan, std::uint16_t icmp) {
  const std::int64_t start_ms = start / kNanosPerMilli;
  const std::int64_t end_ms = end / kNanosPerMilli;
  if (!booted_) {
    booted_ = true;
    boot_ms_ = start_ms - kDayMs;
  }
  const bool v6 = src.is_v6();
  const std::uint16_t tid = v6 ? kTemplateV6 : kTemplateV4;
  const std::size_t rec = v6 ? kRecordV6 : kRecordV4;
  if (!buf_.empty() && buf_.size() + rec + 4 + 3 > max_bytes_) flush();
  if (buf_.empty()) begin_packet();
  if (set_start_ == 0 || set_id_ != tid) {
    close_set();
    set_start_ = buf_.size();
    set_id_ = tid;
    put16(buf_, tid);
    put16(buf_, 0);
  }
  buf_.insert(buf_.end(), src.data(), src.data() + src.size());
  buf_.insert(buf_.end(), dst.data(), dst.data() + dst.size());
  put16(buf_, sp);
  put16(buf_, dp);
  buf_.push_back(proto);
  buf_.push_back(flags);
  put64(buf_, packets);
  put64(buf_, bytes);
  // A flow older than the 49.7-day uptime window clamps to boot; records keep their order.
  put32(buf_, static_cast<std::uint32_t>(std::max<std::int64_t>(0, start_ms - boot_ms_)));
  put32(buf_, static_cast<std::uint32_t>(std::max<std::int64_t>(0, end_ms - boot_ms_)));
  put16(buf_, vlan);
  buf_.push_back(static_cast<std::uint8_t>(v6 ? 6 : 4));
  put16(buf_, icmp);
  newest_ms_ = std::max(newest_ms_, end_ms);
  ++count_;
  ++data_records_;
  ++records_;
}

}  // namespace flowreplay
