// SPDX-License-Identifier: MIT
// flowreplay profile: a capture's flows as a FlowTest traffic profile (docs/profile.md).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capture_options.hpp"
#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/huge_pages.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/exporters/flow_models_binary.hpp"
#include "flowreplay/exporters/ipfix_reader.hpp"
#include "flowreplay/exporters/profile_writer.hpp"
#include "flowreplay/ingest/record_profiler.hpp"
#include "flowreplay/io/flow_csv.hpp"

namespace flowreplay::cli {

namespace {

struct ProfileCommandOptions {
  std::string input;
  std::string output = "-";
  MeterCliOptions meter{"", "30s", ""};  // like ft-profiler, which merges records an active timeout cut
  bool addresses = false;
  int time_decimals = 0;
  std::uint64_t memory_mib = 2048;
  bool gzip = false;
  bool quiet = false;
  bool no_partial = false;
  std::string filter;
  std::string format = "profile";
};

// Where the records go: a FlowTest profile (CSV), or flow-models' binary columns (a directory).
struct ProfileOutput {
  std::unique_ptr<ProfileWriter> profile;
  std::unique_ptr<FlowModelsWriter> models;
  FlowRecordSink& sink() { return profile ? static_cast<FlowRecordSink&>(*profile) : *models; }
  void set_origin(Timestamp t) {
    if (profile) profile->set_origin(t);
  }
};

ProfileOutput open_output(const ProfileCommandOptions& o) {
  ProfileOutput out;
  if (o.format == "flow-models") {
    if (o.output == "-") throw UsageError("profile: --format flow-models writes a directory: give -o DIR");
    if (o.gzip) throw UsageError("profile: -z compresses a profile CSV, not flow-models' binary columns");
    out.models = std::make_unique<FlowModelsWriter>(o.output, !o.no_partial);
    return out;
  }
  if (o.format != "profile") throw UsageError("profile: --format expects profile or flow-models, got '" + o.format + "'");
  out.profile = std::make_unique<ProfileWriter>(o.output, o.addresses, !o.no_partial);
  out.profile->set_time_decimals(o.time_decimals);
  if (o.gzip) out.profile->set_gzip();
  return out;
}

// What the input is: an IPFIX file and a CSV of flow records (nfdump -o csv, a flowreplay
// report) are flow records, anything else a capture.
enum class InputKind { kCapture, kIpfix, kCsv };
InputKind input_kind(const std::string& path) {
  if (path == "-") return InputKind::kCapture;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return InputKind::kCapture;  // the capture reader says why
  char head[16] = {};
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  if (n >= 2 && head[0] == 0 && head[1] == 10) return InputKind::kIpfix;
  const std::string_view text(head, n);
  if (text.starts_with("ts,te,") || text.starts_with("SRC_IP,")) return InputKind::kCsv;
  return InputKind::kCapture;
}

// What a profile takes from a flow record: 88 bytes where a FlowRecord has 150, for records that
// are all held while they are sorted by start.
struct ProfileInput {
  IpAddress src, dst;
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t l4_proto = 0;
  Timestamp start = 0, end = 0;
  std::uint64_t packets = 0, bytes = 0, packets_rev = 0, bytes_rev = 0;

  ProfileInput() = default;
  explicit ProfileInput(const FlowRecord& r)
      : src(r.src), dst(r.dst), src_port(r.src_port), dst_port(r.dst_port), l4_proto(r.l4_proto), start(r.start),
        end(r.end), packets(r.packets), bytes(r.bytes), packets_rev(r.packets_rev), bytes_rev(r.bytes_rev) {}
  void fill(FlowRecord& r) const {
    r.src = src, r.dst = dst, r.src_port = src_port, r.dst_port = dst_port, r.l4_proto = l4_proto;
    r.start = start, r.end = end;
    r.packets = packets, r.bytes = bytes, r.packets_rev = packets_rev, r.bytes_rev = bytes_rev;
  }
};

// Records in, ft-profiler's merging, profile out.
int run_records_profile(const ProfileCommandOptions& o, InputKind kind) {
  std::vector<ProfileInput, HugePageAllocator<ProfileInput>> records;
  // In order of start (exporters write in order of end): sort (start, index) pairs, not records.
  std::vector<std::pair<Timestamp, std::uint32_t>, HugePageAllocator<std::pair<Timestamp, std::uint32_t>>> order;
  std::string what;
  if (kind == InputKind::kIpfix) {
    what = "IPFIX records";
    if (std::FILE* f = std::fopen(o.input.c_str(), "rb"); f != nullptr) {  // about 50 bytes a record
      if (std::fseek(f, 0, SEEK_END) == 0) records.reserve(static_cast<std::size_t>(std::max(0L, std::ftell(f))) / 48);
      std::fclose(f);
    }
    order.reserve(records.capacity());
    // The second core clears the pages the records and their order will take while this one reads.
    Prefaulter warm({capacity_of(records), capacity_of(order)});
    IpfixReader reader(o.input);
    FlowRecord r;
    while (reader.next(r)) records.emplace_back(r);
  } else {
    const FlowCsv csv = read_flow_csv(o.input);
    what = csv.format == FlowCsvFormat::kNfdump ? "nfdump records" : "report records";
    records.reserve(csv.flows.size());
    for (const ReadFlow& f : csv.flows) records.emplace_back(f.record);
  }
  order.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) order[i] = {records[i].start, static_cast<std::uint32_t>(i)};
  std::sort(order.begin(), order.end());
  RecordProfilerOptions po;
  MeterCliOptions timeouts = o.meter;
  if (timeouts.active.empty()) timeouts.active = "300s";  // ft-profiler's -a: the exporter's active timeout
  const MeterOptions mo = meter_options(timeouts, "profile");
  po.active_timeout = mo.active_timeout;
  po.inactive_timeout = mo.inactive_timeout;
  po.max_flows = std::max<std::uint64_t>(1, (o.memory_mib << 20) / 256);
  ProfileOutput out = open_output(o);
  if (!order.empty()) out.set_origin(order.front().first);
  FlowRecordSink& profile = out.sink();
  RecordProfiler profiler(po, [&](const FlowRecord& r) { profile.write(r); });
  // Records are read in start order, all over memory, and each one's flow is looked up in a
  // table larger than the caches: load both some records ahead.
  constexpr std::size_t kRecordAhead = 16;
  constexpr std::size_t kSlotAhead = 8;
  FlowRecord ahead;
  FlowRecord next;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k + kRecordAhead < order.size()) __builtin_prefetch(&records[order[k + kRecordAhead].second]);
    if (k + kSlotAhead < order.size()) {
      records[order[k + kSlotAhead].second].fill(ahead);
      profiler.prefetch(ahead);
    }
    records[order[k].second].fill(next);
    profiler.add(next);
  }
  profiler.finish();
  profile.finish();
  if (!o.quiet) {
    std::fprintf(stderr,
                 "flowreplay profile: %llu %s read, %llu merged into others; %llu profile records%s\n",
                 static_cast<unsigned long long>(profiler.records_in()), what.c_str(),
                 static_cast<unsigned long long>(profiler.merged()), static_cast<unsigned long long>(profiler.flows_out()),
                 profiler.evicted_early() == 0
                     ? ""
                     : (", " + std::to_string(profiler.evicted_early()) + " written early when the --memory cache was full").c_str());
  }
  return 0;
}

int run_profile(const ProfileCommandOptions& o) {
  if (const InputKind kind = input_kind(o.input); kind != InputKind::kCapture) {
    if (!o.meter.shard.empty()) throw UsageError("profile: --shard applies to captures (their packets are split by flow)");
    return run_records_profile(o, kind);
  }
  const MeterOptions mo = meter_options(o.meter, "profile");
  auto input = open_capture(o.input, o.filter);
  ProfileOutput out = open_output(o);
  FlowRecordSink& profile = out.sink();
  FlowMeter meter(mo, [&](const FlowRecord& r) { profile.write(r); });
  PacketMeter* meters[] = {&meter};
  CaptureProgress progress("profile", o.quiet);
  CaptureCallbacks callbacks = progress.callbacks([&] { return std::to_string(meter.records()) + " flow records"; });
  callbacks.on_first = [&](Timestamp first) { out.set_origin(first); };
  const CaptureStats s = run_capture(input.source(), meters, callbacks);
  profile.finish();
  progress.clear();
  char tail[96];
  std::snprintf(tail, sizeof tail, "%llu flow records in %.2f s", static_cast<unsigned long long>(meter.records()),
                s.wall_seconds);
  return report_capture(s, o.input, "profile", o.quiet, tail + input.filter_note()) ? 0 : 1;
}

}  // namespace

Runner add_profile(CLI::App& app) {
  auto opts = std::make_shared<ProfileCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "profile",
      "Write the flows of a pcap/pcapng capture as a traffic profile: anonymous biflow records in the FlowTest CSV "
      "schema, times in ms from the first packet (docs/profile.md).\n"
      "Example: flowreplay profile trace.pcap -o profile.csv");
  cmd->add_option("input", opts->input,
                  "pcap or pcapng capture (- for stdin), or flow records: an IPFIX file or `nfdump -o csv` output, merged "
                  "into biflows as ft-profiler does")
      ->required();
  cmd->add_option("-o,--output", opts->output, "Profile CSV to write (default: stdout)");
  add_meter_options(cmd, opts->meter,
                    "Captures: cut a long flow into records of at most this long (default: never, as ft-profiler merges "
                    "the records an exporter's active timeout cut). Flow records: the exporter's active timeout, whose cuts "
                    "are merged (default 300s, ft-profiler's -a)");
  add_shard_option(cmd, opts->meter.shard);
  cmd->add_option("--memory", opts->memory_mib,
                  "Flow records: MiB of flow cache (256 bytes a flow, ft-profiler's -m; default 2048); when full, the "
                  "longest idle flow is written early (counted)")
      ->check(whole_range(1, 1 << 20));
  cmd->add_flag("--addresses", opts->addresses, "Also write SRC_IP and DST_IP (a profile is anonymous without them)");
  cmd->add_option("--time-decimals", opts->time_decimals,
                  "Decimals of START_TIME and END_TIME, 0 (whole ms, FlowTest's form) to 6 (ns: what gen --profile needs to "
                  "place packets exactly)")
      ->check(whole_range(0, 6));
  cmd->add_option("--format", opts->format,
                  "profile (default): the FlowTest CSV; flow-models: flow-models' binary columns in the directory -o names "
                  "(one file per field, one-way records, as its `-i binary` reads; docs/stats.md), which stats reads back");
  cmd->add_flag("-z,--gzip", opts->gzip, "Write the profile gzip-compressed (ft-profiler's -g); gen --profile reads it as is");
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  add_partial_flag(cmd, opts->no_partial);
  add_filter_option(cmd, opts->filter);
  cmd->footer(help_footer(
      "  flowreplay profile trace.pcap -o profile.csv\n"
      "  flowreplay profile --addresses --inactive-timeout 15s trace.pcapng > profile.csv\n"
      "  flowreplay profile flows.ipfix -o profile.csv                 # an IPFIX file, ft-profiler's merging\n"
      "  TZ=UTC nfdump -r nfcapd.202612050530 -o csv > flows.csv && flowreplay profile flows.csv\n"
      "  flowreplay profile trace.pcap --format flow-models -o flows/   # flow-models' binary columns\n"));
  return [opts]() { return run_profile(*opts); };
}

}  // namespace flowreplay::cli
