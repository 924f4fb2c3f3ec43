// litrev sof [--format md|html|csv|json] [--profile] [--outcome NAME]... [--output FILE]
//
// The Summary of Findings table of the review's pooled outcomes, with
// GRADEpro's columns, or (--profile) the GRADE evidence profile
// (litrev/sof.hpp). Certainty follows the reviewers' judgements in the
// ledger (`litrev grade`); where a factor is not yet judged litrev's
// suggestion stands in and the table says it is provisional. JSON: one
// object per outcome, grade_json() plus the table's cells under "row".
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>
#include <litrev/sof.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_sof(CLI::App& app) {
  struct Opts {
    std::string format = "md";
    bool profile = false;
    std::vector<std::string> outcomes;
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--format", o->format, "md (default), html, csv, or json (one object per outcome)");
  app.add_flag("--profile", o->profile,
               "The GRADE evidence profile (each domain, patients per arm, importance) instead of the SoF table");
  app.add_option("--outcome", o->outcomes, "Only this outcome (repeatable); default: every pooled outcome")
      ->option_text("NAME");
  app.add_option("--output,-o", o->output, "Write to FILE instead of standard output")->option_text("FILE");
  return [o](Context& ctx) {
    check_format(o->format, {"md", "html", "csv", "json"});
    Review review(ctx.dir);
    std::vector<LedgerProblem> problems;
    const std::vector<OutcomeGrade> grades = grade_review(review, o->outcomes, &problems);
    const std::string title = review.protocol().title;
    const GradeTable table = o->profile ? evidence_profile(grades, "GRADE evidence profile: " + title)
                                        : summary_of_findings(grades, "Summary of findings: " + title);
    std::string text;
    if (o->format == "json") {
      for (std::size_t i = 0; i < grades.size(); ++i) {
        nlohmann::json j = grade_json(grades[i]);
        nlohmann::json row = nlohmann::json::object();
        for (std::size_t c = 0; c < table.header.size(); ++c) {
          row[table.header[c]] = {{"text", table.rows[i][c].text}, {"notes", table.rows[i][c].notes}};
        }
        j["row"] = row;
        nlohmann::json notes = nlohmann::json::object();
        for (const auto& cells : table.rows[i]) {
          for (const std::string& letter : cells.notes) {
            for (const auto& [l, t] : table.footnotes) {
              if (l == letter) {
                notes[l] = t;
              }
            }
          }
        }
        j["footnotes"] = notes;
        text += j.dump() + "\n";
      }
    } else if (o->format == "html") {
      text = grade_table_html(table);
    } else if (o->format == "csv") {
      text = grade_table_csv(table);
    } else {
      text = grade_table_markdown(table);
    }
    if (o->output.empty()) {
      fmt::print("{}", text);
    } else {
      write_output_file(o->output, text);
      fmt::print("Wrote the {} to {} ({})\n", o->profile ? "evidence profile" : "Summary of Findings", o->output,
                 o->format);
    }
    std::fflush(stdout);
    for (const LedgerProblem& p : problems) {
      fmt::print(stderr, "litrev: warning: {}:{}: {}\n", p.file, p.line, p.problem);
    }
    return 0;
  };
}

} // namespace litrev::cli
