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

// One protocol's flow-length model: flows.json to draw lengths, packets.json and octets.json for
// the average packet size at a length (flow-models' `generate -x length`).
class LengthModel {
 public:
  // DIR/flows.json, DIR/packets.json, DIR/octets.json.
  static LengthModel load(const std::string& dir);
  LengthModel(Mixture flows, Mixture packets, Mixture octets);

  // A flow length in packets: floor(draw) + 1, at least 1.
  [[nodiscard]] std::uint64_t draw_packets(Rng& rng) const;
  // flow-models' average packet size (Ethernet frame bytes with FCS) of a flow of `packets`:
  // pmf_octets / pmf_packets × (octets sum / packets sum), the pmf being CDF(x) - CDF(x - 1)
  // below 1024 and the density above. Not clamped; 0 when both pmfs vanish.
  [[nodiscard]] double mean_frame_bytes(std::uint64_t packets) const;
  // A flow as flow-models draws it: packets, and its frame bytes (average clamped to
  // [64, max_frame], times packets, rounded at random).
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> draw(Rng& rng, double max_frame) const;
  [[nodiscard]] const Mixture& flows() const { return flows_; }

 private:
  Mixture flows_;
  Mixture packets_;
  Mixture octets_;
  double octets_per_packet_;  // octets.sum / packets.sum
};

// The models `gen --model` takes: per protocol when the directory has tcp/ and udp/ (and all/)
// subdirectories, each with length/ or the three files directly; one model for every protocol
// when the directory (or a flows.json's directory) holds the three files itself.
class FlowModels {
 public:
  static FlowModels load(const std::string& path);
  // The model of an IP protocol: tcp for 6, udp for 17, all for anything else (or the one model).
  [[nodiscard]] const LengthModel& for_protocol(std::uint8_t l4) const;
  [[nodiscard]] const std::string& description() const { return description_; }

 private:
  std::vector<LengthModel> models_;  // [all, tcp, udp], or one
  std::string description_;
};

}  // namespace flowreplay
