// litrev grade [--outcome NAME] [--format text|json]
// litrev grade --outcome NAME --accept FACTOR[,FACTOR...]|all [--why TEXT] [--reviewer R]
// litrev grade --outcome NAME --set FACTOR=LEVELS --why TEXT [--reviewer R]
// litrev grade --outcome NAME --comment TEXT [--reviewer R]
//
// GRADE certainty per pooled outcome of the review (litrev/sof.hpp): for
// each factor litrev's suggestion with its reason, the reviewers' standing
// judgement, and the certainty that follows. --accept, --set and --comment
// record a reviewer's judgement as ledger events; a judgement is acknowledged
// only after its line is on disk, and with several factors nothing is
// written unless all pass the checks.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>
#include <litrev/sof.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

std::string signed_levels(const GradeFactor& f, int n) {
  if (n == 0) {
    return f.upgrade ? "not rated up" : "not rated down";
  }
  static const char* const words[] = {"", "serious", "very serious", "extremely serious"};
  return f.upgrade ? fmt::format("up {}", n) : fmt::format("down {} ({})", n, words[n > 3 ? 3 : n]);
}

void print_outcome(const OutcomeGrade& g) {
  const MetaFit& f = g.analysis.overall;
  fmt::print("{}: {} by {} ({} test); {} stud{}", g.plan.name, effect_measure_name(f.measure),
             pool_method_name(f.method), pool_test_name(f.test), f.studies.size(),
             f.studies.size() == 1 ? "y" : "ies");
  if (g.totals.participants > 0) {
    fmt::print(", {:.0f} participants", g.totals.participants);
  }
  fmt::print("\n");
  if (is_ratio_measure(f.measure)) {
    fmt::print("  {} {:.2f} (95% CI {:.2f} to {:.2f})", effect_measure_name(f.measure), std::exp(f.estimate),
               std::exp(f.ci_lb), std::exp(f.ci_ub));
  } else {
    fmt::print("  {} {:.3f} (95% CI {:.3f} to {:.3f})", effect_measure_name(f.measure), f.estimate, f.ci_lb,
               f.ci_ub);
  }
  fmt::print("; I² {:.0f}%\n", f.i2);
  fmt::print("  Start: {}. {}\n", certainty_name(g.start), g.start_reason);
  for (const GradeFactor& x : g.factors) {
    fmt::print("  {:<24} {}", x.name + ":", signed_levels(x, x.effective()));
    if (x.judged) {
      fmt::print("  [judged by {} {}{}]", x.actor, x.ts,
                 x.stale ? fmt::format("; STALE: litrev now suggests {}, it suggested {} then", x.suggested,
                                       x.judged_against)
                         : "");
    } else if (x.needs_judgement) {
      fmt::print("  [the reviewers' call: not yet judged]");
    } else {
      fmt::print("  [litrev's suggestion: not yet judged]");
    }
    fmt::print("\n      litrev: {}{}\n", x.needs_judgement ? "" : signed_levels(x, x.suggested) + ". ", x.reason);
    if (x.judged && !x.justification.empty()) {
      fmt::print("      {}: {}\n", x.actor, x.justification);
    }
  }
  fmt::print("  Certainty: {} {}", certainty_symbols(g.certainty), certainty_name(g.certainty));
  if (g.final()) {
    fmt::print(" (every factor judged)\n");
  } else {
    fmt::print(" (provisional: {} not yet judged, {} stale)\n", g.unjudged, g.stale);
  }
  if (!g.comment.empty()) {
    fmt::print("  Comment: {}\n", g.comment);
  }
  for (const std::string& p : g.link_problems) {
    fmt::print("  Check the data: {}\n", p);
  }
}

} // namespace

Runner define_grade(CLI::App& app) {
  struct Opts {
    std::string outcome;
    std::string format = "text";
    std::string accept;
    std::string set;
    std::string why;
    std::string comment;
    bool has_comment = false;
    std::string reviewer;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--outcome", o->outcome, "The outcome (its name in litrev.json); default: every pooled outcome")
      ->option_text("NAME");
  app.add_option("--format", o->format, "text (default) or json (one object per outcome; schemas/output.md)");
  app.add_option("--accept", o->accept,
                 "Accept litrev's suggestion for these factors (comma-separated), or all that have one: "
                 "risk-of-bias, inconsistency, imprecision, publication-bias, large-effect")
      ->option_text("FACTOR,...|all");
  app.add_option("--set", o->set,
                 "Judge a factor yourself: levels rated down (domains: risk-of-bias, inconsistency, "
                 "indirectness, imprecision, publication-bias) or up (large-effect, dose-response, confounding)")
      ->option_text("FACTOR=LEVELS");
  app.add_option("--why", o->why, "The justification (required with --set when you differ from litrev, and for "
                                  "the reviewers' calls)")
      ->option_text("TEXT");
  app.add_option("--comment", o->comment, "The Summary of Findings comment for the outcome (\"\" clears it)")
      ->option_text("TEXT");
  app.add_option("--reviewer", o->reviewer, "Who judges; default: $LITREV_REVIEWER");
  app.footer("GRADE rules litrev applies are in lib/include/litrev/grade.hpp; each suggestion states its reason. "
             "Print the Summary of Findings with `litrev sof`.");
  return [o, &app](Context& ctx) {
    check_format(o->format, {"text", "json"});
    o->has_comment = app.count("--comment") > 0;
    const int actions = !o->accept.empty() + !o->set.empty() + o->has_comment;
    if (actions > 1) {
      throw UsageError("grade: give one of --accept, --set and --comment at a time");
    }
    if (actions == 0 && !o->why.empty()) {
      throw UsageError("grade: --why goes with --accept or --set");
    }
    Review review(ctx.dir);
    if (actions == 0) {
      std::vector<LedgerProblem> problems;
      const std::vector<OutcomeGrade> grades =
          grade_review(review, o->outcome.empty() ? std::vector<std::string>{} : std::vector{o->outcome}, &problems);
      for (std::size_t i = 0; i < grades.size(); ++i) {
        if (o->format == "json") {
          fmt::print("{}\n", grade_json(grades[i]).dump());
        } else {
          fmt::print("{}", i ? "\n" : "");
          print_outcome(grades[i]);
        }
      }
      std::fflush(stdout);
      for (const LedgerProblem& p : problems) {
        fmt::print(stderr, "litrev: warning: {}:{}: {}\n", p.file, p.line, p.problem);
      }
      return 0;
    }
    if (o->outcome.empty()) {
      throw UsageError("grade: --accept, --set and --comment need --outcome NAME");
    }
    const std::string reviewer = reviewer_or_env(o->reviewer, "grade");
    if (o->has_comment) {
      const LedgerEvent e = record_grade_comment(review, reviewer, o->outcome, o->comment);
      fmt::print("{}: comment {} ({} #{})\n", o->outcome, o->comment.empty() ? "cleared" : "recorded", reviewer,
                 e.seq);
      return 0;
    }
    std::vector<GradeJudgementInput> inputs;
    if (!o->set.empty()) {
      const std::size_t eq = o->set.find('=');
      if (eq == std::string::npos) {
        throw UsageError("grade --set " + o->set + ": expected FACTOR=LEVELS, e.g. indirectness=1");
      }
      GradeJudgementInput in;
      in.factor = o->set.substr(0, eq);
      const std::string n = o->set.substr(eq + 1);
      if (n.size() != 1 || n[0] < '0' || n[0] > '9') {
        throw UsageError("grade --set " + o->set + ": LEVELS is a number of levels, 0 to 3");
      }
      in.levels = n[0] - '0';
      in.justification = o->why;
      inputs.push_back(in);
    } else if (o->accept == "all") {
      const OutcomeGrade g =
          grade_outcome(review, outcome_plan(review, o->outcome), Ledger(review.ledger_path()).read_all().events);
      for (const GradeFactor& f : g.factors) {
        const bool settled = f.judged && !f.stale && f.levels == f.suggested;
        if (!f.needs_judgement && !settled) {
          inputs.push_back({f.id, std::nullopt, o->why});
        }
      }
      if (inputs.empty()) {
        fmt::print("{}: nothing to accept (every suggestion is accepted already, or is the reviewers' call)\n",
                   o->outcome);
        return 0;
      }
    } else {
      for (const std::string& f : split_list(o->accept)) {
        inputs.push_back({f, std::nullopt, o->why});
      }
    }
    const std::vector<LedgerEvent> events = record_grade(review, reviewer, o->outcome, inputs);
    for (const LedgerEvent& e : events) {
      const int levels = e.payload.at("levels").get<int>();
      const GradeFactorInfo* info = grade_factor(e.payload.at("factor").get<std::string>());
      fmt::print("{}: {} {} {} ({} #{})\n", o->outcome, info->name, info->upgrade ? "up" : "down", levels, reviewer,
                 e.seq);
    }
    if (!events.front().set_aside.empty()) {
      fmt::print(stderr, "litrev: note: the ledger's last line was torn (a crash mid-write); it was moved to {} "
                         "and the chain goes on without it\n", events.front().set_aside);
    }
    return 0;
  };
}

} // namespace litrev::cli
