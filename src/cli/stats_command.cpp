// SPDX-License-Identifier: MIT
// flowreplay stats: histograms of flow length, size, duration or rate in flow-models' csv_hist
// layout, and a summary, from captures or flow records (docs/stats.md).
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture_options.hpp"
#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/core/wire.hpp"
#include "flowreplay/exporters/flow_models_binary.hpp"
#include "flowreplay/exporters/ipfix_reader.hpp"
#include "flowreplay/ingest/stats/flow_histogram.hpp"
#include "flowreplay/io/decompress.hpp"
#include "flowreplay/io/flow_csv.hpp"
#include "flowreplay/io/output_file.hpp"
#include "flowreplay/synth/profile_source.hpp"

namespace flowreplay::cli {

namespace {

struct StatsCommandOptions {
  std::vector<std::string> inputs;
  std::string by = "length";
  std::string proto = "all";
  int bin_exp = 12;
  std::vector<std::string> columns;
  std::string unit = "direction";
  std::string format = "auto";
  std::string output = "-";
  std::string summary;
  MeterCliOptions meter{"", "30s", ""};  // as `profile` meters a capture
  std::string filter;
  std::string tz = "UTC";
  bool quiet = false;
  bool no_partial = false;
};

enum class InputFormat { kCapture, kIpfix, kFlowCsv, kProfile, kFlowModels };

const char* format_name(InputFormat f) {
  switch (f) {
    case InputFormat::kCapture: return "capture";
    case InputFormat::kIpfix: return "IPFIX file";
    case InputFormat::kFlowCsv: return "flow records (CSV)";
    case InputFormat::kProfile: return "profile";
    case InputFormat::kFlowModels: return "flow-models binary";
  }
  return "capture";
}

// What a file holds, by its first bytes: an IPFIX message, a capture (compressed or not), or text:
// a report or nfdump CSV by their header rows, a profile by its PACKETS column; IoError for
// anything else. stdin is a capture unless --format says otherwise (it cannot be read twice).
InputFormat sniff(const std::string& path) {
  if (path == "-") return InputFormat::kCapture;
  if (is_flow_models_dir(path)) return InputFormat::kFlowModels;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw IoError(path, "cannot open", errno);
  std::uint8_t head[4] = {};
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  if (n >= 2 && head[0] == 0 && head[1] == 10) return InputFormat::kIpfix;
  // The plain bytes: a capture's magic number, or the first lines of text.
  const InputStream in = open_input_stream(path);
  char buf[8192];
  const std::size_t got = std::fread(buf, 1, sizeof buf, in.get());
  std::uint32_t magic = 0;
  if (got >= sizeof magic) std::memcpy(&magic, buf, sizeof magic);
  for (std::uint32_t m : {0xa1b2c3d4U, 0xd4c3b2a1U, 0xa1b23c4dU, 0x4d3cb2a1U, 0x0a0d0d0aU}) {
    if (magic == m) return InputFormat::kCapture;
  }
  std::string_view rest(buf, got);
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view text = rest.substr(0, nl == std::string_view::npos ? rest.size() : nl + 1);
    rest.remove_prefix(text.size());
    if (text.empty() || text[0] == '#' || text[0] == '\n' || text[0] == '\r') continue;
    // A report has an APP column, which a profile (even with --addresses) does not.
    auto has = [&](std::string_view field) {
      for (std::size_t at = text.find(field); at != std::string_view::npos; at = text.find(field, at + 1)) {
        const std::size_t end = at + field.size();
        if ((at == 0 || text[at - 1] == ',') && (end == text.size() || text[end] == ',' || text[end] == '\n' || text[end] == '\r')) {
          return true;
        }
      }
      return false;
    };
    if ((has("SRC_IP") && has("START_TIME") && has("APP")) || text.starts_with("ts,")) return InputFormat::kFlowCsv;
    if (text.find("PACKETS") != std::string_view::npos) return InputFormat::kProfile;
    break;
  }
  throw IoError(path, "not a pcap/pcapng capture, an IPFIX file, a gen report, nfdump -o csv output nor a FlowTest profile "
                "(--format says which it is)", 0);
}

std::optional<InputFormat> format_option(const std::string& name) {
  if (name == "capture") return InputFormat::kCapture;
  if (name == "ipfix") return InputFormat::kIpfix;
  if (name == "report" || name == "nfdump" || name == "csv") return InputFormat::kFlowCsv;
  if (name == "profile") return InputFormat::kProfile;
  if (name == "flow-models") return InputFormat::kFlowModels;
  return std::nullopt;
}

// The flows of every input into one histogram: each direction with packets is one flow (NetFlow's
// and flow-models' unit), or each biflow whole with --unit biflow; --proto keeps one protocol.
class StatsCollector {
 public:
  StatsCollector(FlowHistogram& histogram, bool biflow, std::optional<std::uint8_t> proto)
      : histogram_(histogram), biflow_(biflow), proto_(proto) {}

  // A biflow record; with `per_direction` its start_fwd.. hold each direction's own times.
  void add(const FlowRecord& r, bool per_direction) {
    ++records_;
    if (proto_ && r.l4_proto != *proto_) return;
    if (biflow_) {
      if (r.packets + r.packets_rev == 0) return;
      histogram_.add({r.packets + r.packets_rev, r.bytes + r.bytes_rev, r.start, r.end});
      return;
    }
    if (r.packets > 0) {
      histogram_.add({r.packets, r.bytes, per_direction ? r.start_fwd : r.start, per_direction ? r.end_fwd : r.end});
    }
    if (r.packets_rev > 0) {
      histogram_.add({r.packets_rev, r.bytes_rev, per_direction ? r.start_rev : r.start, per_direction ? r.end_rev : r.end});
    }
  }
  [[nodiscard]] std::uint64_t records() const { return records_; }

 private:
  FlowHistogram& histogram_;
  bool biflow_;
  std::optional<std::uint8_t> proto_;
  std::uint64_t records_ = 0;
};

std::optional<std::uint8_t> proto_option(const std::string& name) {
  if (name == "all") return std::nullopt;
  if (name == "tcp") return wire::kProtoTcp;
  if (name == "udp") return wire::kProtoUdp;
  if (name == "icmp") return wire::kProtoIcmp;
  if (name == "icmpv6") return wire::kProtoIcmpv6;
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (name.empty() || ec != std::errc{} || end != name.data() + name.size() || n > 255) {
    throw UsageError("stats: --proto expects all, tcp, udp, icmp, icmpv6 or a protocol number 0-255, got '" + name + "'");
  }
  return static_cast<std::uint8_t>(n);
}

// One input into the collector; returns false when a capture was truncated.
bool read_input(const std::string& path, InputFormat format, const StatsCommandOptions& o, const TimeZone& zone,
                StatsCollector& stats) {
  switch (format) {
    case InputFormat::kIpfix: {
      IpfixReader reader(path);
      FlowRecord r;
      while (!stop_requested() && reader.next(r)) stats.add(r, false);
      return true;
    }
    case InputFormat::kFlowCsv: {
      const InputStream in = open_input_stream(path);
      FlowCsvReader reader(in.get(), path == "-" ? "<stdin>" : path, zone);
      ReadFlow f;
      while (!stop_requested() && reader.next(f)) stats.add(f.record, f.per_direction_times);
      return true;
    }
    case InputFormat::kProfile: {
      const InputStream in = open_input_stream(path);
      ProfileReader reader(in.get(), path == "-" ? "<stdin>" : path);
      ProfileRecord p;
      FlowRecord r;
      while (!stop_requested() && reader.next(p)) {
        r.l4_proto = p.l4;
        r.packets = p.packets, r.bytes = p.bytes, r.packets_rev = p.packets_rev, r.bytes_rev = p.bytes_rev;
        r.start = p.start, r.end = p.end;
        r.start_fwd = p.first[0], r.end_fwd = p.last[0], r.start_rev = p.first[1], r.end_rev = p.last[1];
        stats.add(r, p.per_direction);
      }
      return true;
    }
    case InputFormat::kFlowModels: {
      FlowModelsReader reader(path);
      FlowRecord r;
      while (!stop_requested() && reader.next(r)) stats.add(r, true);
      return true;
    }
    case InputFormat::kCapture: break;
  }
  const MeterOptions mo = meter_options(o.meter, "stats");
  auto input = open_capture(path, o.filter);
  FlowMeter meter(mo, [&](const FlowRecord& r) { stats.add(r, true); });
  PacketMeter* meters[] = {&meter};
  CaptureProgress progress("stats", o.quiet);
  const CaptureStats s = run_capture(input.source(), meters, progress.callbacks([&] {
    return std::to_string(meter.records()) + " flow records";
  }));
  progress.clear();
  char tail[96];
  std::snprintf(tail, sizeof tail, "%llu flow records in %.2f s", static_cast<unsigned long long>(meter.records()),
                s.wall_seconds);
  return report_capture(s, path, "stats", o.quiet, tail + input.filter_note());
}

void write_histogram(OutputFile& out, const FlowHistogram& h, bool duration_column, bool rate_column) {
  std::string text = "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum";
  if (duration_column) text += ",duration_sum";
  if (rate_column) text += ",rate_sum";
  text += '\n';
  out.write(text.data(), text.size());
  char line[160];
  for (const HistogramBin& b : h.bins()) {
    int n = std::snprintf(line, sizeof line, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, b.lo, b.hi, b.flows,
                          b.packets, b.octets);
    if (duration_column) n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), ",%" PRIu64, b.duration_ms);
    // flow-models writes int() of the float sum: truncated, as here.
    if (rate_column) n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), ",%.0f", std::trunc(b.rate));
    line[n++] = '\n';
    out.write(line, static_cast<std::size_t>(n));
  }
}

const char* const kQuantileNames[] = {"p50", "p90", "p99", "p99.9"};

void write_summary(const std::string& path, const HistogramSummary& s, StatsAxis axis, bool partial) {
  OutputFile out(path, std::size_t{1} << 16, partial);
  std::string text = "statistic,value\n";
  char line[96];
  auto row = [&](const char* name, const char* fmt, auto value) {
    text += name;
    text += ',';
    std::snprintf(line, sizeof line, fmt, value);
    text += line;
    text += '\n';
  };
  text += "axis," + std::string(stats_axis_name(axis)) + "\nunit," + std::string(stats_axis_unit(axis)) + "\n";
  row("flows", "%" PRIu64, s.flows);
  row("packets", "%" PRIu64, s.packets);
  row("octets", "%" PRIu64, s.octets);
  row("mean", "%.6g", s.mean);
  row("min", "%" PRIu64, s.min);
  for (std::size_t i = 0; i < s.quantiles.size(); ++i) row(kQuantileNames[i], "%" PRIu64, s.quantiles[i]);
  row("max", "%" PRIu64, s.max);
  row("top1_octets_share", "%.6f", s.top1_octets_share);
  out.write(text.data(), text.size());
  out.close();
}

int run_stats(const StatsCommandOptions& o) {
  const auto axis = parse_stats_axis(o.by);
  if (!axis) throw UsageError("stats: --by expects length, size, duration or rate, got '" + o.by + "'");
  const auto proto = proto_option(o.proto);
  const auto zone = TimeZone::parse(o.tz);
  if (!zone) throw UsageError("stats: --tz: unknown time zone '" + o.tz + "' (use UTC, +03:00, or an IANA name)");
  bool duration_column = false;
  bool rate_column = false;
  for (const std::string& c : o.columns) {
    if (c == "duration") {
      duration_column = true;
    } else if (c == "rate") {
      rate_column = true;
    } else {
      throw UsageError("stats: --column expects duration or rate, got '" + c + "'");
    }
  }
  if (o.unit != "direction" && o.unit != "biflow") {
    throw UsageError("stats: --unit expects direction or biflow, got '" + o.unit + "'");
  }
  std::optional<InputFormat> forced;
  if (o.format != "auto") {
    forced = format_option(o.format);
    if (!forced) throw UsageError("stats: --format expects auto, capture, ipfix, report, nfdump, profile or flow-models, got '" + o.format + "'");
  }
  // Every input is looked at before any output is made, so a wrong one fails first.
  std::vector<InputFormat> formats;
  for (const std::string& in : o.inputs) formats.push_back(forced ? *forced : sniff(in));

  FlowHistogram histogram(*axis, o.bin_exp);
  StatsCollector stats(histogram, o.unit == "biflow", proto);
  OutputFile out(o.output, OutputFile::kDefaultBuffer, !o.no_partial);
  bool whole = true;
  for (std::size_t i = 0; i < o.inputs.size() && !stop_requested(); ++i) {
    const std::uint64_t before = stats.records();
    whole = read_input(o.inputs[i], formats[i], o, *zone, stats) && whole;
    if (!o.quiet && formats[i] != InputFormat::kCapture) {
      std::fprintf(stderr, "flowreplay stats: %s (%s): %llu records\n", o.inputs[i].c_str(), format_name(formats[i]),
                   static_cast<unsigned long long>(stats.records() - before));
    }
  }
  write_histogram(out, histogram, duration_column, rate_column);
  out.close();
  const HistogramSummary s = histogram.summary();
  if (!o.summary.empty()) write_summary(o.summary, s, *axis, !o.no_partial);
  if (!o.quiet) {
    const std::string unit(stats_axis_unit(*axis));
    std::fprintf(stderr,
                 "flowreplay stats: %" PRIu64 " %s (%s%s), %" PRIu64 " packets, %" PRIu64 " L3 bytes; %s in %s:\n"
                 "  mean %.6g, min %" PRIu64 ", p50 %" PRIu64 ", p90 %" PRIu64 ", p99 %" PRIu64 ", p99.9 %" PRIu64
                 ", max %" PRIu64 "; the top 1 %% of flows carry %.2f %% of the bytes\n",
                 s.flows, o.unit == "biflow" ? "biflows" : "one-way flows", o.proto.c_str(),
                 o.proto == "all" ? " protocols" : "", s.packets, s.octets, std::string(stats_axis_name(*axis)).c_str(),
                 unit.c_str(), s.mean, s.min, s.quantiles[0], s.quantiles[1], s.quantiles[2], s.quantiles[3], s.max,
                 100 * s.top1_octets_share);
  }
  return whole ? 0 : 1;
}

}  // namespace

Runner add_stats(CLI::App& app) {
  auto opts = std::make_shared<StatsCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats",
      "Histogram of flow length, size, duration or rate in flow-models' csv_hist layout (bin_lo,bin_hi,flows_sum,"
      "packets_sum,octets_sum), and a summary (mean, quantiles, the top 1 %'s share of bytes), from captures or flow "
      "records. One flow is one direction of a biflow, as NetFlow and flow-models count them (docs/stats.md).");
  cmd->add_option("inputs", opts->inputs,
                  "Captures (pcap/pcapng, compressed or not; - for stdin), IPFIX files, gen reports, `nfdump -o csv` "
                  "output, FlowTest profiles (told apart by their first bytes) or flow-models binary directories; all go into "
                  "one histogram")
      ->required();
  cmd->add_option("-x,--by", opts->by, "What to bin: length (packets), size (L3 bytes), duration (ms) or rate (bit/s); default length");
  cmd->add_option("--proto", opts->proto, "Only this L4 protocol: all (default), tcp, udp, icmp, icmpv6 or a number");
  cmd->add_option("-b,--bin-exp", opts->bin_exp,
                  "Bins exact below 2^B, then 2^(B-1) bins an octave (flow-models' -b; default 12: exact to 4096); 0 makes "
                  "every value its own bin")
      ->check(CLI::Range(0, FlowHistogram::kMaxBinExp));
  cmd->add_option("-c,--column", opts->columns, "Also sum duration (ms) or rate (bit/s) per bin, as flow-models' -c (repeatable)");
  cmd->add_option("--unit", opts->unit,
                  "direction (default): each direction of a biflow with packets is one flow, as NetFlow exports and the "
                  "published models count them; biflow: both directions together");
  cmd->add_option("--format", opts->format, "Input format: auto (default), capture, ipfix, report, nfdump, profile or flow-models (a directory of flow-models' binary columns)");
  cmd->add_option("-o,--output", opts->output, "Histogram CSV to write (default: stdout)");
  cmd->add_option("--summary", opts->summary, "Also write the summary as CSV rows statistic,value (docs/stats.md)");
  add_meter_options(cmd, opts->meter, "Captures: cut a long flow into records of at most this long (default: never)");
  add_filter_option(cmd, opts->filter);
  cmd->add_option("--tz", opts->tz, "Time zone nfdump printed its times in (default UTC)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  add_partial_flag(cmd, opts->no_partial);
  cmd->footer(help_footer(
      "  flowreplay stats trace.pcap -o length.csv                  # flow length histogram of a capture\n"
      "  flowreplay stats --by size --proto tcp truth.csv --summary size-summary.csv\n"
      "  flowreplay stats --by duration -c rate flows.ipfix > duration.csv\n"
      "  flowreplay stats profile.csv.gz --bin-exp 0                 # every value its own bin\n"));
  return [opts]() { return run_stats(*opts); };
}

}  // namespace flowreplay::cli
