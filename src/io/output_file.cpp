// SPDX-License-Identifier: MIT
#include "flowreplay/io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"

namespace flowreplay {

std::string OutputFile::working_name(const std::string& path, bool partial) {
  if (!partial || path == "-") return path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return path;  // /dev/null, a FIFO: in place
  return path + ".partial";
}

void OutputFile::publish(const std::string& working, const std::string& path) {
  if (working == path || stop_requested() || run_failed()) return;
  if (std::rename(working.c_str(), path.c_str()) != 0) {
    throw IoError(path, "cannot rename " + working + " to its final name", errno);
  }
}

OutputFile::OutputFile(const std::string& path, std::size_t buffer_bytes, bool partial)
    : path_(path == "-" ? "<stdout>" : path), working_(working_name(path, partial)), buf_(buffer_bytes) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    working_ = path_;
  } else {
    fd_ = ::open(working_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(working_, "cannot open for writing", errno);
    owns_fd_ = true;
  }
}

OutputFile::~OutputFile() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

void OutputFile::write(const void* data, std::size_t len) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (len > 0) {
    if (used_ == buf_.size()) flush();
    const std::size_t n = std::min(len, buf_.size() - used_);
    std::memcpy(buf_.data() + used_, p, n);
    used_ += n;
    total_ += n;
    p += n;
    len -= n;
  }
}

void OutputFile::flush() {
  std::size_t off = 0;
  while (off < used_) {
    const ssize_t n = ::write(fd_, buf_.data() + off, used_ - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(path_, "write failed", errno);
    }
    off += static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
  used_ = 0;
}

void OutputFile::close() {
  flush();
  if (owns_fd_) {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw IoError(path_, "close failed", errno);
    publish(working_, path_);
  }
}

}  // namespace flowreplay
