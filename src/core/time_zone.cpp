// SPDX-License-Identifier: MIT
#include "flowreplay/core/time_zone.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace flowreplay {

namespace {

constexpr std::size_t kTzifHeader = 44;  // RFC 8536 section 3.1: magic, version, 15 reserved, 6 counts
constexpr std::size_t kCountsAt = 20;
constexpr std::size_t kTtinfo = 6;       // utoff (4), isdst (1), desigidx (1)
constexpr std::int32_t kMaxOffset = 18 * 3600;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::int64_t be64(const std::uint8_t* p) {
  return static_cast<std::int64_t>((std::uint64_t{be32(p)} << 32) | be32(p + 4));
}

struct Counts {
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
  [[nodiscard]] std::size_t data_bytes(std::size_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * kTtinfo + charcnt + leapcnt * (time_size + 4) + isstdcnt + isutcnt;
  }
};

Counts counts_at(const std::uint8_t* header) {
  const std::uint8_t* c = header + kCountsAt;
  return {be32(c), be32(c + 4), be32(c + 8), be32(c + 12), be32(c + 16), be32(c + 20)};
}

}  // namespace

TimeZone TimeZone::fixed(std::int32_t offset_seconds) {
  TimeZone tz;
  tz.fixed_offset_ = offset_seconds;
  return tz;
}

std::optional<TimeZone> TimeZone::from_tzif(std::span<const std::uint8_t> b) {
  if (b.size() < kTzifHeader || b[0] != 'T' || b[1] != 'Z' || b[2] != 'i' || b[3] != 'f') return std::nullopt;
  Counts c = counts_at(b.data());
  std::size_t at = kTzifHeader;
  std::size_t time_size = 4;
  if (b[4] >= '2') {  // skip the 32-bit block; the second header and 64-bit block follow
    at += c.data_bytes(4);
    if (b.size() < at + kTzifHeader) return std::nullopt;
    c = counts_at(b.data() + at);
    at += kTzifHeader;
    time_size = 8;
  }
  if (c.typecnt == 0 || b.size() < at + c.data_bytes(time_size)) return std::nullopt;
  TimeZone tz;
  for (std::uint32_t i = 0; i < c.timecnt; ++i, at += time_size) {
    tz.transitions_.push_back(time_size == 8 ? be64(b.data() + at) : static_cast<std::int32_t>(be32(b.data() + at)));
  }
  for (std::uint32_t i = 0; i < c.timecnt; ++i, ++at) {
    if (b[at] >= c.typecnt) return std::nullopt;
    tz.type_of_.push_back(b[at]);
  }
  for (std::uint32_t i = 0; i < c.typecnt; ++i, at += kTtinfo) {
    const auto off = static_cast<std::int32_t>(be32(b.data() + at));
    if (off < -kMaxOffset - 3600 || off > kMaxOffset + 3600) return std::nullopt;  // LMT may exceed ±18 h a little
    tz.offsets_.push_back(off);
  }
  if (!std::is_sorted(tz.transitions_.begin(), tz.transitions_.end())) return std::nullopt;
  return tz;
}

std::optional<TimeZone> TimeZone::parse(const std::string& zone, const std::string& zoneinfo_dir) {
  if (zone == "UTC" || zone == "Z" || zone == "GMT") return TimeZone{};
  if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    // +HH, +HHMM or +HH:MM.
    std::string digits;
    for (std::size_t i = 1; i < zone.size(); ++i) {
      if (zone[i] == ':' && i == 3) continue;
      if (zone[i] < '0' || zone[i] > '9') return std::nullopt;
      digits += zone[i];
    }
    if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
    const int h = std::stoi(digits.substr(0, 2));
    const int m = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
    if (h > 18 || m > 59) return std::nullopt;
    return fixed((zone[0] == '-' ? -1 : 1) * (h * 3600 + m * 60));
  }
  if (zone.empty() || zone.find("..") != std::string::npos || zone[0] == '/') return std::nullopt;
  std::ifstream in(zoneinfo_dir + "/" + zone, std::ios::binary);
  if (!in) return std::nullopt;
  constexpr std::size_t kMaxTzif = 1 << 20;  // real TZif files are a few KiB
  std::vector<std::uint8_t> bytes;
  bytes.resize(kMaxTzif);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return from_tzif(bytes);
}

std::int32_t TimeZone::offset_at(std::int64_t utc_seconds) const {
  if (offsets_.empty()) return fixed_offset_;
  // The last transition at or before the time; before the first one, local time type 0
  // (RFC 8536 section 3.2). After the last one the last type stays (Debian's tzdata is "fat":
  // its transitions run to 2037).
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) return offsets_[0];
  return offsets_[type_of_[static_cast<std::size_t>(it - transitions_.begin()) - 1]];
}

}  // namespace flowreplay
