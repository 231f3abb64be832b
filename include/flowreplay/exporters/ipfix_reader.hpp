// SPDX-License-Identifier: MIT
// Flow records from an IPFIX file (RFC 7011 messages back to back, as `--ipfix-file`, yaf,
// ipfixprobe or nfcapd's IPFIX writers produce them), read through libfixbuf, which transcodes
// every template into one record of the elements flowreplay knows: addresses, ports,
// protocol, packet and octet counts (delta or total, and RFC 5103 reverse counts), and start and
// end times in seconds, milliseconds or nanoseconds. Records without packets or octets (options
// records, exporter statistics) are skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

class IpfixReader {
 public:
  explicit IpfixReader(const std::string& path);  // throws IoError
  ~IpfixReader();
  IpfixReader(const IpfixReader&) = delete;
  IpfixReader& operator=(const IpfixReader&) = delete;

  // The next flow record; false at the end of the file. A malformed file throws IoError with
  // libfixbuf's reason.
  bool next(FlowRecord& record);
  // How precise the last record's times were: 1 ns, 1 ms or 1 s, by the elements it had.
  [[nodiscard]] Duration precision() const { return precision_; }
  [[nodiscard]] std::uint64_t skipped() const { return skipped_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::string path_;
  Duration precision_ = 1;
  std::uint64_t skipped_ = 0;
};

}  // namespace flowreplay
