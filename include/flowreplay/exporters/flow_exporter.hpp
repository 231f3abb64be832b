// SPDX-License-Identifier: MIT
// Flow-record sinks that export: NetFlow v9 over UDP (own encoder) and IPFIX over UDP, TCP or to
// a file (libfixbuf), both from the elements of info_elements.hpp. They send as fast as they are
// written to (wrap one in a PacedRecordSink to pace it), count what was sent and what was lost,
// and throw IoError when the collector cannot be reached.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "flowreplay/core/clock.hpp"
#include "flowreplay/net/collector.hpp"
#include "flowreplay/core/flow_record.hpp"

namespace flowreplay {

struct ExportOptions {
  // Where IPFIX export times come from: null for trace time (a message is stamped with the end,
  // rounded up to the second, of the newest record exported when it began), so the same records
  // give the same bytes; a clock (WallClock for --export-time wall) otherwise.
  Clock* clock = nullptr;
  std::uint32_t domain_id = 1;     // IPFIX observation domain / NetFlow v9 source id
  bool biflow = false;             // IPFIX: one record with RFC 5103 reverse elements
  bool nanoseconds = false;        // IPFIX: flowStart/EndNanoseconds as well as Milliseconds
  std::uint32_t template_every = 20;  // UDP: resend templates every this many messages
  // TCP: a collector that acknowledges nothing for this long has stopped reading; the export
  // fails (no reconnect) and what it did not acknowledge is counted as dropped.
  Duration collector_timeout = 20 * kNanosPerSecond;
  bool partial_files = true;  // an IPFIX file is written as NAME.partial until finish()
  int multicast_ttl = 0;      // UDP to a multicast group: the TTL the command line gave (--ttl)
  // libfixbuf's own GLib messages: shown as "flowreplay: libfixbuf: ..." lines, or dropped when
  // quiet (flowreplay reports every failure itself).
  bool quiet = false;
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

}  // namespace flowreplay
