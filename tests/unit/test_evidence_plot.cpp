// Unit tests of the forest and funnel plots (litrev/evidence_plot.hpp). The
// SVG is parsed with pugixml and every geometric claim is checked in data
// space: the axis is recovered from the tick marks and their labels (a
// least-squares line through them, which must fit exactly, so the ticks are
// where their labels say), and squares, diamonds, intervals and points are
// mapped back through it and compared with the meta-analysis.
//
// Data: tests/cli/data/meta (dat.bcg and dat.normand1999, see the README
// there), fitted with litrev's own metafor-matching code. Risk-of-bias
// tables for the forest plot's columns are made up here, in code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pugixml.hpp>

#include <litrev/error.hpp>
#include <litrev/evidence.hpp>
#include <litrev/evidence_plot.hpp>
#include <litrev/rob_report.hpp>

#include "testutil.hpp"

using namespace litrev;

namespace {

std::string meta_data(const std::string& name) {
  return std::string(LITREV_SOURCE_DIR) + "/tests/cli/data/meta/" + name;
}

struct Fitted {
  OutcomeTable table;
  MetaAnalysis analysis;
};

Fitted fit_file(const std::string& name, EffectMeasure measure, PoolMethod method, const std::string& by = "") {
  Fitted f;
  f.table = read_outcome_csv(meta_data(name));
  MetaOptions o;
  o.measure = measure;
  o.method = method;
  o.by = by;
  f.analysis = analyse(f.table, o);
  return f;
}

// An analysis of given effect sizes with the labels given.
MetaAnalysis fit_given(const std::vector<double>& yi, const std::vector<double>& vi,
                       const std::vector<std::string>& labels, EffectMeasure measure = EffectMeasure::mean_difference) {
  MetaAnalysis a;
  a.overall = meta_uni(yi, vi, PoolMethod::dl, PoolTest::z, 0.95, labels);
  a.overall.measure = measure;
  return a;
}

pugi::xml_document parse_svg(const std::string& svg) {
  pugi::xml_document doc;
  const auto r = doc.load_string(svg.c_str());
  INFO(r.description());
  REQUIRE(r);
  REQUIRE(std::string(doc.document_element().name()) == "svg");
  return doc;
}

double attr(const pugi::xml_node& n, const char* name) {
  const pugi::xml_attribute a = n.attribute(name);
  INFO(name);
  REQUIRE(a);
  return a.as_double();
}

std::vector<pugi::xml_node> select(const pugi::xml_node& root, const char* xpath) {
  std::vector<pugi::xml_node> out;
  for (const pugi::xpath_node& n : root.select_nodes(xpath)) {
    out.push_back(n.node());
  }
  return out;
}

std::vector<std::pair<double, double>> polygon_points(const pugi::xml_node& n) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(n.attribute("points").value());
  std::string pair;
  while (in >> pair) {
    const auto comma = pair.find(',');
    REQUIRE(comma != std::string::npos);
    out.emplace_back(std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)));
  }
  return out;
}

// The map from the pooled scale (log for ratios) to pixels, recovered from
// the ticks of an axis: px = a + b·value.
struct AxisMap {
  double a = 0, b = 1;
  std::vector<double> values; // tick values, pooled scale
  std::vector<std::string> labels;
  double px(double v) const { return a + b * v; }
  double value(double x) const { return (x - a) / b; }
};

// `horizontal`: ticks are vertical lines (x1 = x2) under an x axis;
// otherwise horizontal lines beside a y axis.
AxisMap axis_map(const pugi::xml_node& axis, bool log, bool horizontal = true) {
  AxisMap m;
  std::vector<double> pos;
  for (const pugi::xml_node& tick : select(axis, ".//g[@class='tick']")) {
    const pugi::xml_node line = tick.child("line");
    const std::string label = tick.child("text").child_value();
    m.labels.push_back(label);
    const double v = std::stod(label);
    m.values.push_back(log ? std::log(v) : v);
    pos.push_back(horizontal ? attr(line, "x1") : attr(line, "y1"));
  }
  REQUIRE(m.values.size() >= 3);
  // Least squares.
  const double n = static_cast<double>(pos.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    sx += m.values[i];
    sy += pos[i];
    sxx += m.values[i] * m.values[i];
    sxy += m.values[i] * pos[i];
  }
  m.b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  m.a = (sy - m.b * sx) / n;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    INFO("tick " << m.labels[i]);
    CHECK(std::fabs(m.px(m.values[i]) - pos[i]) < 0.01);
  }
  return m;
}

struct Box {
  double x0, x1, y0, y1;
  std::string text;
};

// The box of every <text>, from its anchor, size, weight and
// plot_text_width: DejaVu Sans rises 0.76 em above the baseline and
// descends 0.24 em. Handles the one rotation the plots use (-90 degrees).
std::vector<Box> text_boxes(const pugi::xml_document& doc) {
  std::vector<Box> out;
  for (const pugi::xml_node& t : select(doc, "//text")) {
    const std::string s = t.child_value();
    const double size = attr(t, "font-size");
    const bool bold = std::string(t.attribute("font-weight").value()) == "bold";
    const double w = plot_text_width(s, size, bold);
    const std::string anchor = t.attribute("text-anchor").value();
    double x = attr(t, "x"), y = attr(t, "y");
    double start = anchor == "middle" ? x - w / 2 : anchor == "end" ? x - w : x;
    const std::string transform = t.attribute("transform").value();
    if (!transform.empty()) {
      double tx = 0, ty = 0;
      REQUIRE(std::sscanf(transform.c_str(), "translate(%lf,%lf) rotate(-90)", &tx, &ty) == 2);
      // Rotated: the text runs upwards from (tx, ty); x here is along it.
      out.push_back({tx + y - 0.76 * size, tx + y + 0.24 * size, ty - start - w, ty - start, s});
      continue;
    }
    out.push_back({start, start + w, y - 0.76 * size, y + 0.24 * size, s});
  }
  return out;
}

// No two texts overlap, and every text lies inside the canvas.
void check_no_overlap(const std::string& svg) {
  const pugi::xml_document doc = parse_svg(svg);
  const double width = attr(doc.document_element(), "width");
  const double height = attr(doc.document_element(), "height");
  const std::vector<Box> boxes = text_boxes(doc);
  REQUIRE(boxes.size() > 10);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const Box& p = boxes[i];
    INFO("text \"" << p.text << "\" at " << p.x0 << "," << p.y0 << " to " << p.x1 << "," << p.y1);
    CHECK(p.x0 >= 0);
    CHECK(p.y0 >= 0);
    CHECK(p.x1 <= width);
    CHECK(p.y1 <= height);
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const Box& q = boxes[j];
      const double ox = std::min(p.x1, q.x1) - std::max(p.x0, q.x0);
      const double oy = std::min(p.y1, q.y1) - std::max(p.y0, q.y0);
      INFO("overlaps \"" << q.text << "\" at " << q.x0 << "," << q.y0 << " to " << q.x1 << "," << q.y1);
      CHECK_FALSE((ox > 0.01 && oy > 0.01));
    }
  }
}

double z95() { return stats::normal_quantile(0.975); }

std::string ci_text(double e, double lb, double ub) {
  return fmt::format("{:.2f} [{:.2f}, {:.2f}]", e, lb, ub);
}

// The y of the middle of a text line.
double text_mid(const pugi::xml_node& t) { return attr(t, "y") - 0.36 * attr(t, "font-size"); }

const char* const k_rob2_levels[] = {"low", "some_concerns", "high"};

// The made-up RoB 2 judgement of study `i` in domain `d` (0..4): all three
// levels occur, in no simple pattern.
std::string rob2_level(std::size_t i, std::size_t d) { return k_rob2_levels[(i * 7 + d * 3 + i * d) % 3]; }

// A RoB 2 table with a row for every study of `fit` except those named in
// `skip`, in reverse order (the plot matches by label, not by position),
// plus a row for a study that is not in the analysis. The overall
// judgement is the worst domain's.
RobTable rob2_table(const MetaFit& fit, const std::vector<std::string>& skip) {
  RobTable t = make_rob_table(rob_report_tool("rob2"));
  REQUIRE(t.domains.size() == 5);
  for (std::size_t i = fit.studies.size(); i-- > 0;) {
    if (std::find(skip.begin(), skip.end(), fit.studies[i].study) != skip.end()) {
      continue;
    }
    RobTableRow r;
    r.study = fit.studies[i].study;
    std::size_t worst = 0;
    for (std::size_t d = 0; d < 5; ++d) {
      r.domains.push_back(rob2_level(i, d));
      worst = std::max(worst, static_cast<std::size_t>(std::find(std::begin(k_rob2_levels), std::end(k_rob2_levels),
                                                                 r.domains.back()) -
                                                       std::begin(k_rob2_levels)));
    }
    r.overall = k_rob2_levels[worst];
    t.rows.push_back(r);
  }
  RobTableRow other;
  other.study = "Not in the analysis 2001";
  other.domains.assign(5, "high");
  other.overall = "high";
  t.rows.push_back(other);
  return t;
}

// The texts of the nodes `xpath` selects, in document order.
std::vector<std::string> texts(const pugi::xml_node& root, const char* xpath) {
  std::vector<std::string> out;
  for (const pugi::xml_node& n : select(root, xpath)) {
    out.push_back(n.child_value());
  }
  return out;
}

} // namespace

TEST_CASE("plot_text_width uses DejaVu Sans advances", "[evidence-plot]") {
  // Digits are 1303/2048 em; "W" 2025/2048; bold digits 1425/2048.
  CHECK(plot_text_width("0", 10) == Approx(6.36).margin(0.01));
  CHECK(plot_text_width("0123456789", 12) == Approx(10 * 0.636 * 12).margin(0.01));
  CHECK(plot_text_width("W", 10) == Approx(9.89).margin(0.01));
  CHECK(plot_text_width("0", 10, true) == Approx(6.96).margin(0.01));
  CHECK(plot_text_width("τ²", 10) == Approx(6.02 + 4.01).margin(0.01));
  // A combining accent adds nothing; a CJK character is a full em; an
  // unknown character errs wide.
  CHECK(plot_text_width("e\xCC\x81", 10) == Approx(plot_text_width("e", 10)));
  CHECK(plot_text_width("\xE4\xB8\xAD", 10) == Approx(10));
  CHECK(plot_text_width("\xD0\x96", 10) > plot_text_width("x", 10));
  CHECK(plot_text_width("", 10) == 0);
}

TEST_CASE("forest plot: one row per study in order with its weight and estimate", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  const MetaFit& fit = f.analysis.overall;
  const pugi::xml_document doc = parse_svg(forest_svg(f.analysis));
  const std::vector<pugi::xml_node> rows = select(doc, "//g[@class='study']");
  REQUIRE(rows.size() == 13);
  double last_y = -1;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    const StudyResult& s = fit.studies[i];
    CHECK(rows[i].attribute("data-index").as_uint() == i);
    const pugi::xml_node label = rows[i].find_child_by_attribute("text", "class", "label");
    CHECK(std::string(label.child_value()) == s.study);
    CHECK(std::string(rows[i].child("title").child_value()) == s.study);
    const double y = attr(label, "y");
    CHECK(y > last_y);
    last_y = y;
    const pugi::xml_node weight = rows[i].find_child_by_attribute("text", "class", "weight");
    CHECK(std::string(weight.child_value()) == fmt::format("{:.1f}%", s.weight));
    const double h = z95() * std::sqrt(s.vi);
    const pugi::xml_node est = rows[i].find_child_by_attribute("text", "class", "estimate");
    CHECK(std::string(est.child_value()) == ci_text(std::exp(s.yi), std::exp(s.yi - h), std::exp(s.yi + h)));
  }
  CHECK(std::string(rows[0].find_child_by_attribute("text", "class", "label").child_value()) == "Aronson 1948");
  // The heterogeneity line and the test give the fit's numbers.
  const std::vector<pugi::xml_node> footer = select(doc, "//g[@class='footer']/text");
  REQUIRE(footer.size() == 2);
  CHECK(std::string(footer[0].child_value()) ==
        fmt::format("Heterogeneity: τ² = {:.3f}, I² = {:.1f}%, Q = {:.2f} (df = 12), p < 0.001", fit.tau2, fit.i2,
                    fit.q));
  CHECK(std::string(footer[1].child_value()) == fmt::format("Test for overall effect: z = {:.2f}, p < 0.001", fit.zval));
  const pugi::xml_node overall = doc.select_node("//g[@class='summary'][@data-kind='overall']").node();
  CHECK(std::string(overall.find_child_by_attribute("text", "class", "estimate").child_value()) ==
        ci_text(std::exp(fit.estimate), std::exp(fit.ci_lb), std::exp(fit.ci_ub)));
  CHECK(std::string(overall.find_child_by_attribute("text", "class", "label").child_value()) ==
        "Random-effects model (REML)");
}

TEST_CASE("forest plot: square areas are proportional to the weights and centred on the effects", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::dl);
  const MetaFit& fit = f.analysis.overall;
  const pugi::xml_document doc = parse_svg(forest_svg(f.analysis));
  const AxisMap m = axis_map(doc.select_node("//g[@class='axis']").node(), true);
  double ratio = 0;
  double total_area = 0;
  for (const pugi::xml_node& row : select(doc, "//g[@class='study']")) {
    const std::size_t i = row.attribute("data-index").as_uint();
    INFO(fit.studies[i].study);
    const pugi::xml_node sq = row.find_child_by_attribute("rect", "class", "square");
    REQUIRE(sq);
    const double w = attr(sq, "width"), h = attr(sq, "height");
    CHECK(w == Approx(h).margin(0.002));
    const double area = w * h;
    total_area += area;
    if (ratio == 0) {
      ratio = area / fit.studies[i].weight;
    }
    // Coordinates are written to 0.001 px: the area is good to about 0.002·side.
    CHECK(area == Approx(ratio * fit.studies[i].weight).margin(0.003 * w + 1e-6));
    const double cx = attr(sq, "x") + w / 2;
    const double cy = attr(sq, "y") + h / 2;
    CHECK(m.value(cx) == Approx(fit.studies[i].yi).margin(1e-4));
    CHECK(cy == Approx(text_mid(row.find_child_by_attribute("text", "class", "label"))).margin(0.01));
    // The interval line spans yi ± z·se.
    const pugi::xml_node ci = row.find_child_by_attribute("line", "class", "ci");
    const double se = std::sqrt(fit.studies[i].vi);
    CHECK(m.value(attr(ci, "x1")) == Approx(fit.studies[i].yi - z95() * se).margin(1e-4));
    CHECK(m.value(attr(ci, "x2")) == Approx(fit.studies[i].yi + z95() * se).margin(1e-4));
  }
  CHECK(total_area > 0);
}

TEST_CASE("forest plot: the diamond and the prediction interval on the axis", "[evidence-plot]") {
  for (const PoolMethod method : {PoolMethod::reml, PoolMethod::fe, PoolMethod::mh}) {
    const Fitted f = fit_file("bcg.csv", EffectMeasure::odds_ratio, method);
    const MetaFit& fit = f.analysis.overall;
    INFO(pool_method_name(method));
    const pugi::xml_document doc = parse_svg(forest_svg(f.analysis));
    const AxisMap m = axis_map(doc.select_node("//g[@class='axis']").node(), true);
    const pugi::xml_node overall = doc.select_node("//g[@class='summary'][@data-kind='overall']").node();
    const auto pts = polygon_points(overall.find_child_by_attribute("polygon", "class", "diamond"));
    REQUIRE(pts.size() == 4);
    CHECK(m.value(pts[0].first) == Approx(fit.ci_lb).margin(1e-4));
    CHECK(m.value(pts[1].first) == Approx(fit.estimate).margin(1e-4));
    CHECK(m.value(pts[2].first) == Approx(fit.ci_ub).margin(1e-4));
    CHECK(m.value(pts[3].first) == Approx(fit.estimate).margin(1e-4));
    CHECK(pts[0].second == Approx(pts[2].second));
    CHECK(pts[1].second < pts[0].second);
    CHECK(pts[3].second > pts[0].second);
    const pugi::xml_node pi = doc.select_node("//g[@class='prediction']").node();
    if (method == PoolMethod::reml) {
      REQUIRE(pi);
      const pugi::xml_node line = pi.find_child_by_attribute("line", "class", "ci");
      CHECK(m.value(attr(line, "x1")) == Approx(fit.pi_lb).margin(1e-4));
      CHECK(m.value(attr(line, "x2")) == Approx(fit.pi_ub).margin(1e-4));
      CHECK(attr(line, "y1") > pts[3].second); // under the diamond
    } else {
      CHECK_FALSE(pi); // no prediction interval without tau²
    }
  }
}

TEST_CASE("forest plot: ratios on a log axis with round ratio ticks and the null line at 1", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  const pugi::xml_document doc = parse_svg(forest_svg(f.analysis));
  const pugi::xml_node axis = doc.select_node("//g[@class='axis']").node();
  CHECK(std::string(axis.attribute("data-scale").value()) == "log");
  const AxisMap m = axis_map(axis, true); // checks x is linear in log(label)
  // Every tick is a round ratio, 1 among them.
  bool has_one = false;
  for (const std::string& l : m.labels) {
    INFO(l);
    const double v = std::stod(l);
    const double mantissa = v / std::pow(10.0, std::floor(std::log10(v) + 1e-9));
    CHECK((std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 || std::fabs(mantissa - 5) < 1e-9));
    has_one = has_one || l == "1";
  }
  CHECK(has_one);
  CHECK(m.labels.size() >= 4);
  CHECK(m.labels.size() <= 8);
  const pugi::xml_node null_line = doc.select_node("//line[@class='null-line']").node();
  CHECK(attr(null_line, "x1") == Approx(m.px(0)).margin(0.01));
  CHECK(std::string(doc.select_node("//text[@class='axis-title']").node().child_value()) == "Risk ratio (log scale)");

  // A mean difference: a linear axis of evenly spaced ticks, null at 0.
  const Fitted md = fit_file("normand1999.csv", EffectMeasure::mean_difference, PoolMethod::dl);
  const pugi::xml_document d2 = parse_svg(forest_svg(md.analysis));
  const pugi::xml_node axis2 = d2.select_node("//g[@class='axis']").node();
  CHECK(std::string(axis2.attribute("data-scale").value()) == "linear");
  const AxisMap m2 = axis_map(axis2, false);
  for (std::size_t i = 2; i < m2.values.size(); ++i) {
    CHECK(m2.values[i] - m2.values[i - 1] == Approx(m2.values[1] - m2.values[0]));
  }
  CHECK(attr(d2.select_node("//line[@class='null-line']").node(), "x1") == Approx(m2.px(0)).margin(0.01));
}

TEST_CASE("forest plot: study labels with markup characters are escaped", "[evidence-plot]") {
  const std::string label = "Smith <&> \"quoted\" 'x'";
  const std::string bad_utf8 = "Bad \xFF byte";
  const std::string long_label(200, 'M');
  const MetaAnalysis a = fit_given({0.1, -0.3, 0.2}, {0.04, 0.09, 0.05}, {label, bad_utf8, long_label});
  const std::string svg = forest_svg(a);
  CHECK(svg.find("Smith &lt;&amp;&gt; &quot;quoted&quot; &apos;x&apos;") != std::string::npos);
  CHECK(svg.find(label) == std::string::npos);
  const pugi::xml_document doc = parse_svg(svg);
  const std::vector<pugi::xml_node> rows = select(doc, "//g[@class='study']");
  REQUIRE(rows.size() == 3);
  CHECK(std::string(rows[0].find_child_by_attribute("text", "class", "label").child_value()) == label);
  CHECK(std::string(rows[1].find_child_by_attribute("text", "class", "label").child_value()) ==
        "Bad \xEF\xBF\xBD byte");
  // A very long label is cut with an ellipsis; the full label is the title.
  const std::string cut = rows[2].find_child_by_attribute("text", "class", "label").child_value();
  CHECK(cut.size() < long_label.size());
  CHECK(cut.substr(cut.size() - 3) == "…");
  CHECK(plot_text_width(cut, 12) <= 320.01);
  CHECK(std::string(rows[2].child("title").child_value()) == long_label);
  check_no_overlap(svg);
}

TEST_CASE("forest plot: subgroup headings rows and diamonds", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::dl, "alloc");
  const MetaAnalysis& a = f.analysis;
  REQUIRE(a.subgroups.size() == 3);
  ForestOptions o;
  o.by = "alloc";
  const pugi::xml_document doc = parse_svg(forest_svg(a, o));
  const AxisMap m = axis_map(doc.select_node("//g[@class='axis']").node(), true);
  const std::vector<pugi::xml_node> headers = select(doc, "//g[@class='subgroup-header']");
  const std::vector<pugi::xml_node> summaries = select(doc, "//g[@class='summary'][@data-kind='subgroup']");
  REQUIRE(headers.size() == 3);
  REQUIRE(summaries.size() == 3);
  const auto y_of = [](const pugi::xml_node& g) { return attr(g.child("text"), "y"); };
  double prev_end = 0;
  for (std::size_t g = 0; g < 3; ++g) {
    const Subgroup& s = a.subgroups[g];
    INFO(s.name);
    CHECK(std::string(headers[g].child("text").child_value()) == "alloc: " + s.name);
    const double top = y_of(headers[g]);
    const double bottom = y_of(summaries[g]);
    CHECK(top > prev_end);
    prev_end = bottom;
    // Exactly this subgroup's studies lie between its heading and its
    // subtotal, in file order.
    std::vector<std::size_t> inside;
    for (const pugi::xml_node& row : select(doc, "//g[@class='study']")) {
      const double y = attr(row.find_child_by_attribute("text", "class", "label"), "y");
      if (y > top && y < bottom) {
        inside.push_back(row.attribute("data-index").as_uint());
      }
    }
    CHECK(inside == s.rows);
    const auto pts = polygon_points(summaries[g].find_child_by_attribute("polygon", "class", "diamond"));
    REQUIRE(pts.size() == 4);
    CHECK(m.value(pts[0].first) == Approx(s.fit.ci_lb).margin(1e-4));
    CHECK(m.value(pts[1].first) == Approx(s.fit.estimate).margin(1e-4));
    CHECK(m.value(pts[2].first) == Approx(s.fit.ci_ub).margin(1e-4));
    double w = 0;
    for (std::size_t i : s.rows) {
      w += a.overall.studies[i].weight;
    }
    CHECK(std::string(summaries[g].find_child_by_attribute("text", "class", "weight").child_value()) ==
          fmt::format("{:.1f}%", w));
  }
  CHECK(std::string(headers[0].child("text").child_value()) == "alloc: random");
  const std::string footer = doc.select_node("//g[@class='footer']").node().last_child().previous_sibling().child_value();
  CHECK(footer == fmt::format("Test for subgroup differences: Q = {:.2f} (df = 2), p = {:.3f}", a.subgroup_test->q,
                              a.subgroup_test->pval));
  const pugi::xml_node overall = doc.select_node("//g[@class='summary'][@data-kind='overall']").node();
  CHECK(y_of(overall) > prev_end);
}

TEST_CASE("forest plot: no two texts overlap", "[evidence-plot]") {
  SECTION("binary data columns with favours labels and a title") {
    const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
    ForestOptions o;
    o.label_left = "Favours vaccine";
    o.label_right = "Favours control";
    o.title = "BCG vaccine and tuberculosis";
    o.experimental = "Vaccinated";
    check_no_overlap(forest_svg(f.analysis, o, &f.table));
  }
  SECTION("subgroups with data columns") {
    const Fitted f = fit_file("bcg.csv", EffectMeasure::odds_ratio, PoolMethod::reml, "alloc");
    check_no_overlap(forest_svg(f.analysis, {}, &f.table));
  }
  SECTION("continuous data columns") {
    const Fitted f = fit_file("normand1999.csv", EffectMeasure::smd, PoolMethod::pm);
    check_no_overlap(forest_svg(f.analysis, {}, &f.table));
  }
  SECTION("long favours labels and a narrow axis") {
    const Fitted f = fit_file("normand1999.csv", EffectMeasure::mean_difference, PoolMethod::dl);
    ForestOptions o;
    o.label_left = "Favours stroke unit care (shorter stay in hospital, fewer days)";
    o.label_right = "Favours conventional care on a general medical ward";
    o.axis_min = -5;
    o.axis_max = 5;
    check_no_overlap(forest_svg(f.analysis, o, &f.table));
  }
  SECTION("risk-of-bias columns with subgroups data columns and favours labels") {
    const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml, "alloc");
    const RobTable t = rob2_table(f.analysis.overall, {"TPT Madras 1980"});
    ForestOptions o;
    o.by = "alloc";
    o.label_left = "Favours vaccine";
    o.label_right = "Favours control";
    o.title = "BCG vaccine and tuberculosis";
    o.rob = &t;
    check_no_overlap(forest_svg(f.analysis, o, &f.table));
  }
  SECTION("risk-of-bias columns of ROBINS-I with every level") {
    const Fitted f = fit_file("normand1999.csv", EffectMeasure::smd, PoolMethod::pm);
    RobTable t = make_rob_table(rob_report_tool("robinsi"));
    REQUIRE(t.domains.size() == 7);
    const char* const levels[] = {"low", "moderate", "serious", "critical", k_rob_no_information,
                                  k_rob_not_applicable};
    for (std::size_t i = 0; i < f.analysis.overall.studies.size(); ++i) {
      RobTableRow r;
      r.study = f.analysis.overall.studies[i].study;
      for (std::size_t c = 0; c < 7; ++c) {
        r.domains.emplace_back(levels[(i + c) % 6]);
      }
      r.overall = "critical";
      t.rows.push_back(r);
    }
    ForestOptions o;
    o.rob = &t;
    o.rob_palette = RobPalette::colourblind;
    const std::string svg = forest_svg(f.analysis, o, &f.table);
    check_no_overlap(svg);
    const pugi::xml_document doc = parse_svg(svg);
    CHECK(texts(doc, "//g[@class='rob-header']/text") ==
          std::vector<std::string>{"Risk of bias", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "Overall"});
    std::vector<std::string> legend;
    for (const pugi::xml_node& e : select(doc, "//g[@class='rob-legend-entry']")) {
      legend.push_back(e.attribute("data-level").value());
    }
    CHECK(legend == std::vector<std::string>{"low", "moderate", "serious", "critical", "no_information",
                                             "not_applicable"});
  }
  SECTION("risk-of-bias columns with no study in the table") {
    // Every study is named in the footer, over several lines that each fit.
    const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::dl);
    RobTable t = rob2_table(f.analysis.overall, {});
    t.rows.erase(t.rows.begin(), t.rows.end() - 1); // only the study that is not in the analysis
    ForestOptions o;
    o.rob = &t;
    const std::string svg = forest_svg(f.analysis, o);
    check_no_overlap(svg);
    const pugi::xml_document doc = parse_svg(svg);
    CHECK(select(doc, "//g[@class='rob-cell']").empty());
    CHECK(select(doc, "//g[@class='rob-legend-entry']").empty());
    const std::vector<std::string> lines = texts(doc, "//g[@class='footer']/text[@class='rob-missing']");
    CHECK(lines.size() > 1);
    std::string all;
    for (const std::string& l : lines) {
      all += (all.empty() ? "" : " ") + l;
    }
    std::string want = "No risk-of-bias assessment:";
    for (std::size_t i = 0; i < f.analysis.overall.studies.size(); ++i) {
      want += (i ? ", " : " ") + f.analysis.overall.studies[i].study;
    }
    CHECK(all == want);
  }
  SECTION("a ratio axis over eight orders of magnitude") {
    // RR from 0.0015 to 665: ticks every hundredfold.
    const MetaAnalysis a = fit_given({-6.5, 6.5, 0.1}, {0.01, 0.01, 0.02}, {"A", "B", "C"}, EffectMeasure::risk_ratio);
    check_no_overlap(forest_svg(a));
  }
}

TEST_CASE("forest plot: arrows where a CI leaves the axis", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  const MetaFit& fit = f.analysis.overall;
  ForestOptions o;
  o.axis_min = 0.2;
  o.axis_max = 2;
  const pugi::xml_document doc = parse_svg(forest_svg(f.analysis, o));
  const pugi::xml_node axis_line = doc.select_node("//g[@class='axis']/line").node();
  const double x0 = attr(axis_line, "x1"), x1 = attr(axis_line, "x2");
  const AxisMap m = axis_map(doc.select_node("//g[@class='axis']").node(), true);
  CHECK(m.value(x0) == Approx(std::log(0.2)).margin(1e-4));
  CHECK(m.value(x1) == Approx(std::log(2.0)).margin(1e-4));
  std::size_t left = 0, right = 0;
  for (const pugi::xml_node& row : select(doc, "//g[@class='study']")) {
    const StudyResult& s = fit.studies[row.attribute("data-index").as_uint()];
    INFO(s.study);
    const double h = z95() * std::sqrt(s.vi);
    const bool want_left = s.yi - h < std::log(0.2);
    const bool want_right = s.yi + h > std::log(2.0);
    left += want_left;
    right += want_right;
    const pugi::xml_node l = row.find_child_by_attribute("polygon", "data-side", "left");
    const pugi::xml_node r = row.find_child_by_attribute("polygon", "data-side", "right");
    CHECK(static_cast<bool>(l) == want_left);
    CHECK(static_cast<bool>(r) == want_right);
    if (l) {
      CHECK(polygon_points(l)[0].first == Approx(x0)); // the tip on the axis end
    }
    if (r) {
      CHECK(polygon_points(r)[0].first == Approx(x1));
    }
    // The line stays on the axis.
    const pugi::xml_node ci = row.find_child_by_attribute("line", "class", "ci");
    CHECK(attr(ci, "x1") >= x0 - 1e-3);
    CHECK(attr(ci, "x2") <= x1 + 1e-3);
  }
  CHECK(left >= 3); // Ferguson & Simes, Rosenthal 1960, Vandiviere, ...
  CHECK(right >= 1); // Comstock & Webster
}

TEST_CASE("forest plot: data columns per arm", "[evidence-plot]") {
  const auto cells = [](const pugi::xml_document& doc, std::size_t row) {
    std::vector<std::string> out;
    const std::string xpath = fmt::format("//g[@class='study'][@data-index='{}']/text[@class='col']", row);
    for (const pugi::xml_node& n : select(doc, xpath.c_str())) {
      out.push_back(n.child_value());
    }
    return out;
  };
  const Fitted b = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::dl);
  const pugi::xml_document db = parse_svg(forest_svg(b.analysis, {}, &b.table));
  CHECK(cells(db, 0) == std::vector<std::string>{"4", "123", "11", "139"});
  CHECK(cells(db, 7) == std::vector<std::string>{"505", "88391", "499", "88391"});
  // The overall row sums events and totals.
  std::vector<std::string> sums;
  for (const pugi::xml_node& n : select(db, "//g[@data-kind='overall']/text[@class='col']")) {
    sums.push_back(n.child_value());
  }
  CHECK(sums == std::vector<std::string>{"1065", "191064", "1510", "166283"});
  const Fitted c = fit_file("normand1999.csv", EffectMeasure::mean_difference, PoolMethod::dl);
  const pugi::xml_document dc = parse_svg(forest_svg(c.analysis, {}, &c.table));
  CHECK(cells(dc, 0) == std::vector<std::string>{"55", "47", "155", "75", "64", "156"});
  // Without the table there are none.
  const pugi::xml_document dn = parse_svg(forest_svg(c.analysis));
  CHECK(cells(dn, 0).empty());
}

TEST_CASE("forest plot: a study without an effect size is listed as not estimable", "[evidence-plot]") {
  const std::vector<TwoByTwo> tables = {{4, 119, 11, 128}, {0, 50, 0, 50}, {6, 300, 29, 274}};
  MetaAnalysis a;
  a.overall = meta_tables(tables, EffectMeasure::risk_ratio, PoolMethod::mh, 0.95, {"A", "Double zero", "C"});
  a.overall.measure = EffectMeasure::risk_ratio;
  const std::string svg = forest_svg(a);
  const pugi::xml_document doc = parse_svg(svg);
  const pugi::xml_node row = doc.select_node("//g[@class='study'][@data-index='1']").node();
  REQUIRE(row);
  CHECK(std::string(row.find_child_by_attribute("text", "class", "estimate").child_value()) == "Not estimable");
  CHECK_FALSE(row.find_child_by_attribute("rect", "class", "square"));
  CHECK(select(doc, "//rect[@class='square']").size() == 2);
  const std::string funnel = funnel_svg(a);
  const pugi::xml_document fd = parse_svg(funnel);
  CHECK(select(fd, "//circle[@class='point']").size() == 2);
  CHECK(funnel.find("1 study without an effect size not shown") != std::string::npos);
}

TEST_CASE("forest plot: bad requests are refused", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::dl);
  ForestOptions o;
  o.digits = 7;
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  o = {};
  o.axis_min = 0.5;
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  o.axis_max = 0.4;
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  o.axis_min = -1;
  o.axis_max = 2;
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError); // a ratio axis needs positive limits
  const Fitted other = fit_file("normand1999.csv", EffectMeasure::mean_difference, PoolMethod::dl);
  CHECK_THROWS_AS(forest_svg(f.analysis, {}, &other.table), UsageError);
  CHECK_THROWS_AS(forest_svg(MetaAnalysis{}), UsageError);
  CHECK_THROWS_AS(funnel_svg(MetaAnalysis{}), UsageError);
}

TEST_CASE("forest plot: risk-of-bias columns beside each study", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  const MetaFit& fit = f.analysis.overall;
  RobTable table = rob2_table(fit, {"Vandiviere et al 1973", "Comstock et al 1976"});
  // Two values robvis accepts in every template, though RoB 2 has no such level.
  for (RobTableRow& r : table.rows) {
    if (r.study == "Aronson 1948") {
      r.domains[3] = k_rob_not_applicable;
      r.domains[4] = k_rob_no_information;
    }
  }
  const auto row_of = [&](const std::string& study) -> const RobTableRow* {
    for (const RobTableRow& r : table.rows) {
      if (r.study == study) {
        return &r;
      }
    }
    return nullptr;
  };
  const RobTool& tool = rob_report_tool("rob2");
  for (const RobPalette palette : {RobPalette::cochrane, RobPalette::colourblind}) {
    INFO((palette == RobPalette::cochrane ? "cochrane" : "colourblind"));
    ForestOptions o;
    o.rob = &table;
    o.rob_palette = palette;
    const std::string svg = forest_svg(f.analysis, o, &f.table);
    const pugi::xml_document doc = parse_svg(svg);
    const std::vector<pugi::xml_node> heads = select(doc, "//g[@class='rob-header']/text");
    CHECK(texts(doc, "//g[@class='rob-header']/text") ==
          std::vector<std::string>{"Risk of bias", "D1", "D2", "D3", "D4", "D5", "Overall"});
    REQUIRE(heads.size() == 7);
    // One circle per column for each study the table has a row for; none
    // in the summary rows.
    CHECK(select(doc, "//g[@class='rob-cell']/circle").size() == (13 - 2) * (5 + 1));
    CHECK(select(doc, "//g[@class='summary']//g[@class='rob-cell']").empty());
    CHECK(select(doc, "//g[@class='prediction']//g[@class='rob-cell']").empty());
    for (const pugi::xml_node& row : select(doc, "//g[@class='study']")) {
      const StudyResult& s = fit.studies[row.attribute("data-index").as_uint()];
      INFO(s.study);
      const std::vector<pugi::xml_node> cells = select(row, "g[@class='rob-cell']");
      const RobTableRow* r = row_of(s.study);
      if (!r) {
        CHECK(cells.empty());
        continue;
      }
      REQUIRE(cells.size() == 6);
      const double mid = text_mid(row.find_child_by_attribute("text", "class", "label"));
      const pugi::xml_node est = row.find_child_by_attribute("text", "class", "estimate");
      for (std::size_t c = 0; c < 6; ++c) {
        INFO("column " << c);
        const std::string& level = c < 5 ? r->domains[c] : r->overall;
        const RobLevelStyle style = rob_level_style(tool, level, palette);
        CHECK(std::string(cells[c].attribute("data-domain").value()) == (c < 5 ? table.domains[c] : "overall"));
        CHECK(std::string(cells[c].attribute("data-level").value()) == level);
        const pugi::xml_node circle = cells[c].child("circle");
        REQUIRE(circle);
        CHECK(std::string(circle.attribute("fill").value()) == style.fill);
        // On the study's line, under the column's heading, right of the estimate.
        CHECK(attr(circle, "cy") == Approx(mid).margin(0.01));
        CHECK(attr(circle, "cx") == Approx(attr(heads[c + 1], "x")).margin(0.01));
        CHECK(attr(circle, "cx") - attr(circle, "r") > attr(est, "x"));
        const pugi::xml_node glyph = cells[c].child("text");
        if (style.glyph.empty()) {
          CHECK_FALSE(glyph); // Not applicable: a bare disc
        } else {
          CHECK(std::string(glyph.child_value()) == style.glyph);
          CHECK(attr(glyph, "x") == Approx(attr(circle, "cx")).margin(0.01));
        }
        CHECK(std::string(cells[c].child("title").child_value()) ==
              s.study + ", " + (c < 5 ? table.domains[c] : "Overall") + ": " + style.label);
      }
    }
    // The studies without a row, in the footer; the row of a study that is
    // not in the analysis is not drawn at all.
    CHECK(texts(doc, "//g[@class='footer']/text[@class='rob-missing']") ==
          std::vector<std::string>{"No risk-of-bias assessment: Vandiviere et al 1973, Comstock et al 1976"});
    CHECK(svg.find("Not in the analysis") == std::string::npos);
    // The legend: the levels drawn, least severe first, in their colours;
    // then the domains.
    std::vector<std::string> levels;
    for (const pugi::xml_node& e : select(doc, "//g[@class='rob-legend']/g[@class='rob-legend-entry']")) {
      levels.push_back(e.attribute("data-level").value());
      const RobLevelStyle style = rob_level_style(tool, levels.back(), palette);
      CHECK(std::string(e.child("circle").attribute("fill").value()) == style.fill);
      CHECK(std::string(e.find_child_by_attribute("text", "text-anchor", "start").child_value()) == style.label);
    }
    CHECK(levels == std::vector<std::string>{"low", "some_concerns", "high", "no_information", "not_applicable"});
    const std::vector<std::string> domains = texts(doc, "//g[@class='rob-legend']/text[@class='rob-domain']");
    REQUIRE(domains.size() == 5);
    CHECK(domains[0] == "D1: Bias arising from the randomization process");
    CHECK(domains[4] == "D5: Bias in selection of the reported result");
    check_no_overlap(svg);
  }
  // The palettes differ.
  CHECK(rob_level_style(tool, "low", RobPalette::cochrane).fill !=
        rob_level_style(tool, "low", RobPalette::colourblind).fill);
}

TEST_CASE("forest plot: without a risk-of-bias table nothing of it is drawn", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  ForestOptions o;
  o.title = "BCG vaccine and tuberculosis";
  const std::string plain = forest_svg(f.analysis, o, &f.table);
  CHECK(plain.find("rob-") == std::string::npos);
  CHECK(plain.find("Risk of bias") == std::string::npos);
  CHECK(plain.find("<circle") == std::string::npos);
  o.rob = nullptr;
  o.rob_palette = RobPalette::colourblind; // no table: the palette changes nothing
  CHECK(forest_svg(f.analysis, o, &f.table) == plain);
  // With a table, the rest of the plot stays where it was: the columns are
  // added on the right.
  const RobTable t = rob2_table(f.analysis.overall, {});
  o.rob = &t;
  const pugi::xml_document with = parse_svg(forest_svg(f.analysis, o, &f.table));
  const pugi::xml_document without = parse_svg(plain);
  const std::vector<pugi::xml_node> a = select(with, "//g[@class='study']/*[@class='label' or @class='square' or "
                                                     "@class='estimate' or @class='ci']");
  const std::vector<pugi::xml_node> b = select(without, "//g[@class='study']/*[@class='label' or @class='square' or "
                                                        "@class='estimate' or @class='ci']");
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() == 13 * 4);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (const char* name : {"x", "y", "x1", "x2", "y1", "width"}) {
      CHECK(std::string(a[i].attribute(name).value()) == b[i].attribute(name).value());
    }
  }
  CHECK(attr(with.document_element(), "width") > attr(without.document_element(), "width"));
}

TEST_CASE("forest plot: risk-of-bias cells and footer escape study labels", "[evidence-plot]") {
  const std::string label = "Smith <&> \"quoted\" 'x'";
  const std::string bad_utf8 = "Bad \xFF byte";
  const std::string long_label(200, 'M');
  const MetaAnalysis a =
      fit_given({0.1, -0.3, 0.2, 0.05}, {0.04, 0.09, 0.05, 0.06}, {label, bad_utf8, long_label, "Plain 2000"});
  RobTable t = make_rob_table(rob_report_tool("rob2"));
  for (const std::string& study : {label, std::string("Plain 2000")}) {
    RobTableRow r;
    r.study = study;
    r.domains = {"low", "some_concerns", "high", "low", "low"};
    r.overall = "high";
    t.rows.push_back(r);
  }
  ForestOptions o;
  o.rob = &t;
  const std::string svg = forest_svg(a, o);
  CHECK(svg.find(label) == std::string::npos);
  CHECK(svg.find(bad_utf8) == std::string::npos);
  const pugi::xml_document doc = parse_svg(svg);
  const std::vector<pugi::xml_node> rows = select(doc, "//g[@class='study']");
  REQUIRE(rows.size() == 4);
  const std::vector<pugi::xml_node> cells = select(rows[0], "g[@class='rob-cell']");
  REQUIRE(cells.size() == 6);
  CHECK(std::string(cells[0].child("title").child_value()) == label + ", D1: Low");
  CHECK(select(rows[1], "g[@class='rob-cell']").empty());
  CHECK(select(rows[2], "g[@class='rob-cell']").empty());
  CHECK(select(rows[3], "g[@class='rob-cell']").size() == 6);
  // The footer names the two studies without a row, the long one cut as in
  // its row.
  std::string missing;
  for (const std::string& l : texts(doc, "//g[@class='footer']/text[@class='rob-missing']")) {
    missing += (missing.empty() ? "" : " ") + l;
  }
  const std::string cut = rows[2].find_child_by_attribute("text", "class", "label").child_value();
  CHECK(missing == "No risk-of-bias assessment: Bad \xEF\xBF\xBD byte, " + cut);
  check_no_overlap(svg);
}

TEST_CASE("forest plot: bad risk-of-bias tables are refused", "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::dl);
  const RobTable base = rob2_table(f.analysis.overall, {});
  ForestOptions o;
  RobTable t = base;
  o.rob = &t;
  CHECK_NOTHROW(forest_svg(f.analysis, o));
  // Two rows for a study of the analysis: which one is meant is unknown.
  t.rows.push_back(t.rows.front());
  CHECK_THROWS_WITH(forest_svg(f.analysis, o), Catch::Contains("Comstock et al 1976"));
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  // Rows of other studies are not looked at, even bad ones.
  t = base;
  t.rows.push_back(t.rows.back());
  t.rows.back().overall = "no such level";
  CHECK_NOTHROW(forest_svg(f.analysis, o));
  t = base;
  t.rows[0].domains.pop_back();
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  t = base;
  t.rows[0].overall = "serious"; // a ROBINS-I level
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  t = base;
  t.domains[0] = "D9";
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
  t = base;
  t.tool = "no-such-tool";
  CHECK_THROWS_AS(forest_svg(f.analysis, o), UsageError);
}

TEST_CASE("funnel plot: studies at effect and standard error inside the region around the estimate",
          "[evidence-plot]") {
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  const MetaFit& fit = f.analysis.overall;
  const std::string svg = funnel_svg(f.analysis);
  const pugi::xml_document doc = parse_svg(svg);
  const AxisMap mx = axis_map(doc.select_node("//g[@class='x-axis']").node(), true);
  const AxisMap my = axis_map(doc.select_node("//g[@class='y-axis']").node(), false, false);
  // Standard error 0 at the top: y grows with the standard error.
  CHECK(my.b > 0);
  CHECK(my.labels.front() == "0.0");
  const std::vector<pugi::xml_node> points = select(doc, "//circle[@class='point']");
  REQUIRE(points.size() == 13);
  for (const pugi::xml_node& p : points) {
    const StudyResult& s = fit.studies[p.attribute("data-index").as_uint()];
    INFO(s.study);
    CHECK(std::string(p.child("title").child_value()) == s.study);
    CHECK(mx.value(attr(p, "cx")) == Approx(s.yi).margin(1e-4));
    CHECK(my.value(attr(p, "cy")) == Approx(std::sqrt(s.vi)).margin(1e-4));
  }
  // The region: apex at (estimate, 0), base at estimate ± z·se_max.
  const auto region = polygon_points(doc.select_node("//polygon[@class='region']").node());
  REQUIRE(region.size() == 3);
  const double se_max = my.value(region[0].second);
  CHECK(se_max >= 0.73); // the largest standard error, Comstock & Webster's
  CHECK(mx.value(region[1].first) == Approx(fit.estimate).margin(1e-4));
  CHECK(my.value(region[1].second) == Approx(0).margin(1e-4));
  CHECK(mx.value(region[0].first) == Approx(fit.estimate - z95() * se_max).margin(1e-4));
  CHECK(mx.value(region[2].first) == Approx(fit.estimate + z95() * se_max).margin(1e-4));
  const pugi::xml_node pooled = doc.select_node("//line[@class='pooled']").node();
  CHECK(mx.value(attr(pooled, "x1")) == Approx(fit.estimate).margin(1e-4));
  CHECK(mx.value(attr(doc.select_node("//line[@class='null-line']").node(), "x1")) == Approx(0).margin(1e-4));
  CHECK(std::string(doc.select_node("//g[@class='x-axis']").node().attribute("data-scale").value()) == "log");
  // Egger's line: x = b0 + b1·se at both ends.
  REQUIRE(f.analysis.egger);
  const pugi::xml_node egger = doc.select_node("//line[@class='egger']").node();
  REQUIRE(egger);
  for (const auto& [xa, ya] : {std::pair{"x1", "y1"}, std::pair{"x2", "y2"}}) {
    const double se = my.value(attr(egger, ya));
    CHECK(mx.value(attr(egger, xa)) ==
          Approx(f.analysis.egger->limit_estimate + f.analysis.egger->slope * se).margin(1e-4));
  }
  bool egger_legend = false;
  for (const pugi::xml_node& t : select(doc, "//g[@class='legend']/text")) {
    egger_legend = egger_legend ||
                   std::string(t.child_value()) == fmt::format("Egger's regression (p = {:.3f})", f.analysis.egger->pval);
  }
  CHECK(egger_legend);
  check_no_overlap(svg);

  FunnelOptions no_egger;
  no_egger.egger_line = false;
  CHECK_FALSE(parse_svg(funnel_svg(f.analysis, no_egger)).select_node("//line[@class='egger']"));
}

TEST_CASE("funnel plot: a linear axis for mean differences", "[evidence-plot]") {
  const Fitted f = fit_file("normand1999.csv", EffectMeasure::mean_difference, PoolMethod::reml);
  const std::string svg = funnel_svg(f.analysis);
  const pugi::xml_document doc = parse_svg(svg);
  CHECK(std::string(doc.select_node("//g[@class='x-axis']").node().attribute("data-scale").value()) == "linear");
  const AxisMap mx = axis_map(doc.select_node("//g[@class='x-axis']").node(), false);
  const AxisMap my = axis_map(doc.select_node("//g[@class='y-axis']").node(), false, false);
  for (const pugi::xml_node& p : select(doc, "//circle[@class='point']")) {
    const StudyResult& s = f.analysis.overall.studies[p.attribute("data-index").as_uint()];
    CHECK(mx.value(attr(p, "cx")) == Approx(s.yi).margin(1e-3));
    CHECK(my.value(attr(p, "cy")) == Approx(std::sqrt(s.vi)).margin(1e-3));
  }
  check_no_overlap(svg);
}

TEST_CASE("Egger's line slope is metafor's sei coefficient", "[evidence-plot]") {
  // The classic test's sei slope equals the intercept of Egger's 1997
  // regression of yi/sei on 1/sei: -2.1120421208932947 for dat.bcg log RR
  // (metafor_ref.json, egger_1997_snd_on_precision).
  const Fitted f = fit_file("bcg.csv", EffectMeasure::risk_ratio, PoolMethod::reml);
  REQUIRE(f.analysis.egger_classic);
  CHECK(f.analysis.egger_classic->slope == Approx(-2.1120421208932947).epsilon(1e-6));
  CHECK(f.analysis.egger_classic->limit_estimate == Approx(-0.19092864235982013).epsilon(1e-6));
  // The rma model's slope, over its test statistic, is a positive SE.
  REQUIRE(f.analysis.egger);
  CHECK(f.analysis.egger->slope / f.analysis.egger->zval > 0);
}
