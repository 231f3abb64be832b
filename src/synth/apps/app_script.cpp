// SPDX-License-Identifier: MIT
#include "flowreplay/synth/apps/app_script.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "flowreplay/core/wire.hpp"
#include "head_writer.hpp"

namespace flowreplay {

namespace {

constexpr std::size_t kBinaryPoolBytes = std::size_t{1} << 18;
constexpr std::size_t kTextPoolBytes = std::size_t{1} << 18;

constexpr const char* kTlds[] = {"com", "net", "org", "io", "example"};
constexpr const char* kHosts[] = {"www", "api", "cdn", "mail", "static", "img", "login", "app"};

}  // namespace

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

PayloadPools::PayloadPools(std::uint64_t seed)
    : binary(PayloadPool::Kind::kBinary, kBinaryPoolBytes, mix_seed(seed, 0xb1)),
      text(PayloadPool::Kind::kBase64Text, kTextPoolBytes, mix_seed(seed, 0x7e)) {}

AppScript::AppScript(const FlowSpec& spec, const GenConfig& config, const PayloadPools& pools, Rng& rng,
                     std::uint32_t data_overhead, std::uint32_t max_payload)
    : spec_(spec), config_(config), pools_(pools), rng_(rng), overhead_(data_overhead), max_payload_(max_payload) {
  if (spec.exact) return;  // a profile record's flow: its dialogue comes from exact_dialogue(), not from a script
  rounds_ = draw(spec.pattern->requests);
  // A host name for DNS queries and HTTP Host headers: host.wordN.tld
  const int n = std::snprintf(name_.data(), name_.size(), "%s.%s%u.%s", kHosts[rng_.below(std::size(kHosts))],
                              kWords[rng_.below(std::size(kWords))], static_cast<unsigned>(rng_.below(100)),
                              kTlds[rng_.below(std::size(kTlds))]);
  name_len_ = static_cast<std::uint8_t>(n);
}

bool AppScript::next(Message& m) {
  m.head_len = 0;
  m.tail_len = 0;
  m.body_len = 0;
  m.body_pool = nullptr;
  switch (spec_.pattern->type) {
    case AppType::kWeb:
      if (round_ >= rounds_) return false;
      web(m);
      break;
    case AppType::kTls:  // ClientHello, server flight, rounds, close_notify
      if (step_ >= 2 * rounds_ + 3) return false;
      tls(m);
      break;
    case AppType::kDns:
      if (round_ >= rounds_) return false;
      dns(m);
      break;
    case AppType::kSsh:
      if (step_ >= 7 && round_ >= rounds_) return false;
      ssh(m);
      break;
    case AppType::kDatabase:  // startup, query/result rounds, goodbye (opaque: rounds only)
      if (spec_.server_port == kPostgresPort || spec_.server_port == kMongoPort) {
        if (step_ >= 2 * rounds_ + 3) return false;
      } else if (spec_.server_port == kMysqlPort) {
        if (step_ >= 2 * rounds_ + 4) return false;  // greeting, login, OK first
      } else if (round_ >= rounds_) {
        return false;
      }
      database(m);
      break;
    case AppType::kSmtp:
      if (step_ >= 13) return false;
      smtp(m);
      break;
    case AppType::kFtp:
      if (step_ >= 8 + 2 * rounds_) return false;
      ftp(m);
      break;
    case AppType::kIcmp:
      if (round_ >= rounds_) return false;
      icmp(m);
      break;
    case AppType::kRandom:
      if (round_ >= rounds_) return false;
      random_packet(m);
      ++round_;
      break;
  }
  ++step_;
  return true;
}

void AppScript::text(Message& m, std::uint8_t dir, std::string_view s) {
  m.dir = dir;
  HeadWriter(m).str(s);
}

void AppScript::body(Message& m, const PayloadPool& pool, std::uint32_t len) {
  m.body_pool = &pool;
  m.body_len = len;
  m.body_start = static_cast<std::uint32_t>(rng_.below(pool.size()));
}

// Opaque payload: pooled random bytes behind one random control byte (below 0x20), which no
// text protocol and no RTP/RTCP version field starts with, so dissectors do not claim them.
void AppScript::opaque(Message& m, std::uint8_t dir, std::int64_t len) {
  m.dir = dir;
  const auto n = static_cast<std::uint32_t>(std::max<std::int64_t>(len, 1));
  HeadWriter(m).u8(static_cast<std::uint8_t>(rng_.below(0x20)));
  if (n > 1) body(m, pools_.binary, n - 1);
}

void AppScript::random_packet(Message& m) {
  m.dir = round_ == 0 ? 0 : static_cast<std::uint8_t>(rng_.below(2));
  // A frame size from the histogram (L2 without FCS), less this flow's headers.
  double u = rng_.uniform();
  const SizeBin* bin = &config_.size_histogram.back();
  for (const auto& b : config_.size_histogram) {
    if (u < b.probability) {
      bin = &b;
      break;
    }
    u -= b.probability;
  }
  const auto frame = static_cast<std::uint32_t>(rng_.between(bin->lo, bin->hi));
  const std::uint32_t payload = frame > overhead_ ? frame - overhead_ : 1;
  opaque(m, m.dir, std::min(payload, max_payload_));
}

}  // namespace flowreplay
