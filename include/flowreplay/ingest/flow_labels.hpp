// SPDX-License-Identifier: MIT
// Labels for metered flows from a ground truth (`features --labels`, `gen --features`): the
// truth flow a packet belongs to is found by its flow key and its time, and the metered flow
// takes that flow's label (docs/features.md, "Labels").
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flowreplay/core/flow_key.hpp"
#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/units.hpp"
#include "flowreplay/ingest/raw_packet.hpp"

namespace flowreplay {

// The key a packet and a truth record share: the 5-tuple, either direction. ICMP and ICMPv6 are
// keyed by the echo identifier on both sides (0 for messages that have none), which is what the
// report, profile and IPFIX records carry in SRC_PORT; their type and code (DST_PORT) differ
// between a request and its reply, so they are not part of the key.
FlowKey label_key(const RawPacket& packet);
FlowKey label_key(const IpAddress& src, std::uint16_t src_port, const IpAddress& dst, std::uint16_t dst_port,
                  std::uint8_t protocol);

// Who labels a metered flow: asked with a packet of the flow (its first, and later ones while no
// label is found).
class FlowLabeler {
 public:
  virtual ~FlowLabeler() = default;
  // The label of the truth flow `packet` belongs to, or empty when it belongs to none. The view
  // stays valid as long as the labeler.
  [[nodiscard]] virtual std::string_view label(const RawPacket& packet) const = 0;
};

// Truth flows with their labels, read from a CSV (a gen report, or any CSV with its key columns
// and a label column).
class FlowLabels : public FlowLabeler {
 public:
  // `slack`: a packet this far outside every truth flow of its key still takes the nearest's
  // label (for truths with coarse times, such as nfdump's).
  explicit FlowLabels(Duration slack = 0) : slack_(slack) {}

  // Reads the rows of a CSV whose header names SRC_IP, DST_IP, SRC_PORT, DST_PORT, L4_PROTO,
  // START_TIME, END_TIME (ns since the epoch) and `column`; blank lines and # comments are
  // skipped. Errors are ConfigError "name:line: problem".
  void read(std::FILE* in, const std::string& name, std::string_view column);
  // One truth flow of `key`, start to end (ns, inclusive).
  void add(const FlowKey& key, Timestamp start, Timestamp end, std::string_view label);

  // The label of the flow of the packet's key whose span holds the packet's time; when none
  // does, of the nearest within the slack; else empty.
  [[nodiscard]] std::string_view label(const RawPacket& packet) const override;

  [[nodiscard]] std::size_t flows() const { return entries_.size(); }
  [[nodiscard]] std::size_t distinct_labels() const { return names_.size(); }

 private:
  static constexpr std::uint32_t kNone = 0xffffffff;
  struct Entry {
    Timestamp start;
    Timestamp end;
    std::uint32_t label;
    std::uint32_t next;  // the key's next entry, kNone at the last
  };
  std::unordered_map<FlowKey, std::uint32_t, FlowKeyHash> heads_;  // a key's latest entry
  std::vector<Entry> entries_;
  std::deque<std::string> names_;  // stable storage: the views handed out point here
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  Duration slack_ = 0;
};

// The labels of the flows a synthesizer is playing (gen --features): a flow is known from its
// first packet (started) to its record (write), labelled with its APP.
class ActiveFlowLabels : public FlowLabeler, public FlowRecordSink {
 public:
  void started(const FlowRecord& record) override;
  void write(const FlowRecord& record) override;
  void finish() override {}
  [[nodiscard]] std::string_view label(const RawPacket& packet) const override;

 private:
  struct Active {
    std::string_view label;
    std::uint32_t count;  // flows with this key in progress at once
  };
  std::unordered_map<FlowKey, Active, FlowKeyHash> active_;
};

}  // namespace flowreplay
