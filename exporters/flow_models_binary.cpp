// SPDX-License-Identifier: MIT
#include "flowreplay/exporters/flow_models_binary.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/io/output_file.hpp"

namespace flowreplay {

namespace {

// DIR/PREFIXNAME.CODE (built by appending: GCC 12 warns falsely on chains of operator+).
std::string field_path(const std::string& dir, std::string_view prefix, std::string_view name, char code) {
  std::string path = dir;
  path += '/';
  path += prefix;
  path += name;
  path += '.';
  path += code;
  return path;
}

// The fields in flow-models' order, with their Python array type codes and sizes.
struct Field {
  const char* name;
  char code;
  std::size_t size;
};
constexpr std::array<Field, 21> kFields = {{{"af", 'B', 1},      {"prot", 'B', 1},     {"inif", 'H', 2},    {"outif", 'H', 2},
                                           {"sa0", 'I', 4},     {"sa1", 'I', 4},      {"sa2", 'I', 4},     {"sa3", 'I', 4},
                                           {"da0", 'I', 4},     {"da1", 'I', 4},      {"da2", 'I', 4},     {"da3", 'I', 4},
                                           {"sp", 'H', 2},      {"dp", 'H', 2},       {"first", 'I', 4},   {"first_ms", 'H', 2},
                                           {"last", 'I', 4},    {"last_ms", 'H', 2},  {"packets", 'Q', 8}, {"octets", 'Q', 8},
                                           {"aggs", 'I', 4}}};
enum : std::size_t { kAf, kProt, kInif, kOutif, kSa0, kSa1, kSa2, kSa3, kDa0, kDa1, kDa2, kDa3, kSp, kDp, kFirst, kFirstMs,
                     kLast, kLastMs, kPackets, kOctets, kAggs };

constexpr std::uint8_t kAfInet = 2;    // AF_INET, as nfdump writes it
constexpr std::uint8_t kAfInet6 = 10;  // AF_INET6

void words(const IpAddress& a, std::uint64_t out[4]) {
  const std::uint8_t* b = a.data();
  if (a.version() == 4) {
    out[0] = out[1] = out[2] = 0;
    out[3] = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    return;
  }
  for (int w = 0; w < 4; ++w) {
    out[w] = (std::uint32_t{b[4 * w]} << 24) | (std::uint32_t{b[4 * w + 1]} << 16) | (std::uint32_t{b[4 * w + 2]} << 8) | b[4 * w + 3];
  }
}

IpAddress address(std::uint8_t af, const std::uint64_t w[4]) {
  if (af != kAfInet6) return IpAddress::v4(static_cast<std::uint32_t>(w[3]));
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < 4; ++k) bytes[4 * i + k] = static_cast<std::uint8_t>(w[i] >> (24 - 8 * k));
  }
  return IpAddress::v6(bytes);
}

// Seconds and ms of a ns time, as NetFlow's ms times hold it (before 1970 or past 2106: clamped).
void split_time(Timestamp t, std::uint64_t& seconds, std::uint64_t& ms) {
  if (t < 0) t = 0;
  const std::int64_t total_ms = t / kNanosPerMilli;
  seconds = static_cast<std::uint64_t>(std::min<std::int64_t>(total_ms / 1000, 0xffffffffLL));
  ms = static_cast<std::uint64_t>(total_ms % 1000);
}

}  // namespace

struct FlowModelsWriter::Columns {
  std::vector<std::unique_ptr<OutputFile>> files;
};

FlowModelsWriter::FlowModelsWriter(const std::string& dir, bool partial) : columns_(std::make_unique<Columns>()) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError(dir, "cannot create the directory", ec.value());
  for (const Field& f : kFields) {
    columns_->files.push_back(
        std::make_unique<OutputFile>(field_path(dir, "", f.name, f.code), std::size_t{1} << 16, partial));
  }
}

FlowModelsWriter::~FlowModelsWriter() = default;

void FlowModelsWriter::write(const FlowRecord& r) {
  for (int d = 0; d < 2; ++d) {
    const std::uint64_t packets = d == 0 ? r.packets : r.packets_rev;
    if (packets == 0) continue;
    const bool own_times = (d == 0 ? r.end_fwd : r.end_rev) != 0;
    const Timestamp first = own_times ? (d == 0 ? r.start_fwd : r.start_rev) : r.start;
    const Timestamp last = own_times ? (d == 0 ? r.end_fwd : r.end_rev) : r.end;
    const IpAddress& src = d == 0 ? r.src : r.dst;
    const IpAddress& dst = d == 0 ? r.dst : r.src;
    std::uint64_t v[kFields.size()] = {};
    v[kAf] = src.version() == 6 ? kAfInet6 : kAfInet;
    v[kProt] = r.l4_proto;
    words(src, &v[kSa0]);
    words(dst, &v[kDa0]);
    const bool icmp = is_icmp(r.l4_proto);
    v[kSp] = icmp ? 0 : (d == 0 ? r.src_port : r.dst_port);
    v[kDp] = icmp ? icmp_type_code(r, d == 1) : (d == 0 ? r.dst_port : r.src_port);
    split_time(first, v[kFirst], v[kFirstMs]);
    split_time(last, v[kLast], v[kLastMs]);
    v[kPackets] = packets;
    v[kOctets] = d == 0 ? r.bytes : r.bytes_rev;
    v[kAggs] = 1;
    for (std::size_t i = 0; i < kFields.size(); ++i) {
      std::uint8_t bytes[8];
      std::memcpy(bytes, &v[i], 8);  // little-endian hosts: the low bytes are the narrower value
      if (kFields[i].size == 1) bytes[0] = static_cast<std::uint8_t>(v[i]);
      if (kFields[i].size == 2) {
        const auto x = static_cast<std::uint16_t>(v[i]);
        std::memcpy(bytes, &x, 2);
      }
      if (kFields[i].size == 4) {
        const auto x = static_cast<std::uint32_t>(v[i]);
        std::memcpy(bytes, &x, 4);
      }
      columns_->files[i]->write(bytes, kFields[i].size);
    }
    ++records_;
  }
}

void FlowModelsWriter::finish() {
  for (auto& f : columns_->files) f->close();
}

struct FlowModelsReader::Column {
  std::FILE* file = nullptr;
  std::size_t size = 0;
  std::vector<std::uint8_t> buf;
  std::size_t pos = 0, len = 0;
  std::string path;
  ~Column() {
    if (file != nullptr) std::fclose(file);
  }
  std::uint64_t next() {
    if (file == nullptr) return 0;
    if (pos + size > len) {
      const std::size_t left = len - pos;
      std::memmove(buf.data(), buf.data() + pos, left);
      len = left + std::fread(buf.data() + left, 1, buf.size() - left, file);
      pos = 0;
      if (std::ferror(file) != 0) throw IoError(path, "read failed", errno);
      if (len < size) throw IoError(path, "shorter than the other fields' files", 0);
    }
    std::uint64_t v = 0;
    switch (size) {
      case 1: v = buf[pos]; break;
      case 2: { std::uint16_t x; std::memcpy(&x, &buf[pos], 2); v = x; break; }
      case 4: { std::uint32_t x; std::memcpy(&x, &buf[pos], 4); v = x; break; }
      default: std::memcpy(&v, &buf[pos], 8); break;
    }
    pos += size;
    return v;
  }
};

FlowModelsReader::FlowModelsReader(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw IoError(dir, "not a flow-models binary directory", ENOTDIR);
  bool sized = false;
  for (const Field& f : kFields) {
    auto c = std::make_unique<Column>();
    c->size = f.size;
    for (std::string_view prefix : {"", "_"}) {
      const std::string path = field_path(dir, prefix, f.name, f.code);
      if (fs::is_regular_file(path, ec)) {
        c->path = path;
        break;
      }
    }
    const bool required = std::string_view(f.name) == "packets" || std::string_view(f.name) == "octets";
    if (c->path.empty()) {
      if (required) {
        throw IoError(field_path(dir, "", f.name, f.code), "missing (a flow-models binary directory has one file per field)", ENOENT);
      }
      columns_.push_back(std::move(c));
      continue;
    }
    const auto bytes = fs::file_size(c->path, ec);
    if (ec) throw IoError(c->path, "cannot read its size", ec.value());
    if (bytes % f.size != 0) throw IoError(c->path, "its size is not a whole number of " + std::to_string(f.size) + "-byte values", 0);
    const std::uint64_t n = bytes / f.size;
    if (sized && n != size_) {
      throw IoError(c->path, "holds " + std::to_string(n) + " values where the other fields hold " + std::to_string(size_), 0);
    }
    size_ = n, sized = true;
    c->file = std::fopen(c->path.c_str(), "rb");
    if (c->file == nullptr) throw IoError(c->path, "cannot open", errno);
    c->buf.resize(std::size_t{1} << 16);
    columns_.push_back(std::move(c));
  }
}

FlowModelsReader::~FlowModelsReader() = default;

bool FlowModelsReader::next(FlowRecord& r) {
  if (at_ >= size_) return false;
  ++at_;
  std::uint64_t v[kFields.size()];
  for (std::size_t i = 0; i < kFields.size(); ++i) v[i] = columns_[i]->next();
  r = FlowRecord{};
  const auto af = static_cast<std::uint8_t>(v[kAf]);
  r.src = address(af, &v[kSa0]);
  r.dst = address(af, &v[kDa0]);
  r.l4_proto = static_cast<std::uint8_t>(v[kProt]);
  r.src_port = static_cast<std::uint16_t>(v[kSp]);
  r.dst_port = static_cast<std::uint16_t>(v[kDp]);
  r.start = r.start_fwd = static_cast<Timestamp>(v[kFirst]) * kNanosPerSecond + static_cast<Timestamp>(v[kFirstMs] % 1000) * kNanosPerMilli;
  r.end = r.end_fwd = static_cast<Timestamp>(v[kLast]) * kNanosPerSecond + static_cast<Timestamp>(v[kLastMs] % 1000) * kNanosPerMilli;
  r.packets = v[kPackets];
  r.bytes = v[kOctets];
  return true;
}

bool is_flow_models_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  return fs::is_directory(dir, ec) && (fs::is_regular_file(dir + "/packets.Q", ec) || fs::is_regular_file(dir + "/_packets.Q", ec));
}

}  // namespace flowreplay
