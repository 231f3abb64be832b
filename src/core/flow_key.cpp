// SPDX-License-Identifier: MIT
#include "flowreplay/core/flow_key.hpp"

#include <tuple>
#include <utility>

namespace flowreplay {

FlowKey FlowKey::of(const IpAddress& src, std::uint16_t sp, const IpAddress& dst, std::uint16_t dp, std::uint8_t proto) {
  FlowKey k;
  k.protocol = proto;
  if (std::tie(src, sp) <= std::tie(dst, dp)) {
    k.a = src, k.a_port = sp, k.b = dst, k.b_port = dp;
  } else {
    k.a = dst, k.a_port = dp, k.b = src, k.b_port = sp;
  }
  return k;
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const {
  std::uint64_t a0;
  std::uint64_t a1;
  std::uint64_t b0;
  std::uint64_t b1;
  std::memcpy(&a0, k.a.data(), 8);
  std::memcpy(&a1, k.a.data() + 8, 8);
  std::memcpy(&b0, k.b.data(), 8);
  std::memcpy(&b1, k.b.data() + 8, 8);
  std::uint64_t h = (std::uint64_t{k.a_port} << 24) ^ (std::uint64_t{k.b_port} << 8) ^ k.protocol;
  for (std::uint64_t v : {a0, a1, b0, b1}) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
  }
  return static_cast<std::size_t>(h ^ (h >> 32));
}

std::uint64_t shard_hash(const FlowKey& k) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64: offset basis and prime
  auto mix = [&h](std::uint8_t byte) {
    h ^= byte;
    h *= 0x100000001b3ULL;
  };
  for (const auto& [ip, port] : {std::pair{&k.a, k.a_port}, std::pair{&k.b, k.b_port}}) {
    for (std::size_t i = 0; i < ip->size(); ++i) mix(ip->data()[i]);
    mix(static_cast<std::uint8_t>(port >> 8));
    mix(static_cast<std::uint8_t>(port & 0xff));
  }
  mix(k.protocol);
  return h;
}

std::optional<Shard> Shard::parse(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  auto whole = [](std::string_view digits, std::uint32_t& out) {
    if (digits.size() > 5) return false;  // 65536 at most
    out = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return true;
  };
  Shard s;
  if (!whole(text.substr(0, slash), s.index) || !whole(text.substr(slash + 1), s.count)) return std::nullopt;
  if (s.count == 0 || s.count > 65536 || s.index >= s.count) return std::nullopt;
  return s;
}

}  // namespace flowreplay
