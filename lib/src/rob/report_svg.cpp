// robvis's two risk-of-bias plots as SVG (litrev/rob_report.hpp): the
// traffic-light plot (rob_traffic_light) and the summary bar chart
// (rob_summary). Geometry follows robvis's ggplot2 renders at about 100 px
// per inch: grey facet strips (#a9a9a9) for the domain and study labels,
// circles with a black ring and a glyph, the Overall column shaded #d3d3d3,
// the domains listed under the grid, the legend to its right; 100% stacked
// bars of width 0.7 with black outlines, a percent axis and a boxed legend
// below. Text is DejaVu Sans (ggplot2's "sans" on Linux), widths estimated.
#include <litrev/rob_report.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <litrev/error.hpp>
#include <litrev/utf8.hpp>

#include "rob/internal.hpp"
#include "rob/report_internal.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

// robvis's colour slots (get_colour), and one litrev adds for ROBINS-I V2's
// "Low (except for concerns about uncontrolled confounding)", which robvis
// cannot draw apart from Low.
enum class Slot { low, low_except, concerns, high, critical, no_information, not_applicable };

struct Palette {
  const char* low;
  const char* low_except;
  const char* concerns;
  const char* high;
  const char* critical;
  const char* no_information;
  const char* not_applicable;
};

constexpr Palette k_cochrane = {"#02C100", "#8FD14F", "#E2DF07", "#BF0000", "#820000", "#4EA1F7", "#cccccc"};
constexpr Palette k_colourblind = {"#fed98e", "#fec57e", "#fe9929", "#d95f0e", "#993404", "#ffffff", "#cccccc"};

const char* colour(Slot s, RobPalette p) {
  const Palette& c = p == RobPalette::cochrane ? k_cochrane : k_colourblind;
  switch (s) {
  case Slot::low:
    return c.low;
  case Slot::low_except:
    return c.low_except;
  case Slot::concerns:
    return c.concerns;
  case Slot::high:
    return c.high;
  case Slot::critical:
    return c.critical;
  case Slot::no_information:
    return c.no_information;
  case Slot::not_applicable:
    return c.not_applicable;
  }
  return c.not_applicable;
}

Slot slot_of(const RobTool& tool, std::string_view level) {
  if (level == k_rob_no_information) {
    return Slot::no_information;
  }
  if (level == k_rob_not_applicable) {
    return Slot::not_applicable;
  }
  const RobLevel& l = tool.level(level); // throws for an unknown level
  if (l.id == "low") {
    return Slot::low;
  }
  if (l.id == "low_except_confounding") {
    return Slot::low_except;
  }
  if (l.id == "some_concerns" || l.id == "moderate" || l.id == "unclear") {
    return Slot::concerns;
  }
  if (l.id == "high" || l.id == "serious" || l.id == "at_risk") {
    return Slot::high;
  }
  if (l.id == "critical" || l.id == "very_high") {
    return Slot::critical;
  }
  if (l.no_information) {
    return Slot::no_information;
  }
  throw UsageError(fmt::format("{} level \"{}\" has no place in robvis's plots", tool.short_name, level));
}

const char* glyph(Slot s) {
  switch (s) {
  case Slot::low:
  case Slot::low_except:
    return "+";
  case Slot::concerns:
    return "-";
  case Slot::high:
    return "x";
  case Slot::critical:
    return "!";
  case Slot::no_information:
    return "?";
  case Slot::not_applicable:
    return "";
  }
  return "";
}

// The SVG text of a user's label (util/text.hpp).
std::string xml_text(std::string_view s) { return escape_xml_text(s); }

// Estimated advance of `s` in DejaVu Sans at `font` px (a wide face: about
// 0.63 em per lower-case letter, 0.7 per capital).
double text_width(std::string_view s, double font, bool bold = false) {
  double em = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(s, i, cp);
    i += n ? n : 1;
    if (cp == ' ') {
      em += 0.32;
    } else if (cp == 'i' || cp == 'l' || cp == 'j' || cp == '.' || cp == ',' || cp == ':' || cp == '\'' ||
               cp == '(' || cp == ')' || cp == 'I' || cp == 't' || cp == 'f' || cp == 'r') {
      em += 0.38;
    } else if (cp >= 'A' && cp <= 'Z') {
      em += 0.72;
    } else if (cp == 'm' || cp == 'w' || cp == 'M' || cp == 'W') {
      em += 0.92;
    } else {
      em += 0.62;
    }
  }
  return em * font * (bold ? 1.1 : 1.0);
}

std::string num(double v) {
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') {
    s.pop_back();
  }
  if (s.back() == '.') {
    s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

constexpr const char* k_font = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

// The baseline offset that centres `g` vertically at a size: '+' and '-'
// sit at the maths axis, 'x' on the x-height, '?' and '!' are caps.
double glyph_baseline(std::string_view g, double font) {
  if (g == "x") {
    return font * 0.27;
  }
  if (g == "?" || g == "!") {
    return font * 0.36;
  }
  return font * 0.31;
}

// A circle with its glyph, centred at (cx, cy).
std::string judgement_mark(double cx, double cy, double r, double font, const RobLevelStyle& s) {
  // robvis draws Not applicable as a grey disc without the black ring.
  std::string out = fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="1"/>)",
                                num(cx), num(cy), num(r), s.fill, s.glyph.empty() ? "none" : "#000000");
  out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#000000">{}</text>)", num(cx),
                     num(cy + glyph_baseline(s.glyph, font)), num(font), xml_text(s.glyph));
  return out;
}

const RobTool& table_tool(const RobTable& table) { return rob_tool(table.tool); }

// The caption of domain column `d`: robvis's column name (D1, D1b, D2 for
// RoB 2 cluster trials), or Dn for a Generic template.
std::string column_label(const RobTool& tool, const RobTable& table, std::size_t d) {
  if (rob_report_detail::generic_template(tool)) {
    return fmt::format("D{}", d + 1);
  }
  return rob_report_detail::robvis_column(tool, tool.domain(table.domains[d]));
}

bool table_uses(const RobTable& table, std::string_view level) {
  for (const auto& r : table.rows) {
    if (r.overall == level) {
      return true;
    }
    for (const auto& l : r.domains) {
      if (l == level) {
        return true;
      }
    }
  }
  return false;
}

// The levels a legend lists, least severe first: the tool's levels (an
// overall-only level when the table uses it), No information (robvis always
// lists it), Not applicable when the table uses it.
std::vector<std::string> legend_levels(const RobTool& tool, const RobTable& table) {
  std::vector<const RobLevel*> graded;
  std::string ni = k_rob_no_information;
  for (const auto& l : tool.levels) {
    if (l.no_information) {
      ni = l.id;
    } else if (l.severity && (!l.overall_only || table_uses(table, l.id))) {
      graded.push_back(&l);
    }
  }
  std::stable_sort(graded.begin(), graded.end(),
                   [](const RobLevel* a, const RobLevel* b) { return *a->severity < *b->severity; });
  std::vector<std::string> out;
  for (const auto* l : graded) {
    out.push_back(l->id);
  }
  out.push_back(ni);
  if (table_uses(table, k_rob_not_applicable)) {
    out.push_back(k_rob_not_applicable);
  }
  return out;
}

void check_table(const RobTable& table, const RobTool& tool) {
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    if (table.rows[i].domains.size() != table.domains.size()) {
      throw UsageError(fmt::format("row {} ({}) has {} judgements for {} domains", i + 1, table.rows[i].study,
                                   table.rows[i].domains.size(), table.domains.size()));
    }
  }
  for (const auto& id : table.domains) {
    (void)tool.domain(id);
  }
}

} // namespace

RobPalette rob_palette_from_name(std::string_view name) {
  if (name == "cochrane") {
    return RobPalette::cochrane;
  }
  if (name == "colourblind" || name == "colorblind") {
    return RobPalette::colourblind;
  }
  throw UsageError(fmt::format("no palette \"{}\": expected cochrane or colourblind", name));
}

RobLevelStyle rob_level_style(const RobTool& tool, std::string_view level, RobPalette palette) {
  const Slot s = slot_of(tool, level);
  RobLevelStyle style;
  style.fill = colour(s, palette);
  style.glyph = glyph(s);
  if (level == k_rob_no_information) {
    style.label = "No information";
  } else if (level == k_rob_not_applicable) {
    style.label = "Not applicable";
  } else {
    style.label = tool.level(level).label;
  }
  switch (s) {
  case Slot::low:
  case Slot::high:
  case Slot::critical:
    style.summary_label = style.label + " risk";
    break;
  case Slot::concerns:
    style.summary_label = level == "some_concerns" ? style.label : style.label + " risk";
    break;
  default:
    style.summary_label = style.label;
  }
  if (level == "at_risk") {
    style.summary_label = style.label;
  }
  return style;
}

std::string traffic_light_svg(const RobTable& table, RobPalette palette) {
  const RobTool& tool = table_tool(table);
  check_table(table, tool);
  const bool generic = rob_report_detail::generic_template(tool);
  const std::size_t ncol = table.domains.size() + 1;
  // robvis draws the grid at a fixed width (6 in) and 0.4 in per study: wide
  // cells, about 780 px for all the columns at 150 px per inch.
  const double cell_w = std::max(70.0, 780.0 / static_cast<double>(ncol));
  const double cell = 60; // row height
  const double radius = 22;
  const double glyph_font = 30;
  const double label_font = 13;
  const double margin = 10;
  const double axis_title = 24; // the rotated "Study"
  double strip_w = 70;
  for (const auto& r : table.rows) {
    const std::string label = r.result.empty() ? r.study : r.study + " (" + r.result + ")";
    strip_w = std::max(strip_w, text_width(label, label_font) + 16);
  }
  const double grid_x = margin + axis_title + strip_w + 2;
  const double title_h = 26;
  const double strip_h = 28;
  const double grid_y = margin + title_h + strip_h + 2;
  const double grid_w = cell_w * static_cast<double>(ncol);
  const double grid_h = cell * static_cast<double>(table.rows.size());

  // Under the grid: the domains on the left, the legend on the right.
  std::vector<std::string> caption;
  if (!generic) {
    caption.push_back("Domains:");
  }
  for (std::size_t d = 0; d < table.domains.size(); ++d) {
    const RobDomain& dom = tool.domain(table.domains[d]);
    const std::string name = generic && !dom.short_name.empty() ? dom.short_name : dom.name;
    caption.push_back(fmt::format("{}: {}{}", column_label(tool, table, d), name, generic ? "" : "."));
  }
  const double caption_font = 13;
  const double line_h = 17;
  double caption_w = 0;
  for (const auto& c : caption) {
    caption_w = std::max(caption_w, text_width(c, caption_font));
  }
  std::vector<std::string> legend = legend_levels(tool, table);
  std::reverse(legend.begin(), legend.end() - (table_uses(table, k_rob_not_applicable) ? 2 : 1));
  double legend_w = text_width("Judgement", 12);
  for (const auto& l : legend) {
    legend_w = std::max(legend_w, 30 + text_width(rob_level_style(tool, l, palette).label, 12));
  }
  const double below_y = grid_y + grid_h + 14;
  const double caption_x = grid_x;
  double legend_x = grid_x + grid_w - legend_w;
  legend_x = std::max(legend_x, caption_x + caption_w + 20);
  const double legend_h = 20 + 24 * static_cast<double>(legend.size());
  const double below_h = std::max(line_h * static_cast<double>(caption.size()), legend_h);
  const double width = std::max(grid_x + grid_w, legend_x + legend_w) + margin;
  const double height = below_y + below_h + margin;

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"{2}\" class=\"rob-traffic-light\" data-tool=\"{3}\">\n",
      num(width), num(height), k_font, xml_text(tool.id));
  out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", num(width), num(height)) + "\n";
  out += fmt::format(R"(<text x="{}" y="{}" font-size="16" text-anchor="middle">Risk of bias domains</text>)",
                     num(grid_x + grid_w / 2), num(margin + 18)) +
         "\n";
  out += fmt::format(R"svg(<text transform="translate({},{}) rotate(-90)" font-size="16" text-anchor="middle">Study</text>)svg",
                     num(margin + 16), num(grid_y + grid_h / 2)) +
         "\n";
  // Column strips.
  for (std::size_t c = 0; c < ncol; ++c) {
    const double x = grid_x + cell_w * static_cast<double>(c);
    const std::string label = c + 1 < ncol ? column_label(tool, table, c) : "Overall";
    out += fmt::format(R"(<g class="column-strip"><rect x="{}" y="{}" width="{}" height="{}" fill="#a9a9a9" stroke="#333333" stroke-width="1"/>)",
                       num(x + 1), num(margin + title_h), num(cell_w - 2), num(strip_h));
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text></g>)", num(x + cell_w / 2),
                       num(margin + title_h + strip_h / 2 + label_font * 0.36), num(label_font), label) +
           "\n";
  }
  // The Overall column's shading, under its cells.
  out += fmt::format(R"(<rect class="overall-column" x="{}" y="{}" width="{}" height="{}" fill="#d3d3d3"/>)",
                     num(grid_x + grid_w - cell_w), num(grid_y), num(cell_w), num(grid_h)) +
         "\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const RobTableRow& row = table.rows[r];
    const double y = grid_y + cell * static_cast<double>(r);
    const std::string label = row.result.empty() ? row.study : row.study + " (" + row.result + ")";
    out += fmt::format(R"(<g class="row-strip"><rect x="{}" y="{}" width="{}" height="{}" fill="#a9a9a9" stroke="#333333" stroke-width="1"/>)",
                       num(grid_x - strip_w - 2), num(y + 1), num(strip_w), num(cell - 2));
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text></g>)",
                       num(grid_x - 2 - strip_w / 2), num(y + cell / 2 + label_font * 0.36), num(label_font),
                       xml_text(label)) +
           "\n";
    for (std::size_t c = 0; c < ncol; ++c) {
      const bool overall = c + 1 == ncol;
      const std::string& level = overall ? row.overall : row.domains[c];
      const RobLevelStyle s = rob_level_style(tool, level, palette);
      const double x = grid_x + cell_w * static_cast<double>(c);
      out += fmt::format(R"(<g class="cell" data-row="{}" data-domain="{}" data-level="{}">)", r,
                         overall ? "Overall" : xml_text(table.domains[c]), xml_text(level));
      out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#d9d9d9" stroke-width="1"/>)",
                         num(x), num(y), num(cell_w), num(cell), overall ? "#d3d3d3" : "#ffffff");
      out += judgement_mark(x + cell_w / 2, y + cell / 2, radius, glyph_font, s);
      out += "<title>" + xml_text(label) + ", " + (overall ? std::string("Overall") : table.domains[c]) + ": " +
             xml_text(s.label) + "</title></g>\n";
    }
  }
  // Caption.
  out += "<g class=\"caption\">";
  for (std::size_t i = 0; i < caption.size(); ++i) {
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}">{}</text>)", num(caption_x),
                       num(below_y + caption_font + line_h * static_cast<double>(i)), num(caption_font),
                       xml_text(caption[i]));
  }
  out += "</g>\n";
  // Legend.
  out += fmt::format(R"(<g class="legend"><text x="{}" y="{}" font-size="12">Judgement</text>)", num(legend_x),
                     num(below_y + 12)) +
         "\n";
  for (std::size_t i = 0; i < legend.size(); ++i) {
    const RobLevelStyle s = rob_level_style(tool, legend[i], palette);
    const double cy = below_y + 32 + 24 * static_cast<double>(i);
    out += fmt::format(R"(<g class="legend-entry" data-level="{}">)", xml_text(legend[i]));
    out += judgement_mark(legend_x + 10, cy, 9, 13, s);
    out += fmt::format(R"(<text x="{}" y="{}" font-size="12">{}</text></g>)", num(legend_x + 28), num(cy + 4.3),
                       xml_text(s.label)) +
           "\n";
  }
  out += "</g>\n</svg>\n";
  return out;
}

std::string summary_svg(const RobTable& table, RobPalette palette, bool weighted) {
  const RobTool& tool = table_tool(table);
  check_table(table, tool);
  if (weighted && !table.has_weights()) {
    throw UsageError("a weighted summary needs a weight for every study (a Weight column)");
  }
  const bool short_names = rob_report_detail::generic_template(tool) || tool.family == "quadas-2";
  std::vector<std::string> labels;
  for (const auto& id : table.domains) {
    const RobDomain& d = tool.domain(id);
    labels.push_back(short_names && !d.short_name.empty() ? d.short_name : d.name);
  }
  labels.push_back("Overall risk of bias");
  const std::vector<std::string> order = legend_levels(tool, table);

  const double font = 15;
  const double row = 38;
  const double bar_h = row * 0.7;
  const double margin = 10;
  const double bar_w = 580;
  double label_w = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    label_w = std::max(label_w, text_width(labels[i], font, i + 1 == labels.size()));
  }
  const double bars_x = margin + label_w + 40;
  const double top = margin;
  const double bars_h = row * static_cast<double>(labels.size());
  const double axis_y = top + bars_h + 4;
  // Legend: a box of squares and labels in one line, under the axis.
  const double key_font = 11;
  double key_w = 20;
  std::vector<double> key_x;
  for (const auto& l : order) {
    key_x.push_back(key_w);
    key_w += 22 + text_width(rob_level_style(tool, l, palette).summary_label, key_font) + 36;
  }
  key_w -= 16;
  const double key_y = axis_y + 44;
  const double key_h = 42;
  const double width = std::max(bars_x + bar_w + 30, bars_x + bar_w / 2 + key_w / 2 + margin);
  const double height = key_y + key_h + margin;
  const double key_left = std::max(margin, bars_x + bar_w / 2 - key_w / 2);

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"{2}\" class=\"rob-summary\" data-tool=\"{3}\" data-weighted=\"{4}\">\n",
      num(width), num(height), k_font, xml_text(tool.id), weighted ? "true" : "false");
  out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", num(width), num(height)) + "\n";
  for (std::size_t b = 0; b < labels.size(); ++b) {
    const bool overall = b + 1 == labels.size();
    const std::string domain = overall ? "Overall" : table.domains[b];
    std::map<std::string, double> sums;
    double total = 0;
    for (const auto& r : table.rows) {
      const double w = weighted ? *r.weight : 1.0;
      sums[overall ? r.overall : r.domains[b]] += w;
      total += w;
    }
    const double y = top + row * static_cast<double>(b);
    out += fmt::format(R"(<g class="bar" data-domain="{}">)", xml_text(domain));
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" text-anchor="end"{}>{}</text>)", num(bars_x - 22),
                       num(y + row / 2 + font * 0.36), num(font), overall ? " font-weight=\"bold\"" : "",
                       xml_text(labels[b]));
    double x = bars_x;
    for (const auto& level : order) {
      const auto it = sums.find(level);
      if (it == sums.end() || it->second <= 0 || total <= 0) {
        continue;
      }
      const double p = it->second / total;
      const RobLevelStyle s = rob_level_style(tool, level, palette);
      out += fmt::format(
          R"(<rect class="segment" data-domain="{}" data-level="{}" data-proportion="{:.6f}" x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#000000" stroke-width="1.2"><title>{}: {:.1f}%</title></rect>)",
          xml_text(domain), xml_text(level), p, num(x), num(y + (row - bar_h) / 2), num(bar_w * p), num(bar_h),
          s.fill, xml_text(s.summary_label), 100 * p);
      x += bar_w * p;
    }
    // A level the legend does not list would be left out silently: refuse.
    for (const auto& [level, w] : sums) {
      if (std::find(order.begin(), order.end(), level) == order.end()) {
        throw UsageError(fmt::format("level \"{}\" cannot be drawn in a {} summary", level, tool.short_name));
      }
    }
    out += "</g>\n";
  }
  // Axis.
  out += fmt::format(R"(<g class="axis"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000000" stroke-width="1.2"/>)",
                     num(bars_x - 28), num(axis_y), num(bars_x + bar_w + 28), num(axis_y));
  for (int t = 0; t <= 4; ++t) {
    const double x = bars_x + bar_w * t / 4.0;
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#333333" stroke-width="1"/>)", num(x),
                       num(axis_y), num(axis_y + 5));
    out += fmt::format(R"(<text x="{}" y="{}" font-size="13" fill="#4d4d4d" text-anchor="middle">{}%</text>)", num(x),
                       num(axis_y + 21), t * 25);
  }
  out += "</g>\n";
  out += fmt::format(R"(<g class="legend"><rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000000" stroke-width="1"/>)",
                     num(key_left), num(key_y), num(key_w), num(key_h)) +
         "\n";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const RobLevelStyle s = rob_level_style(tool, order[i], palette);
    const double x = key_left + key_x[i];
    out += fmt::format(R"(<g class="legend-entry" data-level="{}"><rect x="{}" y="{}" width="18" height="18" fill="{}" stroke="#000000" stroke-width="1"/>)",
                       xml_text(order[i]), num(x), num(key_y + key_h / 2 - 9), s.fill);
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}">{}</text></g>)", num(x + 30),
                       num(key_y + key_h / 2 + key_font * 0.36), num(key_font), xml_text(s.summary_label)) +
           "\n";
  }
  out += "</g>\n</svg>\n";
  return out;
}

} // namespace litrev
