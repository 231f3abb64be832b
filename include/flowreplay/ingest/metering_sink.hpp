// SPDX-License-Identifier: MIT
// A PacketSink that meters what passes through it: every frame is decoded into a RawPacket and
// handed to a PacketMeter, then to the next sink if there is one (`gen --features`: the features
// of synthesized traffic without a capture in between).
#pragma once

#include <cstdint>
#include <vector>

#include "flowreplay/core/packet_sink.hpp"
#include "flowreplay/ingest/capture_loop.hpp"
#include "flowreplay/ingest/raw_packet.hpp"

namespace flowreplay {

class MeteringSink : public PacketSink {
 public:
  // `next` may be null: the frames are metered and dropped.
  MeteringSink(PacketSink* next, PacketMeter& meter, int link_type = kLinkEthernet)
      : next_(next), meter_(meter), link_type_(link_type) {}

  std::uint8_t* reserve(std::size_t max_len) override {
    if (next_ != nullptr) return frame_ = next_->reserve(max_len);
    if (own_.size() < max_len) own_.resize(max_len);
    return frame_ = own_.data();
  }
  void commit(Timestamp ts, std::size_t len) override {
    // Decoded before the next sink takes the frame: its buffer may be gone after its commit.
    const auto packet = decode_packet(link_type_, frame_, static_cast<std::uint32_t>(len), ts, stats_);
    if (next_ != nullptr) next_->commit(ts, len);
    if (packet) meter_.add(*packet);
  }
  // Ends every open flow in the meter, then finishes the next sink.
  void finish() override {
    meter_.finish();
    if (next_ != nullptr) next_->finish();
  }
  [[nodiscard]] std::uint64_t bytes_written() const override { return next_ != nullptr ? next_->bytes_written() : 0; }
  // Frames that did not decode (none for synthesized traffic).
  [[nodiscard]] const DecodeStats& decode_stats() const { return stats_; }

 private:
  PacketSink* next_;
  PacketMeter& meter_;
  int link_type_;
  std::uint8_t* frame_ = nullptr;
  std::vector<std::uint8_t> own_;
  DecodeStats stats_;
};

}  // namespace flowreplay
