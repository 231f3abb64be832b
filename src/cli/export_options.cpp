// SPDX-License-Identifier: MIT
#include "export_options.hpp"

#include <cstdio>

#include "flowreplay/core/errors.hpp"
#include "validators.hpp"

namespace flowreplay::cli {

namespace {

// UDP has no flow control: pace it so a collector on the same host keeps up (docs/export.md).
constexpr double kDefaultUdpRate = 100000;  // records/s

}  // namespace

void add_export_options(CLI::App* app, ExportCliOptions& o, bool with_realtime) {
  app->add_option("--netflow9", o.netflow9, "Export flow records as NetFlow v9 to udp://HOST:PORT");
  app->add_option("--ipfix", o.ipfix,
                  "Export flow records as IPFIX to udp://HOST:PORT or tcp://HOST:PORT (over TCP a record counts as sent "
                  "once the collector acknowledged it; a lost connection is retried 5 times, resending the rest)");
  app->add_option("--ipfix-file", o.ipfix_file, "Write flow records as an IPFIX file");
  auto* rate = app->add_option("--rate", o.rate,
                               "Export at most this many records per second, 0.001 to 10^9 (default: 100000 over UDP, "
                               "unpaced otherwise)")
                   ->check(finite_range(0.001, 1e9));
  if (with_realtime) {
    auto* rt = app->add_flag("--realtime", o.realtime,
                             "Send each record when its flow ends in trace time (scaled by --multiplier), from the first one on");
    app->add_option("--multiplier", o.multiplier,
                    "With --realtime: play trace time this many times faster, 0.001 to 10^6 (default 1)")
        ->check(finite_range(0.001, 1e6));
    rt->excludes(rate);
  }
  app->add_option("--odid", o.odid, "IPFIX observation domain id / NetFlow v9 source id (default 1)")
      ->check(whole_range(0, UINT32_MAX));
  app->add_flag("--biflow", o.biflow, "IPFIX: one record per flow with RFC 5103 reverse counters (default: two one-way records)");
  app->add_option("--ipfix-time", o.ipfix_time, "IPFIX times: ms (flowStart/EndMilliseconds) or ns (also flowStart/EndNanoseconds)")
      ->check(CLI::IsMember({"ms", "ns"}));
  app->add_option("--export-time", o.export_time,
                  "IPFIX message export time: trace (default; the newest exported flow's end, so runs are "
                  "byte-identical) or wall (the system clock)")
      ->check(CLI::IsMember({"trace", "wall"}));
  app->add_option("--ttl", o.ttl,
                  "UDP export to a multicast group: the TTL of its datagrams, 1 to 255 (required for a multicast "
                  "collector address, so that export never floods further than asked)")
      ->check(CLI::Range(1, 255));
  app->add_option("--collector-timeout", o.collector_timeout,
                  "IPFIX over TCP: a collector that acknowledges nothing for this long has stopped reading; the "
                  "export fails with exit code 1 (default 20s)");
}

std::unique_ptr<ExporterSet> make_exporters(const ExportCliOptions& o, const char* command) {
  auto set = std::make_unique<ExporterSet>();
  ExportOptions eo;
  eo.domain_id = o.odid;
  eo.biflow = o.biflow;
  eo.nanoseconds = o.ipfix_time == "ns";
  eo.clock = o.export_time == "wall" ? &set->wall_clock_ : nullptr;
  const auto timeout = parse_duration(o.collector_timeout);
  if (!timeout || *timeout < kNanosPerSecond || *timeout > 3600 * kNanosPerSecond) {
    throw UsageError(std::string(command) + ": --collector-timeout expects a duration from 1s to 1h, got '" +
                     o.collector_timeout + "'");
  }
  eo.collector_timeout = *timeout;
  eo.partial_files = o.partial;
  eo.multicast_ttl = o.ttl;
  eo.quiet = o.quiet;
  const auto check_group = [&](const CollectorAddress& to, const std::string& option) {
    const auto ip = to.literal();
    if (!ip || !ip->is_multicast()) return;
    if (to.transport == CollectorAddress::Transport::kTcp) {
      throw UsageError(std::string(command) + ": " + option + ": " + to.to_string() + " is a multicast group; TCP needs a unicast collector");
    }
    if (o.ttl == 0) {
      throw UsageError(std::string(command) + ": " + option + ": " + to.to_string() +
                       " is a multicast group: give --ttl N to say how far its datagrams may go");
    }
  };
  auto add = [&](std::unique_ptr<FlowExporter> exporter, bool udp) {
    Pacing pacing;
    if (o.realtime) {
      pacing.mode = Pacing::Mode::kRealtime;
      pacing.multiplier = o.multiplier;
    } else if (o.rate || udp) {
      pacing.mode = Pacing::Mode::kRate;
      pacing.rate = o.rate ? *o.rate : kDefaultUdpRate;
    }
    if (pacing.mode == Pacing::Mode::kNone) {
      set->fronts_.push_back(exporter.get());
    } else {
      set->paced_.push_back(std::make_unique<PacedRecordSink>(*exporter, set->pacing_clock_, pacing));
      set->fronts_.push_back(set->paced_.back().get());
    }
    set->exporters_.push_back(std::move(exporter));
  };
  const std::string cmd = command;
  if (!o.netflow9.empty()) {
    auto to = CollectorAddress::parse(o.netflow9);
    if (!to) throw UsageError(cmd + ": --netflow9 expects udp://HOST:PORT, got '" + o.netflow9 + "'");
    check_group(*to, "--netflow9");
    add(make_netflow_v9_exporter(*to, eo), to->transport == CollectorAddress::Transport::kUdp);
  }
  if (!o.ipfix.empty()) {
    auto to = CollectorAddress::parse(o.ipfix);
    if (!to) throw UsageError(cmd + ": --ipfix expects udp://HOST:PORT or tcp://HOST:PORT, got '" + o.ipfix + "'");
    check_group(*to, "--ipfix");
    add(make_ipfix_exporter(*to, eo), to->transport == CollectorAddress::Transport::kUdp);
  }
  if (!o.ipfix_file.empty()) add(make_ipfix_file_exporter(o.ipfix_file, eo), false);
  return set;
}

void ExporterSet::add_to(TeeSink& tee) {
  for (FlowRecordSink* f : fronts_) tee.add(f);
}

bool ExporterSet::report(const char* command, bool quiet) const {
  bool lost = false;
  for (const auto& e : exporters_) {
    const ExportStats st = e->stats();
    lost = lost || st.records_dropped > 0;
    if (!quiet || st.records_dropped > 0) {
      std::fprintf(stderr, "  %s: %llu records sent in %llu messages, %llu dropped, %llu retries\n", e->describe().c_str(),
                   static_cast<unsigned long long>(st.records_sent), static_cast<unsigned long long>(st.messages),
                   static_cast<unsigned long long>(st.records_dropped), static_cast<unsigned long long>(st.retries));
    }
  }
  if (lost) std::fprintf(stderr, "flowreplay %s: records were lost on the way to a collector (counts above)\n", command);
  return !lost;
}

}  // namespace flowreplay::cli
