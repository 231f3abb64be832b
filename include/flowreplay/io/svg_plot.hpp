// SPDX-License-Identifier: MIT
// A line plot as a standalone SVG file (`flowreplay plot`, docs/plot.md): log or linear axes
// with decade grid lines and labels, one polyline per series in a fixed palette, a legend, a title
// and axis labels. Readable in any browser; no scripts, no external fonts or references.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace flowreplay {

struct PlotPoint {
  double x = 0;
  double y = 0;
};

struct PlotSeries {
  std::string label;
  std::vector<PlotPoint> points;  // drawn in order; points a log axis cannot show break the line
  bool dashed = false;            // models are drawn dashed, data solid
};

struct PlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = true;
  bool log_y = true;
  bool legend_top = true;  // the legend in the top right corner, else the bottom right (a CDF's top is busy)
};

// The page and the plotting area, in SVG user units (pixels at 100 % zoom).
struct PlotLayout {
  static constexpr int kWidth = 800;
  static constexpr int kHeight = 500;
  static constexpr int kLeft = 80;     // the plotting area: x from kLeft to kRight
  static constexpr int kRight = 760;
  static constexpr int kTop = 40;      // y from kTop to kBottom
  static constexpr int kBottom = 430;
};

// Series i is drawn in kPlotColors[i % size].
inline constexpr std::array<std::string_view, 6> kPlotColors = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

// The SVG document. Axis ranges cover every drawable point (log axes: whole decades).
std::string render_svg_plot(const PlotOptions& options, const std::vector<PlotSeries>& series);

}  // namespace flowreplay
