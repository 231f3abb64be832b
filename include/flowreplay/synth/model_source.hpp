// SPDX-License-Identifier: MIT
// Flows of a traffic mix whose packets and bytes come from fitted flow-models mixtures
// (gen --model, docs/models.md): the mix gives arrivals, patterns, ports, protocols and
// addresses; each direction of a flow is one draw from its protocol's length model (the
// published models count unidirectional records), and the exact planner that `gen --profile`
// uses lays out exactly those packets and bytes.
#pragma once

#include <cstdint>
#include <memory>

#include "flowreplay/core/rng.hpp"
#include "flowreplay/synth/flow_model.hpp"
#include "flowreplay/synth/flow_source.hpp"

namespace flowreplay {

struct ModelStats {
  std::uint64_t flows = 0;
  std::uint64_t adjusted = 0;  // drawn counts the planner had to move (an IPv6 minimum header, say)
};

// Bytes per packet between a flow-models frame size (Ethernet with FCS, untagged) and L3 bytes.
inline constexpr std::uint32_t kModelFrameOverhead = 18;

// How long a modelled flow lasts: `rtt` times the rounds TCP slow start needs for its longer
// direction, from an initial window of 10 segments (RFC 6928) doubling each round up to 64
// segments a round (docs/models.md); at least one round.
Duration model_flow_duration(std::uint64_t packets_fwd, std::uint64_t packets_rev, Duration rtt);

class ModelFlowSource : public FlowSource {
 public:
  // `mix` gives the flows (start, pattern, endpoints); `models` their counts.
  ModelFlowSource(const GenConfig& config, const FlowModels& models, std::unique_ptr<FlowSource> mix);
  bool next(FlowSpec& spec) override;
  [[nodiscard]] const ModelStats& stats() const { return stats_; }

 private:
  const GenConfig& config_;
  const FlowModels& models_;
  std::unique_ptr<FlowSource> mix_;
  ModelStats stats_;
};

}  // namespace flowreplay
