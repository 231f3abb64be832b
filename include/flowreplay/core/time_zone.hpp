// SPDX-License-Identifier: MIT
// A time zone as a value, passed to whatever prints local times (no TZ environment variable, no
// process-wide state): UTC, a fixed offset ("+03:00", "-0400"), or the rules of an IANA zone read
// from a TZif file (RFC 8536), as /usr/share/zoneinfo holds them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace flowreplay {

class TimeZone {
 public:
  TimeZone() = default;  // UTC
  static TimeZone fixed(std::int32_t offset_seconds);
  // "UTC", "+03:00", "-0400", or an IANA name found under `zoneinfo_dir`; nullopt when malformed
  // or unknown.
  static std::optional<TimeZone> parse(const std::string& zone, const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // The rules of a TZif file's bytes; nullopt when they are not a valid TZif file.
  static std::optional<TimeZone> from_tzif(std::span<const std::uint8_t> bytes);

  // Seconds to add to a UTC time (seconds since the epoch) to get the local time there.
  [[nodiscard]] std::int32_t offset_at(std::int64_t utc_seconds) const;

 private:
  std::int32_t fixed_offset_ = 0;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::uint8_t> type_of_;      // the local time type from each transition on
  std::vector<std::int32_t> offsets_;      // UT offset of each local time type
};

}  // namespace flowreplay
