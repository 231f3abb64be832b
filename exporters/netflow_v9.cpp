// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/netflow_v9.hpp"

#include <algorithm>

#include "flowreplay/core/wire.hpp"
#include "flowreplay/exporters/info_elements.hpp"

namespace flowreplay {

namespace {

// RFC 3954 section 5: the packet header, a FlowSet header, a template record's header.
constexpr std::size_t kPacketHeader = 20;
constexpr std::size_t kSetHeader = 4;
constexpr std::size_t kSetAlignment = 4;  // FlowSets are padded to a multiple of 4 bytes
constexpr std::uint16_t kTemplateSetId = 0;
constexpr std::uint16_t kVersion = 9;
// Header field offsets.
constexpr std::size_t kOffCount = 2;
constexpr std::size_t kOffUptime = 4;
constexpr std::size_t kOffUnixSecs = 8;
constexpr std::size_t kOffSequence = 12;
constexpr std::size_t kOffSourceId = 16;
constexpr std::int64_t kDayMs = 86'400'000;

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

}  // namespace

NetflowV9Encoder::NetflowV9Encoder(std::uint32_t source_id, std::size_t max_bytes, std::uint32_t template_every, Send send)
    : source_id_(source_id), max_bytes_(max_bytes), template_every_(template_every == 0 ? 1 : template_every),
      send_(std::move(send)) {
  buf_.reserve(max_bytes_ + 64);
}

void NetflowV9Encoder::begin_packet() {
  buf_.assign(kPacketHeader, 0);
  count_ = 0;
  data_records_ = 0;
  set_start_ = 0;
  if (packets_ % template_every_ == 0) put_templates();
}

void NetflowV9Encoder::put_templates() {
  const std::size_t start = buf_.size();
  put16(buf_, kTemplateSetId);
  put16(buf_, 0);  // length, below
  for (const bool v6 : {false, true}) {
    const auto fields = netflow_v9_template(v6);
    put16(buf_, v6 ? kTemplateIdIpv6 : kTemplateIdIpv4);
    put16(buf_, static_cast<std::uint16_t>(fields.size()));
    for (const TemplateField& f : fields) {
      put16(buf_, info_element(f.ie).nf9_type);
      put16(buf_, info_element(f.ie).length);
    }
    ++count_;
  }
  wire::put16(buf_.data() + start + 2, static_cast<std::uint16_t>(buf_.size() - start));
}

void NetflowV9Encoder::close_set() {
  if (set_start_ == 0) return;
  while ((buf_.size() - set_start_) % kSetAlignment != 0) buf_.push_back(0);
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
  wire::put16(h, kVersion);
  wire::put16(h + kOffCount, count_);
  wire::put32(h + kOffUptime, uptime);
  wire::put32(h + kOffUnixSecs, static_cast<std::uint32_t>(unix_secs));
  wire::put32(h + kOffSequence, sequence_++);  // one per export packet
  wire::put32(h + kOffSourceId, source_id_);
  send_(buf_, data_records_);
  ++packets_;
  buf_.clear();
}

void NetflowV9Encoder::add(const FlowRecord& r) {
  add_one(r, false);
  if (r.packets_rev > 0) add_one(r, true);
}

void NetflowV9Encoder::add_one(const FlowRecord& r, bool reverse) {
  if (!booted_) {
    booted_ = true;
    boot_ms_ = r.start / kNanosPerMilli - kDayMs;
  }
  const bool v6 = r.src.is_v6();
  const std::uint16_t tid = v6 ? kTemplateIdIpv6 : kTemplateIdIpv4;
  const auto fields = netflow_v9_template(v6);
  const std::size_t length = record_length(fields, kFieldAlways);
  if (!buf_.empty() && buf_.size() + length + kSetHeader + (kSetAlignment - 1) > max_bytes_) flush();
  if (buf_.empty()) begin_packet();
  if (set_start_ == 0 || set_id_ != tid) {
    close_set();
    set_start_ = buf_.size();
    set_id_ = tid;
    put16(buf_, tid);
    put16(buf_, 0);
  }
  const std::size_t at = buf_.size();
  buf_.resize(at + length);
  encode_record(fields, RecordSide{r, reverse, false, boot_ms_}, ByteOrder::kNetwork, buf_.data() + at);
  newest_ms_ = std::max(newest_ms_, r.end / kNanosPerMilli);
  ++count_;
  ++data_records_;
  ++records_;
}

}  // namespace flowreplay
