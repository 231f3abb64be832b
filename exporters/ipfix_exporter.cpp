// SPDX-License-Identifier: MIT
// IPFIX (RFC 7011) through libfixbuf: over UDP, TCP or to a file. One internal template per
// address family mirrors the C structs below; the external templates carry what the options ask
// for (millisecond times always, since nfdump maps only those; nanosecond times and RFC 5103
// reverse counters on request). See shared/specs/ipfix.md section 2 for libfixbuf's behaviour.
// Over TCP, libfixbuf encodes into memory and TcpMessageSender sends, so that only what the
// collector acknowledged counts as sent.
#include <fixbuf/public.h>

#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "flowreplay/errors.hpp"
#include "flowreplay/flow_exporter.hpp"
#include "flowreplay/pacer.hpp"
#include "flowreplay/tcp_message_sender.hpp"

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

// One IPFIX record as appended, kept until the collector acknowledged the message holding it,
// so that a new TCP connection can send it again.
struct StoredRecord {
  alignas(8) std::uint8_t bytes[sizeof(Rec6)];
  std::uint16_t tid;
  std::uint16_t size;
};

// libfixbuf encodes; the messages go out through libfixbuf's own exporter (UDP, file) or, over TCP,
// through a TcpMessageSender, which counts a record as sent once the collector's TCP acknowledged
// it (docs/export.md, "Faults").
class IpfixExporter : public FlowExporter {
 public:
  enum class Transport { kUdp, kTcp, kFile };

  IpfixExporter(std::string name, const ExportOptions& o, Transport transport, std::function<fbExporter_t*()> make_exporter,
                std::optional<CollectorAddress> tcp_to)
      : name_(std::move(name)), options_(o), transport_(transport), make_exporter_(std::move(make_exporter)),
        tcp_to_(std::move(tcp_to)), pacer_(clock_, o.realtime ? o.multiplier : 1.0) {
    // Stay under libfixbuf's message limits (UDP 1420 bytes) and keep TCP messages near 8 KiB.
    per_message_ = transport == Transport::kUdp ? 12 : 64;
    if (transport_ == Transport::kTcp) {
      message_.resize(kMaxMessage);
      connect_with_retries();
    }
    open();
    if (transport_ == Transport::kTcp && !send_templates()) recover();
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
    if (tcp_) {
      while (!tcp_->finish()) recover();  // the collector went away before acknowledging everything
      acknowledge();
    }
    fbuf_.reset();  // closes the UDP socket or the file
    tcp_.reset();
  }
  [[nodiscard]] ExportStats stats() const override { return stats_; }
  [[nodiscard]] std::string describe() const override { return "IPFIX to " + name_; }

 private:
  static constexpr std::size_t kMaxMessage = 65535;  // IPFIX's 16-bit message length
  static constexpr int kRetries = 5;

  // A new libfixbuf session (sequence numbers from 0) whose first message carries the templates.
  void open() {
    GError* err = nullptr;
    fbuf_.reset();
    fbSession_t* session = fbSessionAlloc(model_.get());
    fbSessionSetDomain(session, options_.domain_id);
    const std::uint32_t mask = (options_.nanoseconds ? kNanos : 0) | (options_.biflow ? kBiflow : 0);
    for (auto [tid, spec] : {std::pair{kTid4, kSpec4}, std::pair{kTid6, kSpec6}}) {
      fbTemplate_t* internal = fbTemplateAlloc(model_.get());
      fbTemplate_t* external = fbTemplateAlloc(model_.get());
      if (!fbTemplateAppendSpecArray(internal, spec, UINT32_MAX, &err) ||
          !fbTemplateAppendSpecArray(external, spec, mask, &err) ||
          fbSessionAddTemplate(session, TRUE, tid, internal, &err) == 0 ||
          fbSessionAddTemplate(session, FALSE, tid, external, &err) == 0) {
        throw IoError(name_, "libfixbuf templates: " + take_error(err), 0);
      }
    }
    if (transport_ == Transport::kTcp) {
      buffer_exporter_ = fbExporterAllocBuffer(message_.data(), static_cast<std::uint16_t>(message_.size()));
      fbuf_.reset(fBufAllocForExport(session, buffer_exporter_));
    } else {
      fbuf_.reset(fBufAllocForExport(session, make_exporter_()));
    }
    if (!fbSessionExportTemplates(session, &err)) throw IoError(name_, "IPFIX templates: " + take_error(err), 0);
    session_ = session;
    current_tid_ = 0;
  }

  // Over TCP the templates go in a message of their own, and from then on libfixbuf emits only
  // when asked (a full message would otherwise overwrite message_ unseen). False when the
  // connection is gone.
  bool send_templates() {
    GError* err = nullptr;
    if (!fBufEmit(fbuf_.get(), &err)) fail(err);
    fBufSetAutomaticMode(fbuf_.get(), FALSE);
    return tcp_->send({message_.data(), fbExporterGetMsgLen(buffer_exporter_)}, 0);
  }

  void append(const FlowRecord& r, bool reverse, bool with_reverse_counters) {
    if (options_.rate > 0) {
      pacer_.wait(static_cast<Timestamp>(static_cast<double>(appended_) * 1e9 / options_.rate));
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
    StoredRecord stored;
    if (r.src.is_v6()) {
      Rec6 rec;
      fill(rec);
      std::memcpy(rec.src, src.data(), 16);
      std::memcpy(rec.dst, dst.data(), 16);
      std::memcpy(stored.bytes, &rec, sizeof rec);
      stored.tid = kTid6;
      stored.size = sizeof rec;
    } else {
      Rec4 rec;
      fill(rec);
      rec.src = src.v4_host_order();
      rec.dst = dst.v4_host_order();
      std::memcpy(stored.bytes, &rec, sizeof rec);
      stored.tid = kTid4;
      stored.size = sizeof rec;
    }
    ++appended_;
    if (tcp_) unacked_.push_back(stored);
    GError* err = nullptr;
    if (!encode(stored, err)) fail(err);
    ++pending_;
    if (pending_ == per_message_) emit();
    // UDP has no session: resend the templates now and then for a collector that (re)started.
    if (transport_ == Transport::kUdp && stats_.messages > 0 && stats_.messages % options_.template_every == 0 &&
        pending_ == 0) {
      if (!fbSessionExportTemplates(session_, &err)) fail(err);
    }
  }

  bool encode(StoredRecord& rec, GError*& err) {
    if (rec.tid != current_tid_) {
      if (!fBufSetInternalTemplate(fbuf_.get(), rec.tid, &err) || !fBufSetExportTemplate(fbuf_.get(), rec.tid, &err)) {
        return false;
      }
      current_tid_ = rec.tid;
    }
    if (fBufAppend(fbuf_.get(), rec.bytes, rec.size, &err) != 0) return true;
    // In manual mode libfixbuf answers the first record after a template export with "end of
    // message" once, to close the template message we already emitted; the retry goes through.
    if (transport_ != Transport::kTcp || !g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM)) return false;
    g_clear_error(&err);
    return fBufAppend(fbuf_.get(), rec.bytes, rec.size, &err) != 0;
  }

  // Closes the open message. Over UDP and to a file its records count as sent once libfixbuf has
  // written them; over TCP once the collector has acknowledged them.
  void emit() {
    if (pending_ == 0) return;
    GError* err = nullptr;
    if (!fBufEmit(fbuf_.get(), &err)) fail(err);
    const std::uint32_t records = pending_;
    pending_ = 0;
    if (!tcp_) {
      stats_.records_sent += records;
      ++stats_.messages;
      return;
    }
    if (!tcp_->send({message_.data(), fbExporterGetMsgLen(buffer_exporter_)}, records)) {
      recover();
      return;
    }
    acknowledge();
  }

  // Counts and forgets the records the collector acknowledged.
  void acknowledge() {
    const std::uint64_t before = tcp_->acknowledged_messages();
    const std::uint64_t records = tcp_->take_acknowledged();
    stats_.messages += tcp_->acknowledged_messages() - before;
    stats_.records_sent += records;
    unacked_.erase(unacked_.begin(), unacked_.begin() + static_cast<std::ptrdiff_t>(records));
  }

  [[noreturn]] void fail(GError*& err) {
    const std::string why = take_error(err);
    stats_.records_dropped += tcp_ ? unacked_.size() : pending_;
    pending_ = 0;
    unacked_.clear();
    throw IoError(name_, "IPFIX export failed: " + why, 0);
  }

  // The TCP connection is gone: count what the collector acknowledged, then up to kRetries new
  // connections with backoff (0.1 s doubling), each resending, in a new session after the
  // templates, every record not acknowledged. The budget starts again once a resend gets through
  // to an acknowledgement; when it is spent, the rest are dropped and the export fails.
  void recover() {
    acknowledge();
    const std::string why = tcp_->reason();
    if (stats_.records_sent > sent_at_last_failure_ || first_failure_) retries_left_ = kRetries;
    first_failure_ = false;
    sent_at_last_failure_ = stats_.records_sent;
    tcp_.reset();
    std::string last = why;
    while (retries_left_ > 0) {
      --retries_left_;
      ++stats_.retries;
      backoff(kRetries - retries_left_ - 1);
      try {
        tcp_ = std::make_unique<TcpMessageSender>(*tcp_to_, TcpMessageSender::Options{});
      } catch (const IoError& e) {
        last = connect_failure(e);
        continue;
      }
      if (resend()) return;
      acknowledge();
      last = tcp_->reason();
      tcp_.reset();
    }
    stats_.records_dropped += unacked_.size();
    unacked_.clear();
    pending_ = 0;
    throw IoError(name_, "IPFIX export failed: " + why + "; " + std::to_string(kRetries) +
                             " retries did not get through (last: " + last + ")", 0);
  }

  static std::string connect_failure(const IoError& e) {
    return e.error_number() != 0 ? std::string("cannot connect: ") + std::strerror(e.error_number()) : e.what();
  }

  // Every unacknowledged record again, in a new session's messages on the new connection.
  bool resend() {
    open();
    if (!send_templates()) return false;
    GError* err = nullptr;
    std::uint32_t in_message = 0;
    for (std::size_t i = 0; i < unacked_.size(); ++i) {
      if (!encode(unacked_[i], err)) fail(err);
      if (++in_message == per_message_ || i + 1 == unacked_.size()) {
        if (!fBufEmit(fbuf_.get(), &err)) fail(err);
        if (!tcp_->send({message_.data(), fbExporterGetMsgLen(buffer_exporter_)}, in_message)) return false;
        in_message = 0;
      }
    }
    pending_ = 0;
    return true;
  }

  static void backoff(int attempt) {
    const long ns = 100'000'000L << attempt;
    struct timespec ts {ns / 1'000'000'000L, ns % 1'000'000'000L};
    nanosleep(&ts, nullptr);
  }

  // The first connection: the same retries as a dropped one, then a clear error before any work.
  void connect_with_retries() {
    int last = 0;
    for (int attempt = 0; attempt <= kRetries; ++attempt) {
      if (attempt > 0) backoff(attempt - 1);
      try {
        tcp_ = std::make_unique<TcpMessageSender>(*tcp_to_, TcpMessageSender::Options{});
        return;
      } catch (const IoError& e) {
        if (e.error_number() == 0) throw;  // a name that does not resolve will not start to
        last = e.error_number();
      }
    }
    throw IoError(name_, "cannot connect, " + std::to_string(kRetries) + " retries with backoff", last);
  }

  std::string name_;
  ExportOptions options_;
  Transport transport_;
  std::function<fbExporter_t*()> make_exporter_;
  std::optional<CollectorAddress> tcp_to_;
  MonotonicClock clock_;
  Pacer pacer_;
  struct ModelFree {
    void operator()(fbInfoModel_t* m) const { fbInfoModelFree(m); }
  };
  struct BufFree {  // the session and the exporter with it
    void operator()(fBuf_t* b) const { fBufFree(b); }
  };
  std::unique_ptr<fbInfoModel_t, ModelFree> model_{fbInfoModelAlloc()};  // outlives fbuf_
  fbSession_t* session_ = nullptr;
  std::unique_ptr<fBuf_t, BufFree> fbuf_;
  std::uint16_t current_tid_ = 0;
  std::uint32_t per_message_ = 64;
  std::uint32_t pending_ = 0;  // records in the open message
  std::uint64_t appended_ = 0;
  ExportStats stats_;

  // TCP only.
  std::unique_ptr<TcpMessageSender> tcp_;
  fbExporter_t* buffer_exporter_ = nullptr;  // owned by fbuf_
  std::vector<std::uint8_t> message_;         // where libfixbuf puts each message
  std::deque<StoredRecord> unacked_;          // sent and not acknowledged, then the open message's
  int retries_left_ = kRetries;
  bool first_failure_ = true;
  std::uint64_t sent_at_last_failure_ = 0;
};

}  // namespace

std::unique_ptr<FlowExporter> make_ipfix_exporter(const CollectorAddress& to, const ExportOptions& options) {
  if (to.transport == CollectorAddress::Transport::kTcp) {
    return std::make_unique<IpfixExporter>(to.to_string(), options, IpfixExporter::Transport::kTcp, nullptr, to);
  }
  auto host = std::make_shared<std::string>(to.host);
  auto port = std::make_shared<std::string>(to.port);
  return std::make_unique<IpfixExporter>(to.to_string(), options, IpfixExporter::Transport::kUdp, [host, port]() {
    fbConnSpec_t spec = FB_CONNSPEC_INIT;
    spec.transport = FB_UDP;  // the default would be SCTP
    spec.host = host->data();
    spec.svc = port->data();
    return fbExporterAllocNet(&spec);
  }, std::nullopt);
}

std::unique_ptr<FlowExporter> make_ipfix_file_exporter(const std::string& path, const ExportOptions& options) {
  {  // libfixbuf opens the file lazily; check it can be written now, for a clear error.
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw IoError(path, "cannot open for writing", errno);
    std::fclose(f);
  }
  auto p = std::make_shared<std::string>(path);
  return std::make_unique<IpfixExporter>(path, options, IpfixExporter::Transport::kFile,
                                         [p]() { return fbExporterAllocFile(p->c_str()); }, std::nullopt);
}

}  // namespace flowreplay
