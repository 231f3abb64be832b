// SPDX-License-Identifier: MIT
#include "flowreplay/ingest/stats/mixture_fit.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

namespace {

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t comma = line.find(',');
    std::string_view f = line.substr(0, comma);
    while (!f.empty() && (f.front() == ' ' || f.front() == '"')) f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '"' || f.back() == '\r')) f.remove_suffix(1);
    out.push_back(f);
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

bool parse_number(std::string_view s, double& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc{} && p == s.data() + s.size() && std::isfinite(v);
}

constexpr double kInvSqrt2 = 1.0 / std::numbers::sqrt2;
constexpr double kInvSqrt2Pi = 0.3989422804014327;

double phi(double z) { return std::isfinite(z) ? kInvSqrt2Pi * std::exp(-0.5 * z * z) : 0.0; }

// P(a < Z < b) for a standard normal Z, accurate in both tails.
double normal_mass(double a, double b) {
  if (a >= 0) return 0.5 * (std::erfc(a * kInvSqrt2) - std::erfc(b * kInvSqrt2));
  if (b <= 0) return 0.5 * (std::erfc(-b * kInvSqrt2) - std::erfc(-a * kInvSqrt2));
  return 1.0 - 0.5 * (std::erfc(-a * kInvSqrt2) + std::erfc(b * kInvSqrt2));
}

// E[Y] and E[Y²] of Y ~ N(mu, sigma²) truncated to [lo, hi] (lo may be -inf): the moments a
// grouped-data M-step needs. Where the interval is too far in a tail for the mass to be
// computed, its midpoint stands for it.
std::pair<double, double> truncated_moments(double mu, double sigma, double lo, double hi) {
  const double a = (lo - mu) / sigma;
  const double b = (hi - mu) / sigma;
  const double z = normal_mass(a, b);
  if (!(z > 1e-300)) {
    const double m = std::isfinite(lo) ? 0.5 * (lo + hi) : hi;
    return {m, m * m};
  }
  const double pa = phi(a), pb = phi(b);
  const double ex = (pa - pb) / z;
  const double ex2 = 1.0 + ((std::isfinite(a) ? a * pa : 0.0) - b * pb) / z;
  return {mu + sigma * ex, mu * mu + 2 * mu * sigma * ex + sigma * sigma * ex2};
}

std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::vector<HistogramRow> parse_csv_hist(std::string_view text, const std::string& name) {
  std::vector<HistogramRow> rows;
  std::uint64_t line_no = 0;
  int lo = -1, hi = -1, fl = -1, pk = -1, oc = -1;
  std::size_t fields = 0;
  bool header = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto f = split_commas(line);
    auto fail = [&](const std::string& what) { throw ConfigError(name + ":" + std::to_string(line_no) + ": " + what); };
    if (!header) {
      header = true;
      fields = f.size();
      for (std::size_t i = 0; i < f.size(); ++i) {
        const int at = static_cast<int>(i);
        if (f[i] == "bin_lo") lo = at;
        if (f[i] == "bin_hi") hi = at;
        if (f[i] == "flows_sum" || f[i] == "flows") fl = at;
        if (f[i] == "packets_sum" || f[i] == "packets") pk = at;
        if (f[i] == "octets_sum" || f[i] == "octets") oc = at;
      }
      if (lo < 0 || fl < 0) fail("not a csv_hist header (bin_lo, bin_hi, flows_sum, packets_sum, octets_sum expected)");
      continue;
    }
    if (f.size() != fields) fail(std::to_string(f.size()) + " fields, the header has " + std::to_string(fields));
    HistogramRow r;
    double v = 0;
    if (!parse_number(f[static_cast<std::size_t>(lo)], v) || v < 0 || v >= 1.8e19 || v != std::floor(v)) {
      fail("bin_lo: a whole number 0 to 2^64 expected");
    }
    r.lo = static_cast<std::uint64_t>(v);
    r.hi = r.lo + 1;
    if (hi >= 0) {
      if (!parse_number(f[static_cast<std::size_t>(hi)], v) || v >= 1.8e19 || v != std::floor(v) || v <= static_cast<double>(r.lo)) {
        fail("bin_hi: a whole number above bin_lo expected");
      }
      r.hi = static_cast<std::uint64_t>(v);
    }
    auto count = [&](int column, double& out, const char* what) {
      if (column < 0) return;
      if (!parse_number(f[static_cast<std::size_t>(column)], out) || out < 0) fail(std::string(what) + ": a count of 0 or more expected");
    };
    count(fl, r.flows, "flows_sum");
    count(pk, r.packets, "packets_sum");
    count(oc, r.octets, "octets_sum");
    if (!rows.empty() && r.lo < rows.back().hi) fail("bin_lo: bins must ascend without overlapping");
    rows.push_back(r);
  }
  if (!header) throw ConfigError(name + ":1: empty; a csv_hist header and rows expected");
  return rows;
}

std::vector<HistogramRow> read_csv_hist(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open", errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path, "read failed", errno);
  return parse_csv_hist(text.str(), path);
}

std::vector<MixtureComponent> initial_mixture(std::string_view spec, double min_x, double max_x) {
  int uniforms = 0, lognorms = 0, norms = 0;
  std::string_view rest = spec;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::size_t colon = item.find(':');
    const std::string_view name = item.substr(0, colon);
    int n = 0;
    const std::string_view digits = colon == std::string_view::npos ? std::string_view{} : item.substr(colon + 1);
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size() || n < 1 || n > 64) {
      throw UsageError("fit: --components: '" + std::string(item) + "' is not DIST:COUNT with COUNT 1 to 64");
    }
    if (name == "uniform") {
      uniforms += n;
    } else if (name == "lognorm") {
      lognorms += n;
    } else if (name == "norm") {
      norms += n;
    } else {
      throw UsageError("fit: --components: '" + std::string(name) + "': fit takes uniform, lognorm and norm components");
    }
  }
  if (uniforms + lognorms + norms == 0) throw UsageError("fit: --components: no components");
  std::vector<MixtureComponent> mix;
  min_x = std::max(min_x, 1.0);  // lengths and sizes start at 1; a bin at 0 has no mass (docs/fit.md)
  for (int k = 0; k < uniforms; ++k) mix.push_back({0.1, MixtureDist::kUniform, 0, 0, min_x + k});
  // The others' centres spread geometrically over the data, as flow-models' initial_mix.
  const int spread = lognorms + norms;
  const double from = std::max(1.0, min_x + std::max(uniforms, 1) - 1);
  const double to = std::max(from, max_x);
  for (int k = 0; k < spread; ++k) {
    const double centre = spread == 1 ? from : from * std::pow(to / from, static_cast<double>(k) / (spread - 1));
    if (k < lognorms) {
      mix.push_back({0.1, MixtureDist::kLognorm, 2.0, 0, centre});
    } else {
      mix.push_back({0.1, MixtureDist::kNorm, 0, centre, std::max(1.0, centre / 2)});
    }
  }
  return mix;
}

double mixture_cdf(const std::vector<MixtureComponent>& mix, double x) {
  double total = 0, p = 0;
  for (const MixtureComponent& c : mix) {
    total += c.weight;
    p += c.weight * component_cdf(c, x);
  }
  return total > 0 ? p / total : 0.0;
}

FitResult fit_mixture(const std::vector<HistogramRow>& rows, const std::vector<double>& weights,
                      std::vector<MixtureComponent> mix, const FitOptions& options) {
  FitResult result;
  const std::size_t n = rows.size();
  const std::size_t k = mix.size();
  for (const MixtureComponent& c : mix) {
    if (c.dist != MixtureDist::kUniform && c.dist != MixtureDist::kLognorm && c.dist != MixtureDist::kNorm) {
      throw UsageError("fit: only uniform, lognorm and norm components can be fitted");
    }
    if (!(c.scale > 0) || !std::isfinite(c.scale) || !(c.weight >= 0) || (c.dist == MixtureDist::kLognorm && !(c.shape > 0))) {
      throw UsageError("fit: every initial component needs a positive scale (and shape), and a weight of 0 or more");
    }
  }
  double total_weight = 0;
  for (const MixtureComponent& c : mix) total_weight += c.weight;
  for (MixtureComponent& c : mix) c.weight = total_weight > 0 ? c.weight / total_weight : 1.0 / static_cast<double>(k);
  for (double w : weights) result.sum += w;
  // Each bin as an interval of the continuous value: [lo - 1, hi - 1).
  std::vector<double> a(n), b(n), log_a(n), log_b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = static_cast<double>(rows[i].lo) - 1.0;
    b[i] = static_cast<double>(rows[i].hi) - 1.0;
    log_a[i] = a[i] > 0 ? std::log(a[i]) : -std::numeric_limits<double>::infinity();
    log_b[i] = b[i] > 0 ? std::log(b[i]) : -std::numeric_limits<double>::infinity();
  }
  std::vector<double> mass(n * k);  // component j's mass over bin i, weighted
  double previous = -std::numeric_limits<double>::infinity();
  for (int it = 0; it < options.max_iterations; ++it) {
    // E-step: every component's share of every bin.
    double log_likelihood = 0;
    double explained = 0;  // the weight of bins some component can produce
    for (std::size_t i = 0; i < n; ++i) {
      double bin_total = 0;
      for (std::size_t j = 0; j < k; ++j) {
        const double m = mix[j].weight * std::max(0.0, component_cdf(mix[j], b[i]) - component_cdf(mix[j], a[i]));
        mass[i * k + j] = m;
        bin_total += m;
      }
      if (bin_total > 0) {
        for (std::size_t j = 0; j < k; ++j) mass[i * k + j] /= bin_total;
        log_likelihood += weights[i] * std::log(bin_total);
        explained += weights[i];
      }
    }
    result.explained = explained;
    result.iterations = it + 1;
    result.log_likelihood = log_likelihood;
    const bool converged = std::abs(log_likelihood - previous) <= options.tolerance * std::abs(log_likelihood);
    previous = log_likelihood;
    if (converged) break;
    // M-step.
    for (std::size_t j = 0; j < k; ++j) {
      MixtureComponent& c = mix[j];
      double share = 0, s1 = 0, s2 = 0;
      const bool in_logs = c.dist == MixtureDist::kLognorm;
      const double mu = in_logs ? std::log(c.scale) : c.loc;
      const double sigma = in_logs ? c.shape : c.scale;
      for (std::size_t i = 0; i < n; ++i) {
        const double r = weights[i] * mass[i * k + j];
        if (r <= 0) continue;
        share += r;
        if (c.dist == MixtureDist::kUniform) continue;
        const auto [m1, m2] = in_logs ? truncated_moments(mu, sigma, log_a[i], log_b[i]) : truncated_moments(mu, sigma, a[i], b[i]);
        s1 += r * m1;
        s2 += r * m2;
      }
      c.weight = explained > 0 ? share / explained : c.weight;
      if (c.dist == MixtureDist::kUniform || share <= 0) continue;
      const double new_mu = s1 / share;
      const double new_sigma = std::sqrt(std::max(s2 / share - new_mu * new_mu, 1e-12));
      if (in_logs) {
        c.scale = std::exp(new_mu);
        c.shape = new_sigma;
      } else {
        c.loc = new_mu;
        c.scale = new_sigma;
      }
    }
  }
  // How far the fit is from the data: the largest CDF gap at the bins' upper edges.
  double cumulative = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cumulative += weights[i];
    const double data = result.sum > 0 ? cumulative / result.sum : 0.0;
    result.ks = std::max(result.ks, std::abs(mixture_cdf(mix, b[i]) - data));
  }
  result.mix = std::move(mix);
  return result;
}

std::string mixture_json(const std::vector<MixtureComponent>& mix, double sum) {
  std::string out = "{\n  \"sum\": " + number_text(std::round(sum)) + ",\n  \"mix\": [\n";
  for (std::size_t i = 0; i < mix.size(); ++i) {
    const MixtureComponent& c = mix[i];
    out += "    [" + number_text(c.weight) + ", \"" + std::string(mixture_dist_name(c.dist)) + "\", [";
    if (c.dist == MixtureDist::kUniform || c.dist == MixtureDist::kNorm) {
      out += number_text(c.loc) + ", " + number_text(c.scale);
    } else {
      out += number_text(c.shape) + ", " + number_text(c.loc) + ", " + number_text(c.scale);
    }
    out += i + 1 < mix.size() ? "]],\n" : "]]\n";
  }
  out += "  ]\n}\n";
  return out;
}

}  // namespace flowreplay
