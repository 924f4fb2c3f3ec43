// Simulation of prioritised screening on a fully labelled set, and the
// metrics of a screening order (definitions in litrev/prioritise.hpp, after
// shared/fixtures/screening/PROVENANCE.md).
#include <litrev/prioritise.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include <litrev/error.hpp>

namespace litrev {

ScreeningMetrics screening_metrics(const std::vector<bool>& relevant) {
  ScreeningMetrics m;
  m.records = relevant.size();
  m.relevant = static_cast<std::size_t>(std::count(relevant.begin(), relevant.end(), true));
  if (m.relevant == 0) {
    throw std::invalid_argument("screening_metrics: no relevant record");
  }
  const double n = static_cast<double>(m.records);
  const double k = static_cast<double>(m.relevant);
  // ceil(0.95 K') computed on integers: (95 K' + 99) / 100.
  const std::size_t need95 = (95 * m.relevant + 99) / 100;
  const std::size_t first10 = m.records / 10; // floor(0.1 N')
  std::size_t found = 0;
  std::size_t found10 = 0;
  double positions = 0;
  for (std::size_t i = 0; i < relevant.size(); ++i) {
    if (!relevant[i]) {
      continue;
    }
    ++found;
    positions += static_cast<double>(i + 1);
    if (i < first10) {
      ++found10;
    }
    if (found == need95) {
      m.n95 = i + 1;
    }
    if (found == m.relevant) {
      m.n100 = i + 1;
    }
  }
  m.wss95 = 100 * ((n - static_cast<double>(m.n95)) / n - 0.05);
  m.rrf10 = 100 * static_cast<double>(found10) / k;
  m.atd = 100 * positions / k / n;
  return m;
}

MeanSd mean_sd(const std::vector<double>& xs) {
  MeanSd r;
  if (xs.empty()) {
    return r;
  }
  r.mean = std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
  if (xs.size() > 1) {
    double ss = 0;
    for (double x : xs) {
      ss += (x - r.mean) * (x - r.mean);
    }
    r.sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
  }
  return r;
}

namespace {

// The size of SAFE's random set in simulation: ceil(share * N), at least 1.
std::size_t safe_sample_size(const StoppingOptions& options, std::size_t n) {
  return std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(options.safe_sample_share * static_cast<double>(n) - 1e-9)), 1, n);
}

// Where each stopping rule stops on the run's sequence (litrev/prioritise.hpp,
// StopOutcome).
std::vector<StopOutcome> replay_stops(const std::vector<LabelledRecord>& records, const SimulationRun& run,
                                      const StoppingOptions& options, std::size_t included) {
  const std::size_t n = records.size();
  std::vector<std::size_t> sequence = run.priors;
  sequence.insert(sequence.end(), run.order.begin(), run.order.end());
  auto labels_of = [&](const std::vector<std::size_t>& rows) {
    std::vector<bool> out;
    out.reserve(rows.size());
    for (std::size_t r : rows) {
      out.push_back(records[r].included);
    }
    return out;
  };
  auto outcome = [&](StoppingRule rule, const std::vector<std::size_t>& rows, const StoppingOptions& o) {
    const std::vector<bool> labels = labels_of(rows);
    StopOutcome s;
    s.rule = rule;
    s.screened = n;
    s.found = included;
    if (const auto t = first_stop(rule, labels, n, o)) {
      s.fired = true;
      s.screened = *t;
      const auto found = std::count(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(*t), true);
      s.found = static_cast<std::size_t>(found);
      s.recall = 100.0 * static_cast<double>(found) / static_cast<double>(included);
      s.screened_pct = 100.0 * static_cast<double>(*t) / static_cast<double>(n);
    }
    return s;
  };
  std::vector<StopOutcome> out;
  for (StoppingRule rule : stopping_rules()) {
    if (rule != StoppingRule::safe || options.safe_estimated_relevant) {
      out.push_back(outcome(rule, sequence, options));
      continue;
    }
    // SAFE phase 1: a random set first, its own generator so that the
    // ranking's random numbers are untouched.
    const std::size_t m = safe_sample_size(options, n);
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), std::size_t{0});
    std::mt19937_64 rng(run.seed ^ 0x5AFE5AFE5AFE5AFEULL);
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<bool> in_sample(n, false);
    std::vector<std::size_t> safe_sequence(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(m));
    for (std::size_t r : safe_sequence) {
      in_sample[r] = true;
    }
    for (std::size_t r : sequence) {
      if (!in_sample[r]) {
        safe_sequence.push_back(r);
      }
    }
    StoppingOptions o = options;
    o.safe_random_sample = m;
    out.push_back(outcome(rule, safe_sequence, o));
  }
  return out;
}

SimulationRun simulate_one(const std::vector<LabelledRecord>& records, const Features& features,
                           const SimulationOptions& options, std::uint64_t seed) {
  SimulationRun run;
  run.seed = seed;
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> ones, zeros;
  for (std::size_t i = 0; i < records.size(); ++i) {
    (records[i].included ? ones : zeros).push_back(i);
  }
  std::shuffle(ones.begin(), ones.end(), rng);
  std::shuffle(zeros.begin(), zeros.end(), rng);
  std::vector<std::size_t> labelled;
  std::vector<bool> labels;
  std::vector<bool> screened(records.size(), false);
  for (std::size_t i = 0; i < options.prior_included; ++i) {
    labelled.push_back(ones[i]);
  }
  for (std::size_t i = 0; i < options.prior_excluded; ++i) {
    labelled.push_back(zeros[i]);
  }
  std::sort(labelled.begin(), labelled.end());
  for (std::size_t i : labelled) {
    labels.push_back(records[i].included);
    screened[i] = true;
  }
  run.priors = labelled;

  RankerSettings rs = options.ranker;
  rs.seed = seed;
  Ranker ranker(features, rs);
  std::size_t left_relevant = ones.size() - options.prior_included;
  const std::size_t k = std::max<std::size_t>(1, options.retrain_every);
  while (left_relevant > 0) {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!screened[i]) {
        candidates.push_back(i);
      }
    }
    if (candidates.empty()) {
      break;
    }
    const std::vector<std::size_t> order = order_by_score(candidates, ranker.score(labelled, labels, candidates));
    for (std::size_t j = 0; j < k && j < order.size() && left_relevant > 0; ++j) {
      const std::size_t r = order[j];
      screened[r] = true;
      labelled.push_back(r);
      labels.push_back(records[r].included);
      run.order.push_back(r);
      if (records[r].included) {
        --left_relevant;
      }
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!screened[i]) {
      run.order.push_back(i);
    }
  }
  std::vector<bool> relevant;
  relevant.reserve(run.order.size());
  for (std::size_t r : run.order) {
    relevant.push_back(records[r].included);
  }
  run.metrics = screening_metrics(relevant);
  return run;
}

} // namespace

SimulationResult simulate(const std::vector<LabelledRecord>& records, const SimulationOptions& options) {
  SimulationResult result;
  result.records = records.size();
  for (const auto& r : records) {
    result.included += r.included ? 1 : 0;
  }
  const std::size_t excluded = result.records - result.included;
  if (result.included <= options.prior_included) {
    throw UsageError("simulate: " + std::to_string(result.included) + " included record(s); the priors take " +
                     std::to_string(options.prior_included) + " and at least one more is needed to measure");
  }
  if (excluded < options.prior_excluded) {
    throw UsageError("simulate: " + std::to_string(excluded) + " excluded record(s), fewer than the " +
                     std::to_string(options.prior_excluded) + " priors");
  }
  if (options.seeds == 0) {
    throw UsageError("simulate: --seeds must be at least 1");
  }
  check_stopping_options(options.stopping);
  std::vector<std::string> texts;
  texts.reserve(records.size());
  for (const auto& r : records) {
    texts.push_back(record_text(r));
  }
  const Features features = tfidf_features(texts, options.features);
  RankerSettings described = options.ranker;
  described.seed = options.first_seed;
  result.model = describe(described, options.features);

  std::vector<double> wss, rrf, atd, n95, n100;
  const std::size_t n_prime = records.size() - options.prior_included - options.prior_excluded;
  result.recall.assign(n_prime + 1, 0.0);
  for (unsigned s = 0; s < options.seeds; ++s) {
    SimulationRun run = simulate_one(records, features, options, options.first_seed + s);
    run.stops = replay_stops(records, run, options.stopping, result.included);
    wss.push_back(run.metrics.wss95);
    rrf.push_back(run.metrics.rrf10);
    atd.push_back(run.metrics.atd);
    n95.push_back(static_cast<double>(run.metrics.n95));
    n100.push_back(static_cast<double>(run.metrics.n100));
    std::size_t found = 0;
    const double k = static_cast<double>(run.metrics.relevant);
    for (std::size_t i = 0; i < run.order.size(); ++i) {
      found += records[run.order[i]].included ? 1 : 0;
      result.recall[i + 1] += static_cast<double>(found) / k;
    }
    result.runs.push_back(std::move(run));
  }
  for (double& r : result.recall) {
    r /= static_cast<double>(options.seeds);
  }
  result.wss95 = mean_sd(wss);
  result.rrf10 = mean_sd(rrf);
  result.atd = mean_sd(atd);
  result.n95 = mean_sd(n95);
  result.n100 = mean_sd(n100);
  const std::vector<StoppingRule> rules = stopping_rules();
  const double k_target = options.stopping.recall_target * static_cast<double>(result.included);
  const auto need = static_cast<std::size_t>(std::ceil(k_target - 1e-9 * std::max(1.0, k_target)));
  for (std::size_t i = 0; i < rules.size(); ++i) {
    StoppingSummary sum;
    sum.rule = rules[i];
    StoppingOptions described_stopping = options.stopping;
    if (rules[i] == StoppingRule::safe && !described_stopping.safe_estimated_relevant) {
      described_stopping.safe_random_sample = safe_sample_size(options.stopping, records.size());
    }
    sum.description = describe_rule(rules[i], described_stopping, records.size());
    std::vector<double> recall, screened;
    unsigned met = 0;
    for (const SimulationRun& run : result.runs) {
      const StopOutcome& o = run.stops[i];
      sum.fired_runs += o.fired ? 1 : 0;
      recall.push_back(o.recall);
      screened.push_back(o.screened_pct);
      // Recall >= target, on counts so that 19 of 20 meets 95% whatever the rounding.
      met += o.found >= need ? 1 : 0;
    }
    sum.recall = mean_sd(recall);
    sum.screened_pct = mean_sd(screened);
    sum.recall_at_least_target_pct = 100.0 * met / static_cast<double>(result.runs.size());
    result.stopping.push_back(std::move(sum));
  }
  return result;
}

} // namespace litrev
