// SPDX-License-Identifier: MIT
#include "flowreplay/io/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace flowreplay {

namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// One axis: its range in data units (log10 of them on a log axis) and its pixel span.
struct Axis {
  bool log = true;
  double lo = 0, hi = 1;   // data units, or decades
  double from = 0, to = 1;  // pixels
  [[nodiscard]] bool drawable(double v) const { return std::isfinite(v) && (!log || v > 0); }
  [[nodiscard]] double pixel(double v) const {
    const double u = log ? std::log10(v) : v;
    return from + (u - lo) / (hi - lo) * (to - from);
  }
};

Axis make_axis(bool log, double lo, double hi, double from, double to) {
  Axis a;
  a.log = log;
  a.from = from, a.to = to;
  if (!(lo <= hi)) lo = log ? 1 : 0, hi = log ? 10 : 1;  // nothing to draw
  if (log) {
    a.lo = std::floor(std::log10(lo));
    a.hi = std::ceil(std::log10(hi));
    if (a.hi <= a.lo) a.hi = a.lo + 1;
  } else {
    a.lo = std::min(0.0, lo);
    a.hi = hi > a.lo ? hi : a.lo + 1;
  }
  return a;
}

// "1", "10", "100", "1k" ... for decades; plain numbers on a linear axis.
std::string tick_label(const Axis& a, double u) {
  if (!a.log) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", u);
    return buf;
  }
  const int e = static_cast<int>(std::lround(u));
  if (e >= 0 && e <= 2) return std::to_string(static_cast<int>(std::lround(std::pow(10, e))));
  return "10<tspan dy=\"-6\" font-size=\"9\">" + std::to_string(e) + "</tspan>";
}

}  // namespace

std::string render_svg_plot(const PlotOptions& options, const std::vector<PlotSeries>& series) {
  using L = PlotLayout;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const PlotSeries& s : series) {
    for (const PlotPoint& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || (options.log_x && p.x <= 0) || (options.log_y && p.y <= 0)) continue;
      x_lo = std::min(x_lo, p.x), x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
    }
  }
  const Axis ax = make_axis(options.log_x, x_lo, x_hi, L::kLeft, L::kRight);
  const Axis ay = make_axis(options.log_y, y_lo, y_hi, L::kBottom, L::kTop);

  std::string svg;
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(L::kWidth) + "\" height=\"" +
         std::to_string(L::kHeight) + "\" viewBox=\"0 0 " + std::to_string(L::kWidth) + " " + std::to_string(L::kHeight) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svg += "<defs><clipPath id=\"area\"><rect x=\"" + std::to_string(L::kLeft) + "\" y=\"" + std::to_string(L::kTop) +
         "\" width=\"" + std::to_string(L::kRight - L::kLeft) + "\" height=\"" + std::to_string(L::kBottom - L::kTop) +
         "\"/></clipPath></defs>\n";
  // Grid lines and tick labels: every decade (log) or fifth of the range (linear).
  svg += "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n";
  std::string labels;
  auto ticks = [](const Axis& a) {
    std::vector<double> t;
    if (a.log) {
      for (double u = a.lo; u <= a.hi + 1e-9; u += 1) t.push_back(u);
    } else {
      for (int i = 0; i <= 5; ++i) t.push_back(a.lo + (a.hi - a.lo) * i / 5);
    }
    return t;
  };
  for (double u : ticks(ax)) {
    const double px = ax.from + (u - ax.lo) / (ax.hi - ax.lo) * (ax.to - ax.from);
    svg += "<line x1=\"" + num(px) + "\" y1=\"" + std::to_string(L::kTop) + "\" x2=\"" + num(px) + "\" y2=\"" +
           std::to_string(L::kBottom) + "\"/>\n";
    labels += "<text x=\"" + num(px) + "\" y=\"" + std::to_string(L::kBottom + 18) + "\" text-anchor=\"middle\">" +
              tick_label(ax, u) + "</text>\n";
  }
  for (double u : ticks(ay)) {
    const double py = ay.from + (u - ay.lo) / (ay.hi - ay.lo) * (ay.to - ay.from);
    svg += "<line x1=\"" + std::to_string(L::kLeft) + "\" y1=\"" + num(py) + "\" x2=\"" + std::to_string(L::kRight) +
           "\" y2=\"" + num(py) + "\"/>\n";
    labels += "<text x=\"" + std::to_string(L::kLeft - 8) + "\" y=\"" + num(py + 4) + "\" text-anchor=\"end\">" +
              tick_label(ay, u) + "</text>\n";
  }
  svg += "</g>\n<g class=\"ticks\" fill=\"#000000\">\n" + labels + "</g>\n";
  // The series, clipped to the plotting area; a point a log axis cannot show ends a segment.
  for (std::size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    const std::string color(kPlotColors[i % kPlotColors.size()]);
    svg += "<g class=\"series\" data-label=\"" + escape(s.label) + "\" clip-path=\"url(#area)\" fill=\"none\" stroke=\"" + color +
           "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"7 4\"" : "") + ">\n";
    std::string segment;
    std::size_t in_segment = 0;
    auto flush = [&] {
      if (in_segment >= 2) svg += "<polyline points=\"" + segment + "\"/>\n";
      if (in_segment == 1) {  // a lone point: a dot
        const std::size_t comma = segment.find(',');
        svg += "<circle cx=\"" + segment.substr(0, comma) + "\" cy=\"" + segment.substr(comma + 1, segment.size() - comma - 2) +
               "\" r=\"2\" fill=\"" + color + "\"/>\n";
      }
      segment.clear();
      in_segment = 0;
    };
    for (const PlotPoint& p : s.points) {
      if (!ax.drawable(p.x) || !ay.drawable(p.y)) {
        flush();
        continue;
      }
      segment += num(ax.pixel(p.x)) + "," + num(ay.pixel(p.y)) + " ";
      ++in_segment;
    }
    flush();
    svg += "</g>\n";
  }
  // The axes' frame, over the series.
  svg += "<rect class=\"frame\" x=\"" + std::to_string(L::kLeft) + "\" y=\"" + std::to_string(L::kTop) + "\" width=\"" +
         std::to_string(L::kRight - L::kLeft) + "\" height=\"" + std::to_string(L::kBottom - L::kTop) +
         "\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2\"/>\n";
  svg += "<text class=\"title\" x=\"" + std::to_string((L::kLeft + L::kRight) / 2) +
         "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" + escape(options.title) + "</text>\n";
  svg += "<text class=\"x-label\" x=\"" + std::to_string((L::kLeft + L::kRight) / 2) + "\" y=\"" +
         std::to_string(L::kHeight - 22) + "\" text-anchor=\"middle\">" + escape(options.x_label) + "</text>\n";
  svg += "<text class=\"y-label\" transform=\"translate(20," + std::to_string((L::kTop + L::kBottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape(options.y_label) + "</text>\n";
  // The legend, in the top right corner of the plotting area.
  if (!series.empty()) {
    std::size_t longest = 0;
    for (const PlotSeries& s : series) longest = std::max(longest, s.label.size());
    const int width = 44 + static_cast<int>(std::min<std::size_t>(longest, 60)) * 7;
    const int height = 10 + 18 * static_cast<int>(series.size());
    const int x = L::kRight - width - 10;
    const int y = options.legend_top ? L::kTop + 10 : L::kBottom - height - 10;
    svg += "<g class=\"legend\">\n<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(width) + "\" height=\"" + std::to_string(height) +
           "\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#999999\"/>\n";
    for (std::size_t i = 0; i < series.size(); ++i) {
      const int row = y + 14 + 18 * static_cast<int>(i);
      svg += "<line x1=\"" + std::to_string(x + 8) + "\" y1=\"" + std::to_string(row - 4) + "\" x2=\"" + std::to_string(x + 34) +
             "\" y2=\"" + std::to_string(row - 4) + "\" stroke=\"" + std::string(kPlotColors[i % kPlotColors.size()]) +
             "\" stroke-width=\"2\"" + (series[i].dashed ? " stroke-dasharray=\"7 4\"" : "") + "/>\n";
      svg += "<text x=\"" + std::to_string(x + 40) + "\" y=\"" + std::to_string(row) + "\">" +
             escape(series[i].label.substr(0, 60)) + "</text>\n";
    }
    svg += "</g>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace flowreplay
