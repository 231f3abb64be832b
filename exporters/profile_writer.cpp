// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/profile_writer.hpp"

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

void ProfileWriter::write(const FlowRecord& r) {
  std::string& line = line_;
  line.clear();
  char num[24];
  auto field = [&](std::uint64_t v, char sep) {
    line.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, v).ptr - num));
    line.push_back(sep);
  };
  // ms since the origin, rounded down to decimals_ places (none: whole ms, as FlowTest writes).
  auto time = [&](Timestamp t, char sep) {
    const std::uint64_t ns = t > origin_ ? static_cast<std::uint64_t>(t - origin_) : 0;
    field(ns / kNanosPerMilli, decimals_ == 0 ? sep : '.');
    if (decimals_ == 0) return;
    std::uint64_t frac = ns % kNanosPerMilli;
    char digits[6];
    for (int i = 5; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
    line.append(digits, static_cast<std::size_t>(decimals_));
    line.push_back(sep);
  };
  if (with_addresses_) {
    line.append(r.src.to_string()).push_back(',');
    line.append(r.dst.to_string()).push_back(',');
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
  out_.write(line.data(), line.size());
}

void ProfileWriter::finish() { out_.close(); }

}  // namespace flowreplay
