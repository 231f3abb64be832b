// SPDX-License-Identifier: MIT
// IPFIX (RFC 7011) through libfixbuf: over UDP, TCP or to a file. The templates are those of
// info_elements.cpp, one per address family: the internal one holds every field (the record
// bytes below are laid out in its order), the external one what the options ask for
// (millisecond times always, since nfdump maps only those; nanosecond times and RFC 5103 reverse
// counters on request).
// Over TCP, libfixbuf encodes into memory and TcpMessageSender sends, so that only what the
// collector acknowledged counts as sent.
#include <fixbuf/public.h>

#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/exporters/flow_exporter.hpp"
#include "flowreplay/exporters/info_elements.hpp"
#include "flowreplay/io/output_file.hpp"
#include "flowreplay/net/udp_socket.hpp"
#include "flowreplay/net/tcp_message_sender.hpp"

namespace flowreplay {

namespace {

// libfixbuf's spec array for a template: every field, NUL-terminated, with the feature bits of
// info_elements.hpp as libfixbuf's spec flags (a template built with a flag mask keeps the fields
// whose flags are all in the mask).
std::vector<fbInfoElementSpec_t> spec_of(std::span<const TemplateField> fields) {
  std::vector<fbInfoElementSpec_t> spec;
  for (const TemplateField& f : fields) {
    const InfoElement& e = info_element(f.ie);
    // fbInfoElementSpec_t takes char*; libfixbuf only reads the name.
    spec.push_back({const_cast<char*>(e.ipfix_name.data()), e.length, f.when});
  }
  spec.push_back(FB_IESPEC_NULL);
  return spec;
}

constexpr std::size_t kMaxRecord = 112;  // bytes of the IPv6 internal record, the larger one

// libfixbuf logs through GLib; its lines follow the command's -q like every other line.
void route_glib_messages(bool quiet) {
  g_log_set_default_handler(
      [](const gchar* domain, GLogLevelFlags /*level*/, const gchar* message, gpointer quiet_flag) {
        if (quiet_flag != nullptr) return;
        std::fprintf(stderr, "flowreplay: %s: %s\n", domain != nullptr ? domain : "libfixbuf", message);
      },
      quiet ? reinterpret_cast<gpointer>(1) : nullptr);
}

std::string take_error(GError*& err) {
  std::string s = err != nullptr ? err->message : "unknown libfixbuf error";
  if (err != nullptr) g_clear_error(&err);
  return s;
}

// One IPFIX record as appended, kept until the collector acknowledged the message holding it,
// so that a new TCP connection can send it again.
struct StoredRecord {
  alignas(8) std::uint8_t bytes[kMaxRecord];
  std::uint16_t tid;
  std::uint16_t size;
};

// libfixbuf encodes; the messages go out through libfixbuf's own exporter (UDP, file) or, over TCP,
// through a TcpMessageSender, which counts a record as sent once the collector's TCP acknowledged
// it (docs/export.md, "Faults").
class IpfixExporter : public FlowExporter {
 public:
  enum class Transport { kUdp, kTcp, kFile };

  // `to` names the collector (UDP, TCP); a file exporter writes to `name`.
  IpfixExporter(std::string name, const ExportOptions& o, Transport transport, std::optional<CollectorAddress> to)
      : name_(std::move(name)), options_(o), transport_(transport), to_(std::move(to)) {
    route_glib_messages(o.quiet);
    for (const bool v6 : {false, true}) {
      spec_[v6] = spec_of(ipfix_template(v6));
      if (record_length(ipfix_template(v6), UINT32_MAX) > kMaxRecord) throw std::logic_error("IPFIX record too long");
    }
    // Stay within one UDP datagram of a 1500-byte MTU, and keep TCP and file messages near 8 KiB.
    per_message_ = transport == Transport::kUdp ? 12 : 64;
    message_.resize(transport == Transport::kUdp ? kUdpMessage : kMaxMessage);
    if (transport_ == Transport::kTcp) {
      connect_with_retries();
    } else if (transport_ == Transport::kUdp) {
      udp_ = std::make_unique<UdpSocket>(*to_, options_.multicast_ttl);
    } else {
      file_ = std::make_unique<OutputFile>(name_, std::size_t{1} << 20, options_.partial_files);
    }
    // The session and its templates start with the first record, so that their message has the
    // first record's export time.
  }

  void write(const FlowRecord& r) override {
    newest_end_ = std::max(newest_end_, r.end);
    start_session();
    if (options_.biflow || r.packets_rev == 0) {
      append(r, false, true);
    } else {
      append(r, false, false);
      append(r, true, false);
    }
  }

  void flush() override { emit(); }

  [[nodiscard]] std::uint32_t records_for(const FlowRecord& r) const override {
    return options_.biflow || r.packets_rev == 0 ? 1 : 2;
  }

  void finish() override {
    start_session();  // an export without records still carries its templates
    emit();
    if (tcp_) {
      while (!tcp_->finish()) recover();  // the collector went away before acknowledging everything
      acknowledge();
    }
    if (file_) guard_file([&] { file_->close(); });  // IoError when any byte did not reach the file
    fbuf_.reset();
    tcp_.reset();
    udp_.reset();
  }
  [[nodiscard]] ExportStats stats() const override { return stats_; }
  [[nodiscard]] std::string describe() const override { return "IPFIX to " + name_; }

 private:
  static constexpr std::size_t kMaxMessage = 65535;  // IPFIX's 16-bit message length
  static constexpr std::size_t kUdpMessage = 1420;   // one datagram within a 1500-byte MTU
  static constexpr int kRetries = 5;

  void start_session() {
    if (session_ != nullptr) return;
    open();
    if (transport_ == Transport::kTcp && !send_templates()) recover();
  }

  // The export time of the message that starts next (RFC 7011 section 3.1), epoch seconds.
  void stamp_next_message() {
    Timestamp t = options_.clock != nullptr ? options_.clock->now() : newest_end_;
    const auto secs = static_cast<std::uint32_t>((t + kNanosPerSecond - 1) / kNanosPerSecond);
    fBufSetExportTime(fbuf_.get(), secs == 0 ? 1 : secs);  // 0 would ask libfixbuf for the wall clock
  }

  // A new libfixbuf session (sequence numbers from 0) whose first message carries the templates.
  void open() {
    GError* err = nullptr;
    fbuf_.reset();
    fbSession_t* session = fbSessionAlloc(model_.get());
    fbSessionSetDomain(session, options_.domain_id);
    const std::uint32_t mask = (options_.nanoseconds ? kFieldNanoseconds : 0) | (options_.biflow ? kFieldBiflow : 0);
    for (const bool v6 : {false, true}) {
      const std::uint16_t tid = v6 ? kTemplateIdIpv6 : kTemplateIdIpv4;
      fbTemplate_t* internal = fbTemplateAlloc(model_.get());
      fbTemplate_t* external = fbTemplateAlloc(model_.get());
      if (!fbTemplateAppendSpecArray(internal, spec_[v6].data(), UINT32_MAX, &err) ||
          !fbTemplateAppendSpecArray(external, spec_[v6].data(), mask, &err) ||
          fbSessionAddTemplate(session, TRUE, tid, internal, &err) == 0 ||
          fbSessionAddTemplate(session, FALSE, tid, external, &err) == 0) {
        throw IoError(name_, "libfixbuf templates: " + take_error(err), 0);
      }
    }
    // libfixbuf encodes each message into message_; flowreplay sends or writes it (emit()).
    buffer_exporter_ = fbExporterAllocBuffer(message_.data(), static_cast<std::uint16_t>(message_.size()));
    fbuf_.reset(fBufAllocForExport(session, buffer_exporter_));
    stamp_next_message();
    if (!fbSessionExportTemplates(session, &err)) throw IoError(name_, "IPFIX templates: " + take_error(err), 0);
    session_ = session;
    current_tid_ = 0;
    if (transport_ != Transport::kTcp) {
      // The templates go out with the first records; messages end only when emit() says so.
      fBufSetAutomaticMode(fbuf_.get(), FALSE);
      templates_pending_ = true;
    }
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
    const bool v6 = r.src.is_v6();
    StoredRecord stored;
    stored.tid = v6 ? kTemplateIdIpv6 : kTemplateIdIpv4;
    const RecordSide side{r, reverse, with_reverse_counters, 0};
    // The internal template: every field, in host byte order as libfixbuf reads it.
    stored.size = static_cast<std::uint16_t>(encode_record(ipfix_template(v6), side, ByteOrder::kHost, stored.bytes));
    if (pending_ == 0) stamp_next_message();
    if (tcp_) unacked_.push_back(stored);
    GError* err = nullptr;
    if (!encode(stored, err)) fail(err);
    ++pending_;
    if (pending_ == per_message_) emit();
    // UDP has no session: resend the templates now and then for a collector that (re)started.
    if (transport_ == Transport::kUdp && stats_.messages > 0 && stats_.messages % options_.template_every == 0 &&
        pending_ == 0) {
      stamp_next_message();
      // In manual mode libfixbuf exports templates only at the start of a message it began
      // itself: let it begin one, then take control again.
      fBufSetAutomaticMode(fbuf_.get(), TRUE);
      const bool exported = fbSessionExportTemplates(session_, &err) != 0;
      fBufSetAutomaticMode(fbuf_.get(), FALSE);
      if (!exported) fail(err);
      templates_pending_ = true;
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
    if (!g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM)) return false;
    g_clear_error(&err);
    // Over TCP libfixbuf answers the first record after a template export with "end of message"
    // once, to close the template message we already emitted. Otherwise the message is full: it
    // goes out, and the record starts the next one.
    if (transport_ != Transport::kTcp) emit();
    return fBufAppend(fbuf_.get(), rec.bytes, rec.size, &err) != 0;
  }

  // Closes the open message and sends it. Over UDP its records count as sent once the kernel took
  // the datagram (a send error, such as an ICMP port unreachable reported back, drops them); to a
  // file once written; over TCP once the collector has acknowledged them.
  void emit() {
    if (pending_ == 0 && !templates_pending_) return;
    GError* err = nullptr;
    if (!fBufEmit(fbuf_.get(), &err)) fail(err);
    const std::uint32_t records = pending_;
    pending_ = 0;
    templates_pending_ = false;
    const std::span<const std::uint8_t> message{message_.data(), fbExporterGetMsgLen(buffer_exporter_)};
    if (udp_) {
      ++stats_.messages;
      if (udp_->send(message)) {
        stats_.records_sent += records;
      } else {
        stats_.records_dropped += records;
      }
      return;
    }
    if (file_) {
      in_buffer_.push_back({file_->bytes() + message.size(), records});
      guard_file([&] { file_->write(message.data(), message.size()); });
      return;
    }
    if (!tcp_->send(message, records)) {
      recover();
      return;
    }
    acknowledge();
  }

  // A file's records count as sent once the file has accepted the bytes of their message; when a
  // write fails, those still buffered are dropped.
  template <typename Op>
  void guard_file(Op op) {
    try {
      op();
    } catch (const IoError&) {
      settle_file();
      for (const auto& m : in_buffer_) stats_.records_dropped += m.records;
      in_buffer_.clear();
      throw;
    }
    settle_file();
  }
  void settle_file() {
    while (!in_buffer_.empty() && in_buffer_.front().end <= file_->bytes_written()) {
      stats_.records_sent += in_buffer_.front().records;
      ++stats_.messages;
      in_buffer_.pop_front();
    }
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
    if (tcp_->closed_by() == TcpMessageSender::Closed::kTimeout) {  // a collector that stopped reading
      stats_.records_dropped += unacked_.size();
      unacked_.clear();
      pending_ = 0;
      throw IoError(name_, "IPFIX export failed: the collector stopped reading (" + why + ", --collector-timeout)", 0);
    }
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
        tcp_ = std::make_unique<TcpMessageSender>(*to_, tcp_options());
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

  [[nodiscard]] TcpMessageSender::Options tcp_options() const {
    TcpMessageSender::Options o;
    o.ack_timeout = options_.collector_timeout;
    return o;
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
        tcp_ = std::make_unique<TcpMessageSender>(*to_, tcp_options());
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
  std::optional<CollectorAddress> to_;
  std::vector<fbInfoElementSpec_t> spec_[2];  // IPv4, IPv6
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
  Timestamp newest_end_ = 0;  // of the records written so far: trace time
  ExportStats stats_;

  fbExporter_t* buffer_exporter_ = nullptr;  // owned by fbuf_
  std::vector<std::uint8_t> message_;         // where libfixbuf puts each message
  bool templates_pending_ = false;            // the open message holds templates not yet sent
  std::unique_ptr<UdpSocket> udp_;            // over UDP
  std::unique_ptr<OutputFile> file_;          // to a file
  struct Buffered {
    std::uint64_t end;  // file offset just past the message
    std::uint32_t records;
  };
  std::deque<Buffered> in_buffer_;  // messages handed to file_ and not yet written out

  // TCP only.
  std::unique_ptr<TcpMessageSender> tcp_;
  std::deque<StoredRecord> unacked_;          // sent and not acknowledged, then the open message's
  int retries_left_ = kRetries;
  bool first_failure_ = true;
  std::uint64_t sent_at_last_failure_ = 0;
};

}  // namespace

std::unique_ptr<FlowExporter> make_ipfix_exporter(const CollectorAddress& to, const ExportOptions& options) {
  const auto transport = to.transport == CollectorAddress::Transport::kTcp ? IpfixExporter::Transport::kTcp
                                                                            : IpfixExporter::Transport::kUdp;
  return std::make_unique<IpfixExporter>(to.to_string(), options, transport, to);
}

std::unique_ptr<FlowExporter> make_ipfix_file_exporter(const std::string& path, const ExportOptions& options) {
  return std::make_unique<IpfixExporter>(path, options, IpfixExporter::Transport::kFile, std::nullopt);
}

}  // namespace flowreplay
