// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/profile_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace flowreplay {

ProfileWriter::ProfileWriter(const std::string& path, bool with_addresses, bool partial)
    : out_(path, std::size_t{1} << 20, partial), with_addresses_(with_addresses) {
  const char* header = with_addresses
                           ? "SRC_IP,DST_IP,START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,"
                             "PACKETS_REV,BYTES_REV\n"
                           : "START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,"
                             "BYTES_REV\n";
  out_.write(header, std::strlen(header));
}

// GCC 12 cannot follow p through the lambdas and warns that the separators may land past the
// buffer (-Wstringop-overflow, a known false positive); the row's longest form is 250 bytes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
void ProfileWriter::write(const FlowRecord& r) {
  // One row in a stack buffer: two IPv6 addresses, two times and eight counters fit in 250 bytes.
  constexpr std::size_t kMaxAddressText = 45;  // the longest IPv6 text, IPv4-mapped (RFC 4291 2.2)
  char line[320];
  char* p = line;
  char* const end = line + sizeof line;
  auto field = [&](std::uint64_t v, char sep) {
    p = std::to_chars(p, end, v).ptr;
    *p++ = sep;
  };
  // ms since the origin, rounded down to decimals_ places (none: whole ms, as FlowTest writes).
  auto time = [&](Timestamp t, char sep) {
    const std::uint64_t ns = t > origin_ ? static_cast<std::uint64_t>(t - origin_) : 0;
    field(ns / kNanosPerMilli, decimals_ == 0 ? sep : '.');
    if (decimals_ == 0) return;
    std::uint64_t frac = ns % kNanosPerMilli;
    char digits[6];
    for (int i = 5; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
    std::memcpy(p, digits, static_cast<std::size_t>(decimals_));
    p += decimals_;
    *p++ = sep;
  };
  if (with_addresses_) {
    for (const IpAddress* a : {&r.src, &r.dst}) {
      const std::string text = a->to_string();
      const std::size_t n = std::min<std::size_t>(text.size(), kMaxAddressText);
      std::memcpy(p, text.data(), n);
      p += n;
      *p++ = ',';
    }
  }
  const bool ports = r.l4_proto == 6 || r.l4_proto == 17;  // the schema has ports for TCP and UDP only
  time(r.start, ',');
  time(r.end, ',');
  field(static_cast<std::uint64_t>(r.src.version()), ',');
  field(r.l4_proto, ',');
  field(ports ? r.src_port : 0, ',');
  field(ports ? r.dst_port : 0, ',');
  field(r.packets, ',');
  field(r.bytes, ',');
  field(r.packets_rev, ',');
  field(r.bytes_rev, '\n');
  out_.write(line, static_cast<std::size_t>(p - line));
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void ProfileWriter::finish() { out_.close(); }

}  // namespace flowreplay
