// SPDX-License-Identifier: MIT
#include "flowreplay/synth/model_source.hpp"

#include <algorithm>

#include "flowreplay/core/wire.hpp"
#include "flowreplay/synth/exact_flow.hpp"

namespace flowreplay {

Duration model_flow_duration(std::uint64_t packets_fwd, std::uint64_t packets_rev, Duration rtt) {
  constexpr std::uint64_t kInitialWindow = 10;
  constexpr std::uint64_t kMaxWindow = 64;
  const std::uint64_t packets = std::max(packets_fwd, packets_rev);
  std::uint64_t sent = 0;
  std::uint64_t window = kInitialWindow;
  std::uint64_t rounds = 0;
  while (sent < packets && window < kMaxWindow) {  // slow start
    sent += window;
    window *= 2;
    ++rounds;
  }
  if (sent < packets) rounds += (packets - sent + kMaxWindow - 1) / kMaxWindow;  // then a full window a round
  return static_cast<Duration>(std::max<std::uint64_t>(rounds, 1)) * rtt;
}

ModelFlowSource::ModelFlowSource(const GenConfig& config, const FlowModels& models, std::unique_ptr<FlowSource> mix)
    : config_(config), models_(models), mix_(std::move(mix)) {}

bool ModelFlowSource::next(FlowSpec& spec) {
  if (!mix_->next(spec)) return false;
  ++stats_.flows;
  // The flow's own stream, apart from the one its packets are planned with.
  Rng rng(mix_seed(spec.seed, 0x6d6f64656cULL));
  const FlowModel& model = models_.for_protocol(spec.l4);
  const std::uint32_t encap = spec.encap != nullptr ? spec.encap->bytes() : 0;
  const std::uint32_t overhead = kModelFrameOverhead + encap;
  const double max_frame = static_cast<double>(config_.mtu + overhead);
  ExactFlow wanted;
  for (int d = 0; d < 2; ++d) {
    const auto [packets, frame_bytes] = model.draw(rng, max_frame);
    wanted.packets[d] = packets;
    wanted.bytes[d] = frame_bytes - std::min(frame_bytes, packets * overhead);
  }
  const Duration rtt = config_.rtt.hi > config_.rtt.lo ? rng.between(config_.rtt.lo, config_.rtt.hi) : config_.rtt.lo;
  wanted.duration = model_flow_duration(wanted.packets[0], wanted.packets[1], std::max<Duration>(rtt, kNanosPerMicro));
  ExactFit fit = fit_exact(wanted, spec.l4, spec.server.version() == 6, config_.mtu);
  if (!fit.adjustment.empty()) ++stats_.adjusted;
  spec.exact = true;
  spec.target = fit.flow;
  return true;
}

}  // namespace flowreplay
