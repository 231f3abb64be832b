// SPDX-License-Identifier: MIT
#include "flowreplay/io/frame_filter.hpp"

#include <pcap/pcap.h>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

struct FilteredFrameSource::Program {
  bpf_program bpf{};
  ~Program() { pcap_freecode(&bpf); }
};

FilteredFrameSource::FilteredFrameSource(FrameSource& inner, std::string expression)
    : inner_(inner), expression_(std::move(expression)) {
  program_for(inner_.link_type());  // a bad expression fails before any frame is read
}

FilteredFrameSource::~FilteredFrameSource() = default;

const FilteredFrameSource::Program& FilteredFrameSource::program_for(int link_type) {
  auto it = programs_.find(link_type);
  if (it != programs_.end()) return *it->second;
  constexpr int kSnapLen = 262144;
  pcap_t* dead = pcap_open_dead(link_type, kSnapLen);
  if (dead == nullptr) throw UsageError("--filter: libpcap cannot compile for link type " + std::to_string(link_type));
  auto program = std::make_unique<Program>();
  if (pcap_compile(dead, &program->bpf, expression_.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    const std::string why = pcap_geterr(dead);
    pcap_close(dead);
    throw UsageError("--filter '" + expression_ + "': " + why);
  }
  pcap_close(dead);
  return *programs_.emplace(link_type, std::move(program)).first->second;
}

bool FilteredFrameSource::next(CapturedFrame& frame) {
  while (inner_.next(frame)) {
    const Program& p = program_for(frame.link_type >= 0 ? frame.link_type : inner_.link_type());
    pcap_pkthdr hdr{};
    hdr.caplen = frame.caplen;
    hdr.len = frame.origlen;
    if (pcap_offline_filter(&p.bpf, &hdr, frame.data) != 0) return true;
    ++filtered_out_;
  }
  return false;
}

}  // namespace flowreplay
