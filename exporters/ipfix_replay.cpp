// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/ipfix_replay.hpp"

#include <cerrno>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/wire.hpp"

namespace flowreplay {

namespace {

using wire::get16;
using wire::get32;
using wire::put32;

constexpr std::size_t kMessageHeader = 16;
constexpr std::uint16_t kTemplateSet = 2, kOptionsTemplateSet = 3, kFirstDataSet = 256;
constexpr std::uint16_t kVariable = 65535;
constexpr std::uint32_t kReversePen = 29305;  // RFC 5103

std::uint64_t get64(const std::uint8_t* p) { return (std::uint64_t{get32(p)} << 32) | get32(p + 4); }
void put64(std::uint8_t* p, std::uint64_t v) {
  put32(p, static_cast<std::uint32_t>(v >> 32));
  put32(p + 4, static_cast<std::uint32_t>(v));
}

enum class TimeUnit : std::uint8_t { kNone, kSeconds, kMilliseconds, kNtp };

// How an information element holds an absolute time (IANA IPFIX registry).
TimeUnit time_unit(std::uint16_t id) {
  switch (id) {
    case 150:  // flowStartSeconds
    case 151:  // flowEndSeconds
    case 322:  // observationTimeSeconds
      return TimeUnit::kSeconds;
    case 152:  // flowStartMilliseconds
    case 153:  // flowEndMilliseconds
    case 160:  // systemInitTimeMilliseconds
    case 258:  // collectionTimeMilliseconds
    case 323:  // observationTimeMilliseconds
      return TimeUnit::kMilliseconds;
    case 154:  // flowStartMicroseconds (NTP format)
    case 155:
    case 156:  // flowStartNanoseconds (NTP format)
    case 157:
    case 324:  // observationTimeMicroseconds
    case 325:  // observationTimeNanoseconds
      return TimeUnit::kNtp;
    default:
      return TimeUnit::kNone;
  }
}

void shift_field(std::uint8_t* p, std::uint16_t length, TimeUnit unit, std::uint32_t seconds) {
  switch (unit) {
    case TimeUnit::kSeconds:
      if (length == 4) put32(p, get32(p) + seconds);
      break;
    case TimeUnit::kMilliseconds:
      if (length == 8) put64(p, get64(p) + std::uint64_t{seconds} * 1000);
      break;
    case TimeUnit::kNtp:
      if (length == 8) put32(p, get32(p) + seconds);  // the NTP seconds word
      break;
    case TimeUnit::kNone:
      break;
  }
}

}  // namespace

IpfixMessageReader::IpfixMessageReader(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw IoError(path, "cannot open", errno);
}

IpfixMessageReader::~IpfixMessageReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool IpfixMessageReader::next(std::vector<std::uint8_t>& message) {
  std::uint8_t header[kMessageHeader];
  const std::size_t got = std::fread(header, 1, sizeof header, file_);
  if (got == 0) {
    if (std::ferror(file_) != 0) throw IoError(path_, "read failed", errno);
    return false;
  }
  if (got < sizeof header) {
    truncated_ = true;
    message_ = path_ + ": cut off in the header of the message at byte " + std::to_string(offset_);
    return false;
  }
  if (get16(header) != 10) {
    throw IoError(path_, "not IPFIX: the message at byte " + std::to_string(offset_) + " has version " +
                             std::to_string(get16(header)) + ", not 10",
                  0);
  }
  const std::size_t length = get16(header + 2);
  if (length < kMessageHeader) {
    throw IoError(path_, "the message at byte " + std::to_string(offset_) + " claims " + std::to_string(length) +
                             " bytes, less than its header",
                  0);
  }
  message.assign(header, header + kMessageHeader);
  message.resize(length);
  const std::size_t body = std::fread(message.data() + kMessageHeader, 1, length - kMessageHeader, file_);
  if (body < length - kMessageHeader) {
    if (std::ferror(file_) != 0) throw IoError(path_, "read failed", errno);
    truncated_ = true;
    message_ = path_ + ": the message at byte " + std::to_string(offset_) + " is cut off (" +
               std::to_string(kMessageHeader + body) + " of " + std::to_string(length) + " bytes)";
    return false;
  }
  offset_ += length;
  return true;
}

IpfixRetimer::Result IpfixRetimer::rewrite(std::span<std::uint8_t> m, std::uint32_t shift, const std::string& where) {
  Result result;
  std::uint8_t* const msg = m.data();
  const std::uint32_t domain = get32(msg + 12);
  auto bad = [&](const std::string& what) { return IoError(where, what, 0); };
  std::size_t pos = kMessageHeader;
  while (pos + 4 <= m.size()) {
    const std::uint16_t set_id = get16(msg + pos);
    const std::size_t set_length = get16(msg + pos + 2);
    if (set_length < 4 || pos + set_length > m.size()) {
      throw bad("set " + std::to_string(set_id) + " at byte " + std::to_string(pos) + " of the message claims " +
                std::to_string(set_length) + " bytes; " + std::to_string(m.size() - pos) + " are left");
    }
    const std::size_t end = pos + set_length;
    std::size_t at = pos + 4;
    if (set_id == kTemplateSet || set_id == kOptionsTemplateSet) {
      const std::size_t head = set_id == kTemplateSet ? 4 : 6;
      while (at + head <= end) {
        const std::uint16_t id = get16(msg + at);
        const std::uint16_t count = get16(msg + at + 2);
        const std::uint64_t key = (std::uint64_t{domain} << 16) | id;
        if (count == 0) {  // a withdrawal
          templates_.erase(key);
          at += 4;
          continue;
        }
        at += head;
        Template t;
        for (std::uint16_t i = 0; i < count; ++i) {
          if (at + 4 > end) throw bad("template " + std::to_string(id) + " runs past its set");
          Field f{static_cast<std::uint16_t>(get16(msg + at) & 0x7fff), get16(msg + at + 2), 0};
          const bool enterprise = (get16(msg + at) & 0x8000) != 0;
          at += 4;
          if (enterprise) {
            if (at + 4 > end) throw bad("template " + std::to_string(id) + " runs past its set");
            f.enterprise = get32(msg + at);
            at += 4;
          }
          if (f.length == kVariable) {
            t.variable = true;
            t.fixed_length += 1;  // at least the length byte
          } else {
            t.fixed_length += f.length;
          }
          t.fields.push_back(f);
        }
        templates_[key] = std::move(t);
      }
    } else if (set_id >= kFirstDataSet) {
      const auto found = templates_.find((std::uint64_t{domain} << 16) | set_id);
      if (found == templates_.end() || found->second.fixed_length == 0) {
        ++unknown_sets_;
        ++result.unknown_records;  // at least one record we cannot count
      } else {
        const Template& t = found->second;
        while (at + t.fixed_length <= end) {  // what is left after the last record is padding
          for (const Field& f : t.fields) {
            std::size_t length = f.length;
            if (length == kVariable) {
              if (at + 1 > end) throw bad("a record of template " + std::to_string(set_id) + " runs past its set");
              length = msg[at++];
              if (length == 255) {
                if (at + 2 > end) throw bad("a record of template " + std::to_string(set_id) + " runs past its set");
                length = get16(msg + at);
                at += 2;
              }
            }
            if (at + length > end) throw bad("a record of template " + std::to_string(set_id) + " runs past its set");
            if (shift != 0 && (f.enterprise == 0 || f.enterprise == kReversePen)) {
              const TimeUnit unit = time_unit(f.id);
              if (unit != TimeUnit::kNone) shift_field(msg + at, static_cast<std::uint16_t>(length), unit, shift);
            }
            at += length;
          }
          ++result.data_records;
        }
      }
    }
    pos = end;
  }
  std::uint32_t& sequence = sequence_[domain];
  put32(msg + 8, sequence);
  sequence += result.data_records;
  result.export_time = get32(msg + 4) + shift;
  put32(msg + 4, result.export_time);
  return result;
}

}  // namespace flowreplay
