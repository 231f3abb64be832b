// SPDX-License-Identifier: MIT
// Compressed inputs, recognized by their first bytes rather than their names: gzip (RFC 1952,
// several members allowed, as pigz and log rotation write them) and Zstandard (RFC 8878).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace flowreplay {

enum class Compression : std::uint8_t { kNone, kGzip, kZstd };

// What the first bytes of a stream say (at least 4 bytes are needed to tell).
Compression compression_of(std::span<const std::uint8_t> head);
std::string_view compression_name(Compression c);

// A stdio stream that yields `prefix` (bytes already read from `raw`, at most 16), then the rest
// of `raw`, decompressed when `kind` says so. The returned FILE owns the decoder and closes `raw`
// when it is closed, unless `raw` is stdin. A corrupt stream reads as an error (ferror), with the
// reason in decompress_error(). nullptr when the system cannot make the stream.
std::FILE* open_decompressing(std::FILE* raw, Compression kind, std::span<const std::uint8_t> prefix);

// A file (or - for stdin), compressed or not, as a stdio stream of its plain bytes; IoError when
// it cannot be opened. Closing the stream closes the file (never stdin).
using InputStream = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;
InputStream open_input_stream(const std::string& path);

}  // namespace flowreplay
