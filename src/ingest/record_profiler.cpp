// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/record_profiler.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "flowreplay/core/flow_key.hpp"
#include "flowreplay/ingest/flow_table.hpp"

namespace flowreplay {

namespace {

struct Cached {
  FlowKey key;
  FlowRecord record;
  Duration last_piece = 0;  // how long the latest record merged into it lasted
  Cached* prev = nullptr;   // FlowList links, by last update
  Cached* next = nullptr;
};

FlowKey key_of(const FlowRecord& r) {
  const bool ports = !is_icmp(r.l4_proto);
  return FlowKey::of(r.src, ports ? r.src_port : 0, r.dst, ports ? r.dst_port : 0, r.l4_proto);
}

// Whether r faces the same way as the cached flow c (its source is c's source).
bool same_direction(const FlowRecord& c, const FlowRecord& r) {
  return r.src == c.src && (is_icmp(r.l4_proto) || r.src_port == c.src_port);
}

void merge(FlowRecord& c, const FlowRecord& r, bool same) {
  std::uint64_t p = r.packets, b = r.bytes, pr = r.packets_rev, br = r.bytes_rev;
  if (!same) std::swap(p, pr), std::swap(b, br);
  c.packets += p, c.bytes += b, c.packets_rev += pr, c.bytes_rev += br;
  c.start = std::min(c.start, r.start);
  c.end = std::max(c.end, r.end);
}

}  // namespace

struct RecordProfiler::Impl {
  static constexpr std::size_t kSpares = 4096;

  FlowTable<Cached> table;
  FlowList<Cached> by_update;
  std::uint64_t size = 0;
  // Written flows' entries, reused for new ones: a profile from a million records would
  // otherwise allocate and free a million of them (6 % of the time).
  std::vector<std::unique_ptr<Cached>> spares;

  std::unique_ptr<Cached> make() {
    if (spares.empty()) return std::make_unique<Cached>();
    std::unique_ptr<Cached> c = std::move(spares.back());
    spares.pop_back();
    return c;
  }
  void recycle(std::unique_ptr<Cached> c) {
    if (spares.size() < kSpares) spares.push_back(std::move(c));
  }
};

RecordProfiler::RecordProfiler(const RecordProfilerOptions& options, Sink sink)
    : impl_(std::make_unique<Impl>()), sink_(std::move(sink)), options_(options) {}
RecordProfiler::~RecordProfiler() = default;

void RecordProfiler::prefetch(const FlowRecord& r) const {
  impl_->table.prefetch(FlowTable<Cached>::hash_of(key_of(r)));
}

void RecordProfiler::add(const FlowRecord& r) {
  ++in_;
  Impl& m = *impl_;
  const Duration inactive = options_.inactive_timeout;
  // Flows idle past the inactive timeout can take no more records: write them.
  auto write = [&](Cached* c) {
    std::unique_ptr<Cached> owned = m.table.take(c->key, FlowTable<Cached>::hash_of(c->key));
    m.by_update.unlink(c);
    --m.size;
    ++out_;
    sink_(owned->record);
    m.recycle(std::move(owned));
  };
  while (Cached* front = m.by_update.front()) {
    if (front->record.end + inactive >= r.start) break;
    write(front);
  }
  const FlowKey key = key_of(r);
  const std::uint64_t hash = FlowTable<Cached>::hash_of(key);
  if (Cached* c = m.table.find(key, hash)) {
    const bool same = same_direction(c->record, r);
    const bool in_time = r.start <= c->record.end + inactive;
    const bool first_reverse = !same && c->record.packets_rev == 0 && r.packets_rev == 0;
    const bool one_packet = r.packets + r.packets_rev == 1;
    const bool continues = c->last_piece >= options_.active_timeout - inactive;
    if (in_time && (first_reverse || one_packet || continues)) {
      merge(c->record, r, same);
      c->last_piece = r.end - r.start;
      m.by_update.move_to_back(c);
      ++merged_;
      return;
    }
    write(c);
  }
  if (m.size >= options_.max_flows) {  // the cache is full: the longest idle flow goes early
    ++evicted_;
    write(m.by_update.front());
  }
  std::unique_ptr<Cached> c = m.make();
  c->key = key;
  c->record = r;
  c->last_piece = r.end - r.start;
  Cached* raw = c.get();
  m.table.insert(std::move(c), hash);
  m.by_update.push_back(raw);
  ++m.size;
}

void RecordProfiler::finish() {
  Impl& m = *impl_;
  while (Cached* front = m.by_update.front()) {
    std::unique_ptr<Cached> owned = m.table.take(front->key, FlowTable<Cached>::hash_of(front->key));
    m.by_update.unlink(front);
    --m.size;
    ++out_;
    sink_(owned->record);
  }
}

}  // namespace flowreplay
