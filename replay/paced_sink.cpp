// SPDX-License-Identifier: MIT
#include "flowreplay/replay/paced_sink.hpp"

namespace flowreplay {

namespace {

// The trace time of the n-th item at `rate` per second: n / rate seconds after the first.
Timestamp rate_slot(std::uint64_t n, double rate) {
  return static_cast<Timestamp>(static_cast<double>(n) * 1e9 / rate);
}

double pacer_multiplier(const Pacing& p) { return p.mode == Pacing::Mode::kRealtime ? p.multiplier : 1.0; }

// Waits until item number `n`, stamped `ts`, is due.
void wait_due(Pacer& pacer, const Pacing& p, std::uint64_t n, Timestamp ts) {
  if (p.mode == Pacing::Mode::kRate && p.rate > 0) {
    pacer.wait(rate_slot(n, p.rate));
  } else if (p.mode == Pacing::Mode::kRealtime) {
    pacer.wait(ts);
  }
}

}  // namespace

PacedRecordSink::PacedRecordSink(FlowRecordSink& inner, Clock& clock, const Pacing& pacing)
    : inner_(inner), pacing_(pacing), pacer_(clock, pacer_multiplier(pacing)) {}

void PacedRecordSink::write(const FlowRecord& record) {
  // What the inner sink holds leaves before a wait (every record at its time), and only then:
  // records due at once share messages.
  if (pacing_.mode == Pacing::Mode::kRealtime && pacer_.would_wait(record.end)) inner_.flush();
  wait_due(pacer_, pacing_, records_, record.end);
  records_ += inner_.records_for(record);
  inner_.write(record);
}

PacedPacketSink::PacedPacketSink(PacketSink& inner, Clock& clock, const Pacing& pacing)
    : inner_(inner), pacing_(pacing), pacer_(clock, pacer_multiplier(pacing)) {}

void PacedPacketSink::commit(Timestamp ts, std::size_t len) {
  wait_due(pacer_, pacing_, packets_, ts);
  ++packets_;
  inner_.commit(ts, len);
}

}  // namespace flowreplay
