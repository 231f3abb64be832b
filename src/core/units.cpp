// SPDX-License-Identifier: MIT
#include "flowreplay/core/units.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace flowreplay {
namespace {

// Splits "12.5ms" into the number and its unit suffix.
bool split_number(std::string_view text, double& value, std::string_view& unit) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             text[i] == 'e' || text[i] == 'E' || (i == 0 && text[i] == '+'))) {
    // An 'e' counts as an exponent only when a digit or sign follows it.
    if ((text[i] == 'e' || text[i] == 'E') &&
        !(i + 1 < text.size() && (std::isdigit(static_cast<unsigned char>(text[i + 1])) ||
                                  text[i + 1] == '-' || text[i + 1] == '+'))) {
      break;
    }
    if ((text[i] == 'e' || text[i] == 'E') && i + 1 < text.size() &&
        (text[i + 1] == '-' || text[i + 1] == '+')) {
      ++i;
    }
    ++i;
  }
  if (i == 0) return false;
  const auto num = text.substr(0, i);
  const auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
  if (ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(value)) return false;
  unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit) || value < 0) return std::nullopt;
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us" || unit == "µs") scale = 1e3;
  else if (unit == "ns") scale = 1;
  else if (unit == "min") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else return std::nullopt;
  const double ns = std::round(value * scale);
  if (ns > 9.2e18) return std::nullopt;
  return static_cast<Duration>(ns);
}

std::optional<double> parse_bitrate(std::string_view text) {
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit) || value <= 0) return std::nullopt;
  double scale = 0;
  if (unit.empty() || unit == "bps") scale = 1;
  else if (unit == "kbps" || unit == "Kbps") scale = 1e3;
  else if (unit == "Mbps") scale = 1e6;
  else if (unit == "Gbps") scale = 1e9;
  else if (unit == "Tbps") scale = 1e12;
  else return std::nullopt;
  return value * scale;
}

std::optional<Timestamp> parse_epoch_seconds(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  std::int64_t seconds = 0;
  if (whole.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (ec != std::errc() || ptr != whole.data() + whole.size() || seconds < 0 ||
      seconds > 9'000'000'000LL) {
    return std::nullopt;
  }
  std::int64_t frac = 0;
  if (dot != std::string_view::npos) {
    const auto digits = text.substr(dot + 1);
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      frac = frac * 10 + (c - '0');
    }
    for (std::size_t i = digits.size(); i < 9; ++i) frac *= 10;
  }
  return seconds * kNanosPerSecond + frac;
}

Duration wire_time(std::uint32_t frame_bytes, double bits_per_second) {
  const std::uint32_t padded = frame_bytes < 60 ? 60 : frame_bytes;
  const double bits = static_cast<double>(padded + 4 + 8 + 12) * 8.0;
  return static_cast<Duration>(std::ceil(bits * 1e9 / bits_per_second));
}

std::string format_seconds(Duration d) {
  char buf[48];
  const char* sign = d < 0 ? "-" : "";
  const auto abs = d < 0 ? -d : d;
  std::snprintf(buf, sizeof buf, "%s%lld.%09lld s", sign, static_cast<long long>(abs / kNanosPerSecond),
                static_cast<long long>(abs % kNanosPerSecond));
  return buf;
}

}  // namespace flowreplay
