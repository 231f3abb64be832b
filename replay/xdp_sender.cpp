// SPDX-License-Identifier: MIT
#include "xdp_sender.hpp"

#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"

namespace flowreplay {

namespace {

constexpr std::uint32_t kUmemFrames = 4096;  // frames the kernel may hold: twice the TX ring
constexpr std::uint32_t kRingSize = 2048;    // TX and completion ring entries
constexpr unsigned kMaxRetries = 100000;     // "busy" answers in a row before a frame is given up

// libxdp prints its own warnings to stderr (for instance when the driver has no zero-copy);
// flowreplay says what went wrong in its own messages instead.
int silent_libxdp(libxdp_print_level /*level*/, const char* /*format*/, va_list /*args*/) { return 0; }

// Frames are copied into a UMEM of fixed-size chunks; a TX descriptor names a chunk and a length.
// The kernel consumes descriptors when the socket is kicked (sendto) and hands each chunk back on
// the completion ring once the frame has left. Frames are counted as they are consumed: in copy
// mode the kernel reports a frame the driver dropped by failing that kick with EBUSY.
class XdpSender : public InterfaceSender {
 public:
  XdpSender(std::size_t batch, std::uint8_t* area, std::size_t chunk, bool zero_copy)
      : InterfaceSender(batch), area_(area), chunk_(chunk), zero_copy_(zero_copy) {
    free_.reserve(kUmemFrames);
    for (std::uint32_t i = kUmemFrames; i-- > 0;) free_.push_back(std::uint64_t{i} * chunk_);
  }
  ~XdpSender() override {
    if (xsk_ != nullptr) xsk_socket__delete(xsk_);
    if (umem_ != nullptr) xsk_umem__delete(umem_);
    ::munmap(area_, std::size_t{kUmemFrames} * chunk_);
  }
  XdpSender(const XdpSender&) = delete;
  XdpSender& operator=(const XdpSender&) = delete;

  [[nodiscard]] SenderKind kind() const override { return SenderKind::kAfXdp; }
  [[nodiscard]] std::string description() const override {
    return zero_copy_ ? "af_xdp sender, zero-copy" : "af_xdp sender, copy mode";
  }

  // Creates the UMEM and the socket; returns 0 or a negative errno as libxdp does.
  int open(const char* interface, std::uint16_t bind_flags) {
    xsk_umem_config umem_config{};
    umem_config.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
    umem_config.comp_size = kRingSize;
    umem_config.frame_size = static_cast<std::uint32_t>(chunk_);
    umem_config.frame_headroom = 0;
    umem_config.flags = 0;
    int err = xsk_umem__create(&umem_, area_, std::uint64_t{kUmemFrames} * chunk_, &fill_, &comp_, &umem_config);
    if (err != 0) {
      umem_ = nullptr;
      return err;
    }
    xsk_socket_config config{};
    config.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
    config.tx_size = kRingSize;
    config.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;  // TX only: no program, nothing received
    config.bind_flags = static_cast<std::uint16_t>(bind_flags | XDP_USE_NEED_WAKEUP);
    err = xsk_socket__create(&xsk_, interface, 0, umem_, nullptr, &tx_, &config);
    if (err != 0) xsk_ = nullptr;
    return err;
  }

 protected:
  void send(std::span<const Frame> frames) override {
    std::uint32_t pending = 0;  // descriptors filled and not yet submitted
    for (const Frame& f : frames) {
      if (f.len > chunk_) {  // larger than a UMEM chunk: AF_XDP cannot take it whole
        failed(EMSGSIZE);
        continue;
      }
      std::uint32_t index = 0;
      while (broken_ == 0 && (free_.empty() || xsk_ring_prod__reserve(&tx_, 1, &index) == 0)) {
        submit(pending);  // every chunk or descriptor is with the kernel: let it send
        pending = 0;
        make_room();
      }
      if (broken_ != 0) {
        failed(broken_);
        continue;
      }
      const std::uint64_t addr = free_.back();
      free_.pop_back();
      std::memcpy(area_ + addr, f.data, f.len);
      xdp_desc* desc = xsk_ring_prod__tx_desc(&tx_, index);
      desc->addr = addr;
      desc->len = static_cast<std::uint32_t>(f.len);
      desc->options = 0;
      ++pending;
    }
    submit(pending);
    drain();
  }

 private:
  enum class Kick : std::uint8_t { kMoved, kBusy, kFailed };

  void submit(std::uint32_t n) {
    if (n == 0) return;
    xsk_ring_prod__submit(&tx_, n);
    submitted_ += n;
  }

  // Kicks until a chunk and a descriptor are free, or the socket is given up (broken_).
  void make_room() {
    unsigned busy = 0;
    while (broken_ == 0) {
      reclaim();
      if (!free_.empty() && xsk_prod_nb_free(&tx_, 1) > 0) return;
      if (!step(busy)) return;
    }
  }

  // Kicks until the kernel has consumed every submitted descriptor, counting the frames.
  void drain() {
    unsigned busy = 0;
    while (broken_ == 0 && accounted_ != submitted_ && step(busy)) {
    }
    reclaim();
  }

  // One kick and what follows from it; false once the socket is given up: after a hard error, or
  // when the kernel answered "busy" kMaxRetries times in a row. The frames still in the ring
  // are then counted as failed, and so is every later one.
  bool step(unsigned& busy) {
    const Kick k = kick();
    if (k == Kick::kMoved) {
      busy = 0;
      return true;
    }
    if (k == Kick::kBusy && ++busy <= kMaxRetries) {
      sched_yield();
      return true;
    }
    broken_ = k == Kick::kFailed ? last_kick_error_ : ENOBUFS;
    for (; accounted_ != submitted_; ++accounted_) failed(broken_);
    return false;
  }

  // One sendto() on the socket: the kernel sends what the TX ring holds (copy mode: up to its
  // budget per call).
  Kick kick() {
    const std::uint32_t before = accounted_;
    int err = 0;
    if (::sendto(xsk_socket__fd(xsk_), nullptr, 0, MSG_DONTWAIT, nullptr, 0) < 0) err = errno;
    account(err == EBUSY);
    reclaim();
    if (err != 0 && err != EAGAIN && err != EBUSY && err != ENOBUFS && err != EINTR) {
      last_kick_error_ = err;
      return Kick::kFailed;
    }
    return accounted_ != before ? Kick::kMoved : Kick::kBusy;
  }

  // Counts the descriptors the kernel has consumed since the last look; when the kick said EBUSY,
  // the last of them was dropped by the driver.
  void account(bool last_dropped) {
    const std::uint32_t consumed = __atomic_load_n(tx_.consumer, __ATOMIC_ACQUIRE);
    std::uint64_t bytes = 0;
    std::size_t frames = 0;
    for (; accounted_ != consumed; ++accounted_) {
      if (last_dropped && accounted_ + 1 == consumed) {
        failed(ENOBUFS);
      } else {
        bytes += xsk_ring_prod__tx_desc(&tx_, accounted_)->len;
        ++frames;
      }
    }
    if (frames != 0) sent(frames, bytes);
  }

  // Takes back the chunks of frames that have left.
  void reclaim() {
    std::uint32_t first = 0;
    const std::uint32_t n = xsk_ring_cons__peek(&comp_, kRingSize, &first);
    for (std::uint32_t k = 0; k < n; ++k) free_.push_back(*xsk_ring_cons__comp_addr(&comp_, first + k));
    if (n != 0) xsk_ring_cons__release(&comp_, n);
  }

  std::uint8_t* area_;
  std::size_t chunk_;
  bool zero_copy_;
  xsk_umem* umem_ = nullptr;
  xsk_socket* xsk_ = nullptr;
  xsk_ring_prod fill_{};
  xsk_ring_cons comp_{};
  xsk_ring_prod tx_{};
  std::vector<std::uint64_t> free_;  // UMEM chunks not with the kernel
  std::uint32_t submitted_ = 0;      // descriptors submitted (the TX producer index)
  std::uint32_t accounted_ = 0;      // descriptors consumed by the kernel and counted
  int last_kick_error_ = 0;
  int broken_ = 0;  // the error that made the socket unusable, 0 while it works
};

}  // namespace

std::unique_ptr<InterfaceSender> open_af_xdp(const InterfaceInfo& in, std::size_t batch, XdpMode mode) {
  libxdp_set_print(silent_libxdp);
  // Chunks hold the interface's largest frame (MTU + Ethernet header + a VLAN tag).
  std::size_t chunk = 2048;
  if (in.mtu + 18 > chunk) chunk = 4096;
  const std::size_t bytes = std::size_t{kUmemFrames} * chunk;
  int err = 0;
  for (const bool zero_copy : {true, false}) {
    if (!zero_copy && mode == XdpMode::kZeroCopyOnly) break;
    void* area = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (area == MAP_FAILED) throw IoError(in.name, "cannot map the AF_XDP frame area", errno);
    auto sender = std::make_unique<XdpSender>(batch, static_cast<std::uint8_t*>(area), chunk, zero_copy);
    err = -sender->open(in.name.c_str(), zero_copy ? XDP_ZEROCOPY : XDP_COPY);
    if (err == 0) return sender;
    if (err == EPERM || err == EACCES) {
      throw IoError(in.name, std::string("cannot open an AF_XDP socket (") + std::strerror(err) + "); " + kCapabilityHint, 0);
    }
    if (err == EAFNOSUPPORT) throw IoError(in.name, "this kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS)", err);
  }
  if (mode == XdpMode::kZeroCopyOnly) throw IoError(in.name, "no AF_XDP zero-copy on this interface's driver", err);
  throw IoError(in.name, "cannot open an AF_XDP socket on queue 0", err);
}

}  // namespace flowreplay
