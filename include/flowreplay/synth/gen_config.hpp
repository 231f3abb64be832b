// SPDX-License-Identifier: MIT
// The traffic mix that `flowreplay gen` synthesizes, as loaded from YAML (see docs/config.md).
// Sizes named *_bytes are application payload bytes; the packet-size histogram is in L2 frame
// bytes without FCS; times are ns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/address.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

// The kinds of traffic the synthesizer knows how to play.
enum class AppType : std::uint8_t { kWeb, kTls, kDns, kSsh, kDatabase, kSmtp, kFtp, kIcmp, kRandom };

inline constexpr AppType kAllAppTypes[] = {AppType::kWeb,  AppType::kTls, AppType::kDns,  AppType::kSsh,
                                           AppType::kDatabase, AppType::kSmtp, AppType::kFtp, AppType::kIcmp,
                                           AppType::kRandom};

std::string_view app_name(AppType type);
std::optional<AppType> app_from_name(std::string_view name);

// Inclusive integer range, drawn uniformly.
struct IntRange {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

// Inclusive duration range (ns), drawn log-uniformly when it spans more than a factor of 10,
// since latencies and think times are closer to log-uniform than to uniform.
struct DurationRange {
  Duration lo = 0;
  Duration hi = 0;
};

// The most application bytes one TLS record carries (RFC 8446 section 5.1): a tls pattern's
// request and response each travel as one record.
inline constexpr std::int64_t kTlsMaxPlaintext = 16384;

// Bounds of the generation limits, the same for the config and the command line (docs/config.md).
inline constexpr std::uint64_t kMaxFlows = 10'000'000'000;          // max_flows, --flows
inline constexpr double kMinFlowsPerSecond = 0.001;
inline constexpr double kMaxFlowsPerSecond = 10'000'000;
inline constexpr Duration kMaxGenDuration = 365LL * 24 * 3600 * kNanosPerSecond;  // duration, --duration
inline constexpr Timestamp kMaxStartTime = 4'000'000'000LL * kNanosPerSecond;    // start_time: 2096-10-02
inline constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;             // a config file, 1 MiB

struct PatternConfig {
  AppType type = AppType::kRandom;
  double percentage = 0;          // share of flows, 0..100
  std::vector<std::uint16_t> ports;  // server ports, one drawn per flow; empty = random (1024-49151)
  std::uint8_t protocol = 6;      // IP protocol: 6, 17 or 1 (58 on IPv6); 0 = TCP or UDP per flow
  double udp_share = 0.5;         // with protocol 0: share of UDP flows
  IntRange requests;              // request/response rounds per flow (random: packets per flow)
  IntRange request_bytes;         // payload bytes of one request
  IntRange response_bytes;        // payload bytes of one response
  DurationRange think_time;       // server time from request to response
  DurationRange idle_time;        // client pause between rounds
  double rst_probability = 0;     // TCP: share of flows the client ends with RST instead of FIN
};

// The defaults of a pattern type (docs/config.md lists them).
PatternConfig default_pattern(AppType type);

struct SizeBin {
  std::uint32_t lo = 0;  // L2 frame bytes without FCS, inclusive
  std::uint32_t hi = 0;
  double probability = 0;
};

// One layer between Ethernet and IP: an 802.1Q tag or an MPLS label stack entry (RFC 3032).
struct EncapLayer {
  enum class Kind : std::uint8_t { kVlan, kMpls };
  Kind kind = Kind::kVlan;
  std::uint32_t id = 0;  // VLAN id 1-4094, or MPLS label 0-1048575
};

// One encapsulation variant of network.encapsulation, drawn per flow with its probability.
// Layers are outermost first; VLAN tags come before MPLS labels (a VLAN may not follow MPLS).
struct Encapsulation {
  static constexpr std::size_t kMaxLayers = 8;
  static constexpr std::uint32_t kLayerBytes = 4;  // an 802.1Q tag, an MPLS label stack entry
  std::vector<EncapLayer> layers;
  double probability = 0;

  [[nodiscard]] std::uint32_t bytes() const { return static_cast<std::uint32_t>(layers.size()) * kLayerBytes; }
  // The outermost VLAN id, 0 without one (the flow record's vlan: IPFIX vlanId).
  [[nodiscard]] std::uint16_t outer_vlan() const {
    return !layers.empty() && layers.front().kind == EncapLayer::Kind::kVlan ? static_cast<std::uint16_t>(layers.front().id) : 0;
  }
};

class Rng;

struct GenConfig {
  std::string origin;  // file name, or "<built-in default>"

  // generation
  std::optional<double> flows_per_second;
  std::optional<double> bandwidth_bps;  // converted with the mix's mean flow size (L2 bits)
  std::optional<std::uint64_t> max_flows;
  std::optional<Duration> duration;     // flows start within [start_time, start_time + duration)
  Timestamp start_time = 1'700'000'000LL * kNanosPerSecond;
  std::uint64_t seed = 1;

  std::vector<PatternConfig> patterns;

  // network
  std::vector<Cidr> client_v4;
  std::vector<Cidr> server_v4;
  std::vector<Cidr> client_v6;
  std::vector<Cidr> server_v6;
  double ipv6_share = 0;  // 0..1
  MacRange client_macs;
  MacRange server_macs;
  // Encapsulation variants (network.encapsulation, or one VLAN layer per network.vlan_ids id at
  // equal probabilities); their probabilities sum to at most 1, the rest goes bare.
  std::vector<Encapsulation> encapsulation;
  double fragmentation_probability = 0;         // share of IP packets split in two fragments
  std::uint32_t min_packet_size_to_fragment = 512;  // L3 bytes: smaller packets are never split

  // One flow's encapsulation: nullptr for none. Draws nothing from rng without variants.
  const Encapsulation* draw_encapsulation(Rng& rng) const;

  // packets
  std::vector<SizeBin> size_histogram;  // normalized to sum 1
  std::uint32_t mtu = 1500;             // IP MTU: largest IP packet

  // timing
  double link_bps = 10e9;
  Duration max_gap = 0;               // 0 = unlimited: largest gap between packets of one flow
  Duration min_dir_switch_gap = 0;    // smallest gap when a flow's direction changes
  DurationRange rtt;                  // round-trip time from the capture point to the server
  DurationRange client_rtt;           // round-trip time from the capture point to the client
};

// Loads a traffic mix. Errors are ConfigError with "file:line:column: key: problem".
GenConfig load_gen_config_file(const std::string& path);
GenConfig load_gen_config_text(std::string_view yaml, const std::string& origin);
// The built-in default, compiled from configs/default.yaml.
GenConfig default_gen_config();

}  // namespace flowreplay
