// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/flow_labels.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>

#include <sys/types.h>

#include "flowreplay/core/csv_fields.hpp"
#include "flowreplay/core/errors.hpp"

namespace flowreplay {

FlowKey label_key(const IpAddress& src, std::uint16_t src_port, const IpAddress& dst, std::uint16_t dst_port,
                  std::uint8_t protocol) {
  if (is_icmp(protocol)) return FlowKey::of(src, src_port, dst, src_port, protocol);
  return FlowKey::of(src, src_port, dst, dst_port, protocol);
}

FlowKey label_key(const RawPacket& p) {
  if (is_icmp(p.protocol)) return FlowKey::of(p.src, p.icmp_id, p.dst, p.icmp_id, p.protocol);
  return FlowKey::of(p.src, p.src_port, p.dst, p.dst_port, p.protocol);
}

void FlowLabels::add(const FlowKey& key, Timestamp start, Timestamp end, std::string_view label) {
  auto [id, fresh] = ids_.try_emplace(label, static_cast<std::uint32_t>(names_.size()));
  if (fresh) {  // the map's key must view the stored copy, not the caller's text
    names_.emplace_back(label);
    const std::uint32_t n = id->second;
    ids_.erase(id);
    id = ids_.emplace(names_.back(), n).first;
  }
  if (entries_.size() >= kNone) throw ConfigError("labels: more than 4 294 967 294 truth flows");
  const auto index = static_cast<std::uint32_t>(entries_.size());
  auto [head, inserted] = heads_.try_emplace(key, index);
  entries_.push_back({start, end, id->second, inserted ? kNone : head->second});
  head->second = index;
}

std::string_view FlowLabels::label(const RawPacket& packet) const {
  const auto head = heads_.find(label_key(packet));
  if (head == heads_.end()) return {};
  const Timestamp t = packet.ts;
  std::uint32_t best = kNone;
  Duration best_gap = std::numeric_limits<Duration>::max();
  for (std::uint32_t i = head->second; i != kNone; i = entries_[i].next) {
    const Entry& e = entries_[i];
    const Duration gap = t < e.start ? e.start - t : (t > e.end ? t - e.end : 0);
    // Entries run from the latest added back: on a tie the earlier flow wins.
    if (gap <= best_gap) best = i, best_gap = gap;
  }
  if (best == kNone || best_gap > slack_) return {};
  return names_[entries_[best].label];
}

void FlowLabels::read(std::FILE* in, const std::string& name, std::string_view column) {
  char* buf = nullptr;
  std::size_t cap = 0;
  struct Free {
    char*& p;
    ~Free() { std::free(p); }
  } free_buf{buf};
  std::vector<std::string_view> f;
  std::vector<std::string> header;
  int sa = -1, da = -1, sp = -1, dp = -1, pr = -1, ts = -1, te = -1, lb = -1;
  std::uint64_t line_no = 0;
  auto fail = [&](const std::string& what) { throw ConfigError(name + ":" + std::to_string(line_no) + ": " + what); };
  ssize_t n;
  while ((n = getline(&buf, &cap, in)) >= 0) {
    ++line_no;
    std::string_view line(buf, static_cast<std::size_t>(n));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    split_csv_fields(line, f);
    if (header.empty()) {
      header.assign(f.begin(), f.end());
      auto need = [&](std::string_view c) {
        for (std::size_t i = 0; i < header.size(); ++i) {
          if (header[i] == c) return static_cast<int>(i);
        }
        fail("no " + std::string(c) + " column (a label file needs SRC_IP, DST_IP, SRC_PORT, DST_PORT, L4_PROTO, " +
             "START_TIME, END_TIME and the label column)");
        return -1;
      };
      sa = need("SRC_IP"), da = need("DST_IP"), sp = need("SRC_PORT"), dp = need("DST_PORT"), pr = need("L4_PROTO");
      ts = need("START_TIME"), te = need("END_TIME"), lb = need(column);
      continue;
    }
    if (f.size() != header.size()) {
      fail(std::to_string(f.size()) + " fields, the header has " + std::to_string(header.size()));
    }
    const auto src = IpAddress::parse(f[static_cast<std::size_t>(sa)]);
    const auto dst = IpAddress::parse(f[static_cast<std::size_t>(da)]);
    const auto spn = parse_csv_number<unsigned>(f[static_cast<std::size_t>(sp)]);
    const auto dpn = parse_csv_number<unsigned>(f[static_cast<std::size_t>(dp)]);
    const auto prn = parse_csv_number<unsigned>(f[static_cast<std::size_t>(pr)]);
    const auto start = parse_csv_number<Timestamp>(f[static_cast<std::size_t>(ts)]);
    const auto end = parse_csv_number<Timestamp>(f[static_cast<std::size_t>(te)]);
    if (!src || !dst) fail("SRC_IP, DST_IP: IPv4 or IPv6 addresses expected");
    if (!spn || !dpn || *spn > 65535 || *dpn > 65535) fail("SRC_PORT, DST_PORT: ports 0-65535 expected");
    if (!prn || *prn > 255) fail("L4_PROTO: an IP protocol number 0-255 expected");
    if (!start || !end || *start < 0 || *end < *start) {
      fail("START_TIME, END_TIME: ns since the epoch expected, the end not before the start");
    }
    const std::string_view label = f[static_cast<std::size_t>(lb)];
    if (label.empty()) fail(std::string(column) + ": an empty label");
    add(label_key(*src, static_cast<std::uint16_t>(*spn), *dst, static_cast<std::uint16_t>(*dpn),
                  static_cast<std::uint8_t>(*prn)),
        *start, *end, label);
  }
  if (std::ferror(in) != 0) throw IoError(name, "cannot read", errno);
  if (header.empty()) {
    line_no = 1;
    fail("empty: a header row naming SRC_IP, DST_IP, SRC_PORT, DST_PORT, L4_PROTO, START_TIME, END_TIME expected");
  }
}

void ActiveFlowLabels::started(const FlowRecord& r) {
  auto [it, fresh] = active_.try_emplace(label_key(r.src, r.src_port, r.dst, r.dst_port, r.l4_proto), Active{r.app, 0});
  if (fresh || it->second.count == 0) it->second.label = r.app;
  ++it->second.count;
}

void ActiveFlowLabels::write(const FlowRecord& r) {
  const auto it = active_.find(label_key(r.src, r.src_port, r.dst, r.dst_port, r.l4_proto));
  if (it == active_.end()) return;
  if (--it->second.count == 0) active_.erase(it);
}

std::string_view ActiveFlowLabels::label(const RawPacket& packet) const {
  const auto it = active_.find(label_key(packet));
  return it == active_.end() ? std::string_view{} : it->second.label;
}

}  // namespace flowreplay
