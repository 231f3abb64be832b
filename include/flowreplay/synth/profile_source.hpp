// SPDX-License-Identifier: MIT
// Traffic profiles in (gen --profile): FlowTest's profile CSV (what ft-profiler and
// `flowreplay profile` write), read into flows whose packets and L3 bytes per direction are met
// exactly (docs/profile.md, "From a profile to packets").
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowreplay/core/address.hpp"
#include "flowreplay/core/units.hpp"
#include "flowreplay/synth/flow_source.hpp"
#include "flowreplay/synth/gen_config.hpp"

namespace flowreplay {

// One profile row. Times are ns from the profile's time zero (the CSV has ms, fractions allowed).
struct ProfileRecord {
  std::uint64_t line = 0;  // 1-based line in the file
  Duration start = 0;      // the flow's first packet (either direction), ns from time zero
  Duration end = 0;        // its last
  // With START_TIME_REV and END_TIME_REV given (ft-generator's report has them): each direction's
  // first and last packet, forward (START_TIME, END_TIME) and reverse; start and end are then
  // the earliest and latest of the directions that have packets.
  bool per_direction = false;
  Duration first[2] = {0, 0};
  Duration last[2] = {0, 0};
  std::uint8_t l3 = 4;
  std::uint8_t l4 = 6;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t packets_rev = 0;
  std::uint64_t bytes_rev = 0;
  std::optional<IpAddress> src_ip;
  std::optional<IpAddress> dst_ip;
};

// Bounds of one record's fields (docs/profile.md).
inline constexpr std::int64_t kMaxProfileMs = 1'000'000'000'000;  // |START_TIME|, |END_TIME|: about 31 years
inline constexpr std::uint64_t kMaxProfilePackets = 1'000'000'000;  // per direction
inline constexpr std::uint64_t kMaxProfileBytes = 10'000'000'000'000;
inline constexpr std::size_t kMaxProfileLine = 4096;

// Reads a profile CSV: the header row names the columns (any order; unknown ones are ignored),
// `#` lines and blank lines are skipped. Errors are ConfigError "NAME:LINE:COLUMN: COLUMN_NAME:
// problem".
class ProfileReader {
 public:
  // Reads `in` (left open for the caller to close); `name` is the file name in messages.
  ProfileReader(std::FILE* in, std::string name);
  ProfileReader(const ProfileReader&) = delete;
  ProfileReader& operator=(const ProfileReader&) = delete;
  ~ProfileReader();

  // The next record; false at the end of the file (an empty profile has none).
  bool next(ProfileRecord& record);
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  bool read_line();
  void read_header();
  [[noreturn]] void fail(std::size_t column, std::string_view field, const std::string& problem) const;

  std::FILE* in_;
  std::string name_;
  char* buf_ = nullptr;  // getline's buffer
  std::size_t cap_ = 0;
  std::string_view text_;  // the current line, without its line end
  std::uint64_t line_ = 0;
  std::vector<int> columns_;  // per field of a row: which known column (or -1)
  bool header_read_ = false;
};

template <typename T, typename Less>
class SortedRuns;  // src/synth/sorted_runs.hpp

// Bytes a record takes while sorted (in memory and in a spilled run).
inline constexpr std::size_t kProfileSortBytes = sizeof(ProfileRecord) + 8;

// What happened to the records on the way in.
struct ProfileStats {
  std::uint64_t records = 0;
  std::uint64_t adjusted = 0;        // met after a documented adjustment (warned)
  std::uint64_t skipped_protocol = 0;  // an L4 protocol flowreplay does not generate
};

struct ProfileOptions {
  bool strict = false;  // reject a record that needs an adjustment instead of adjusting it
  // Records sorted in memory at most; a longer profile is sorted in runs of this many spilled to
  // $TMPDIR and merged (about 130 bytes a record on disk and in memory).
  std::size_t sort_run = std::size_t{1} << 18;
  // Each adjustment or skipped record, as "NAME:LINE: what was done".
  std::function<void(const std::string&)> warn;
};

// The records of a profile as flows, in order of start time (the file may be in any order: it is
// read whole and every record checked before the first flow; up to options.sort_run records are
// sorted in memory, more with an external merge sort through $TMPDIR, so memory stays bounded). START_TIME 0 lands on the config's
// start_time; earlier records start before it. Addresses not in the record come from the
// config's client and server ranges, one client address per flow in a keyed order so that
// concurrent flows never share a 5-tuple.
class ProfileFlowSource : public FlowSource {
 public:
  ProfileFlowSource(const GenConfig& config, ProfileReader& reader, const ProfileOptions& options);
  ~ProfileFlowSource() override;
  ProfileFlowSource(const ProfileFlowSource&) = delete;
  ProfileFlowSource& operator=(const ProfileFlowSource&) = delete;
  bool next(FlowSpec& spec) override;
  [[nodiscard]] const ProfileStats& stats() const { return stats_; }

 private:
  const GenConfig& config_;
  std::string name_;
  ProfileOptions options_;
  PatternConfig opaque_;  // the pattern of every profile flow: opaque payload
  struct ByStart {
    bool operator()(const ProfileRecord& a, const ProfileRecord& b) const { return a.start < b.start; }
  };
  std::unique_ptr<SortedRuns<ProfileRecord, ByStart>> records_;
  std::uint64_t at_ = 0;
  ProfileStats stats_;
  struct Family {
    AddressSpace clients;
    AddressSpace servers;
    std::uint64_t span;  // client addresses in use: at most 2^40
    Permutation order;   // of [0, span)
  };
  std::vector<Family> families_;  // [0] IPv4, [1] IPv6
  Rng rng_;
};

}  // namespace flowreplay
