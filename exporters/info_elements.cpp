// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/info_elements.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <utility>

namespace flowreplay {

namespace {

// Ordered as the Ie enum; info_element() checks the order once.
constexpr InfoElement kElements[] = {
    {Ie::kFlowStartMs, "flowStartMilliseconds", 152, false, "", 0, 8, "first packet, ms since the epoch"},
    {Ie::kFlowEndMs, "flowEndMilliseconds", 153, false, "", 0, 8, "last packet, ms since the epoch"},
    {Ie::kFlowStartNs, "flowStartNanoseconds", 156, false, "", 0, 8, "first packet, NTP format (with `--ipfix-time ns`)"},
    {Ie::kFlowEndNs, "flowEndNanoseconds", 157, false, "", 0, 8, "last packet, NTP format (with `--ipfix-time ns`)"},
    {Ie::kOctets, "octetDeltaCount", 1, false, "IN_BYTES", 1, 8, "L3 bytes of the record's direction"},
    {Ie::kPackets, "packetDeltaCount", 2, false, "IN_PKTS", 2, 8, "packets of the record's direction"},
    {Ie::kReverseOctets, "reverseOctetDeltaCount", 1, true, "", 0, 8, "L3 bytes of the reverse direction (with `--biflow`)"},
    {Ie::kReversePackets, "reversePacketDeltaCount", 2, true, "", 0, 8, "packets of the reverse direction (with `--biflow`)"},
    {Ie::kSourceIpv4, "sourceIPv4Address", 8, false, "IPV4_SRC_ADDR", 8, 4, "source address"},
    {Ie::kDestinationIpv4, "destinationIPv4Address", 12, false, "IPV4_DST_ADDR", 12, 4, "destination address"},
    {Ie::kSourceIpv6, "sourceIPv6Address", 27, false, "IPV6_SRC_ADDR", 27, 16, "source address"},
    {Ie::kDestinationIpv6, "destinationIPv6Address", 28, false, "IPV6_DST_ADDR", 28, 16, "destination address"},
    {Ie::kSourcePort, "sourceTransportPort", 7, false, "L4_SRC_PORT", 7, 2, "source port; 0 for ICMP"},
    {Ie::kDestinationPort, "destinationTransportPort", 11, false, "L4_DST_PORT", 11, 2, "destination port; 0 for ICMP"},
    {Ie::kVlan, "vlanId", 58, false, "SRC_VLAN", 58, 2, "outermost 802.1Q id, 0 when untagged"},
    {Ie::kIcmpTypeCode, "icmpTypeCodeIPv4", 32, false, "ICMP_TYPE", 32, 2, "ICMP type × 256 + code (NetFlow v9: both families); 0 otherwise"},
    {Ie::kIcmpTypeCodeIpv6, "icmpTypeCodeIPv6", 139, false, "", 0, 2, "ICMPv6 type × 256 + code; 0 otherwise"},
    {Ie::kProtocol, "protocolIdentifier", 4, false, "PROTOCOL", 4, 1, "IP protocol"},
    {Ie::kTcpFlags, "tcpControlBits", 6, false, "TCP_FLAGS", 6, 1, "union of the direction's TCP flags"},
    {Ie::kEndReason, "flowEndReason", 136, false, "", 0, 1, "1 idle timeout, 2 active timeout, 3 end of flow (TCP FIN/RST), 4 forced end"},
    {Ie::kFlowStartUptime, "flowStartSysUpTime", 22, false, "FIRST_SWITCHED", 22, 4, "first packet, ms of sysUptime"},
    {Ie::kFlowEndUptime, "flowEndSysUpTime", 21, false, "LAST_SWITCHED", 21, 4, "last packet, ms of sysUptime"},
    {Ie::kIpVersion, "ipVersion", 60, false, "IP_PROTOCOL_VERSION", 60, 1, "4 or 6"},
    {Ie::kPadding, "paddingOctets", 210, false, "", 0, 5, "IPFIX internal record only (alignment), never exported"},
};
static_assert(std::size(kElements) == static_cast<std::size_t>(Ie::kCount), "one entry per Ie");

constexpr bool elements_in_order() {
  for (std::size_t i = 0; i < std::size(kElements); ++i) {
    if (static_cast<std::size_t>(kElements[i].ie) != i) return false;
  }
  return true;
}
static_assert(elements_in_order(), "kElements is indexed by Ie");

// The IPFIX templates: 8-byte fields first, then addresses, 2-byte, 1-byte and padding, so that
// libfixbuf's internal record (all fields, this order) is naturally aligned: 88 bytes for IPv4,
// 112 for IPv6.
constexpr TemplateField kIpfixV4[] = {
    {Ie::kFlowStartMs}, {Ie::kFlowEndMs}, {Ie::kFlowStartNs, kFieldNanoseconds}, {Ie::kFlowEndNs, kFieldNanoseconds},
    {Ie::kOctets}, {Ie::kPackets}, {Ie::kReverseOctets, kFieldBiflow}, {Ie::kReversePackets, kFieldBiflow},
    {Ie::kSourceIpv4}, {Ie::kDestinationIpv4}, {Ie::kSourcePort}, {Ie::kDestinationPort}, {Ie::kVlan},
    {Ie::kIcmpTypeCode}, {Ie::kProtocol}, {Ie::kTcpFlags}, {Ie::kEndReason}, {Ie::kPadding, kFieldInternalOnly}};
constexpr TemplateField kIpfixV6[] = {
    {Ie::kFlowStartMs}, {Ie::kFlowEndMs}, {Ie::kFlowStartNs, kFieldNanoseconds}, {Ie::kFlowEndNs, kFieldNanoseconds},
    {Ie::kOctets}, {Ie::kPackets}, {Ie::kReverseOctets, kFieldBiflow}, {Ie::kReversePackets, kFieldBiflow},
    {Ie::kSourceIpv6}, {Ie::kDestinationIpv6}, {Ie::kSourcePort}, {Ie::kDestinationPort}, {Ie::kVlan},
    {Ie::kIcmpTypeCodeIpv6}, {Ie::kProtocol}, {Ie::kTcpFlags}, {Ie::kEndReason}, {Ie::kPadding, kFieldInternalOnly}};

// NetFlow v9: addresses first, as softflowd and most exporters order them.
constexpr TemplateField kNetflowV4[] = {
    {Ie::kSourceIpv4}, {Ie::kDestinationIpv4}, {Ie::kSourcePort}, {Ie::kDestinationPort}, {Ie::kProtocol},
    {Ie::kTcpFlags}, {Ie::kPackets}, {Ie::kOctets}, {Ie::kFlowStartUptime}, {Ie::kFlowEndUptime}, {Ie::kVlan},
    {Ie::kIpVersion}, {Ie::kIcmpTypeCode}};
constexpr TemplateField kNetflowV6[] = {
    {Ie::kSourceIpv6}, {Ie::kDestinationIpv6}, {Ie::kSourcePort}, {Ie::kDestinationPort}, {Ie::kProtocol},
    {Ie::kTcpFlags}, {Ie::kPackets}, {Ie::kOctets}, {Ie::kFlowStartUptime}, {Ie::kFlowEndUptime}, {Ie::kVlan},
    {Ie::kIpVersion}, {Ie::kIcmpTypeCode}};

// dateTimeNanoseconds as libfixbuf holds it: NTP format, seconds since 1900 in the high word.
std::uint64_t ntp(Timestamp ns) {
  constexpr std::uint64_t kNtpToUnix = 2'208'988'800ULL;  // seconds from 1900 to 1970
  const std::uint64_t secs = static_cast<std::uint64_t>(ns / kNanosPerSecond) + kNtpToUnix;
  const std::uint64_t frac = (static_cast<std::uint64_t>(ns % kNanosPerSecond) << 32) / 1'000'000'000ULL;
  return (secs << 32) | frac;
}

// ms of a sysUptime that started at origin_ms; a flow older than the 49.7-day uptime window
// clamps to boot, so records keep their order.
std::uint64_t uptime_ms(Timestamp t, std::int64_t origin_ms) {
  const std::int64_t ms = t / kNanosPerMilli - origin_ms;
  return static_cast<std::uint32_t>(ms < 0 ? 0 : ms);
}

// The integer value of an element (addresses are handled by the caller).
inline std::uint64_t integer_value(Ie ie, const RecordSide& side) {
  const FlowRecord& r = side.record;
  const bool rev = side.reverse;
  const bool icmp = is_icmp(r.l4_proto);
  switch (ie) {
    case Ie::kFlowStartMs: return static_cast<std::uint64_t>(r.start / kNanosPerMilli);
    case Ie::kFlowEndMs: return static_cast<std::uint64_t>(r.end / kNanosPerMilli);
    case Ie::kFlowStartNs: return ntp(r.start);
    case Ie::kFlowEndNs: return ntp(r.end);
    case Ie::kOctets: return rev ? r.bytes_rev : r.bytes;
    case Ie::kPackets: return rev ? r.packets_rev : r.packets;
    case Ie::kReverseOctets: return side.reverse_counters ? r.bytes_rev : 0;
    case Ie::kReversePackets: return side.reverse_counters ? r.packets_rev : 0;
    case Ie::kSourceIpv4: return (rev ? r.dst : r.src).v4_host_order();
    case Ie::kDestinationIpv4: return (rev ? r.src : r.dst).v4_host_order();
    case Ie::kSourcePort: return icmp ? 0 : (rev ? r.dst_port : r.src_port);
    case Ie::kDestinationPort: return icmp ? 0 : (rev ? r.src_port : r.dst_port);
    case Ie::kVlan: return r.vlan;
    case Ie::kIcmpTypeCode:
    case Ie::kIcmpTypeCodeIpv6: return icmp ? icmp_type_code(r, rev) : 0;
    case Ie::kProtocol: return r.l4_proto;
    case Ie::kTcpFlags: return rev ? r.tcp_flags_rev : r.tcp_flags;
    case Ie::kEndReason: return static_cast<std::uint64_t>(r.end_reason);
    case Ie::kFlowStartUptime: return uptime_ms(r.start, side.uptime_origin_ms);
    case Ie::kFlowEndUptime: return uptime_ms(r.end, side.uptime_origin_ms);
    case Ie::kIpVersion: return r.src.is_v6() ? 6 : 4;
    case Ie::kSourceIpv6:
    case Ie::kDestinationIpv6:
    case Ie::kPadding:
    case Ie::kCount: break;
  }
  return 0;
}

}  // namespace

std::span<const InfoElement> info_elements() { return kElements; }

const InfoElement& info_element(Ie ie) { return kElements[static_cast<std::size_t>(ie)]; }

std::span<const TemplateField> ipfix_template(bool ipv6) {
  return ipv6 ? std::span<const TemplateField>(kIpfixV6) : std::span<const TemplateField>(kIpfixV4);
}

std::span<const TemplateField> netflow_v9_template(bool ipv6) {
  return ipv6 ? std::span<const TemplateField>(kNetflowV6) : std::span<const TemplateField>(kNetflowV4);
}

namespace {

// Stores the low `len` bytes of v at out, most significant first (network) or in host order.
inline void store(std::uint64_t v, std::size_t len, ByteOrder order, std::uint8_t* out) {
  const bool host_little = order == ByteOrder::kHost && std::endian::native == std::endian::little;
  const bool swap = std::endian::native == std::endian::little ? !host_little : order == ByteOrder::kHost;
  switch (len) {
    case 8: {
      const std::uint64_t x = swap ? __builtin_bswap64(v) : v;
      std::memcpy(out, &x, 8);
      return;
    }
    case 4: {
      auto x = static_cast<std::uint32_t>(v);
      if (swap) x = __builtin_bswap32(x);
      std::memcpy(out, &x, 4);
      return;
    }
    case 2: {
      auto x = static_cast<std::uint16_t>(v);
      if (swap) x = __builtin_bswap16(x);
      std::memcpy(out, &x, 2);
      return;
    }
    case 1:
      *out = static_cast<std::uint8_t>(v);
      return;
    default:
      std::memset(out, 0, len);
  }
}

// One field with its element known at compile time, so that the value's switch and the store's
// length fold away: the templates below are encoded by straight-line code.
template <Ie E, ByteOrder O>
inline void put_field(const RecordSide& side, std::uint8_t* out) {
  constexpr std::size_t kLen = kElements[static_cast<std::size_t>(E)].length;
  if constexpr (E == Ie::kSourceIpv6 || E == Ie::kDestinationIpv6) {
    const FlowRecord& r = side.record;
    const IpAddress& a = (E == Ie::kSourceIpv6) != side.reverse ? r.src : r.dst;
    std::memcpy(out, a.data(), kLen);
  } else if constexpr (E == Ie::kPadding) {
    std::memset(out, 0, kLen);
  } else {
    store(integer_value(E, side), kLen, O, out);
  }
}

template <const auto& Fields>
constexpr auto field_offsets() {
  std::array<std::size_t, std::size(Fields) + 1> off{};
  for (std::size_t i = 0; i < std::size(Fields); ++i) off[i + 1] = off[i] + kElements[static_cast<std::size_t>(Fields[i].ie)].length;
  return off;
}

template <const auto& Fields, ByteOrder O, std::size_t... I>
std::size_t encode_fixed(const RecordSide& side, std::uint8_t* out, std::index_sequence<I...> /*fields*/) {
  static constexpr auto kOff = field_offsets<Fields>();
  (put_field<Fields[I].ie, O>(side, out + kOff[I]), ...);
  return kOff.back();
}

template <const auto& Fields>
std::size_t encode_fixed(const RecordSide& side, ByteOrder order, std::uint8_t* out) {
  constexpr auto kIndex = std::make_index_sequence<std::size(Fields)>();
  return order == ByteOrder::kHost ? encode_fixed<Fields, ByteOrder::kHost>(side, out, kIndex)
                                   : encode_fixed<Fields, ByteOrder::kNetwork>(side, out, kIndex);
}

}  // namespace

std::size_t encode_record(std::span<const TemplateField> fields, const RecordSide& side, ByteOrder order,
                          std::uint8_t* out) {
  if (fields.data() == kIpfixV4) return encode_fixed<kIpfixV4>(side, order, out);
  if (fields.data() == kIpfixV6) return encode_fixed<kIpfixV6>(side, order, out);
  if (fields.data() == kNetflowV4) return encode_fixed<kNetflowV4>(side, order, out);
  if (fields.data() == kNetflowV6) return encode_fixed<kNetflowV6>(side, order, out);
  std::size_t at = 0;  // any other list of fields, one element at a time
  for (const TemplateField& f : fields) {
    encode_element(f.ie, side, order, out + at);
    at += kElements[static_cast<std::size_t>(f.ie)].length;
  }
  return at;
}

void encode_element(Ie ie, const RecordSide& side, ByteOrder order, std::uint8_t* out) {
  const std::size_t len = info_element(ie).length;
  if (ie == Ie::kSourceIpv6 || ie == Ie::kDestinationIpv6) {
    const FlowRecord& r = side.record;
    const IpAddress& a = (ie == Ie::kSourceIpv6) != side.reverse ? r.src : r.dst;
    std::memcpy(out, a.data(), 16);
    return;
  }
  if (ie == Ie::kPadding) {
    std::memset(out, 0, len);
    return;
  }
  store(integer_value(ie, side), len, order, out);
}

std::size_t record_length(std::span<const TemplateField> fields, std::uint32_t features) {
  std::size_t n = 0;
  for (const TemplateField& f : fields) {
    if (f.when == kFieldAlways || (f.when & features) != 0) n += info_element(f.ie).length;
  }
  return n;
}

std::string info_element_table_markdown() {
  std::string out =
      "| IPFIX element (IE) | NetFlow v9 field (type) | bytes | value |\n"
      "| --- | --- | --- | --- |\n";
  for (const InfoElement& e : kElements) {
    out += "| ";
    if (!e.ipfix_name.empty()) {
      out += std::string(e.ipfix_name) + " (" + (e.reverse ? "29305/" : "") + std::to_string(e.ipfix_id) + ")";
    }
    out += " | ";
    if (!e.nf9_name.empty()) out += std::string(e.nf9_name) + " (" + std::to_string(e.nf9_type) + ")";
    out += " | " + std::to_string(e.length) + " | " + std::string(e.value) + " |\n";
  }
  return out;
}

}  // namespace flowreplay
