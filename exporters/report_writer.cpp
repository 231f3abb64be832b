// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/report_writer.hpp"

#include <charconv>
#include <cstring>

namespace flowreplay {

ReportWriter::ReportWriter(const std::string& path, bool partial) : out_(path, std::size_t{1} << 20, partial) {
  out_.write(kHeader, std::strlen(kHeader));
  out_.write("\n", 1);
}

void ReportWriter::write(const FlowRecord& r) {
  std::string& line = line_;
  line.clear();
  char num[24];
  auto field = [&](std::uint64_t v) {
    line.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, v).ptr - num));
    line.push_back(',');
  };
  line.append(r.src.to_string()).push_back(',');
  line.append(r.dst.to_string()).push_back(',');
  field(r.src_port);
  field(r.dst_port);
  field(static_cast<std::uint64_t>(r.src.version()));
  field(r.l4_proto);
  field(static_cast<std::uint64_t>(r.start));
  field(static_cast<std::uint64_t>(r.end));
  field(r.packets);
  field(r.bytes);
  field(r.packets_rev);
  field(r.bytes_rev);
  line.append(r.app).push_back(',');
  field(static_cast<std::uint64_t>(r.start_fwd));
  field(static_cast<std::uint64_t>(r.end_fwd));
  field(static_cast<std::uint64_t>(r.start_rev));
  field(static_cast<std::uint64_t>(r.end_rev));
  line.back() = '\n';
  out_.write(line.data(), line.size());
}

void ReportWriter::finish() { out_.close(); }

}  // namespace flowreplay
