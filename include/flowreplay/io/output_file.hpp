// SPDX-License-Identifier: MIT
// A file or stdout ("-") written in large blocks with every write checked: a full disk, a
// closed pipe or a failed close is an IoError with the path and errno, never a short file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace flowreplay {

class OutputFile {
 public:
  static constexpr std::size_t kDefaultBuffer = std::size_t{1} << 22;  // 4 MiB

  explicit OutputFile(const std::string& path, std::size_t buffer_bytes = kDefaultBuffer);
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
  // Flushes and closes; throws IoError if anything did not reach the file.
  void close();
  [[nodiscard]] std::uint64_t bytes() const { return total_; }
  // Bytes the file has accepted so far (the rest is in the buffer).
  [[nodiscard]] std::uint64_t bytes_written() const { return written_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::vector<std::uint8_t> buf_;
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t written_ = 0;
};

}  // namespace flowreplay
