// SPDX-License-Identifier: MIT
// flowreplay compare: a probe's flow records against the ground truth (docs/compare.md).
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/exporters/ipfix_reader.hpp"
#include "flowreplay/ingest/flow_compare.hpp"
#include "flowreplay/io/flow_csv.hpp"
#include "flowreplay/io/output_file.hpp"

namespace flowreplay::cli {

namespace {

struct CompareCommandOptions {
  std::string reference;
  std::string flows;
  std::string tolerance = "100ms";
  std::string active;
  std::string inactive;
  bool statistical = false;
  double stat_tolerance = 0.01;
  std::string tz = "UTC";
  std::string report;
  bool quiet = false;
};

Duration duration_option(const std::string& text, const char* option) {
  const auto d = parse_duration(text);
  if (!d) throw UsageError(std::string("compare: ") + option + " expects a duration like 100ms, 30s or 0.5, got '" + text + "'");
  return *d;
}

bool is_ipfix_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char head[2] = {};
  in.read(reinterpret_cast<char*>(head), 2);
  return in.gcount() == 2 && head[0] == 0 && head[1] == 10;  // IPFIX message version 10
}

CompareInputs load(const std::string& path, const TimeZone& zone, std::string& kind) {
  CompareInputs out;
  if (path != "-" && is_ipfix_file(path)) {
    kind = "IPFIX file";
    IpfixReader reader(path);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f != nullptr && std::fseek(f, 0, SEEK_END) == 0) out.reserve(static_cast<std::size_t>(std::ftell(f)) / 48);
    if (f != nullptr) std::fclose(f);
    FlowRecord r;
    std::uint64_t n = 0;
    while (reader.next(r)) out.push_back({r, reader.precision(), ++n, false});
    return out;
  }
  FlowCsv csv = read_flow_csv(path, zone);
  kind = csv.format == FlowCsvFormat::kReport ? "flowreplay report" : "nfdump CSV";
  return std::move(csv.flows);
}

// The probe's records one at a time: an IPFIX file is read as the comparison goes, a text file
// whole first (its parser checks the header and every line).
class ProbeStream {
 public:
  ProbeStream(const std::string& path, const TimeZone& zone, std::string& kind) {
    if (path != "-" && is_ipfix_file(path)) {
      kind = "IPFIX file";
      ipfix_ = std::make_unique<IpfixReader>(path);
      return;
    }
    csv_ = read_flow_csv(path, zone);
    kind = csv_.format == FlowCsvFormat::kReport ? "flowreplay report" : "nfdump CSV";
  }
  bool next(CompareInput& in) {
    if (ipfix_) {
      if (!ipfix_->next(in.record)) return false;
      in.precision = ipfix_->precision();
      in.per_direction_times = false;
      in.line = ++count_;
      return true;
    }
    if (count_ >= csv_.flows.size()) return false;
    in = csv_.flows[count_++];
    return true;
  }
  [[nodiscard]] std::uint64_t count() const { return count_; }

 private:
  std::unique_ptr<IpfixReader> ipfix_;
  FlowCsv csv_;
  std::uint64_t count_ = 0;
};

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "ok";
    case Verdict::kMissing: return "missing";
    case Verdict::kUnexpected: return "unexpected";
    case Verdict::kIncorrect: return "incorrect";
  }
  return "ok";
}

// The verdict report, one row per verdict as compare_flows makes them.
class VerdictReport {
 public:
  explicit VerdictReport(const std::string& path) : out_(path, std::size_t{1} << 20, true) {
    const std::string header =
        "VERDICT,SRC_IP,DST_IP,SRC_PORT,DST_PORT,L4_PROTO,DIRECTION,REF_PACKETS,PROBE_PACKETS,REF_BYTES,PROBE_BYTES,"
        "REF_START,PROBE_START,REF_END,PROBE_END,PROBE_RECORDS,DETAIL\n";
    out_.write(header.data(), header.size());
  }
  void write(const FlowVerdict& v) {
    line_.clear();
    line_ += verdict_name(v.verdict);
    line_ += ',' + v.key.src.to_string() + ',' + v.key.dst.to_string() + ',' + std::to_string(v.key.src_port) + ',' +
             std::to_string(v.key.dst_port) + ',' + std::to_string(v.key.l4_proto) + ',' +
             (v.verdict == Verdict::kUnexpected ? "" : (v.reverse ? "reverse" : "forward"));
    for (std::uint64_t n : {v.ref_packets, v.probe_packets, v.ref_bytes, v.probe_bytes}) line_ += ',' + std::to_string(n);
    for (Timestamp t : {v.ref_start, v.probe_start, v.ref_end, v.probe_end}) line_ += ',' + std::to_string(t);
    line_ += ',' + std::to_string(v.probe_records) + ",\"" + v.detail + "\"\n";
    out_.write(line_.data(), line_.size());
  }
  void close() { out_.close(); }

 private:
  OutputFile out_;
  std::string line_;
};

void print_totals(const char* what, const ProtocolTotals& t) {
  std::printf("  %-10s packets %" PRIu64 " / %" PRIu64 " (%.4f %%), bytes %" PRIu64 " / %" PRIu64
              " (%.4f %%), one-way flows %" PRIu64 " / %" PRIu64 " (%.4f %%)\n",
              what, t.probe_packets, t.ref_packets, 100 * relative_error(t.ref_packets, t.probe_packets), t.probe_bytes,
              t.ref_bytes, 100 * relative_error(t.ref_bytes, t.probe_bytes), t.probe_flows, t.ref_flows,
              100 * relative_error(t.ref_flows, t.probe_flows));
}

int run_compare(const CompareCommandOptions& o) {
  const auto zone = TimeZone::parse(o.tz);
  if (!zone) throw UsageError("compare: --tz: unknown time zone '" + o.tz + "' (use UTC, +03:00, or an IANA name)");
  CompareOptions options;
  options.tolerance = duration_option(o.tolerance, "--tolerance");
  if (!o.active.empty()) options.active_timeout = duration_option(o.active, "--active-timeout");
  if (!o.inactive.empty()) options.inactive_timeout = duration_option(o.inactive, "--inactive-timeout");
  options.stat_tolerance = o.stat_tolerance;

  std::string ref_kind;
  std::string probe_kind;
  const auto reference = load(o.reference, *zone, ref_kind);
  ProbeStream probe(o.flows, *zone, probe_kind);
  std::unique_ptr<VerdictReport> report;
  if (!o.report.empty()) report = std::make_unique<VerdictReport>(o.report);
  const CompareResult r = compare_flows(reference, [&](CompareInput& in) { return probe.next(in); }, options, o.reference,
                                        report ? VerdictSink([&](const FlowVerdict& v) { report->write(v); }) : VerdictSink{});
  if (report) report->close();

  const bool pass = o.statistical ? r.statistical_pass(options.stat_tolerance) : r.precise_pass();
  if (!o.quiet) {
    std::printf("flowreplay compare: reference %s (%s, %zu records), flows %s (%s, %zu records)\n", o.reference.c_str(),
                ref_kind.c_str(), reference.size(), o.flows.c_str(), probe_kind.c_str(),
                static_cast<std::size_t>(probe.count()));
    std::printf("  one-way flows: %" PRIu64 " ok, %" PRIu64 " missing, %" PRIu64 " unexpected, %" PRIu64
                " incorrect; %" PRIu64 " met by several records (merged)%s\n",
                r.ok, r.missing, r.unexpected, r.incorrect, r.split_merged,
                r.probe_malformed != 0 ? (", " + std::to_string(r.probe_malformed) + " probe records ending before they start (skipped)").c_str() : "");
    for (const FlowVerdict& v : r.problems) {
      std::printf("  %-10s %s %s:%u -> %s:%u: %s\n", verdict_name(v.verdict),
                  v.key.l4_proto == 6 ? "TCP" : v.key.l4_proto == 17 ? "UDP" : ("proto " + std::to_string(v.key.l4_proto)).c_str(),
                  v.key.src.to_string().c_str(), v.key.src_port, v.key.dst.to_string().c_str(), v.key.dst_port, v.detail.c_str());
    }
    if (r.missing + r.unexpected + r.incorrect > r.problems.size()) std::printf("  ... (every verdict: --report FILE)\n");
    print_totals("total", r.total);
    for (const auto& [proto, t] : r.by_protocol) print_totals(("proto " + std::to_string(proto)).c_str(), t);
    std::printf("  %s (%s mode)\n", pass ? "PASS" : "FAIL", o.statistical ? "statistical" : "precise");
  }
  return pass ? 0 : 1;
}

}  // namespace

Runner add_compare(CLI::App& app) {
  auto opts = std::make_shared<CompareCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Check a probe's flow records against the ground truth, as FlowTest's ft-analyzer does: missing, unexpected and "
      "incorrect flows (precise mode), or relative packet/byte/flow errors (statistical mode). docs/compare.md.");
  cmd->add_option("--reference", opts->reference, "Ground truth: a flowreplay report (gen --report) or - for stdin")->required();
  cmd->add_option("--flows", opts->flows, "The probe's records: an IPFIX file, `nfdump -o csv` output or a flowreplay report")
      ->required();
  cmd->add_option("--tolerance", opts->tolerance, "Largest start/end time difference that passes (default 100ms, as ft-analyzer)");
  cmd->add_option("--active-timeout", opts->active, "The probe's active timeout: splits it explains are merged, others fail");
  cmd->add_option("--inactive-timeout", opts->inactive, "The probe's inactive timeout, likewise");
  cmd->add_flag("--statistical", opts->statistical, "Judge by relative errors over the run and per protocol instead");
  cmd->add_option("--stat-tolerance", opts->stat_tolerance, "Statistical mode: largest relative error that passes (default 0.01)")
      ->check(finite_range(0, 1e9));
  cmd->add_option("--tz", opts->tz, "Time zone nfdump printed its times in (default UTC; run nfdump with TZ=UTC)");
  cmd->add_option("--report", opts->report, "Write every verdict as CSV (docs/compare.md)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary; the exit code says pass (0) or fail (1)");
  cmd->footer(help_footer(
      "  flowreplay gen --report truth.csv --ipfix udp://127.0.0.1:4739       # a probe or nfcapd listens there\n"
      "  TZ=UTC nfdump -r nfcapd.202612050530 -o csv > probe.csv\n"
      "  flowreplay compare --reference truth.csv --flows probe.csv --report verdicts.csv\n"
      "  flowreplay compare --reference truth.csv --flows probe.ipfix --statistical --stat-tolerance 0.001\n"));
  return [opts]() { return run_compare(*opts); };
}

}  // namespace flowreplay::cli
