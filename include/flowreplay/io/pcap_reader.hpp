// SPDX-License-Identifier: MIT
// Reads pcap and pcapng at nanosecond precision, from a file or stdin ("-"). pcapng, stdin and
// anything unusual go through libpcap; a classic pcap in a regular file is read from a memory
// map instead, which saves the two copies libpcap's stdio reads make (a third of the time of a
// `features` run). A file cut off mid-record ends the stream with truncated() set rather than an
// exception, so every packet before the cut is still used. pcapng files may hold interfaces of
// different link types: each frame carries its interface's. A mapped file that shrinks while it is
// read ends the stream the same way (a SIGBUS guard replaces the vanished pages), never a crash.
#pragma once

#include <cstdint>
#include <atomic>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowreplay/core/frame_source.hpp"
#include "flowreplay/io/decompress.hpp"
#include "flowreplay/core/units.hpp"

struct pcap;

namespace flowreplay {

class PcapReader : public FrameSource {
 public:
  explicit PcapReader(const std::string& path);  // throws IoError
  // A stream (a pipe, a socket, fmemopen), read through libpcap with a stdio buffer of
  // buffer_bytes; the reader closes it.
  static constexpr std::size_t kStreamBuffer = std::size_t{1} << 22;  // 4 MiB
  PcapReader(std::FILE* stream, std::string name, std::size_t buffer_bytes = kStreamBuffer);
  // A whole capture already in memory (pcap or pcapng), which must outlive the reader.
  PcapReader(std::span<const std::uint8_t> bytes, std::string name);
  ~PcapReader() override;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // The next frame; false at the end of the input (or at a truncated record).
  bool next(CapturedFrame& frame) override;
  [[nodiscard]] int link_type() const override { return link_type_; }
  [[nodiscard]] bool truncated() const override { return truncated_; }
  [[nodiscard]] std::string truncation_message() const override { return message_; }
  // gzip and zstd inputs are recognized by their first bytes and decompressed as they are read.
  [[nodiscard]] Compression compression() const { return compression_; }

 private:
  bool open_mapped(const std::string& path);
  void open_stream(std::FILE* raw, std::size_t buffer_bytes);
  bool start_memory(const std::uint8_t* data, std::size_t size);
  static bool is_capture_head(const std::uint8_t* head);  // 24 bytes: a pcap or pcapng header?
  bool next_mapped(CapturedFrame& frame);
  bool next_mapped_ng(CapturedFrame& frame);
  bool truncate(std::string message);
  void release_behind();
  void populate_ahead();

  std::string path_;
  Compression compression_ = Compression::kNone;
  // Memory-mapped classic pcap.
  const std::uint8_t* map_ = nullptr;
  std::size_t map_size_ = 0;
  int guard_slot_ = -1;  // the SIGBUS guard of the map (see pcap_reader.cpp)
  bool owns_map_ = false;  // the map is ours to unmap (not the caller's bytes)
  const std::uint8_t* touched_ = nullptr;  // every page before this one has been read
  const std::atomic<std::uint32_t>* faults_ = nullptr;  // the guard's fault count, null when unguarded
  std::size_t pos_ = 0;
  std::size_t released_ = 0;   // bytes at the start of the map already given back
  std::size_t populated_ = 0;  // bytes of the map already populated
  std::uint64_t calls_ = 0;
  bool swapped_ = false;
  bool nanos_ = false;
  bool pcapng_ = false;
  struct Interface {
    int link_type = 1;
    std::uint64_t units_per_second = 1'000'000;  // if_tsresol; default µs
    std::int64_t offset_seconds = 0;             // if_tsoffset
  };
  bool corrupt(std::size_t offset, const std::string& what);
  [[gnu::cold, gnu::noinline, gnu::format(printf, 3, 4)]] bool corruptf(std::size_t offset, const char* format, ...);
  [[gnu::cold, gnu::noinline, gnu::format(printf, 2, 3)]] bool truncatef(const char* format, ...);
  bool read_idb(const std::uint8_t* b, std::uint32_t len, std::size_t offset);
  // Reads every page of [p, p + n) not read yet, so that a page the file no longer has faults
  // inside the reader; false when any page of the map has vanished (the SIGBUS guard saw it).
  bool touch(const std::uint8_t* p, std::size_t n) {
    if (faults_ == nullptr) return true;
    if (p + n > touched_) return touch_slow(p, n);
    return faults_->load(std::memory_order_relaxed) == 0 || !shrank();
  }
  bool touch_slow(const std::uint8_t* p, std::size_t n);
  bool shrank();  // sets the truncation message when the guard saw a fault
  std::vector<Interface> interfaces_;  // of the current pcapng section
  CapturedFrame pending_;               // read while looking for the first IDB
  bool has_pending_ = false;
  std::unique_ptr<char[]> buffer_;  // stdio buffer of the input; outlives the pcap handle
  pcap* handle_ = nullptr;
  int link_type_ = 0;
  bool truncated_ = false;
  std::string message_;
};

}  // namespace flowreplay
