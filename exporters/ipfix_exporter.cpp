// SPDX-License-Identifier: MIT
// IPFIX (RFC 7011) through libfixbuf: over UDP, TCP or to a file. One internal template per
// address family mirrors the C structs below; the external templates carry what the options ask
// for (millisecond times always, since nfdump maps only those; nanosecond times and RFC 5103
// reverse counters on request). See shared/specs/ipfix.md section 2 for libfixbuf's behaviour.
#include <fixbuf/public.h>

#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "flowreplay/errors.hpp"
#include "flowreplay/flow_exporter.hpp"
#include "flowreplay/pacer.hpp"

namespace flowreplay {

namespace {

// fbInfoElementSpec_t takes char*, not const char*.
char* ie(const char* name) { return const_cast<char*>(name); }

constexpr std::uint32_t kInternalOnly = 1;  // padding
constexpr std::uint32_t kNanos = 2;
constexpr std::uint32_t kBiflow = 4;

struct Rec4 {
  std::uint64_t start_ms, end_ms, start_ns, end_ns, octets, packets, rev_octets, rev_packets;
  std::uint32_t src, dst;
  std::uint16_t src_port, dst_port, vlan, icmp_type_code;
  std::uint8_t proto, flags, end_reason;
  std::uint8_t pad[5];
};
static_assert(sizeof(Rec4) == 88, "Rec4 must match its template");

struct Rec6 {
  std::uint64_t start_ms, end_ms, start_ns, end_ns, octets, packets, rev_octets, rev_packets;
  std::uint8_t src[16], dst[16];
  std::uint16_t src_port, dst_port, vlan, icmp_type_code;
  std::uint8_t proto, flags, end_reason;
  std::uint8_t pad[5];
};
static_assert(sizeof(Rec6) == 112, "Rec6 must match its template");

fbInfoElementSpec_t kSpec4[] = {
    {ie("flowStartMilliseconds"), 8, 0}, {ie("flowEndMilliseconds"), 8, 0},
    {ie("flowStartNanoseconds"), 8, kNanos}, {ie("flowEndNanoseconds"), 8, kNanos},
    {ie("octetDeltaCount"), 8, 0}, {ie("packetDeltaCount"), 8, 0},
    {ie("reverseOctetDeltaCount"), 8, kBiflow}, {ie("reversePacketDeltaCount"), 8, kBiflow},
    {ie("sourceIPv4Address"), 4, 0}, {ie("destinationIPv4Address"), 4, 0},
    {ie("sourceTransportPort"), 2, 0}, {ie("destinationTransportPort"), 2, 0}, {ie("vlanId"), 2, 0},
    {ie("icmpTypeCodeIPv4"), 2, 0},
    {ie("protocolIdentifier"), 1, 0}, {ie("tcpControlBits"), 1, 0}, {ie("flowEndReason"), 1, 0},
    {ie("paddingOctets"), 5, kInternalOnly}, FB_IESPEC_NULL};
fbInfoElementSpec_t kSpec6[] = {
    {ie("flowStartMilliseconds"), 8, 0}, {ie("flowEndMilliseconds"), 8, 0},
    {ie("flowStartNanoseconds"), 8, kNanos}, {ie("flowEndNanoseconds"), 8, kNanos},
    {ie("octetDeltaCount"), 8, 0}, {ie("packetDeltaCount"), 8, 0},
    {ie("reverseOctetDeltaCount"), 8, kBiflow}, {ie("reversePacketDeltaCount"), 8, kBiflow},
    {ie("sourceIPv6Address"), 16, 0}, {ie("destinationIPv6Address"), 16, 0},
    {ie("sourceTransportPort"), 2, 0}, {ie("destinationTransportPort"), 2, 0}, {ie("vlanId"), 2, 0},
    {ie("icmpTypeCodeIPv6"), 2, 0},
    {ie("protocolIdentifier"), 1, 0}, {ie("tcpControlBits"), 1, 0}, {ie("flowEndReason"), 1, 0},
    {ie("paddingOctets"), 5, kInternalOnly}, FB_IESPEC_NULL};

constexpr std::uint16_t kTid4 = 256;
constexpr std::uint16_t kTid6 = 257;

// dateTimeNanoseconds as libfixbuf holds it: NTP format, seconds since 1900 in the high word.
std::uint64_t ntp(Timestamp ns) {
  const std::uint64_t secs = static_cast<std::uint64_t>(ns / kNanosPerSecond) + 2'208'988'800ULL;
  const std::uint64_t frac = (static_cast<std::uint64_t>(ns % kNanosPerSecond) << 32) / 1'000'000'000ULL;
  return (secs << 32) | frac;
}

std::string take_error(GError*& err) {
  std::string s = err != nullptr ? err->message : "unknown libfixbuf error";
  if (err != nullptr) g_clear_error(&err);
  return s;
}

class IpfixExporter : public FlowExporter {
 public:
  IpfixExporter(std::string name, const ExportOptions& o, bool udp, std::function<fbExporter_t*()> make_exporter)
      : name_(std::move(name)), options_(o), udp_(udp), make_exporter_(std::move(make_exporter)),
        pacer_(clock_, o.realtime ? o.multiplier : 1.0) {
    per_message_ = udp ? 12 : 64;  // stay under libfixbuf's message limits (UDP 1420, TCP 8192 bytes)
    model_ = fbInfoModelAlloc();
    open();
  }
  ~IpfixExporter() override {
    if (fbuf_ != nullptr) fBufFree(fbuf_);
    fbInfoModelFree(model_);
  }

  void write(const FlowRecord& r) override {
    if (options_.realtime) {  // leave when the flow ended, in trace time
      emit();
      pacer_.wait(r.end);
    }
    if (options_.biflow || r.packets_rev == 0) {
      append(r, false, true);
    } else {
      append(r, false, false);
      append(r, true, false);
    }
  }

  void finish() override {
    emit();
    if (fbuf_ != nullptr) {
      fBufFree(fbuf_);  // closes the socket or file
      fbuf_ = nullptr;
    }
  }
  [[nodiscard]] ExportStats stats() const override { return stats_; }
  [[nodiscard]] std::string describe() const override { return "IPFIX to " + name_; }

 private:
  void open() {
    GError* err = nullptr;
    fbSession_t* session = fbSessionAlloc(model_);
    fbSessionSetDomain(session, options_.domain_id);
    const std::uint32_t mask = (options_.nanoseconds ? kNanos : 0) | (options_.biflow ? kBiflow : 0);
    for (auto [tid, spec] : {std::pair{kTid4, kSpec4}, std::pair{kTid6, kSpec6}}) {
      fbTemplate_t* internal = fbTemplateAlloc(model_);
      fbTemplate_t* external = fbTemplateAlloc(model_);
      if (!fbTemplateAppendSpecArray(internal, spec, UINT32_MAX, &err) ||
          !fbTemplateAppendSpecArray(external, spec, mask, &err) ||
          fbSessionAddTemplate(session, TRUE, tid, internal, &err) == 0 ||
          fbSessionAddTemplate(session, FALSE, tid, external, &err) == 0) {
        throw IoError(name_, "libfixbuf templates: " + take_error(err), 0);
      }
    }
    fbExporter_t* exporter = make_exporter_();
    fbuf_ = fBufAllocForExport(session, exporter);
    if (!fbSessionExportTemplates(session, &err)) throw IoError(name_, "IPFIX templates: " + take_error(err), 0);
    session_ = session;
    current_tid_ = 0;
  }

  void append(const FlowRecord& r, bool reverse, bool with_reverse_counters) {
    if (options_.rate > 0) {
      pacer_.wait(static_cast<Timestamp>(static_cast<double>(appended_) * 1e9 / options_.rate));
    }
    GError* err = nullptr;
    const bool v6 = r.src.is_v6();
    const std::uint16_t tid = v6 ? kTid6 : kTid4;
    if (tid != current_tid_) {
      if (!fBufSetInternalTemplate(fbuf_, tid, &err) || !fBufSetExportTemplate(fbuf_, tid, &err)) {
        throw IoError(name_, "IPFIX template switch: " + take_error(err), 0);
      }
      current_tid_ = tid;
    }
    const IpAddress& src = reverse ? r.dst : r.src;
    const IpAddress& dst = reverse ? r.src : r.dst;
    auto fill = [&](auto& rec) {
      std::memset(&rec, 0, sizeof rec);
      rec.start_ms = static_cast<std::uint64_t>(r.start / kNanosPerMilli);
      rec.end_ms = static_cast<std::uint64_t>(r.end / kNanosPerMilli);
      rec.start_ns = ntp(r.start);
      rec.end_ns = ntp(r.end);
      rec.octets = reverse ? r.bytes_rev : r.bytes;
      rec.packets = reverse ? r.packets_rev : r.packets;
      if (with_reverse_counters) {
        rec.rev_octets = r.bytes_rev;
        rec.rev_packets = r.packets_rev;
      }
      if (r.l4_proto == 1 || r.l4_proto == 58) {  // ICMP: no ports; type and code in icmpTypeCode
        rec.icmp_type_code = icmp_type_code(r, reverse);
      } else {
        rec.src_port = reverse ? r.dst_port : r.src_port;
        rec.dst_port = reverse ? r.src_port : r.dst_port;
      }
      rec.vlan = r.vlan;
      rec.proto = r.l4_proto;
      rec.flags = reverse ? r.tcp_flags_rev : r.tcp_flags;
      rec.end_reason = r.end_reason;
    };
    gboolean ok;
    if (v6) {
      Rec6 rec;
      fill(rec);
      std::memcpy(rec.src, src.data(), 16);
      std::memcpy(rec.dst, dst.data(), 16);
      if (!udp_) copies_.emplace_back(tid, std::vector<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&rec), reinterpret_cast<std::uint8_t*>(&rec) + sizeof rec));
      ok = fBufAppend(fbuf_, reinterpret_cast<std::uint8_t*>(&rec), sizeof rec, &err);
    } else {
      Rec4 rec;
      fill(rec);
      rec.src = src.v4_host_order();
      rec.dst = dst.v4_host_order();
      if (!udp_) copies_.emplace_back(tid, std::vector<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&rec), reinterpret_cast<std::uint8_t*>(&rec) + sizeof rec));
      ok = fBufAppend(fbuf_, reinterpret_cast<std::uint8_t*>(&rec), sizeof rec, &err);
    }
    ++appended_;
    ++pending_;
    if (!ok) {
      try {
        fail(err);
      } catch (const Retried&) {
        return;
      }
    }
    if (pending_ == per_message_) emit();
    // UDP has no session: resend the templates now and then for a collector that (re)started.
    if (udp_ && stats_.messages > 0 && stats_.messages % options_.template_every == 0 && pending_ == 0) {
      if (!fbSessionExportTemplates(session_, &err)) fail(err);
    }
  }

  // Emits the open message; its records count as sent only once libfixbuf has written them.
  void emit() {
    if (pending_ == 0) return;
    GError* err = nullptr;
    if (!fBufEmit(fbuf_, &err)) {
      try {
        fail(err);
      } catch (const Retried&) {
        return;
      }
    }
    stats_.records_sent += pending_;
    ++stats_.messages;
    pending_ = 0;
    copies_.clear();
  }

  // A TCP collector that refused or dropped the connection gets bounded retries with backoff
  // (0.1 s doubling, 5 tries): a new connection, the templates again, then the records of the
  // message that failed. UDP and files fail at once. Only records libfixbuf wrote count as sent.
  [[noreturn]] void fail(GError*& err) {
    std::string why = take_error(err);
    if (udp_ || !retrying_allowed_) {
      stats_.records_dropped += pending_;
      pending_ = 0;
      throw IoError(name_, "IPFIX export failed: " + why, 0);
    }
    for (int attempt = 0; attempt < kRetries; ++attempt) {
      ++stats_.retries;
      struct timespec ts {0, (100'000'000L << attempt) % 1'000'000'000L};
      ts.tv_sec = (100'000'000L << attempt) / 1'000'000'000L;
      nanosleep(&ts, nullptr);
      if (reconnect_and_resend(why)) throw Retried{};
    }
    stats_.records_dropped += pending_;
    pending_ = 0;
    throw IoError(name_, "IPFIX export failed after " + std::to_string(kRetries) + " retries: " + why, 0);
  }

  struct Retried {};  // unwinds to the caller of a failed libfixbuf call after a good resend

  bool reconnect_and_resend(std::string& why) {
    if (fbuf_ != nullptr) fBufFree(fbuf_);
    fbuf_ = nullptr;
    try {
      open();
    } catch (const IoError& e) {
      why = e.what();
      return false;
    }
    GError* err = nullptr;
    for (const auto& [tid, bytes] : copies_) {
      if (tid != current_tid_) {
        if (!fBufSetInternalTemplate(fbuf_, tid, &err) || !fBufSetExportTemplate(fbuf_, tid, &err)) {
          why = take_error(err);
          return false;
        }
        current_tid_ = tid;
      }
      if (!fBufAppend(fbuf_, const_cast<std::uint8_t*>(bytes.data()), bytes.size(), &err)) {
        why = take_error(err);
        return false;
      }
    }
    if (!fBufEmit(fbuf_, &err)) {
      why = take_error(err);
      return false;
    }
    stats_.records_sent += pending_;
    ++stats_.messages;
    pending_ = 0;
    copies_.clear();
    return true;
  }

  static constexpr int kRetries = 5;
  bool retrying_allowed_ = true;
  std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> copies_;  // records of the open message

  std::string name_;
  ExportOptions options_;
  bool udp_;
  std::function<fbExporter_t*()> make_exporter_;
  MonotonicClock clock_;
  Pacer pacer_;
  fbInfoModel_t* model_ = nullptr;
  fbSession_t* session_ = nullptr;
  fBuf_t* fbuf_ = nullptr;
  std::uint16_t current_tid_ = 0;
  std::uint32_t per_message_ = 64;
  std::uint32_t pending_ = 0;
  std::uint64_t appended_ = 0;
  ExportStats stats_;
};

}  // namespace

std::unique_ptr<FlowExporter> make_ipfix_exporter(const CollectorAddress& to, const ExportOptions& options) {
  const bool udp = to.transport == CollectorAddress::Transport::kUdp;
  auto host = std::make_shared<std::string>(to.host);
  auto port = std::make_shared<std::string>(to.port);
  return std::make_unique<IpfixExporter>(to.to_string(), options, udp, [udp, host, port]() {
    fbConnSpec_t spec = FB_CONNSPEC_INIT;
    spec.transport = udp ? FB_UDP : FB_TCP;  // the default would be SCTP
    spec.host = host->data();
    spec.svc = port->data();
    return fbExporterAllocNet(&spec);
  });
}

std::unique_ptr<FlowExporter> make_ipfix_file_exporter(const std::string& path, const ExportOptions& options) {
  {  // libfixbuf opens the file lazily; check it can be written now, for a clear error.
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw IoError(path, "cannot open for writing", errno);
    std::fclose(f);
  }
  auto p = std::make_shared<std::string>(path);
  return std::make_unique<IpfixExporter>(path, options, false, [p]() { return fbExporterAllocFile(p->c_str()); });
}

}  // namespace flowreplay
