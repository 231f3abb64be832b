// SPDX-License-Identifier: MIT
#include "flowreplay/core/time_zone.hpp"

#include "flowreplay/core/byte_reader.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace flowreplay {

namespace {

constexpr std::size_t kTtinfo = 6;       // utoff (4), isdst (1), desigidx (1)
constexpr std::int32_t kMaxOffset = 18 * 3600;

struct Counts {
  std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
  [[nodiscard]] std::size_t data_bytes(std::size_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * kTtinfo + charcnt + leapcnt * (time_size + 4) + isstdcnt + isutcnt;
  }
};

// A TZif header (RFC 8536 section 3.1, 44 bytes): "TZif", the version byte, 15 reserved bytes,
// six counts.
bool read_header(ByteReader& r, char& version, Counts& c) {
  const auto magic = r.bytes(4);
  if (!r.ok() || std::memcmp(magic.data(), "TZif", 4) != 0) return false;
  version = static_cast<char>(r.u8());
  r.skip(15);
  c = {r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.u32()};
  return r.ok();
}

}  // namespace

TimeZone TimeZone::fixed(std::int32_t offset_seconds) {
  TimeZone tz;
  tz.fixed_offset_ = offset_seconds;
  return tz;
}

std::optional<TimeZone> TimeZone::from_tzif(std::span<const std::uint8_t> b) {
  ByteReader r(b);
  char version = 0;
  Counts c{};
  if (!read_header(r, version, c)) return std::nullopt;
  std::size_t time_size = 4;
  if (version >= '2') {  // skip the 32-bit block; the second header and 64-bit block follow
    r.skip(c.data_bytes(4));
    if (!read_header(r, version, c)) return std::nullopt;
    time_size = 8;
  }
  if (c.typecnt == 0 || r.remaining() < c.data_bytes(time_size)) return std::nullopt;
  TimeZone tz;
  for (std::uint32_t i = 0; i < c.timecnt; ++i) {
    tz.transitions_.push_back(time_size == 8 ? static_cast<std::int64_t>(r.u64()) : static_cast<std::int32_t>(r.u32()));
  }
  for (std::uint32_t i = 0; i < c.timecnt; ++i) {
    const std::uint8_t type = r.u8();
    if (type >= c.typecnt) return std::nullopt;
    tz.type_of_.push_back(type);
  }
  for (std::uint32_t i = 0; i < c.typecnt; ++i) {
    const auto off = static_cast<std::int32_t>(r.u32());
    r.skip(2);  // isdst, desigidx
    if (off < -kMaxOffset - 3600 || off > kMaxOffset + 3600) return std::nullopt;  // LMT may exceed ±18 h a little
    tz.offsets_.push_back(off);
  }
  if (!r.ok() || !std::is_sorted(tz.transitions_.begin(), tz.transitions_.end())) return std::nullopt;
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
