// SPDX-License-Identifier: MIT
// The plain CSV the flow files use (flowreplay's report, nfdump -o csv, label files): fields
// separated by commas, no quoting, spaces around a field ignored.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

namespace flowreplay {

// The comma-separated fields of a line, trimmed of spaces, into `out` (reused between lines).
inline void split_csv_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = line.find(',', pos);
    std::string_view f = line.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!f.empty() && f.front() == ' ') f.remove_prefix(1);
    while (!f.empty() && f.back() == ' ') f.remove_suffix(1);
    out.push_back(f);
    if (comma == std::string_view::npos) return;
    pos = comma + 1;
  }
}

// A whole field as a number of type T (no sign for unsigned types, nothing left over).
template <typename T>
std::optional<T> parse_csv_number(std::string_view s) {
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace flowreplay
