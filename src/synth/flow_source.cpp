// SPDX-License-Identifier: MIT
#include "flowreplay/synth/flow_source.hpp"

#include <algorithm>
#include <bit>

#include "flowreplay/core/wire.hpp"

namespace flowreplay {

Permutation::Permutation(std::uint64_t n, std::uint64_t key) : n_(n < 1 ? 1 : n) {
  const int bits = std::max(2, static_cast<int>(std::bit_width(n_ - 1)));
  mask_ = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  shift_ = bits / 2 + 1;
  std::uint64_t s = key;
  key_ = splitmix64(s) & mask_;
  mult_ = (splitmix64(s) | 1) & mask_;
  if (mult_ == 0) mult_ = 1;
}

// Each step is a bijection on `bits`-bit values: add a key, multiply by an odd number, and
// xor with a right shift of itself.
std::uint64_t Permutation::mix(std::uint64_t x) const {
  for (int round = 0; round < 3; ++round) {
    x = (x + key_) & mask_;
    x = (x * mult_) & mask_;
    x ^= x >> shift_;
  }
  return x;
}

std::uint64_t Permutation::operator()(std::uint64_t x) const {
  // Cycle walking: the mixer permutes [0, 2^bits); stepping until the value falls below n keeps
  // a bijection on [0, n). n > 2^(bits-1), so the expected number of steps is below 2.
  x %= n_;
  do {
    x = mix(x);
  } while (x >= n_);
  return x;
}

AddressSpace::AddressSpace(const std::vector<Cidr>& prefixes) : prefixes_(prefixes) {
  for (const auto& p : prefixes_) {
    total_ += p.host_count();
    ends_.push_back(total_);
  }
}

IpAddress AddressSpace::at(std::uint64_t i) const {
  std::size_t k = 0;
  while (k + 1 < ends_.size() && i >= ends_[k]) ++k;
  const std::uint64_t first = k == 0 ? 0 : ends_[k - 1];
  return prefixes_[k].host(i - first);
}

MixFlowSource::Family MixFlowSource::make_family(const std::vector<Cidr>& clients, const std::vector<Cidr>& servers,
                                                 std::uint64_t key) const {
  AddressSpace c(clients);
  AddressSpace s(servers);
  const std::uint64_t n = std::min<std::uint64_t>(c.size(), std::uint64_t{1} << 40) * kEphemeralCount;
  return Family{std::move(c), std::move(s), Permutation(n, key), 0};
}

MixFlowSource::MixFlowSource(const GenConfig& config, double flows_per_second, std::uint64_t seed)
    : config_(config), rng_(mix_seed(seed, 0xf1)), seed_(seed), mean_gap_ns_(1e9 / flows_per_second), clock_ns_(0) {
  double acc = 0;
  for (const auto& p : config.patterns) {
    acc += p.percentage / 100.0;
    cumulative_.push_back(acc);
  }
  families_.push_back(make_family(config.client_v4, config.server_v4, mix_seed(seed, 4)));
  if (config.ipv6_share > 0) families_.push_back(make_family(config.client_v6, config.server_v6, mix_seed(seed, 6)));
}

bool MixFlowSource::next(FlowSpec& spec) {
  if (config_.max_flows && index_ >= *config_.max_flows) return false;
  const auto offset = static_cast<Duration>(clock_ns_);
  if (config_.duration && offset >= *config_.duration) return false;

  spec.index = index_++;
  spec.start = config_.start_time + offset;
  spec.seed = mix_seed(seed_, spec.index);
  clock_ns_ += rng_.exponential(mean_gap_ns_);

  const double u = rng_.uniform();
  std::size_t k = 0;
  while (k + 1 < cumulative_.size() && u >= cumulative_[k]) ++k;
  spec.pattern = &config_.patterns[k];
  const PatternConfig& pat = *spec.pattern;

  const bool v6 = families_.size() > 1 && rng_.chance(config_.ipv6_share);
  Family& fam = families_[v6 ? 1 : 0];
  const std::uint64_t slot = fam.endpoints(fam.used++);
  const std::uint64_t client_index = slot / kEphemeralCount;
  spec.client = fam.clients.at(client_index);
  spec.client_port = static_cast<std::uint16_t>(kEphemeralFirst + slot % kEphemeralCount);
  const std::uint64_t server_index = rng_.below(fam.servers.size());
  spec.server = fam.servers.at(server_index);
  spec.client_mac = config_.client_macs.at(client_index % config_.client_macs.count());
  spec.server_mac = config_.server_macs.at(server_index % config_.server_macs.count());

  switch (pat.protocol) {
    case 0: spec.l4 = rng_.chance(pat.udp_share) ? wire::kProtoUdp : wire::kProtoTcp; break;
    case 1: spec.l4 = v6 ? wire::kProtoIcmpv6 : wire::kProtoIcmp; break;
    default: spec.l4 = pat.protocol; break;
  }
  if (spec.l4 == wire::kProtoIcmp || spec.l4 == wire::kProtoIcmpv6) {
    spec.server_port = 0;
  } else if (pat.ports.empty()) {
    spec.server_port = static_cast<std::uint16_t>(rng_.between(49152, 65535));
  } else {
    spec.server_port = pat.ports[rng_.below(pat.ports.size())];
  }
  spec.encap = config_.draw_encapsulation(rng_);
  return true;
}

}  // namespace flowreplay
