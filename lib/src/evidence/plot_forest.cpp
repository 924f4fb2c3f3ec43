// The forest plot of a meta-analysis as SVG (forest_svg in
// litrev/evidence_plot.hpp). The layout, left to right: study labels, the
// optional data columns (events and totals, or means, SDs and totals, per
// arm), the plot area (300 px), the weights and "estimate [lb, ub]"; top to
// bottom: a title, the column headings, one row per study (under a heading
// per subgroup, with a subtotal diamond and a heterogeneity line after
// each), the overall diamond, the prediction interval, the axis with its
// ticks, the "favours" labels and the axis title, and a footer with the
// heterogeneity statistics and the tests. With a risk-of-bias table, a
// column per domain and one for the overall judgement follow the estimates,
// and a legend of the tool, its levels and domains follows the footer.
// Every width comes from plot_text_width, so nothing overlaps whatever the
// labels.
#include <litrev/evidence_plot.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <litrev/error.hpp>
#include <litrev/rob_report.hpp>
#include <litrev/utf8.hpp>

#include "evidence/plot_svg.hpp"
#include "util/text.hpp"

namespace litrev {

using namespace plot_detail;

namespace {

constexpr double k_margin = 12;
constexpr double k_font = 12;       // rows and headings
constexpr double k_small = 11;      // ticks, heterogeneity lines, footer
constexpr double k_row = 20;        // row height
constexpr double k_plot_w = 300;    // width of the plot area
constexpr double k_max_square = 14; // side of the square of the heaviest study
constexpr double k_diamond_h = 12;
constexpr double k_max_label = 320; // study labels longer than this are cut, with "…"

const char* k_square_fill = "#2f5597";

// `s` cut to at most `max_w` px with "…" at the end when cut.
std::string fit_label(const std::string& s, double max_w, bool bold = false) {
  if (plot_text_width(s, k_font, bold) <= max_w) {
    return s;
  }
  const double room = max_w - plot_text_width("…", k_font, bold);
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(s, i, cp);
    const std::size_t len = n ? n : 1;
    std::string next = out;
    if (n) {
      next.append(s, i, len);
    } else {
      append_utf8(next, 0xFFFD);
    }
    if (plot_text_width(next, k_font, bold) > room) {
      break;
    }
    out = std::move(next);
    i += len;
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out + "…";
}

// A number from the data table: an integer as such, otherwise the shortest
// form that reads back, or 4 significant digits when that is long.
std::string data_number(double v) {
  if (std::fabs(v) < 1e15 && v == std::round(v)) {
    return fmt::format("{:.0f}", v);
  }
  std::string s = fmt::format("{}", v);
  return s.size() > 8 ? fmt::format("{:.4g}", v) : s;
}

std::string level_text(double level) {
  return fmt::format("{:g}%", std::round(level * 1000) / 10);
}

const char* measure_short(EffectMeasure m) { return effect_measure_name(m); }

bool is_random(const MetaFit& f) {
  return f.method != PoolMethod::fe && f.method != PoolMethod::mh && f.method != PoolMethod::peto;
}

std::string model_label(const MetaFit& f) {
  switch (f.method) {
  case PoolMethod::fe:
    return "Fixed-effect model (inverse variance)";
  case PoolMethod::mh:
    return "Fixed-effect model (Mantel-Haenszel)";
  case PoolMethod::peto:
    return "Fixed-effect model (Peto)";
  default:
    break;
  }
  return fmt::format("Random-effects model ({}{})", pool_method_name(f.method),
                     f.test == PoolTest::knha ? ", Hartung-Knapp" : "");
}

std::string tau2_text(double tau2) {
  if (tau2 == 0) {
    return "0";
  }
  return tau2 < 0.001 ? "< 0.001" : fmt::format("{:.3f}", tau2);
}

std::string heterogeneity_text(const MetaFit& f) {
  std::string s = "Heterogeneity: ";
  if (is_random(f)) {
    s += "τ² = " + tau2_text(f.tau2) + ", ";
  }
  s += fmt::format("I² = {:.1f}%, Q = {:.2f} (df = {}), {}", f.i2, f.q, f.q_df, p_text(f.q_pval));
  return s;
}

std::string overall_test_text(const MetaFit& f) {
  if (f.test == PoolTest::knha && std::isfinite(f.df)) {
    return fmt::format("Test for overall effect: t = {:.2f} (df = {:g}), {}", f.zval, f.df, p_text(f.pval));
  }
  return fmt::format("Test for overall effect: z = {:.2f}, {}", f.zval, p_text(f.pval));
}

// The data columns of the table: per arm, events and totals (2x2 counts) or
// mean, SD and total (continuous data).
struct DataColumn {
  int arm = 0; // 0 experimental, 1 control
  std::string heading;
  std::vector<std::string> cells; // one per study
  std::vector<double> values;     // for the subtotals; NaN when they are not summed
  bool summed = false;
  double width = 0;
  double right = 0; // x of the right edge
};

std::vector<DataColumn> data_columns(const OutcomeTable* data) {
  std::vector<DataColumn> cols;
  if (!data || data->kind == OutcomeKind::generic) {
    return cols;
  }
  if (data->kind == OutcomeKind::binary) {
    cols = {{0, "Events", {}, {}, true}, {0, "Total", {}, {}, true}, {1, "Events", {}, {}, true},
            {1, "Total", {}, {}, true}};
    for (const OutcomeRow& r : data->rows) {
      const double v[4] = {r.counts.ai, r.counts.ai + r.counts.bi, r.counts.ci, r.counts.ci + r.counts.di};
      for (std::size_t c = 0; c < 4; ++c) {
        cols[c].values.push_back(v[c]);
      }
    }
  } else {
    cols = {{0, "Mean", {}, {}, false}, {0, "SD", {}, {}, false}, {0, "Total", {}, {}, true},
            {1, "Mean", {}, {}, false}, {1, "SD", {}, {}, false}, {1, "Total", {}, {}, true}};
    for (const OutcomeRow& r : data->rows) {
      const double v[6] = {r.arms.m1i, r.arms.sd1i, r.arms.n1i, r.arms.m2i, r.arms.sd2i, r.arms.n2i};
      for (std::size_t c = 0; c < 6; ++c) {
        cols[c].values.push_back(v[c]);
      }
    }
  }
  for (DataColumn& c : cols) {
    for (double v : c.values) {
      c.cells.push_back(data_number(v));
    }
  }
  return cols;
}

// The sum of column `c` over `rows`, or "" when the column is not summed.
std::string column_sum(const DataColumn& c, const std::vector<std::size_t>& rows) {
  if (!c.summed) {
    return "";
  }
  double s = 0;
  for (std::size_t i : rows) {
    s += c.values[i];
  }
  return data_number(s);
}

enum class RowKind { study, group_header, group_summary, group_heterogeneity, overall, prediction, gap };

struct Row {
  RowKind kind;
  std::size_t index = 0; // study or subgroup
  double top = 0;
  double height = k_row;
  double mid() const { return top + height / 2; }
};

// One line, [from, to] in pixels, clipped to the axis; arrows where cut.
void draw_interval(std::string& out, const EffectAxis& ax, double lb, double ub, double y, bool caps) {
  const double a = std::max(lb, ax.lo);
  const double b = std::min(ub, ax.hi);
  const double x0 = ax.px(ax.lo), x1 = ax.px(ax.hi);
  if (a <= b) {
    out += fmt::format(R"(<line class="ci" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000000" stroke-width="1"/>)",
                       num(ax.px(a)), num(y), num(ax.px(b)), num(y));
  }
  if (lb < ax.lo) {
    out += fmt::format(R"(<polygon class="arrow" data-side="left" points="{},{} {},{} {},{}" fill="#000000"/>)",
                       num(x0), num(y), num(x0 + 7), num(y - 3.5), num(x0 + 7), num(y + 3.5));
  } else if (caps) {
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000" stroke-width="1"/>)",
                       num(ax.px(lb)), num(y - 4), num(y + 4));
  }
  if (ub > ax.hi) {
    out += fmt::format(R"(<polygon class="arrow" data-side="right" points="{},{} {},{} {},{}" fill="#000000"/>)",
                       num(x1), num(y), num(x1 - 7), num(y - 3.5), num(x1 - 7), num(y + 3.5));
  } else if (caps) {
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000" stroke-width="1"/>)",
                       num(ax.px(ub)), num(y - 4), num(y + 4));
  }
}

std::string diamond(const EffectAxis& ax, double est, double lb, double ub, double y, const char* fill) {
  const auto clamp = [&](double v) { return ax.px(std::clamp(v, ax.lo, ax.hi)); };
  return fmt::format(R"(<polygon class="diamond" points="{},{} {},{} {},{} {},{}" fill="{}" stroke="#000000" stroke-width="1"/>)",
                     num(clamp(lb)), num(y), num(clamp(est)), num(y - k_diamond_h / 2), num(clamp(ub)), num(y),
                     num(clamp(est)), num(y + k_diamond_h / 2), fill);
}

// Risk-of-bias columns (ForestOptions::rob).
constexpr double k_rob_gap = 20;     // between the estimates and the first column
constexpr double k_rob_radius = 7.5; // of a judgement's circle
constexpr double k_rob_glyph = 11;   // font size of its glyph (bold)
constexpr double k_rob_pad = 6;      // a column is its circle or heading plus this

// The baseline, below the centre of a circle, that centres `glyph` (bold,
// `size` px) on it: the middle of the glyph's ink in DejaVu Sans Bold ('+'
// spans 0 to 0.627 em above the baseline, '-' 0.217 to 0.359, 'x' 0 to
// 0.547, '?' and '!' the cap height 0.73).
double glyph_drop(std::string_view glyph, double size) {
  if (glyph == "-") {
    return 0.288 * size;
  }
  if (glyph == "x") {
    return 0.273 * size;
  }
  if (glyph == "?" || glyph == "!") {
    return 0.368 * size;
  }
  return 0.313 * size;
}

// A judgement's circle with its glyph, centred at (cx, cy). Not applicable
// (no glyph) is a grey disc without the black ring, as robvis draws it.
std::string rob_mark(double cx, double cy, const RobLevelStyle& style) {
  std::string out = fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="0.8"/>)",
                                num(cx), num(cy), num(k_rob_radius), escape_xml_text(style.fill),
                                style.glyph.empty() ? "none" : "#000000");
  if (!style.glyph.empty()) {
    out += svg_text(cx, cy + glyph_drop(style.glyph, k_rob_glyph), style.glyph, k_rob_glyph, "middle", nullptr,
                    true, "#000000");
  }
  return out;
}

// What the risk-of-bias columns draw: the table's row of each study, the
// columns and the levels drawn.
struct RobColumns {
  const RobTool* tool = nullptr;
  std::vector<std::string> headings; // the domain ids, then "Overall"
  std::vector<std::string> keys;     // data-domain: the domain ids, then "overall"
  std::vector<std::string> names;    // the domains' names
  std::vector<const RobTableRow*> row_of; // per study; null: not assessed
  std::vector<std::vector<RobLevelStyle>> styles; // per study, per column (empty when not assessed)
  std::vector<std::string> levels;   // the levels drawn, least severe first
  std::vector<double> width, centre; // per column
  double left = 0, right = 0;
};

RobColumns rob_columns(const RobTable& table, RobPalette palette, const MetaFit& f) {
  RobColumns rc;
  rc.tool = &rob_tool(table.tool);
  const RobTool& tool = *rc.tool;
  for (const std::string& id : table.domains) {
    const RobDomain& d = tool.domain(id);
    rc.headings.push_back(d.id);
    rc.keys.push_back(d.id);
    rc.names.push_back(d.name);
  }
  rc.headings.emplace_back("Overall");
  rc.keys.emplace_back("overall");
  // The table's row of each study; rows of other studies are ignored.
  std::map<std::string, const RobTableRow*, std::less<>> by_study;
  for (const StudyResult& s : f.studies) {
    by_study.emplace(s.study, nullptr);
  }
  for (const RobTableRow& r : table.rows) {
    const auto it = by_study.find(r.study);
    if (it == by_study.end()) {
      continue;
    }
    if (it->second) {
      throw UsageError(fmt::format("the risk-of-bias table has more than one row for study \"{}\"; keep the row "
                                   "of the result analysed",
                                   r.study));
    }
    if (r.domains.size() != table.domains.size()) {
      throw UsageError(fmt::format("the risk-of-bias row of study \"{}\" has {} judgements for {} domains", r.study,
                                   r.domains.size(), table.domains.size()));
    }
    it->second = &r;
  }
  std::set<std::string, std::less<>> used;
  for (const StudyResult& s : f.studies) {
    const RobTableRow* r = by_study.at(s.study);
    rc.row_of.push_back(r);
    rc.styles.emplace_back();
    if (!r) {
      continue;
    }
    for (std::size_t c = 0; c < rc.keys.size(); ++c) {
      const std::string& level = c < r->domains.size() ? r->domains[c] : r->overall;
      rc.styles.back().push_back(rob_level_style(tool, level, palette));
      used.insert(level);
    }
  }
  // The legend's order: the tool's levels (least to most severe), then the
  // two values every robvis template accepts.
  for (const RobLevel& l : tool.levels) {
    if (used.count(l.id)) {
      rc.levels.push_back(l.id);
    }
  }
  for (const char* extra : {k_rob_no_information, k_rob_not_applicable}) {
    if (used.count(extra) && std::find(rc.levels.begin(), rc.levels.end(), extra) == rc.levels.end()) {
      rc.levels.emplace_back(extra);
    }
  }
  for (const std::string& h : rc.headings) {
    rc.width.push_back(std::max(2 * k_rob_radius, plot_text_width(h, k_font, true)) + k_rob_pad);
  }
  return rc;
}

// Places the columns from `left`: the Overall column a little apart, and all
// of them widened evenly when the heading "Risk of bias" is wider.
void place_rob_columns(RobColumns& rc, double left, const std::string& heading) {
  const double apart = 6;
  double have = apart;
  for (double w : rc.width) {
    have += w;
  }
  const double need = plot_text_width(heading, k_font, true);
  if (need > have) {
    for (double& w : rc.width) {
      w += (need - have) / static_cast<double>(rc.width.size());
    }
  }
  double x = left;
  rc.left = left;
  rc.centre.clear();
  for (std::size_t c = 0; c < rc.width.size(); ++c) {
    if (c + 1 == rc.width.size()) {
      x += apart;
    }
    rc.centre.push_back(x + rc.width[c] / 2);
    x += rc.width[c];
  }
  rc.right = x;
}

// `items` after `prefix`, joined by ", ", in lines of at most `max_w` px at
// the footer's size (an item wider than that gets a line of its own).
std::vector<std::string> wrap_list(const std::string& prefix, const std::vector<std::string>& items, double max_w) {
  std::vector<std::string> lines;
  std::string line = prefix;
  bool first = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string piece = items[i] + (i + 1 < items.size() ? "," : "");
    const std::string next = first ? line + piece : line + " " + piece;
    if (!first && plot_text_width(next, k_small) > max_w) {
      lines.push_back(line);
      line = piece;
    } else {
      line = next;
    }
    first = false;
  }
  lines.push_back(line);
  return lines;
}

} // namespace

std::string forest_svg(const MetaAnalysis& a, const ForestOptions& o, const OutcomeTable* data) {
  const MetaFit& f = a.overall;
  const std::size_t k = f.studies.size();
  if (k == 0) {
    throw UsageError("a forest plot needs at least one study");
  }
  if (data && data->rows.size() != k) {
    throw UsageError(fmt::format("the data table has {} rows for {} studies in the analysis", data->rows.size(), k));
  }
  if (o.digits < 0 || o.digits > 6) {
    throw UsageError(fmt::format("forest plot: {} decimals; expected 0 to 6", o.digits));
  }
  const bool log = is_ratio_measure(f.measure);
  const bool user_limits = std::isfinite(o.axis_min) || std::isfinite(o.axis_max);
  if (user_limits) {
    if (!std::isfinite(o.axis_min) || !std::isfinite(o.axis_max)) {
      throw UsageError("forest plot: give both axis limits or neither");
    }
    if (!(o.axis_min < o.axis_max)) {
      throw UsageError(fmt::format("forest plot: axis limits {:g} to {:g} do not increase", o.axis_min, o.axis_max));
    }
    if (log && !(o.axis_min > 0)) {
      throw UsageError(fmt::format("forest plot: a ratio axis needs positive limits, not {:g}", o.axis_min));
    }
  }
  const auto shown = [&](double v) { return log ? std::exp(v) : v; };
  const auto est_text = [&](double e, double lb, double ub) {
    return fmt::format("{} [{}, {}]", fixed(shown(e), o.digits), fixed(shown(lb), o.digits),
                       fixed(shown(ub), o.digits));
  };
  const double z = stats::normal_quantile(1.0 - (1.0 - f.level) / 2.0);
  const bool has_pi = std::isfinite(f.pi_lb) && std::isfinite(f.pi_ub);
  const bool grouped = !a.subgroups.empty();
  const std::string rob_heading = "Risk of bias";
  std::optional<RobColumns> rob;
  if (o.rob) {
    rob = rob_columns(*o.rob, o.rob_palette, f);
  }

  // Rows, top to bottom.
  std::vector<Row> rows;
  std::vector<std::size_t> all(k);
  for (std::size_t i = 0; i < k; ++i) {
    all[i] = i;
  }
  if (grouped) {
    for (std::size_t g = 0; g < a.subgroups.size(); ++g) {
      const Subgroup& s = a.subgroups[g];
      for (std::size_t i : s.rows) {
        if (i >= k) {
          throw UsageError(fmt::format("subgroup {} lists study {} of {}", s.name, i + 1, k));
        }
      }
      rows.push_back({RowKind::group_header, g});
      for (std::size_t i : s.rows) {
        rows.push_back({RowKind::study, i});
      }
      rows.push_back({RowKind::group_summary, g});
      if (s.fit.k > 1) {
        rows.push_back({RowKind::group_heterogeneity, g});
      }
      rows.push_back({RowKind::gap, 0, 0, k_row / 2});
    }
  } else {
    for (std::size_t i = 0; i < k; ++i) {
      rows.push_back({RowKind::study, i});
    }
    rows.push_back({RowKind::gap, 0, 0, k_row / 2});
  }
  rows.push_back({RowKind::overall});
  if (has_pi) {
    rows.push_back({RowKind::prediction});
  }

  // Texts of the columns, to size them.
  std::vector<std::string> labels(k);
  for (std::size_t i = 0; i < k; ++i) {
    labels[i] = fit_label(f.studies[i].study, k_max_label);
  }
  std::vector<std::string> group_names;
  for (const Subgroup& s : a.subgroups) {
    group_names.push_back(fit_label(o.by.empty() ? s.name : o.by + ": " + s.name, k_max_label, true));
  }
  const std::string overall_label = model_label(f);
  const std::string subtotal_label = "Subtotal";
  const std::string pi_label = "Prediction interval";
  const std::string estimate_heading = fmt::format("{} [{} CI]", measure_short(f.measure), level_text(f.level));

  double label_w = std::max(plot_text_width("Study", k_font, true), plot_text_width(overall_label, k_font, true));
  label_w = std::max(label_w, plot_text_width(pi_label, k_font));
  for (const auto& l : labels) {
    label_w = std::max(label_w, plot_text_width(l, k_font));
  }
  for (const auto& g : group_names) {
    label_w = std::max(label_w, plot_text_width(g, k_font, true));
  }
  if (grouped) {
    label_w = std::max(label_w, plot_text_width(subtotal_label, k_font, true));
  }

  std::vector<DataColumn> cols = data_columns(data);
  for (DataColumn& c : cols) {
    c.width = plot_text_width(c.heading, k_font, true);
    for (const auto& cell : c.cells) {
      c.width = std::max(c.width, plot_text_width(cell, k_font));
    }
    c.width = std::max(c.width, plot_text_width(column_sum(c, all), k_font, true));
  }
  // Each arm's heading must fit over its columns.
  const double col_gap = 12;
  for (int arm = 0; arm < 2 && !cols.empty(); ++arm) {
    const std::string& heading = arm == 0 ? o.experimental : o.control;
    const double need = plot_text_width(heading, k_font, true);
    double have = -col_gap;
    std::size_t n = 0;
    for (const DataColumn& c : cols) {
      if (c.arm == arm) {
        have += c.width + col_gap;
        ++n;
      }
    }
    if (need > have) {
      for (DataColumn& c : cols) {
        if (c.arm == arm) {
          c.width += (need - have) / static_cast<double>(n);
        }
      }
    }
  }
  double cols_w = 0;
  for (const DataColumn& c : cols) {
    cols_w += c.width + col_gap;
  }
  // The subgroups' heterogeneity lines sit under their studies, in the
  // label and data columns.
  std::vector<std::string> group_het;
  double het_w = 0;
  for (const Subgroup& s : a.subgroups) {
    group_het.push_back(heterogeneity_text(s.fit));
    if (s.fit.k > 1) {
      het_w = std::max(het_w, plot_text_width(group_het.back(), k_small));
    }
  }
  if (label_w + (cols.empty() ? 0 : 16 + cols_w - col_gap) < het_w) {
    label_w = het_w - (cols.empty() ? 0 : 16 + cols_w - col_gap);
  }

  // The axis.
  double lo, hi;
  bool extend = true;
  if (user_limits) {
    lo = log ? std::log(o.axis_min) : o.axis_min;
    hi = log ? std::log(o.axis_max) : o.axis_max;
    extend = false;
  } else {
    // The core: point estimates, pooled CIs, the prediction interval, the
    // line of no effect.
    double core_lo = 0, core_hi = 0;
    const auto take = [&](double v) {
      if (std::isfinite(v)) {
        core_lo = std::min(core_lo, v);
        core_hi = std::max(core_hi, v);
      }
    };
    for (const StudyResult& s : f.studies) {
      take(s.yi);
    }
    take(f.ci_lb);
    take(f.ci_ub);
    if (has_pi) {
      take(f.pi_lb);
      take(f.pi_ub);
    }
    for (const Subgroup& s : a.subgroups) {
      take(s.fit.ci_lb);
      take(s.fit.ci_ub);
    }
    const double span = std::max(core_hi - core_lo, 1e-3);
    lo = core_lo;
    hi = core_hi;
    for (const StudyResult& s : f.studies) {
      if (std::isfinite(s.yi) && std::isfinite(s.vi)) {
        const double h = z * std::sqrt(s.vi);
        lo = std::min(lo, std::max(s.yi - h, core_lo - span));
        hi = std::max(hi, std::min(s.yi + h, core_hi + span));
      }
    }
  }
  EffectAxis ax = make_effect_axis(lo, hi, log, extend);
  if (!extend) {
    ax.lo = lo;
    ax.hi = hi;
  }

  // Column positions.
  const double left_x = k_margin;
  double plot_x0 = 0;
  double null_x = 0;
  const double null_v = 0;
  const bool null_inside = null_v >= ax.lo && null_v <= ax.hi;
  const double left_fav_w = o.label_left.empty() ? 0 : plot_text_width(o.label_left, k_small);
  const double right_fav_w = o.label_right.empty() ? 0 : plot_text_width(o.label_right, k_small);
  for (int pass = 0; pass < 2; ++pass) {
    double x = left_x + label_w;
    if (!cols.empty()) {
      x += 16;
      for (DataColumn& c : cols) {
        c.right = x + c.width;
        x += c.width + col_gap;
      }
      x -= col_gap;
    }
    plot_x0 = x + 24;
    ax.x0 = plot_x0;
    ax.x1 = plot_x0 + k_plot_w;
    null_x = null_inside ? ax.px(null_v) : (ax.x0 + ax.x1) / 2;
    // A long left "favours" label may need the columns moved right.
    const double fav_left_edge = null_x - 8 - left_fav_w;
    if (fav_left_edge < k_margin && pass == 0) {
      label_w += k_margin - fav_left_edge;
      continue;
    }
    break;
  }
  // Ticks whose labels would touch are thinned, keeping the line of no effect.
  for (;;) {
    bool clash = false;
    for (std::size_t t = 0; t + 1 < ax.ticks.size(); ++t) {
      const double w1 = plot_text_width(ax.label(ax.ticks[t]), k_small);
      const double w2 = plot_text_width(ax.label(ax.ticks[t + 1]), k_small);
      if (ax.px(ax.ticks[t]) + w1 / 2 + 4 > ax.px(ax.ticks[t + 1]) - w2 / 2) {
        clash = true;
      }
    }
    if (!clash || ax.ticks.size() <= 2) {
      break;
    }
    std::size_t keep = 0; // index parity to keep: the one holding 0
    for (std::size_t t = 0; t < ax.ticks.size(); ++t) {
      if (std::fabs(ax.ticks[t]) < 1e-12) {
        keep = t % 2;
      }
    }
    std::vector<double> thinned;
    for (std::size_t t = 0; t < ax.ticks.size(); ++t) {
      if (t % 2 == keep) {
        thinned.push_back(ax.ticks[t]);
      }
    }
    ax.ticks = std::move(thinned);
  }

  std::vector<std::string> weights(k), estimates(k);
  double weight_w = plot_text_width("Weight", k_font, true);
  double est_w = plot_text_width(estimate_heading, k_font, true);
  for (std::size_t i = 0; i < k; ++i) {
    const StudyResult& s = f.studies[i];
    if (std::isfinite(s.yi) && std::isfinite(s.vi)) {
      weights[i] = fmt::format("{:.1f}%", s.weight);
      const double h = z * std::sqrt(s.vi);
      estimates[i] = est_text(s.yi, s.yi - h, s.yi + h);
    } else {
      estimates[i] = "Not estimable";
    }
    weight_w = std::max(weight_w, plot_text_width(weights[i], k_font));
    est_w = std::max(est_w, plot_text_width(estimates[i], k_font));
  }
  const std::string overall_est = est_text(f.estimate, f.ci_lb, f.ci_ub);
  const std::string pi_est = has_pi ? fmt::format("[{}, {}]", fixed(shown(f.pi_lb), o.digits),
                                                  fixed(shown(f.pi_ub), o.digits))
                                    : "";
  est_w = std::max({est_w, plot_text_width(overall_est, k_font, true), plot_text_width(pi_est, k_font)});
  weight_w = std::max(weight_w, plot_text_width("100.0%", k_font, true));
  std::vector<std::string> group_est, group_weight;
  for (const Subgroup& s : a.subgroups) {
    double w = 0;
    for (std::size_t i : s.rows) {
      w += f.studies[i].weight;
    }
    group_weight.push_back(fmt::format("{:.1f}%", w));
    group_est.push_back(est_text(s.fit.estimate, s.fit.ci_lb, s.fit.ci_ub));
    weight_w = std::max(weight_w, plot_text_width(group_weight.back(), k_font, true));
    est_w = std::max(est_w, plot_text_width(group_est.back(), k_font, true));
  }
  // The tick labels at the ends of the axis reach past it by half their width.
  double tick_overhang = 0;
  if (!ax.ticks.empty()) {
    tick_overhang = std::max(0.0, plot_text_width(ax.label(ax.ticks.back()), k_small) / 2 -
                                      (ax.x1 - ax.px(ax.ticks.back())));
  }
  const double weight_right = ax.x1 + std::max(24.0, tick_overhang + 12) + weight_w;
  const double est_right = weight_right + 18 + est_w;
  if (rob) {
    place_rob_columns(*rob, est_right + k_rob_gap, rob_heading);
  }
  const double right_edge = rob ? rob->right : est_right;

  // Vertical layout.
  double y = k_margin;
  std::string body;
  if (!o.title.empty()) {
    body += svg_text(k_margin, y + 15, o.title, 15, "start", "title", true) + "\n";
    y += 28;
  }
  const double header_top = y;
  const double header_h = cols.empty() && !rob ? k_row : 2 * k_row;
  const double header_base = baseline(header_top + header_h - k_row / 2, k_font);
  body += "<g class=\"header\">";
  body += svg_text(left_x, header_base, "Study", k_font, "start", nullptr, true);
  for (int arm = 0; arm < 2 && !cols.empty(); ++arm) {
    double l = 1e300, r = -1e300;
    for (const DataColumn& c : cols) {
      if (c.arm == arm) {
        l = std::min(l, c.right - c.width);
        r = std::max(r, c.right);
      }
    }
    body += svg_text((l + r) / 2, baseline(header_top + k_row / 2, k_font), arm == 0 ? o.experimental : o.control,
                     k_font, "middle", nullptr, true);
    body += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#808080" stroke-width="0.8"/>)", num(l),
                        num(header_top + k_row + 1), num(r));
  }
  for (const DataColumn& c : cols) {
    body += svg_text(c.right, header_base, c.heading, k_font, "end", nullptr, true);
  }
  body += svg_text(weight_right, header_base, "Weight", k_font, "end", nullptr, true);
  body += svg_text(est_right, header_base, estimate_heading, k_font, "end", nullptr, true);
  body += "</g>\n";
  if (rob) {
    body += "<g class=\"rob-header\">";
    body += svg_text((rob->left + rob->right) / 2, baseline(header_top + k_row / 2, k_font), rob_heading, k_font,
                     "middle", nullptr, true);
    body += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#808080" stroke-width="0.8"/>)",
                        num(rob->left), num(header_top + k_row + 1), num(rob->right));
    for (std::size_t c = 0; c < rob->headings.size(); ++c) {
      body += svg_text(rob->centre[c], header_base, rob->headings[c], k_font, "middle", nullptr, true);
    }
    body += "</g>\n";
  }
  y = header_top + header_h + 4;
  body += fmt::format(R"(<line class="rule" x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#000000" stroke-width="1"/>)",
                      num(k_margin), num(y), num(right_edge)) +
          "\n";
  y += 4;
  const double rows_top = y;
  for (Row& r : rows) {
    r.top = y;
    y += r.height;
  }
  const double rows_bottom = y;

  // Largest weight, for the squares.
  double max_w = 0;
  for (const StudyResult& s : f.studies) {
    if (std::isfinite(s.yi) && std::isfinite(s.vi) && s.weight > 0) {
      max_w = std::max(max_w, s.weight);
    }
  }

  for (const Row& r : rows) {
    const double mid = r.mid();
    const double base = baseline(mid, k_font);
    switch (r.kind) {
    case RowKind::study: {
      const std::size_t i = r.index;
      const StudyResult& s = f.studies[i];
      body += fmt::format(R"(<g class="study" data-index="{}">)", i);
      body += "<title>" + escape_xml_text(s.study) + "</title>";
      body += svg_text(left_x + (grouped ? 8 : 0), base, labels[i], k_font, "start", "label");
      for (const DataColumn& c : cols) {
        body += svg_text(c.right, base, c.cells[i], k_font, "end", "col");
      }
      if (std::isfinite(s.yi) && std::isfinite(s.vi)) {
        const double h = z * std::sqrt(s.vi);
        draw_interval(body, ax, s.yi - h, s.yi + h, mid, false);
        if (s.yi >= ax.lo && s.yi <= ax.hi && max_w > 0) {
          const double side = k_max_square * std::sqrt(s.weight / max_w);
          body += fmt::format(
              R"(<rect class="square" data-weight="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>)",
              s.weight, num(ax.px(s.yi) - side / 2), num(mid - side / 2), num(side), num(side), k_square_fill);
        }
        body += svg_text(weight_right, base, weights[i], k_font, "end", "weight");
      }
      body += svg_text(est_right, base, estimates[i], k_font, "end", "estimate");
      if (rob && rob->row_of[i]) {
        for (std::size_t c = 0; c < rob->keys.size(); ++c) {
          const RobTableRow& rr = *rob->row_of[i];
          const std::string& level = c < rr.domains.size() ? rr.domains[c] : rr.overall;
          const RobLevelStyle& st = rob->styles[i][c];
          body += fmt::format(R"(<g class="rob-cell" data-domain="{}" data-level="{}">)",
                              escape_xml_text(rob->keys[c]), escape_xml_text(level));
          body += rob_mark(rob->centre[c], mid, st);
          body += "<title>" + escape_xml_text(fmt::format("{}, {}: {}", s.study, rob->headings[c], st.label)) +
                  "</title></g>";
        }
      }
      body += "</g>\n";
      break;
    }
    case RowKind::group_header:
      body += fmt::format(R"(<g class="subgroup-header" data-subgroup="{}">)", r.index);
      body += svg_text(left_x, base, group_names[r.index], k_font, "start", "label", true);
      body += "</g>\n";
      break;
    case RowKind::group_summary: {
      const Subgroup& s = a.subgroups[r.index];
      body += fmt::format(R"(<g class="summary" data-kind="subgroup" data-subgroup="{}">)", r.index);
      body += svg_text(left_x + 8, base, subtotal_label, k_font, "start", "label", true);
      for (const DataColumn& c : cols) {
        const std::string sum = column_sum(c, s.rows);
        if (!sum.empty()) {
          body += svg_text(c.right, base, sum, k_font, "end", "col", true);
        }
      }
      body += diamond(ax, s.fit.estimate, s.fit.ci_lb, s.fit.ci_ub, mid, "#808080");
      body += svg_text(weight_right, base, group_weight[r.index], k_font, "end", "weight", true);
      body += svg_text(est_right, base, group_est[r.index], k_font, "end", "estimate", true);
      body += "</g>\n";
      break;
    }
    case RowKind::group_heterogeneity:
      body += fmt::format(R"(<g class="heterogeneity" data-subgroup="{}">)", r.index);
      body += svg_text(left_x + 8, baseline(mid, k_small), group_het[r.index], k_small, "start");
      body += "</g>\n";
      break;
    case RowKind::overall:
      body += R"(<g class="summary" data-kind="overall">)";
      body += svg_text(left_x, base, overall_label, k_font, "start", "label", true);
      for (const DataColumn& c : cols) {
        const std::string sum = column_sum(c, all);
        if (!sum.empty()) {
          body += svg_text(c.right, base, sum, k_font, "end", "col", true);
        }
      }
      body += diamond(ax, f.estimate, f.ci_lb, f.ci_ub, mid, "#000000");
      body += svg_text(weight_right, base, "100.0%", k_font, "end", "weight", true);
      body += svg_text(est_right, base, overall_est, k_font, "end", "estimate", true);
      body += "</g>\n";
      break;
    case RowKind::prediction:
      body += R"(<g class="prediction">)";
      body += svg_text(left_x, base, pi_label, k_font, "start", "label");
      draw_interval(body, ax, f.pi_lb, f.pi_ub, mid, true);
      body += svg_text(est_right, base, pi_est, k_font, "end", "estimate");
      body += "</g>\n";
      break;
    case RowKind::gap:
      break;
    }
  }

  // The line of no effect, then the axis.
  const double axis_y = rows_bottom + 4;
  if (null_inside) {
    body += fmt::format(R"(<line class="null-line" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000" stroke-width="1"/>)",
                        num(ax.px(null_v)), num(rows_top), num(axis_y)) +
            "\n";
  }
  body += fmt::format(R"(<g class="axis" data-scale="{}">)", log ? "log" : "linear");
  body += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#000000" stroke-width="1"/>)", num(ax.x0),
                      num(axis_y), num(ax.x1));
  const double tick_base = axis_y + 6 + k_small;
  for (double t : ax.ticks) {
    const double x = ax.px(t);
    body += "<g class=\"tick\">";
    body += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000000" stroke-width="1"/>)", num(x),
                        num(axis_y), num(axis_y + 5));
    body += svg_text(x, tick_base, ax.label(t), k_small, "middle");
    body += "</g>";
  }
  double below = tick_base + 4;
  if (!o.label_left.empty() || !o.label_right.empty()) {
    below += 4 + k_small;
    if (!o.label_left.empty()) {
      body += svg_text(null_x - 8, below, o.label_left, k_small, "end", "favours-left");
    }
    if (!o.label_right.empty()) {
      body += svg_text(null_x + 8, below, o.label_right, k_small, "start", "favours-right");
    }
    below += 4;
  }
  const std::string axis_title = o.axis_title.empty() ? measure_title(f.measure) : o.axis_title;
  below += 4 + k_font;
  body += svg_text((ax.x0 + ax.x1) / 2, below, axis_title, k_font, "middle", "axis-title");
  body += "</g>\n";

  // Footer.
  std::vector<std::string> footer;
  if (f.k > 1) {
    footer.push_back(heterogeneity_text(f));
  }
  footer.push_back(overall_test_text(f));
  if (a.subgroup_test) {
    footer.push_back(fmt::format("Test for subgroup differences: Q = {:.2f} (df = {}), {}", a.subgroup_test->q,
                                 a.subgroup_test->df, p_text(a.subgroup_test->pval)));
  }
  if (grouped) {
    footer.push_back("Weights are those of the overall model; each subtotal is its subgroup's own model.");
  }
  // The studies the risk-of-bias table has no row for, wrapped to the
  // width of the plot.
  std::vector<std::string> rob_missing;
  if (rob) {
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < k; ++i) {
      if (!rob->row_of[i]) {
        missing.push_back(fit_label(f.studies[i].study, k_max_label));
      }
    }
    if (!missing.empty()) {
      rob_missing = wrap_list("No risk-of-bias assessment: ", missing, std::max(400.0, right_edge - k_margin));
    }
  }
  below += 8;
  body += "<g class=\"footer\">";
  double footer_w = 0;
  for (const std::string& line : footer) {
    below += 16;
    body += svg_text(k_margin, below, line, k_small, "start");
    footer_w = std::max(footer_w, plot_text_width(line, k_small));
  }
  for (const std::string& line : rob_missing) {
    below += 16;
    body += svg_text(k_margin, below, line, k_small, "start", "rob-missing");
    footer_w = std::max(footer_w, plot_text_width(line, k_small));
  }
  body += "</g>\n";

  // The risk-of-bias legend: the tool and the levels drawn on one line, then
  // the domains' names.
  if (rob) {
    body += "<g class=\"rob-legend\">";
    below += 22;
    const std::string lead = fmt::format("Risk of bias, {}:", rob->tool->short_name);
    body += svg_text(k_margin, below, lead, k_small, "start");
    double x = k_margin + plot_text_width(lead, k_small); // the right end of the line
    const double cy = below - 0.36 * k_small;
    for (const std::string& level : rob->levels) {
      const RobLevelStyle st = rob_level_style(*rob->tool, level, o.rob_palette);
      x += 12;
      body += fmt::format(R"(<g class="rob-legend-entry" data-level="{}">)", escape_xml_text(level));
      body += rob_mark(x + k_rob_radius, cy, st);
      x += 2 * k_rob_radius + 5;
      body += svg_text(x, below, st.label, k_small, "start");
      x += plot_text_width(st.label, k_small);
      body += "</g>";
    }
    footer_w = std::max(footer_w, x - k_margin);
    below += 4;
    for (std::size_t d = 0; d + 1 < rob->headings.size(); ++d) {
      const std::string line = rob->headings[d] + ": " + rob->names[d];
      below += 16;
      body += svg_text(k_margin, below, line, k_small, "start", "rob-domain");
      footer_w = std::max(footer_w, plot_text_width(line, k_small));
    }
    body += "</g>\n";
  }

  double width = right_edge + k_margin;
  width = std::max(width, k_margin + footer_w + k_margin);
  width = std::max(width, null_x + 8 + right_fav_w + k_margin);
  width = std::max(width, (ax.x0 + ax.x1) / 2 + plot_text_width(axis_title, k_font) / 2 + k_margin);
  if (!o.title.empty()) {
    width = std::max(width, k_margin + plot_text_width(o.title, 15, true) + k_margin);
  }
  width = std::ceil(width);
  const double height = std::ceil(below + 6 + k_margin);

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" font-family=\"{2}\" class=\"forest-plot\" data-measure=\"{3}\" "
                     "data-method=\"{4}\">\n",
                     num(width), num(height), k_plot_font_family, effect_measure_name(f.measure),
                     pool_method_name(f.method));
  out += "<title>" +
         escape_xml_text(fmt::format("Forest plot: {}, {}, k = {}", effect_measure_name(f.measure),
                                     model_label(f), f.k)) +
         "</title>\n";
  out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", num(width), num(height)) + "\n";
  out += body;
  out += "</svg>\n";
  return out;
}

} // namespace litrev
