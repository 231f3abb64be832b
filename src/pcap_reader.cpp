// SPDX-License-Identifier: MIT
#include "flowreplay/pcap_reader.hpp"

#include <pcap/pcap.h>

#include "flowreplay/errors.hpp"

namespace flowreplay {

PcapReader::PcapReader(const std::string& path) : path_(path == "-" ? "<stdin>" : path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  // With NANO precision libpcap hands out ns in tv_usec, converting µs files (shared/specs/perf.md).
  handle_ = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  if (handle_ == nullptr) throw IoError(path_, std::string("cannot read as pcap or pcapng: ") + err, 0);
  link_type_ = pcap_datalink(handle_);
}

PcapReader::~PcapReader() {
  if (handle_ != nullptr) pcap_close(handle_);
}

bool PcapReader::next(CapturedFrame& frame) {
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
