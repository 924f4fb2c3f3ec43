// litrev/rob_report.hpp: risk-of-bias tables and plots, in robvis's formats.
//
// A RobTable holds, for each study (and, in RoB 2, optionally the result
// assessed), the judgement of every risk-of-bias domain of one tool, the
// overall judgement and an optional weight (the study's share of the
// meta-analysis, in percent as metafor's weights() gives it). It is read from
// robvis's input layout (read_robvis_csv) and written as robvis's input layout,
// a RevMan Web style risk-of-bias CSV, a plain CSV, Markdown or HTML; and drawn
// as robvis's two plots, the traffic-light plot and the (weighted) summary bar
// chart, as SVG.
//
// Judgements are level ids of the tool (litrev/rob.hpp), plus two values that
// robvis accepts in every template even where the tool has no such level:
// k_rob_no_information (RoB 2 has no "No information" level, yet robvis's
// example data use it for an assessment that could not be made) and
// k_rob_not_applicable (a domain that does not apply, such as D1b of a
// cluster trial that recruited before randomisation).
//
// robvis is the R package mcguinlu/robvis (0.3.0.900, snapshot c7c1bdd);
// what is followed of it is written in ../shared/specs/rob_grade_meta.md §3.
// The tables and plots are pure functions of the table: no I/O but the
// reading of the CSV file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <litrev/rob.hpp>

namespace litrev {

inline constexpr const char* k_rob_no_information = "no_information";
inline constexpr const char* k_rob_not_applicable = "not_applicable";

struct RobTableRow {
  std::string study;
  std::string result;               // RoB 2: the result assessed; may be empty
  std::vector<std::string> domains; // a level id per column of RobTable::domains
  std::string overall;              // level id
  std::optional<double> weight;     // percent (any positive scale works)
  std::vector<std::string> support; // support for each domain judgement; may be empty
};

struct RobTable {
  std::string tool;                 // RobTool id
  std::vector<std::string> domains; // the tool's risk-of-bias domains, in order
  std::vector<RobTableRow> rows;

  // Whether every row has a weight (and there is at least one row).
  bool has_weights() const;
  // Whether any row names the result assessed.
  bool has_results() const;
};

// An empty table for `tool`: its risk-of-bias domains as columns (QUADAS-2's
// applicability domains are not part of robvis's layout and are left out).
RobTable make_rob_table(const RobTool& tool);

// The tool a short name given on a command line means: "rob2" is
// rob2-parallel-itt (the variants share domains and levels), "quadas2"
// quadas-2, "robinsi" robins-i; any embedded tool id as itself. Throws
// UsageError naming the known names.
const RobTool& rob_report_tool(std::string_view name);

// The level a table cell spells, as parse_judgement reads it, plus "No
// information" ("NI", "No info") and "Not applicable" ("NA", "N/A") where
// the tool has no such level, and, for QUADAS-2, robvis's "Some concerns"
// as Unclear (robvis's QUADAS-2 template has no Unclear level and puts
// Unclear judgements in its "Some concerns" slot). Levels that only an
// overall judgement takes are refused unless `overall`. Throws UsageError
// as parse_judgement does ("N" is ambiguous, "S" means Serious in ROBINS-I
// and Some concerns in RoB 2).
std::string parse_table_judgement(const RobTool& tool, std::string_view text, bool overall);

// Reads robvis's input layout: a header row, then one row per study with the
// columns Study, D1..Dn (the tool's risk-of-bias domains in order), Overall
// and optionally Weight (a last column named "Weight"). litrev also accepts a
// column "Result" after Study (RoB 2 results). Column names other than those
// are not checked, as robvis does not check them. Judgements may be spelled
// any way parse_table_judgement accepts. Throws DataError naming `path`, the
// line and the column (number and header) of a bad cell, a row with the
// wrong number of columns, or a missing or negative weight.
RobTable read_robvis_csv(const std::string& path, const RobTool& tool);

// robvis's input layout for the table's tool, ready for rob_traffic_light()
// and rob_summary(): columns Study, D1..Dn (D1, D1b, D2..D5 for RoB 2
// cluster trials; the domain names, spaces as dots, for RoB 1 and ROBINS-I
// V2, which robvis draws with its Generic template), Overall, and Weight when
// every row has one; judgements in the words robvis recognises ("Low", "Some
// concerns", "High", "No information", "Not applicable", "Moderate",
// "Serious", "Critical", "Very high", "Unclear"); quoted as R's write.csv
// quotes. QUADAS-2's Unclear is written "Some concerns" and its overall "At
// risk of bias" as "High" (robvis's QUADAS-2 template has neither). A RoB 2
// result is appended to the study label: "Study (result)".
std::string robvis_csv(const RobTable& table);

// A RevMan Web style risk-of-bias CSV: one row per study (RoB 1) or per study
// and result (RoB 2) and domain, with the columns Study, [Result,] Domain,
// Judgement, Support for judgement; the overall judgement as the domain
// "Overall". Judgements in RevMan's words: "Low risk", "High risk", "Unclear
// risk" (RoB 1); "Low risk", "Some concerns", "High risk" (RoB 2). Throws
// UsageError for other tools (RevMan Web records RoB 1 and RoB 2 only).
std::string revman_csv(const RobTable& table);

// A plain CSV: Study, [Result,] the domain ids, Overall, [Weight], judgements
// as the tool's labels.
std::string rob_csv(const RobTable& table);

// A Markdown table (cells escaped) with the domain names listed under it;
// support text, when present, follows its judgement.
std::string rob_markdown(const RobTable& table);

// An HTML <table> (text escaped), with the domain names as a caption list.
std::string rob_html(const RobTable& table);

// A LaTeX table for a paper: a `table` float with a booktabs `tabular`
// (Study, [Result,] the domain ids, Overall, [Weight (%)]), judgements as
// the tool's labels, the domain names in the caption, every text escaped for
// LaTeX (\ { } $ & # ^ _ % ~). Needs \usepackage{booktabs}; says so in a
// comment on its first line. Support text is left out (use md or html).
std::string rob_latex(const RobTable& table);

// robvis's palettes (spec §3 "Colours").
enum class RobPalette { cochrane, colourblind };

// "cochrane", "colourblind" (or "colorblind"). Throws UsageError.
RobPalette rob_palette_from_name(std::string_view name);

// How a level is drawn: its fill colour ("#02C100"), the glyph on it
// ("+", "-", "x", "!", "?", or "" for Not applicable), and its label in the
// legend of the traffic-light plot ("High") and of the summary plot ("High
// risk").
struct RobLevelStyle {
  std::string fill;
  std::string glyph;
  std::string label;
  std::string summary_label;
};

// The style of `level` of `tool` (a level id or one of the two k_rob_*
// values). Throws UsageError for an unknown level.
RobLevelStyle rob_level_style(const RobTool& tool, std::string_view level, RobPalette palette);

// robvis's traffic-light plot: one row per study, one column per domain and
// Overall, each cell a filled circle with the level's glyph; the Overall
// column shaded; the domains' names listed under the grid; a legend of the
// levels. SVG elements carry class and data- attributes for checking:
// g.cell[data-row, data-domain, data-level] holding a circle and a text,
// rect.overall-column, g.legend-entry[data-level].
std::string traffic_light_svg(const RobTable& table, RobPalette palette);

// robvis's summary plot: one 100% stacked bar per domain and one for the
// overall judgement, each segment the share of studies (or, `weighted`, of
// the total weight) with that judgement; a legend of the levels.
// rect.segment[data-domain, data-level, data-proportion] per segment.
// Throws UsageError when `weighted` and the table has no weights.
std::string summary_svg(const RobTable& table, RobPalette palette, bool weighted);

} // namespace litrev
