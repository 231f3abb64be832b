// SPDX-License-Identifier: MIT
#include "flowreplay/io/decompress.hpp"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

Compression compression_of(std::span<const std::uint8_t> head) {
  if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::kGzip;
  if (head.size() >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "uncompressed";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "uncompressed";
}

namespace {

constexpr std::size_t kInputBuffer = std::size_t{1} << 18;

// The state behind one decompressing FILE (fopencookie).
class Decoder {
 public:
  Decoder(std::FILE* raw, Compression kind, std::span<const std::uint8_t> prefix)
      : raw_(raw), kind_(kind), in_(new std::uint8_t[kInputBuffer]) {  // not zero-filled
    std::memcpy(in_.get(), prefix.data(), prefix.size());
    in_len_ = prefix.size();
    if (kind_ == Compression::kGzip) {
      gz_ok_ = inflateInit2(&gz_, 15 + 32) == Z_OK;  // 15-bit window, gzip or zlib header
    } else if (kind_ == Compression::kZstd) {
      zs_ = ZSTD_createDStream();
    }
  }
  ~Decoder() {
    if (kind_ == Compression::kGzip && gz_ok_) inflateEnd(&gz_);
    if (zs_ != nullptr) ZSTD_freeDStream(zs_);
    if (raw_ != stdin) std::fclose(raw_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // stdio's read: bytes into buf, 0 at the end, -1 (errno EIO) on corrupt input.
  ssize_t read(char* buf, std::size_t size) {
    if (error_) return fail();  // reported after the bytes decoded before it
    switch (kind_) {
      case Compression::kNone: return read_plain(buf, size);
      case Compression::kGzip: return read_gzip(buf, size);
      case Compression::kZstd: return read_zstd(buf, size);
    }
    return -1;
  }

 private:
  bool refill() {  // more compressed input; false at the end of raw_
    if (in_pos_ < in_len_) return true;
    in_pos_ = 0;
    in_len_ = std::fread(in_.get(), 1, kInputBuffer, raw_);
    return in_len_ > 0;
  }

  ssize_t read_plain(char* buf, std::size_t size) {
    if (in_pos_ < in_len_) {
      const std::size_t n = std::min(size, in_len_ - in_pos_);
      std::memcpy(buf, in_.get() + in_pos_, n);
      in_pos_ += n;
      return static_cast<ssize_t>(n);
    }
    const std::size_t n = std::fread(buf, 1, size, raw_);
    if (n == 0 && std::ferror(raw_)) return -1;
    return static_cast<ssize_t>(n);
  }

  ssize_t read_gzip(char* buf, std::size_t size) {
    if (!gz_ok_) return fail();
    gz_.next_out = reinterpret_cast<Bytef*>(buf);
    gz_.avail_out = static_cast<uInt>(std::min<std::size_t>(size, UINT32_MAX));
    while (gz_.avail_out > 0) {
      if (!refill()) {
        if (std::ferror(raw_) || !ended_) return damaged(size - gz_.avail_out);  // cut inside a member
        break;
      }
      gz_.next_in = in_.get() + in_pos_;
      gz_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
      const int rc = inflate(&gz_, Z_NO_FLUSH);
      in_pos_ = in_len_ - gz_.avail_in;
      if (rc == Z_STREAM_END) {  // another member may follow
        ended_ = true;
        if (inflateReset(&gz_) != Z_OK) return fail();
      } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
        ended_ = false;
      } else {
        return damaged(size - gz_.avail_out);
      }
    }
    return static_cast<ssize_t>(size - gz_.avail_out);
  }

  ssize_t read_zstd(char* buf, std::size_t size) {
    if (zs_ == nullptr) return fail();
    ZSTD_outBuffer out{buf, size, 0};
    while (out.pos < out.size) {
      if (!refill()) {
        if (std::ferror(raw_) || !ended_) return damaged(out.pos);
        break;
      }
      ZSTD_inBuffer in{in_.get(), in_len_, in_pos_};
      const std::size_t rc = ZSTD_decompressStream(zs_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(rc)) return damaged(out.pos);
      ended_ = rc == 0;  // a frame is complete; another may follow
    }
    return static_cast<ssize_t>(out.pos);
  }

  static ssize_t fail() {
    errno = EIO;
    return -1;
  }

  // Corrupt or cut-off input: the bytes decoded before it go out first, the error with the next read.
  ssize_t damaged(std::size_t produced) {
    error_ = true;
    return produced > 0 ? static_cast<ssize_t>(produced) : fail();
  }

  std::FILE* raw_;
  Compression kind_;
  std::unique_ptr<std::uint8_t[]> in_;  // kInputBuffer bytes
  std::size_t in_len_ = 0;
  std::size_t in_pos_ = 0;
  z_stream gz_{};
  bool gz_ok_ = false;
  ZSTD_DStream* zs_ = nullptr;
  bool ended_ = true;  // between members or frames: the end of the input is not a truncation
  bool error_ = false;
};

}  // namespace

std::FILE* open_decompressing(std::FILE* raw, Compression kind, std::span<const std::uint8_t> prefix) {
  if (prefix.size() > 16) return nullptr;
  auto decoder = std::make_unique<Decoder>(raw, kind, prefix);
  cookie_io_functions_t io{};
  io.read = [](void* c, char* buf, std::size_t size) { return static_cast<Decoder*>(c)->read(buf, size); };
  io.close = [](void* c) {
    delete static_cast<Decoder*>(c);
    return 0;
  };
  std::FILE* f = fopencookie(decoder.get(), "rb", io);
  if (f != nullptr) static_cast<void>(decoder.release());
  return f;
}

InputStream open_input_stream(const std::string& path) {
  std::FILE* raw = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (raw == nullptr) throw IoError(path, "cannot open", errno);
  std::uint8_t head[4];
  const std::size_t got = std::fread(head, 1, sizeof head, raw);
  std::FILE* in = open_decompressing(raw, compression_of({head, got}), {head, got});
  if (in == nullptr) {
    if (raw != stdin) std::fclose(raw);
    throw IoError(path, "cannot open a decompressing stream", errno);
  }
  return {in, [](std::FILE* f) { return f == stdin ? 0 : std::fclose(f); }};
}

}  // namespace flowreplay
