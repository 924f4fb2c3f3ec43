// litrev rob table FILE.csv --tool TOOL --format robvis|revman|csv|md|html [-o FILE]
// litrev rob plot traffic-light|summary FILE.csv --tool TOOL [--colours cochrane|colourblind]
//                 [--weighted] -o FILE.svg
//
// Risk-of-bias tables and robvis's plots (litrev/rob_report.hpp) from a table
// in robvis's input layout (Study, D1..Dn, Overall[, Weight]). No review
// directory is needed: the assessments a review records in its ledger are not
// read here yet.
#include <memory>
#include <string>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/rob_report.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

constexpr const char* k_tool_help =
    "The assessment tool: rob2 (RoB 2, parallel trials), rob2-cluster, robins-i, robins-e, rob1, quadas-2, "
    "robins-i-v2 (draft)";

} // namespace

Runner define_rob(CLI::App& app) {
  struct Opts {
    std::string file;
    std::string tool;
    std::string format;
    std::string output;
    std::string kind;
    std::string colours = "cochrane";
    bool weighted = false;
  };
  auto o = std::make_shared<Opts>();
  app.require_subcommand(1);
  CLI::App* table = app.add_subcommand(
      "table", "Write a risk-of-bias table in robvis's input layout, RevMan Web's layout, CSV, Markdown or HTML");
  table->add_option("FILE", o->file, "A table in robvis's input layout: Study, D1..Dn, Overall[, Weight]")
      ->required();
  table->add_option("--tool", o->tool, k_tool_help)->required();
  table->add_option("--format", o->format,
                    "robvis (robvis's input layout for the tool), revman (RevMan Web style, RoB 1 and RoB 2), "
                    "csv, md or html")
      ->required();
  table->add_option("--output,-o", o->output, "Write to FILE (complete or not at all) instead of standard output")
      ->option_text("FILE");
  CLI::App* plot = app.add_subcommand("plot", "Draw robvis's traffic-light or summary plot as SVG");
  plot->add_option("KIND", o->kind, "traffic-light or summary")->required();
  plot->add_option("FILE", o->file, "A table in robvis's input layout: Study, D1..Dn, Overall[, Weight]")
      ->required();
  plot->add_option("--tool", o->tool, k_tool_help)->required();
  plot->add_option("--colours,--colors", o->colours, "cochrane (default) or colourblind");
  plot->add_flag("--weighted", o->weighted,
                 "Summary: bars show the share of the total weight (the Weight column) instead of the share of "
                 "studies");
  plot->add_option("--output,-o", o->output, "The SVG file to write")->option_text("FILE.svg")->required();
  app.footer("Judgements may be written as people write them (L, Low, Low risk, Some concerns, NI, No "
             "information, Not applicable); tool-aware: S is Some concerns in RoB 2, Serious in ROBINS-I. "
             "Ambiguous spellings (N) are refused with the file, line and column.");
  return [o, table](Context&) {
    const RobTool& tool = rob_report_tool(o->tool);
    std::string text;
    std::string what;
    if (table->parsed()) {
      check_format(o->format, {"robvis", "revman", "csv", "md", "html"});
      const RobTable t = read_robvis_csv(o->file, tool);
      if (o->format == "robvis") {
        text = robvis_csv(t);
      } else if (o->format == "revman") {
        text = revman_csv(t);
      } else if (o->format == "csv") {
        text = rob_csv(t);
      } else if (o->format == "md") {
        text = rob_markdown(t);
      } else {
        text = rob_html(t);
      }
      what = fmt::format("the {} table ({}, {} studies)", tool.short_name, o->format, t.rows.size());
    } else {
      if (o->kind != "traffic-light" && o->kind != "summary") {
        throw UsageError("rob plot " + o->kind + ": expected traffic-light or summary");
      }
      const RobPalette palette = rob_palette_from_name(o->colours);
      if (o->weighted && o->kind != "summary") {
        throw UsageError("--weighted applies to the summary plot only");
      }
      const RobTable t = read_robvis_csv(o->file, tool);
      if (o->weighted && !t.has_weights()) {
        throw UsageError(o->file + " has no Weight column: --weighted needs one (robvis's layout: Study, D1..Dn, "
                                   "Overall, Weight)");
      }
      text = o->kind == "summary" ? summary_svg(t, palette, o->weighted) : traffic_light_svg(t, palette);
      what = fmt::format("the {} {} plot ({} studies)", tool.short_name, o->kind, t.rows.size());
    }
    if (o->output.empty()) {
      fmt::print("{}", text);
    } else {
      write_output_file(o->output, text);
      fmt::print("Wrote {} to {}\n", what, o->output);
    }
    return 0;
  };
}

} // namespace litrev::cli
