// SPDX-License-Identifier: MIT
// flowreplay fit: a mixture of distributions fitted to a csv_hist histogram, written in
// flow-models' JSON layout (docs/fit.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/stats/mixture_fit.hpp"
#include "flowreplay/io/output_file.hpp"
#include "flowreplay/synth/flow_model.hpp"

namespace flowreplay::cli {

namespace {

struct FitCommandOptions {
  std::string input;
  std::string output = "-";
  std::string components = "uniform:6,lognorm:4";
  std::string initial;
  std::string y = "flows";
  int iterations = 100;
  bool quiet = false;
  bool no_partial = false;
};

int run_fit(const FitCommandOptions& o) {
  if (o.y != "flows" && o.y != "packets" && o.y != "octets") {
    throw UsageError("fit: -y expects flows, packets or octets, got '" + o.y + "'");
  }
  const std::vector<HistogramRow> rows = read_csv_hist(o.input);
  std::vector<double> weights;
  weights.reserve(rows.size());
  for (const HistogramRow& r : rows) weights.push_back(o.y == "flows" ? r.flows : o.y == "packets" ? r.packets : r.octets);
  double min_x = 0, max_x = 0;
  bool any = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (!any) min_x = static_cast<double>(rows[i].lo);
    max_x = static_cast<double>(rows[i].lo);
    any = true;
  }
  if (!any) throw ConfigError(o.input + ": no bin has " + o.y + "; nothing to fit");
  std::vector<MixtureComponent> start;
  if (!o.initial.empty()) {
    start = Mixture::load(o.initial).components();  // flow-models' --initial
  } else {
    start = initial_mixture(o.components, min_x, max_x);
  }
  FitOptions options;
  options.max_iterations = o.iterations;
  const auto t0 = std::chrono::steady_clock::now();
  const FitResult fit = fit_mixture(rows, weights, start, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  OutputFile out(o.output, std::size_t{1} << 16, !o.no_partial);
  const std::string json = mixture_json(fit.mix, fit.sum);
  out.write(json.data(), json.size());
  out.close();
  if (!o.quiet) {
    std::fprintf(stderr,
                 "flowreplay fit: %zu bins, %.0f %s, %zu components, %d iterations in %.3f s; log-likelihood %.6g; largest "
                 "CDF gap to the histogram %.5f\n",
                 rows.size(), fit.sum, o.y.c_str(), fit.mix.size(), fit.iterations, seconds, fit.log_likelihood, fit.ks);
    if (fit.explained < fit.sum) {
      std::fprintf(stderr, "  %.0f %s in bins no component can produce (x below 1: zero durations or sizes) were left out of the fit\n",
                   fit.sum - fit.explained, o.y.c_str());
    }
  }
  return 0;
}

}  // namespace

Runner add_fit(CLI::App& app) {
  auto opts = std::make_shared<FitCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fit",
      "Fit a mixture of distributions to a flow histogram (csv_hist, as `stats` and flow-models' hist write it) by "
      "expectation-maximisation on the binned data, and write it in flow-models' JSON layout, which gen --model and "
      "flow-models read (docs/fit.md).");
  cmd->add_option("histogram", opts->input, "csv_hist file: bin_lo[,bin_hi],flows_sum,packets_sum,octets_sum")->required();
  cmd->add_option("-o,--output", opts->output, "Model JSON to write (default: stdout)");
  cmd->add_option("--components", opts->components,
                  "Components to start from, as flow-models' -U/-L: uniform:K (supports [0,1] .. [0,K], weights learnt), "
                  "lognorm:K, norm:K (default uniform:6,lognorm:4, the shape of the published length models)");
  cmd->add_option("--initial", opts->initial, "Start from this model JSON instead (flow-models' --initial)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-y", opts->y,
                  "Which sums to fit: flows (the distribution to sample, flows.json; default), packets or octets (the "
                  "weighted ones, packets.json and octets.json)");
  cmd->add_option("-i,--iterations", opts->iterations, "Most EM iterations (default 100, flow-models' -i); fewer when it converges")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on stderr");
  add_partial_flag(cmd, opts->no_partial);
  cmd->footer(help_footer(
      "  flowreplay stats trace.pcap -o length.csv && flowreplay fit length.csv -o flows.json\n"
      "  flowreplay fit length.csv -y packets -o packets.json; flowreplay fit length.csv -y octets -o octets.json\n"
      "  flowreplay gen --model .   # the three files of a directory make a length model\n"));
  return [opts]() { return run_fit(*opts); };
}

}  // namespace flowreplay::cli
