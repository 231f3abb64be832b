// SPDX-License-Identifier: MIT
// Fitted flow models in flow-models' mixture format (docs/models.md): a JSON object
// {"sum": N, "mix": [[weight, "dist", [params]], ...]} whose distributions and parameters follow
// scipy.stats, and the sampler flow-models' `generate` applies to them: a component drawn by
// weight, a continuous value from it, floor(value) + 1 as the integer flow length, and the
// average packet size at that length from the packets- and octets-weighted mixtures' ratio.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flowreplay/core/distribution.hpp"
#include "flowreplay/core/rng.hpp"

namespace flowreplay {

class Mixture {
 public:
  // Parses the JSON text; ConfigError "NAME:LINE:COLUMN: what" on anything malformed (unknown
  // distribution, wrong parameter count, negative weight or scale, no components).
  static Mixture parse(std::string_view json, const std::string& name);
  static Mixture load(const std::string& path);  // IoError when it cannot be read

  // The mixture's distribution function and density (weights normalized to sum 1).
  [[nodiscard]] double cdf(double x) const;
  [[nodiscard]] double pdf(double x) const;
  // A value drawn from it: a component with probability weight / sum of weights, then a value
  // from that component.
  [[nodiscard]] double draw(Rng& rng) const;
  [[nodiscard]] double sum() const { return sum_; }  // the data set's total of the y quantity
  [[nodiscard]] const std::vector<MixtureComponent>& components() const { return components_; }

 private:
  std::vector<MixtureComponent> components_;
  std::vector<double> cumulative_;  // normalized cumulative weights
  double sum_ = 0;
};

// What a model's x is: a flow's length in packets (flow-models' `-x length`) or its size in frame
// bytes (`-x size`).
enum class ModelAxis : std::uint8_t { kLength, kSize };

// One protocol's model: flows.json to draw x, packets.json and octets.json (the same x weighted by
// packets and by bytes) for the average packet size of a flow at x, as flow-models' `generate`.
class FlowModel {
 public:
  // DIR/flows.json, DIR/packets.json, DIR/octets.json.
  static FlowModel load(const std::string& dir, ModelAxis axis = ModelAxis::kLength);
  FlowModel(Mixture flows, Mixture packets, Mixture octets, ModelAxis axis = ModelAxis::kLength);

  // x drawn: floor(draw) + 1, at least 1 (a size at least 64 bytes).
  [[nodiscard]] std::uint64_t draw_x(Rng& rng) const;
  // flow-models' average packet size (Ethernet frame bytes with FCS) of a flow at x:
  // pmf_octets / pmf_packets × (octets sum / packets sum), the pmf being CDF(x) - CDF(x - 1)
  // below 1024 and the density above. Not clamped; 0 when both pmfs vanish.
  [[nodiscard]] double mean_frame_bytes(std::uint64_t x) const;
  // A flow as flow-models draws it: packets and frame bytes. Length: the average clamped to
  // [64, max_frame] times the packets, rounded at random. Size: packets = bytes / average, rounded
  // at random but never up past 64-byte packets nor down past max_frame ones, at least 1.
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> draw(Rng& rng, double max_frame) const;
  [[nodiscard]] const Mixture& flows() const { return flows_; }
  [[nodiscard]] ModelAxis axis() const { return axis_; }

 private:
  Mixture flows_;
  Mixture packets_;
  Mixture octets_;
  double octets_per_packet_;  // octets.sum / packets.sum
  ModelAxis axis_;
};

// The models `gen --model` takes: per protocol when the directory has tcp/ and udp/ (and all/)
// subdirectories, each with length/ (size/ for size models) or the three files directly; one model for every protocol
// when the directory (or a flows.json's directory) holds the three files itself.
class FlowModels {
 public:
  // With `axis` kSize, the size/ subdirectories (or the three files of a size model).
  static FlowModels load(const std::string& path, ModelAxis axis = ModelAxis::kLength);
  // The model of an IP protocol: tcp for 6, udp for 17, all for anything else (or the one model).
  [[nodiscard]] const FlowModel& for_protocol(std::uint8_t l4) const;
  [[nodiscard]] const std::string& description() const { return description_; }

 private:
  std::vector<FlowModel> models_;  // [all, tcp, udp], or one
  std::string description_;
};

}  // namespace flowreplay
