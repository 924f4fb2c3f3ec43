// litrev rob judge --tool TOOL --answers FILE.json [--format text|json]
// litrev rob assess --answers FILE.json [--tool TOOL] [--reviewer R]
// litrev rob assess STUDY --tool TOOL [--result R] [--record KEY] [--reviewer R]   (the questionnaire)
// litrev rob consensus --answers FILE.json [--tool TOOL] [--reviewer R]
// litrev rob consensus --adopt ASSESSOR --study S [--result R] --tool TOOL [--reviewer R]
// litrev rob compare [--tool TOOL] [--format text|json]
// litrev rob agreement --tool TOOL --assessors A,B [--format text|json]
// litrev rob table [FILE.csv] --tool TOOL --format robvis|revman|csv|md|html [--result R] [-o FILE]
// litrev rob plot traffic-light|summary [FILE.csv] --tool TOOL [--colours cochrane|colourblind]
//                 [--weighted] [--result R] -o FILE.svg
//
// Risk of bias (litrev/rob.hpp, rob_assess.hpp, rob_report.hpp). `judge`
// computes judgements from answers without a review. `assess` and
// `consensus` record assessments in the review's ledger; `compare` lists
// where two assessors differ; `agreement` gives kappa per domain. `table`
// and `plot` read a table in robvis's input layout (Study, D1..Dn, Overall[,
// Weight]) when FILE is given, otherwise the review's agreed assessments.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/review.hpp>
#include <litrev/rob_assess.hpp>
#include <litrev/rob_report.hpp>
#include <litrev/sof.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "rob_questionnaire.hpp"

namespace litrev::cli {

namespace {

using nlohmann::json;

constexpr const char* k_tool_help =
    "The assessment tool: rob2 (RoB 2, parallel trials), rob2-cluster, robins-i, robins-e, rob1, quadas-2, "
    "robins-i-v2 (draft)";


std::string level_label(const RobTool& tool, const std::string& id) {
  return id.empty() ? std::string("-") : tool.level(id).label;
}

json evaluation_json(const RobTool& tool, const RobAssessment& a, const RobEvaluation& e) {
  json domains = json::array();
  for (const RobDomainResult& r : e.domains) {
    json not_asked = json::array();
    for (const RobQuestionStatus& q : applicable_questions(tool, r.domain, a.answers)) {
      if (q.state == RobQuestionState::not_asked) {
        not_asked.push_back(q.id);
      }
    }
    domains.push_back({{"domain", r.domain},
                       {"name", tool.domain(r.domain).name},
                       {"status", rob_judgement_status_name(r.computed.status)},
                       {"computed", r.computed.level},
                       {"rule", r.computed.rule},
                       {"level", r.level},
                       {"overridden", r.overridden},
                       {"justification", r.justification},
                       {"unanswered", r.computed.missing},
                       {"not_asked", not_asked}});
  }
  return {{"tool", tool.id},
          {"study", a.study},
          {"result", a.result},
          {"domains", domains},
          {"overall_computed", e.computed_overall.level},
          {"overall_rule", e.computed_overall.rule},
          {"overall", e.overall},
          {"overall_overridden", e.overall_overridden},
          {"complete", e.complete},
          {"missing", e.missing}};
}

void print_evaluation(const RobTool& tool, const RobAssessment& a, const RobEvaluation& e) {
  fmt::print("{}{}{} ({})\n", a.study.empty() ? "Answers" : a.study, a.result.empty() ? "" : " — ", a.result,
             tool.short_name);
  for (const RobDomainResult& r : e.domains) {
    fmt::print("  {:<4} {:<16}", r.domain, level_label(tool, r.level));
    if (r.overridden) {
      fmt::print(" overrides {} ({}): {}", level_label(tool, r.computed.level), r.computed.rule, r.justification);
    } else if (r.computed.status == RobJudgementStatus::judged) {
      fmt::print(" {}", r.computed.rule);
    } else if (r.computed.status == RobJudgementStatus::assessor) {
      fmt::print(" the assessor's judgement (no algorithm)");
    } else {
      fmt::print(" unanswered: {}", fmt::join(r.computed.missing, ", "));
    }
    fmt::print("\n");
  }
  fmt::print("  Overall {:<13}", level_label(tool, e.overall));
  if (e.overall_overridden) {
    fmt::print(" overrides {} ({}): {}", level_label(tool, e.computed_overall.level), e.computed_overall.rule,
               e.overall_justification);
  } else {
    fmt::print(" {}", e.computed_overall.rule);
  }
  fmt::print("\n");
}

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
    std::string answers;
    std::string reviewer;
    std::string adopt;
    std::string study;
    std::string result;
    std::string assessors;
    std::string weights_from;
    std::string record;
  };
  auto o = std::make_shared<Opts>();
  app.require_subcommand(1);

  CLI::App* judge = app.add_subcommand("judge", "Judgements from answers by the tool's official algorithms (no "
                                                "review needed)");
  judge->add_option("--tool", o->tool, k_tool_help)->required();
  judge->add_option("--answers", o->answers,
                    "JSON: {\"1.1\": \"Y\", \"1.2\": \"PY\", ...}, or assessments as `rob assess` reads them")
      ->option_text("FILE.json")
      ->required();
  judge->add_option("--format", o->format, "text (default) or json (one object per assessment)");

  CLI::App* assess = app.add_subcommand("assess", "Record risk-of-bias assessments in your ledger (--answers)");
  assess->add_option("--answers", o->answers,
                     "JSON: {\"tool\", \"assessments\": [{\"study\", \"record\", \"result\", \"answers\": {id: "
                     "{\"answer\", \"note\"}}, \"levels\": {domain: {\"level\", \"justification\"}}, \"overall\"}]}")
      ->option_text("FILE.json");
  assess->add_option("STUDY", o->study,
                     "Without --answers: the study to assess in the interactive questionnaire (its label, as in "
                     "outcome data and tables)");
  assess->add_option("--tool", o->tool, "The tool (required for the questionnaire; --answers: when the file names "
                                        "none)");
  assess->add_option("--result", o->result, "The questionnaire: the result assessed (RoB 2: outcome, time point)");
  assess->add_option("--record", o->record, "The questionnaire: the key of the study's main report in the review")
      ->option_text("KEY");
  assess->add_option("--reviewer", o->reviewer, "The assessor; default: $LITREV_REVIEWER");

  CLI::App* consensus = app.add_subcommand("consensus", "Record the agreed assessment of a study and result");
  consensus->add_option("--answers", o->answers, "The agreed assessments, in the --answers layout of assess")
      ->option_text("FILE.json");
  consensus->add_option("--adopt", o->adopt, "Or: adopt this assessor's standing assessment as the consensus")
      ->option_text("ASSESSOR");
  consensus->add_option("--study", o->study, "With --adopt: the study");
  consensus->add_option("--result", o->result, "With --adopt: the result (RoB 2)");
  consensus->add_option("--tool", o->tool, k_tool_help);
  consensus->add_option("--reviewer", o->reviewer, "Who records it; default: $LITREV_REVIEWER");

  CLI::App* compare = app.add_subcommand("compare", "Where assessors' judgements differ, per study and domain");
  compare->add_option("--tool", o->tool, "Only this tool");
  compare->add_option("--format", o->format, "text (default) or json (JSON Lines, one per study and result)");

  CLI::App* agreement = app.add_subcommand("agreement", "Cohen's kappa (and weighted kappa) per domain between "
                                                        "two assessors");
  agreement->add_option("--tool", o->tool, k_tool_help)->required();
  agreement->add_option("--assessors", o->assessors, "The two assessors")->option_text("A,B")->required();
  agreement->add_option("--format", o->format, "text (default) or json");

  CLI::App* table = app.add_subcommand(
      "table", "Write a risk-of-bias table in robvis's input layout, RevMan Web's layout, CSV, Markdown or HTML");
  table->add_option("FILE", o->file,
                    "A table in robvis's input layout: Study, D1..Dn, Overall[, Weight]; default: the review's "
                    "agreed assessments");
  table->add_option("--tool", o->tool, k_tool_help)->required();
  table->add_option("--format", o->format,
                    "robvis (robvis's input layout for the tool), revman (RevMan Web style, RoB 1 and RoB 2), "
                    "csv, md, html or latex")
      ->required();
  table->add_option("--result", o->result, "From the review: only assessments of this result");
  table->add_option("--weights-from", o->weights_from,
                    "Only the studies in the meta-analysis of this outcome of the review (litrev.json), with their "
                    "weight (%) as a Weight column, matched by study label")
      ->option_text("OUTCOME");
  table->add_option("--output,-o", o->output, "Write to FILE (complete or not at all) instead of standard output")
      ->option_text("FILE");
  CLI::App* plot = app.add_subcommand("plot", "Draw robvis's traffic-light or summary plot as SVG");
  plot->add_option("KIND", o->kind, "traffic-light or summary")->required();
  plot->add_option("FILE", o->file,
                   "A table in robvis's input layout: Study, D1..Dn, Overall[, Weight]; default: the review's "
                   "agreed assessments");
  plot->add_option("--tool", o->tool, k_tool_help)->required();
  plot->add_option("--colours,--colors", o->colours, "cochrane (default) or colourblind");
  plot->add_flag("--weighted", o->weighted,
                 "Summary: bars show the share of the total weight (the Weight column) instead of the share of "
                 "studies");
  plot->add_option("--result", o->result, "From the review: only assessments of this result");
  plot->add_option("--weights-from", o->weights_from,
                   "Weights for --weighted: each study's weight (%) in the meta-analysis of this outcome of the "
                   "review, matched by study label")
      ->option_text("OUTCOME");
  plot->add_option("--output,-o", o->output, "The SVG file to write")->option_text("FILE.svg")->required();
  app.footer("Judgements may be written as people write them (L, Low, Low risk, Some concerns, NI, No "
             "information, Not applicable); tool-aware: S is Some concerns in RoB 2, Serious in ROBINS-I. "
             "Ambiguous spellings (N) are refused with the file, line and column.");
  return [o, judge, assess, consensus, compare, agreement, table](Context& ctx) {
    if (judge->parsed()) {
      check_format(o->format.empty() ? "text" : o->format, {"text", "json"});
      const RobTool& tool = rob_report_tool(o->tool);
      for (RobAssessment& a : read_rob_answers(o->answers, tool.id)) {
        const RobTool& t = rob_report_tool(a.tool);
        const RobEvaluation e = evaluate_rob(t, a);
        if (o->format == "json") {
          fmt::print("{}\n", evaluation_json(t, a, e).dump());
        } else {
          print_evaluation(t, a, e);
        }
      }
      return 0;
    }
    if (assess->parsed() || consensus->parsed()) {
      const bool agreed = consensus->parsed();
      const std::string reviewer = reviewer_or_env(o->reviewer, agreed ? "rob consensus" : "rob assess");
      Review review(ctx.dir);
      std::vector<RobAssessment> list;
      if (!o->answers.empty()) {
        if (!o->adopt.empty()) {
          throw UsageError("rob consensus: give --answers FILE.json or --adopt ASSESSOR, not both");
        }
        list = read_rob_answers(o->answers, o->tool.empty() ? std::string() : rob_report_tool(o->tool).id);
      } else if (agreed && !o->adopt.empty()) {
        if (o->study.empty() || o->tool.empty()) {
          throw UsageError("rob consensus --adopt ASSESSOR needs --study and --tool (and --result for RoB 2)");
        }
        const std::string tool = rob_report_tool(o->tool).id;
        for (const RobItem& item : rob_items(review)) {
          if (item.tool == tool && item.study == o->study && item.result == o->result) {
            const auto it = item.by_assessor.find(o->adopt);
            if (it != item.by_assessor.end()) {
              list.push_back(it->second);
            }
          }
        }
        if (list.empty()) {
          throw UsageError(fmt::format("rob consensus: {} has no {} assessment of \"{}\"{}", o->adopt, tool, o->study,
                                       o->result.empty() ? "" : " (" + o->result + ")"));
        }
      } else if (!agreed && !o->study.empty()) {
        if (o->tool.empty()) {
          throw UsageError("rob assess STUDY needs --tool (rob2, robins-i, ...)");
        }
        return run_rob_questionnaire(review, reviewer, {o->tool, o->study, o->result, o->record}, std::cin,
                                     std::cout);
      } else {
        throw UsageError(agreed ? "rob consensus needs --answers FILE.json or --adopt ASSESSOR"
                                : "rob assess needs STUDY --tool TOOL (the questionnaire) or --answers FILE.json");
      }
      if (!agreed && (!o->study.empty() || !o->record.empty() || !o->result.empty())) {
        throw UsageError("STUDY, --result and --record go with the questionnaire; --answers names its studies");
      }
      const std::vector<LedgerEvent> events = record_rob(review, reviewer, list, agreed);
      for (const LedgerEvent& e : events) {
        const RobTool& t = rob_report_tool(e.payload.at("tool").get<std::string>());
        const RobAssessment& a = list[static_cast<std::size_t>(&e - &events.front())];
        const RobEvaluation ev = evaluate_rob(t, a);
        fmt::print("{}{}: {} {} {} ({} #{})\n", a.study, a.result.empty() ? "" : " (" + a.result + ")",
                   t.short_name, agreed ? "consensus" : "assessment",
                   ev.complete ? "overall " + level_label(t, ev.overall) : std::string("incomplete"), reviewer, e.seq);
      }
      return 0;
    }
    if (compare->parsed()) {
      check_format(o->format.empty() ? "text" : o->format, {"text", "json"});
      Review review(ctx.dir);
      const std::string only = o->tool.empty() ? std::string() : rob_report_tool(o->tool).id;
      std::size_t n = 0;
      for (const RobItem& item : rob_items(review)) {
        if ((!only.empty() && item.tool != only) || item.by_assessor.size() < 2) {
          continue;
        }
        const RobTool& t = rob_report_tool(item.tool);
        const auto diff = rob_disagreements(t, item);
        if (o->format == "json") {
          json d = json::array();
          for (const RobDisagreement& x : diff) {
            d.push_back({{"domain", x.domain}, {"levels", x.levels}});
          }
          fmt::print("{}\n", json{{"tool", item.tool},
                                  {"study", item.study},
                                  {"result", item.result},
                                  {"disagreements", d},
                                  {"consensus", item.consensus.has_value()}}
                                 .dump());
          continue;
        }
        ++n;
        fmt::print("{}{} ({}): {}{}\n", item.study, item.result.empty() ? "" : " — " + item.result, t.short_name,
                   diff.empty() ? "the assessors agree" : fmt::format("{} disagreement(s)", diff.size()),
                   item.consensus ? "; consensus recorded" : "");
        for (const RobDisagreement& x : diff) {
          std::vector<std::string> parts;
          for (const auto& [actor, level] : x.levels) {
            parts.push_back(actor + " " + level_label(t, level));
          }
          fmt::print("  {:<8} {}\n", x.domain, fmt::join(parts, " | "));
        }
      }
      if (o->format != "json" && n == 0) {
        fmt::print("No study has been assessed by two assessors yet.\n");
      }
      return 0;
    }
    if (agreement->parsed()) {
      check_format(o->format.empty() ? "text" : o->format, {"text", "json"});
      const auto comma = o->assessors.find(',');
      if (comma == std::string::npos) {
        throw UsageError("--assessors A,B: two assessors, comma-separated");
      }
      const std::string a = o->assessors.substr(0, comma), b = o->assessors.substr(comma + 1);
      Review review(ctx.dir);
      const RobTool& t = rob_report_tool(o->tool);
      const auto result = rob_agreement(t, rob_items(review), a, b);
      if (result.empty()) {
        throw UsageError(fmt::format("rob agreement: no {} assessment made by both {} and {}", t.id, a, b));
      }
      for (const RobDomainAgreement& d : result) {
        const KappaResult& k = d.kappa;
        if (o->format == "json") {
          const auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
          fmt::print("{}\n", json{{"domain", d.domain},
                                  {"n", k.n},
                                  {"p_observed", num(k.p_observed)},
                                  {"kappa", num(k.kappa)},
                                  {"ci_lb", num(k.ci_lb)},
                                  {"ci_ub", num(k.ci_ub)},
                                  {"weighted_kappa", num(k.weighted_kappa)},
                                  {"categories", d.categories}}
                                 .dump());
        } else {
          fmt::print("{:<8} n = {:<3} agreement {:.0f}%  kappa {}  weighted kappa {}\n", d.domain, k.n,
                     100 * k.p_observed, k.undefined ? "undefined" : fmt::format("{:.3f}", k.kappa),
                     k.undefined ? "undefined" : fmt::format("{:.3f}", k.weighted_kappa));
        }
      }
      return 0;
    }
    const RobTool& tool = rob_report_tool(o->tool);
    RobTable t;
    std::vector<std::string> pending;
    if (!o->file.empty()) {
      if (!o->result.empty()) {
        throw UsageError("--result selects the review's assessments; a FILE is used whole");
      }
      t = read_robvis_csv(o->file, tool);
    } else {
      t = rob_table_from_review(tool, rob_items(Review(ctx.dir)), o->result, &pending);
      if (t.rows.empty()) {
        throw UsageError(fmt::format("the review has no agreed {} assessment{} to show{}", tool.short_name,
                                     o->result.empty() ? "" : " of " + o->result,
                                     pending.empty() ? "" : fmt::format(" (pending: {})", fmt::join(pending, "; "))));
      }
    }
    if (!o->weights_from.empty()) {
      const Review review(ctx.dir);
      const OutcomePlan plan = outcome_plan(review, o->weights_from);
      const MetaAnalysis a = analyse(read_plan_data(review, plan), plan.meta);
      std::vector<RobTableRow> kept;
      for (RobTableRow& row : t.rows) {
        for (const StudyResult& s : a.overall.studies) {
          if (s.study == row.study) {
            row.weight = s.weight;
          }
        }
        if (row.weight) {
          kept.push_back(std::move(row));
        } else {
          pending.push_back(row.study + ": not in the meta-analysis of " + o->weights_from);
        }
      }
      t.rows = std::move(kept);
      if (t.rows.empty()) {
        throw UsageError("--weights-from " + o->weights_from + ": no study of the table is in its meta-analysis");
      }
    }
    std::string text;
    std::string what;
    if (table->parsed()) {
      check_format(o->format, {"robvis", "revman", "csv", "md", "html", "latex"});
      if (o->format == "robvis") {
        text = robvis_csv(t);
      } else if (o->format == "revman") {
        text = revman_csv(t);
      } else if (o->format == "csv") {
        text = rob_csv(t);
      } else if (o->format == "md") {
        text = rob_markdown(t);
      } else if (o->format == "latex") {
        text = rob_latex(t);
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
      if (o->weighted && !t.has_weights()) {
        throw UsageError((o->file.empty() ? std::string("the review's table") : o->file) +
                         " has no Weight column: --weighted needs one (robvis's layout: Study, D1..Dn, Overall, "
                         "Weight)");
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
    for (const std::string& p : pending) {
      fmt::print(stderr, "litrev: note: not in the table: {}\n", p);
    }
    return 0;
  };
}

} // namespace litrev::cli
