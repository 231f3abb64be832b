// SPDX-License-Identifier: MIT
// Addresses: IPv4/IPv6 and MAC, stored as bytes in network order, and CIDR prefixes.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowreplay {

// An IPv4 or IPv6 address. IPv4 uses bytes_[0..3]; the rest stays zero so that comparison and
// hashing treat the whole array uniformly.
class IpAddress {
 public:
  IpAddress() = default;
  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v6(const std::array<std::uint8_t, 16>& bytes);
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] bool is_v6() const { return v6_; }
  [[nodiscard]] int version() const { return v6_ ? 6 : 4; }
  [[nodiscard]] std::size_t size() const { return v6_ ? 16 : 4; }
  [[nodiscard]] const std::uint8_t* data() const { return bytes_.data(); }
  [[nodiscard]] std::uint32_t v4_host_order() const;
  // 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291).
  [[nodiscard]] bool is_multicast() const { return v6_ ? bytes_[0] == 0xff : (bytes_[0] & 0xf0) == 0xe0; }
  [[nodiscard]] std::string to_string() const;

  // This address plus `offset` in its low bits (wrapping within the address width).
  [[nodiscard]] IpAddress plus(std::uint64_t offset) const;

  auto operator<=>(const IpAddress&) const = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  bool v6_ = false;
};

class MacAddress {
 public:
  MacAddress() = default;
  explicit MacAddress(std::uint64_t value48) : value_(value48 & 0xffffffffffffULL) {}
  static std::optional<MacAddress> parse(std::string_view text);

  [[nodiscard]] std::uint64_t value() const { return value_; }
  void write(std::uint8_t* out) const;  // 6 bytes, network order
  [[nodiscard]] std::string to_string() const;
  auto operator<=>(const MacAddress&) const = default;

 private:
  std::uint64_t value_ = 0;
};

// An address prefix "10.0.0.0/8" or "2001:db8::/32". The base has its host bits cleared.
struct Cidr {
  IpAddress base;
  int prefix = 0;

  static std::optional<Cidr> parse(std::string_view text);
  // Usable host addresses, capped at 2^32 (more is never needed to index flows): an IPv4 prefix
  // of /30 or shorter leaves out the network and broadcast addresses.
  [[nodiscard]] std::uint64_t host_count() const;
  // The i-th usable host, 0 <= i < host_count().
  [[nodiscard]] IpAddress host(std::uint64_t i) const;
  [[nodiscard]] std::string to_string() const;
};

// A MAC range "02:00:00:00:00:00/24": addresses that share the first `prefix` bits.
struct MacRange {
  MacAddress base;
  int prefix = 48;

  static std::optional<MacRange> parse(std::string_view text);
  // Unicast addresses in the range, capped at 2^32.
  [[nodiscard]] std::uint64_t count() const;
  [[nodiscard]] MacAddress at(std::uint64_t i) const;
};

}  // namespace flowreplay
