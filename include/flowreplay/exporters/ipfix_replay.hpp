// SPDX-License-Identifier: MIT
// IPFIX files resent to a collector message by message (flowreplay replay FILE.ipfix --ipfix URL,
// docs/replay.md). The messages go out as they are in the file, templates included, with three
// fields rewritten: the sequence number (renumbered per observation domain for the new transport
// session, RFC 7011 section 3.1), and, from the second loop on, the export time and every absolute
// time in the data records (the flowStart/End and observationTime elements in seconds,
// milliseconds, micro- and nanoseconds, systemInitTimeMilliseconds, and their RFC 5103 reverse
// forms) shifted forward by whole seconds, so that a collector sees one continuous stream.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace flowreplay {

// Messages of an IPFIX file, one at a time; IoError on a message that is not IPFIX (with its
// byte offset); a message cut off at the end of the file ends the stream with truncated() set.
class IpfixMessageReader {
 public:
  explicit IpfixMessageReader(const std::string& path);
  ~IpfixMessageReader();
  IpfixMessageReader(const IpfixMessageReader&) = delete;
  IpfixMessageReader& operator=(const IpfixMessageReader&) = delete;
  // The next whole message; false at the end.
  bool next(std::vector<std::uint8_t>& message);
  [[nodiscard]] bool truncated() const { return truncated_; }
  [[nodiscard]] const std::string& truncation_message() const { return message_; }
  [[nodiscard]] std::uint64_t offset() const { return offset_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t offset_ = 0;
  bool truncated_ = false;
  std::string message_;
};

// Rewrites messages for one replay: learns each (domain, template id)'s layout from the template
// sets it sees, counts and retimes the data records, renumbers the sequence.
class IpfixRetimer {
 public:
  struct Result {
    std::uint32_t export_time = 0;  // after the shift
    std::uint32_t data_records = 0;
    std::uint32_t unknown_records = 0;  // data sets whose template was not seen: sent unchanged, not counted
  };
  // Rewrites the message in place, times shifted by `shift_seconds`. IoError when its sets are
  // malformed (`where` names the message in the message).
  Result rewrite(std::span<std::uint8_t> message, std::uint32_t shift_seconds, const std::string& where);
  [[nodiscard]] std::uint64_t unknown_sets() const { return unknown_sets_; }

 private:
  struct Field {
    std::uint16_t id;
    std::uint16_t length;  // 65535: variable
    std::uint32_t enterprise;
  };
  struct Template {
    std::vector<Field> fields;
    std::uint32_t fixed_length = 0;  // when no field is variable
    bool variable = false;
  };
  std::map<std::uint64_t, Template> templates_;    // key: domain << 16 | template id
  std::map<std::uint32_t, std::uint32_t> sequence_;  // per domain: data records sent so far
  std::uint64_t unknown_sets_ = 0;
};

}  // namespace flowreplay
