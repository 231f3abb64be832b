// SPDX-License-Identifier: MIT
// flowreplay replay: captures back onto an interface at their timing (docs/replay.md).
#include <unistd.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "replay_ipfix.hpp"
#include "validators.hpp"
#include "flowreplay/core/clock.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/io/pcap_reader.hpp"
#include "flowreplay/replay/frame_rewriter.hpp"
#include "flowreplay/replay/interface_sender.hpp"
#include "flowreplay/replay/pacer.hpp"
#include "flowreplay/replay/replayer.hpp"

namespace flowreplay::cli {

namespace {

struct ReplayCommandOptions {
  std::vector<std::string> inputs;
  std::string interface;
  double multiplier = 0;
  double pps = 0;
  double mbps = 0;
  bool topspeed = false;
  std::uint64_t limit = 0;
  std::string duration;
  std::uint64_t loops = 1;
  std::string loop_delay = "0";
  bool preload = false;
  std::string sender = "auto";
  bool strict = false;
  bool quiet = false;
  bool realtime = false;
  // Rewriting.
  std::string src_mac;
  std::string dst_mac;
  std::vector<std::string> map_net;
  int vlan_add = -1;
  bool vlan_strip = false;
  bool fix_checksums = false;
  std::uint64_t loop_ip_offset = 0;
  // IPFIX files to a collector.
  std::string ipfix;
  std::string netflow9;
  double rate = 0;
};

RewriteOptions rewrite_options(const ReplayCommandOptions& o) {
  RewriteOptions r;
  auto mac = [](const std::string& text, const char* option) {
    const auto m = MacAddress::parse(text);
    if (!m) throw UsageError(std::string("replay: ") + option + " expects a MAC address like 02:00:00:00:00:01, got '" + text + "'");
    return *m;
  };
  if (!o.src_mac.empty()) r.src_mac = mac(o.src_mac, "--src-mac");
  if (!o.dst_mac.empty()) r.dst_mac = mac(o.dst_mac, "--dst-mac");
  for (const auto& text : o.map_net) {
    std::string error;
    const auto m = NetMap::parse(text, error);
    if (!m) throw UsageError("replay: --map-net: " + error);
    r.maps.push_back(*m);
  }
  if (o.vlan_add >= 0) r.vlan_add = static_cast<std::uint16_t>(o.vlan_add);
  r.vlan_strip = o.vlan_strip;
  r.fix_checksums = o.fix_checksums;
  r.loop_ip_offset = o.loop_ip_offset;
  return r;
}

Duration duration_option(const std::string& text, const char* option) {
  const auto d = parse_duration(text);
  if (!d) throw UsageError(std::string("replay: ") + option + " expects a duration like 10s or 250ms, got '" + text + "'");
  return *d;
}

std::string micros(Duration ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ns) / 1e3);
  return buf;
}

std::string summary_counts(const ReplayStats& s) {
  const double seconds = static_cast<double>(s.elapsed) / 1e9;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%" PRIu64 " packets, %" PRIu64 " bytes in %.3f s (%.0f packets/s, %.2f Mbit/s)", s.packets,
                s.bytes, seconds, seconds > 0 ? static_cast<double>(s.packets) / seconds : 0.0,
                seconds > 0 ? static_cast<double>(s.bytes) * 8 / seconds / 1e6 : 0.0);
  return buf;
}

int replay_ipfix(const ReplayCommandOptions& o) {
  if (!o.interface.empty()) throw UsageError("replay: IPFIX files go to a collector (--ipfix URL), not onto an interface (-i)");
  if (o.ipfix.empty() == o.netflow9.empty()) {
    throw UsageError("replay: an IPFIX file is resent to one collector: give --ipfix udp://HOST:PORT (or tcp://) or --netflow9 udp://HOST:PORT");
  }
  if (o.mbps > 0) throw UsageError("replay: --mbps paces frames; an IPFIX file is paced by its export times, --pps (messages/s) or --rate (records/s)");
  IpfixReplayOptions r;
  r.inputs = o.inputs;
  r.collector = o.ipfix.empty() ? o.netflow9 : o.ipfix;
  r.netflow9 = !o.netflow9.empty();
  if (o.multiplier > 0) r.multiplier = o.multiplier;
  if (o.pps > 0) r.speed = IpfixSpeed::kMessageRate, r.rate = o.pps;
  if (o.rate > 0) r.speed = IpfixSpeed::kRecordRate, r.rate = o.rate;
  if (o.topspeed) r.speed = IpfixSpeed::kTopspeed;
  r.limit = o.limit;
  if (!o.duration.empty()) r.duration = duration_option(o.duration, "--duration");
  r.loops = o.loops;
  r.loop_delay = duration_option(o.loop_delay, "--loop-delay");
  r.quiet = o.quiet;
  return r.netflow9 ? run_ipfix_to_netflow9(r) : run_ipfix_replay(r);
}

int run_replay(const ReplayCommandOptions& o) {
  ReplayOptions options;
  const int modes = (o.multiplier > 0) + (o.pps > 0) + (o.mbps > 0) + (o.topspeed ? 1 : 0) + (o.rate > 0);
  if (modes > 1) throw UsageError("replay: give one of --multiplier, --pps, --mbps, --rate and --topspeed");
  std::size_t ipfix_inputs = 0;
  for (const auto& in : o.inputs) ipfix_inputs += is_ipfix_file(in) ? 1 : 0;
  if (ipfix_inputs > 0 && ipfix_inputs < o.inputs.size()) {
    throw UsageError("replay: give captures or IPFIX files, not both in one run");
  }
  if (ipfix_inputs > 0) return replay_ipfix(o);
  if (!o.ipfix.empty() || !o.netflow9.empty() || o.rate > 0) {
    throw UsageError("replay: --ipfix, --netflow9 and --rate resend IPFIX files; the inputs are captures (send them with -i IFACE)");
  }
  if (o.interface.empty()) throw UsageError("replay: captures are sent onto an interface: give -i IFACE");
  if (o.pps > 0) options.speed = ReplaySpeed::kPps, options.pps = o.pps;
  if (o.mbps > 0) options.speed = ReplaySpeed::kMbps, options.mbps = o.mbps;
  if (o.topspeed) options.speed = ReplaySpeed::kTopspeed;
  if (o.multiplier > 0) options.multiplier = o.multiplier;
  options.limit = o.limit;
  if (!o.duration.empty()) options.duration = duration_option(o.duration, "--duration");
  options.loops = o.loops;
  options.loop_delay = duration_option(o.loop_delay, "--loop-delay");
  FrameRewriter rewriter(rewrite_options(o));
  const auto kind = sender_kind_from_name(o.sender);
  if (!kind) throw UsageError("replay: --sender: unknown sender '" + o.sender + "' (auto, af_packet, tx_ring, af_xdp or pcap)");
  std::size_t stdin_inputs = 0;
  for (const auto& in : o.inputs) stdin_inputs += in == "-" ? 1 : 0;
  if (stdin_inputs > 1) throw UsageError("replay: stdin (-) can be read once only");

  // Inputs first, so that a bad file fails before the interface is touched.
  std::vector<std::unique_ptr<PcapReader>> first_pass;
  for (const auto& in : o.inputs) {
    auto reader = in == "-" ? std::make_unique<PcapReader>(stdin, "stdin") : std::make_unique<PcapReader>(in);
    if (reader->link_type() >= 0 && reader->link_type() != 1) {
      throw UsageError("replay: " + in + " holds link type " + std::to_string(reader->link_type()) +
                       " frames; replay sends Ethernet frames (link type 1)");
    }
    first_pass.push_back(std::move(reader));
  }
  const InterfaceInfo interface = interface_info(o.interface);
  if (interface.hardware_type != 1 && !interface.loopback) {
    throw UsageError("replay: " + o.interface + " is not an Ethernet interface (hardware type " +
                     std::to_string(interface.hardware_type) + ")");
  }
  // The largest frame the interface takes: its MTU plus the Ethernet header and one VLAN tag.
  options.max_frame = interface.mtu + 14 + 4;
  const std::unique_ptr<InterfaceSender> sender = open_sender(*kind, interface, options.batch);

  // Several passes over a stream, or --preload: the frames are read into memory once.
  const bool looping = o.loops != 1;
  std::vector<std::unique_ptr<MemoryFrames>> memory(o.inputs.size());
  for (std::size_t i = 0; i < o.inputs.size(); ++i) {
    if (o.preload || (looping && o.inputs[i] == "-")) {
      memory[i] = std::make_unique<MemoryFrames>(*first_pass[i]);
      first_pass[i].reset();
    }
  }
  auto open = [&](std::size_t i) -> std::unique_ptr<FrameSource> {
    if (memory[i]) return memory[i]->open();
    if (first_pass[i]) return std::move(first_pass[i]);  // the reader opened above, for the first pass
    return std::make_unique<PcapReader>(o.inputs[i]);
  };

  if (o.realtime) use_realtime_scheduling(o.interface);
  const bool tty = !o.quiet && isatty(STDERR_FILENO) != 0;
  MonotonicClock clock;
  Replayer replayer(options, clock, *sender, rewriter.options().any() ? &rewriter : nullptr);
  const ReplayStats s = replayer.run(o.inputs.size(), open, [&](const ReplayStats& now) {
    if (tty) std::fprintf(stderr, "\rflowreplay replay: %s   ", summary_counts(now).c_str());
  });
  if (tty) std::fprintf(stderr, "\r\033[K");

  for (const auto& t : s.truncated) std::fprintf(stderr, "flowreplay replay: warning: %s\n", t.c_str());
  const bool oversize_fails = o.strict && s.skipped_oversize > 0;
  if (!o.quiet) {
    std::fprintf(stderr, "flowreplay replay: %s on %s (%s%s)\n", summary_counts(s).c_str(), o.interface.c_str(),
                 sender->description().c_str(), o.realtime ? ", SCHED_FIFO 50" : "");
    if (s.timing.count() > 0) {
      std::fprintf(stderr, "  timing error (release - schedule): median %s us, p99 %s us, max %s us\n",
                   micros(s.timing.quantile(0.5)).c_str(), micros(s.timing.quantile(0.99)).c_str(),
                   micros(s.timing.max()).c_str());
    }
    if (o.loops != 1) std::fprintf(stderr, "  loops: %" PRIu64 " completed\n", s.loops_done);
    if (s.backwards > 0) {
      std::fprintf(stderr, "  %" PRIu64 " packets stamped earlier than the one before: sent in file order at once\n", s.backwards);
    }
    if (s.cut_frames > 0) {
      std::fprintf(stderr, "  %" PRIu64 " frames captured shorter than on the wire: sent as captured\n", s.cut_frames);
    }
    if (rewriter.unfixable() > 0) {
      std::fprintf(stderr, "  %" PRIu64 " frames captured short: their checksums could not be recomputed (addresses rewritten ones are still adjusted)\n",
                   rewriter.unfixable());
    }
  }
  if (s.skipped_oversize > 0) {
    std::fprintf(stderr, "flowreplay replay: %s%" PRIu64 " frames larger than %s's MTU (%u) skipped\n",
                 o.strict ? "error: " : "", s.skipped_oversize, o.interface.c_str(), interface.mtu);
  }
  if (s.skipped_link > 0) {
    std::fprintf(stderr, "flowreplay replay: %" PRIu64 " frames of a pcapng interface that is not Ethernet skipped\n",
                 s.skipped_link);
  }
  if (s.send_errors > 0) {
    std::fprintf(stderr, "flowreplay replay: error: %" PRIu64 " frames could not be sent (last: %s)\n", s.send_errors,
                 std::strerror(sender->last_error()));
  }
  return (s.send_errors > 0 || !s.truncated.empty() || oversize_fails) ? 1 : 0;
}

}  // namespace

Runner add_replay(CLI::App& app) {
  auto opts = std::make_shared<ReplayCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Send captures onto a network interface at their own timing, faster, at a fixed rate, or as fast as possible "
      "(needs CAP_NET_RAW); or resend IPFIX files to a collector at their export times (docs/replay.md).\n"
      "Example: flowreplay replay trace.pcapng -i eth1");
  cmd->add_option("input", opts->inputs,
                  "pcap or pcapng files (gzip or zstd too), or - for stdin; or IPFIX files (with --ipfix); sent in order")
      ->required();
  cmd->add_option("-i,--interface", opts->interface, "Interface to send captures on (required for captures)");
  cmd->add_option("--ipfix", opts->ipfix,
                  "IPFIX files: the collector to resend their messages to, udp://HOST:PORT or tcp://HOST:PORT (at the pacing "
                  "of their export times; templates carried over)");
  cmd->add_option("--netflow9", opts->netflow9,
                  "IPFIX files: resend their flow records as NetFlow v9 to udp://HOST:PORT, paced by the flows' ends");
  cmd->add_option("--rate", opts->rate, "IPFIX files: a fixed rate in data records per second")->check(finite_range(1e-3, 1e10));
  cmd->add_option("-x,--multiplier", opts->multiplier, "Original timing sped up X times (2 = twice as fast)")
      ->check(finite_range(1e-6, 1e9));
  cmd->add_option("-p,--pps", opts->pps, "Fixed rate in packets per second")->check(finite_range(1e-3, 1e10));
  cmd->add_option("-M,--mbps", opts->mbps, "Fixed rate in Mbit/s (frame bytes as captured)")->check(finite_range(1e-6, 1e7));
  cmd->add_flag("-t,--topspeed", opts->topspeed, "As fast as the interface takes them, in batches");
  cmd->add_option("-L,--limit", opts->limit, "Send at most N packets")->check(whole_range(1, UINT64_MAX));
  cmd->add_option("--duration", opts->duration, "Stop after this long (e.g. 30s)");
  cmd->add_option("-l,--loop", opts->loops, "Send the inputs N times (0: until interrupted; default 1)")
      ->check(whole_range(0, UINT64_MAX));
  cmd->add_option("--loop-delay", opts->loop_delay, "Pause between loops (e.g. 1s; default 0)");
  cmd->add_flag("-K,--preload", opts->preload, "Read the inputs into memory first (fast loops, no disk reads while sending)");
  cmd->add_option("--sender", opts->sender,
                  "How frames leave: auto (default: af_xdp where the driver has zero-copy, else af_packet), af_packet "
                  "(sendmmsg), tx_ring (PACKET_TX_RING), af_xdp (zero-copy or copy mode) or pcap (pcap_inject)")
      ->check(CLI::IsMember({"auto", "af_packet", "tx_ring", "af_xdp", "pcap"}));
  cmd->add_option("--src-mac", opts->src_mac, "Rewrite every frame's source MAC")->group("Rewriting");
  cmd->add_option("--dst-mac", opts->dst_mac, "Rewrite every frame's destination MAC")->group("Rewriting");
  cmd->add_option("--map-net", opts->map_net,
                  "OLD/LEN=NEW/LEN: addresses in OLD/LEN move to NEW/LEN, host bits kept (IPv4 or IPv6; repeatable, the "
                  "first match applies)")
      ->group("Rewriting");
  cmd->add_option("--vlan-add", opts->vlan_add, "Add an 802.1Q tag with this VLAN id after the MAC addresses")
      ->check(CLI::Range(0, 4095))
      ->group("Rewriting");
  cmd->add_flag("--vlan-strip", opts->vlan_strip, "Remove the outer 802.1Q/802.1ad tag (before --vlan-add)")->group("Rewriting");
  cmd->add_flag("--fix-checksums", opts->fix_checksums, "Recompute IPv4, TCP, UDP, ICMP and ICMPv6 checksums")
      ->group("Rewriting");
  cmd->add_option("--loop-ip-offset", opts->loop_ip_offset,
                  "Add N x the loop number (0, 1, 2, ...) to every IPv4 and IPv6 address, so looped flows stay distinct; "
                  "checksums follow")
      ->check(whole_range(0, UINT64_MAX))
      ->group("Rewriting");
  cmd->add_flag("--realtime", opts->realtime,
                "Send from a real-time thread (SCHED_FIFO 50, as chrt -f 50; root or CAP_SYS_NICE): sleeps end on time, "
                "for sparse captures at their original timing. Not for dense ones or high --pps: the kernel throttles a "
                "real-time thread that spins for most of each second");
  cmd->add_flag("--strict", opts->strict, "Frames too large for the interface's MTU fail the run (exit 1)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr (errors and warnings still)");
  cmd->footer(help_footer(
      "  flowreplay replay trace.pcapng -i veth0                   # at the capture's own timing\n"
      "  flowreplay replay trace.pcap -i veth0 --multiplier 2 --loop 3\n"
      "  flowreplay replay trace.pcap.gz -i veth0 --pps 100000 --limit 1000000\n"
      "  flowreplay replay a.pcap b.pcap -i veth0 --topspeed --preload\n"
      "  flowreplay replay trace.pcap -i veth0 --loop 10 --loop-ip-offset 65536 --dst-mac 02:00:00:00:00:02\n"
      "  flowreplay replay flows.ipfix --ipfix udp://127.0.0.1:4739 --multiplier 10 --loop 3\n"));
  return [opts]() { return run_replay(*opts); };
}

}  // namespace flowreplay::cli
