// SPDX-License-Identifier: MIT
// The continuous distributions of flow-models' mixtures, with scipy.stats' names and parameters:
// uniform [loc, scale] (U[loc, loc+scale)), lognorm [s, loc, scale] (loc + scale·e^(s·N(0,1))),
// norm [loc, scale], weibull_min [c, loc, scale], genpareto [c, loc, scale]. Their distribution
// function, density and draws, shared by the model sampler (synth/flow_model.hpp) and the
// mixture fit (ingest/stats/mixture_fit.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "flowreplay/core/rng.hpp"

namespace flowreplay {

enum class MixtureDist : std::uint8_t { kUniform, kLognorm, kNorm, kWeibullMin, kGenpareto };

// "uniform", "lognorm", "norm", "weibull_min", "genpareto"; nullopt otherwise.
std::optional<MixtureDist> parse_mixture_dist(std::string_view name);
std::string_view mixture_dist_name(MixtureDist dist);

struct MixtureComponent {
  double weight = 0;
  MixtureDist dist = MixtureDist::kUniform;
  double shape = 0;  // s (lognorm) or c (weibull_min, genpareto); unused by uniform and norm
  double loc = 0;
  double scale = 1;
};

double component_cdf(const MixtureComponent& c, double x);
double component_pdf(const MixtureComponent& c, double x);
double component_draw(const MixtureComponent& c, Rng& rng);
// A standard normal deviate (Box-Muller).
double standard_normal(Rng& rng);

}  // namespace flowreplay
