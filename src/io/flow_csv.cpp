// SPDX-License-Identifier: MIT
#include "flowreplay/io/flow_csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <cstdlib>
#include <memory>
#include <sys/types.h>

#include "flowreplay/core/csv_fields.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/huge_pages.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "2023-11-14 22:13:20" or "2023-11-14 22:13:20.007", local time in `zone`: ns since the epoch,
// and the precision of the text (1 s or 1 ms).
std::optional<std::pair<Timestamp, Duration>> nfdump_time(std::string_view s, const TimeZone& zone) {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':') return std::nullopt;
  const auto y = parse_csv_number<int>(s.substr(0, 4));
  const auto mo = parse_csv_number<unsigned>(s.substr(5, 2));
  const auto d = parse_csv_number<unsigned>(s.substr(8, 2));
  const auto h = parse_csv_number<int>(s.substr(11, 2));
  const auto mi = parse_csv_number<int>(s.substr(14, 2));
  const auto se = parse_csv_number<int>(s.substr(17, 2));
  // Years 1970-2200: ns since the epoch stay far from the int64 limit (2262).
  if (!y || !mo || !d || !h || !mi || !se || *y < 1970 || *y > 2200 || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 ||
      *h > 23 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  Duration frac = 0;
  Duration precision = kNanosPerSecond;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() > 29) return std::nullopt;
    const std::string_view digits = s.substr(20);
    Duration scale = kNanosPerSecond;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      scale /= 10;
      frac += (c - '0') * scale;
    }
    precision = scale;
  }
  const std::int64_t local = days_from_civil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *se;
  const std::int64_t utc = local - zone.offset_at(local - zone.offset_at(local));
  return std::make_pair(utc * kNanosPerSecond + frac, precision);
}

std::optional<std::uint8_t> protocol_number(std::string_view s) {
  if (auto n = parse_csv_number<unsigned>(s); n && *n <= 255) return static_cast<std::uint8_t>(*n);
  if (s == "TCP") return wire::kProtoTcp;
  if (s == "UDP") return wire::kProtoUdp;
  if (s == "ICMP") return wire::kProtoIcmp;
  if (s == "ICMP6" || s == "IPv6-ICMP" || s == "ICMPv6") return wire::kProtoIcmpv6;
  if (s == "GRE") return 47;
  if (s == "ESP") return 50;
  if (s == "SCTP") return 132;
  return std::nullopt;
}

// Column positions by name, from the header row.
class Table {
 public:
  Table(const std::vector<std::string_view>& header, const std::string& name) : header_(header), name_(name) {}
  [[nodiscard]] int index(std::string_view column) const {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == column) return static_cast<int>(i);
    }
    return -1;
  }
  [[nodiscard]] int need(std::string_view column) const {
    const int i = index(column);
    if (i < 0) throw ConfigError(name_ + ":1: no " + std::string(column) + " column");
    return i;
  }

 private:
  const std::vector<std::string_view>& header_;
  const std::string& name_;
};

}  // namespace

// The rows of one file, told apart by its header: where each column is, and one row's parse.
class FlowCsvRows {
 public:
  FlowCsvRows(std::string_view header_line, std::string name, const TimeZone& zone) : name_(std::move(name)), zone_(zone) {
    std::vector<std::string_view> header;
    split_csv_fields(header_line, header);
    fields_ = header.size();
    const Table t(header, name_);
    if (t.index("SRC_IP") >= 0 && t.index("START_TIME") >= 0) {  // flowreplay's report
      format_ = FlowCsvFormat::kReport;
      sa_ = t.need("SRC_IP"), da_ = t.need("DST_IP"), sp_ = t.need("SRC_PORT"), dp_ = t.need("DST_PORT");
      pr_ = t.need("L4_PROTO"), ts_ = t.need("START_TIME"), te_ = t.need("END_TIME");
      pk_ = t.need("PACKETS"), by_ = t.need("BYTES"), pkr_ = t.need("PACKETS_REV"), byr_ = t.need("BYTES_REV");
      sf_ = t.index("START_TIME_FWD"), ef_ = t.index("END_TIME_FWD"), sr_ = t.index("START_TIME_REV");
      er_ = t.index("END_TIME_REV");
      return;
    }
    if (t.index("ts") >= 0 && t.index("sa") >= 0) {  // nfdump -o csv
      format_ = FlowCsvFormat::kNfdump;
      ts_ = t.need("ts"), te_ = t.need("te"), sa_ = t.need("sa"), da_ = t.need("da"), sp_ = t.need("sp");
      dp_ = t.need("dp"), pr_ = t.need("pr"), pk_ = t.need("ipkt"), by_ = t.need("ibyt");
      pkr_ = t.index("opkt"), byr_ = t.index("obyt");
      return;
    }
    throw ConfigError(name_ + ":1: not a flowreplay report (SRC_IP, START_TIME, ...) nor nfdump -o csv output (ts, te, sa, ...)");
  }

  [[nodiscard]] FlowCsvFormat format() const { return format_; }

  // Parses one row into `rf`; false for a row that is not a flow (nfdump's summary lines).
  bool parse(std::string_view line, std::uint64_t line_no, ReadFlow& rf) {
    line_no_ = line_no;
    split_csv_fields(line, f_);
    rf = ReadFlow{};
    rf.line = line_no;
    return format_ == FlowCsvFormat::kReport ? report_row(rf) : nfdump_row(rf);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ConfigError(name_ + ":" + std::to_string(line_no_) + ": " + what);
  }

  bool report_row(ReadFlow& rf) {
    const auto& f = f_;
    if (f.size() != fields_) fail(std::to_string(f.size()) + " fields, the header has " + std::to_string(fields_));
    FlowRecord& r = rf.record;
    const auto src = IpAddress::parse(f[sa_]);
    const auto dst = IpAddress::parse(f[da_]);
    const auto spn = parse_csv_number<unsigned>(f[sp_]);
    const auto dpn = parse_csv_number<unsigned>(f[dp_]);
    const auto prn = parse_csv_number<unsigned>(f[pr_]);
    const auto tsn = parse_csv_number<Timestamp>(f[ts_]);
    const auto ten = parse_csv_number<Timestamp>(f[te_]);
    const auto p = parse_csv_number<std::uint64_t>(f[pk_]), b = parse_csv_number<std::uint64_t>(f[by_]);
    const auto pr2 = parse_csv_number<std::uint64_t>(f[pkr_]), b2 = parse_csv_number<std::uint64_t>(f[byr_]);
    if (!src || !dst || !spn || !dpn || !prn || !tsn || !ten || !p || !b || !pr2 || !b2 || *spn > 65535 || *dpn > 65535 ||
        *prn > 255) {
      fail("not a report row (addresses, ports 0-65535, protocol, integer ns times and counts expected)");
    }
    r.src = *src, r.dst = *dst;
    r.src_port = static_cast<std::uint16_t>(*spn), r.dst_port = static_cast<std::uint16_t>(*dpn);
    r.l4_proto = static_cast<std::uint8_t>(*prn);
    if (*tsn < 0 || *tsn > kMaxRecordTime || *ten < 0 || *ten > kMaxRecordTime) {
      fail("START_TIME, END_TIME: ns since the epoch, 0 to 7258118400000000000 (year 2200) expected");
    }
    r.start = *tsn, r.end = *ten;
    r.packets = *p, r.bytes = *b, r.packets_rev = *pr2, r.bytes_rev = *b2;
    if ((r.packets == 0 && r.bytes > 0) || (r.packets_rev == 0 && r.bytes_rev > 0)) {
      fail("BYTES, BYTES_REV: bytes in a direction without packets");
    }
    if (sf_ >= 0 && ef_ >= 0 && sr_ >= 0 && er_ >= 0) {
      const auto a = parse_csv_number<Timestamp>(f[sf_]), z = parse_csv_number<Timestamp>(f[ef_]), a2 = parse_csv_number<Timestamp>(f[sr_]),
                 z2 = parse_csv_number<Timestamp>(f[er_]);
      if (!a || !z || !a2 || !z2 || *a < 0 || *z < 0 || *a2 < 0 || *z2 < 0 || *a > kMaxRecordTime || *z > kMaxRecordTime ||
          *a2 > kMaxRecordTime || *z2 > kMaxRecordTime) {
        fail("START_TIME_FWD .. END_TIME_REV: ns since the epoch, 0 to 7258118400000000000 expected");
      }
      r.start_fwd = *a, r.end_fwd = *z, r.start_rev = *a2, r.end_rev = *z2;
      // Each direction with packets lies within the flow, first packet before last.
      auto inside = [&](Timestamp first, Timestamp last) { return first <= last && first >= r.start && last <= r.end; };
      if ((r.packets > 0 && !inside(r.start_fwd, r.end_fwd)) || (r.packets_rev > 0 && !inside(r.start_rev, r.end_rev))) {
        fail("START_TIME_FWD .. END_TIME_REV: a direction's first and last packet must lie within START_TIME .. END_TIME");
      }
      rf.per_direction_times = true;
    }
    return true;
  }

  bool nfdump_row(ReadFlow& rf) {
    const auto& f = f_;
    if (f.size() < fields_) return false;  // "Summary" and its totals, which nfdump appends
    FlowRecord& r = rf.record;
    const auto start = nfdump_time(f[ts_], zone_);
    const auto end = nfdump_time(f[te_], zone_);
    const auto src = IpAddress::parse(f[sa_]);
    const auto dst = IpAddress::parse(f[da_]);
    const auto proto = protocol_number(f[pr_]);
    const auto p = parse_csv_number<std::uint64_t>(f[pk_]), b = parse_csv_number<std::uint64_t>(f[by_]);
    if (!start || !end || !src || !dst || !proto || !p || !b) {
      fail("not an nfdump flow (times like 2023-11-14 22:13:20.007, addresses, protocol, counts expected)");
    }
    r.src = *src, r.dst = *dst, r.l4_proto = *proto;
    if (!is_icmp(r.l4_proto)) {  // nfdump writes ICMP type.code in dp
      const auto spn = parse_csv_number<unsigned>(f[sp_]), dpn = parse_csv_number<unsigned>(f[dp_]);
      if (!spn || !dpn || *spn > 65535 || *dpn > 65535) fail("sp, dp: ports 0-65535 expected");
      r.src_port = static_cast<std::uint16_t>(*spn), r.dst_port = static_cast<std::uint16_t>(*dpn);
    }
    r.start = start->first, r.end = end->first;
    r.packets = *p, r.bytes = *b;
    if (pkr_ >= 0 && byr_ >= 0) {
      const auto p2 = parse_csv_number<std::uint64_t>(f[pkr_]), b2 = parse_csv_number<std::uint64_t>(f[byr_]);
      if (!p2 || !b2) fail("opkt, obyt: counts expected");
      r.packets_rev = *p2, r.bytes_rev = *b2;
    }
    rf.precision = std::max(start->second, end->second);
    return true;
  }

  std::string name_;
  TimeZone zone_;
  FlowCsvFormat format_ = FlowCsvFormat::kReport;
  std::size_t fields_ = 0;
  int sa_ = -1, da_ = -1, sp_ = -1, dp_ = -1, pr_ = -1, ts_ = -1, te_ = -1, pk_ = -1, by_ = -1, pkr_ = -1, byr_ = -1;
  int sf_ = -1, ef_ = -1, sr_ = -1, er_ = -1;
  std::vector<std::string_view> f_;
  std::uint64_t line_no_ = 0;
};

namespace {

// The next line that holds something (not blank, not a # comment), without its line end.
bool content_line(std::string_view line) { return !line.empty() && line.front() != '#'; }
std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return line;
}

}  // namespace

FlowCsv parse_flow_csv(std::string_view text, const std::string& name, const TimeZone& zone) {
  FlowCsv out;
  std::uint64_t line_no = 0;
  auto next_line = [&](std::string_view& line) {
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      line = trim_line_end(text.substr(0, nl));
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      ++line_no;
      if (content_line(line)) return true;
    }
    return false;
  };
  // One row a line: room for all of them at once, not a vector doubled (and copied) 20 times.
  out.flows.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  Prefaulter warm({capacity_of(out.flows)});  // the second core clears the rows' pages ahead of the parse
  std::string_view line;
  if (!next_line(line)) return out;
  FlowCsvRows rows(line, name, zone);
  out.format = rows.format();
  ReadFlow rf;
  while (next_line(line)) {
    if (rows.parse(line, line_no, rf)) {
      out.flows.push_back(rf);
    } else {
      ++out.skipped;
    }
  }
  return out;
}

FlowCsvReader::FlowCsvReader(std::FILE* in, std::string name, const TimeZone& zone) : in_(in), name_(std::move(name)) {
  try {
    std::string_view line;
    if (!read_line(line)) return;  // empty: no rows
    rows_ = std::make_unique<FlowCsvRows>(line, name_, zone);
  } catch (...) {  // no destructor runs for a constructor that throws: free getline's buffer here
    std::free(buf_);
    throw;
  }
}

FlowCsvReader::~FlowCsvReader() { std::free(buf_); }

FlowCsvFormat FlowCsvReader::format() const { return rows_ ? rows_->format() : FlowCsvFormat::kReport; }

bool FlowCsvReader::read_line(std::string_view& line) {
  for (;;) {
    const ssize_t n = getline(&buf_, &cap_, in_);
    if (n < 0) {
      if (std::ferror(in_) != 0) throw IoError(name_, "read failed", errno);
      return false;
    }
    ++line_;
    line = trim_line_end(std::string_view(buf_, static_cast<std::size_t>(n)));
    if (content_line(line)) return true;
  }
}

bool FlowCsvReader::next(ReadFlow& flow) {
  if (!rows_) return false;
  std::string_view line;
  while (read_line(line)) {
    if (rows_->parse(line, line_, flow)) return true;
    ++skipped_;
  }
  return false;
}

FlowCsv read_flow_csv(const std::string& path, const TimeZone& zone) {
  if (path == "-") {
    const std::string text(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
    return parse_flow_csv(text, "<stdin>", zone);
  }
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) throw IoError(path, "cannot open", errno);
  // A regular file is read straight into one buffer of its size, whose pages the second core
  // clears ahead of the reads; the buffer grows only if the file does meanwhile.
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  std::vector<char, HugePageAllocator<char>> text;
  if (std::fseek(in, 0, SEEK_END) == 0) {
    const long size = std::ftell(in);
    if (size > 0) text.reserve(static_cast<std::size_t>(size) + kChunk);  // + the read that finds the end
    std::rewind(in);
  }
  {
    Prefaulter warm({capacity_of(text)});
    for (;;) {
      const std::size_t at = text.size();
      text.resize(at + kChunk);  // value-initialized: within the reserve, pages the prefaulter has cleared
      const std::size_t n = std::fread(text.data() + at, 1, kChunk, in);
      text.resize(at + n);
      if (n < kChunk) break;
    }
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) throw IoError(path, "read failed", errno);
  return parse_flow_csv(std::string_view(text.data(), text.size()), path, zone);
}

}  // namespace flowreplay
