// SPDX-License-Identifier: MIT
// Pacing as a decorator: a sink wrapped in one of these receives each item when it is due, on an
// injected clock, by absolute deadlines from the first item (Pacer). The sinks themselves know
// nothing of time: an exporter, a capture writer or an interface sender is paced the same way.
#pragma once

#include <cstdint>

#include "flowreplay/core/clock.hpp"
#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/packet_sink.hpp"
#include "flowreplay/replay/pacer.hpp"

namespace flowreplay {

struct Pacing {
  enum class Mode : std::uint8_t {
    kNone,      // as fast as possible
    kRate,      // `rate` items per second, counted from the first
    kRealtime,  // at the items' own times (a record's end, a packet's timestamp) / `multiplier`
  } mode = Mode::kNone;
  double rate = 0;
  double multiplier = 1.0;
};

// Flow records: with kRate, `rate` counts the records the inner sink makes (records_for: a one-way
// exporter sends a biflow as two); with kRealtime a record is due when its flow ended, and what
// the inner sink buffered is flushed before a wait, so every record leaves at its time (records
// already due when they arrive share messages).
class PacedRecordSink : public FlowRecordSink {
 public:
  PacedRecordSink(FlowRecordSink& inner, Clock& clock, const Pacing& pacing);
  void write(const FlowRecord& record) override;
  void flush() override { inner_.flush(); }
  void finish() override { inner_.finish(); }
  [[nodiscard]] std::uint32_t records_for(const FlowRecord& record) const override {
    return inner_.records_for(record);
  }

 private:
  FlowRecordSink& inner_;
  Pacing pacing_;
  Pacer pacer_;
  std::uint64_t records_ = 0;  // made by the inner sink so far
};

// Packets: with kRate, `rate` packets per second; with kRealtime each packet at its timestamp.
// The frame is built into the inner sink's buffer as usual; the wait comes before the commit.
class PacedPacketSink : public PacketSink {
 public:
  PacedPacketSink(PacketSink& inner, Clock& clock, const Pacing& pacing);
  std::uint8_t* reserve(std::size_t max_len) override { return inner_.reserve(max_len); }
  void commit(Timestamp ts, std::size_t len) override;
  void finish() override { inner_.finish(); }
  [[nodiscard]] std::uint64_t bytes_written() const override { return inner_.bytes_written(); }

 private:
  PacketSink& inner_;
  Pacing pacing_;
  Pacer pacer_;
  std::uint64_t packets_ = 0;
};

}  // namespace flowreplay
