// SPDX-License-Identifier: MIT
// A BPF filter (tcpdump's syntax, compiled by libpcap) in front of any FrameSource: frames that do
// not match are skipped and counted. Each link type a capture holds gets its own compiled program,
// so a pcapng with Ethernet and raw-IP interfaces is filtered correctly on both.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "flowreplay/core/frame_source.hpp"

namespace flowreplay {

class FilteredFrameSource : public FrameSource {
 public:
  // UsageError when the expression does not compile for the source's link type.
  FilteredFrameSource(FrameSource& inner, std::string expression);
  ~FilteredFrameSource() override;
  FilteredFrameSource(const FilteredFrameSource&) = delete;
  FilteredFrameSource& operator=(const FilteredFrameSource&) = delete;

  bool next(CapturedFrame& frame) override;
  [[nodiscard]] int link_type() const override { return inner_.link_type(); }
  [[nodiscard]] bool truncated() const override { return inner_.truncated(); }
  [[nodiscard]] std::string truncation_message() const override { return inner_.truncation_message(); }
  // Frames the filter left out.
  [[nodiscard]] std::uint64_t filtered_out() const { return filtered_out_; }

 private:
  struct Program;
  const Program& program_for(int link_type);

  FrameSource& inner_;
  std::string expression_;
  std::map<int, std::unique_ptr<Program>> programs_;
  std::uint64_t filtered_out_ = 0;
};

}  // namespace flowreplay
