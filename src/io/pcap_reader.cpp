// SPDX-License-Identifier: MIT
#include "flowreplay/io/pcap_reader.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <cerrno>
#include <cstdio>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

PcapReader::PcapReader(const std::string& path)
    : path_(path == "-" ? "<stdin>" : path) {
  if (path != "-" && open_mapped(path)) return;
  buffer_.resize(std::size_t{1} << 22);
  // Our own FILE with a 4 MiB buffer: libpcap's default stdio buffer costs a read(2) per few
  // kilobytes, which dominates on a fast capture.
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw IoError(path_, "cannot open", errno);
  std::setvbuf(file, buffer_.data(), _IOFBF, buffer_.size());
  char err[PCAP_ERRBUF_SIZE] = {};
  // With NANO precision libpcap hands out ns in tv_usec, converting µs files.
  handle_ = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, err);
  if (handle_ == nullptr) {
    if (file != stdin) std::fclose(file);
    throw IoError(path_, std::string("cannot read as pcap or pcapng: ") + err, 0);
  }
  link_type_ = pcap_datalink(handle_);
}

PcapReader::~PcapReader() {
  if (handle_ != nullptr) pcap_close(handle_);
  if (map_ != nullptr) munmap(const_cast<std::uint8_t*>(map_), map_size_);
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

}  // namespace

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
  if (magic == kPcapngShb) {  // pcapng: the byte-order magic follows the block length
    std::uint32_t bom;
    std::memcpy(&bom, head + 8, 4);
    if (bom != kByteOrderMagic && __builtin_bswap32(bom) != kByteOrderMagic) {
      ::close(fd);
      return false;
    }
    pcapng_ = true;
  } else if (magic == kMagicMicros || magic == kMagicNanos) {
    swapped_ = false;
  } else if (__builtin_bswap32(magic) == kMagicMicros || __builtin_bswap32(magic) == kMagicNanos) {
    swapped_ = true;
    magic = __builtin_bswap32(magic);
  } else {
    ::close(fd);
    return false;
  }
  nanos_ = magic == kMagicNanos;
  void* m = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) return false;
  madvise(m, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
  map_ = static_cast<const std::uint8_t*>(m);
  map_size_ = static_cast<std::size_t>(st.st_size);
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

// pcapng (draft-ietf-opsawg-pcapng): SHB, IDB (link type, if_tsresol), EPB, SPB; other blocks are
// skipped. Every block is length-checked against the file before it is read.
bool PcapReader::next_mapped_ng(CapturedFrame& frame) {
  for (;;) {
    if (pos_ == map_size_) return false;
    if (map_size_ - pos_ < 12) return truncate("truncated pcapng block header");
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
      swapped_ = bom != kByteOrderMagic;
      interfaces_.clear();
    } else if (swapped_) {
      type = __builtin_bswap32(type);
    }
    const std::uint32_t len = load32(b + 4, swapped_);
    if (len < 12 || len % 4 != 0) return truncate("corrupt pcapng block length " + std::to_string(len));
    if (map_size_ - pos_ < len) {
      return truncate("truncated dump file; a " + std::to_string(len) + "-byte pcapng block has only " +
                      std::to_string(map_size_ - pos_) + " bytes");
    }
    pos_ += len;
    if (type == 1 && len >= 20) {  // IDB
      const int lt = static_cast<int>(b[8] | (b[9] << 8));
      const int link = swapped_ ? ((lt >> 8) | ((lt & 0xff) << 8)) : lt;
      if (link_type_ >= 0 && link != link_type_) {
        return truncate("an interface has link type " + std::to_string(link) + ", different from the first (" +
                        std::to_string(link_type_) + ")");
      }
      link_type_ = link;
      Interface ifc;
      std::size_t o = 16;  // options
      while (o + 4 <= len - 4) {
        const std::uint16_t code = static_cast<std::uint16_t>(swapped_ ? (b[o] << 8 | b[o + 1]) : (b[o] | b[o + 1] << 8));
        const std::uint16_t olen = static_cast<std::uint16_t>(swapped_ ? (b[o + 2] << 8 | b[o + 3]) : (b[o + 2] | b[o + 3] << 8));
        if (code == 0) break;
        if (code == 9 && olen >= 1) {  // if_tsresol: 10^-n, or 2^-n with the top bit set
          const std::uint8_t r = b[o + 4];
          ifc.units_per_second = 1;
          for (int k = 0; k < (r & 0x7f); ++k) ifc.units_per_second *= (r & 0x80) ? 2 : 10;
        }
        o += 4 + ((olen + 3u) & ~3u);
      }
      interfaces_.push_back(ifc);
      continue;
    }
    if (type == 6 && len >= 32) {  // EPB
      const std::uint32_t ifc = load32(b + 8, swapped_);
      const std::uint64_t units = (std::uint64_t{load32(b + 12, swapped_)} << 32) | load32(b + 16, swapped_);
      const std::uint32_t caplen = load32(b + 20, swapped_);
      if (caplen > len - 32) return truncate("corrupt pcapng packet block");
      const std::uint64_t ups = ifc < interfaces_.size() ? interfaces_[ifc].units_per_second : 1'000'000;
      frame.ts = ups == 1'000'000'000 ? static_cast<Timestamp>(units)
                                      : static_cast<Timestamp>(units / ups) * kNanosPerSecond +
                                            static_cast<Timestamp>((units % ups) * 1'000'000'000ULL / ups);
      frame.caplen = caplen;
      frame.origlen = load32(b + 24, swapped_);
      frame.data = b + 28;
      return true;
    }
    if (type == 3 && len >= 16) {  // SPB: no timestamp
      const std::uint32_t orig = load32(b + 8, swapped_);
      frame.ts = 0;
      frame.origlen = orig;
      frame.caplen = std::min(orig, len - 16);
      frame.data = b + 12;
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
  const std::uint32_t frac = load32(h + 4, swapped_);
  frame.ts = static_cast<Timestamp>(load32(h, swapped_)) * kNanosPerSecond + (nanos_ ? frac : frac * 1000LL);
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
  if (map_ != nullptr && (++calls_ & 0x3fff) == 1) release_behind();
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
    frame.ts = static_cast<Timestamp>(hdr->ts.tv_sec) * kNanosPerSecond + hdr->ts.tv_usec;
    frame.data = data;
    frame.caplen = hdr->caplen;
    frame.origlen = hdr->len;
    return true;
  }
  if (rc == PCAP_ERROR) {  // libpcap reports a record cut short as an error: "truncated dump file"
    truncated_ = true;
    message_ = pcap_geterr(handle_);
  }
  return false;
}

}  // namespace flowreplay
