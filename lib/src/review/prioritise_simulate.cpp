// Simulation of prioritised screening on a fully labelled set, and the
// metrics of a screening order (definitions in litrev/prioritise.hpp, after
// shared/fixtures/screening/PROVENANCE.md).
#include <litrev/prioritise.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
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
  return result;
}

} // namespace litrev
