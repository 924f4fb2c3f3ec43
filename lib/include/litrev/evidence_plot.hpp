// litrev/evidence_plot.hpp: the forest plot and the funnel plot of a
// meta-analysis (litrev/evidence.hpp), as standalone SVG documents.
//
// Both plots draw the numbers of the MetaAnalysis they are given; the only
// thing they compute is each study's confidence interval, yi ± z·√vi at the
// fit's level (metafor's forest does the same). Effects are drawn on the
// scale they are pooled on: for ratio measures (RR, OR) the axis is the
// natural-log scale and its ticks are labelled with ratios (0.1, 0.2, 0.5,
// 1, 2 ...), as metafor's forest(res, atransf = exp); every number printed
// beside a study is back-transformed the same way.
//
// The SVG: an XML declaration, one <svg> element with xmlns, width, height
// and viewBox (user units are pixels), white background, text in DejaVu Sans
// with explicit font-size and text-anchor on every <text>. The layout is
// computed from the data with plot_text_width() below, so that no two pieces
// of text overlap. Groups carry classes for tools and tests:
// forest: `header`, `study` (data-index = the study's index in
// overall.studies) with `label`, `square`, `ci`, `arrow`, `weight`,
// `estimate` and `col` (data columns); `subgroup-header`, `summary`
// (data-kind = subgroup or overall) with a `diamond` polygon, `prediction`,
// `axis` with one `tick` group per tick, `null-line`, `footer`. With
// risk-of-bias columns (ForestOptions::rob): `rob-header` (the heading
// "Risk of bias" and the column headings), in a study's group one `rob-cell`
// per column (data-domain = the domain id or "overall", data-level = the
// level id) holding a `circle` and the glyph's <text>, a text `rob-missing`
// in the footer, and `rob-legend` with one `rob-legend-entry` (data-level)
// per level drawn and one `rob-domain` text per domain; without a table,
// nothing of class rob-*.
// funnel: `panel`, `region` (the pseudo-confidence region), `pooled`,
// `egger`, `point` (one per study with an effect size, data-index as
// above), `x-axis`, `y-axis`, `legend`.
// User text (study labels, subgroup names, axis labels) is escaped; invalid
// UTF-8 is drawn as U+FFFD.
#pragma once

#include <string>
#include <string_view>

#include <litrev/evidence.hpp>
#include <litrev/rob_report.hpp>

namespace litrev {

// The font the plots declare, and its stack of fallbacks.
inline constexpr const char* k_plot_font_family = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

// The advance width in pixels of `text` drawn in DejaVu Sans at `font_size`
// px, from the font's own advance widths for ASCII, Latin-1 and the symbols
// the plots use; other characters are counted generously (0.75 em; 1 em for
// CJK and other wide characters; 0 for combining marks) so that the estimate
// errs on the wide side. Invalid UTF-8 counts as U+FFFD. The layout of both
// plots uses this function, and tests use it to check that no text overlaps.
double plot_text_width(std::string_view text, double font_size, bool bold = false);

struct ForestOptions {
  // Under the axis, on either side of the line of no effect, for example
  // "Favours ketamine" and "Favours control" (which side favours which arm
  // depends on the outcome, so there is no default). Empty: not drawn.
  std::string label_left;
  std::string label_right;
  // Above the plot; empty: none.
  std::string title;
  // Under the axis; empty: the measure, e.g. "Risk ratio (log scale)".
  std::string axis_title;
  // The column the subgroups come from (MetaOptions::by); when given, each
  // subgroup heading reads "COLUMN: value", else just the value.
  std::string by;
  // Headings of the data columns drawn with `data` (forest_svg).
  std::string experimental = "Experimental";
  std::string control = "Control";
  // Decimals of the estimates and bounds printed beside each row.
  int digits = 2;
  // Axis limits on the scale people read (ratios for RR and OR). NaN: from
  // the data. Both or neither; a CI beyond a limit ends in an arrow.
  double axis_min = k_na;
  double axis_max = k_na;
  // Risk-of-bias columns beside the studies, as robvis's rob_forest(): right
  // of the estimates, under the heading "Risk of bias", one narrow column per
  // domain of the table (headed by the domain id: "D1" .. "D5" for RoB 2)
  // and one "Overall"; in each study's row, each cell a circle in its
  // level's colour with the level's glyph, as rob_level_style(tool, level,
  // rob_palette) gives them (a Not applicable cell has no glyph). Under the
  // footer, the tool, the levels drawn and the domains' names ("D1: Bias
  // arising from the randomization process"). Null: no columns. The table
  // is only read during the call. See forest_svg for how rows are matched.
  const RobTable* rob = nullptr;
  RobPalette rob_palette = RobPalette::cochrane;
};

// The forest plot of `analysis`: one row per study of analysis.overall.studies
// in order (grouped under a heading per subgroup, in the order of
// analysis.subgroups, when there are subgroups), with its label, a square of
// area proportional to its weight in the overall model centred on yi, the
// confidence interval of yi (yi ± z·√vi at the fit's level) as a line, an
// arrow where the interval leaves the axis, the weight in percent and
// "estimate [lb, ub]". A study without an effect size (MH/Peto double zero)
// is listed as "Not estimable". Subgroups get a diamond each (their own
// fit) and a heterogeneity line; the overall fit gets the diamond spanning
// its CI, the prediction interval on a row of its own (a line with end
// ticks, as metafor's "bar" style), the heterogeneity line (τ², I², Q, p),
// the test for the overall effect and the test for subgroup differences in
// the footer. The vertical line of no effect is at 0 (1 for ratios).
//
// With `data` (the table that was analysed; its rows must match
// analysis.overall.studies one for one) the plot adds data columns: events
// and totals per arm for 2x2 counts, mean, SD and total per arm for
// continuous data; nothing for generic yi/vi.
//
// With options.rob, a study's risk-of-bias cells come from the table row
// whose study is exactly the study's label (StudyResult::study ==
// RobTableRow::study; the result column is not looked at). A study without
// a row gets empty cells and is named in a footer line "No risk-of-bias
// assessment: A, B"; rows of studies that are not in the analysis are
// ignored. Summary rows (diamonds) get no cells.
//
// The axis covers every point estimate, the pooled CIs, the prediction
// interval and the line of no effect, and the study CIs unless they reach
// further than that span again on either side (those end in arrows); then it is
// widened to round ticks. Throws UsageError for an analysis with no studies,
// `data` whose rows do not match, digits outside 0..6, limits that are not
// both given, not increasing or (ratios) not positive; and, with
// options.rob, for a table of an unknown tool or domain, a row of a study in
// the analysis with the wrong number of judgements or a level the tool does
// not have (as rob_level_style), or two rows for one study of the analysis
// (a RoB 2 table that assesses several results of a study must first be cut
// to the result analysed: which row is meant cannot be guessed).
std::string forest_svg(const MetaAnalysis& analysis, const ForestOptions& options = {},
                       const OutcomeTable* data = nullptr);

struct FunnelOptions {
  std::string title;      // above the plot; empty: none
  std::string axis_title; // under the x axis; empty: the measure
  // Draws the Egger regression line yi = b0 + b1·sei of analysis.egger
  // (metafor's regtest(fit)) when the analysis has one.
  bool egger_line = true;
};

// The funnel plot of analysis.overall, as metafor's funnel(fit): the studies'
// yi (x; log scale with ratio ticks for RR and OR) against their standard
// errors √vi (y, 0 at the top), the pooled estimate as a vertical line, the
// pseudo confidence region estimate ± z·se at the fit's level (white on a
// grey panel, dotted edges), the line of no effect when it falls inside the
// panel, and Egger's line (see FunnelOptions). Studies without an effect
// size are left out and counted in the legend. Throws UsageError when fewer
// than one study has an effect size.
std::string funnel_svg(const MetaAnalysis& analysis, const FunnelOptions& options = {});

} // namespace litrev
