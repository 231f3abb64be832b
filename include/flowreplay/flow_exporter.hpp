// SPDX-License-Identifier: MIT
// Flow-record sinks that export: NetFlow v9 over UDP (own encoder) and IPFIX over UDP, TCP or to
// a file (libfixbuf). Both pace records (RECORDS/s, absolute deadlines through replay/'s Pacer),
// count what was sent and what was lost, and throw IoError when the collector cannot be reached.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "flowreplay/collector.hpp"
#include "flowreplay/flow_record.hpp"

namespace flowreplay {

struct ExportOptions {
  double rate = 0;                 // records per second, 0 = as fast as possible
  bool realtime = false;           // send each record when its flow ends, in trace time
  double multiplier = 1.0;         // with realtime: trace time runs this many times faster
  std::uint32_t domain_id = 1;     // IPFIX observation domain / NetFlow v9 source id
  bool biflow = false;             // IPFIX: one record with RFC 5103 reverse elements
  bool nanoseconds = false;        // IPFIX: flowStart/EndNanoseconds as well as Milliseconds
  std::uint32_t template_every = 20;  // UDP: resend templates every this many messages
};

struct ExportStats {
  std::uint64_t records_sent = 0;     // handed to the network or file without error
  std::uint64_t records_dropped = 0;  // lost to a send error
  std::uint64_t messages = 0;
  std::uint64_t retries = 0;
};

class FlowExporter : public FlowRecordSink {
 public:
  [[nodiscard]] virtual ExportStats stats() const = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
};

std::unique_ptr<FlowExporter> make_netflow_v9_exporter(const CollectorAddress& to, const ExportOptions& options);
std::unique_ptr<FlowExporter> make_ipfix_exporter(const CollectorAddress& to, const ExportOptions& options);
std::unique_ptr<FlowExporter> make_ipfix_file_exporter(const std::string& path, const ExportOptions& options);

// Sends one record to several sinks.
class TeeSink : public FlowRecordSink {
 public:
  void add(FlowRecordSink* sink) {
    if (sink != nullptr) sinks_[n_++] = sink;
  }
  void write(const FlowRecord& r) override {
    for (std::size_t i = 0; i < n_; ++i) sinks_[i]->write(r);
  }
  void finish() override {
    for (std::size_t i = 0; i < n_; ++i) sinks_[i]->finish();
  }
  [[nodiscard]] bool empty() const { return n_ == 0; }

 private:
  FlowRecordSink* sinks_[8] = {};
  std::size_t n_ = 0;
};

}  // namespace flowreplay
