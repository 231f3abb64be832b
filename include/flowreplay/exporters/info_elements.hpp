// SPDX-License-Identifier: MIT
// The one table of information elements flowreplay exports: for each, its IPFIX id and name
// (IANA registry; reverse elements per RFC 5103), its NetFlow v9 field type and name (RFC 3954
// section 8), its length on the wire, and how its value is taken from a FlowRecord. The IPFIX and
// NetFlow v9 templates are lists of these elements, and both encoders write values through
// encode_element(); docs/export.md's element table is rendered from here (a test compares them).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "flowreplay/core/flow_record.hpp"

namespace flowreplay {

enum class Ie : std::uint8_t {
  kFlowStartMs,
  kFlowEndMs,
  kFlowStartNs,
  kFlowEndNs,
  kOctets,
  kPackets,
  kReverseOctets,
  kReversePackets,
  kSourceIpv4,
  kDestinationIpv4,
  kSourceIpv6,
  kDestinationIpv6,
  kSourcePort,
  kDestinationPort,
  kVlan,
  kIcmpTypeCode,  // IPv4 in IPFIX; NetFlow v9's ICMP_TYPE for both families
  kIcmpTypeCodeIpv6,
  kProtocol,
  kTcpFlags,
  kEndReason,
  kFlowStartUptime,  // ms of the exporter's sysUptime (NetFlow v9)
  kFlowEndUptime,
  kIpVersion,
  kPadding,  // IPFIX internal template only: aligns libfixbuf's record
  kCount
};

struct InfoElement {
  Ie ie;
  std::string_view ipfix_name;  // as libfixbuf's information model names it; empty: not in IPFIX
  std::uint16_t ipfix_id;
  bool reverse;                  // an RFC 5103 reverse element (enterprise 29305)
  std::string_view nf9_name;     // empty: not in NetFlow v9
  std::uint16_t nf9_type;
  std::uint16_t length;          // bytes on the wire (and in libfixbuf's internal record)
  std::string_view value;        // what the value is, for docs/export.md
};

[[nodiscard]] std::span<const InfoElement> info_elements();
[[nodiscard]] const InfoElement& info_element(Ie ie);

// Template ids, the same in IPFIX and NetFlow v9.
inline constexpr std::uint16_t kTemplateIdIpv4 = 256;
inline constexpr std::uint16_t kTemplateIdIpv6 = 257;

// Feature bits of a template field: exported only when the option is on (IPFIX), or never.
inline constexpr std::uint32_t kFieldAlways = 0;
inline constexpr std::uint32_t kFieldInternalOnly = 1;  // libfixbuf padding
inline constexpr std::uint32_t kFieldNanoseconds = 2;   // --ipfix-time ns
inline constexpr std::uint32_t kFieldBiflow = 4;        // --biflow

struct TemplateField {
  Ie ie;
  std::uint32_t when = kFieldAlways;
};

[[nodiscard]] std::span<const TemplateField> ipfix_template(bool ipv6);
[[nodiscard]] std::span<const TemplateField> netflow_v9_template(bool ipv6);

// One exported record: a direction of a flow record. `reverse` swaps the sides (the second
// one-way record of a biflow); `reverse_counters` fills the RFC 5103 reverse counters (one biflow
// record); `uptime_origin_ms` is the sysUptime origin of NetFlow v9 times, in ms since the epoch.
struct RecordSide {
  const FlowRecord& record;
  bool reverse = false;
  bool reverse_counters = false;
  std::int64_t uptime_origin_ms = 0;
};

enum class ByteOrder : std::uint8_t { kNetwork, kHost };

// Writes the element's value, info_element(ie).length bytes, at `out`: integers in `order`
// (network for the wire, host for libfixbuf's internal record), addresses as their bytes (an IPv4
// address is an integer to libfixbuf, so it follows `order` too).
void encode_element(Ie ie, const RecordSide& side, ByteOrder order, std::uint8_t* out);

// Writes a whole record, every field of `fields` in order (their `when` bits are not looked at:
// this is libfixbuf's internal record, or a NetFlow v9 data record), and returns its length.
// The same values as encode_element, without a table lookup per field.
std::size_t encode_record(std::span<const TemplateField> fields, const RecordSide& side, ByteOrder order,
                          std::uint8_t* out);

// Total length of a template's fields that `features` enables (kFieldAlways ones always).
[[nodiscard]] std::size_t record_length(std::span<const TemplateField> fields, std::uint32_t features);

// The elements as the Markdown table of docs/export.md.
[[nodiscard]] std::string info_element_table_markdown();

}  // namespace flowreplay
