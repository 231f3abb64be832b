// SPDX-License-Identifier: MIT
#include "flowreplay/replay/interface_sender.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "xdp_sender.hpp"

namespace flowreplay {

const char* const kCapabilityHint =
    "sending frames needs CAP_NET_RAW: run as root, or grant it to the program with "
    "'setcap cap_net_raw,cap_net_admin+ep $(command -v flowreplay)'";

namespace {

constexpr std::size_t kArenaBytes = std::size_t{4} << 20;  // queued frames, 64 of the largest
constexpr std::size_t kAlign = 64;                         // each frame starts on a cache line

// A socket closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string interface_list() {
  std::set<std::string> names;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) names.insert(i->ifa_name);
    freeifaddrs(list);
  }
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text.empty() ? "none" : text;
}

// AF_PACKET: a raw socket bound to the interface; frames leave by sendmmsg, past the qdisc.
class AfPacketSender : public InterfaceSender {
 public:
  AfPacketSender(int fd, std::size_t batch) : InterfaceSender(batch), fd_(fd) {}
  ~AfPacketSender() override { ::close(fd_); }
  AfPacketSender(const AfPacketSender&) = delete;
  AfPacketSender& operator=(const AfPacketSender&) = delete;
  [[nodiscard]] SenderKind kind() const override { return SenderKind::kAfPacket; }

 protected:
  void send(std::span<const Frame> frames) override {
    iov_.resize(frames.size());
    msgs_.resize(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      iov_[i] = {const_cast<std::uint8_t*>(frames[i].data), frames[i].len};
      msgs_[i] = {};
      msgs_[i].msg_hdr.msg_iov = &iov_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t done = 0;
    unsigned busy = 0;  // consecutive "no buffer space" answers
    while (done < frames.size()) {
      const int n = ::sendmmsg(fd_, msgs_.data() + done, static_cast<unsigned>(frames.size() - done), 0);
      if (n > 0) {
        std::uint64_t bytes = 0;
        for (std::size_t i = done; i < done + static_cast<std::size_t>(n); ++i) bytes += frames[i].len;
        sent(static_cast<std::size_t>(n), bytes);
        done += static_cast<std::size_t>(n);
        busy = 0;
        continue;
      }
      const int err = errno;
      if (err == EINTR && !stop_requested()) continue;
      // The device queue is full: give the driver time to drain it, a bounded number of times.
      if ((err == ENOBUFS || err == EAGAIN) && ++busy < 100000 && !stop_requested()) {
        sched_yield();
        continue;
      }
      failed(err);  // this frame cannot leave: count it and go on with the next
      ++done;
      busy = 0;
    }
  }

 private:
  int fd_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> msgs_;
};

// AF_PACKET with a PACKET_TX_RING (TPACKET_V2): frames are copied into a ring shared with the
// kernel, and one send() call hands the kernel every frame marked ready; it returns once they
// have left.
class TxRingSender : public InterfaceSender {
 public:
  TxRingSender(int fd, std::uint8_t* ring, std::size_t frame_size, std::size_t frames, std::size_t batch)
      : InterfaceSender(batch), fd_(fd), ring_(ring), frame_size_(frame_size), frames_(frames) {}
  ~TxRingSender() override {
    ::munmap(ring_, frame_size_ * frames_);
    ::close(fd_);
  }
  TxRingSender(const TxRingSender&) = delete;
  TxRingSender& operator=(const TxRingSender&) = delete;
  [[nodiscard]] SenderKind kind() const override { return SenderKind::kTxRing; }

 protected:
  void send(std::span<const Frame> frames) override {
    std::size_t i = 0;
    while (i < frames.size()) {
      // Fill as many free slots as the batch and the ring allow, then let the kernel send them.
      std::size_t filled = 0;
      const std::size_t first = next_;
      while (i < frames.size() && filled < frames_) {
        auto* hdr = reinterpret_cast<tpacket2_hdr*>(ring_ + next_ * frame_size_);
        if (hdr->tp_status != TP_STATUS_AVAILABLE) break;
        const Frame& f = frames[i];
        if (f.len > frame_size_ - kData) {
          failed(EMSGSIZE);
          ++i;
          continue;
        }
        std::memcpy(reinterpret_cast<std::uint8_t*>(hdr) + kData, f.data, f.len);
        hdr->tp_len = static_cast<std::uint32_t>(f.len);
        __atomic_store_n(&hdr->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
        next_ = (next_ + 1) % frames_;
        ++filled;
        ++i;
      }
      unsigned busy = 0;
      while (::send(fd_, nullptr, 0, 0) < 0) {  // blocking: returns once the ring's frames left
        const int err = errno;
        if (err == EINTR && !stop_requested()) continue;
        if ((err == ENOBUFS || err == EAGAIN) && ++busy < 100000 && !stop_requested()) {
          sched_yield();
          continue;
        }
        failed(err);
        break;
      }
      // Every slot filled above is now sent, refused for its format, or (after an error) still
      // waiting: count each, and give the slots back.
      for (std::size_t k = 0, slot = first; k < filled; ++k, slot = (slot + 1) % frames_) {
        auto* hdr = reinterpret_cast<tpacket2_hdr*>(ring_ + slot * frame_size_);
        const unsigned status = __atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE);
        if (status == TP_STATUS_AVAILABLE) {
          sent(1, hdr->tp_len);
        } else {
          failed(status == TP_STATUS_WRONG_FORMAT ? EINVAL : EIO);
          __atomic_store_n(&hdr->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
        }
      }
      if (filled == 0 && i < frames.size()) {  // no slot came free: the kernel is stuck
        failed(EIO);
        ++i;
      }
    }
  }

 private:
  static constexpr std::size_t kData = TPACKET2_HDRLEN - sizeof(sockaddr_ll);  // where a frame's bytes go
  int fd_;
  std::uint8_t* ring_;
  std::size_t frame_size_;
  std::size_t frames_;
  std::size_t next_ = 0;
};

// libpcap's pcap_inject: one call per frame, wherever libpcap can send.
class PcapSender : public InterfaceSender {
 public:
  PcapSender(pcap_t* handle, std::size_t batch) : InterfaceSender(batch), handle_(handle) {}
  ~PcapSender() override { pcap_close(handle_); }
  PcapSender(const PcapSender&) = delete;
  PcapSender& operator=(const PcapSender&) = delete;
  [[nodiscard]] SenderKind kind() const override { return SenderKind::kPcap; }

 protected:
  void send(std::span<const Frame> frames) override {
    for (const Frame& f : frames) {
      if (pcap_inject(handle_, f.data, f.len) == static_cast<int>(f.len)) {
        sent(1, f.len);
      } else {
        failed(errno != 0 ? errno : EIO);
      }
    }
  }

 private:
  pcap_t* handle_;
};

std::unique_ptr<InterfaceSender> open_af_packet(const InterfaceInfo& in, std::size_t batch) {
  Fd fd(::socket(AF_PACKET, SOCK_RAW, 0));  // protocol 0: this socket receives nothing
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EPERM || err == EACCES) {
      throw IoError(in.name, std::string("cannot open a raw socket (") + std::strerror(err) + "); " + kCapabilityHint, 0);
    }
    throw IoError(in.name, "cannot open an AF_PACKET socket", err);
  }
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_ifindex = static_cast<int>(in.index);
  addr.sll_protocol = 0;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw IoError(in.name, "cannot bind an AF_PACKET socket to the interface", errno);
  }
  const int one = 1;
  // Past the qdisc straight to the driver, as ft-replay and pktgen send; older kernels lack it.
  static_cast<void>(::setsockopt(fd.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one));
  const int buffer = 4 << 20;
  static_cast<void>(::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer));
  return std::make_unique<AfPacketSender>(fd.release(), batch);
}

std::unique_ptr<InterfaceSender> open_tx_ring(const InterfaceInfo& in, std::size_t batch) {
  Fd fd(::socket(AF_PACKET, SOCK_RAW, 0));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EPERM || err == EACCES) {
      throw IoError(in.name, std::string("cannot open a raw socket (") + std::strerror(err) + "); " + kCapabilityHint, 0);
    }
    throw IoError(in.name, "cannot open an AF_PACKET socket", err);
  }
  const int version = TPACKET_V2;
  if (::setsockopt(fd.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    throw IoError(in.name, "PACKET_VERSION TPACKET_V2", errno);
  }
  const int one = 1;
  static_cast<void>(::setsockopt(fd.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one));
  // Slots big enough for the interface's largest frame (MTU + Ethernet header + a VLAN tag).
  std::size_t frame_size = 2048;
  while (frame_size < TPACKET2_HDRLEN + in.mtu + 18 + 4) frame_size *= 2;
  const std::size_t block_size = std::max<std::size_t>(frame_size, 65536);
  const std::size_t blocks = 32;
  tpacket_req req{};
  req.tp_block_size = static_cast<unsigned>(block_size);
  req.tp_block_nr = static_cast<unsigned>(blocks);
  req.tp_frame_size = static_cast<unsigned>(frame_size);
  req.tp_frame_nr = static_cast<unsigned>(block_size / frame_size * blocks);
  if (::setsockopt(fd.get(), SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) {
    throw IoError(in.name, "PACKET_TX_RING", errno);
  }
  void* ring = ::mmap(nullptr, block_size * blocks, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (ring == MAP_FAILED) throw IoError(in.name, "mmap of the TX ring", errno);
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_ifindex = static_cast<int>(in.index);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::munmap(ring, block_size * blocks);
    throw IoError(in.name, "cannot bind an AF_PACKET socket to the interface", err);
  }
  return std::make_unique<TxRingSender>(fd.release(), static_cast<std::uint8_t*>(ring), frame_size, req.tp_frame_nr, batch);
}

std::unique_ptr<InterfaceSender> open_pcap(const InterfaceInfo& in, std::size_t batch) {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle = pcap_create(in.name.c_str(), error);
  if (handle == nullptr) throw IoError(in.name, std::string("libpcap cannot open it: ") + error, 0);
  const int status = pcap_activate(handle);
  if (status < 0) {
    std::string why = pcap_geterr(handle);
    pcap_close(handle);
    if (status == PCAP_ERROR_PERM_DENIED) throw IoError(in.name, "libpcap: permission denied; " + std::string(kCapabilityHint), 0);
    throw IoError(in.name, "libpcap cannot open it for sending: " + why, 0);
  }
  return std::make_unique<PcapSender>(handle, batch);
}

}  // namespace

InterfaceInfo interface_info(const std::string& name) {
  InterfaceInfo info;
  info.name = name;
  if (name.empty() || name.size() >= IFNAMSIZ) throw UsageError("no interface named '" + name + "'");
  info.index = if_nametoindex(name.c_str());
  if (info.index == 0) {
    throw UsageError("no interface named '" + name + "' (interfaces here: " + interface_list() + ")");
  }
  int raw = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (raw < 0) raw = ::socket(AF_INET6, SOCK_DGRAM, 0);
  const Fd fd(raw);
  if (fd.get() >= 0) {
    ifreq req{};
    std::memcpy(req.ifr_name, name.c_str(), name.size() + 1);
    if (::ioctl(fd.get(), SIOCGIFFLAGS, &req) == 0) {
      info.up = (req.ifr_flags & IFF_UP) != 0;
      info.loopback = (req.ifr_flags & IFF_LOOPBACK) != 0;
    }
    if (::ioctl(fd.get(), SIOCGIFMTU, &req) == 0) info.mtu = static_cast<std::uint32_t>(req.ifr_mtu);
    if (::ioctl(fd.get(), SIOCGIFHWADDR, &req) == 0) info.hardware_type = req.ifr_hwaddr.sa_family;
  }
  return info;
}

std::optional<SenderKind> sender_kind_from_name(std::string_view name) {
  if (name == "auto") return SenderKind::kAuto;
  if (name == "af_packet") return SenderKind::kAfPacket;
  if (name == "pcap") return SenderKind::kPcap;
  if (name == "tx_ring") return SenderKind::kTxRing;
  if (name == "af_xdp") return SenderKind::kAfXdp;
  return std::nullopt;
}

const char* sender_name(SenderKind kind) {
  switch (kind) {
    case SenderKind::kAfPacket:
      return "af_packet";
    case SenderKind::kPcap:
      return "pcap";
    case SenderKind::kTxRing:
      return "tx_ring";
    case SenderKind::kAfXdp:
      return "af_xdp";
    case SenderKind::kAuto:
      break;
  }
  return "auto";
}

std::string InterfaceSender::description() const { return std::string(sender_name(kind())) + " sender"; }

InterfaceSender::InterfaceSender(std::size_t batch) : arena_(kArenaBytes), batch_(batch == 0 ? 1 : batch) {}

std::uint8_t* InterfaceSender::reserve(std::size_t max_len) {
  if (max_len > arena_.size()) arena_.resize(max_len);
  if (used_ + max_len > arena_.size()) flush();
  return arena_.data() + used_;
}

void InterfaceSender::commit(Timestamp /*ts*/, std::size_t len) {
  queued_.push_back({arena_.data() + used_, len});
  used_ += (len + kAlign - 1) / kAlign * kAlign;
  if (queued_.size() >= batch_) flush();
}

void InterfaceSender::flush() {
  if (!queued_.empty()) send(queued_);
  queued_.clear();
  used_ = 0;
}

std::unique_ptr<InterfaceSender> open_sender(SenderKind kind, const InterfaceInfo& interface, std::size_t batch) {
  if (!interface.up) {
    throw IoError(interface.name, "the interface is down (bring it up with 'ip link set " + interface.name + " up')", 0);
  }
  switch (kind) {
    case SenderKind::kAfPacket:
      return open_af_packet(interface, batch);
    case SenderKind::kPcap:
      return open_pcap(interface, batch);
    case SenderKind::kTxRing:
      return open_tx_ring(interface, batch);
    case SenderKind::kAfXdp:
      return open_af_xdp(interface, batch, XdpMode::kAny);
    case SenderKind::kAuto:
      break;
  }
  try {  // AF_XDP pays off where the driver reads frames straight from the UMEM
    return open_af_xdp(interface, batch, XdpMode::kZeroCopyOnly);
  } catch (const IoError&) {
  }
  try {
    return open_af_packet(interface, batch);
  } catch (const IoError& e) {
    if (e.error_number() == EAFNOSUPPORT) return open_pcap(interface, batch);  // no AF_PACKET here
    throw;
  }
}

}  // namespace flowreplay
