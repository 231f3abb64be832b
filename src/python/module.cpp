// SPDX-License-Identifier: MIT
// _flowreplay, the native half of the `flowreplay` Python module (docs/python.md): the library's
// features, packets and ground truth as columns, computed with the GIL released;
// flowreplay/__init__.py turns the columns into pandas DataFrames.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/flow_record.hpp"
#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/core/units.hpp"
#include "flowreplay/exporters/report_writer.hpp"
#include "flowreplay/ingest/capture_loop.hpp"
#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/ingest/cic/java_format.hpp"
#include "flowreplay/ingest/flow_labels.hpp"
#include "flowreplay/ingest/flow_meter.hpp"
#include "flowreplay/io/decompress.hpp"
#include "flowreplay/io/pcap_reader.hpp"
#include "flowreplay/io/pcapng_writer.hpp"
#include "flowreplay/synth/flow_source.hpp"
#include "flowreplay/synth/gen_config.hpp"
#include "flowreplay/synth/synthesizer.hpp"
#include "flowreplay/version.hpp"

namespace py = pybind11;

namespace flowreplay {
namespace {

template <typename T>
py::array_t<T> to_array(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::list to_list(const std::vector<std::string>& v) {
  py::list l(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) l[i] = py::str(v[i]);
  return l;
}

// A capture whose link type the decoder knows (as the CLI opens it, without a filter).
std::unique_ptr<PcapReader> open_reader(const std::string& path) {
  auto reader = std::make_unique<PcapReader>(path);
  if (!link_type_supported(reader->link_type())) {
    throw UsageError(path + ": link type " + std::to_string(reader->link_type()) + " is not one flowreplay decodes");
  }
  return reader;
}

// The CSV header's column names of a mode, in order.
std::vector<std::string> header_names(CicMode mode) {
  std::vector<std::string> names;
  const std::string_view header = cic_header(mode);
  for (std::size_t pos = 0;;) {
    const std::size_t comma = header.find(',', pos);
    names.emplace_back(header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (comma == std::string_view::npos) return names;
    pos = comma + 1;
  }
}

CicMode mode_of(const std::string& cic) {
  const auto mode = cic_mode_from_name(cic);
  if (!mode) throw UsageError("features: cic must be head, 2020, 2018 or corrected, got '" + cic + "'");
  return *mode;
}

// CICFlowMeter features of a capture, column by column, as features writes them.
struct FeatureColumns {
  std::vector<std::string> flow_id, src, dst, timestamp, label;
  std::vector<std::int64_t> src_port, dst_port, protocol;
  std::array<std::vector<double>, kCicValueColumns> values;
  std::array<bool, kCicValueColumns> is_double{};  // a column with any Java double is float64, as pandas reads it
  bool truncated = false;
  std::string truncation;
};

py::dict features(const std::string& path, const std::string& cic, const std::optional<std::string>& labels,
                  const std::string& label_column, const std::string& default_label, const std::string& tz,
                  const std::optional<std::string>& shard, bool matrix) {
  const CicMode mode = mode_of(cic);
  const auto zone = TimeZone::parse(tz);
  if (!zone) throw UsageError("features: tz: unknown time zone '" + tz + "' (use UTC, +03:00, or an IANA name)");
  CicOptions options;
  options.mode = mode;
  if (shard) {
    const auto parsed = Shard::parse(*shard);
    if (!parsed) throw UsageError("features: shard expects K/N with 0 <= K < N <= 65536, such as 0/4, got '" + *shard + "'");
    options.shard = *parsed;
  }
  FlowLabels truth;
  FeatureColumns c;
  {
    py::gil_scoped_release released;
    if (labels) {
      const InputStream in = open_input_stream(*labels);
      truth.read(in.get(), *labels, label_column);
      options.labeler = &truth;
      options.default_label = default_label;
    }
    auto reader = open_reader(path);
    CicMeter meter(options, [&](const CicFeatures& f) {
      c.flow_id.push_back(f.flow_id);
      c.src.push_back(f.src.to_string());
      c.dst.push_back(f.dst.to_string());
      c.src_port.push_back(f.src_port);
      c.dst_port.push_back(f.dst_port);
      c.protocol.push_back(f.protocol);
      c.timestamp.push_back(java_timestamp(f.start_us, options.mode != CicMode::k2018, *zone));
      for (std::size_t i = 0; i < kCicValueColumns; ++i) {
        c.values[i].push_back(f.values[i].value);
        c.is_double[i] = c.is_double[i] || f.values[i].kind == CicKind::kDouble;
      }
      c.label.emplace_back(!f.label.empty() ? f.label
                           : (options.mode == CicMode::k2018 || options.mode == CicMode::k2020) ? "No Label"
                                                                                                 : "NeedManualLabel");
    });
    PacketMeter* meters[] = {&meter};
    const CaptureStats s = run_capture(*reader, meters);
    c.truncated = s.truncated;
    c.truncation = reader->truncation_message();
  }
  // The header's names, in order: the first seven columns, the 76 values, Label.
  const std::vector<std::string> names = header_names(options.mode);
  py::dict columns;
  columns[py::str(names[0])] = to_list(c.flow_id);
  columns[py::str(names[1])] = to_list(c.src);
  columns[py::str(names[2])] = to_array(c.src_port);
  columns[py::str(names[3])] = to_list(c.dst);
  columns[py::str(names[4])] = to_array(c.dst_port);
  columns[py::str(names[5])] = to_array(c.protocol);
  columns[py::str(names[6])] = to_list(c.timestamp);
  py::dict out;
  if (matrix) {  // every value column as float64, in one rows x 76 array: one pandas block, no per-column copies
    const std::size_t rows = c.flow_id.size();
    py::array_t<double> values({rows, kCicValueColumns});
    double* data = values.mutable_data();
    {
      py::gil_scoped_release released;
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t i = 0; i < kCicValueColumns; ++i) data[r * kCicValueColumns + i] = c.values[i][r];
      }
    }
    out["matrix"] = values;
  } else {
    for (std::size_t i = 0; i < kCicValueColumns; ++i) {
      if (c.is_double[i]) {
        columns[py::str(names[7 + i])] = to_array(c.values[i]);
      } else {
        std::vector<std::int64_t> ints(c.values[i].begin(), c.values[i].end());
        columns[py::str(names[7 + i])] = to_array(ints);
      }
    }
  }
  columns[py::str(names.back())] = to_list(c.label);
  out["columns"] = columns;
  out["order"] = names;
  out["truncated"] = c.truncated ? py::object(py::str(c.truncation)) : py::object(py::none());
  return out;
}

// A duration option as the CLI reads it (300s, 500ms, 2m ...).
Duration duration_of(const std::string& text, const char* what) {
  const auto d = parse_duration(text);
  if (!d || *d == 0) throw UsageError(std::string("profile: ") + what + " expects a duration like 30s, got '" + text + "'");
  return *d;
}

// profile's records, column by column, with the values `flowreplay profile` writes
// (exporters/profile_writer.cpp, docs/profile.md): times in ms from the first packet, rounded
// down to `time_decimals` places; ports 0 unless TCP or UDP.
py::dict profile(const std::string& path, const std::optional<std::string>& active_timeout,
                 const std::string& inactive_timeout, bool addresses, int time_decimals, const std::optional<std::string>& shard) {
  if (time_decimals < 0 || time_decimals > 6) throw UsageError("profile: time_decimals must be 0 to 6");
  MeterOptions options;
  options.active_timeout = active_timeout ? duration_of(*active_timeout, "active_timeout")
                                          : Duration{100} * 365 * 24 * 3600 * kNanosPerSecond;  // never, as the CLI
  options.inactive_timeout = duration_of(inactive_timeout, "inactive_timeout");
  if (shard) {
    const auto parsed = Shard::parse(*shard);
    if (!parsed) throw UsageError("profile: shard expects K/N with 0 <= K < N <= 65536, such as 0/4, got '" + *shard + "'");
    options.shard = *parsed;
  }
  std::vector<std::string> src, dst;
  std::array<std::vector<std::int64_t>, 8> ints;  // L3_PROTO ... BYTES_REV
  std::array<std::vector<std::int64_t>, 2> times;   // in units of 10^-time_decimals ms
  bool truncated = false;
  std::string truncation;
  {
    py::gil_scoped_release released;
    auto reader = open_reader(path);
    Timestamp origin = 0;
    std::int64_t unit = 1;  // ns per time unit
    for (int i = time_decimals; i < 6; ++i) unit *= 10;
    FlowMeter meter(options, [&](const FlowRecord& r) {
      if (addresses) {
        src.push_back(r.src.to_string());
        dst.push_back(r.dst.to_string());
      }
      times[0].push_back((r.start > origin ? r.start - origin : 0) / unit);
      times[1].push_back((r.end > origin ? r.end - origin : 0) / unit);
      const bool ports = r.l4_proto == 6 || r.l4_proto == 17;
      ints[0].push_back(r.src.version());
      ints[1].push_back(r.l4_proto);
      ints[2].push_back(ports ? r.src_port : 0);
      ints[3].push_back(ports ? r.dst_port : 0);
      ints[4].push_back(static_cast<std::int64_t>(r.packets));
      ints[5].push_back(static_cast<std::int64_t>(r.bytes));
      ints[6].push_back(static_cast<std::int64_t>(r.packets_rev));
      ints[7].push_back(static_cast<std::int64_t>(r.bytes_rev));
    });
    PacketMeter* meters[] = {&meter};
    CaptureCallbacks callbacks;
    callbacks.on_first = [&](Timestamp first) { origin = first; };
    const CaptureStats s = run_capture(*reader, meters, callbacks);
    truncated = s.truncated;
    truncation = reader->truncation_message();
  }
  std::vector<std::string> names;
  py::dict columns;
  if (addresses) {
    names = {"SRC_IP", "DST_IP"};
    columns["SRC_IP"] = to_list(src);
    columns["DST_IP"] = to_list(dst);
  }
  double scale = 1;
  for (int i = 0; i < time_decimals; ++i) scale *= 10;
  for (int t = 0; t < 2; ++t) {
    const char* name = t == 0 ? "START_TIME" : "END_TIME";
    names.emplace_back(name);
    if (time_decimals == 0) {
      columns[name] = to_array(times[t]);
    } else {  // the decimal the CLI writes, as the nearest double (what a correctly rounding parser reads)
      std::vector<double> ms(times[t].size());
      for (std::size_t i = 0; i < ms.size(); ++i) ms[i] = static_cast<double>(times[t][i]) / scale;
      columns[name] = to_array(ms);
    }
  }
  const char* int_names[] = {"L3_PROTO", "L4_PROTO", "SRC_PORT", "DST_PORT", "PACKETS", "BYTES", "PACKETS_REV", "BYTES_REV"};
  for (std::size_t i = 0; i < ints.size(); ++i) {
    names.emplace_back(int_names[i]);
    columns[int_names[i]] = to_array(ints[i]);
  }
  py::dict out;
  out["columns"] = columns;
  out["order"] = names;
  out["truncated"] = truncated ? py::object(py::str(truncation)) : py::object(py::none());
  return out;
}

// gen's ground-truth report, column by column (docs/output.md).
class ReportColumns : public FlowRecordSink {
 public:
  void write(const FlowRecord& r) override {
    src.push_back(r.src.to_string());
    dst.push_back(r.dst.to_string());
    ints[0].push_back(r.src_port);
    ints[1].push_back(r.dst_port);
    ints[2].push_back(r.src.version());
    ints[3].push_back(r.l4_proto);
    ints[4].push_back(r.start);
    ints[5].push_back(r.end);
    ints[6].push_back(static_cast<std::int64_t>(r.packets));
    ints[7].push_back(static_cast<std::int64_t>(r.bytes));
    ints[8].push_back(static_cast<std::int64_t>(r.packets_rev));
    ints[9].push_back(static_cast<std::int64_t>(r.bytes_rev));
    app.emplace_back(r.app);
    ints[10].push_back(r.start_fwd);
    ints[11].push_back(r.end_fwd);
    ints[12].push_back(r.start_rev);
    ints[13].push_back(r.end_rev);
  }
  void finish() override {}

  std::vector<std::string> src, dst, app;
  std::array<std::vector<std::int64_t>, 14> ints;
};

// The report's column names, in order (docs/output.md).
std::vector<std::string> report_names() {
  std::vector<std::string> names;
  for (std::string_view h = ReportWriter::kHeader;;) {
    const std::size_t comma = h.find(',');
    names.emplace_back(h.substr(0, comma));
    if (comma == std::string_view::npos) return names;
    h.remove_prefix(comma + 1);
  }
}

// A sink that keeps nothing: gen without a capture.
class DiscardSink : public PacketSink {
 public:
  std::uint8_t* reserve(std::size_t max_len) override {
    if (buf_.size() < max_len) buf_.resize(max_len);
    return buf_.data();
  }
  void commit(Timestamp /*ts*/, std::size_t /*len*/) override {}
  void finish() override {}
  [[nodiscard]] std::uint64_t bytes_written() const override { return 0; }

 private:
  std::vector<std::uint8_t> buf_;
};

py::dict gen(const std::optional<std::string>& config_path, const std::optional<std::uint64_t>& flows, std::uint64_t seed,
             const std::optional<std::string>& pcap, const std::optional<std::string>& shard_text) {
  Shard shard;
  if (shard_text) {
    const auto parsed = Shard::parse(*shard_text);
    if (!parsed) throw UsageError("gen: shard expects K/N with 0 <= K < N <= 65536, such as 0/4, got '" + *shard_text + "'");
    shard = *parsed;
  }
  GenConfig config = config_path ? load_gen_config_file(*config_path) : default_gen_config();
  if (flows) {
    if (*flows == 0) throw UsageError("gen: flows must be at least 1");
    config.max_flows = *flows;
    config.duration.reset();
  }
  config.seed = seed;
  ReportColumns report;
  {
    py::gil_scoped_release released;
    std::unique_ptr<PacketSink> sink;
    if (pcap) {
      sink = std::make_unique<PcapngWriter>(*pcap, "flowreplay " FLOWREPLAY_VERSION " (Python)", false);
    } else {
      sink = std::make_unique<DiscardSink>();
    }
    MixFlowSource source(config, effective_flows_per_second(config), config.seed);
    Synthesizer synth(config, source, *sink, &report);
    synth.set_shard(shard);  // as gen --shard
    synth.run();
  }
  const std::vector<std::string> names = report_names();
  py::dict columns;
  std::size_t next_int = 0;
  for (const std::string& n : names) {
    if (n == "SRC_IP") {
      columns[py::str(n)] = to_list(report.src);
    } else if (n == "DST_IP") {
      columns[py::str(n)] = to_list(report.dst);
    } else if (n == "APP") {
      columns[py::str(n)] = to_list(report.app);
    } else {
      columns[py::str(n)] = to_array(report.ints[next_int++]);
    }
  }
  py::dict out;
  out["columns"] = columns;
  out["order"] = names;
  return out;
}

// One decoded packet, as Python sees it.
struct PyPacket {
  RawPacket p;
};

// The packets of a capture, decoded in batches with the GIL released.
class PacketIterator {
 public:
  explicit PacketIterator(const std::string& path) : reader_(open_reader(path)) {}

  PyPacket next() {
    if (pos_ == batch_.size()) {
      batch_.clear();
      pos_ = 0;
      {
        py::gil_scoped_release released;
        CapturedFrame frame;
        while (batch_.size() < kBatch && reader_->next(frame)) {
          const int link = frame.link_type >= 0 ? frame.link_type : reader_->link_type();
          if (auto p = decode_packet(link, frame.data, frame.caplen, frame.ts, stats_)) batch_.push_back(*p);
        }
      }
      if (batch_.empty()) throw py::stop_iteration();
    }
    return PyPacket{batch_[pos_++]};
  }
  [[nodiscard]] const DecodeStats& stats() const { return stats_; }
  [[nodiscard]] bool truncated() const { return reader_->truncated(); }

 private:
  static constexpr std::size_t kBatch = 4096;
  std::unique_ptr<PcapReader> reader_;
  std::vector<RawPacket> batch_;
  std::size_t pos_ = 0;
  DecodeStats stats_;
};

}  // namespace
}  // namespace flowreplay

PYBIND11_MODULE(_flowreplay, m) {
  using namespace flowreplay;
  m.doc() = "flowreplay's library for Python: use the flowreplay package (docs/python.md)";
  m.attr("__version__") = FLOWREPLAY_VERSION;
  // The CLI's errors keep their messages: a bad file is an OSError, a bad value a ValueError.
  py::register_exception_translator([](std::exception_ptr e) {
    try {
      if (e) std::rethrow_exception(e);
    } catch (const IoError& x) {
      PyErr_SetString(PyExc_OSError, x.what());
    } catch (const ConfigError& x) {
      PyErr_SetString(PyExc_ValueError, (std::string("config error: ") + x.what()).c_str());
    } catch (const UsageError& x) {
      PyErr_SetString(PyExc_ValueError, x.what());
    }
  });
  m.def("features", &features, py::arg("path"), py::arg("cic") = "head", py::arg("labels") = py::none(),
        py::arg("label_column") = "APP", py::arg("default_label") = "BENIGN", py::arg("tz") = "UTC",
        py::arg("shard") = py::none(), py::arg("matrix") = false);
  m.def("profile", &profile, py::arg("path"), py::arg("active_timeout") = py::none(), py::arg("inactive_timeout") = "30s",
        py::arg("addresses") = false, py::arg("time_decimals") = 0, py::arg("shard") = py::none());
  m.def("gen_header", &report_names);
  m.def("features_header", [](const std::string& cic) { return header_names(mode_of(cic)); }, py::arg("cic") = "head");
  m.def("gen", &gen, py::arg("config") = py::none(), py::arg("flows") = py::none(), py::arg("seed") = 1,
        py::arg("pcap") = py::none(), py::arg("shard") = py::none());

  py::class_<PyPacket>(m, "RawPacket", "One decoded packet (ingest/raw_packet.hpp); times in ns since the epoch")
      .def_property_readonly("ts", [](const PyPacket& x) { return x.p.ts; })
      .def_property_readonly("src", [](const PyPacket& x) { return x.p.src.to_string(); })
      .def_property_readonly("dst", [](const PyPacket& x) { return x.p.dst.to_string(); })
      .def_property_readonly("src_port", [](const PyPacket& x) { return x.p.src_port; })
      .def_property_readonly("dst_port", [](const PyPacket& x) { return x.p.dst_port; })
      .def_property_readonly("protocol", [](const PyPacket& x) { return x.p.protocol; })
      .def_property_readonly("ip_version", [](const PyPacket& x) { return x.p.ip_version; })
      .def_property_readonly("l3_len", [](const PyPacket& x) { return x.p.l3_len; })
      .def_property_readonly("header_len", [](const PyPacket& x) { return x.p.header_len; })
      .def_property_readonly("payload_len", [](const PyPacket& x) { return x.p.payload_len; })
      .def_property_readonly("tcp_flags", [](const PyPacket& x) { return x.p.tcp_flags; })
      .def_property_readonly("window", [](const PyPacket& x) { return x.p.window; })
      .def_property_readonly("vlan", [](const PyPacket& x) { return x.p.vlan; })
      .def_property_readonly("icmp_type_code", [](const PyPacket& x) { return x.p.icmp_type_code; })
      .def_property_readonly("icmp_id", [](const PyPacket& x) { return x.p.icmp_id; })
      .def_property_readonly("fragment", [](const PyPacket& x) { return x.p.fragment; })
      .def("__repr__", [](const PyPacket& x) {
        return "RawPacket(ts=" + std::to_string(x.p.ts) + ", " + x.p.src.to_string() + ":" + std::to_string(x.p.src_port) +
               " -> " + x.p.dst.to_string() + ":" + std::to_string(x.p.dst_port) + ", protocol " +
               std::to_string(x.p.protocol) + ", " + std::to_string(x.p.l3_len) + " bytes)";
      });
  py::class_<PacketIterator>(m, "PacketIterator")
      .def(py::init<const std::string&>())
      .def("__iter__", [](PacketIterator& it) -> PacketIterator& { return it; })
      .def("__next__", &PacketIterator::next)
      .def_property_readonly("skipped", [](const PacketIterator& it) { return it.stats().skipped_total(); })
      .def_property_readonly("truncated", &PacketIterator::truncated);
}
