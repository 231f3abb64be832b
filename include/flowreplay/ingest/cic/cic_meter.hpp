// SPDX-License-Identifier: MIT
// CICFlowMeter's flow features from packets (docs/features.md defines every column).
// Four modes: `head` (the reference code as of 2021-07, d212d6c), `2020` (the 2020-01
// CICFlowMeter-4.0 behaviour), `2018` (the CIC-IDS2017/2018 era) and `corrected` (every known
// defect fixed; docs/features.md lists each fix). Times inside the meter are µs, as the
// reference's, taken from the capture's ns timestamps by truncation.
//
// Streaming: a flow is emitted when it ends (FIN/RST per mode, or its flow timeout) or at
// finish(); a flow that cannot receive more packets (its hard timeout passed) is emitted as soon
// as the capture's clock passes it, so memory follows concurrent flows.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flowreplay/core/address.hpp"
#include "flowreplay/core/flow_key.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/ingest/capture_loop.hpp"
#include "flowreplay/ingest/flow_labels.hpp"
#include "flowreplay/ingest/flow_table.hpp"
#include "flowreplay/ingest/raw_packet.hpp"

namespace flowreplay {

enum class CicMode : std::uint8_t { kHead, k2020, k2018, kCorrected };
std::optional<CicMode> cic_mode_from_name(std::string_view name);
std::string_view cic_mode_name(CicMode mode);

struct CicOptions {
  CicMode mode = CicMode::kHead;
  Duration flow_timeout = 120 * kNanosPerSecond;     // hard cap from the flow's first packet
  Duration activity_timeout = 5 * kNanosPerSecond;   // gap that ends an active period
  // Labels from a ground truth (ingest/flow_labels.hpp): when set, each flow's Label column is
  // its truth flow's label, or default_label for a flow that belongs to none.
  const FlowLabeler* labeler = nullptr;
  std::string default_label = "BENIGN";
  // Only the flows of this shard are metered (--shard K/N; core/flow_key.hpp), by the meter's own
  // key: in the reference modes anything but TCP/UDP is protocol 0 without ports, in corrected
  // ICMP is keyed by its echo identifier. The N shards' rows together are the whole's.
  Shard shard;
};

// How a value prints: an integer, a Java double, or the literal 0 of a guarded empty block.
enum class CicKind : std::uint8_t { kInteger, kDouble, kZero };
struct CicValue {
  double value = 0;
  CicKind kind = CicKind::kDouble;
};

inline constexpr std::size_t kCicValueColumns = 76;  // "Flow Duration" .. "Idle Min"

struct CicFeatures {
  std::string flow_id;
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t protocol = 0;
  std::int64_t start_us = 0;
  std::array<CicValue, kCicValueColumns> values{};
  std::string_view label;  // the Label column; empty: the mode's placeholder (NeedManualLabel, No Label)
};

// A packet with its direction assigned: forward when it comes from the endpoint that sent the
// flow's first packet (by time).
struct PacketInfo {
  RawPacket packet;
  bool forward = true;
};

class CicFlow;

class CicMeter : public PacketMeter {
 public:
  using Sink = std::function<void(const CicFeatures&)>;
  CicMeter(const CicOptions& options, Sink sink);
  ~CicMeter() override;
  CicMeter(const CicMeter&) = delete;
  CicMeter& operator=(const CicMeter&) = delete;

  void add(const RawPacket& packet) override;
  // The same with the direction decided by the caller (the windowed API's PacketInfo), in place
  // of the mode's direction rule.
  void add(const RawPacket& packet, bool forward);
  // Emits every flow still open (in order of start time, then flow id).
  void finish() override;

  [[nodiscard]] std::uint64_t flows_emitted() const { return emitted_; }
  [[nodiscard]] std::uint64_t flows_dropped_single() const { return dropped_single_; }
  [[nodiscard]] std::uint64_t out_of_order() const { return out_of_order_; }
  [[nodiscard]] std::size_t open_flows() const { return flows_.size(); }

 private:
  void emit(CicFlow& flow);
  void expire(std::int64_t now_us);

  CicOptions options_;
  Sink sink_;
  void add_packet(const RawPacket& packet, int direction);

  std::unique_ptr<CicFlow> remove(const FlowKey& key, std::uint64_t hash);  // from the table and by_start_
  [[nodiscard]] std::int64_t activity_us() const;

  FlowTable<CicFlow> flows_;
  FlowList<CicFlow> by_start_;  // open flows in order of their first packet
  // Flows emitted early because their hard timeout passed: a later packet on the same key starts
  // a new flow with the old orientation, as the reference does when it splits a flow.
  struct Orientation {
    bool src_is_b = false;
    std::uint64_t serial = 0;
    std::uint16_t icmp_type_code = 0;  // shown as Dst Port of an ICMP flow (corrected mode)
  };
  std::unordered_map<FlowKey, Orientation, FlowKeyHash> expired_;
  struct ExpiredAt {
    std::int64_t at_us;
    FlowKey key;
    std::uint64_t serial;
  };
  std::deque<ExpiredAt> expired_order_;
  std::uint64_t serial_ = 0;
  std::uint64_t emitted_ = 0;
  std::uint64_t dropped_single_ = 0;
  std::uint64_t out_of_order_ = 0;
  std::int64_t last_us_ = 0;
};

// The library API of the "flowmeter" seed, for callers with their own packets (per time window):
// assign directions (first packet by time defines forward) ...
std::vector<PacketInfo> to_packet_infos(std::span<const RawPacket> packets);
struct FlowWithFeatures {
  FlowKey key;
  CicFeatures features;
};
// ... and turn a window of packets into one feature vector per flow (flows still open at the
// end of the window are closed with it).
std::vector<FlowWithFeatures> process_packets(std::span<const PacketInfo> packets, const CicOptions& options);

// The CSV header of a mode (84 columns, no trailing newline) and one row, its Timestamp column
// in `zone`.
std::string_view cic_header(CicMode mode);
void append_cic_row(std::string& out, const CicFeatures& f, CicMode mode, const TimeZone& zone = {});

}  // namespace flowreplay
