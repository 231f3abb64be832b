// SPDX-License-Identifier: MIT
#include "flowreplay/io/output_file.hpp"

#include <zlib.h>

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
  // A symbolic link (/dev/stdout, /dev/fd/N, a user's link to a file) is written through in place:
  // renaming NAME.partial over it would replace the link itself with a file.
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return path;
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

struct OutputFile::Gzip {
  z_stream z{};
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(std::size_t{1} << 18);
  bool open = false;
  ~Gzip() {
    if (open) deflateEnd(&z);
  }
};

OutputFile::~OutputFile() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

void OutputFile::set_gzip() {
  gzip_ = std::make_unique<Gzip>();
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&gzip_->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw IoError(path_, "cannot start gzip compression", 0);
  }
  gzip_->open = true;
}

void OutputFile::write_out(const std::uint8_t* data, std::size_t len) {
  std::size_t off = 0;
  while (off < len) {
    const ssize_t n = ::write(fd_, data + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(path_, "write failed", errno);
    }
    off += static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
}

void OutputFile::deflate_out(int flush_mode) {
  z_stream& z = gzip_->z;
  z.next_in = buf_.data();
  z.avail_in = static_cast<uInt>(used_);
  for (;;) {
    z.next_out = gzip_->out.data();
    z.avail_out = static_cast<uInt>(gzip_->out.size());
    const int rc = deflate(&z, flush_mode);
    if (rc == Z_STREAM_ERROR) throw IoError(path_, "gzip compression failed", 0);
    write_out(gzip_->out.data(), gzip_->out.size() - z.avail_out);
    if (flush_mode == Z_FINISH ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) break;
  }
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
  if (gzip_ != nullptr && gzip_->open) {
    deflate_out(Z_NO_FLUSH);
  } else {
    write_out(buf_.data(), used_);
  }
  used_ = 0;
}

void OutputFile::close() {
  if (gzip_ != nullptr && gzip_->open) {
    deflate_out(Z_FINISH);
    used_ = 0;
    deflateEnd(&gzip_->z);
    gzip_->open = false;
  }
  flush();
  if (owns_fd_) {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw IoError(path_, "close failed", errno);
    publish(working_, path_);
  }
}

}  // namespace flowreplay
