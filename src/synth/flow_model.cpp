// SPDX-License-Identifier: MIT
#include "flowreplay/synth/flow_model.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

namespace {

constexpr std::size_t kMaxModelBytes = std::size_t{1} << 20;  // the published files are under 1 KiB

[[noreturn]] void fail(const std::string& name, const YAML::Mark& mark, const std::string& what) {
  std::ostringstream os;
  os << name;
  if (mark.line >= 0) os << ':' << mark.line + 1 << ':' << mark.column + 1;
  os << ": " << what;
  throw ConfigError(os.str());
}

double number(const YAML::Node& n, const std::string& name, const char* what) {
  if (!n.IsScalar()) fail(name, n.Mark(), std::string(what) + ": a number expected");
  double v = 0;
  if (!YAML::convert<double>::decode(n, v) || !std::isfinite(v)) fail(name, n.Mark(), std::string(what) + ": a finite number expected");
  return v;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open", errno);
  std::string text;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxModelBytes) throw ConfigError(path + ": larger than 1 MiB; not a flow-models mixture");
  }
  return text;
}

}  // namespace

Mixture Mixture::parse(std::string_view json, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(json));  // JSON is YAML: yaml-cpp reads it
  } catch (const YAML::Exception& e) {
    fail(name, e.mark, e.msg);
  }
  if (!root.IsMap()) fail(name, root.Mark(), "a JSON object {\"sum\": N, \"mix\": [...]} expected");
  Mixture m;
  const YAML::Node sum = root["sum"];
  if (!sum) fail(name, root.Mark(), "no \"sum\"");
  m.sum_ = number(sum, name, "sum");
  if (m.sum_ <= 0) fail(name, sum.Mark(), "sum: a positive number expected");
  const YAML::Node mix = root["mix"];
  if (!mix || !mix.IsSequence() || mix.size() == 0) fail(name, root.Mark(), "\"mix\": a list of [weight, \"dist\", [params]] expected");
  double total = 0;
  for (const YAML::Node& entry : mix) {
    if (!entry.IsSequence() || entry.size() != 3 || !entry[1].IsScalar() || !entry[2].IsSequence()) {
      fail(name, entry.Mark(), "a component is [weight, \"dist\", [params]]");
    }
    MixtureComponent c;
    c.weight = number(entry[0], name, "weight");
    if (c.weight < 0) fail(name, entry[0].Mark(), "weight: not negative");
    const std::string dist = entry[1].Scalar();
    const YAML::Node params = entry[2];
    std::vector<double> p;
    for (const YAML::Node& v : params) p.push_back(number(v, name, "parameter"));
    auto need = [&](std::size_t n, const char* layout) {
      if (p.size() != n) fail(name, params.Mark(), dist + ": " + std::to_string(n) + " parameters expected, " + layout);
    };
    const auto kind = parse_mixture_dist(dist);
    if (!kind) {
      fail(name, entry[1].Mark(),
           "unknown distribution '" + dist + "' (uniform, lognorm, norm, weibull_min and genpareto are supported)");
    }
    c.dist = *kind;
    if (c.dist == MixtureDist::kUniform || c.dist == MixtureDist::kNorm) {
      need(2, "[loc, scale]");
      c.loc = p[0], c.scale = p[1];
    } else {
      need(3, "[shape, loc, scale]");
      c.shape = p[0], c.loc = p[1], c.scale = p[2];
      if (c.dist != MixtureDist::kGenpareto && c.shape <= 0) fail(name, params.Mark(), dist + ": the shape must be positive");
    }
    if (c.scale <= 0) fail(name, params.Mark(), dist + ": the scale must be positive");
    total += c.weight;
    m.components_.push_back(c);
  }
  if (total <= 0) fail(name, mix.Mark(), "the weights sum to 0");
  double running = 0;
  for (MixtureComponent& c : m.components_) {
    c.weight /= total;
    running += c.weight;
    m.cumulative_.push_back(running);
  }
  m.cumulative_.back() = 1.0;
  return m;
}

Mixture Mixture::load(const std::string& path) { return parse(read_text(path), path); }

double Mixture::cdf(double x) const {
  double p = 0;
  for (const MixtureComponent& c : components_) p += c.weight * component_cdf(c, x);
  return p;
}

double Mixture::pdf(double x) const {
  double p = 0;
  for (const MixtureComponent& c : components_) p += c.weight * component_pdf(c, x);
  return p;
}

double Mixture::draw(Rng& rng) const {
  const double u = rng.uniform();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_.begin()), components_.size() - 1);
  return component_draw(components_[i], rng);
}

FlowModel::FlowModel(Mixture flows, Mixture packets, Mixture octets, ModelAxis axis)
    : flows_(std::move(flows)), packets_(std::move(packets)), octets_(std::move(octets)),
      octets_per_packet_(octets_.sum() / packets_.sum()), axis_(axis) {}

FlowModel FlowModel::load(const std::string& dir, ModelAxis axis) {
  return FlowModel(Mixture::load(dir + "/flows.json"), Mixture::load(dir + "/packets.json"), Mixture::load(dir + "/octets.json"),
                   axis);
}

std::uint64_t FlowModel::draw_x(Rng& rng) const {
  const std::uint64_t floor = axis_ == ModelAxis::kSize ? 64 : 1;  // flow-models raises sizes below 64 to 64
  const double v = flows_.draw(rng);
  if (!(v >= 0)) return floor;  // below zero (a normal component's tail): the smallest flow
  if (v >= 1e15) return 1'000'000'000'000'000ULL;
  return std::max<std::uint64_t>(static_cast<std::uint64_t>(std::floor(v)) + 1, floor);
}

double FlowModel::mean_frame_bytes(std::uint64_t x) const {
  const auto at = static_cast<double>(x);
  double p = 0;
  double o = 0;
  if (x < 1024) {
    p = packets_.cdf(at) - packets_.cdf(at - 1);
    o = octets_.cdf(at) - octets_.cdf(at - 1);
  } else {
    p = packets_.pdf(at);
    o = octets_.pdf(at);
  }
  return p > 0 ? o / p * octets_per_packet_ : 0.0;
}

std::pair<std::uint64_t, std::uint64_t> FlowModel::draw(Rng& rng, double max_frame) const {
  const std::uint64_t x = draw_x(rng);
  double mean = mean_frame_bytes(x);
  if (!(mean >= 64)) mean = mean > 0 ? 64.0 : max_frame;  // 0: the pmfs vanished far in the tail, where packets are large
  mean = std::min(mean, max_frame);
  if (axis_ == ModelAxis::kLength) {
    const double total = mean * static_cast<double>(x);
    const double whole = std::floor(total);
    return {x, static_cast<std::uint64_t>(whole) + (rng.uniform() < total - whole ? 1 : 0)};
  }
  // Size: x bytes in packets of the average size, whole packets of 64 to max_frame bytes.
  const auto bytes = static_cast<double>(x);
  const double exact = bytes / mean;
  auto packets = static_cast<std::uint64_t>(std::floor(exact));
  if (rng.uniform() < exact - std::floor(exact) && bytes / static_cast<double>(packets + 1) >= 64) ++packets;
  packets = std::max<std::uint64_t>(packets, static_cast<std::uint64_t>(std::ceil(bytes / max_frame)));
  return {std::max<std::uint64_t>(packets, 1), x};
}

FlowModels FlowModels::load(const std::string& path, ModelAxis axis) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir(path);
  if (fs::is_regular_file(dir, ec)) dir = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  if (!fs::is_directory(dir, ec)) throw IoError(path, "not a model directory nor a flows.json", ENOENT);
  const char* variable = axis == ModelAxis::kSize ? "size" : "length";
  FlowModels m;
  auto model_dir = [&](const fs::path& base) -> std::string {
    if (fs::is_regular_file(base / variable / "flows.json", ec)) return (base / variable).string();
    if (fs::is_regular_file(base / "flows.json", ec)) return base.string();
    return {};
  };
  if (const std::string one = model_dir(dir); !one.empty()) {
    m.models_.push_back(FlowModel::load(one, axis));
    m.description_ = one + " (one " + variable + " model for every protocol)";
    return m;
  }
  for (const char* proto : {"all", "tcp", "udp"}) {
    const std::string sub = model_dir(dir / proto);
    if (sub.empty()) {
      throw IoError(path, std::string("no ") + proto + "/" + variable +
                              "/flows.json (a model directory holds flows.json, packets.json and octets.json, or "
                              "all/, tcp/ and udp/ with them, as flow-models' mixtures/ does)",
                    0);
    }
    m.models_.push_back(FlowModel::load(sub, axis));
  }
  m.description_ = dir.string() + " (all, tcp and udp " + variable + " models)";
  return m;
}

const FlowModel& FlowModels::for_protocol(std::uint8_t l4) const {
  if (models_.size() == 1) return models_.front();
  if (l4 == 6) return models_[1];
  if (l4 == 17) return models_[2];
  return models_[0];
}

}  // namespace flowreplay
