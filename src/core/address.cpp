// SPDX-License-Identifier: MIT
#include "flowreplay/core/address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>
#include <string>

namespace flowreplay {

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress a;
  a.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes_[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes) {
  IpAddress a;
  a.bytes_ = bytes;
  a.v6_ = true;
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  std::array<std::uint8_t, 16> buf{};
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), buf.data()) != 1) return std::nullopt;
    return v6(buf);
  }
  if (inet_pton(AF_INET, s.c_str(), buf.data()) != 1) return std::nullopt;
  IpAddress a;
  std::copy(buf.begin(), buf.begin() + 4, a.bytes_.begin());
  return a;
}

std::uint32_t IpAddress::v4_host_order() const {
  return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
         (std::uint32_t{bytes_[2]} << 8) | bytes_[3];
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.data(), buf, sizeof buf);
  return buf;
}

IpAddress IpAddress::plus(std::uint64_t offset) const {
  IpAddress a = *this;
  int i = static_cast<int>(size()) - 1;
  unsigned carry = 0;
  while (i >= 0 && (offset != 0 || carry != 0)) {
    const unsigned sum = a.bytes_[i] + static_cast<unsigned>(offset & 0xff) + carry;
    a.bytes_[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
    offset >>= 8;
    --i;
  }
  return a;
}

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  std::uint64_t value = 0;
  int octets = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned v = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + std::min(text.size(), i + 2), v, 16);
    if (ec != std::errc() || ptr != text.data() + i + 2) return std::nullopt;
    value = (value << 8) | v;
    ++octets;
    i += 2;
    if (i < text.size()) {
      if (text[i] != ':' && text[i] != '-') return std::nullopt;
      ++i;
      if (i == text.size()) return std::nullopt;
    }
  }
  if (octets != 6) return std::nullopt;
  return MacAddress(value);
}

void MacAddress::write(std::uint8_t* out) const {
  for (int i = 0; i < 6; ++i) out[i] = static_cast<std::uint8_t>(value_ >> (40 - 8 * i));
}

std::string MacAddress::to_string() const {
  char buf[18];
  std::uint8_t b[6];
  write(b);
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
  return buf;
}

namespace {

bool parse_prefix(std::string_view text, int max, int& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0 && out <= max;
}

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const int bits = addr->is_v6() ? 128 : 32;
  int prefix = bits;
  if (slash != std::string_view::npos && !parse_prefix(text.substr(slash + 1), bits, prefix)) return std::nullopt;
  // Clear the host bits so that the base is the first address of the prefix.
  std::array<std::uint8_t, 16> bytes{};
  std::copy(addr->data(), addr->data() + addr->size(), bytes.begin());
  for (int bit = prefix; bit < bits; ++bit) bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  Cidr c;
  c.base = addr->is_v6() ? IpAddress::v6(bytes)
                         : IpAddress::v4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                                         (std::uint32_t{bytes[2]} << 8) | bytes[3]);
  c.prefix = prefix;
  return c;
}

std::uint64_t Cidr::host_count() const {
  const int host_bits = (base.is_v6() ? 128 : 32) - prefix;
  if (host_bits >= 32) return std::uint64_t{1} << 32;
  const std::uint64_t all = std::uint64_t{1} << host_bits;
  // IPv4 network and broadcast addresses are not hosts (RFC 3021 /31 and /32 keep all); IPv6
  // leaves out the all-zero subnet-router anycast address (RFC 4291 2.6.1).
  if (!base.is_v6() && host_bits >= 2) return all - 2;
  if (base.is_v6() && host_bits > 0) return all - 1;
  return all;
}

IpAddress Cidr::host(std::uint64_t i) const {
  const int host_bits = (base.is_v6() ? 128 : 32) - prefix;
  const bool skip_network = !base.is_v6() && host_bits >= 2 && host_bits < 32;
  // IPv6: skip the all-zero (subnet-router anycast) address as well.
  const bool skip_zero = skip_network || (base.is_v6() && host_bits > 0);
  return base.plus(i + (skip_zero ? 1 : 0));
}

std::string Cidr::to_string() const { return base.to_string() + "/" + std::to_string(prefix); }

std::optional<MacRange> MacRange::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto mac = MacAddress::parse(text.substr(0, slash));
  if (!mac) return std::nullopt;
  int prefix = 48;
  if (slash != std::string_view::npos && !parse_prefix(text.substr(slash + 1), 48, prefix)) return std::nullopt;
  const std::uint64_t host_mask = prefix == 48 ? 0 : ((std::uint64_t{1} << (48 - prefix)) - 1);
  return MacRange{MacAddress(mac->value() & ~host_mask), prefix};
}

std::uint64_t MacRange::count() const {
  const int host_bits = 48 - prefix;
  // Host bits never reach the group bit (bit 40) when prefix >= 8, the only ranges accepted.
  return host_bits >= 32 ? (std::uint64_t{1} << 32) : (std::uint64_t{1} << host_bits);
}

MacAddress MacRange::at(std::uint64_t i) const { return MacAddress(base.value() + i); }

}  // namespace flowreplay
