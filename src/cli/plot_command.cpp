// SPDX-License-Identifier: MIT
// flowreplay plot: histograms and fitted models as an SVG plot, PDF, CDF or CCDF on log axes
// (docs/plot.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "validators.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/ingest/stats/flow_histogram.hpp"
#include "flowreplay/ingest/stats/mixture_fit.hpp"
#include "flowreplay/io/output_file.hpp"
#include "flowreplay/io/svg_plot.hpp"
#include "flowreplay/synth/flow_model.hpp"

namespace flowreplay::cli {

namespace {

struct PlotCommandOptions {
  std::vector<std::string> histograms;
  std::vector<std::string> models;
  std::string output = "-";
  std::string kind = "pdf";
  std::string y = "flows";
  std::string by = "length";
  std::string title;
  bool no_partial = false;
};

enum class Kind { kPdf, kCdf, kCcdf };

std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// The PDF's display bins: every value below 100 its own, then 20 a decade (edges 10^(k/20),
// rounded), so that the sparse tail of a histogram is averaged over wide bins instead of drawn
// as single flows.
std::uint64_t display_edge(int k) { return static_cast<std::uint64_t>(std::llround(std::pow(10.0, k / 20.0))); }

// A histogram's points: the share of the y sum per unit of x in each display bin (PDF, at the
// bin's geometric middle), or the share at or below (CDF) or above (CCDF) each bin's last value.
PlotSeries histogram_series(const std::string& path, Kind kind, const std::string& y) {
  const std::vector<HistogramRow> rows = read_csv_hist(path);
  double total = 0;
  auto value = [&](const HistogramRow& r) { return y == "flows" ? r.flows : y == "packets" ? r.packets : r.octets; };
  for (const HistogramRow& r : rows) total += value(r);
  PlotSeries s;
  s.label = base_name(path);
  if (total <= 0) return s;
  if (kind == Kind::kPdf) {
    std::size_t i = 0;
    int k = 40;  // display_edge(40) = 100
    std::uint64_t previous_end = 0;
    while (i < rows.size()) {
      std::uint64_t start = rows[i].lo;
      std::uint64_t end = start + 1;
      if (start >= 100) {
        while (display_edge(k + 1) <= start) ++k;
        start = std::max(display_edge(k), previous_end);  // a wide row may have taken the edge
        end = display_edge(k + 1);
      }
      end = std::max(end, rows[i].hi);
      double sum = 0;
      for (; i < rows.size() && rows[i].lo < end; ++i) sum += value(rows[i]);
      const double mid = std::sqrt(static_cast<double>(std::max<std::uint64_t>(start, 1)) * static_cast<double>(end - 1));
      previous_end = end;
      if (sum > 0) s.points.push_back({end - start == 1 ? static_cast<double>(start) : mid, sum / total / static_cast<double>(end - start)});
    }
    return s;
  }
  double cumulative = 0;
  for (const HistogramRow& r : rows) {
    cumulative += value(r);
    const auto last = static_cast<double>(r.hi - 1);
    s.points.push_back({last, kind == Kind::kCdf ? cumulative / total : std::max(0.0, 1 - cumulative / total)});
  }
  return s;
}

// A model's curve, with the sampler's x = floor(v) + 1: P(X = x) = F(x) - F(x - 1), P(X <= x) =
// F(x); at every integer to 1 000, then 50 points a decade to `max_x`.
PlotSeries model_series(const std::string& path, Kind kind, double max_x) {
  const Mixture m = Mixture::load(path);
  PlotSeries s;
  s.label = "model " + base_name(path);
  s.dashed = true;
  std::vector<double> xs;
  for (int x = 1; x <= 1000 && x <= max_x; ++x) xs.push_back(x);
  for (double e = 3; std::pow(10, e) <= max_x * 1.0001; e += 0.02) xs.push_back(std::round(std::pow(10, e)));
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double x : xs) {
    const double f = m.cdf(x);
    switch (kind) {
      case Kind::kPdf: s.points.push_back({x, f - m.cdf(x - 1)}); break;
      case Kind::kCdf: s.points.push_back({x, f}); break;
      case Kind::kCcdf: s.points.push_back({x, 1 - f}); break;
    }
  }
  return s;
}

int run_plot(const PlotCommandOptions& o) {
  Kind kind = Kind::kPdf;
  if (o.kind == "cdf") {
    kind = Kind::kCdf;
  } else if (o.kind == "ccdf") {
    kind = Kind::kCcdf;
  } else if (o.kind != "pdf") {
    throw UsageError("plot: --kind expects pdf, cdf or ccdf, got '" + o.kind + "'");
  }
  if (o.y != "flows" && o.y != "packets" && o.y != "octets") throw UsageError("plot: -y expects flows, packets or octets, got '" + o.y + "'");
  const auto axis = parse_stats_axis(o.by);
  if (!axis) throw UsageError("plot: --by expects length, size, duration or rate, got '" + o.by + "'");
  if (o.histograms.empty() && o.models.empty()) throw UsageError("plot: give at least one histogram or --model");
  std::vector<PlotSeries> series;
  double max_x = 1;
  for (const std::string& h : o.histograms) {
    series.push_back(histogram_series(h, kind, o.y));
    for (const PlotPoint& p : series.back().points) max_x = std::max(max_x, p.x);
  }
  if (o.histograms.empty()) max_x = 1e6;
  for (const std::string& m : o.models) series.push_back(model_series(m, kind, max_x));
  PlotOptions po;
  const std::string unit(stats_axis_unit(*axis));
  po.x_label = "flow " + std::string(stats_axis_name(*axis)) + " (" + unit + ")";
  const std::string weighted = o.y == "flows" ? "flows" : o.y;
  switch (kind) {
    case Kind::kPdf: {
      const char* per = *axis == StatsAxis::kLength ? "packet" : *axis == StatsAxis::kSize ? "byte" : *axis == StatsAxis::kDuration ? "ms" : "bit/s";
      po.y_label = "share of " + weighted + " per " + per;
      break;
    }
    case Kind::kCdf: po.y_label = "share of " + weighted + " at or below x"; break;
    case Kind::kCcdf: po.y_label = "share of " + weighted + " above x"; break;
  }
  po.log_y = kind != Kind::kCdf;
  po.legend_top = kind != Kind::kCdf;
  po.title = !o.title.empty() ? o.title
                              : std::string(kind == Kind::kPdf ? "PDF" : kind == Kind::kCdf ? "CDF" : "CCDF") + " of flow " +
                                    std::string(stats_axis_name(*axis)) + (o.y == "flows" ? "" : ", weighted by " + o.y);
  const std::string svg = render_svg_plot(po, series);
  OutputFile out(o.output, std::size_t{1} << 20, !o.no_partial);
  out.write(svg.data(), svg.size());
  out.close();
  return 0;
}

}  // namespace

Runner add_plot(CLI::App& app) {
  auto opts = std::make_shared<PlotCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plot",
      "Plot flow histograms (csv_hist, from stats) and fitted models (flow-models' JSON, from fit) as an SVG: PDF, CDF or "
      "CCDF on log axes, data solid, models dashed, with a legend (docs/plot.md).");
  cmd->add_option("histograms", opts->histograms, "csv_hist files, each one line (several compare a capture with its synthetic copy)");
  cmd->add_option("-m,--model", opts->models, "A model JSON to draw over the data (repeatable)")->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", opts->output, "SVG file to write (default: stdout)");
  cmd->add_option("--kind", opts->kind, "pdf (default), cdf or ccdf");
  cmd->add_option("-y", opts->y, "Which sums: flows (default), packets or octets (the packet- or byte-weighted distribution)");
  cmd->add_option("-x,--by", opts->by, "What the histograms bin, for the axis label: length (default), size, duration or rate");
  cmd->add_option("--title", opts->title, "Title (default: the kind and the variable)");
  add_partial_flag(cmd, opts->no_partial);
  cmd->footer(help_footer(
      "  flowreplay stats trace.pcap -o length.csv && flowreplay fit length.csv -o flows.json\n"
      "  flowreplay plot length.csv --model flows.json -o length-pdf.svg\n"
      "  flowreplay plot capture.csv synthetic.csv --kind ccdf -o compare.svg\n"));
  return [opts]() { return run_plot(*opts); };
}

}  // namespace flowreplay::cli
