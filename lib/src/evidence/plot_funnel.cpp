// The funnel plot of a meta-analysis as SVG (funnel_svg in
// litrev/evidence_plot.hpp), drawn as metafor's funnel(fit): effect on x,
// standard error on y with 0 at the top, a grey panel with the pseudo
// confidence region in white, the pooled estimate as a solid line, the
// region's edges dotted; a legend under the axis.
#include <litrev/evidence_plot.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <litrev/error.hpp>

#include "evidence/plot_svg.hpp"
#include "util/text.hpp"

namespace litrev {

using namespace plot_detail;

namespace {

constexpr double k_margin = 12;
constexpr double k_font = 12;
constexpr double k_small = 11;
constexpr double k_panel_w = 420;
constexpr double k_panel_h = 300;
constexpr double k_point_r = 3.5;

const char* k_panel_fill = "#e5e5e5";
const char* k_egger_colour = "#c00000";

// One entry of the legend: what its sample looks like, and its text.
struct LegendEntry {
  enum Kind { solid, dotted, dashed_red, dashed_grey, point } kind;
  std::string text;
};

std::string legend_sample(LegendEntry::Kind kind, double x, double y) {
  switch (kind) {
  case LegendEntry::solid:
    return fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000000" stroke-width="1.2"/>)", num(x),
                       num(y), num(x + 24), num(y));
  case LegendEntry::dotted:
    return fmt::format(R"(<rect x="{}" y="{}" width="24" height="10" fill="#ffffff" stroke="#000000" stroke-width="1" stroke-dasharray="2 2"/>)",
                       num(x), num(y - 5));
  case LegendEntry::dashed_red:
    return fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="6 3"/>)",
                       num(x), num(y), num(x + 24), num(y), k_egger_colour);
  case LegendEntry::dashed_grey:
    return fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666666" stroke-width="1" stroke-dasharray="4 3"/>)",
                       num(x), num(y), num(x + 24), num(y));
  case LegendEntry::point:
    return fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="#000000"/>)", num(x + 12), num(y), num(k_point_r));
  }
  return "";
}

} // namespace

std::string funnel_svg(const MetaAnalysis& a, const FunnelOptions& o) {
  const MetaFit& f = a.overall;
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < f.studies.size(); ++i) {
    const StudyResult& s = f.studies[i];
    if (std::isfinite(s.yi) && std::isfinite(s.vi) && s.vi > 0) {
      shown.push_back(i);
    }
  }
  if (shown.empty()) {
    throw UsageError("a funnel plot needs at least one study with an effect size");
  }
  const bool log = is_ratio_measure(f.measure);
  const double z = stats::normal_quantile(1.0 - (1.0 - f.level) / 2.0);

  // y: standard errors, 0 at the top, down to a round number.
  double se_max = 0;
  for (std::size_t i : shown) {
    se_max = std::max(se_max, std::sqrt(f.studies[i].vi));
  }
  double y_lo = 0, y_hi = se_max;
  const double y_step = pretty_step(y_lo, y_hi, 4);
  se_max = y_hi;
  // x: the studies and the region's base.
  double lo = f.estimate - z * se_max, hi = f.estimate + z * se_max;
  for (std::size_t i : shown) {
    lo = std::min(lo, f.studies[i].yi);
    hi = std::max(hi, f.studies[i].yi);
  }
  EffectAxis ax = make_effect_axis(lo, hi, log, true);

  // Horizontal layout: y title, y tick labels, panel.
  const int y_decimals = step_decimals(y_step);
  double y_label_w = 0;
  for (double t = 0; t <= se_max + y_step * 1e-6; t += y_step) {
    y_label_w = std::max(y_label_w, plot_text_width(fixed(t, y_decimals), k_small));
  }
  double top = k_margin;
  std::string body;
  if (!o.title.empty()) {
    body += svg_text(k_margin, top + 15, o.title, 15, "start", "title", true) + "\n";
    top += 30;
  }
  const double y_title_x = k_margin + k_font;
  double panel_x = y_title_x + 8 + y_label_w + 8;
  ax.x0 = panel_x;
  ax.x1 = panel_x + k_panel_w;
  // The first x tick label may reach left past the panel.
  if (!ax.ticks.empty()) {
    const double over = plot_text_width(ax.label(ax.ticks.front()), k_small) / 2 - (ax.px(ax.ticks.front()) - ax.x0);
    if (panel_x - over < k_margin) {
      panel_x += k_margin - (panel_x - over);
      ax.x0 = panel_x;
      ax.x1 = panel_x + k_panel_w;
    }
  }
  const double panel_y = top + 4;
  const auto py = [&](double se) { return panel_y + se / se_max * k_panel_h; };

  // Panel and region.
  body += fmt::format(R"(<rect class="panel" x="{}" y="{}" width="{}" height="{}" fill="{}"/>)", num(ax.x0),
                      num(panel_y), num(k_panel_w), num(k_panel_h), k_panel_fill) +
          "\n";
  const double rl = f.estimate - z * se_max, rr = f.estimate + z * se_max;
  body += fmt::format(R"(<polygon class="region" data-level="{}" points="{},{} {},{} {},{}" fill="#ffffff" stroke="none"/>)",
                      f.level, num(ax.px(rl)), num(py(se_max)), num(ax.px(f.estimate)), num(py(0)), num(ax.px(rr)),
                      num(py(se_max))) +
          "\n";
  body += fmt::format(R"(<polyline class="region-edge" points="{},{} {},{} {},{}" fill="none" stroke="#000000" stroke-width="1" stroke-dasharray="2 2"/>)",
                      num(ax.px(rl)), num(py(se_max)), num(ax.px(f.estimate)), num(py(0)), num(ax.px(rr)),
                      num(py(se_max))) +
          "\n";
  // Horizontal grid at the y ticks, as metafor's funnel does.
  for (double t = y_step; t < se_max - y_step * 1e-6; t += y_step) {
    body += fmt::format(R"(<line class="grid" x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="#ffffff" stroke-width="0.8" stroke-opacity="0.8"/>)",
                        num(ax.x0), num(ax.x1), num(py(t)));
  }
  body += "\n";
  const bool null_inside = 0 >= ax.lo && 0 <= ax.hi;
  if (null_inside) {
    body += fmt::format(R"(<line class="null-line" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#666666" stroke-width="1" stroke-dasharray="4 3"/>)",
                        num(ax.px(0)), num(py(0)), num(py(se_max))) +
            "\n";
  }
  body += fmt::format(R"(<line class="pooled" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000" stroke-width="1.2"/>)",
                      num(ax.px(f.estimate)), num(py(0)), num(py(se_max))) +
          "\n";
  // Egger's line, x = b0 + b1·se, clipped to the panel.
  const bool egger = o.egger_line && a.egger && std::isfinite(a.egger->slope) &&
                     std::isfinite(a.egger->limit_estimate);
  if (egger) {
    const double b0 = a.egger->limit_estimate, b1 = a.egger->slope;
    double s0 = 0, s1 = se_max;
    if (b1 != 0) {
      // The se at which the line meets each side of the panel.
      const double at_lo = (ax.lo - b0) / b1, at_hi = (ax.hi - b0) / b1;
      s0 = std::max(s0, std::min(at_lo, at_hi));
      s1 = std::min(s1, std::max(at_lo, at_hi));
    } else if (b0 < ax.lo || b0 > ax.hi) {
      s1 = -1;
    }
    if (s0 < s1) {
      body += fmt::format(R"(<line class="egger" data-intercept="{}" data-slope="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="6 3"/>)",
                          b0, b1, num(ax.px(b0 + b1 * s0)), num(py(s0)), num(ax.px(b0 + b1 * s1)), num(py(s1)),
                          k_egger_colour) +
              "\n";
    }
  }
  for (std::size_t i : shown) {
    const StudyResult& s = f.studies[i];
    body += fmt::format(R"(<circle class="point" data-index="{}" cx="{}" cy="{}" r="{}" fill="#000000"><title>{}</title></circle>)",
                        i, num(ax.px(s.yi)), num(py(std::sqrt(s.vi))), num(k_point_r), escape_xml_text(s.study)) +
            "\n";
  }
  // Panel border.
  body += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000000" stroke-width="1"/>)",
                      num(ax.x0), num(panel_y), num(k_panel_w), num(k_panel_h)) +
          "\n";

  // Axes.
  const double bottom = panel_y + k_panel_h;
  body += fmt::format(R"(<g class="x-axis" data-scale="{}">)", log ? "log" : "linear");
  for (double t : ax.ticks) {
    const double x = ax.px(t);
    body += "<g class=\"tick\">";
    body += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000" stroke-width="1"/>)", num(x),
                        num(bottom), num(bottom + 5));
    body += svg_text(x, bottom + 6 + k_small, ax.label(t), k_small, "middle");
    body += "</g>";
  }
  const std::string x_title = o.axis_title.empty() ? measure_title(f.measure) : o.axis_title;
  const double x_title_y = bottom + 6 + k_small + 8 + k_font;
  body += svg_text((ax.x0 + ax.x1) / 2, x_title_y, x_title, k_font, "middle", "axis-title");
  body += "</g>\n<g class=\"y-axis\">";
  for (double t = 0; t <= se_max + y_step * 1e-6; t += y_step) {
    const double v = std::round(t / y_step) * y_step;
    const double y = py(v);
    body += "<g class=\"tick\">";
    body += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#000000" stroke-width="1"/>)", num(ax.x0 - 5),
                        num(y), num(ax.x0));
    body += svg_text(ax.x0 - 7, baseline(y, k_small), fixed(v, y_decimals), k_small, "end");
    body += "</g>";
  }
  body += fmt::format(R"svg(<text class="axis-title" transform="translate({},{}) rotate(-90)" x="0" y="0" font-size="{}" text-anchor="middle">Standard error</text>)svg",
                      num(ax.x0 - 7 - y_label_w - 8), num(panel_y + k_panel_h / 2), num(k_font));
  body += "</g>\n";

  // Legend, in lines under the x axis title.
  std::vector<LegendEntry> legend;
  legend.push_back({LegendEntry::point, fmt::format("Studies (k = {})", shown.size())});
  const double shown_est = log ? std::exp(f.estimate) : f.estimate;
  legend.push_back({LegendEntry::solid, fmt::format("Pooled estimate ({} {})", effect_measure_name(f.measure),
                                                    fixed(shown_est, 2))});
  legend.push_back({LegendEntry::dotted, fmt::format("Pseudo {:g}% confidence region", std::round(f.level * 1000) / 10)});
  if (null_inside) {
    legend.push_back({LegendEntry::dashed_grey, "No effect"});
  }
  if (egger) {
    legend.push_back({LegendEntry::dashed_red, fmt::format("Egger's regression ({}{})", p_text(a.egger->pval),
                                                           shown.size() < 10 ? ", fewer than 10 studies" : "")});
  }
  const double legend_left = ax.x0;
  const double legend_right = std::max(ax.x1, legend_left + 200);
  double lx = legend_left;
  double ly = x_title_y + 12 + k_small;
  double width = ax.x1 + k_margin + 8;
  body += "<g class=\"legend\">";
  for (const LegendEntry& e : legend) {
    const double w = 24 + 6 + plot_text_width(e.text, k_small);
    if (lx > legend_left && lx + w > legend_right) {
      lx = legend_left;
      ly += 18;
    }
    body += legend_sample(e.kind, lx, ly - 0.36 * k_small);
    body += svg_text(lx + 30, ly, e.text, k_small, "start");
    width = std::max(width, lx + w + k_margin);
    lx += w + 18;
  }
  const std::size_t missing = f.studies.size() - shown.size();
  if (missing > 0) {
    ly += 18;
    const std::string note = fmt::format("{} {} without an effect size not shown", missing,
                                         missing == 1 ? "study" : "studies");
    body += svg_text(legend_left, ly, note, k_small, "start");
    width = std::max(width, legend_left + plot_text_width(note, k_small) + k_margin);
  }
  body += "</g>\n";
  if (!o.title.empty()) {
    width = std::max(width, k_margin + plot_text_width(o.title, 15, true) + k_margin);
  }
  width = std::max(width, (ax.x0 + ax.x1) / 2 + plot_text_width(x_title, k_font) / 2 + k_margin);
  width = std::ceil(width);
  const double height = std::ceil(ly + 6 + k_margin);

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" font-family=\"{2}\" class=\"funnel-plot\" data-measure=\"{3}\">\n",
                     num(width), num(height), k_plot_font_family, effect_measure_name(f.measure));
  out += "<title>" +
         escape_xml_text(fmt::format("Funnel plot: {}, k = {}", effect_measure_name(f.measure), shown.size())) +
         "</title>\n";
  out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", num(width), num(height)) + "\n";
  out += body;
  out += "</svg>\n";
  return out;
}

} // namespace litrev
