// SPDX-License-Identifier: MIT
#include "flowreplay/core/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace flowreplay {

std::optional<MixtureDist> parse_mixture_dist(std::string_view name) {
  if (name == "uniform") return MixtureDist::kUniform;
  if (name == "lognorm") return MixtureDist::kLognorm;
  if (name == "norm") return MixtureDist::kNorm;
  if (name == "weibull_min") return MixtureDist::kWeibullMin;
  if (name == "genpareto") return MixtureDist::kGenpareto;
  return std::nullopt;
}

std::string_view mixture_dist_name(MixtureDist dist) {
  switch (dist) {
    case MixtureDist::kUniform: return "uniform";
    case MixtureDist::kLognorm: return "lognorm";
    case MixtureDist::kNorm: return "norm";
    case MixtureDist::kWeibullMin: return "weibull_min";
    case MixtureDist::kGenpareto: return "genpareto";
  }
  return "uniform";
}

// A standard normal deviate (Box-Muller; one of the pair is enough here).
double standard_normal(Rng& rng) {
  const double u1 = rng.uniform();
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double component_cdf(const MixtureComponent& c, double x) {
  const double y = (x - c.loc) / c.scale;
  switch (c.dist) {
    case MixtureDist::kUniform: return std::clamp(y, 0.0, 1.0);
    case MixtureDist::kLognorm: return y <= 0 ? 0.0 : 0.5 * std::erfc(-std::log(y) / (c.shape * std::numbers::sqrt2));
    case MixtureDist::kNorm: return 0.5 * std::erfc(-y / std::numbers::sqrt2);
    case MixtureDist::kWeibullMin: return y <= 0 ? 0.0 : -std::expm1(-std::pow(y, c.shape));
    case MixtureDist::kGenpareto:
      if (y <= 0) return 0.0;
      if (c.shape == 0) return -std::expm1(-y);
      if (1 + c.shape * y <= 0) return 1.0;  // past the upper end (c < 0)
      return -std::expm1(-std::log1p(c.shape * y) / c.shape);
  }
  return 0;
}

double component_pdf(const MixtureComponent& c, double x) {
  const double y = (x - c.loc) / c.scale;
  switch (c.dist) {
    case MixtureDist::kUniform: return (y >= 0 && y < 1) ? 1.0 / c.scale : 0.0;
    case MixtureDist::kLognorm: {
      if (y <= 0) return 0.0;
      const double l = std::log(y) / c.shape;
      return std::exp(-0.5 * l * l) / (c.shape * y * std::sqrt(2.0 * std::numbers::pi)) / c.scale;
    }
    case MixtureDist::kNorm: return std::exp(-0.5 * y * y) / std::sqrt(2.0 * std::numbers::pi) / c.scale;
    case MixtureDist::kWeibullMin:
      if (y <= 0) return 0.0;
      return c.shape * std::pow(y, c.shape - 1) * std::exp(-std::pow(y, c.shape)) / c.scale;
    case MixtureDist::kGenpareto:
      if (y < 0) return 0.0;
      if (c.shape == 0) return std::exp(-y) / c.scale;
      if (1 + c.shape * y <= 0) return 0.0;
      return std::exp(-(1 / c.shape + 1) * std::log1p(c.shape * y)) / c.scale;
  }
  return 0;
}

double component_draw(const MixtureComponent& c, Rng& rng) {
  switch (c.dist) {
    case MixtureDist::kUniform: return c.loc + c.scale * rng.uniform();
    case MixtureDist::kLognorm: return c.loc + c.scale * std::exp(c.shape * standard_normal(rng));
    case MixtureDist::kNorm: return c.loc + c.scale * standard_normal(rng);
    case MixtureDist::kWeibullMin: return c.loc + c.scale * std::pow(-std::log1p(-rng.uniform()), 1 / c.shape);
    case MixtureDist::kGenpareto: {
      const double e = -std::log1p(-rng.uniform());  // standard exponential
      return c.loc + c.scale * (c.shape == 0 ? e : std::expm1(c.shape * e) / c.shape);
    }
  }
  return c.loc;
}

}  // namespace flowreplay
