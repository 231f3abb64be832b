// SPDX-License-Identifier: MIT
#include "flowreplay/io/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <cerrno>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/io/output_file.hpp"

namespace flowreplay {

PcapWriter::PcapWriter(const std::string& path, bool partial)
    : path_(path == "-" ? "<stdout>" : path), working_(OutputFile::working_name(path, partial)), frame_(kSnapLen),
      stdio_buffer_(std::size_t{1} << 22) {
  if (path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(working_.c_str(), "wb");
    if (file_ == nullptr) throw IoError(working_, "cannot open for writing", errno);
    owns_file_ = true;
  }
  std::setvbuf(file_, stdio_buffer_.data(), _IOFBF, stdio_buffer_.size());
  pcap_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLen, PCAP_TSTAMP_PRECISION_NANO);
  if (pcap_ == nullptr) throw IoError(path_, "libpcap could not open a nanosecond Ethernet handle", 0);
  dumper_ = pcap_dump_fopen(pcap_, file_);
  if (dumper_ == nullptr) throw IoError(path_, std::string("libpcap: ") + pcap_geterr(pcap_), errno);
  bytes_ = 24;  // the file header
  check();
}

PcapWriter::~PcapWriter() {
  // The dumper is the FILE itself in libpcap; close the FILE once, here or in finish().
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
  if (pcap_ != nullptr) pcap_close(pcap_);
}

std::uint8_t* PcapWriter::reserve(std::size_t /*max_len*/) { return frame_.data(); }

void PcapWriter::commit(Timestamp ts, std::size_t len) {
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(ts / kNanosPerSecond);
  hdr.ts.tv_usec = static_cast<suseconds_t>(ts % kNanosPerSecond);  // nanoseconds with NANO precision
  hdr.caplen = static_cast<bpf_u_int32>(len);
  hdr.len = static_cast<bpf_u_int32>(len);
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, frame_.data());
  bytes_ += 16 + len;
  if ((++packets_ & 0xfff) == 0) check();
}

void PcapWriter::check() {
  if (std::ferror(file_)) throw IoError(path_, "write failed", errno);
}

void PcapWriter::finish() {
  if (pcap_dump_flush(dumper_) != 0) throw IoError(path_, "write failed", errno);
  check();
  if (owns_file_) {
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0) throw IoError(path_, "close failed", errno);
    OutputFile::publish(working_, path_);
  } else if (std::fflush(file_) != 0) {
    throw IoError(path_, "write failed", errno);
  }
}

}  // namespace flowreplay
