// SPDX-License-Identifier: MIT
// flowreplay gen: a traffic mix into a capture and its ground-truth report.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "flowreplay/default_config.hpp"
#include "flowreplay/errors.hpp"
#include "flowreplay/flow_exporter.hpp"
#include "flowreplay/flow_source.hpp"
#include "flowreplay/gen_config.hpp"
#include "flowreplay/pcap_writer.hpp"
#include "flowreplay/pcapng_writer.hpp"
#include "flowreplay/report_writer.hpp"
#include "flowreplay/synthesizer.hpp"
#include "flowreplay/version.hpp"

namespace flowreplay::cli {

namespace {

struct GenOptions {
  std::string config;
  std::string pcap;
  std::string format;
  std::string report;
  std::optional<std::uint64_t> flows;
  std::string duration;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  bool print_default = false;
  std::string netflow9;
  std::string ipfix;
  std::string ipfix_file;
  std::optional<double> rate;
  std::uint32_t odid = 1;
  bool biflow = false;
  std::string ipfix_time = "ms";
};

std::vector<std::unique_ptr<FlowExporter>> make_exporters(const GenOptions& o) {
  std::vector<std::unique_ptr<FlowExporter>> out;
  ExportOptions eo;
  eo.domain_id = o.odid;
  eo.biflow = o.biflow;
  eo.nanoseconds = o.ipfix_time == "ns";
  auto rate_for = [&](const CollectorAddress* to) {
    if (o.rate) return *o.rate;
    // UDP has no flow control: pace it so a collector on the same host keeps up (docs/export.md).
    return (to != nullptr && to->transport == CollectorAddress::Transport::kUdp) ? 100000.0 : 0.0;
  };
  if (!o.netflow9.empty()) {
    auto to = CollectorAddress::parse(o.netflow9);
    if (!to) throw UsageError("gen: --netflow9 expects udp://HOST:PORT, got '" + o.netflow9 + "'");
    eo.rate = rate_for(&*to);
    out.push_back(make_netflow_v9_exporter(*to, eo));
  }
  if (!o.ipfix.empty()) {
    auto to = CollectorAddress::parse(o.ipfix);
    if (!to) throw UsageError("gen: --ipfix expects udp://HOST:PORT or tcp://HOST:PORT, got '" + o.ipfix + "'");
    eo.rate = rate_for(&*to);
    out.push_back(make_ipfix_exporter(*to, eo));
  }
  if (!o.ipfix_file.empty()) {
    eo.rate = rate_for(nullptr);
    out.push_back(make_ipfix_file_exporter(o.ipfix_file, eo));
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

int run_gen(const GenOptions& o) {
  if (o.print_default) {
    const auto text = default_config_yaml();
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (o.pcap.empty() && o.report.empty() && o.netflow9.empty() && o.ipfix.empty() && o.ipfix_file.empty()) {
    throw UsageError("gen: nothing to write; give --pcap FILE, --report FILE, --ipfix or --netflow9 (see flowreplay gen --help)");
  }
  GenConfig config = o.config.empty() ? default_gen_config() : load_gen_config_file(o.config);
  if (o.flows) config.max_flows = *o.flows;
  if (!o.duration.empty()) {
    auto d = parse_duration(o.duration);
    if (!d || *d == 0) throw UsageError("gen: --duration expects seconds or a duration like 30s or 500ms, got '" + o.duration + "'");
    config.duration = *d;
    if (!o.flows) config.max_flows.reset();  // the command line's limit replaces the file's
  }
  if (o.flows && o.duration.empty()) config.duration.reset();
  if (o.seed) config.seed = *o.seed;

  std::string format = o.format;
  if (format.empty()) format = ends_with(o.pcap, ".pcap") ? "pcap" : "pcapng";
  if (!o.pcap.empty() && o.report == "-" && o.pcap == "-") throw UsageError("gen: --pcap and --report cannot both be stdout");

  const double fps = effective_flows_per_second(config);
  std::unique_ptr<PacketSink> sink;
  if (o.pcap.empty()) {
    sink = std::make_unique<PcapngWriter>("/dev/null", "flowreplay " FLOWREPLAY_VERSION);
  } else if (format == "pcap") {
    sink = std::make_unique<PcapWriter>(o.pcap);
  } else {
    sink = std::make_unique<PcapngWriter>(o.pcap, "flowreplay " FLOWREPLAY_VERSION);
  }
  std::unique_ptr<ReportWriter> report;
  if (!o.report.empty()) report = std::make_unique<ReportWriter>(o.report);
  const auto exporters = make_exporters(o);
  TeeSink records;
  records.add(report.get());
  for (const auto& e : exporters) records.add(e.get());

  MixFlowSource source(config, fps, config.seed);
  Synthesizer synth(config, source, *sink, records.empty() ? nullptr : &records);
  const auto wall_start = std::chrono::steady_clock::now();
  const bool tty = !o.quiet && isatty(STDERR_FILENO) != 0;
  auto last_print = wall_start;
  if (tty) {
    synth.on_progress([&](const SynthStats& s) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_print < std::chrono::milliseconds(250)) return;
      last_print = now;
      const double wall = std::chrono::duration<double>(now - wall_start).count();
      std::fprintf(stderr, "\rflowreplay gen: %llu flows done, %llu packets, %s of trace, %.2f M packets/s   ",
                   static_cast<unsigned long long>(s.flows), static_cast<unsigned long long>(s.packets),
                   format_seconds(s.last - s.first).c_str(), static_cast<double>(s.packets) / wall / 1e6);
    });
  }
  const SynthStats s = synth.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (tty) std::fputs("\r\033[K", stderr);
  if (!o.quiet) {
    std::fprintf(stderr,
                 "flowreplay gen: %llu flows, %llu packets, %llu bytes (L2) over %s of trace from %s, seed %llu\n"
                 "  %.0f flows/s, peak %llu concurrent flows; wrote %s%s%s in %.2f s wall: %.2f M packets/s, %s/s\n",
                 static_cast<unsigned long long>(s.flows), static_cast<unsigned long long>(s.packets),
                 static_cast<unsigned long long>(s.frame_bytes), format_seconds(s.last - s.first).c_str(),
                 config.origin.c_str(), static_cast<unsigned long long>(config.seed), fps,
                 static_cast<unsigned long long>(s.peak_active_flows),
                 o.pcap.empty() ? "" : (o.pcap == "-" ? "<stdout>" : o.pcap.c_str()),
                 o.pcap.empty() ? "" : (" (" + format + ", ns, " + human_bytes(static_cast<double>(sink->bytes_written())) + ")").c_str(),
                 o.report.empty() ? "" : (std::string(o.pcap.empty() ? "" : " and ") + "report " + o.report).c_str(), wall,
                 static_cast<double>(s.packets) / wall / 1e6,
                 human_bytes(static_cast<double>(sink->bytes_written()) / wall).c_str());
  }
  bool lost = false;
  for (const auto& e : exporters) {
    const ExportStats st = e->stats();
    lost = lost || st.records_dropped > 0;
    if (!o.quiet || st.records_dropped > 0) {
      std::fprintf(stderr, "  %s: %llu records sent in %llu messages, %llu dropped\n", e->describe().c_str(),
                   static_cast<unsigned long long>(st.records_sent), static_cast<unsigned long long>(st.messages),
                   static_cast<unsigned long long>(st.records_dropped));
    }
  }
  if (lost) {
    std::fprintf(stderr, "flowreplay gen: records were lost on the way to a collector (send errors above)\n");
    return 1;
  }
  return 0;
}

}  // namespace

Runner add_gen(CLI::App& app) {
  auto opts = std::make_shared<GenOptions>();
  CLI::App* gen = app.add_subcommand(
      "gen",
      "Synthesize flows from a traffic mix into a nanosecond pcapng or pcap, with a ground-truth report.\n"
      "Without --config the built-in default mix is used (see --print-default-config).");
  gen->add_option("-c,--config", opts->config, "YAML traffic mix (docs/config.md); default: the built-in mix")
      ->check(CLI::ExistingFile);
  gen->add_option("-o,--pcap", opts->pcap,
                  "Capture to write: NAME.pcapng -> pcapng, NAME.pcap -> classic nanosecond pcap, - -> stdout");
  gen->add_option("--format", opts->format, "Capture format, overriding the file name: pcapng or pcap (default: from the name; pcapng for -)")
      ->check(CLI::IsMember({"pcapng", "pcap"}));
  gen->add_option("-r,--report", opts->report,
                  "Ground-truth CSV, one row per flow (docs/output.md); - for stdout");
  gen->add_option("-n,--flows", opts->flows, "Stop after N flows (replaces the config's generation limits)")
      ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  gen->add_option("-d,--duration", opts->duration,
                  "Start flows for this long: seconds or 30s, 500ms... (replaces the config's limits; flows in progress finish)");
  gen->add_option("-s,--seed", opts->seed, "Random seed (default: the config's, 1 in the built-in mix); same seed, same bytes");
  gen->add_flag("-q,--quiet", opts->quiet, "No progress line and no summary on stderr");
  gen->add_flag("--print-default-config", opts->print_default, "Print the built-in default mix as YAML and exit");
  gen->add_option("--netflow9", opts->netflow9, "Export each flow's ground truth as NetFlow v9 to udp://HOST:PORT");
  gen->add_option("--ipfix", opts->ipfix, "Export each flow's ground truth as IPFIX to udp://HOST:PORT or tcp://HOST:PORT");
  gen->add_option("--ipfix-file", opts->ipfix_file, "Write each flow's ground truth as an IPFIX file");
  gen->add_option("--rate", opts->rate, "Export at most this many records per second (default: 100000 over UDP, unpaced otherwise)")
      ->check(CLI::PositiveNumber);
  gen->add_option("--odid", opts->odid, "IPFIX observation domain id / NetFlow v9 source id (default 1)");
  gen->add_flag("--biflow", opts->biflow, "IPFIX: one record per flow with RFC 5103 reverse counters (default: two one-way records)");
  gen->add_option("--ipfix-time", opts->ipfix_time, "IPFIX times: ms (flowStart/EndMilliseconds) or ns (also flowStart/EndNanoseconds)")
      ->check(CLI::IsMember({"ms", "ns"}));
  return [gen, opts]() { return run_gen(*opts); };
}

}  // namespace flowreplay::cli
