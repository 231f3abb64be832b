// SPDX-License-Identifier: MIT
// flowreplay gen: a traffic mix into a capture and its ground-truth report.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cic_output.hpp"
#include "commands.hpp"
#include "export_options.hpp"
#include "validators.hpp"
#include "flowreplay/synth/default_config.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/io/decompress.hpp"
#include "flowreplay/synth/flow_source.hpp"
#include "flowreplay/synth/profile_source.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/io/pcap_writer.hpp"
#include "flowreplay/io/pcapng_writer.hpp"
#include "flowreplay/exporters/report_writer.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/ingest/flow_labels.hpp"
#include "flowreplay/ingest/metering_sink.hpp"
#include "flowreplay/replay/interface_sender.hpp"
#include "flowreplay/replay/pacer.hpp"
#include "flowreplay/replay/replayer.hpp"
#include "flowreplay/synth/model_source.hpp"
#include "flowreplay/synth/synthesizer.hpp"
#include "flowreplay/exporters/profile_writer.hpp"
#include "flowreplay/version.hpp"

namespace flowreplay::cli {

namespace {

struct GenOptions {
  std::string config;
  std::string profile;
  std::string model;
  std::string model_by = "length";
  std::string shard;  // --shard K/N: only that shard of the run's flows
  std::string profile_out;
  bool strict = false;
  std::size_t sort_memory = 32;  // MiB
  std::string start_time;
  std::string pcap;
  std::string format;
  std::string report;
  std::string features;           // CICFlowMeter features of the synthesized traffic, labelled with APP
  std::string cic;                // --cic as given; head when empty
  std::optional<std::uint64_t> flows;
  std::string duration;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  bool print_default = false;
  bool no_partial = false;
  ExportCliOptions exports;
  // Straight onto an interface (replay/).
  std::string interface;
  std::string sender = "auto";
  double multiplier = 0;
  double pps = 0;
  double mbps = 0;
  bool topspeed = false;
  bool realtime = false;
};

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

// At most this many adjustment warnings are printed; the summary counts them all.
constexpr int kMaxWarnings = 10;

int run_gen(const GenOptions& o) {
  if (o.print_default) {
    const auto text = default_config_yaml();
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (o.pcap.empty() && o.report.empty() && o.features.empty() && !o.exports.any() && o.interface.empty()) {
    throw UsageError(
        "gen: nothing to write; give --pcap FILE, --report FILE, --features FILE, --ipfix, --netflow9 or -i IFACE (see "
        "flowreplay gen --help)");
  }
  const bool to_wire = !o.interface.empty();
  if (to_wire && !o.pcap.empty()) throw UsageError("gen: -i sends the packets onto an interface; --pcap cannot be given with it");
  if (!to_wire && (o.multiplier > 0 || o.pps > 0 || o.mbps > 0 || o.topspeed || o.realtime)) {
    throw UsageError("gen: --multiplier, --pps, --mbps, --topspeed and --realtime pace packets sent with -i IFACE");
  }
  if ((o.multiplier > 0) + (o.pps > 0) + (o.mbps > 0) + (o.topspeed ? 1 : 0) > 1) {
    throw UsageError("gen: give one of --multiplier, --pps, --mbps and --topspeed");
  }
  GenConfig config = o.config.empty() ? default_gen_config() : load_gen_config_file(o.config);
  if (o.flows) config.max_flows = *o.flows;
  if (!o.duration.empty()) {
    auto d = parse_duration(o.duration);
    if (!d || *d == 0) throw UsageError("gen: --duration expects seconds or a duration like 30s or 500ms, got '" + o.duration + "'");
    if (*d > kMaxGenDuration) throw UsageError("gen: --duration must be at most 365 days, got '" + o.duration + "'");
    config.duration = *d;
    if (!o.flows) config.max_flows.reset();  // the command line's limit replaces the file's
  }
  if (o.flows && o.duration.empty()) config.duration.reset();
  if (o.seed) config.seed = *o.seed;
  if (!o.start_time.empty()) {
    const auto t = parse_epoch_seconds(o.start_time);
    if (!t || *t > kMaxStartTime) {
      throw UsageError("gen: --start-time expects Unix seconds 0 to 4000000000, fractions allowed, got '" + o.start_time + "'");
    }
    config.start_time = *t;
  }
  if (!o.cic.empty() && o.features.empty()) throw UsageError("gen: --cic sets the mode of --features; give --features FILE with it");
  const Shard shard = parse_shard(o.shard, "gen");
  if (!o.profile.empty() && !o.model.empty()) throw UsageError("gen: --profile and --model are two sources of flows; give one");
  if (!o.profile.empty() && (o.flows || !o.duration.empty())) {
    throw UsageError("gen: --profile generates every record of the profile; --flows and --duration do not apply");
  }

  std::string format = o.format;
  if (format.empty()) format = ends_with(o.pcap, ".pcap") ? "pcap" : "pcapng";
  if ((o.pcap == "-") + (o.report == "-") + (o.features == "-") + (o.exports.ipfix_file == "-") > 1) {
    throw UsageError("gen: only one of --pcap, --report, --features and --ipfix-file can be - (stdout)");
  }

  // The flows: a profile's records, or the mix's arrivals. A profile is read (and checked) whole
  // before any output file is opened.
  std::unique_ptr<FlowSource> source;
  ProfileFlowSource* profile = nullptr;
  int warnings = 0;
  if (!o.profile.empty()) {
    const InputStream in = open_input_stream(o.profile);
    ProfileReader reader(in.get(), o.profile == "-" ? "<stdin>" : o.profile);
    ProfileOptions po;
    po.strict = o.strict;
    po.sort_run = o.sort_memory * (std::size_t{1} << 20) / kProfileSortBytes;
    po.warn = [&](const std::string& w) {
      if (!o.quiet && warnings++ < kMaxWarnings) std::fprintf(stderr, "flowreplay gen: warning: %s\n", w.c_str());
    };
    auto ps = std::make_unique<ProfileFlowSource>(config, reader, po);
    profile = ps.get();
    source = std::move(ps);
  }
  const double fps = profile != nullptr ? 0 : effective_flows_per_second(config);
  if (profile == nullptr) source = std::make_unique<MixFlowSource>(config, fps, config.seed);
  // --model: the mix's flows, with packets and bytes drawn from fitted flow-models mixtures.
  std::unique_ptr<FlowModels> models;
  ModelFlowSource* modelled = nullptr;
  if (!o.model.empty()) {
    if (o.model_by != "length" && o.model_by != "size") throw UsageError("gen: --model-by expects length or size, got '" + o.model_by + "'");
    models = std::make_unique<FlowModels>(FlowModels::load(o.model, o.model_by == "size" ? ModelAxis::kSize : ModelAxis::kLength));
    auto ms = std::make_unique<ModelFlowSource>(config, *models, std::move(source));
    modelled = ms.get();
    source = std::move(ms);
  }
  std::unique_ptr<PacketSink> sink;
  // -i: the synthesizer's frames go through the replayer's pacing onto the interface.
  MonotonicClock wire_clock;
  std::unique_ptr<InterfaceSender> sender;
  PacedSender* wire = nullptr;
  if (to_wire) {
    const InterfaceInfo interface = interface_info(o.interface);
    ReplayOptions ro;
    if (o.pps > 0) ro.speed = ReplaySpeed::kPps, ro.pps = o.pps;
    if (o.mbps > 0) ro.speed = ReplaySpeed::kMbps, ro.mbps = o.mbps;
    if (o.topspeed) ro.speed = ReplaySpeed::kTopspeed;
    if (o.multiplier > 0) ro.multiplier = o.multiplier;
    if (config.mtu > interface.mtu) {  // the IP packets of the mix must fit the interface
      throw UsageError("gen: the config's mtu (" + std::to_string(config.mtu) + ") is larger than " + o.interface + "'s (" +
                       std::to_string(interface.mtu) + ")");
    }
    sender = open_sender(*sender_kind_from_name(o.sender), interface, ro.batch);
    if (o.realtime) use_realtime_scheduling(o.interface);
    auto paced = std::make_unique<PacedSender>(ro, wire_clock, *sender);
    wire = paced.get();
    sink = std::move(paced);
  } else if (o.pcap.empty() && !o.features.empty()) {
    // --features alone: the frames are metered and dropped (below).
  } else if (o.pcap.empty()) {
    sink = std::make_unique<PcapngWriter>("/dev/null", "flowreplay " FLOWREPLAY_VERSION);
  } else if (format == "pcap") {
    sink = std::make_unique<PcapWriter>(o.pcap, !o.no_partial);
  } else {
    sink = std::make_unique<PcapngWriter>(o.pcap, "flowreplay " FLOWREPLAY_VERSION, !o.no_partial);
  }
  std::unique_ptr<ReportWriter> report;
  if (!o.report.empty()) report = std::make_unique<ReportWriter>(o.report, !o.no_partial);
  ExportCliOptions exports = o.exports;
  exports.partial = !o.no_partial;
  exports.quiet = o.quiet;
  const auto exporters = make_exporters(exports, "gen");
  std::unique_ptr<ProfileWriter> profile_out;
  if (!o.profile_out.empty()) {
    profile_out = std::make_unique<ProfileWriter>(o.profile_out, false, !o.no_partial);
    profile_out->set_origin(config.start_time);
    profile_out->set_time_decimals(6);  // ns: gen --profile gives the same flows back
  }
  // --features: every frame is decoded and metered on its way to the capture (or instead of it);
  // flows are labelled with the APP of the synthesized flow they belong to.
  ActiveFlowLabels labels;
  std::unique_ptr<CicCsvOutput> features;
  std::unique_ptr<CicMeter> meter;
  std::unique_ptr<MeteringSink> metering;
  PacketSink* frames = sink.get();
  if (!o.features.empty()) {
    CicOptions co;
    co.mode = *cic_mode_from_name(o.cic.empty() ? "head" : o.cic);
    co.labeler = &labels;
    features = std::make_unique<CicCsvOutput>(o.features, co.mode, TimeZone{}, !o.no_partial);
    meter = std::make_unique<CicMeter>(co, features->sink());
    metering = std::make_unique<MeteringSink>(sink.get(), *meter);
    frames = metering.get();
  }
  TeeSink records;
  if (features) records.add(&labels);
  records.add(report.get());
  records.add(profile_out.get());
  exporters->add_to(records);

  Synthesizer synth(config, *source, *frames, records.empty() ? nullptr : &records);
  synth.set_shard(shard);  // --shard: every flow planned, only the shard's written
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
  SynthStats s;
  try {
    s = synth.run();
  } catch (const IoError&) {
    mark_run_failed();  // what is finished below keeps its .partial name
    exporters->report("gen", false);  // what reached each collector before the failure
    try {  // keep what was made before the failure; a second failure changes nothing
      if (report) report->finish();
      frames->finish();
      if (features) features->close();
    } catch (const IoError&) {
    }
    throw;
  }
  if (features) features->close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (tty) std::fputs("\r\033[K", stderr);
  if (!o.quiet) {
    std::string wrote;
    auto also = [&](const std::string& what) { wrote += (wrote.empty() ? "" : " and ") + what; };
    if (!o.pcap.empty()) {
      also((o.pcap == "-" ? std::string("<stdout>") : o.pcap) + " (" + format + ", ns, " +
           human_bytes(static_cast<double>(frames->bytes_written())) + ")");
    }
    if (!o.report.empty()) also("report " + o.report);
    if (!o.features.empty()) also("features " + o.features);
    if (wrote.empty()) wrote = "no file";
    const std::string byte_rate =
        o.pcap.empty() ? "" : ", " + human_bytes(static_cast<double>(frames->bytes_written()) / wall) + "/s";
    std::fprintf(stderr,
                 "flowreplay gen: %llu flows, %llu packets, %llu bytes (L2) over %s of trace from %s, seed %llu\n"
                 "  %speak %llu concurrent flows; wrote %s in %.2f s wall: %.2f M packets/s%s\n",
                 static_cast<unsigned long long>(s.flows), static_cast<unsigned long long>(s.packets),
                 static_cast<unsigned long long>(s.frame_bytes), format_seconds(s.last - s.first).c_str(),
                 profile != nullptr ? o.profile.c_str() : config.origin.c_str(), static_cast<unsigned long long>(config.seed),
                 profile != nullptr ? "" : (std::to_string(static_cast<long long>(fps + 0.5)) + " flows/s, ").c_str(),
                 static_cast<unsigned long long>(s.peak_active_flows), wrote.c_str(), wall,
                 static_cast<double>(s.packets) / wall / 1e6, byte_rate.c_str());
    if (meter) {
      std::fprintf(stderr, "  features (--cic %s): %llu flows written to %s, labelled with their APP%s\n",
                   o.cic.empty() ? "head" : o.cic.c_str(),
                   static_cast<unsigned long long>(meter->flows_emitted()), o.features == "-" ? "<stdout>" : o.features.c_str(),
                   meter->flows_dropped_single() > 0
                       ? (", " + std::to_string(meter->flows_dropped_single()) + " one-packet flows left out as CICFlowMeter does").c_str()
                       : "");
    }
    if (s.fragmented > 0) {
      std::fprintf(stderr, "  %llu packets split in two IP fragments (network.fragmentation_probability); the counts include both\n",
                   static_cast<unsigned long long>(s.fragmented));
    }
  }
  if (wire != nullptr && !o.quiet) {
    const ReplayStats& w = wire->stats();
    const double seconds = static_cast<double>(w.elapsed) / 1e9;
    std::fprintf(stderr, "  sent on %s (%s%s): %llu packets in %.3f s (%.0f packets/s, %.2f Mbit/s)\n", o.interface.c_str(),
                 sender->description().c_str(), o.realtime ? ", SCHED_FIFO 50" : "", static_cast<unsigned long long>(w.packets), seconds,
                 seconds > 0 ? static_cast<double>(w.packets) / seconds : 0.0,
                 seconds > 0 ? static_cast<double>(w.bytes) * 8 / seconds / 1e6 : 0.0);
    if (w.timing.count() > 0) {
      std::fprintf(stderr, "  timing error (release - schedule): median %.1f us, p99 %.1f us, max %.1f us\n",
                   static_cast<double>(w.timing.quantile(0.5)) / 1e3, static_cast<double>(w.timing.quantile(0.99)) / 1e3,
                   static_cast<double>(w.timing.max()) / 1e3);
    }
  }
  if (wire != nullptr && wire->stats().send_errors > 0) {
    std::fprintf(stderr, "flowreplay gen: error: %llu packets could not be sent on %s (last: %s)\n",
                 static_cast<unsigned long long>(wire->stats().send_errors), o.interface.c_str(),
                 std::strerror(sender->last_error()));
    exporters->report("gen", true);
    return 1;
  }
  if (profile != nullptr && !o.quiet) {
    const ProfileStats& ps = profile->stats();
    std::fprintf(stderr, "  profile: %llu records generated, %llu of them adjusted to be feasible%s, %llu skipped (L4 protocol)\n",
                 static_cast<unsigned long long>(ps.records), static_cast<unsigned long long>(ps.adjusted),
                 warnings > kMaxWarnings ? " (the first 10 warned above)" : "", static_cast<unsigned long long>(ps.skipped_protocol));
  }
  if (shard.count > 1 && !o.quiet) {
    std::fprintf(stderr, "  shard %u/%u: %llu of the run's %llu flows (flows %u, %u + %u ...; docs/cli.md#shards)\n", shard.index,
                 shard.count, static_cast<unsigned long long>(s.flows), static_cast<unsigned long long>(s.run_flows), shard.index, shard.index,
                 shard.count);
  }
  if (modelled != nullptr && !o.quiet) {
    const ModelStats& ms = modelled->stats();
    std::fprintf(stderr, "  model: %s; %llu flows drawn, %llu of them adjusted to be feasible\n", models->description().c_str(),
                 static_cast<unsigned long long>(ms.flows), static_cast<unsigned long long>(ms.adjusted));
  }
  if (s.interrupted && !o.quiet) {
    std::fprintf(stderr, "  interrupted: %llu flows in progress were reported with the packets they had\n",
                 static_cast<unsigned long long>(s.flows_cut));
  }
  return exporters->report("gen", o.quiet) ? 0 : 1;
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
  gen->add_option("-p,--profile", opts->profile,
                  "Generate the records of a traffic profile (FlowTest CSV, gzip/zstd allowed, - for stdin) with exact "
                  "packets and L3 bytes per direction (docs/profile.md); the config then gives addresses, MTU, VLANs")
      ->check(CLI::ExistingFile | CLI::IsMember({"-"}));
  gen->add_option("-m,--model", opts->model,
                  "Draw each flow direction's packets and bytes from fitted flow-models length mixtures: a directory with "
                  "all/, tcp/ and udp/ (as the shipped agh_2015), one with flows.json, packets.json and octets.json, or a "
                  "flows.json; the mix still gives arrivals, patterns, ports and addresses (docs/models.md)")
      ->check(CLI::ExistingPath);
  gen->add_option("--model-by", opts->model_by,
                  "With --model: draw lengths (packets; bytes from the average packet size at that length; default) or sizes "
                  "(bytes; packets from the average packet size at that size), from the length/ or size/ models");
  gen->add_option("--profile-out", opts->profile_out,
                  "Also write the generated flows as a FlowTest profile (times in ns from the start time), which gen "
                  "--profile turns back into the same counts");
  gen->add_option("--sort-memory", opts->sort_memory,
                  "With --profile: MiB for sorting records in memory (default 32, about 250 000 records); a longer "
                  "profile is sorted in runs through $TMPDIR")
      ->check(whole_range(1, 1 << 20));
  gen->add_flag("--strict", opts->strict, "With --profile: reject a record that needs adjusting (and an unknown L4 protocol) instead of adjusting or skipping it");
  gen->add_option("--start-time", opts->start_time,
                  "Unix seconds (fractions to the ns) of the first flow start, or of a profile's time zero; replaces the config's start_time");
  gen->add_option("-o,--pcap", opts->pcap,
                  "Capture to write: NAME.pcapng -> pcapng, NAME.pcap -> classic nanosecond pcap, - -> stdout");
  gen->add_option("--format", opts->format, "Capture format, overriding the file name: pcapng or pcap (default: from the name; pcapng for -)")
      ->check(CLI::IsMember({"pcapng", "pcap"}));
  gen->add_option("-r,--report", opts->report,
                  "Ground-truth CSV, one row per flow (docs/output.md); - for stdout");
  gen->add_option("--features", opts->features,
                  "Also write the CICFlowMeter features of the synthesized traffic (docs/features.md), each flow's Label "
                  "its APP, without a capture in between (- for stdout)");
  gen->add_option("--cic", opts->cic, "With --features: the compatibility mode, as features --cic (default head)")
      ->check(CLI::IsMember({"head", "2020", "2018", "corrected"}));
  gen->add_option("-n,--flows", opts->flows, "Stop after N flows, 1 to 10^10 (replaces the config's generation limits)")
      ->check(whole_range(1, kMaxFlows));
  gen->add_option("-d,--duration", opts->duration,
                  "Start flows for this long: seconds or 30s, 500ms... (replaces the config's limits; flows in progress finish)");
  gen->add_option("-s,--seed", opts->seed, "Random seed (default: the config's, 1 in the built-in mix); same seed, same bytes")
      ->check(whole_range(0, UINT64_MAX));
  gen->add_option("--shard", opts->shard,
                  "Only the run's flows K, K+N, K+2N ... (K/N, 0 <= K < N, in start order), byte for byte as the whole run "
                  "writes them: N shards' outputs together are the whole run's (docs/cli.md#shards)");
  gen->add_flag("-q,--quiet", opts->quiet, "No progress line and no summary on stderr");
  gen->add_flag("--print-default-config", opts->print_default, "Print the built-in default mix as YAML and exit");
  add_partial_flag(gen, opts->no_partial);
  add_export_options(gen, opts->exports, false);
  gen->add_option("-i,--interface", opts->interface,
                  "Send the packets onto this interface instead of a file, at trace timing unless a speed is given "
                  "(needs CAP_NET_RAW; docs/replay.md)")
      ->group("Onto an interface");
  gen->add_option("-x,--multiplier", opts->multiplier, "With -i: trace timing sped up X times")
      ->check(finite_range(1e-6, 1e9))
      ->group("Onto an interface");
  gen->add_option("--pps", opts->pps, "With -i: a fixed rate in packets per second")
      ->check(finite_range(1e-3, 1e10))
      ->group("Onto an interface");
  gen->add_option("--mbps", opts->mbps, "With -i: a fixed rate in Mbit/s")->check(finite_range(1e-6, 1e7))->group("Onto an interface");
  gen->add_flag("--topspeed", opts->topspeed, "With -i: as fast as the interface takes them")->group("Onto an interface");
  gen->add_option("--sender", opts->sender, "With -i: auto (default), af_packet, tx_ring, af_xdp or pcap")
      ->check(CLI::IsMember({"auto", "af_packet", "tx_ring", "af_xdp", "pcap"}))
      ->group("Onto an interface");
  gen->add_flag("--realtime", opts->realtime,
                "With -i: send from a real-time thread (SCHED_FIFO 50; root or CAP_SYS_NICE), for sparse traffic at its "
                "timing (see flowreplay replay --help)")
      ->group("Onto an interface");
  gen->footer(help_footer(
      "  flowreplay gen --pcap out.pcapng                       # the built-in mix, 10 000 flows\n"
      "  flowreplay gen -c configs/https.yaml --flows 50000 --pcap https.pcapng --report truth.csv\n"
      "  flowreplay gen --duration 60s --pcap - | tshark -r - -q -z conv,tcp\n"
      "  flowreplay gen --report truth.csv --ipfix udp://127.0.0.1:4739\n"
      "  flowreplay gen --flows 1000 -i veth0 --multiplier 10 --report truth.csv   # onto the wire, no file\n"
      "  flowreplay gen --profile profile.csv.gz --start-time 1700000000 --pcap replica.pcapng --report truth.csv\n"
      "  flowreplay gen --model configs/models/agh_2015 --flows 10000 --pcap modelled.pcapng --report truth.csv\n"));
  return [opts]() { return run_gen(*opts); };
}

}  // namespace flowreplay::cli
