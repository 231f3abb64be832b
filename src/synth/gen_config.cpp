// SPDX-License-Identifier: MIT
// Pattern defaults and the YAML loader of the traffic mix. Each section has its own reader with
// the keys it allows; every error names file:line:column and the key (yaml-cpp marks are
// 0-based, messages are 1-based like compilers print them).
#include "flowreplay/synth/gen_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "flowreplay/synth/default_config.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/rng.hpp"

namespace flowreplay {

std::string_view app_name(AppType type) {
  switch (type) {
    case AppType::kWeb: return "web";
    case AppType::kTls: return "tls";
    case AppType::kDns: return "dns";
    case AppType::kSsh: return "ssh";
    case AppType::kDatabase: return "database";
    case AppType::kSmtp: return "smtp";
    case AppType::kFtp: return "ftp";
    case AppType::kIcmp: return "icmp";
    case AppType::kRandom: return "random";
  }
  return "random";
}

std::optional<AppType> app_from_name(std::string_view name) {
  for (AppType t : kAllAppTypes) {
    if (app_name(t) == name) return t;
  }
  return std::nullopt;
}

PatternConfig default_pattern(AppType type) {
  PatternConfig p;
  p.type = type;
  constexpr Duration kMs = kNanosPerMilli;
  constexpr Duration kUs = kNanosPerMicro;
  switch (type) {
    case AppType::kWeb:  // HTTP/1.1 keep-alive: a few GETs (POST when the request is large)
      p.ports = {80, 8080};
      p.requests = {1, 6};
      p.request_bytes = {180, 700};
      p.response_bytes = {300, 40000};
      p.think_time = {200 * kUs, 30 * kMs};
      p.idle_time = {1 * kMs, 300 * kMs};
      p.rst_probability = 0.02;
      break;
    case AppType::kTls:  // HTTPS: a TLS 1.3 handshake, then application data records
      p.ports = {443};
      p.requests = {1, 6};
      p.request_bytes = {100, 700};
      p.response_bytes = {300, 16384};
      p.think_time = {200 * kUs, 30 * kMs};
      p.idle_time = {1 * kMs, 300 * kMs};
      p.rst_probability = 0.02;
      break;
    case AppType::kDns:  // one query and its answer, sometimes a second (A then AAAA)
      p.ports = {53};
      p.protocol = 17;
      p.requests = {1, 2};
      p.request_bytes = {0, 0};   // sizes follow the DNS encoding
      p.response_bytes = {1, 4};  // answer records per response
      p.think_time = {50 * kUs, 20 * kMs};
      p.idle_time = {10 * kUs, 2 * kMs};
      break;
    case AppType::kSsh:  // banners, key exchange, then interactive encrypted rounds
      p.ports = {22};
      p.requests = {4, 40};
      p.request_bytes = {36, 120};
      p.response_bytes = {36, 1400};
      p.think_time = {100 * kUs, 5 * kMs};
      p.idle_time = {20 * kMs, 1500 * kMs};
      break;
    case AppType::kDatabase:  // many small queries and results on a database port
      p.ports = {5432, 3306, 27017};
      p.requests = {2, 30};
      p.request_bytes = {40, 400};
      p.response_bytes = {60, 6000};
      p.think_time = {100 * kUs, 10 * kMs};
      p.idle_time = {100 * kUs, 50 * kMs};
      p.rst_probability = 0.05;
      break;
    case AppType::kSmtp:  // one message: greeting, EHLO, MAIL, RCPT, DATA, QUIT
      p.ports = {25};
      p.requests = {1, 1};
      p.request_bytes = {400, 30000};  // message body
      p.response_bytes = {0, 0};
      p.think_time = {200 * kUs, 20 * kMs};
      p.idle_time = {100 * kUs, 5 * kMs};
      break;
    case AppType::kFtp:  // a control session: login, a few commands, QUIT
      p.ports = {21};
      p.requests = {1, 6};
      p.request_bytes = {0, 0};
      p.response_bytes = {0, 0};
      p.think_time = {200 * kUs, 20 * kMs};
      p.idle_time = {50 * kMs, 2000 * kMs};
      break;
    case AppType::kIcmp:  // ping: echo requests one second apart
      p.ports = {};
      p.protocol = 1;
      p.requests = {1, 5};
      p.request_bytes = {56, 56};
      p.response_bytes = {56, 56};
      p.think_time = {10 * kUs, 100 * kUs};
      p.idle_time = {1000 * kMs, 1000 * kMs};
      break;
    case AppType::kRandom:  // packets sized by the histogram, random ports, TCP or UDP
      p.ports = {};
      p.protocol = 0;
      p.udp_share = 0.5;
      p.requests = {1, 30};
      p.request_bytes = {0, 0};   // sizes from packets.size_histogram
      p.response_bytes = {0, 0};
      p.think_time = {100 * kUs, 10 * kMs};
      p.idle_time = {100 * kUs, 100 * kMs};
      p.rst_probability = 0.1;
      break;
  }
  return p;
}

namespace {

constexpr std::uint64_t kMaxNodes = 100'000;  // YAML nodes, aliases expanded
constexpr int kMaxDepth = 64;
constexpr double kMinBitrate = 1e3;            // 1 kbps
constexpr double kMaxBitrate = 1e12;           // 1 Tbps
constexpr Duration kMaxRangeDuration = 3600 * kNanosPerSecond;

// Reads one YAML document with positions for messages.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key, const std::string& what) const {
    std::ostringstream os;
    os << origin_;
    if (mark.line >= 0) os << ':' << mark.line + 1 << ':' << mark.column + 1;
    os << ": " << (key.empty() ? std::string() : key + ": ") << what;
    throw ConfigError(os.str());
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& what) const {
    fail(node.Mark(), key, what);
  }

  // Rejects keys outside `allowed`, pointing at the key itself.
  void check_keys(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping of keys");
    for (const auto& kv : map) {
      const auto key = key_name(kv.first, path);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(kv.first, join(path, key), "unknown key (allowed: " + list + ")");
      }
    }
  }

  // A mapping key: a plain scalar (not a `? [a, b]` complex key).
  std::string key_name(const YAML::Node& key, const std::string& path) const {
    if (!key.IsScalar()) fail(key, path, "keys must be plain names, not lists or mappings");
    return key.Scalar();
  }

  // Walks the document as the reader will, counting nodes with every alias expanded where it is
  // used; a document that expands beyond kMaxNodes (a "billion laughs" file) is rejected.
  void check_size(const YAML::Node& root) const {
    std::uint64_t budget = kMaxNodes;
    walk(root, budget, 0);
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a single value");
    return n.Scalar();
  }

  // A value quoted in a message, cut to a readable length.
  static std::string quote(const std::string& s) {
    constexpr std::size_t kMaxQuoted = 64;
    return "'" + (s.size() <= kMaxQuoted ? s : s.substr(0, kMaxQuoted) + "...") + "'";
  }

  // A number within [lo, hi], both documented in docs/config.md.
  double number_in(const YAML::Node& n, const std::string& key, double lo, double hi) const {
    const double v = number(n, key);
    if (v < lo || v > hi) fail(n, key, "must be between " + format_number(lo) + " and " + format_number(hi));
    return v;
  }

  static std::string format_number(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
  }

  Duration duration_max(const YAML::Node& n, const std::string& key, Duration max, const char* max_text) const {
    const Duration d = duration(n, key);
    if (d > max) fail(n, key, std::string("must be at most ") + max_text);
    return d;
  }

  double number(const YAML::Node& n, const std::string& key) const {
    const auto s = scalar(n, key);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) fail(n, key, "expected a number, got " + quote(s));
    return v;
  }

  std::uint64_t whole(const YAML::Node& n, const std::string& key, std::uint64_t lo, std::uint64_t hi) const {
    const auto s = scalar(n, key);
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) fail(n, key, "expected a whole number, got " + quote(s));
    if (v < lo || v > hi) fail(n, key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
  }

  // "40", "40%" -> 40 (percent); "0.1" for a share key is read with share().
  double percent(const YAML::Node& n, const std::string& key) const {
    auto s = scalar(n, key);
    if (!s.empty() && s.back() == '%') s.pop_back();
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !(v >= 0 && v <= 100)) {
      fail(n, key, "expected a percentage from 0 to 100, got " + quote(n.Scalar()));
    }
    return v;
  }

  // A probability written as 0.25 or 25%.
  double share(const YAML::Node& n, const std::string& key) const {
    const auto s = scalar(n, key);
    if (!s.empty() && s.back() == '%') return percent(n, key) / 100.0;
    const double v = number(n, key);
    if (v < 0 || v > 1) fail(n, key, "expected a probability from 0 to 1 (or a percentage like 25%)");
    return v;
  }

  Duration duration(const YAML::Node& n, const std::string& key) const {
    const auto s = scalar(n, key);
    auto d = parse_duration(s);
    if (!d) fail(n, key, "expected a duration like 250ms, 10us or 1.5s, got " + quote(s));
    return *d;
  }

  double bitrate(const YAML::Node& n, const std::string& key) const {
    const auto s = scalar(n, key);
    auto r = parse_bitrate(s);
    if (!r) fail(n, key, "expected a bit rate like 10Gbps or 100Mbps, got " + quote(s));
    if (*r < kMinBitrate || *r > kMaxBitrate) fail(n, key, "must be between 1kbps and 1Tbps");
    return *r;
  }

  // "200-900", 500, or [200, 900].
  IntRange int_range(const YAML::Node& n, const std::string& key, std::int64_t min, std::int64_t max) const {
    IntRange r;
    if (n.IsSequence()) {
      if (n.size() != 2) fail(n, key, "expected [low, high]");
      r.lo = static_cast<std::int64_t>(whole(n[0], key, 0, static_cast<std::uint64_t>(max)));
      r.hi = static_cast<std::int64_t>(whole(n[1], key, 0, static_cast<std::uint64_t>(max)));
    } else {
      const auto s = scalar(n, key);
      const auto dash = s.find('-');
      auto parse = [&](std::string_view part, std::int64_t& out) {
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
        if (ec != std::errc() || ptr != part.data() + part.size()) fail(n, key, "expected a number or a range like 200-900, got " + quote(s));
      };
      parse(std::string_view(s).substr(0, dash), r.lo);
      r.hi = r.lo;
      if (dash != std::string::npos) parse(std::string_view(s).substr(dash + 1), r.hi);
    }
    if (r.lo > r.hi) fail(n, key, "the low end of the range is above the high end");
    if (r.lo < min || r.hi > max) fail(n, key, "must lie within " + std::to_string(min) + "-" + std::to_string(max));
    return r;
  }

  // "1ms-30ms", "5ms", or [1ms, 30ms]; at most an hour.
  DurationRange duration_range(const YAML::Node& n, const std::string& key) const {
    DurationRange r;
    if (n.IsSequence()) {
      if (n.size() != 2) fail(n, key, "expected [low, high]");
      r.lo = duration(n[0], key);
      r.hi = duration(n[1], key);
    } else {
      const auto s = scalar(n, key);
      const auto dash = s.find('-');
      auto lo = parse_duration(std::string_view(s).substr(0, dash));
      auto hi = dash == std::string::npos ? lo : parse_duration(std::string_view(s).substr(dash + 1));
      if (!lo || !hi) fail(n, key, "expected a duration or a range like 1ms-30ms, got " + quote(s));
      r = {*lo, *hi};
    }
    if (r.lo > r.hi) fail(n, key, "the low end of the range is above the high end");
    if (r.hi > kMaxRangeDuration) fail(n, key, "must be at most 1h");
    return r;
  }

  std::vector<Cidr> cidrs(const YAML::Node& n, const std::string& key) const {
    std::vector<Cidr> out;
    auto one = [&](const YAML::Node& item) {
      const auto s = scalar(item, key);
      auto c = Cidr::parse(s);
      if (!c) fail(item, key, "not a CIDR prefix like 10.0.0.0/16 or fd00::/64: " + quote(s));
      if (c->host_count() == 0) fail(item, key, "prefix has no host addresses: " + quote(s));
      out.push_back(*c);
    };
    if (n.IsSequence()) {
      for (const auto& item : n) one(item);
    } else {
      one(n);
    }
    if (out.empty()) fail(n, key, "needs at least one prefix");
    return out;
  }

  std::vector<std::uint16_t> ports(const YAML::Node& n, const std::string& key, std::uint64_t lo) const {
    std::vector<std::uint16_t> out;
    if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(static_cast<std::uint16_t>(whole(item, key, lo, 65535)));
    } else {
      out.push_back(static_cast<std::uint16_t>(whole(n, key, lo, 65535)));
    }
    return out;
  }

  MacRange mac_range(const YAML::Node& n, const std::string& key) const {
    const auto s = scalar(n, key);
    auto r = MacRange::parse(s);
    if (!r) fail(n, key, "not a MAC range like 02:00:00:00:00:00/24: " + quote(s));
    if (r->prefix < 8) fail(n, key, "the prefix must be /8 or longer so addresses stay unicast");
    if ((r->base.value() >> 40) & 1) fail(n, key, "a group (multicast) MAC cannot be a host address");
    return *r;
  }

 private:
  void walk(const YAML::Node& n, std::uint64_t& budget, int depth) const {
    if (budget-- == 0) fail(n, "", "the document is too large once its aliases are expanded (more than " +
                                       std::to_string(kMaxNodes) + " nodes)");
    if (depth > kMaxDepth) fail(n, "", "nested more than " + std::to_string(kMaxDepth) + " levels deep");
    if (n.IsSequence()) {
      for (const auto& item : n) walk(item, budget, depth + 1);
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        walk(kv.first, budget, depth + 1);
        walk(kv.second, budget, depth + 1);
      }
    }
  }

  std::string origin_;
};

void read_generation(const Reader& rd, const YAML::Node& n, GenConfig& c) {
  rd.check_keys(n, "generation", {"flows_per_second", "bandwidth", "max_flows", "duration", "start_time", "seed"});
  if (n["flows_per_second"] && n["bandwidth"]) {
    rd.fail(n["bandwidth"], "generation.bandwidth", "give flows_per_second or bandwidth, not both");
  }
  if (auto v = n["flows_per_second"]) {
    if (rd.number(v, "generation.flows_per_second") <= 0) rd.fail(v, "generation.flows_per_second", "must be above 0");
    c.flows_per_second = rd.number_in(v, "generation.flows_per_second", kMinFlowsPerSecond, kMaxFlowsPerSecond);
  }
  if (auto v = n["bandwidth"]) c.bandwidth_bps = rd.bitrate(v, "generation.bandwidth");
  if (auto v = n["max_flows"]) c.max_flows = rd.whole(v, "generation.max_flows", 1, kMaxFlows);
  if (auto v = n["duration"]) {
    c.duration = rd.duration_max(v, "generation.duration", kMaxGenDuration, "365 days");
    if (*c.duration == 0) rd.fail(v, "generation.duration", "must be above 0");
  }
  if (auto v = n["start_time"]) {
    auto t = parse_epoch_seconds(rd.scalar(v, "generation.start_time"));
    if (!t) rd.fail(v, "generation.start_time", "expected Unix seconds like 1700000000 or 1700000000.000000123");
    if (*t > kMaxStartTime) rd.fail(v, "generation.start_time", "must be at most 4000000000 (2096-10-02)");
    c.start_time = *t;
  }
  if (auto v = n["seed"]) c.seed = rd.whole(v, "generation.seed", 0, UINT64_MAX);
}

void read_patterns(const Reader& rd, const YAML::Node& n, GenConfig& c) {
  if (!n.IsSequence() || n.size() == 0) rd.fail(n, "traffic_patterns", "expected a list of {type, percentage}");
  double total = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const auto& e = n[i];
    const std::string path = "traffic_patterns[" + std::to_string(i) + "]";
    rd.check_keys(e, path, {"type", "percentage", "ports", "protocol", "udp_share", "requests", "packets",
                            "request_bytes", "response_bytes", "think_time", "idle_time", "rst_probability"});
    if (!e["type"]) rd.fail(e, path + ".type", "missing (one of web, tls, dns, ssh, database, smtp, ftp, icmp, random)");
    const auto name = rd.scalar(e["type"], path + ".type");
    auto type = app_from_name(name);
    if (!type) rd.fail(e["type"], path + ".type", "unknown type '" + name + "' (one of web, tls, dns, ssh, database, smtp, ftp, icmp, random)");
    PatternConfig p = default_pattern(*type);
    if (!e["percentage"]) rd.fail(e, path + ".percentage", "missing");
    p.percentage = rd.percent(e["percentage"], path + ".percentage");
    total += p.percentage;
    if (auto v = e["ports"]) {
      if (*type == AppType::kIcmp) rd.fail(v, path + ".ports", "icmp has no ports");
      p.ports = rd.ports(v, path + ".ports", 1);
    }
    if (auto v = e["protocol"]) {
      const auto s = rd.scalar(v, path + ".protocol");
      if (*type != AppType::kRandom) rd.fail(v, path + ".protocol", "only the random type takes a protocol");
      if (s == "tcp") p.protocol = 6;
      else if (s == "udp") p.protocol = 17;
      else if (s == "mixed") p.protocol = 0;
      else rd.fail(v, path + ".protocol", "expected tcp, udp or mixed");
    }
    if (auto v = e["udp_share"]) p.udp_share = rd.share(v, path + ".udp_share");
    if (e["requests"] && e["packets"]) rd.fail(e["packets"], path + ".packets", "give requests or packets, not both");
    if (auto v = e["requests"]) p.requests = rd.int_range(v, path + ".requests", 1, 1'000'000);
    if (auto v = e["packets"]) {
      if (*type != AppType::kRandom) rd.fail(v, path + ".packets", "only the random type counts packets; others take requests");
      p.requests = rd.int_range(v, path + ".packets", 1, 1'000'000);
    }
    const bool sized =
        *type == AppType::kWeb || *type == AppType::kTls || *type == AppType::kSsh || *type == AppType::kDatabase;
    // tls: each request and response is one record, whose plaintext is at most 2^14 bytes (RFC 8446 5.1).
    const std::int64_t max_bytes = *type == AppType::kTls ? kTlsMaxPlaintext : 100'000'000;
    if (auto v = e["request_bytes"]) {
      if (!sized && *type != AppType::kSmtp && *type != AppType::kIcmp) rd.fail(v, path + ".request_bytes", "not used by " + name);
      p.request_bytes = rd.int_range(v, path + ".request_bytes", *type == AppType::kIcmp ? 0 : 1, max_bytes);
      if (*type == AppType::kIcmp && p.request_bytes.hi > 1400) rd.fail(v, path + ".request_bytes", "icmp echo data must fit one packet (at most 1400)");
      if (*type == AppType::kIcmp) p.response_bytes = p.request_bytes;
    }
    if (auto v = e["response_bytes"]) {
      if (!sized && *type != AppType::kDns) rd.fail(v, path + ".response_bytes", "not used by " + name);
      if (*type == AppType::kDns) {
        p.response_bytes = rd.int_range(v, path + ".response_bytes", 0, 20);  // answer records
      } else {
        p.response_bytes = rd.int_range(v, path + ".response_bytes", 1, max_bytes);
      }
    }
    if (auto v = e["think_time"]) p.think_time = rd.duration_range(v, path + ".think_time");
    if (auto v = e["idle_time"]) p.idle_time = rd.duration_range(v, path + ".idle_time");
    if (auto v = e["rst_probability"]) p.rst_probability = rd.share(v, path + ".rst_probability");
    c.patterns.push_back(std::move(p));
  }
  if (std::abs(total - 100.0) > 1e-6) {
    std::ostringstream os;
    os << "percentages sum to " << total << ", not 100";
    rd.fail(n, "traffic_patterns", os.str());
  }
}

constexpr std::uint32_t kMaxVlanId = 4094;       // 0 and 4095 are reserved (IEEE 802.1Q)
constexpr std::uint32_t kMaxMplsLabel = 1048575;  // 20 bits (RFC 3032)

// network.encapsulation: [{probability: 20%, layers: [{type: vlan, id: 10}, {type: mpls, label: 16}]}, ...]
std::vector<Encapsulation> read_encapsulation(const Reader& rd, const YAML::Node& n) {
  const std::string key = "network.encapsulation";
  if (!n.IsSequence()) rd.fail(n, key, "expected a list of variants, each with probability and layers");
  std::vector<Encapsulation> out;
  double total = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node& e = n[i];
    const std::string path = key + "[" + std::to_string(i) + "]";
    rd.check_keys(e, path, {"probability", "layers"});
    if (!e["probability"] || !e["layers"]) rd.fail(e, path, "needs probability and layers");
    Encapsulation variant;
    variant.probability = rd.share(e["probability"], path + ".probability");
    const YAML::Node& layers = e["layers"];
    if (!layers.IsSequence() || layers.size() == 0 || layers.size() > Encapsulation::kMaxLayers) {
      rd.fail(layers, path + ".layers", "expected a list of 1 to 8 layers");
    }
    for (std::size_t j = 0; j < layers.size(); ++j) {
      const YAML::Node& l = layers[j];
      const std::string lpath = path + ".layers[" + std::to_string(j) + "]";
      rd.check_keys(l, lpath, {"type", "id", "label"});
      if (!l["type"]) rd.fail(l, lpath, "needs type: vlan or mpls");
      const std::string type = rd.scalar(l["type"], lpath + ".type");
      EncapLayer layer;
      if (type == "vlan") {
        if (!l["id"] || l["label"]) rd.fail(l, lpath, "a vlan layer takes id (1-4094)");
        layer.kind = EncapLayer::Kind::kVlan;
        layer.id = static_cast<std::uint32_t>(rd.whole(l["id"], lpath + ".id", 1, kMaxVlanId));
        if (!variant.layers.empty() && variant.layers.back().kind == EncapLayer::Kind::kMpls) {
          rd.fail(l, lpath, "a VLAN tag may not follow an MPLS label");
        }
      } else if (type == "mpls") {
        if (!l["label"] || l["id"]) rd.fail(l, lpath, "an mpls layer takes label (0-1048575)");
        layer.kind = EncapLayer::Kind::kMpls;
        layer.id = static_cast<std::uint32_t>(rd.whole(l["label"], lpath + ".label", 0, kMaxMplsLabel));
      } else {
        rd.fail(l["type"], lpath + ".type", "expected vlan or mpls, got " + Reader::quote(type));
      }
      variant.layers.push_back(layer);
    }
    total += variant.probability;
    out.push_back(std::move(variant));
  }
  if (total > 1 + 1e-9) rd.fail(n, key, "probabilities sum to more than 1 (the rest of 1 goes without encapsulation)");
  return out;
}

void read_network(const Reader& rd, const YAML::Node& n, GenConfig& c) {
  rd.check_keys(n, "network", {"client_subnets", "server_subnets", "client_subnets_v6", "server_subnets_v6",
                               "ipv6_share", "client_macs", "server_macs", "vlan_ids", "encapsulation",
                               "fragmentation_probability", "min_packet_size_to_fragment"});
  auto family = [&](const char* key, std::vector<Cidr>& out, bool v6) {
    if (auto v = n[key]) {
      out = rd.cidrs(v, std::string("network.") + key);
      for (const auto& cidr : out) {
        if (cidr.base.is_v6() != v6) rd.fail(v, std::string("network.") + key, v6 ? "expects IPv6 prefixes" : "expects IPv4 prefixes");
      }
    }
  };
  family("client_subnets", c.client_v4, false);
  family("server_subnets", c.server_v4, false);
  family("client_subnets_v6", c.client_v6, true);
  family("server_subnets_v6", c.server_v6, true);
  if (auto v = n["ipv6_share"]) c.ipv6_share = rd.share(v, "network.ipv6_share");
  if (auto v = n["client_macs"]) c.client_macs = rd.mac_range(v, "network.client_macs");
  if (auto v = n["server_macs"]) c.server_macs = rd.mac_range(v, "network.server_macs");
  if (n["vlan_ids"] && n["encapsulation"]) {
    rd.fail(n["encapsulation"], "network.encapsulation", "give either vlan_ids or encapsulation, not both");
  }
  if (auto v = n["vlan_ids"]) {  // shorthand: one single-tag variant per id, equally likely
    const auto ids = rd.ports(v, "network.vlan_ids", 1);
    c.encapsulation.clear();
    for (auto id : ids) {
      if (id > kMaxVlanId) rd.fail(v, "network.vlan_ids", "VLAN ids are 1-4094");
      c.encapsulation.push_back({{{EncapLayer::Kind::kVlan, id}}, 1.0 / static_cast<double>(ids.size())});
    }
  }
  if (auto v = n["encapsulation"]) c.encapsulation = read_encapsulation(rd, v);
  if (auto v = n["fragmentation_probability"]) {
    c.fragmentation_probability = rd.share(v, "network.fragmentation_probability");
  }
  if (auto v = n["min_packet_size_to_fragment"]) {
    // The smallest packet that splits into two non-empty fragments: an IPv6 header and 16 bytes.
    c.min_packet_size_to_fragment =
        static_cast<std::uint32_t>(rd.whole(v, "network.min_packet_size_to_fragment", 56, 9000));
  }
}

void read_packets(const Reader& rd, const YAML::Node& n, GenConfig& c) {
  rd.check_keys(n, "packets", {"size_histogram", "mtu"});
  if (auto v = n["mtu"]) c.mtu = static_cast<std::uint32_t>(rd.whole(v, "packets.mtu", 576, 9000));
  if (auto h = n["size_histogram"]) {
    if (!h.IsMap() || h.size() == 0) rd.fail(h, "packets.size_histogram", "expected a mapping of \"from-to\": probability");
    std::vector<SizeBin> bins;
    double total = 0;
    for (const auto& kv : h) {
      const std::string key = "packets.size_histogram." + rd.key_name(kv.first, "packets.size_histogram");
      const auto range = rd.int_range(kv.first, key, 60, 9018);
      // Probabilities or relative weights: the histogram is normalized to sum 1.
      const auto text = rd.scalar(kv.second, key);
      const double p = (!text.empty() && text.back() == '%') ? rd.percent(kv.second, key) : rd.number(kv.second, key);
      if (p < 0) rd.fail(kv.second, key, "must not be negative");
      bins.push_back({static_cast<std::uint32_t>(range.lo), static_cast<std::uint32_t>(range.hi), p});
      total += p;
    }
    std::sort(bins.begin(), bins.end(), [](const SizeBin& a, const SizeBin& b) { return a.lo < b.lo; });
    for (std::size_t i = 1; i < bins.size(); ++i) {
      if (bins[i].lo <= bins[i - 1].hi) rd.fail(h, "packets.size_histogram", "intervals overlap");
    }
    if (total <= 0) rd.fail(h, "packets.size_histogram", "probabilities sum to 0");
    for (auto& b : bins) b.probability /= total;
    c.size_histogram = std::move(bins);
  }
}

void read_timing(const Reader& rd, const YAML::Node& n, GenConfig& c) {
  rd.check_keys(n, "timing", {"link_speed", "rtt", "client_rtt", "max_interpacket_gap", "min_dir_switch_gap"});
  if (auto v = n["link_speed"]) c.link_bps = rd.bitrate(v, "timing.link_speed");
  if (auto v = n["rtt"]) c.rtt = rd.duration_range(v, "timing.rtt");
  if (auto v = n["client_rtt"]) c.client_rtt = rd.duration_range(v, "timing.client_rtt");
  if (auto v = n["max_interpacket_gap"]) {
    c.max_gap = rd.duration_max(v, "timing.max_interpacket_gap", kMaxRangeDuration, "1h");
    if (c.max_gap == 0) rd.fail(v, "timing.max_interpacket_gap", "must be above 0 (leave it out for no limit)");
  }
  if (auto v = n["min_dir_switch_gap"]) {
    c.min_dir_switch_gap = rd.duration_max(v, "timing.min_dir_switch_gap", kNanosPerSecond, "1s");
  }
}

// Values that no section sets on its own fall back to these.
GenConfig base_config() {
  GenConfig c;
  c.client_v4 = {*Cidr::parse("10.0.0.0/16")};
  c.server_v4 = {*Cidr::parse("192.168.0.0/24")};
  c.client_v6 = {*Cidr::parse("fd00:1::/64")};
  c.server_v6 = {*Cidr::parse("fd00:2::/120")};
  c.client_macs = *MacRange::parse("02:00:00:00:00:00/32");
  c.server_macs = *MacRange::parse("02:00:01:00:00:00/32");
  c.size_histogram = {{64, 79, 0.2824}, {80, 159, 0.073},  {160, 319, 0.0115},
                      {320, 639, 0.012}, {640, 1279, 0.0092}, {1280, 1514, 0.6119}};
  c.rtt = {1 * kNanosPerMilli, 80 * kNanosPerMilli};
  c.client_rtt = {20 * kNanosPerMicro, 200 * kNanosPerMicro};
  c.patterns = {default_pattern(AppType::kWeb)};
  c.patterns[0].percentage = 100;
  return c;
}

}  // namespace

GenConfig load_gen_config_text(std::string_view yaml, const std::string& origin) {
  Reader rd(origin);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    rd.fail(e.mark, "", e.msg);
  }
  GenConfig c = base_config();
  c.origin = origin;
  const bool empty = !root || root.IsNull();  // an empty or comment-only file: every default
  try {
    if (!empty) {
      rd.check_size(root);
      rd.check_keys(root, "", {"generation", "traffic_patterns", "network", "packets", "timing"});
      if (auto n = root["generation"]) read_generation(rd, n, c);
      if (auto n = root["traffic_patterns"]) {
        c.patterns.clear();
        read_patterns(rd, n, c);
      }
      if (auto n = root["network"]) read_network(rd, n, c);
      if (auto n = root["packets"]) read_packets(rd, n, c);
      if (auto n = root["timing"]) read_timing(rd, n, c);
    }
  } catch (const YAML::Exception& e) {
    rd.fail(e.mark, "", e.msg);
  }
  if (!c.flows_per_second && !c.bandwidth_bps) c.flows_per_second = 1000;
  if (!c.max_flows && !c.duration) c.max_flows = 10000;
  const bool wants_v6 = c.ipv6_share > 0;
  if (wants_v6 && (c.client_v6.empty() || c.server_v6.empty())) rd.fail(root["network"], "network", "ipv6_share needs IPv6 subnets");
  if (c.bandwidth_bps && *c.bandwidth_bps > c.link_bps) {
    rd.fail(root["generation"]["bandwidth"], "generation.bandwidth", "exceeds timing.link_speed");
  }
  if (c.max_gap > 0 && c.min_dir_switch_gap > c.max_gap) {
    rd.fail(root["timing"], "timing.min_dir_switch_gap", "is larger than timing.max_interpacket_gap");
  }
  return c;
}

GenConfig load_gen_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open the config file");
  // Read one byte past the limit, so that an endless input (/dev/zero, a pipe) stops there.
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    throw ConfigError(path + ": larger than " + std::to_string(kMaxConfigBytes >> 20) + " MiB; not a traffic mix");
  }
  return load_gen_config_text(text, path);
}

GenConfig default_gen_config() { return load_gen_config_text(default_config_yaml(), "<built-in default>"); }

const Encapsulation* GenConfig::draw_encapsulation(Rng& rng) const {
  if (encapsulation.empty()) return nullptr;
  double u = rng.uniform();
  for (const Encapsulation& e : encapsulation) {
    if (u < e.probability) return &e;
    u -= e.probability;
  }
  return nullptr;
}

}  // namespace flowreplay
