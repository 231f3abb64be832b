// SPDX-License-Identifier: MIT
#include "flowreplay/synth/profile_source.hpp"

#include "sorted_runs.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/rng.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

enum Column : int {
  kStart, kEnd, kL3, kL4, kSrcPort, kDstPort, kPackets, kBytes, kPacketsRev, kBytesRev,  // required
  kSrcIp, kDstIp, kStartRev, kEndRev,                                                  // optional
  kColumnCount
};
constexpr int kRequired = kSrcIp;
constexpr std::string_view kNames[kColumnCount] = {
    "START_TIME", "END_TIME", "L3_PROTO", "L4_PROTO", "SRC_PORT", "DST_PORT", "PACKETS", "BYTES", "PACKETS_REV",
    "BYTES_REV", "SRC_IP", "DST_IP", "START_TIME_REV", "END_TIME_REV"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Milliseconds with an optional sign and up to 6 decimals, as exact ns.
std::optional<Duration> parse_ms(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (frac.size() > 6 || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  std::int64_t ms = 0;
  if (!whole.empty()) {
    const auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), ms);
    if (ec != std::errc{} || p != whole.data() + whole.size() || ms > kMaxProfileMs) return std::nullopt;
  }
  std::int64_t ns = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    if (i < frac.size() && (frac[i] < '0' || frac[i] > '9')) return std::nullopt;
    ns = ns * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  }
  const Duration v = ms * kNanosPerMilli + ns;
  return negative ? -v : v;
}

std::optional<std::uint64_t> parse_count(std::string_view s, std::uint64_t max) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace

ProfileReader::ProfileReader(std::FILE* in, std::string name) : in_(in), name_(std::move(name)) {}

ProfileReader::~ProfileReader() { std::free(buf_); }  // NOLINT(cppcoreguidelines-no-malloc): getline's buffer

void ProfileReader::fail(std::size_t column, std::string_view field, const std::string& problem) const {
  std::string where = name_ + ":" + std::to_string(line_);
  if (column > 0) where += ":" + std::to_string(column);
  throw ConfigError(where + ": " + (field.empty() ? "" : std::string(field) + ": ") + problem);
}

bool ProfileReader::read_line() {
  for (;;) {
    const ssize_t n = getline(&buf_, &cap_, in_);
    if (n < 0) {
      if (std::ferror(in_)) fail(0, "", "read error");
      return false;
    }
    ++line_;
    std::string_view s(buf_, static_cast<std::size_t>(n));
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    if (s.size() > kMaxProfileLine) fail(0, "", "line longer than " + std::to_string(kMaxProfileLine) + " characters");
    if (s.find('\0') != std::string_view::npos) fail(0, "", "a NUL byte: not a text file");
    if (trim(s).empty() || s.front() == '#') continue;
    text_ = s;
    return true;
  }
}

void ProfileReader::read_header() {
  header_read_ = true;
  if (!read_line()) return;  // an empty file: no records
  bool seen[kColumnCount] = {};
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = text_.find(',', pos);
    const std::string_view name = trim(text_.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    int which = -1;
    for (int c = 0; c < kColumnCount; ++c) {
      if (name == kNames[c]) which = c;
    }
    if (which >= 0 && seen[which]) fail(pos + 1, name, "column named twice");
    if (which >= 0) seen[which] = true;
    columns_.push_back(which);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  for (int c = 0; c < kRequired; ++c) {
    if (!seen[c]) {
      fail(0, "", "the header has no " + std::string(kNames[c]) +
                      " column (a profile needs START_TIME, END_TIME, L3_PROTO, L4_PROTO, SRC_PORT, DST_PORT, PACKETS, "
                      "BYTES, PACKETS_REV, BYTES_REV)");
    }
  }
}

bool ProfileReader::next(ProfileRecord& r) {
  if (!header_read_) read_header();
  if (columns_.empty() || !read_line()) return false;
  r = ProfileRecord{};
  r.line = line_;
  std::size_t pos = 0;
  std::size_t field = 0;
  std::optional<Duration> start;
  std::optional<Duration> end;
  std::optional<Duration> start_rev;
  std::optional<Duration> end_rev;
  std::size_t rev_column[2] = {0, 0};
  for (;; ++field) {
    const std::size_t comma = text_.find(',', pos);
    if (field >= columns_.size()) {
      fail(pos + 1, "", "more fields than the header's " + std::to_string(columns_.size()) + " columns");
    }
    const std::string_view v = trim(text_.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    const int c = columns_[field];
    const std::size_t col = pos + 1;
    auto count = [&](std::uint64_t max, const char* what) {
      const auto n = parse_count(v, max);
      if (!n) fail(col, kNames[c], "expected " + std::string(what) + ", got '" + std::string(v.substr(0, 40)) + "'");
      return *n;
    };
    switch (c) {
      case kStart:
      case kEnd: {
        const auto t = parse_ms(v);
        if (!t) {
          fail(col, kNames[c], "expected milliseconds (an integer or up to 6 decimals, at most 10^12 in size), got '" +
                                   std::string(v.substr(0, 40)) + "'");
        }
        (c == kStart ? start : end) = *t;
        break;
      }
      case kStartRev:
      case kEndRev:
        if (!v.empty()) {
          const auto t = parse_ms(v);
          if (!t) fail(col, kNames[c], "expected milliseconds, got '" + std::string(v.substr(0, 40)) + "'");
          (c == kStartRev ? start_rev : end_rev) = *t;
          rev_column[c == kStartRev ? 0 : 1] = col;
        }
        break;
      case kL3: {
        const auto n = count(6, "4 or 6");
        if (n != 4 && n != 6) fail(col, kNames[c], "expected 4 or 6, got " + std::to_string(n));
        r.l3 = static_cast<std::uint8_t>(n);
        break;
      }
      case kL4: r.l4 = static_cast<std::uint8_t>(count(255, "an IP protocol number 0-255")); break;
      case kSrcPort: r.src_port = v.empty() ? 0 : static_cast<std::uint16_t>(count(65535, "a port 0-65535")); break;
      case kDstPort: r.dst_port = v.empty() ? 0 : static_cast<std::uint16_t>(count(65535, "a port 0-65535")); break;
      case kPackets: r.packets = count(kMaxProfilePackets, "a packet count 0-10^9"); break;
      case kBytes: r.bytes = count(kMaxProfileBytes, "a byte count 0-10^13"); break;
      case kPacketsRev: r.packets_rev = count(kMaxProfilePackets, "a packet count 0-10^9"); break;
      case kBytesRev: r.bytes_rev = count(kMaxProfileBytes, "a byte count 0-10^13"); break;
      case kSrcIp:
      case kDstIp:
        if (!v.empty()) {
          const auto ip = IpAddress::parse(v);
          if (!ip) fail(col, kNames[c], "expected an IPv4 or IPv6 address, got '" + std::string(v.substr(0, 40)) + "'");
          (c == kSrcIp ? r.src_ip : r.dst_ip) = *ip;
        }
        break;
      default: break;  // a column flowreplay does not use
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (field + 1 != columns_.size()) {
    fail(0, "", std::to_string(field + 1) + " fields, the header has " + std::to_string(columns_.size()) + " columns");
  }
  r.start = *start;
  r.end = *end;
  if (r.end < r.start) fail(0, "END_TIME", "before START_TIME");
  if (r.packets + r.packets_rev == 0) fail(0, "", "no packets in either direction");
  if (start_rev.has_value() != end_rev.has_value()) {
    fail(rev_column[start_rev ? 0 : 1], start_rev ? "START_TIME_REV" : "END_TIME_REV",
         std::string("given without ") + (start_rev ? "END_TIME_REV" : "START_TIME_REV") + " (both or neither)");
  }
  if (start_rev) {  // per-direction times, as in ft-generator's report
    if (*end_rev < *start_rev) fail(rev_column[1], "END_TIME_REV", "before START_TIME_REV");
    r.per_direction = true;
    r.first[0] = r.start, r.last[0] = r.end;
    r.first[1] = *start_rev, r.last[1] = *end_rev;
    // A direction without packets has no times (ft-generator writes 0 there).
    if (r.packets == 0) r.first[0] = r.first[1], r.last[0] = r.last[1];
    if (r.packets_rev == 0) r.first[1] = r.first[0], r.last[1] = r.last[0];
    r.start = std::min(r.first[0], r.first[1]);
    r.end = std::max(r.last[0], r.last[1]);
  }
  if (r.packets == 0 && r.bytes > 0) fail(0, "BYTES", "bytes without packets (PACKETS is 0)");
  if (r.packets_rev == 0 && r.bytes_rev > 0) fail(0, "BYTES_REV", "bytes without packets (PACKETS_REV is 0)");
  for (const auto* ip : {&r.src_ip, &r.dst_ip}) {
    if (*ip && (*ip)->version() != r.l3) fail(0, "L3_PROTO", "the record's addresses are not IPv" + std::to_string(r.l3));
  }
  return true;
}

namespace {

// What a record becomes: its L4 protocol (ICMP follows the IP version), the exact target, and
// the adjustments made on the way ("" when none).
struct Prepared {
  std::uint8_t l4 = 0;
  ExactFlow target;
  std::string notes;
};

Prepared prepare(const ProfileRecord& r, std::uint32_t mtu) {
  Prepared out;
  auto note = [&](const std::string& what) { out.notes += (out.notes.empty() ? "" : "; ") + what; };
  const bool v6 = r.l3 == 6;
  out.l4 = r.l4;
  if (v6 && out.l4 == wire::kProtoIcmp) {
    out.l4 = wire::kProtoIcmpv6;
    note("L4_PROTO 1 on IPv6 -> 58 (ICMPv6)");
  } else if (!v6 && out.l4 == wire::kProtoIcmpv6) {
    out.l4 = wire::kProtoIcmp;
    note("L4_PROTO 58 on IPv4 -> 1 (ICMP)");
  }
  const bool icmp = out.l4 == wire::kProtoIcmp || out.l4 == wire::kProtoIcmpv6;
  if (icmp && (r.src_port != 0 || r.dst_port != 0)) {
    note("ICMP ports " + std::to_string(r.src_port) + "/" + std::to_string(r.dst_port) + " -> 0");
  }
  ExactFlow wanted;
  wanted.packets[0] = r.packets;
  wanted.packets[1] = r.packets_rev;
  wanted.bytes[0] = r.bytes;
  wanted.bytes[1] = r.bytes_rev;
  wanted.duration = r.end - r.start;
  if (r.per_direction) {
    wanted.per_direction = true;
    for (int d = 0; d < 2; ++d) wanted.first[d] = r.first[d] - r.start, wanted.last[d] = r.last[d] - r.start;
  }
  ExactFit fit = fit_exact(wanted, out.l4, v6, mtu);
  if (!fit.adjustment.empty()) note(fit.adjustment);
  out.target = fit.flow;
  return out;
}

}  // namespace

ProfileFlowSource::~ProfileFlowSource() = default;

ProfileFlowSource::ProfileFlowSource(const GenConfig& config, ProfileReader& reader, const ProfileOptions& options)
    : config_(config), name_(reader.name()), options_(options), rng_(mix_seed(config.seed, 0x9f0f)) {
  opaque_.type = AppType::kRandom;
  records_ = std::make_unique<SortedRuns<ProfileRecord, ByStart>>(options_.sort_run, ByStart{});
  // Every record is checked as it is read, before the first packet, so a rejected profile
  // writes nothing.
  const bool has_v6 = !config.client_v6.empty() && !config.server_v6.empty();
  ProfileRecord r;
  while (reader.next(r)) {
    const bool known = r.l4 == wire::kProtoTcp || r.l4 == wire::kProtoUdp || r.l4 == wire::kProtoIcmp ||
                       r.l4 == wire::kProtoIcmpv6;
    if (!known) {
      ++stats_.skipped_protocol;
      if (options_.strict) {
        throw ConfigError(name_ + ":" + std::to_string(r.line) + ": L4_PROTO " + std::to_string(r.l4) +
                          ": flowreplay generates TCP (6), UDP (17), ICMP (1) and ICMPv6 (58) only");
      }
      if (options_.warn) {
        options_.warn(name_ + ":" + std::to_string(r.line) + ": skipped: L4_PROTO " + std::to_string(r.l4) +
                      " is not generated (TCP, UDP, ICMP, ICMPv6 are)");
      }
      continue;
    }
    const std::string where = name_ + ":" + std::to_string(r.line);
    if (r.l3 == 6 && !has_v6) throw ConfigError(where + ": an IPv6 record, and the config has no IPv6 client and server subnets");
    if (options_.strict) {
      const Prepared p = prepare(r, config.mtu);
      if (!p.notes.empty()) throw ConfigError(where + ": not generated as given (--strict): " + p.notes);
    }
    records_->add(r);
  }
  records_->finish();
  auto family = [&](const std::vector<Cidr>& clients, const std::vector<Cidr>& servers, std::uint64_t key) {
    AddressSpace c(clients);
    AddressSpace s(servers);
    const std::uint64_t n = std::min<std::uint64_t>(c.size(), std::uint64_t{1} << 40);
    return Family{std::move(c), std::move(s), n, Permutation(n, key)};
  };
  families_.push_back(family(config.client_v4, config.server_v4, mix_seed(config.seed, 0x44)));
  if (has_v6) {
    families_.push_back(family(config.client_v6, config.server_v6, mix_seed(config.seed, 0x66)));
  }
}

bool ProfileFlowSource::next(FlowSpec& spec) {
  ProfileRecord r;
  if (!records_->next(r)) return false;
  const std::string where = name_ + ":" + std::to_string(r.line);

  spec = FlowSpec{};
  spec.index = at_++;
  spec.start = config_.start_time + r.start;
  spec.seed = mix_seed(config_.seed, spec.index);
  spec.pattern = &opaque_;
  const bool v6 = r.l3 == 6;
  Prepared prepared = prepare(r, config_.mtu);
  spec.l4 = prepared.l4;
  if (spec.l4 == wire::kProtoIcmp || spec.l4 == wire::kProtoIcmpv6) {
    spec.client_port = static_cast<std::uint16_t>(1 + spec.index % 65535);  // the echo identifier
    spec.server_port = 0;
  } else {
    spec.client_port = r.src_port;
    spec.server_port = r.dst_port;
  }
  const Family& fam = families_[v6 ? 1 : 0];
  const std::uint64_t client_index = fam.order(spec.index % fam.span);
  const std::uint64_t server_index = rng_.below(fam.servers.size());
  spec.client = r.src_ip ? *r.src_ip : fam.clients.at(client_index);
  spec.server = r.dst_ip ? *r.dst_ip : fam.servers.at(server_index);
  spec.client_mac = config_.client_macs.at(client_index % config_.client_macs.count());
  spec.server_mac = config_.server_macs.at(server_index % config_.server_macs.count());
  spec.encap = config_.draw_encapsulation(rng_);

  spec.exact = true;
  spec.target = prepared.target;
  const std::string& notes = prepared.notes;
  ++stats_.records;
  if (!notes.empty()) {
    ++stats_.adjusted;
    if (options_.warn) options_.warn(where + ": adjusted: " + notes);
  }
  return true;
}

}  // namespace flowreplay
