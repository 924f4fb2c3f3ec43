// litrev simulate LABELLED.csv [--seeds N] [--model svm|logistic|nb] [--priors I,E]
//                 [--retrain-every K] [--format text|json] [--curve FILE.csv] [--svg FILE.svg]
//                 [--stop-recall R] [--stop-confidence C]
// litrev simulate LABELLED.csv --time-step L [--model ...]
//
// Replays prioritised screening on a fully labelled set (columns id, title,
// abstract, label_included): per seed, I random inclusions and E random
// exclusions as priors, then always the ranker's top record, retraining
// after every record (or every K). Reports WSS@95, RRF@10, ATD, and the
// records screened to find 95% and 100% of the inclusions, as mean and sd
// over the seeds; the priors are not counted (litrev/prioritise.hpp).
// Then, per stopping rule (litrev/stopping.hpp: the statistical test of
// Callaghan & Müller-Hansen at recall target R and confidence C, 50 and 5%-of-N
// consecutive irrelevant records, SAFE's phase 2), how many runs it fired in,
// the recall reached and the share screened when it did, and the share of
// runs reaching the recall target (JSON key "stopping"). The rules are cheap
// next to the ranking, so they are always replayed.
// --time-step L instead measures one retrain + rerank: train on L random
// labelled records, score and order the rest (the median of 7 repeats, after
// one warm-up), for the benchmark (tests/bench/run_simulate.sh).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/prioritise.hpp>
#include <litrev/screening_plot.hpp>
#include <litrev/review.hpp>

#include "atomic_output.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace litrev::cli {

namespace {

nlohmann::json mean_sd_json(const MeanSd& m) { return {{"mean", m.mean}, {"sd", m.sd}}; }

void parse_priors(const std::string& text, std::size_t& included, std::size_t& excluded) {
  const auto comma = text.find(',');
  auto number = [&](const std::string& s) -> std::size_t {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 6) {
      throw UsageError("--priors: '" + text + "' is not I,E (two counts, e.g. 1,1)");
    }
    return static_cast<std::size_t>(std::stoul(s));
  };
  if (comma == std::string::npos) {
    throw UsageError("--priors: '" + text + "' is not I,E (two counts, e.g. 1,1)");
  }
  included = number(text.substr(0, comma));
  excluded = number(text.substr(comma + 1));
  if (included < 1 || excluded < 1) {
    throw UsageError("--priors: at least one inclusion and one exclusion are needed to start learning");
  }
}

// One retrain + rerank on `labelled` random records (both classes present).
int time_step(const std::vector<LabelledRecord>& records, const SimulationOptions& opts, std::size_t labelled_n) {
  using clock = std::chrono::steady_clock;
  if (labelled_n < 2 || labelled_n >= records.size()) {
    throw UsageError("--time-step: L must be at least 2 and less than the number of records");
  }
  const auto t0 = clock::now();
  std::vector<std::string> texts;
  for (const auto& r : records) {
    texts.push_back(record_text(r));
  }
  const Features f = tfidf_features(texts, opts.features);
  const double features_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  std::vector<std::size_t> rows(records.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = i;
  }
  std::mt19937_64 rng(opts.first_seed);
  std::shuffle(rows.begin(), rows.end(), rng);
  // Make sure one inclusion is among the labelled.
  const auto inc = std::find_if(rows.begin(), rows.end(), [&](std::size_t i) { return records[i].included; });
  if (inc == rows.end()) {
    throw UsageError("--time-step: the file has no included record");
  }
  std::iter_swap(rows.begin(), inc);
  std::vector<std::size_t> labelled(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(labelled_n));
  std::vector<std::size_t> candidates(rows.begin() + static_cast<std::ptrdiff_t>(labelled_n), rows.end());
  std::vector<bool> labels;
  for (std::size_t i : labelled) {
    labels.push_back(records[i].included);
  }
  RankerSettings rs = opts.ranker;
  rs.seed = opts.first_seed;
  Ranker ranker(f, rs);
  std::vector<double> ms;
  for (int rep = 0; rep < 8; ++rep) {
    const auto t = clock::now();
    const auto order = order_by_score(candidates, ranker.score(labelled, labels, candidates));
    const double d = std::chrono::duration<double, std::milli>(clock::now() - t).count();
    if (rep > 0) {
      ms.push_back(d);
    }
    if (order.size() != candidates.size()) {
      throw Error("ranking lost records");
    }
  }
  std::sort(ms.begin(), ms.end());
  fmt::print("records {} terms {} labelled {} ranked {}\n", records.size(), f.terms.size(), labelled_n,
             candidates.size());
  fmt::print("features_ms {:.1f}\n", features_ms);
  fmt::print("retrain_rerank_ms median {:.1f} min {:.1f} max {:.1f}\n", ms[ms.size() / 2], ms.front(), ms.back());
  fmt::print("model {}\n", describe(rs, opts.features));
  return 0;
}

} // namespace

Runner define_simulate(CLI::App& app) {
  struct Opts {
    std::string file;
    unsigned seeds = 5;
    std::uint64_t first_seed = 1;
    std::string model = "svm";
    std::string priors = "1,1";
    std::size_t retrain_every = 1;
    std::string format = "text";
    std::string curve;
    std::string svg;
    std::string title;
    std::size_t time_step = 0;
    double c = 1.0;
    double stop_recall = 0.95;
    double stop_confidence = 0.95;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("file", o->file, "Labelled CSV: id,title,abstract,label_included (0/1)")->required();
  app.add_option("--seeds", o->seeds, "Runs, each with its own random priors (default 5)");
  app.add_option("--seed", o->first_seed, "The first run's seed (default 1; run i uses seed + i)");
  app.add_option("--model", o->model, "svm (the default), logistic or nb (ASReview v1's Naive Bayes)");
  app.add_option("--c", o->c, "liblinear's C for svm and logistic (default 1)");
  app.add_option("--priors", o->priors, "I,E: random inclusions and exclusions to start from (default 1,1)");
  app.add_option("--retrain-every", o->retrain_every, "Retrain after every K records (default 1)");
  app.add_option("--format", o->format, "text or json");
  app.add_option("--curve", o->curve, "Write the mean recall curve to FILE.csv")->option_text("FILE");
  app.add_option("--svg", o->svg, "Draw the mean recall curve with the random-order diagonal as SVG")
      ->option_text("FILE.svg");
  app.add_option("--title", o->title, "With --svg: a title above the plot");
  app.add_option("--time-step", o->time_step,
                 "Benchmark: time one retrain + rerank after L labelled records instead of simulating")
      ->option_text("L");
  app.add_option("--stop-recall", o->stop_recall,
                 "Stopping: the statistical rule's recall target, in (0, 1] (default 0.95)");
  app.add_option("--stop-confidence", o->stop_confidence,
                 "Stopping: the statistical rule's confidence, in (0, 1) (default 0.95)");
  return [o](Context&) {
    check_format(o->format, {"text", "json"});
    const auto model = rank_model_from_name(o->model);
    if (!model) {
      throw UsageError("--model: '" + o->model + "' is not svm, logistic or nb");
    }
    if (o->seeds < 1 || o->seeds > 1000) {
      throw UsageError("--seeds: must be between 1 and 1000");
    }
    if (o->retrain_every < 1) {
      throw UsageError("--retrain-every: must be at least 1");
    }
    SimulationOptions opts;
    opts.ranker.model = *model;
    if (!(o->c > 0) || !std::isfinite(o->c)) {
      throw UsageError("--c: must be a positive number");
    }
    opts.ranker.c = o->c;
    opts.seeds = o->seeds;
    opts.first_seed = o->first_seed;
    opts.retrain_every = o->retrain_every;
    parse_priors(o->priors, opts.prior_included, opts.prior_excluded);
    opts.stopping.recall_target = o->stop_recall;
    opts.stopping.confidence = o->stop_confidence;
    if (!(o->stop_recall > 0 && o->stop_recall <= 1)) {
      throw UsageError("--stop-recall: must be in (0, 1], e.g. 0.95");
    }
    if (!(o->stop_confidence > 0 && o->stop_confidence < 1)) {
      throw UsageError("--stop-confidence: must be in (0, 1), e.g. 0.95");
    }
    const std::vector<LabelledRecord> records = read_labelled_csv(o->file);
    if (o->time_step) {
      return time_step(records, opts, o->time_step);
    }
    const SimulationResult r = simulate(records, opts);

    if (!o->curve.empty()) {
      const double n = static_cast<double>(r.recall.size() - 1);
      std::string csv = "screened,screened_pct,recall_pct,random_pct\n";
      for (std::size_t i = 0; i < r.recall.size(); ++i) {
        const double x = 100 * static_cast<double>(i) / n;
        csv += fmt::format("{},{:.3f},{:.3f},{:.3f}\n", i, x, 100 * r.recall[i], x);
      }
      write_output_file(o->curve, csv);
    }
    if (!o->svg.empty()) {
      write_output_file(o->svg, recall_curve_svg(r, o->title));
    }

    if (o->format == "json") {
      nlohmann::json j = {{"records", r.records},
                          {"included", r.included},
                          {"wss95", mean_sd_json(r.wss95)},
                          {"rrf10", mean_sd_json(r.rrf10)},
                          {"atd", mean_sd_json(r.atd)},
                          {"n95", mean_sd_json(r.n95)},
                          {"n100", mean_sd_json(r.n100)},
                          {"model", o->model},
                          {"settings", r.model},
                          {"priors", {{"included", opts.prior_included}, {"excluded", opts.prior_excluded}}},
                          {"seeds", o->seeds},
                          {"retrain_every", o->retrain_every},
                          {"litrev_version", version()}};
      j["runs"] = nlohmann::json::array();
      for (const auto& run : r.runs) {
        j["runs"].push_back({{"seed", run.seed},
                             {"wss95", run.metrics.wss95},
                             {"rrf10", run.metrics.rrf10},
                             {"atd", run.metrics.atd},
                             {"n95", run.metrics.n95},
                             {"n100", run.metrics.n100}});
      }
      j["stopping"] = nlohmann::json::array();
      for (const StoppingSummary& sm : r.stopping) {
        j["stopping"].push_back({{"rule", stopping_rule_name(sm.rule)},
                                 {"description", sm.description},
                                 {"fired_runs", sm.fired_runs},
                                 {"recall", mean_sd_json(sm.recall)},
                                 {"screened_pct", mean_sd_json(sm.screened_pct)},
                                 {"recall_at_least_target_pct", sm.recall_at_least_target_pct}});
      }
      j["stopping_settings"] = {{"recall_target", opts.stopping.recall_target},
                                {"confidence", opts.stopping.confidence}};
      fmt::print("{}\n", j.dump(2));
      return 0;
    }
    fmt::print("Simulated prioritised screening of {}: {} records, {} included\n", o->file, r.records, r.included);
    fmt::print("Model: {}\n", r.model);
    fmt::print("Priors {} included + {} excluded per run, {} run{} (seeds {}..{}), retrain every {} record{}\n",
               opts.prior_included, opts.prior_excluded, o->seeds, o->seeds == 1 ? "" : "s", o->first_seed,
               o->first_seed + o->seeds - 1, o->retrain_every, o->retrain_every == 1 ? "" : "s");
    fmt::print("Metrics exclude the priors (N' = {}, K' = {}); mean ± sd over runs:\n",
               r.runs.front().metrics.records, r.runs.front().metrics.relevant);
    fmt::print("  WSS@95  {:6.1f} ± {:.1f} %   (random order: 0)\n", r.wss95.mean, r.wss95.sd);
    fmt::print("  RRF@10  {:6.1f} ± {:.1f} %   (random order: 10)\n", r.rrf10.mean, r.rrf10.sd);
    fmt::print("  ATD     {:6.1f} ± {:.1f} %   (random order: 50)\n", r.atd.mean, r.atd.sd);
    fmt::print("  n95     {:6.1f} ± {:.1f} records\n", r.n95.mean, r.n95.sd);
    fmt::print("  n100    {:6.1f} ± {:.1f} records\n", r.n100.mean, r.n100.sd);
    fmt::print("Stopping rules replayed on each run (priors count as screened; recall over all {} included; "
               "a rule that never fires screens everything); mean ± sd over runs:\n",
               r.included);
    fmt::print("  {:<18} {:>7} {:>15} {:>15} {:>11} {:>12}\n", "rule", "fired", "recall %", "screened %",
               "work saved", fmt::format("recall>={:.4g}%", 100 * opts.stopping.recall_target));
    for (const StoppingSummary& sm : r.stopping) {
      fmt::print("  {:<18} {:>3}/{:<3} {:>15} {:>15} {:>10.1f}% {:>11.0f}%\n", stopping_rule_name(sm.rule),
                 sm.fired_runs, o->seeds, fmt::format("{:.1f} ± {:.1f}", sm.recall.mean, sm.recall.sd),
                 fmt::format("{:.1f} ± {:.1f}", sm.screened_pct.mean, sm.screened_pct.sd),
                 100 - sm.screened_pct.mean, sm.recall_at_least_target_pct);
    }
    for (const StoppingSummary& sm : r.stopping) {
      fmt::print("  {}: {}\n", stopping_rule_name(sm.rule), sm.description);
    }
    return 0;
  };
}

} // namespace litrev::cli
