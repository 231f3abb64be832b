// SPDX-License-Identifier: MIT
#include "flowreplay/io/pcap_reader.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/io/decompress.hpp"

namespace flowreplay {

PcapReader::PcapReader(const std::string& path)
    : path_(path == "-" ? "<stdin>" : path) {
  if (path != "-" && open_mapped(path)) return;
  std::FILE* raw = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (raw == nullptr) throw IoError(path_, "cannot open", errno);
  open_stream(raw, kStreamBuffer);
}

PcapReader::PcapReader(std::FILE* stream, std::string name, std::size_t buffer_bytes) : path_(std::move(name)) {
  open_stream(stream, buffer_bytes);
}

PcapReader::PcapReader(std::span<const std::uint8_t> bytes, std::string name) : path_(std::move(name)) {
  if (!start_memory(bytes.data(), bytes.size())) throw IoError(path_, "not a pcap or pcapng capture", 0);
}

void PcapReader::open_stream(std::FILE* raw, std::size_t buffer_bytes) {
  buffer_.reset(new char[buffer_bytes]);  // not zero-filled: stdio only ever reads what it wrote
  // The first bytes tell a gzip or zstd stream from a capture; they are handed on through the
  // decompressing stream, since stdin cannot be rewound.
  std::uint8_t head[4];
  const std::size_t got = std::fread(head, 1, sizeof head, raw);
  compression_ = compression_of({head, got});
  std::FILE* file = open_decompressing(raw, compression_, {head, got});
  if (file == nullptr) {
    if (raw != stdin) std::fclose(raw);
    throw IoError(path_, "cannot open a decompressing stream", errno);
  }
  // A large buffer (4 MiB by default): libpcap's default stdio buffer costs a read(2) per few
  // kilobytes, which dominates on a fast capture.
  std::setvbuf(file, buffer_.get(), _IOFBF, buffer_bytes);
  char err[PCAP_ERRBUF_SIZE] = {};
  // With NANO precision libpcap hands out ns in tv_usec, converting µs files.
  handle_ = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, err);
  if (handle_ == nullptr) {
    std::fclose(file);
    throw IoError(path_, std::string("cannot read as pcap or pcapng") +
                             (compression_ == Compression::kNone ? "" : " (after " + std::string(compression_name(compression_)) + ")") +
                             ": " + err, 0);
  }
  link_type_ = pcap_datalink(handle_);
}

namespace {

constexpr std::uint32_t kMagicMicros = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNanos = 0xa1b23c4d;
constexpr std::uint32_t kPcapngShb = 0x0A0D0D0A;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;

std::uint32_t load32(const std::uint8_t* p, bool swapped) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return swapped ? __builtin_bswap32(v) : v;
}

std::uint16_t load16(const std::uint8_t* p, bool swapped) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return swapped ? __builtin_bswap16(v) : v;
}

// pcapng block types and offsets (draft-ietf-opsawg-pcapng section 4).
constexpr std::uint32_t kIdb = 1;
constexpr std::uint32_t kSpb = 3;
constexpr std::uint32_t kEpb = 6;
constexpr std::size_t kBlockHeader = 8;   // type, total length
constexpr std::size_t kBlockTrailer = 4;  // total length again
constexpr std::size_t kIdbOptions = 16;   // after link type, reserved, snaplen
constexpr std::size_t kEpbData = 28;      // after interface id, timestamp (2 words), caplen, origlen
constexpr std::size_t kSpbData = 12;      // after original length
constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kOptTsresol = 9;
constexpr std::uint16_t kOptTsoffset = 14;
// ns since 1970 in an int64 end in 2262; a timestamp past this many seconds cannot be held.
constexpr std::uint64_t kMaxSeconds = 9'000'000'000ULL;

// ns in `units` (< units_per_second) of a clock with units_per_second ticks: exact, and without
// 128-bit division for the clocks that divide a second evenly into ns (s, ms, µs, ns).
std::uint64_t fraction_ns(std::uint64_t units, std::uint64_t units_per_second) {
  if (units_per_second == 1'000'000'000) return units;
  if (units_per_second < 1'000'000'000 && 1'000'000'000 % units_per_second == 0) {
    return units * (1'000'000'000 / units_per_second);
  }
  __extension__ using U128 = unsigned __int128;
  return static_cast<std::uint64_t>(static_cast<U128>(units) * 1'000'000'000U / units_per_second);
}

// The SIGBUS guard. A file mapped for reading that is truncated under the map raises SIGBUS on the
// next access past its new end. The handler maps a zero page over the faulting page, so that the
// access completes, and counts the fault in the map's slot; the reader checks the count after
// touching each record and ends the stream with a message. Faults outside a guarded map get the
// default action.
constexpr int kGuardSlots = 16;
struct GuardSlot {
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::atomic<std::uint32_t> faults{0};
};
GuardSlot g_guards[kGuardSlots];
std::atomic<std::uintptr_t> g_page{4096};

void on_sigbus(int sig, siginfo_t* info, void* /*context*/) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (GuardSlot& g : g_guards) {
    if (addr >= g.begin.load() && addr < g.end.load()) {
      const std::uintptr_t page = addr & ~(g_page.load() - 1);
      mmap(reinterpret_cast<void*>(page), g_page.load(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      g.faults.fetch_add(1);
      return;
    }
  }
  signal(sig, SIG_DFL);  // not a guarded map: returning re-runs the access, which now kills as usual
}

int guard(const std::uint8_t* map, std::size_t size) {
  static const bool kInstalled = [] {
    g_page.store(static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE)));
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGBUS, &sa, nullptr) == 0;
  }();
  if (!kInstalled) return -1;
  for (int i = 0; i < kGuardSlots; ++i) {
    std::uintptr_t free_slot = 0;
    if (g_guards[i].begin.compare_exchange_strong(free_slot, reinterpret_cast<std::uintptr_t>(map))) {
      g_guards[i].faults.store(0);
      g_guards[i].end.store(reinterpret_cast<std::uintptr_t>(map) + size);
      return i;
    }
  }
  return -1;  // more than kGuardSlots maps at once: this one reads unguarded
}

void unguard(int slot) {
  if (slot < 0) return;
  g_guards[slot].end.store(0);
  g_guards[slot].begin.store(0);
}

}  // namespace

PcapReader::~PcapReader() {
  if (handle_ != nullptr) pcap_close(handle_);
  if (map_ != nullptr && owns_map_) munmap(const_cast<std::uint8_t*>(map_), map_size_);
  unguard(guard_slot_);
}

// Classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header whose magic gives byte order and
// µs or ns fractions, then 16-byte record headers. Anything else is left to libpcap.
bool PcapReader::open_mapped(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // libpcap reports the error with its own words
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 24) {
    ::close(fd);
    return false;
  }
  std::uint8_t head[24];
  if (::pread(fd, head, sizeof head, 0) != static_cast<ssize_t>(sizeof head)) {
    ::close(fd);
    return false;
  }
  std::uint32_t magic;
  std::memcpy(&magic, head, 4);
  if (!is_capture_head(head)) {
    ::close(fd);
    return false;
  }
  void* m = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) return false;
  madvise(m, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
  owns_map_ = true;
  guard_slot_ = guard(static_cast<const std::uint8_t*>(m), static_cast<std::size_t>(st.st_size));
  if (guard_slot_ >= 0) faults_ = &g_guards[guard_slot_].faults;
  return start_memory(static_cast<const std::uint8_t*>(m), static_cast<std::size_t>(st.st_size));
}

bool PcapReader::is_capture_head(const std::uint8_t* head) {
  std::uint32_t magic;
  std::memcpy(&magic, head, 4);
  if (magic == kPcapngShb) {  // pcapng: the byte-order magic follows the block length
    std::uint32_t bom;
    std::memcpy(&bom, head + 8, 4);
    return bom == kByteOrderMagic || __builtin_bswap32(bom) == kByteOrderMagic;
  }
  return magic == kMagicMicros || magic == kMagicNanos || __builtin_bswap32(magic) == kMagicMicros ||
         __builtin_bswap32(magic) == kMagicNanos;
}

// Reading from bytes in memory (a map of the file, or the caller's): the header, and for pcapng
// the blocks up to the first packet, so that link_type() is known before next().
bool PcapReader::start_memory(const std::uint8_t* data, std::size_t size) {
  if (size < 24 || !is_capture_head(data)) return false;
  map_ = data;
  map_size_ = size;
  touched_ = data;
  std::uint32_t magic;
  std::memcpy(&magic, data, 4);
  pcapng_ = magic == kPcapngShb;
  if (!pcapng_) {
    swapped_ = magic != kMagicMicros && magic != kMagicNanos;
    if (swapped_) magic = __builtin_bswap32(magic);
    nanos_ = magic == kMagicNanos;
  }
  const std::uint8_t* head = data;
  if (!pcapng_) {
    pos_ = 24;
    link_type_ = static_cast<int>(load32(head + 20, swapped_) & 0x03ffffff);  // low bits: LINKTYPE_*
    return true;
  }
  // pcapng: read up to the first packet block so that link_type() is known before next().
  pos_ = 0;
  link_type_ = -1;
  CapturedFrame first;
  if (next_mapped_ng(first)) {
    pending_ = first;
    has_pending_ = true;
  }
  if (link_type_ < 0) link_type_ = 1;
  return true;
}

bool PcapReader::truncate(std::string message) {
  truncated_ = true;
  message_ = std::move(message);
  return false;
}

// The messages of the hot loop's error paths are formatted here, out of line, so that the loop
// itself holds no string code.
bool PcapReader::corruptf(std::size_t offset, const char* format, ...) {
  char what[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(what, sizeof what, format, args);
  va_end(args);
  return corrupt(offset, what);
}

bool PcapReader::truncatef(const char* format, ...) {
  char what[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(what, sizeof what, format, args);
  va_end(args);
  return truncate(what);
}

bool PcapReader::corrupt(std::size_t offset, const std::string& what) {
  if (shrank()) return false;  // a vanished page read as zeros: not damage in the file
  return truncate("corrupt pcapng: block at offset " + std::to_string(offset) + ": " + what);
}

// Reads every page of [p, p + n) once, so that a page the file no longer has faults here, inside
// the reader, and not later in a caller; false when any page of the map has vanished.
// The reader moves forward, so only pages past the furthest one touched so far are read.
// Touches ahead in 64 KiB steps (whole pages, within the map), so this runs once per step and
// the check of a record inside a touched stretch is one compare.
bool PcapReader::touch_slow(const std::uint8_t* p, std::size_t n) {
  constexpr std::size_t kAhead = std::size_t{64} << 10;
  const std::size_t page = g_page.load(std::memory_order_relaxed);
  const std::uint8_t* map_end = map_ + map_size_;
  const std::uint8_t* want = std::max(p + n, touched_ + kAhead);
  const auto from_start = static_cast<std::size_t>(want - map_);
  const std::uint8_t* end = std::min(map_end, map_ + (from_start + page - 1) / page * page);
  for (const std::uint8_t* q = std::max(p, touched_); q < end; q += page) {
    static_cast<void>(*static_cast<const volatile std::uint8_t*>(q));
  }
  static_cast<void>(*static_cast<const volatile std::uint8_t*>(end - 1));
  touched_ = end;
  return !shrank();
}

bool PcapReader::shrank() {
  if (faults_ == nullptr || faults_->load(std::memory_order_relaxed) == 0) return false;
  truncated_ = true;
  message_ = "the file shrank while it was read";
  return true;
}

// An Interface Description Block: the interface's link type and the options that set its clock.
bool PcapReader::read_idb(const std::uint8_t* b, std::uint32_t len, std::size_t offset) {
  Interface ifc;
  ifc.link_type = load16(b + kBlockHeader, swapped_);
  std::size_t o = kIdbOptions;
  while (o + 4 <= len - kBlockTrailer) {
    const std::uint16_t code = load16(b + o, swapped_);
    const std::uint16_t olen = load16(b + o + 2, swapped_);
    if (code == kOptEnd) break;
    if (o + 4 + ((olen + 3u) & ~3u) > len - kBlockTrailer) return corrupt(offset, "an option runs past the block's end");
    const std::uint8_t* v = b + o + 4;
    if (code == kOptTsresol && olen >= 1) {  // 10^-n, or 2^-n with the top bit set
      const int n = v[0] & 0x7f;
      const bool binary = (v[0] & 0x80) != 0;
      if (binary ? n > 63 : n > 19) {
        return corrupt(offset, std::string("if_tsresol ") + (binary ? "2" : "10") + "^-" + std::to_string(n) +
                                   " is not representable in 64 bits");
      }
      ifc.units_per_second = 1;
      for (int k = 0; k < n; ++k) ifc.units_per_second *= binary ? 2 : 10;
    } else if (code == kOptTsoffset && olen == 8) {
      std::uint64_t off;  // a 64-bit integer in the section's byte order
      std::memcpy(&off, v, 8);
      if (swapped_) off = __builtin_bswap64(off);
      ifc.offset_seconds = static_cast<std::int64_t>(off);
      if (ifc.offset_seconds < -static_cast<std::int64_t>(kMaxSeconds) ||
          ifc.offset_seconds > static_cast<std::int64_t>(kMaxSeconds)) {
        return corrupt(offset, "if_tsoffset " + std::to_string(ifc.offset_seconds) + " s is out of range");
      }
    }
    o += 4 + ((olen + 3u) & ~3u);
  }
  if (link_type_ < 0) link_type_ = ifc.link_type;  // the source's link type: the first interface's
  interfaces_.push_back(ifc);
  return true;
}

// pcapng (draft-ietf-opsawg-pcapng): SHB, IDB (link type, if_tsresol, if_tsoffset), EPB, SPB;
// other blocks are skipped. Every block's two length fields are checked against each other and
// against the file before it is read; impossible values end the stream with the block's offset.
bool PcapReader::next_mapped_ng(CapturedFrame& frame) {
  for (;;) {
    if (pos_ == map_size_) return false;
    const std::size_t offset = pos_;
    if (map_size_ - pos_ < kBlockHeader + kBlockTrailer) return truncate("truncated pcapng block header");
    const std::uint8_t* b = map_ + pos_;
    // The blocks stream through memory once: fetch a few ahead so their headers are in cache.
    __builtin_prefetch(b + 1024);
    __builtin_prefetch(b + 2048);
    __builtin_prefetch(b + 3072);
    std::uint32_t type;
    std::memcpy(&type, b, 4);
    if (type == kPcapngShb) {  // a new section may change the byte order
      std::uint32_t bom;
      std::memcpy(&bom, b + 8, 4);
      if (bom != kByteOrderMagic && __builtin_bswap32(bom) != kByteOrderMagic) {
        return corrupt(offset, "a section header without the byte-order magic");
      }
      swapped_ = bom != kByteOrderMagic;
      interfaces_.clear();
    } else if (swapped_) {
      type = __builtin_bswap32(type);
    }
    const std::uint32_t len = load32(b + 4, swapped_);
    if (len < kBlockHeader + kBlockTrailer || len % 4 != 0) return corruptf(offset, "block length %u", len);
    if (map_size_ - pos_ < len) {
      return truncatef("truncated dump file; a %u-byte pcapng block has only %zu bytes", len, map_size_ - pos_);
    }
    if (!touch(b, len)) return false;
    if (load32(b + len - kBlockTrailer, swapped_) != len) {
      return corruptf(offset, "the block's two length fields differ (%u and %u)", len,
                      load32(b + len - kBlockTrailer, swapped_));
    }
    pos_ += len;
    if (type == kIdb) {
      if (len < kIdbOptions + kBlockTrailer) return corrupt(offset, "interface description block too short");
      if (!read_idb(b, len, offset)) return false;
      continue;
    }
    if (type == kEpb || type == kSpb) {
      const std::uint32_t ifc = type == kEpb ? load32(b + 8, swapped_) : 0;
      if (ifc >= interfaces_.size()) {
        return corruptf(offset, "a packet names interface %u; the section has %zu", ifc, interfaces_.size());
      }
      const Interface& i = interfaces_[ifc];
      frame.link_type = i.link_type;
      if (type == kSpb) {  // no timestamp
        if (len < kSpbData + kBlockTrailer) return corrupt(offset, "simple packet block too short");
        const std::uint32_t orig = load32(b + 8, swapped_);
        frame.ts = 0;
        frame.origlen = orig;
        frame.caplen = std::min(orig, static_cast<std::uint32_t>(len - kSpbData - kBlockTrailer));
        frame.data = b + kSpbData;
        return true;
      }
      if (len < kEpbData + kBlockTrailer) return corrupt(offset, "enhanced packet block too short");
      const std::uint64_t units = (std::uint64_t{load32(b + 12, swapped_)} << 32) | load32(b + 16, swapped_);
      const std::uint32_t caplen = load32(b + 20, swapped_);
      if (caplen > len - kEpbData - kBlockTrailer) return corruptf(offset, "captured length %u runs past the block", caplen);
      const std::uint64_t ups = i.units_per_second;
      if (units / ups > kMaxSeconds) {  // ns (gen's files) and µs divide by a constant: cheap
        return corruptf(offset, "timestamp %llu (%llu s) is past what ns since 1970 can hold",
                        static_cast<unsigned long long>(units), static_cast<unsigned long long>(units / ups));
      }
      std::uint64_t ns;
      if (ups == 1'000'000'000) {
        ns = units;
      } else if (ups == 1'000'000) {
        ns = units * 1000;
      } else {
        ns = units / ups * 1'000'000'000 + fraction_ns(units % ups, ups);
      }
      frame.ts = static_cast<Timestamp>(ns) + i.offset_seconds * kNanosPerSecond;
      frame.caplen = caplen;
      frame.origlen = load32(b + 24, swapped_);
      frame.data = b + kEpbData;
      return true;
    }
  }
}

bool PcapReader::next_mapped(CapturedFrame& frame) {
  if (pos_ == map_size_) return false;
  if (map_size_ - pos_ < 16) {
    truncated_ = true;
    message_ = "truncated dump file; a record header is cut off";
    return false;
  }
  const std::uint8_t* h = map_ + pos_;
  __builtin_prefetch(h + 1024);
  __builtin_prefetch(h + 2048);
  __builtin_prefetch(h + 3072);
  const std::uint32_t caplen = load32(h + 8, swapped_);
  if (map_size_ - pos_ - 16 < caplen) {
    truncated_ = true;
    message_ = "truncated dump file; tried to read " + std::to_string(caplen) + " captured bytes, only got " +
               std::to_string(map_size_ - pos_ - 16);
    return false;
  }
  if (!touch(h, 16 + std::size_t{caplen})) return false;
  const std::uint32_t frac = load32(h + 4, swapped_);
  frame.ts = static_cast<Timestamp>(load32(h, swapped_)) * kNanosPerSecond + (nanos_ ? frac : frac * 1000LL);
  frame.link_type = -1;
  frame.caplen = caplen;
  frame.origlen = load32(h + 12, swapped_);
  frame.data = h + 16;
  pos_ += 16 + caplen;
  return true;
}

// Drops the pages behind the reader from this process's mapping (they stay in the page cache),
// so resident memory does not grow with the capture's size.
void PcapReader::release_behind() {
  constexpr std::size_t kChunk = std::size_t{32} << 20;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t upto = (pos_ / page) * page;
  if (upto >= released_ + kChunk) {
    madvise(const_cast<std::uint8_t*>(map_) + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
  }
  populate_ahead();
}

// Maps the next stretch of the file in one call instead of a page fault per few pages
// (MADV_POPULATE_READ, Linux 5.14; older kernels refuse it and fault as usual).
void PcapReader::populate_ahead() {
  constexpr std::size_t kAhead = std::size_t{16} << 20;
  constexpr int kPopulateRead = 22;
  if (populated_ >= map_size_ || populated_ > pos_ + kAhead) return;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t from = std::max((pos_ / page) * page, populated_);
  const std::size_t len = std::min(map_size_ - from, 2 * kAhead);
  madvise(const_cast<std::uint8_t*>(map_) + from, len, kPopulateRead);
  populated_ = from + len;
}

bool PcapReader::next(CapturedFrame& frame) {
  if (truncated_) return false;  // damage ends the stream for good
  if (owns_map_ && (++calls_ & 0x3fff) == 1) release_behind();  // never on the caller's bytes
  if (has_pending_) {
    frame = pending_;
    has_pending_ = false;
    return true;
  }
  if (map_ != nullptr) return pcapng_ ? next_mapped_ng(frame) : next_mapped(frame);
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(handle_, &hdr, &data);
  if (rc == 1) {
    // libpcap converts any resolution to ns; a time past 2262 (or before 1685) has no int64 ns.
    if (hdr->ts.tv_sec > static_cast<time_t>(kMaxSeconds) || hdr->ts.tv_sec < -static_cast<time_t>(kMaxSeconds)) {
      return truncate("a packet's timestamp (" + std::to_string(hdr->ts.tv_sec) +
                      " s) is past what ns since 1970 can hold");
    }
    frame.link_type = -1;
    frame.ts = static_cast<Timestamp>(hdr->ts.tv_sec) * kNanosPerSecond + hdr->ts.tv_usec;
    frame.data = data;
    frame.caplen = hdr->caplen;
    frame.origlen = hdr->len;
    return true;
  }
  if (rc == PCAP_ERROR) {  // libpcap reports a record cut short as an error: "truncated dump file"
    truncated_ = true;
    message_ = pcap_geterr(handle_);
    if (compression_ != Compression::kNone) {
      message_ = "the " + std::string(compression_name(compression_)) + " stream is cut short or corrupt (" + message_ + ")";
    }
  }
  return false;
}

}  // namespace flowreplay
