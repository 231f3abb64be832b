// SPDX-License-Identifier: MIT
// Traffic profiles (gen --profile): any bytes (gzip/zstd detected as for real input) are records
// or a ConfigError; and every record of up to 2 000 packets is planned and built packet by packet,
// with its per-direction packet and L3 byte counts (and first and last packet, where the record
// gives each direction's times) checked against the exact target.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/io/decompress.hpp"
#include "flowreplay/synth/apps/app_script.hpp"
#include "flowreplay/synth/flow_planner.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/synth/packet_builder.hpp"
#include "flowreplay/synth/profile_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  static const GenConfig kConfig = default_gen_config();
  static const PayloadPools kPools(1);
  if (size == 0) return 0;
  std::FILE* raw = fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
  if (raw == nullptr) return 0;
  std::uint8_t head[4];
  const std::size_t got = std::fread(head, 1, sizeof head, raw);
  std::FILE* in = open_decompressing(raw, compression_of({head, got}), {head, got});
  if (in == nullptr) {
    std::fclose(raw);
    return 0;
  }
  try {
    ProfileReader reader(in, "fuzz.csv");
    ProfileOptions options;
    ProfileFlowSource source(kConfig, reader, options);
    FlowSpec spec;
    std::vector<std::uint8_t> frame;
    while (source.next(spec)) {
      const ExactFlow& x = spec.target;
      if (x.packets[0] + x.packets[1] > 2000) continue;
      FlowLayout layout;
      layout.l2 = 14 + (spec.encap != nullptr ? spec.encap->bytes() : 0);
      layout.l3 = spec.client.is_v6() ? 40 : 20;
      layout.mtu = kConfig.mtu;
      FlowPlanner planner(spec, kConfig, kPools, layout);
      PacketBuilder builder(spec, layout);
      frame.resize(builder.max_frame());
      std::uint64_t packets[2] = {0, 0};
      std::uint64_t bytes[2] = {0, 0};
      Timestamp first = 0;
      Timestamp last = 0;
      Timestamp dir_first[2] = {0, 0};
      Timestamp dir_last[2] = {0, 0};
      while (planner.next()) {
        const PlannedPacket& p = planner.packet();
        const BuiltFrame b = builder.build(p, frame.data());
        if (packets[0] + packets[1] == 0) first = p.time;
        if (p.time < last) __builtin_trap();  // a flow's packets go forward in time
        last = p.time;
        if (packets[p.dir]++ == 0) dir_first[p.dir] = p.time;
        dir_last[p.dir] = p.time;
        bytes[p.dir] += b.l3_len;
      }
      if (packets[0] != x.packets[0] || packets[1] != x.packets[1] || bytes[0] != x.bytes[0] || bytes[1] != x.bytes[1] ||
          first != spec.start || last != spec.start + x.duration) {
        __builtin_trap();  // the exact target was missed
      }
      for (int d = 0; d < 2; ++d) {  // with START_TIME_REV/END_TIME_REV: each direction's own first and last packet
        if (x.per_direction && packets[d] > 0 &&
            (dir_first[d] != spec.start + x.first[d] || dir_last[d] != spec.start + x.last[d])) {
          __builtin_trap();
        }
      }
    }
  } catch (const ConfigError&) {
  }
  std::fclose(in);
  return 0;
}
