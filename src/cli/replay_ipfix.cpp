// SPDX-License-Identifier: MIT
// flowreplay replay FILE.ipfix --ipfix URL: an IPFIX file's messages resent to a collector at the
// pacing of their export times (docs/replay.md, "IPFIX files to collectors").
#include "replay_ipfix.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowreplay/core/clock.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/exporters/ipfix_reader.hpp"
#include "flowreplay/exporters/ipfix_replay.hpp"
#include "flowreplay/net/collector.hpp"
#include "flowreplay/net/tcp_message_sender.hpp"
#include "flowreplay/net/udp_socket.hpp"
#include "flowreplay/replay/paced_sink.hpp"
#include "flowreplay/replay/pacer.hpp"

namespace flowreplay::cli {

namespace {

std::uint32_t wire_export_time(const std::vector<std::uint8_t>& message) {
  return (std::uint32_t{message[4]} << 24) | (std::uint32_t{message[5]} << 16) | (std::uint32_t{message[6]} << 8) | message[7];
}

}  // namespace

bool is_ipfix_file(const std::string& path) {
  if (path == "-") return false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char head[2] = {};
  const bool ipfix = std::fread(head, 1, 2, f) == 2 && head[0] == 0 && head[1] == 10;  // IPFIX version 10
  std::fclose(f);
  return ipfix;
}

int run_ipfix_replay(const IpfixReplayOptions& o) {
  const auto to = CollectorAddress::parse(o.collector);
  if (!to) throw UsageError("replay: --ipfix expects udp://HOST:PORT or tcp://HOST:PORT, got '" + o.collector + "'");
  if (const auto ip = to->literal(); ip && ip->is_multicast()) {
    throw UsageError("replay: --ipfix: " + to->to_string() + " is a multicast group; replay sends to one collector");
  }
  // Every input is opened (and its first message checked) before anything is sent.
  for (const auto& path : o.inputs) IpfixMessageReader check(path);

  std::unique_ptr<UdpSocket> udp;
  std::unique_ptr<TcpMessageSender> tcp;
  if (to->transport == CollectorAddress::Transport::kUdp) {
    udp = std::make_unique<UdpSocket>(*to);
  } else {
    tcp = std::make_unique<TcpMessageSender>(*to, TcpMessageSender::Options{});
  }

  MonotonicClock clock;
  IpfixRetimer retimer;
  std::vector<std::uint8_t> message;
  std::uint64_t messages = 0, records = 0, bytes = 0, send_errors = 0, loops_done = 0;
  int last_error = 0;
  bool started = false, lost_connection = false, done = false;
  Timestamp wall0 = 0;
  std::uint32_t first_export = 0, last_export = 0;  // of the first loop, unshifted
  std::uint32_t span = 0;                           // seconds one loop shifts the next by
  std::vector<std::string> truncated;
  const std::uint32_t delay_seconds = static_cast<std::uint32_t>((o.loop_delay + kNanosPerSecond - 1) / kNanosPerSecond);

  for (std::uint64_t loop = 0; (o.loops == 0 || loop < o.loops) && !done && !stop_requested(); ++loop) {
    if (loop == 1) span = last_export - first_export + 1 + delay_seconds;
    const auto shift = static_cast<std::uint32_t>(loop * span);
    for (std::size_t input = 0; input < o.inputs.size() && !done; ++input) {
      IpfixMessageReader reader(o.inputs[input]);
      while (!done && !stop_requested() && reader.next(message)) {
        const std::string where = o.inputs[input] + ": message at byte " + std::to_string(reader.offset() - message.size());
        const std::uint32_t original = wire_export_time(message);
        if (!started) first_export = last_export = original;
        if (loop == 0 && original > last_export) last_export = original;
        const IpfixRetimer::Result r = retimer.rewrite(message, shift, where);
        // The message's deadline, from the first message's release.
        Duration offset = 0;
        if (o.speed == IpfixSpeed::kExportTime) {
          const std::int64_t seconds = static_cast<std::int64_t>(r.export_time) - first_export;
          offset = static_cast<Duration>(static_cast<double>(std::max<std::int64_t>(seconds, 0)) * 1e9 / o.multiplier);
        } else if (o.speed == IpfixSpeed::kMessageRate) {
          offset = static_cast<Duration>(static_cast<double>(messages) * 1e9 / o.rate);
        } else if (o.speed == IpfixSpeed::kRecordRate) {
          offset = static_cast<Duration>(static_cast<double>(records) * 1e9 / o.rate);
        }
        if (!started) {
          started = true;
          wall0 = clock.now();
        }
        if (o.duration != 0 && offset > o.duration) {
          done = true;
          break;
        }
        if (o.speed != IpfixSpeed::kTopspeed) wait_until(clock, wall0 + offset);
        if (udp) {
          if (!udp->send(message)) {
            ++send_errors;
            last_error = udp->last_errno();
          }
        } else if (!tcp->send(message, r.data_records)) {
          lost_connection = true;
          done = true;
          break;
        }
        ++messages;
        records += r.data_records;
        bytes += message.size();
        if (o.limit != 0 && messages >= o.limit) done = true;
      }
      if (reader.truncated() && loop == 0) truncated.push_back(reader.truncation_message());
    }
    if (!done && !stop_requested()) ++loops_done;
  }
  bool delivered = true;
  if (tcp && !lost_connection) delivered = tcp->finish();
  const double seconds = started ? static_cast<double>(clock.now() - wall0) / 1e9 : 0.0;

  for (const auto& t : truncated) std::fprintf(stderr, "flowreplay replay: warning: %s\n", t.c_str());
  if (!o.quiet) {
    std::fprintf(stderr,
                 "flowreplay replay: %" PRIu64 " IPFIX messages, %" PRIu64 " data records, %" PRIu64
                 " bytes to %s in %.3f s (%.0f records/s)\n",
                 messages, records, bytes, to->to_string().c_str(), seconds, seconds > 0 ? static_cast<double>(records) / seconds : 0.0);
    if (o.loops != 1) {
      std::fprintf(stderr, "  loops: %" PRIu64 " completed; each shifted export and record times by %u s more\n", loops_done,
                   span);
    }
    if (retimer.unknown_sets() > 0) {
      std::fprintf(stderr, "  %" PRIu64 " data sets of templates not seen before them: sent unchanged, not counted or retimed\n",
                   retimer.unknown_sets());
    }
  }
  if (send_errors > 0) {
    std::fprintf(stderr, "flowreplay replay: error: %" PRIu64 " messages could not be sent (last: %s)\n", send_errors,
                 std::strerror(last_error));
  }
  if (lost_connection || !delivered) {
    std::fprintf(stderr, "flowreplay replay: error: the collector %s did not receive everything: %s\n", to->to_string().c_str(),
                 tcp->reason().empty() ? "no acknowledgement" : tcp->reason().c_str());
  }
  return (send_errors > 0 || lost_connection || !delivered || !truncated.empty()) ? 1 : 0;
}

int run_ipfix_to_netflow9(const IpfixReplayOptions& o) {
  const auto to = CollectorAddress::parse(o.collector);
  if (!to || to->transport != CollectorAddress::Transport::kUdp) {
    throw UsageError("replay: --netflow9 expects udp://HOST:PORT, got '" + o.collector + "'");
  }
  if (const auto ip = to->literal(); ip && ip->is_multicast()) {
    throw UsageError("replay: --netflow9: " + to->to_string() + " is a multicast group; replay sends to one collector");
  }
  if (o.speed == IpfixSpeed::kMessageRate) throw UsageError("replay: --netflow9 paces records: use --rate, not --pps");
  for (const auto& path : o.inputs) IpfixReader check(path);  // every input readable before anything is sent

  const std::unique_ptr<FlowExporter> exporter = make_netflow_v9_exporter(*to, ExportOptions{});
  MonotonicClock clock;
  Pacing pacing;
  if (o.speed == IpfixSpeed::kExportTime) pacing.mode = Pacing::Mode::kRealtime, pacing.multiplier = o.multiplier;
  if (o.speed == IpfixSpeed::kRecordRate) pacing.mode = Pacing::Mode::kRate, pacing.rate = o.rate;
  PacedRecordSink paced(*exporter, clock, pacing);
  FlowRecordSink& sink = o.speed == IpfixSpeed::kTopspeed ? static_cast<FlowRecordSink&>(*exporter) : paced;

  Timestamp first = 0, last = 0;  // the first loop's earliest start and latest end
  Duration span = 0;
  std::uint64_t records = 0, loops_done = 0;
  bool started = false, done = false;
  const Timestamp wall0 = clock.now();
  for (std::uint64_t loop = 0; (o.loops == 0 || loop < o.loops) && !done && !stop_requested(); ++loop) {
    // Whole seconds, as the IPFIX path shifts, so both outputs of one file agree.
    if (loop == 1) {
      const Duration delay = (o.loop_delay + kNanosPerSecond - 1) / kNanosPerSecond * kNanosPerSecond;
      span = ((last - first) / kNanosPerSecond + 1) * kNanosPerSecond + delay;
    }
    const Duration shift = static_cast<Duration>(loop) * span;
    for (std::size_t input = 0; input < o.inputs.size() && !done; ++input) {
      IpfixReader reader(o.inputs[input]);
      FlowRecord r;
      while (!done && !stop_requested() && reader.next(r)) {
        if (!started) first = r.start, last = r.end, started = true;
        if (loop == 0) first = std::min(first, r.start), last = std::max(last, r.end);
        for (Timestamp* t : {&r.start, &r.end, &r.start_fwd, &r.end_fwd, &r.start_rev, &r.end_rev}) {
          if (*t != 0) *t += shift;
        }
        if (o.duration != 0 && clock.now() - wall0 > o.duration) {
          done = true;
          break;
        }
        sink.write(r);
        ++records;
        if (o.limit != 0 && records >= o.limit) done = true;
      }
    }
    if (!done && !stop_requested()) ++loops_done;
  }
  sink.finish();
  const ExportStats st = exporter->stats();
  const double seconds = static_cast<double>(clock.now() - wall0) / 1e9;
  if (!o.quiet) {
    std::fprintf(stderr, "flowreplay replay: %" PRIu64 " flow records of %zu IPFIX file%s as NetFlow v9 in %.3f s\n", records,
                 o.inputs.size(), o.inputs.size() == 1 ? "" : "s", seconds);
    if (o.loops != 1) {
      std::fprintf(stderr, "  loops: %" PRIu64 " completed; each shifted record times by %.0f s more\n", loops_done,
                   static_cast<double>(span) / 1e9);
    }
  }
  if (!o.quiet || st.records_dropped > 0) {
    std::fprintf(stderr, "  %s: %llu records sent in %llu messages, %llu dropped\n", exporter->describe().c_str(),
                 static_cast<unsigned long long>(st.records_sent), static_cast<unsigned long long>(st.messages),
                 static_cast<unsigned long long>(st.records_dropped));
  }
  return st.records_dropped > 0 ? 1 : 0;
}

}  // namespace flowreplay::cli
