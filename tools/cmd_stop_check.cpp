// litrev stop-check [--stage ta|ft] [--recall 0.95] [--confidence 0.95]
//                   [--consecutive 50] [--consecutive-pct 5]
//                   [--safe-random M | --safe-estimate R] [--format text|json]
//
// Whether the evidence supports stopping screening at a stage, and why
// (litrev/stopping.hpp). The screening sequence is read from the review:
// the stage's records that are settled (included or excluded), in the order
// of each record's first vote at that stage; N is the stage's records. Every
// rule's verdict comes with its numbers, and a paragraph for the methods
// section. The answer is information: the exit code is 0 whatever it is.
//
// SAFE needs an estimate of the relevant records from a random sample:
// --safe-random M says the first M records screened were a random set
// (SAFE phase 1); --safe-estimate R gives the estimate directly.
#include <cmath>
#include <memory>
#include <optional>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>
#include <litrev/stopping.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

Runner define_stop_check(CLI::App& app) {
  struct Opts {
    std::string stage = "ta";
    double recall = 0.95;
    double confidence = 0.95;
    std::size_t consecutive = 50;
    double consecutive_pct = 5;
    std::size_t safe_random = 0;
    std::optional<double> safe_estimate;
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--stage", o->stage, "ta (title-abstract, the default) or ft (full-text)");
  app.add_option("--recall", o->recall, "The recall target of the statistical test, in (0, 1] (default 0.95)");
  app.add_option("--confidence", o->confidence, "Its confidence level, in (0, 1) (default 0.95)");
  app.add_option("--consecutive", o->consecutive, "Irrelevant records in a row for the heuristic (default 50)");
  app.add_option("--consecutive-pct", o->consecutive_pct,
                 "The same as a percentage of the stage's records (default 5)");
  auto* random = app.add_option("--safe-random", o->safe_random,
                                "SAFE: the first M records screened were a random sample (phase 1)")
                     ->option_text("M");
  app.add_option("--safe-estimate", o->safe_estimate, "SAFE: the estimated number of relevant records")
      ->option_text("R")
      ->excludes(random);
  app.add_option("--format", o->format, "text or json");
  return [o](Context& ctx) {
    check_format(o->format, {"text", "json"});
    const Stage stage = stage_option(o->stage);
    if (!(o->recall > 0 && o->recall <= 1)) {
      throw UsageError("--recall: must be in (0, 1], e.g. 0.95");
    }
    if (!(o->confidence > 0 && o->confidence < 1)) {
      throw UsageError("--confidence: must be in (0, 1), e.g. 0.95");
    }
    if (o->consecutive < 1) {
      throw UsageError("--consecutive: must be at least 1");
    }
    if (!(o->consecutive_pct > 0 && o->consecutive_pct <= 100)) {
      throw UsageError("--consecutive-pct: must be in (0, 100]");
    }
    if (o->safe_estimate && !(*o->safe_estimate >= 0 && std::isfinite(*o->safe_estimate))) {
      throw UsageError("--safe-estimate: must be a number >= 0");
    }
    StoppingOptions opts;
    opts.recall_target = o->recall;
    opts.confidence = o->confidence;
    opts.consecutive = o->consecutive;
    opts.consecutive_share = o->consecutive_pct / 100;
    opts.safe_random_sample = o->safe_random;
    opts.safe_estimated_relevant = o->safe_estimate;

    const Review review(ctx.dir);
    const ScreeningSequence seq = screening_sequence(review, stage);
    // Records screened last in random order (a random-order queue) are the
    // statistical test's random sample.
    opts.random_sample = seq.random_tail;
    const StoppingCheck c = check_stopping(seq.relevant, seq.records, opts);

    if (o->format == "json") {
      nlohmann::json rules = nlohmann::json::array();
      for (const RuleVerdict& v : c.rules) {
        nlohmann::json j = {{"rule", stopping_rule_name(v.rule)}, {"stop", v.stop}, {"evaluable", v.evaluable}};
        switch (v.rule) {
        case StoppingRule::statistical:
          j["p_value"] = *v.p_value;
          j["k_target"] = v.k_target;
          j["sample"] = v.sample;
          j["random_sample"] = opts.random_sample > 0;
          break;
        case StoppingRule::consecutive:
        case StoppingRule::consecutive_share:
          j["run"] = c.run;
          j["threshold"] = v.threshold;
          break;
        case StoppingRule::safe:
          j["run"] = c.run;
          j["threshold"] = v.threshold;
          j["estimated_relevant"] = v.estimated_relevant ? nlohmann::json(*v.estimated_relevant) : nlohmann::json();
          j["min_screened"] = v.min_screened;
          j["err_screened"] = v.estimated_relevant ? nlohmann::json(v.err_screened) : nlohmann::json();
          break;
        }
        j["detail"] = v.detail;
        rules.push_back(std::move(j));
      }
      const nlohmann::json out = {{"stage", stage_name(stage)},
                                  {"records", c.records},
                                  {"screened", c.screened},
                                  {"relevant", c.relevant},
                                  {"consecutive_irrelevant", c.run},
                                  {"recall_target", c.recall_target},
                                  {"confidence", c.confidence},
                                  {"rules", rules},
                                  {"methods", c.methods},
                                  {"litrev_version", version()}};
      fmt::print("{}\n", out.dump(2));
      return 0;
    }
    const double pct = c.records ? 100.0 * static_cast<double>(c.screened) / static_cast<double>(c.records) : 0.0;
    fmt::print("Stopping check, {}: {} records, {} screened ({:.1f}%), {} relevant found, last {} irrelevant in a "
               "row\n",
               stage_name(stage), c.records, c.screened, pct, c.relevant, c.run);
    for (const RuleVerdict& v : c.rules) {
      const char* verdict = !v.evaluable ? "n/a" : v.stop ? "STOP" : "continue";
      fmt::print("  {:<18} {:<9} {}\n", stopping_rule_name(v.rule), verdict, v.detail);
    }
    fmt::print("\nFor the methods section:\n{}\n", c.methods);
    return 0;
  };
}

} // namespace litrev::cli
