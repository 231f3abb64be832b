// SPDX-License-Identifier: MIT
// The capture reader's own parser (pcap and pcapng from memory, as a mapped file is read), every
// frame decoded and metered by the CIC meter (head and corrected) and the flow meter in one pass.
#include <cstdint>
#include <span>
#include <string>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/capture_loop.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/ingest/flow_meter.hpp"
#include "flowreplay/io/pcap_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowreplay;
  try {
    PcapReader reader(std::span<const std::uint8_t>(data, size), "fuzz");
    std::string rows;
    CicOptions head;
    CicOptions corrected;
    corrected.mode = CicMode::kCorrected;
    CicMeter a(head, [&](const CicFeatures& f) { append_cic_row(rows, f, CicMode::kHead); });
    CicMeter b(corrected, [&](const CicFeatures& f) { append_cic_row(rows, f, CicMode::kCorrected); });
    std::uint64_t records = 0;
    FlowMeter c(MeterOptions{}, [&](const FlowRecord&) { ++records; });
    PacketMeter* meters[] = {&a, &b, &c};
    run_capture(reader, meters);
  } catch (const IoError&) {  // not a capture: a clear error is the right answer
  }
  return 0;
}
