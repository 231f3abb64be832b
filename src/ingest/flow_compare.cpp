// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/flow_compare.hpp"

#include <algorithm>
#include <cmath>
#include <array>

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
  std::uint32_t index = 0;  // order of appearance in the reference
};

FlowKey directed(const IpAddress& src, std::uint16_t sp, const IpAddress& dst, std::uint16_t dp, std::uint8_t proto) {
  FlowKey k;
  k.a = src, k.b = dst, k.protocol = proto;
  if (!is_icmp(proto)) k.a_port = sp, k.b_port = dp;  // ICMP: no ports on any input (see the header)
  return k;
}

// Room for a record's one-way flows (split() gives at most two).
template <std::size_t N>
struct OneWays {
  std::array<OneWay, N> flows;
  std::uint32_t size = 0;
  void push_back(const OneWay& w) { flows[size++] = w; }
};

template <typename Vector>
void split(const CompareInput& in, Vector& out) {
  const FlowRecord& r = in.record;
  const FlowKey forward = directed(r.src, r.src_port, r.dst, r.dst_port, r.l4_proto);
  const FlowKey backward = directed(r.dst, r.dst_port, r.src, r.src_port, r.l4_proto);
  const bool has_forward = r.packets > 0 || r.bytes > 0;
  const bool has_backward = r.packets_rev > 0 || r.bytes_rev > 0;
  const Timestamp start_fwd = in.per_direction_times ? r.start_fwd : r.start;
  const Timestamp end_fwd = in.per_direction_times ? r.end_fwd : r.end;
  const Timestamp start_rev = in.per_direction_times ? r.start_rev : r.start;
  const Timestamp end_rev = in.per_direction_times ? r.end_rev : r.end;
  if (forward == backward) {  // a host talking to itself from and to one port: one one-way flow
    if (!has_forward && !has_backward) return;
    Timestamp start = has_forward ? start_fwd : start_rev;
    Timestamp end = has_forward ? end_fwd : end_rev;
    if (has_forward && has_backward) start = std::min(start_fwd, start_rev), end = std::max(end_fwd, end_rev);
    out.push_back(OneWay{forward, r.packets + r.packets_rev, r.bytes + r.bytes_rev, start, end, r.start, r.end,
                         in.precision, false, in.line});
    return;
  }
  if (has_forward) {
    out.push_back(OneWay{forward, r.packets, r.bytes, start_fwd, end_fwd, r.start, r.end, in.precision, false, in.line});
  }
  if (has_backward) {
    out.push_back(OneWay{backward, r.packets_rev, r.bytes_rev, start_rev, end_rev, r.start, r.end, in.precision, true,
                         in.line});
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

CompareResult compare_flows(const CompareInputs& reference, const CompareInputs& probe,
                            const CompareOptions& options, const std::string& reference_name,
                            const VerdictSink& on_verdict) {
  std::size_t k = 0;
  return compare_flows(
      reference,
      [&](CompareInput& in) {
        if (k >= probe.size()) return false;
        in = probe[k++];
        return true;
      },
      options, reference_name, on_verdict);
}

CompareResult compare_flows(const CompareInputs& reference, const CompareSource& next_probe,
                            const CompareOptions& options, const std::string& reference_name,
                            const VerdictSink& on_verdict) {
  CompareResult result;
  constexpr std::size_t kKept = CompareResult::kKeptProblems;
  // With a sink, verdicts are made in reference order and the first problems kept as they come.
  // Without one, the reference flows are judged in their sorted order (sequential memory), and
  // the problems of the kKept earliest reference flows are kept by their reference index.
  std::vector<std::pair<std::uint32_t, FlowVerdict>> earliest;
  auto emit = [&](const FlowVerdict& v, std::uint32_t ref_index) {
    if (on_verdict) {
      if (v.verdict != Verdict::kOk && result.problems.size() < kKept) result.problems.push_back(v);
      on_verdict(v);
      return;
    }
    if (v.verdict == Verdict::kOk) return;
    if (earliest.size() < kKept) {
      earliest.emplace_back(ref_index, v);
      return;
    }
    auto latest = std::max_element(earliest.begin(), earliest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (ref_index < latest->first) *latest = {ref_index, v};
  };
  std::vector<FlowVerdict> unexpected;  // kept until the reference flows are done
  // Reference flows sorted by (key hash, start), so the flows of one key are neighbours; an
  // open-addressing table of (hash, first position) finds a key's run with one cache miss.
  // The sort moves 24-byte keys, and the one-way flows are then made once, in sorted order.
  struct Keyed {
    std::uint64_t hash;
    Timestamp wide_start;
    std::uint32_t input;  // reference record << 1 | which of its one-way flows
    std::uint32_t index;  // order of appearance among the one-way flows
  };
  if (reference.size() >= (std::size_t{1} << 31)) throw ConfigError(reference_name + ": more than 2^31 reference records");
  constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t first = kEmpty;  // position of the hash's first flow
    std::uint32_t count = 0;       // flows of that hash, from `first` on
  };
  struct Seen {
    std::uint64_t packets = 0, bytes = 0;
    std::uint32_t records = 0;
    Duration precision = 1;  // the coarsest of the records' times
    Timestamp start = 0, end = 0;
  };
  // Every array is sized for the most one-way flows the reference can give, and the second core
  // clears their pages (Prefaulter) while this one fills them front to back.
  const std::size_t most = reference.size() * 2;
  std::size_t slots = 16;
  while (slots < most * 2) slots <<= 1;
  const std::size_t mask = slots - 1;
  std::vector<Keyed, HugePageAllocator<Keyed>> keyed;
  std::vector<OneWay, HugePageAllocator<OneWay>> ref;
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> pos_of;  // reference order -> sorted position
  std::vector<Slot, HugePageAllocator<Slot>> table;
  std::vector<Seen, HugePageAllocator<Seen>> seen;
  struct Piece {
    std::uint32_t ref;
    Timestamp start, end;
  };
  std::vector<Piece, HugePageAllocator<Piece>> pieces;  // every matched record, for the split checks
  keyed.reserve(most);
  ref.reserve(most);
  pos_of.reserve(most);
  table.reserve(slots);
  seen.reserve(most);
  pieces.reserve(most);  // a probe that matches as many records as the reference has flows
  Prefaulter warm({capacity_of(keyed), capacity_of(ref), capacity_of(pos_of), capacity_of(table), capacity_of(seen),
                   capacity_of(pieces)});
  OneWays<2> parts;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    parts.size = 0;
    split(reference[i], parts);
    for (std::uint32_t part = 0; part < parts.size; ++part) {
      keyed.push_back({FlowKeyHash{}(parts.flows[part].key), parts.flows[part].wide_start,
                       static_cast<std::uint32_t>(i << 1 | part), static_cast<std::uint32_t>(keyed.size())});
    }
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.wide_start != b.wide_start ? a.wide_start < b.wide_start : a.index < b.index;
  });
  const std::size_t n = keyed.size();
  pos_of.resize(n);
  constexpr std::size_t kMakeAhead = 8;  // the records are read at random: load them ahead
  for (std::size_t pos = 0; pos < n; ++pos) {
    if (pos + kMakeAhead < n) {
      const char* record = reinterpret_cast<const char*>(&reference[keyed[pos + kMakeAhead].input >> 1]);
      for (std::size_t line = 0; line < sizeof(CompareInput); line += 64) __builtin_prefetch(record + line);
    }
    parts.size = 0;
    split(reference[keyed[pos].input >> 1], parts);
    ref.push_back(parts.flows[keyed[pos].input & 1]);
    ref.back().index = keyed[pos].index;
    pos_of[keyed[pos].index] = static_cast<std::uint32_t>(pos);
  }
  auto hash = [&](std::size_t pos) { return keyed[pos].hash; };
  table.resize(slots);
  for (std::size_t pos = 0; pos < n;) {
    std::size_t end = pos + 1;
    while (end < n && hash(end) == hash(pos)) ++end;
    std::size_t slot = hash(pos) & mask;
    while (table[slot].first != kEmpty) slot = (slot + 1) & mask;
    table[slot] = {hash(pos), static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(end - pos)};
    pos = end;
  }
  const Duration tol = options.tolerance;
  // Two reference flows of one key must not overlap in time (within the tolerance).
  for (std::size_t pos = 1; pos < n; ++pos) {
    const OneWay& b = ref[pos];
    for (std::size_t q = pos; q-- > 0 && hash(q) == hash(pos);) {
      const OneWay& a = ref[q];
      if (a.key == b.key && a.line != b.line && b.wide_start - tol <= a.wide_end + tol) {
        const OneWay& first = a.line < b.line ? a : b;
        const OneWay& second = a.line < b.line ? b : a;
        throw ConfigError(reference_name + ":" + std::to_string(second.line) + ": the same flow key as line " +
                          std::to_string(first.line) + " within the time tolerance: a probe record could belong to either");
      }
    }
  }
  // The reference flow of w's key whose span, widened by the slack, holds w's start; when the
  // widened spans of several hold it, the one nearest to it.
  auto find = [&](const OneWay& w) -> std::size_t {
    const std::uint64_t h = FlowKeyHash{}(w.key);
    for (std::size_t slot = h & mask; table[slot].first != kEmpty; slot = (slot + 1) & mask) {
      if (table[slot].hash != h) continue;
      const Duration slack = tol + std::max(w.precision, Duration{1});
      std::size_t best = n;
      Duration best_distance = 0;
      const std::size_t end = std::size_t{table[slot].first} + table[slot].count;
      for (std::size_t pos = table[slot].first; pos < end; ++pos) {
        const OneWay& r = ref[pos];
        if (r.wide_start - slack > w.start) break;  // sorted by start: the rest start later still
        if (!(r.key == w.key) || w.start > r.wide_end + slack) continue;
        const Duration distance = w.start < r.wide_start ? r.wide_start - w.start
                                  : w.start > r.wide_end  ? w.start - r.wide_end
                                                          : 0;
        if (best == n || distance < best_distance) best = pos, best_distance = distance;
        if (distance == 0) break;
      }
      return best;
    }
    return n;
  };

  seen.resize(n);
  std::array<ProtocolTotals, 256> protocols{};  // by IP protocol number
  std::array<bool, 256> protocol_seen{};
  std::vector<OneWay> probes;
  // The table and the reference flows are larger than the caches: the probe's records are read
  // kAhead ahead; the table slots of their keys are loaded as they are read, and halfway to
  // their turn the first reference flow those slots name.
  constexpr std::size_t kAhead = 16;
  auto directions = [](const FlowRecord& r) {
    return std::array<std::uint64_t, 2>{FlowKeyHash{}(directed(r.src, r.src_port, r.dst, r.dst_port, r.l4_proto)),
                                        FlowKeyHash{}(directed(r.dst, r.dst_port, r.src, r.src_port, r.l4_proto))};
  };
  auto prefetch = [&](const CompareInput& in) {
    for (const std::uint64_t h : directions(in.record)) __builtin_prefetch(&table[h & mask]);
  };
  auto prefetch_flows = [&](const CompareInput& in) {
    for (const std::uint64_t h : directions(in.record)) {
      for (std::size_t slot = h & mask; table[slot].first != kEmpty; slot = (slot + 1) & mask) {
        if (table[slot].hash == h) {
          __builtin_prefetch(&ref[table[slot].first]);
          __builtin_prefetch(&seen[table[slot].first]);
          break;
        }
      }
    }
  };
  std::array<CompareInput, kAhead> ring;
  std::size_t head = 0;
  std::size_t count = 0;
  bool more = true;
  auto refill = [&] {
    while (more && count < kAhead) {
      CompareInput& slot = ring[(head + count) % kAhead];
      more = next_probe(slot);
      if (more) {
        prefetch(slot);
        ++count;
      }
    }
  };
  refill();
  CompareInput in;
  while (count > 0) {
    in = ring[head];
    head = (head + 1) % kAhead;
    --count;
    refill();
    if (count > kAhead / 2) prefetch_flows(ring[(head + kAhead / 2) % kAhead]);
    if (in.record.end < in.record.start) {
      ++result.probe_malformed;
      continue;
    }
    probes.clear();
    split(in, probes);
    for (const OneWay& w : probes) {
      const std::size_t match = find(w);
      add(result.total, false, w.packets, w.bytes);
      if (match == n) {
        FlowVerdict v;
        v.verdict = Verdict::kUnexpected;
        v.key.src = w.key.a, v.key.dst = w.key.b, v.key.src_port = w.key.a_port, v.key.dst_port = w.key.b_port;
        v.key.l4_proto = w.key.protocol;
        v.probe_packets = w.packets, v.probe_bytes = w.bytes, v.probe_start = w.start, v.probe_end = w.end;
        v.probe_records = 1;
        v.detail = "probe record at line " + std::to_string(w.line) + " matches no reference flow";
        if (on_verdict || unexpected.size() < kKept) unexpected.push_back(std::move(v));
        add(protocols[w.key.protocol], false, w.packets, w.bytes);
        protocol_seen[w.key.protocol] = true;
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
      pieces.push_back({static_cast<std::uint32_t>(match), w.start, w.end});
    }
  }
  // The probe's flow count is counted per reference flow met, not per record: undo the extra
  // records of split flows.
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    return a.ref != b.ref ? a.ref < b.ref : a.start < b.start;
  });
  result.total.probe_flows = result.unexpected;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = on_verdict ? pos_of[k] : k;
    const OneWay& r = ref[i];
    const Seen& s = seen[i];
    add(result.total, true, r.packets, r.bytes);
    ProtocolTotals& pt = protocols[r.key.protocol];
    protocol_seen[r.key.protocol] = true;
    add(pt, true, r.packets, r.bytes);
    // A probe's times may be truncated to its precision, and a biflow split into one-way records
    // may carry the biflow's times on both halves (nfdump does).
    const Duration allowed = tol + s.precision;
    auto close = [&](Timestamp probe_t, Timestamp own, Timestamp wide) {
      return std::llabs(probe_t - own) <= allowed || std::llabs(probe_t - wide) <= allowed;
    };
    if (s.records == 1 && !on_verdict && s.packets == r.packets && s.bytes == r.bytes) {
      // The common case, nobody asking for the verdict rows: only the times are left to check.
      if (close(s.start, r.start, r.wide_start) && close(s.end, r.end, r.wide_end)) {
        ++result.total.probe_flows;
        pt.probe_packets += s.packets, pt.probe_bytes += s.bytes, ++pt.probe_flows;
        ++result.ok;
        continue;
      }
    }
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
      emit(v, r.index);
      continue;
    }
    ++result.total.probe_flows;
    pt.probe_packets += s.packets, pt.probe_bytes += s.bytes, ++pt.probe_flows;
    std::string problems;
    auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
    if (s.packets != r.packets) problem("PACKETS " + signed_count(r.packets, s.packets));
    if (s.bytes != r.bytes) problem("BYTES " + signed_count(r.bytes, s.bytes));
    if (!close(s.start, r.start, r.wide_start)) problem("START off by " + ms_text(s.start - r.start));
    if (!close(s.end, r.end, r.wide_end)) problem("END off by " + ms_text(s.end - r.end));
    if (s.records > 1) {
      ++result.split_merged;
      if (options.active_timeout || options.inactive_timeout) {
        const auto first = std::lower_bound(pieces.begin(), pieces.end(), i,
                                            [](const Piece& p, std::size_t ref_pos) { return p.ref < ref_pos; });
        for (auto j = static_cast<std::size_t>(first - pieces.begin()) + 1; j < pieces.size() && pieces[j].ref == i; ++j) {
          const Piece& a = pieces[j - 1];
          const Piece& b = pieces[j];
          const bool active = options.active_timeout && a.end - a.start >= *options.active_timeout - tol;
          const bool idle = options.inactive_timeout && b.start - a.end >= *options.inactive_timeout - tol;
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
    emit(v, r.index);
  }
  if (!on_verdict) {
    std::sort(earliest.begin(), earliest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& e : earliest) result.problems.push_back(std::move(e.second));
  }
  for (const auto& u : unexpected) {
    if (result.problems.size() < kKept) result.problems.push_back(u);
    if (on_verdict) on_verdict(u);
  }
  for (std::size_t proto = 0; proto < protocols.size(); ++proto) {
    if (protocol_seen[proto]) result.by_protocol.emplace_back(static_cast<std::uint8_t>(proto), protocols[proto]);
  }
  return result;
}

}  // namespace flowreplay
