// SPDX-License-Identifier: MIT
// A file or stdout ("-") written in large blocks with every write checked: a full disk, a
// closed pipe or a failed close is an IoError with the path and errno, never a short file.
//
// Partial naming: a regular file (or a path that does not exist yet) is written as NAME.partial
// and renamed to NAME when close() succeeds and no stop was requested nor the run failed
// (core/stop.hpp), so an
// existing NAME is untouched until the new one is whole, and a run that failed or was
// interrupted leaves NAME.partial, never a short NAME. Devices, pipes and stdout are written in
// place, and so are symbolic links (/dev/stdout, a link to a file: a rename would replace the
// link), and everything when `partial` is false (--no-partial).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace flowreplay {

class OutputFile {
 public:
  static constexpr std::size_t kDefaultBuffer = std::size_t{1} << 22;  // 4 MiB

  explicit OutputFile(const std::string& path, std::size_t buffer_bytes = kDefaultBuffer, bool partial = true);

  // The name a run writes `path` under: NAME.partial for a regular file or a new path when
  // `partial`, else the path itself. PcapWriter (libpcap) names its file the same way.
  static std::string working_name(const std::string& path, bool partial);
  // Moves a finished working file to its final name, unless a stop was requested; IoError when
  // the rename fails.
  static void publish(const std::string& working, const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const void* data, std::size_t len);
  // Contiguous space for len bytes (len <= buffer size) to fill in place, then advance(len).
  std::uint8_t* space(std::size_t len) {
    if (used_ + len > buf_.size()) flush();
    return buf_.data() + used_;
  }
  void advance(std::size_t len) {
    used_ += len;
    total_ += len;
  }
  void flush();
  // From here on the bytes go out gzip-compressed (RFC 1952, zlib's default level); call before
  // the first flush.
  void set_gzip();
  // Flushes and closes; throws IoError if anything did not reach the file.
  void close();
  [[nodiscard]] std::uint64_t bytes() const { return total_; }
  // Bytes the file has accepted so far (the rest is in the buffer).
  [[nodiscard]] std::uint64_t bytes_written() const { return written_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  // Where the bytes are going now: path() or path().partial.
  [[nodiscard]] const std::string& working_path() const { return working_; }

 private:
  std::string path_;
  std::string working_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::vector<std::uint8_t> buf_;
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t written_ = 0;
  struct Gzip;
  std::unique_ptr<Gzip> gzip_;  // set_gzip()
  void write_out(const std::uint8_t* data, std::size_t len);
  void deflate_out(int flush_mode);
};

}  // namespace flowreplay
