// SPDX-License-Identifier: MIT
// Uses the installed headers and library from three stages: synthesize a few flows into a pcapng
// (synth, io), then meter that capture back (ingest) and print what both sides counted.
#include <cstdio>

#include <flowreplay/core/flow_record.hpp>
#include <flowreplay/ingest/capture_loop.hpp>
#include <flowreplay/ingest/flow_meter.hpp>
#include <flowreplay/io/pcap_reader.hpp>
#include <flowreplay/io/pcapng_writer.hpp>
#include <flowreplay/synth/flow_source.hpp>
#include <flowreplay/synth/gen_config.hpp>
#include <flowreplay/synth/synthesizer.hpp>
#include <flowreplay/version.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  using namespace flowreplay;
  GenConfig config = default_gen_config();
  config.max_flows = 50;
  config.duration.reset();
  MixFlowSource source(config, effective_flows_per_second(config), config.seed);
  std::uint64_t truth_packets = 0;
  {
    PcapngWriter pcap(argv[1], "consumer " FLOWREPLAY_VERSION);
    struct Count : FlowRecordSink {
      std::uint64_t& n;
      explicit Count(std::uint64_t& out) : n(out) {}
      void write(const FlowRecord& r) override { n += r.packets + r.packets_rev; }
      void finish() override {}
    } count(truth_packets);
    Synthesizer(config, source, pcap, &count).run();
  }
  PcapReader reader(argv[1]);
  std::uint64_t metered_packets = 0;
  FlowMeter meter(MeterOptions{}, [&](const FlowRecord& r) { metered_packets += r.packets + r.packets_rev; });
  PacketMeter* meters[] = {&meter};
  const CaptureStats s = run_capture(reader, meters);
  std::printf("%llu %llu %llu\n", static_cast<unsigned long long>(truth_packets),
              static_cast<unsigned long long>(metered_packets), static_cast<unsigned long long>(s.decode.decoded));
  return truth_packets > 0 && truth_packets == metered_packets && metered_packets == s.decode.decoded ? 0 : 1;
}
