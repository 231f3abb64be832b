// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/flow_compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/flow_key.hpp"

namespace flowreplay {

namespace {

// One direction of a record.
struct OneWay {
  FlowKey key;  // directed: a = source, b = destination (not FlowKey::of's canonical order)
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  Timestamp start = 0, end = 0;            // this direction's first and last packet
  Timestamp wide_start = 0, wide_end = 0;  // the record's, both directions
  Duration precision = 1;
  bool reverse = false;
  std::uint64_t line = 0;
};

FlowKey directed(const IpAddress& src, std::uint16_t sp, const IpAddress& dst, std::uint16_t dp, std::uint8_t proto) {
  FlowKey k;
  k.a = src, k.b = dst, k.protocol = proto;
  if (!is_icmp(proto)) k.a_port = sp, k.b_port = dp;  // ICMP: no ports on any input (see the header)
  return k;
}

void split(const CompareInput& in, std::vector<OneWay>& out) {
  const FlowRecord& r = in.record;
  if (r.packets > 0 || r.bytes > 0) {
    OneWay w{directed(r.src, r.src_port, r.dst, r.dst_port, r.l4_proto), r.packets, r.bytes,
             in.per_direction_times ? r.start_fwd : r.start, in.per_direction_times ? r.end_fwd : r.end,
             r.start, r.end, in.precision, false, in.line};
    out.push_back(w);
  }
  if (r.packets_rev > 0 || r.bytes_rev > 0) {
    OneWay w{directed(r.dst, r.dst_port, r.src, r.src_port, r.l4_proto), r.packets_rev, r.bytes_rev,
             in.per_direction_times ? r.start_rev : r.start, in.per_direction_times ? r.end_rev : r.end,
             r.start, r.end, in.precision, true, in.line};
    out.push_back(w);
  }
}

std::string ms_text(Duration ns) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string signed_count(std::uint64_t want, std::uint64_t got) {
  const auto diff = static_cast<std::int64_t>(got) - static_cast<std::int64_t>(want);
  return std::to_string(want) + " expected, " + std::to_string(got) + " seen (" + (diff > 0 ? "+" : "") +
         std::to_string(diff) + ")";
}

void add(ProtocolTotals& t, bool reference, std::uint64_t packets, std::uint64_t bytes) {
  if (reference) {
    t.ref_packets += packets, t.ref_bytes += bytes, ++t.ref_flows;
  } else {
    t.probe_packets += packets, t.probe_bytes += bytes, ++t.probe_flows;
  }
}

}  // namespace

double relative_error(std::uint64_t ref, std::uint64_t probe) {
  if (ref == 0) return probe == 0 ? 0.0 : 1.0;
  return std::fabs(static_cast<double>(probe) - static_cast<double>(ref)) / static_cast<double>(ref);
}

bool CompareResult::statistical_pass(double tolerance) const {
  auto within = [&](const ProtocolTotals& t) {
    return relative_error(t.ref_packets, t.probe_packets) <= tolerance &&
           relative_error(t.ref_bytes, t.probe_bytes) <= tolerance && relative_error(t.ref_flows, t.probe_flows) <= tolerance;
  };
  if (!within(total)) return false;
  return std::all_of(by_protocol.begin(), by_protocol.end(), [&](const auto& p) { return within(p.second); });
}

CompareResult compare_flows(const std::vector<CompareInput>& reference, const std::vector<CompareInput>& probe,
                            const CompareOptions& options, const std::string& reference_name) {
  CompareResult result;
  std::vector<OneWay> ref;
  ref.reserve(reference.size() * 2);
  for (const auto& r : reference) split(r, ref);

  // Reference flows by key, in order of start; two that share a key must not overlap in time.
  std::unordered_map<FlowKey, std::vector<std::size_t>, FlowKeyHash> index;
  for (std::size_t i = 0; i < ref.size(); ++i) index[ref[i].key].push_back(i);
  const Duration tol = options.tolerance;
  for (auto& [key, list] : index) {
    std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) { return ref[a].wide_start < ref[b].wide_start; });
    for (std::size_t j = 1; j < list.size(); ++j) {
      const OneWay& a = ref[list[j - 1]];
      const OneWay& b = ref[list[j]];
      if (b.wide_start - tol <= a.wide_end + tol && a.line != b.line) {
        throw ConfigError(reference_name + ":" + std::to_string(b.line) + ": the same flow key as line " +
                          std::to_string(a.line) + " within the time tolerance: a probe record could belong to either");
      }
    }
  }

  struct Seen {
    std::uint64_t packets = 0, bytes = 0, records = 0;
    Timestamp start = 0, end = 0;
    Duration precision = 1;  // the coarsest of the records' times
    std::vector<std::pair<Timestamp, Timestamp>> pieces;
  };
  std::vector<Seen> seen(ref.size());
  std::map<std::uint8_t, ProtocolTotals> protocols;
  std::vector<OneWay> probes;
  for (const auto& p : probe) {
    if (p.record.end < p.record.start) {
      ++result.probe_malformed;
      continue;
    }
    probes.clear();
    split(p, probes);
    for (const OneWay& w : probes) {
      const auto it = index.find(w.key);
      std::size_t match = ref.size();
      if (it != index.end()) {
        const Duration slack = tol + std::max(w.precision, Duration{1});
        for (std::size_t i : it->second) {
          if (w.start >= ref[i].wide_start - slack && w.start <= ref[i].wide_end + slack) {
            match = i;
            break;
          }
        }
      }
      add(result.total, false, w.packets, w.bytes);
      if (match == ref.size()) {
        FlowVerdict v;
        v.verdict = Verdict::kUnexpected;
        v.key.src = w.key.a, v.key.dst = w.key.b, v.key.src_port = w.key.a_port, v.key.dst_port = w.key.b_port;
        v.key.l4_proto = w.key.protocol;
        v.probe_packets = w.packets, v.probe_bytes = w.bytes, v.probe_start = w.start, v.probe_end = w.end;
        v.probe_records = 1;
        v.detail = "probe record at line " + std::to_string(w.line) + " matches no reference flow";
        result.verdicts.push_back(std::move(v));
        add(protocols[w.key.protocol], false, w.packets, w.bytes);
        ++result.unexpected;
        continue;
      }
      Seen& s = seen[match];
      if (s.records == 0 || w.start < s.start) s.start = w.start;
      if (s.records == 0 || w.end > s.end) s.end = w.end;
      s.packets += w.packets;
      s.bytes += w.bytes;
      ++s.records;
      s.precision = std::max(s.precision, w.precision);
      s.pieces.emplace_back(w.start, w.end);
    }
  }
  // The probe's flow count is counted per reference flow met, not per record: undo the extra
  // records of split flows.
  std::vector<FlowVerdict> unexpected = std::move(result.verdicts);
  result.verdicts.clear();
  result.total.probe_flows = unexpected.size();
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const OneWay& r = ref[i];
    const Seen& s = seen[i];
    add(result.total, true, r.packets, r.bytes);
    ProtocolTotals& pt = protocols[r.key.protocol];
    add(pt, true, r.packets, r.bytes);
    FlowVerdict v;
    v.key.src = r.key.a, v.key.dst = r.key.b, v.key.src_port = r.key.a_port, v.key.dst_port = r.key.b_port;
    v.key.l4_proto = r.key.protocol;
    v.reverse = r.reverse;
    v.ref_packets = r.packets, v.ref_bytes = r.bytes, v.ref_start = r.start, v.ref_end = r.end;
    v.probe_packets = s.packets, v.probe_bytes = s.bytes, v.probe_start = s.start, v.probe_end = s.end;
    v.probe_records = s.records;
    if (s.records == 0) {
      v.verdict = Verdict::kMissing;
      v.detail = "no probe record";
      ++result.missing;
      result.verdicts.push_back(std::move(v));
      continue;
    }
    ++result.total.probe_flows;
    pt.probe_packets += s.packets, pt.probe_bytes += s.bytes, ++pt.probe_flows;
    std::string problems;
    auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
    if (s.packets != r.packets) problem("PACKETS " + signed_count(r.packets, s.packets));
    if (s.bytes != r.bytes) problem("BYTES " + signed_count(r.bytes, s.bytes));
    // A probe's times may be truncated to its precision, and a biflow split into one-way records
    // may carry the biflow's times on both halves (nfdump does).
    const Duration allowed = tol + s.precision;
    auto close = [&](Timestamp probe_t, Timestamp own, Timestamp wide) {
      return std::llabs(probe_t - own) <= allowed || std::llabs(probe_t - wide) <= allowed;
    };
    if (!close(s.start, r.start, r.wide_start)) problem("START off by " + ms_text(s.start - r.start));
    if (!close(s.end, r.end, r.wide_end)) problem("END off by " + ms_text(s.end - r.end));
    if (s.records > 1) {
      ++result.split_merged;
      if (options.active_timeout || options.inactive_timeout) {
        auto pieces = s.pieces;
        std::sort(pieces.begin(), pieces.end());
        for (std::size_t j = 1; j < pieces.size(); ++j) {
          const bool active = options.active_timeout && pieces[j - 1].second - pieces[j - 1].first >= *options.active_timeout - tol;
          const bool idle = options.inactive_timeout && pieces[j].first - pieces[j - 1].second >= *options.inactive_timeout - tol;
          if (!active && !idle) {
            ++result.unexplained_splits;
            problem("split into " + std::to_string(s.records) + " records where neither timeout explains it");
            break;
          }
        }
      }
      if (problems.empty()) v.detail = "merged " + std::to_string(s.records) + " records";
    }
    if (problems.empty()) {
      v.verdict = Verdict::kOk;
      ++result.ok;
    } else {
      v.verdict = Verdict::kIncorrect;
      v.detail = problems;
      ++result.incorrect;
    }
    result.verdicts.push_back(std::move(v));
  }
  for (auto& u : unexpected) result.verdicts.push_back(std::move(u));
  result.by_protocol.assign(protocols.begin(), protocols.end());
  return result;
}

}  // namespace flowreplay
