// SPDX-License-Identifier: MIT
// Time and rate units. Inside flowreplay, time is integer nanoseconds: a Timestamp counts them
// since the Unix epoch (UTC), a Duration is a difference of two Timestamps. Never double seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowreplay {

using Timestamp = std::int64_t;  // ns since 1970-01-01T00:00:00Z
using Duration = std::int64_t;   // ns

inline constexpr Duration kNanosPerMicro = 1'000;
inline constexpr Duration kNanosPerMilli = 1'000'000;
inline constexpr Duration kNanosPerSecond = 1'000'000'000;

// "250ms", "10us", "1.5s", "300ns"; a bare number is seconds. nullopt when malformed or negative.
std::optional<Duration> parse_duration(std::string_view text);

// "10Gbps", "100Mbps", "1.5kbps", "800bps"; a bare number is bits per second. nullopt when
// malformed or not positive. Returns bits per second.
std::optional<double> parse_bitrate(std::string_view text);

// Seconds since the epoch, fractional allowed ("1700000000.000000123"), to ns without going
// through double, so all nine fractional digits survive. nullopt when malformed.
std::optional<Timestamp> parse_epoch_seconds(std::string_view text);

// Time on the wire of a frame of `frame_bytes` (L2 without FCS) at `bits_per_second`:
// the frame padded to the 60-byte minimum, plus FCS (4), preamble and SFD (8) and the
// inter-frame gap (12), as IEEE 802.3 puts them on the link. Rounded up to whole ns.
Duration wire_time(std::uint32_t frame_bytes, double bits_per_second);

// "1.500000123 s" style rendering used by summaries.
std::string format_seconds(Duration d);

}  // namespace flowreplay
