// SPDX-License-Identifier: MIT
// Flows of a YAML traffic mix, in start order, one at a time (nothing is kept per past flow).
// Arrivals are a Poisson process at flows_per_second; the pattern, IP version, endpoints and
// VLAN of each flow are drawn from the mix.
//
// Client endpoints never repeat while flows last: the flow index goes through a keyed
// permutation of the (client address, ephemeral port) space, so every flow has its own 5-tuple
// without a table of the ones in use. Only a run with more flows than client addresses times
// 28 232 ephemeral ports (32768-60999, Linux's range) reuses a client endpoint.
#pragma once

#include <cstdint>
#include <vector>

#include "flowreplay/synth/flow_spec.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/core/rng.hpp"

namespace flowreplay {

// A bijection of [0, n) (n >= 1) keyed by a seed: cycle-walking over a power-of-two mixer.
class Permutation {
 public:
  Permutation(std::uint64_t n, std::uint64_t key);
  [[nodiscard]] std::uint64_t operator()(std::uint64_t x) const;

 private:
  [[nodiscard]] std::uint64_t mix(std::uint64_t x) const;
  std::uint64_t n_;
  std::uint64_t mask_;
  int shift_;
  std::uint64_t key_;
  std::uint64_t mult_;
};

// Hosts of several prefixes as one index space.
class AddressSpace {
 public:
  explicit AddressSpace(const std::vector<Cidr>& prefixes);
  [[nodiscard]] std::uint64_t size() const { return total_; }
  [[nodiscard]] IpAddress at(std::uint64_t i) const;

 private:
  std::vector<Cidr> prefixes_;
  std::vector<std::uint64_t> ends_;  // cumulative host counts
  std::uint64_t total_ = 0;
};

class FlowSource {
 public:
  virtual ~FlowSource() = default;
  virtual bool next(FlowSpec& spec) = 0;
};

class MixFlowSource : public FlowSource {
 public:
  static constexpr std::uint32_t kEphemeralFirst = 32768;
  static constexpr std::uint32_t kEphemeralCount = 28232;

  MixFlowSource(const GenConfig& config, double flows_per_second, std::uint64_t seed);
  bool next(FlowSpec& spec) override;

 private:
  struct Family {
    AddressSpace clients;
    AddressSpace servers;
    Permutation endpoints;
    std::uint64_t used = 0;
  };
  Family make_family(const std::vector<Cidr>& clients, const std::vector<Cidr>& servers, std::uint64_t key) const;

  const GenConfig& config_;
  Rng rng_;
  std::uint64_t seed_;
  double mean_gap_ns_;
  double clock_ns_;  // next arrival, ns after start_time, kept in double to accumulate fractions
  std::uint64_t index_ = 0;
  std::vector<double> cumulative_;  // pattern shares
  std::vector<Family> families_;    // [0] IPv4, [1] IPv6 (when used)
};

}  // namespace flowreplay
