// litrev meta DATA.csv --measure RR|OR|RD|MD|SMD --method FE|MH|PETO|DL|REML|PM|ML
//             [--test z|knha] [--by COLUMN] [--smd revman] [--level 0.95] [--format text|json]
//             [--forest FILE.svg [--label-left TEXT] [--label-right TEXT]] [--funnel FILE.svg]
// litrev meta --outcome NAME [the same options, which override the protocol's]
//
// Pools one outcome's study data the way metafor does (litrev/evidence.hpp)
// and prints the pooled estimate with its CI, heterogeneity (tau², I², H², Q)
// with Q-profile CIs, the prediction interval, each study's effect size and
// weight, subgroups with the test for subgroup differences (--by),
// leave-one-out and the small-study tests. With DATA.csv no review directory
// is needed; with --outcome NAME the review's litrev.json names the data
// file and the analysis (litrev/sof.hpp, OutcomePlan).
// The JSON shape is documented in schemas/output.md ("litrev meta").
// --forest and --funnel also write the plots (litrev/evidence_plot.hpp) as
// SVG files, each complete or not at all; they are written before anything
// is printed, so a failure (exit 74, or 2 for a bad path) prints no results.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/evidence.hpp>
#include <litrev/evidence_plot.hpp>
#include <litrev/review.hpp>
#include <litrev/rob_report.hpp>
#include <litrev/sof.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

using nlohmann::json;

// A number, or null when it does not exist (NaN) or is infinite.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

bool is_ratio(const MetaFit& f) { return is_ratio_measure(f.measure); }

json fit_json(const MetaFit& f) {
  json j;
  j["k"] = f.k;
  j["estimate"] = number(f.estimate);
  j["se"] = number(f.se);
  j["zval"] = number(f.zval);
  j["df"] = number(f.df);
  j["pval"] = number(f.pval);
  j["ci_lb"] = number(f.ci_lb);
  j["ci_ub"] = number(f.ci_ub);
  j["pi_lb"] = number(f.pi_lb);
  j["pi_ub"] = number(f.pi_ub);
  j["tau2"] = number(f.tau2);
  j["se_tau2"] = number(f.se_tau2);
  j["tau2_ci_lb"] = number(f.tau2_ci_lb);
  j["tau2_ci_ub"] = number(f.tau2_ci_ub);
  j["tau2_ci_lb_sign"] = f.tau2_ci_lb_sign;
  j["tau2_ci_ub_sign"] = f.tau2_ci_ub_sign;
  j["i2"] = number(f.i2);
  j["i2_ci_lb"] = number(f.i2_ci_lb);
  j["i2_ci_ub"] = number(f.i2_ci_ub);
  j["h2"] = number(f.h2);
  j["q"] = number(f.q);
  j["q_df"] = f.q_df;
  j["q_pval"] = number(f.q_pval);
  if (is_ratio(f)) {
    j["exp_estimate"] = number(std::exp(f.estimate));
    j["exp_ci_lb"] = number(std::exp(f.ci_lb));
    j["exp_ci_ub"] = number(std::exp(f.ci_ub));
    j["exp_pi_lb"] = number(std::exp(f.pi_lb));
    j["exp_pi_ub"] = number(std::exp(f.pi_ub));
  }
  json studies = json::array();
  for (const StudyResult& s : f.studies) {
    studies.push_back({{"study", s.study}, {"yi", number(s.yi)}, {"vi", number(s.vi)}, {"weight", number(s.weight)}});
  }
  j["studies"] = std::move(studies);
  return j;
}

json egger_json(const EggerTest& e) {
  return {{"zval", number(e.zval)},           {"pval", number(e.pval)},
          {"df", number(e.df)},               {"limit_estimate", number(e.limit_estimate)},
          {"limit_ci_lb", number(e.limit_ci_lb)}, {"limit_ci_ub", number(e.limit_ci_ub)}};
}

json analysis_json(const MetaAnalysis& a, const MetaOptions& o, const std::string& path) {
  json j;
  j["file"] = path;
  j["measure"] = effect_measure_name(o.measure);
  j["scale"] = is_ratio_measure(o.measure) ? "log" : "raw";
  j["method"] = pool_method_name(o.method);
  j["test"] = pool_test_name(a.overall.test);
  j["level"] = o.level;
  if (o.measure == EffectMeasure::smd) {
    j["smd_correction"] = o.smd == SmdCorrection::exact ? "exact" : "revman";
  }
  j.update(fit_json(a.overall));
  if (!o.by.empty()) {
    j["by"] = o.by;
    json groups = json::array();
    for (const Subgroup& s : a.subgroups) {
      json g = fit_json(s.fit);
      g["name"] = s.name;
      groups.push_back(std::move(g));
    }
    j["subgroups"] = std::move(groups);
    j["subgroup_test"] = a.subgroup_test ? json{{"q", number(a.subgroup_test->q)},
                                                {"df", a.subgroup_test->df},
                                                {"pval", number(a.subgroup_test->pval)}}
                                         : json(nullptr);
  }
  json l1o = json::array();
  for (const LeaveOneOut& l : a.leave_one_out) {
    l1o.push_back({{"omitted", l.omitted},  {"estimate", number(l.estimate)}, {"se", number(l.se)},
                   {"zval", number(l.zval)}, {"pval", number(l.pval)},        {"ci_lb", number(l.ci_lb)},
                   {"ci_ub", number(l.ci_ub)}, {"q", number(l.q)},            {"q_pval", number(l.q_pval)},
                   {"tau2", number(l.tau2)}, {"i2", number(l.i2)},            {"h2", number(l.h2)}});
  }
  j["leave_one_out"] = std::move(l1o);
  j["egger"] = a.egger ? egger_json(*a.egger) : json(nullptr);
  j["egger_classic"] = a.egger_classic ? egger_json(*a.egger_classic) : json(nullptr);
  j["begg"] = a.begg ? json{{"tau", number(a.begg->tau)}, {"pval", number(a.begg->pval)}, {"exact", a.begg->exact}}
                     : json(nullptr);
  j["warnings"] = a.warnings;
  return j;
}

// Numbers for people: 4 decimals, or scientific notation when tiny.
std::string f4(double v) {
  if (!std::isfinite(v)) {
    return "NA";
  }
  if (v != 0 && std::fabs(v) < 1e-4) {
    return fmt::format("{:.3e}", v);
  }
  return fmt::format("{:.4f}", v);
}

// Percentages with 2 decimals; NA when undefined (one study has no I² CI).
std::string pct2(double v) { return std::isfinite(v) ? fmt::format("{:.2f}", v) : "NA"; }

std::string pfmt(double p) {
  if (!std::isfinite(p)) {
    return "NA";
  }
  return p < 0.0001 ? "<.0001" : fmt::format("{:.4f}", p);
}

const char* model_name(const MetaFit& f) {
  switch (f.method) {
  case PoolMethod::fe:
    return "Fixed-effect (inverse variance)";
  case PoolMethod::mh:
    return "Fixed-effect (Mantel-Haenszel)";
  case PoolMethod::peto:
    return "Fixed-effect (Peto)";
  default:
    return "Random-effects";
  }
}

void print_fit(const MetaFit& f, int level_pct, const std::string& indent) {
  const bool re = f.method != PoolMethod::fe && f.method != PoolMethod::mh && f.method != PoolMethod::peto;
  fmt::print("{}{} model, k = {}", indent, model_name(f), f.k);
  if (re) {
    fmt::print(", tau² estimator {}", pool_method_name(f.method));
  }
  if (f.test == PoolTest::knha) {
    fmt::print(", Hartung-Knapp t test on {} df", f.df);
  }
  fmt::print("\n");
  if (re) {
    fmt::print("{}tau² = {} (SE {}; {}% CI {}{} to {}{}), tau = {}\n", indent, f4(f.tau2), f4(f.se_tau2),
               level_pct, f.tau2_ci_lb_sign, f4(f.tau2_ci_lb), f.tau2_ci_ub_sign, f4(f.tau2_ci_ub),
               f4(std::sqrt(f.tau2)));
    fmt::print("{}I² = {}% ({}% CI {}{} to {}{}), H² = {}\n", indent, pct2(f.i2), level_pct, f.tau2_ci_lb_sign,
               pct2(f.i2_ci_lb), f.tau2_ci_ub_sign, pct2(f.i2_ci_ub), f4(f.h2));
    if (f.tau2_ci_ub_sign == ">") {
      fmt::print("{}(\">\": the Q-profile bound lies beyond the searched range; the CI is wider)\n", indent);
    }
  } else {
    fmt::print("{}I² = {}%, H² = {}\n", indent, pct2(f.i2), f4(f.h2));
  }
  fmt::print("{}Q({} df) = {}, p = {}\n", indent, f.q_df, f4(f.q), pfmt(f.q_pval));
  const char* stat = f.test == PoolTest::knha ? "t" : "z";
  fmt::print("{}estimate {}, SE {}, {} = {}, p = {}, {}% CI {} to {}\n", indent, f4(f.estimate), f4(f.se), stat,
             f4(f.zval), pfmt(f.pval), level_pct, f4(f.ci_lb), f4(f.ci_ub));
  if (std::isfinite(f.pi_lb)) {
    fmt::print("{}{}% prediction interval {} to {}\n", indent, level_pct, f4(f.pi_lb), f4(f.pi_ub));
  }
  if (is_ratio(f)) {
    fmt::print("{}{} {} ({}% CI {} to {})", indent, effect_measure_name(f.measure), f4(std::exp(f.estimate)),
               level_pct, f4(std::exp(f.ci_lb)), f4(std::exp(f.ci_ub)));
    if (std::isfinite(f.pi_lb)) {
      fmt::print("; prediction interval {} to {}", f4(std::exp(f.pi_lb)), f4(std::exp(f.pi_ub)));
    }
    fmt::print("\n");
  }
}

void print_text(const MetaAnalysis& a, const MetaOptions& o, const std::string& path) {
  const int pct = static_cast<int>(std::lround(o.level * 100));
  fmt::print("{}: {}{}\n\n", path, effect_measure_name(o.measure),
             is_ratio_measure(o.measure) ? " (yi, estimates and bounds on the natural log scale)" : "");
  fmt::print("{:<30} {:>12} {:>12} {:>9}\n", "study", "yi", "vi", "weight %");
  for (const StudyResult& s : a.overall.studies) {
    fmt::print("{:<30} {:>12} {:>12} {:>9}\n", s.study, f4(s.yi), f4(s.vi), fmt::format("{:.2f}", s.weight));
  }
  fmt::print("\n");
  print_fit(a.overall, pct, "");
  if (!o.by.empty()) {
    for (const Subgroup& s : a.subgroups) {
      fmt::print("\nSubgroup {} = {}:\n", o.by, s.name);
      print_fit(s.fit, pct, "  ");
    }
    if (a.subgroup_test) {
      fmt::print("\nTest for subgroup differences: Q = {}, df = {}, p = {}\n", f4(a.subgroup_test->q),
                 a.subgroup_test->df, pfmt(a.subgroup_test->pval));
    }
  }
  if (!a.leave_one_out.empty()) {
    fmt::print("\nLeave-one-out:\n{:<30} {:>10} {:>10} {:>10} {:>8} {:>10}\n", "omitted", "estimate", "ci_lb",
               "ci_ub", "I² %", "tau²");
    for (const LeaveOneOut& l : a.leave_one_out) {
      fmt::print("{:<30} {:>10} {:>10} {:>10} {:>8} {:>10}\n", l.omitted, f4(l.estimate), f4(l.ci_lb), f4(l.ci_ub),
                 fmt::format("{:.2f}", l.i2), f4(l.tau2));
    }
  }
  if (a.egger) {
    fmt::print("\nEgger's regression test (meta-regression on SE): {} = {}, p = {}; limit estimate {}\n",
               std::isfinite(a.egger->df) ? "t" : "z", f4(a.egger->zval), pfmt(a.egger->pval),
               f4(a.egger->limit_estimate));
    fmt::print("Egger's regression test (classic, weighted lm): t = {} ({} df), p = {}\n",
               f4(a.egger_classic->zval), a.egger_classic->df, pfmt(a.egger_classic->pval));
    fmt::print("Begg's rank correlation test: Kendall's tau = {}, p = {} ({})\n", f4(a.begg->tau),
               pfmt(a.begg->pval), a.begg->exact ? "exact" : "normal approximation, ties");
  }
}

// The rows of a RoB table that belong to the result `result`: a study's row
// whose Result is `result`, else its row without a result (RoB 2 is judged
// per result; a table may hold several results of one study).
RobTable rob_rows_for(RobTable t, const std::string& result) {
  if (!t.has_results()) {
    return t;
  }
  std::vector<RobTableRow> kept;
  for (const RobTableRow& r : t.rows) {
    if (r.result == result) {
      kept.push_back(r);
    }
  }
  for (const RobTableRow& r : t.rows) {
    const bool taken = std::any_of(kept.begin(), kept.end(), [&](const RobTableRow& k) { return k.study == r.study; });
    if (r.result.empty() && !taken) {
      kept.push_back(r);
    }
  }
  t.rows = std::move(kept);
  return t;
}

} // namespace

Runner define_meta(CLI::App& app) {
  struct Opts {
    std::string file;
    std::string outcome;
    std::string measure;
    std::string method;
    std::string test;
    std::string by;
    std::string smd;
    double level = k_na;
    std::string format = "text";
    std::string forest;
    std::string funnel;
    std::string label_left;
    std::string label_right;
    std::string rob;
    std::string rob_tool;
    std::string colours = "cochrane";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("DATA", o->file,
                 "CSV with metafor's column names: ai bi ci di (or ai n1i ci n2i) for counts, "
                 "m1i sd1i n1i m2i sd2i n2i for means, yi vi for effect sizes; plus study and any other columns");
  app.add_option("--outcome", o->outcome,
                 "Instead of DATA: the review's outcome NAME, whose data file and analysis litrev.json names")
      ->option_text("NAME");
  app.add_option("--measure", o->measure,
                 "RR, OR, RD (counts), MD, SMD (means); with yi vi, what yi measures (required with DATA)");
  app.add_option("--method", o->method,
                 "FE (inverse variance), MH (Mantel-Haenszel), PETO, or a random-effects tau² estimator: "
                 "DL, REML, PM, ML (required with DATA)");
  app.add_option("--test", o->test, "z (default) or knha (Hartung-Knapp-Sidik-Jonkman, t with k-1 df)");
  app.add_option("--by", o->by, "Column to split into subgroups, with the test for subgroup differences")
      ->option_text("COLUMN");
  app.add_option("--smd", o->smd, "SMD small-sample correction: exact (metafor, default) or revman");
  app.add_option("--level", o->level, "Confidence level (default 0.95)");
  app.add_option("--format", o->format, "text (default) or json (one object; schemas/output.md)");
  app.add_option("--forest", o->forest,
                 "Also write the forest plot as SVG: studies with weights, data columns, subgroups, the "
                 "diamond, the prediction interval, heterogeneity; ratios on a log axis")
      ->option_text("FILE.svg");
  app.add_option("--funnel", o->funnel,
                 "Also write the funnel plot as SVG: effect against standard error, the pseudo confidence "
                 "region, Egger's line")
      ->option_text("FILE.svg");
  app.add_option("--label-left", o->label_left,
                 "Forest plot: text under the axis left of the line of no effect, e.g. \"Favours ketamine\"")
      ->option_text("TEXT");
  app.add_option("--label-right", o->label_right,
                 "Forest plot: text under the axis right of the line of no effect, e.g. \"Favours control\"")
      ->option_text("TEXT");
  app.add_option("--rob", o->rob,
                 "Forest plot: risk-of-bias columns beside each study, from a table in robvis's layout "
                 "(Study, D1..Dn, Overall; rows matched by study label); with --outcome, the outcome's rob table "
                 "is used unless this is given")
      ->option_text("FILE.csv");
  app.add_option("--rob-tool", o->rob_tool, "The --rob table's tool: rob2, rob2-cluster, robins-i, robins-e, rob1, "
                                            "quadas-2, robins-i-v2");
  app.add_option("--rob-colours", o->colours, "cochrane (default) or colourblind");
  app.footer("Zero cells: 1/2 is added to every cell of a table with a zero cell (metafor's escalc default); "
             "MH and Peto pool the raw tables. Numbers match R's metafor 3.8.");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json"});
    if (o->file.empty() == o->outcome.empty()) {
      throw UsageError("meta: give either DATA.csv or --outcome NAME (an outcome of the review's litrev.json)");
    }
    MetaOptions opts;
    std::string data_path = o->file;
    std::string rob_path = o->rob, rob_tool = o->rob_tool, rob_result;
    std::optional<OutcomeTable> review_table;
    if (!o->outcome.empty()) {
      const Review review(ctx.dir);
      const OutcomePlan plan = outcome_plan(review, o->outcome);
      opts = plan.meta;
      if (o->rob.empty() && !plan.rob.empty() && !o->forest.empty()) {
        rob_path = (std::filesystem::path(review.dir()) / plan.rob).string();
        rob_tool = plan.rob_tool;
        rob_result = plan.name;
      }
      review_table = read_plan_data(review, plan);
      data_path = review_table->path;
    } else if (o->measure.empty() || o->method.empty()) {
      throw UsageError("meta DATA.csv needs --measure and --method");
    }
    if (!o->measure.empty()) {
      const auto measure = effect_measure_from_name(o->measure);
      if (!measure) {
        throw UsageError("--measure " + o->measure + ": expected one of RR, OR, RD, MD, SMD");
      }
      opts.measure = *measure;
    }
    if (!o->method.empty()) {
      const auto method = pool_method_from_name(o->method);
      if (!method) {
        throw UsageError("--method " + o->method + ": expected one of FE, MH, PETO, DL, REML, PM, ML");
      }
      opts.method = *method;
    }
    if (!o->test.empty()) {
      const auto test = pool_test_from_name(o->test);
      if (!test) {
        throw UsageError("--test " + o->test + ": expected z or knha");
      }
      opts.test = *test;
    }
    if (!o->smd.empty()) {
      if (o->smd != "exact" && o->smd != "revman") {
        throw UsageError("--smd " + o->smd + ": expected exact or revman");
      }
      opts.smd = o->smd == "exact" ? SmdCorrection::exact : SmdCorrection::revman;
    }
    if (!std::isnan(o->level)) {
      opts.level = o->level;
    }
    if (!o->by.empty()) {
      opts.by = o->by;
    }
    if ((!o->label_left.empty() || !o->label_right.empty()) && o->forest.empty()) {
      throw UsageError("--label-left and --label-right label the forest plot: give --forest FILE.svg");
    }
    if ((!o->rob.empty() || !o->rob_tool.empty()) && o->forest.empty()) {
      throw UsageError("--rob and --rob-tool add columns to the forest plot: give --forest FILE.svg");
    }
    if (!o->rob.empty() && o->rob_tool.empty()) {
      throw UsageError("--rob FILE.csv needs --rob-tool (rob2, robins-i, ...)");
    }
    const RobPalette palette = rob_palette_from_name(o->colours);
    if (!o->forest.empty() && o->forest == o->funnel) {
      throw UsageError("--forest and --funnel name the same file " + o->forest);
    }
    const OutcomeTable table = review_table ? std::move(*review_table) : read_outcome_csv(o->file);
    const MetaAnalysis a = analyse(table, opts);
    // Both plots are drawn, then both files are written and committed, then
    // the results are printed.
    std::string forest, funnel;
    if (!o->forest.empty()) {
      ForestOptions fo;
      fo.label_left = o->label_left;
      fo.label_right = o->label_right;
      fo.by = opts.by;
      fo.rob_palette = palette;
      std::optional<RobTable> rob;
      if (!rob_path.empty()) {
        rob = rob_rows_for(read_robvis_csv(rob_path, rob_report_tool(rob_tool)), rob_result);
        fo.rob = &*rob;
      }
      forest = forest_svg(a, fo, &table);
    }
    if (!o->funnel.empty()) {
      funnel = funnel_svg(a);
    }
    std::unique_ptr<AtomicOutput> forest_out, funnel_out;
    if (!o->forest.empty()) {
      forest_out = std::make_unique<AtomicOutput>(o->forest);
      forest_out->stream() << forest;
    }
    if (!o->funnel.empty()) {
      funnel_out = std::make_unique<AtomicOutput>(o->funnel);
      funnel_out->stream() << funnel;
    }
    if (forest_out) {
      forest_out->commit();
    }
    if (funnel_out) {
      funnel_out->commit();
    }
    if (o->format == "json") {
      fmt::print("{}\n", analysis_json(a, opts, data_path).dump());
    } else {
      print_text(a, opts, data_path);
      if (forest_out) {
        fmt::print("\nWrote the forest plot to {}\n", o->forest);
      }
      if (funnel_out) {
        fmt::print("{}Wrote the funnel plot to {}\n", forest_out ? "" : "\n", o->funnel);
      }
    }
    std::fflush(stdout);
    for (const std::string& w : a.warnings) {
      fmt::print(stderr, "litrev: warning: {}\n", w);
    }
    return 0;
  };
}

} // namespace litrev::cli
