// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/cic/java_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace flowreplay {

void append_java_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (v == 0) {
    out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits in scientific form: "d.ddde±XX".
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  bool negative = false;
  if (s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  const auto e = s.find('e');
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  if (negative) out.push_back('-');
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {  // plain decimal, at least one digit after the point
    if (exp >= 0) {
      const auto int_digits = static_cast<std::size_t>(exp) + 1;
      if (digits.size() <= int_digits) {
        out += digits;
        out.append(int_digits - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_digits);
        out.push_back('.');
        out.append(digits, int_digits, std::string::npos);
      }
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out += digits;
    }
    return;
  }
  // Computerized scientific notation: one digit, the point, at least one more digit, E, exponent.
  out.push_back(digits[0]);
  out.push_back('.');
  if (digits.size() > 1) {
    out.append(digits, 1, std::string::npos);
  } else {
    out.push_back('0');
  }
  out.push_back('E');
  char eb[8];
  const auto er = std::to_chars(eb, eb + sizeof eb, exp);
  out.append(eb, er.ptr);
}

std::string java_double(double v) {
  std::string s;
  append_java_double(s, v);
  return s;
}

std::string java_timestamp(std::int64_t micros, bool with_am_pm, const TimeZone& zone) {
  std::int64_t secs = micros / 1'000'000;
  if (micros < 0 && micros % 1'000'000 != 0) --secs;  // floor
  std::tm tm{};
  const auto t = static_cast<time_t>(secs + zone.offset_at(secs));
  gmtime_r(&t, &tm);
  int hour12 = tm.tm_hour % 12;
  if (hour12 == 0) hour12 = 12;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d:%02d%s", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900,
                hour12, tm.tm_min, tm.tm_sec, with_am_pm ? (tm.tm_hour < 12 ? " AM" : " PM") : "");
  return buf;
}

}  // namespace flowreplay
