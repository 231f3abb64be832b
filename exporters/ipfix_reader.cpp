// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/ipfix_reader.hpp"

#include <fixbuf/public.h>

#include <array>
#include <cstring>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

namespace {

// libfixbuf's internal record: every element a probe may use for a flow, 8-byte fields first.
// Elements the file's template lacks come out zero.
struct Record {
  std::uint64_t start_ms;
  std::uint64_t end_ms;
  std::uint64_t start_ntp;  // dateTimeNanoseconds: NTP format
  std::uint64_t end_ntp;
  std::uint64_t octets;
  std::uint64_t packets;
  std::uint64_t octets_total;
  std::uint64_t packets_total;
  std::uint64_t rev_octets;
  std::uint64_t rev_packets;
  std::uint8_t src6[16];
  std::uint8_t dst6[16];
  std::uint32_t start_s;
  std::uint32_t end_s;
  std::uint32_t src4;
  std::uint32_t dst4;
  std::uint16_t src_port;
  std::uint16_t dst_port;
  std::uint16_t icmp4;
  std::uint16_t icmp6;
  std::uint8_t protocol;
  std::uint8_t version;
  std::uint8_t padding[6];
};
static_assert(sizeof(Record) == 144);

// NOLINTBEGIN(cppcoreguidelines-pro-type-const-cast): libfixbuf's spec names are char*
fbInfoElementSpec_t kSpec[] = {
    {const_cast<char*>("flowStartMilliseconds"), 8, 0},  {const_cast<char*>("flowEndMilliseconds"), 8, 0},
    {const_cast<char*>("flowStartNanoseconds"), 8, 0},   {const_cast<char*>("flowEndNanoseconds"), 8, 0},
    {const_cast<char*>("octetDeltaCount"), 8, 0},        {const_cast<char*>("packetDeltaCount"), 8, 0},
    {const_cast<char*>("octetTotalCount"), 8, 0},        {const_cast<char*>("packetTotalCount"), 8, 0},
    {const_cast<char*>("reverseOctetDeltaCount"), 8, 0}, {const_cast<char*>("reversePacketDeltaCount"), 8, 0},
    {const_cast<char*>("sourceIPv6Address"), 16, 0},     {const_cast<char*>("destinationIPv6Address"), 16, 0},
    {const_cast<char*>("flowStartSeconds"), 4, 0},       {const_cast<char*>("flowEndSeconds"), 4, 0},
    {const_cast<char*>("sourceIPv4Address"), 4, 0},      {const_cast<char*>("destinationIPv4Address"), 4, 0},
    {const_cast<char*>("sourceTransportPort"), 2, 0},    {const_cast<char*>("destinationTransportPort"), 2, 0},
    {const_cast<char*>("icmpTypeCodeIPv4"), 2, 0},       {const_cast<char*>("icmpTypeCodeIPv6"), 2, 0},
    {const_cast<char*>("protocolIdentifier"), 1, 0},     {const_cast<char*>("ipVersion"), 1, 0},
    {const_cast<char*>("paddingOctets"), 6, 0},          FB_IESPEC_NULL};
// NOLINTEND(cppcoreguidelines-pro-type-const-cast)

constexpr std::uint16_t kInternalTid = 0xfe01;

Timestamp from_ntp(std::uint64_t ntp) {
  constexpr std::uint64_t kNtpToUnix = 2'208'988'800ULL;
  if ((ntp >> 32) < kNtpToUnix) return 0;  // before 1970: not a flow time
  const std::uint64_t secs = (ntp >> 32) - kNtpToUnix;
  // The fraction's ceiling in ns undoes the exporter's floor exactly (2^32 / 10^9 > 1).
  const std::uint64_t frac = ((ntp & 0xffffffffULL) * 1'000'000'000ULL + 0xffffffffULL) >> 32;
  return static_cast<Timestamp>(secs) * kNanosPerSecond + static_cast<Timestamp>(frac);
}

std::string take(GError* err) {
  std::string m = err != nullptr ? err->message : "unknown error";
  g_clear_error(&err);
  return m;
}

}  // namespace

struct IpfixReader::State {
  fbInfoModel_t* model = nullptr;
  fbSession_t* session = nullptr;  // owned by fbuf once the buffer exists
  fBuf_t* fbuf = nullptr;
  ~State() {
    if (fbuf != nullptr) {
      fBufFree(fbuf);
    } else if (session != nullptr) {
      fbSessionFree(session);
    }
    if (model != nullptr) fbInfoModelFree(model);
  }
};

IpfixReader::IpfixReader(const std::string& path) : state_(std::make_unique<State>()), path_(path) {
  GError* err = nullptr;
  State& s = *state_;
  s.model = fbInfoModelAlloc();
  s.session = fbSessionAlloc(s.model);
  fbTemplate_t* internal = fbTemplateAlloc(s.model);
  if (!fbTemplateAppendSpecArray(internal, kSpec, UINT32_MAX, &err) ||
      fbSessionAddTemplate(s.session, TRUE, kInternalTid, internal, &err) == 0) {
    throw IoError(path, "IPFIX template: " + take(err), 0);
  }
  fbCollector_t* collector = fbCollectorAllocFile(nullptr, path.c_str(), &err);
  if (collector == nullptr) throw IoError(path, "cannot open as IPFIX: " + take(err), 0);
  s.fbuf = fBufAllocForCollection(s.session, collector);
  if (!fBufSetInternalTemplate(s.fbuf, kInternalTid, &err)) throw IoError(path, "IPFIX: " + take(err), 0);
}

IpfixReader::~IpfixReader() = default;

bool IpfixReader::next(FlowRecord& out) {
  for (;;) {
    Record rec{};
    std::size_t len = sizeof rec;
    GError* err = nullptr;
    if (!fBufNext(state_->fbuf, reinterpret_cast<std::uint8_t*>(&rec), &len, &err)) {
      if (g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOF)) {
        g_clear_error(&err);
        return false;
      }
      throw IoError(path_, "not a valid IPFIX file: " + take(err), 0);
    }
    const std::uint64_t packets = rec.packets != 0 ? rec.packets : rec.packets_total;
    const std::uint64_t octets = rec.octets != 0 ? rec.octets : rec.octets_total;
    if (packets == 0 && octets == 0 && rec.rev_packets == 0) {
      ++skipped_;
      continue;
    }
    out = FlowRecord{};
    static constexpr std::uint8_t kZero[16] = {};
    const bool v6 = rec.version == 6 || std::memcmp(rec.src6, kZero, 16) != 0 || std::memcmp(rec.dst6, kZero, 16) != 0;
    if (v6) {
      std::array<std::uint8_t, 16> a{};
      std::memcpy(a.data(), rec.src6, 16);
      out.src = IpAddress::v6(a);
      std::memcpy(a.data(), rec.dst6, 16);
      out.dst = IpAddress::v6(a);
    } else {
      out.src = IpAddress::v4(rec.src4);
      out.dst = IpAddress::v4(rec.dst4);
    }
    out.l4_proto = rec.protocol;
    out.src_port = rec.src_port;
    out.dst_port = is_icmp(rec.protocol) ? (v6 ? rec.icmp6 : rec.icmp4) : rec.dst_port;
    if (is_icmp(rec.protocol) && out.dst_port == 0) out.dst_port = rec.dst_port;  // some probes put it there
    // Times past 2200 are not flows' (and would overflow ns arithmetic): such records are skipped.
    constexpr std::uint64_t kMaxSeconds = 7'258'118'400ULL;
    constexpr std::uint64_t kNtpMax = (kMaxSeconds + 2'208'988'800ULL) << 32;
    if (rec.start_ntp > kNtpMax || rec.end_ntp > kNtpMax || rec.start_ms > kMaxSeconds * 1000 ||
        rec.end_ms > kMaxSeconds * 1000 || (rec.start_ntp != 0 && (rec.start_ntp >> 32) < 2'208'988'800ULL)) {
      ++skipped_;
      continue;
    }
    if (rec.start_ntp != 0) {
      out.start = from_ntp(rec.start_ntp), out.end = from_ntp(rec.end_ntp);
      precision_ = 1;
    } else if (rec.start_ms != 0) {
      out.start = static_cast<Timestamp>(rec.start_ms) * kNanosPerMilli, out.end = static_cast<Timestamp>(rec.end_ms) * kNanosPerMilli;
      precision_ = kNanosPerMilli;
    } else {
      out.start = static_cast<Timestamp>(rec.start_s) * kNanosPerSecond, out.end = static_cast<Timestamp>(rec.end_s) * kNanosPerSecond;
      precision_ = kNanosPerSecond;
    }
    out.packets = packets;
    out.bytes = octets;
    out.packets_rev = rec.rev_packets;
    out.bytes_rev = rec.rev_octets;
    return true;
  }
}

}  // namespace flowreplay
