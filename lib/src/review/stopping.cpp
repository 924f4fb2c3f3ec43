// When to stop screening: the hypergeometric distribution, the statistical
// stopping test of Callaghan & Müller-Hansen (2020), the consecutive-
// irrelevant heuristics and SAFE's phase-2 conditions, and a review's
// screening sequence (definitions and sources in litrev/stopping.hpp).
#include <litrev/stopping.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include <fmt/core.h>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

namespace litrev {

namespace {

// ------------------------------------------------- hypergeometric distribution
//
// log C(n, x) p^x q^(n-x) by Loader's method: with Stirling's error
// stirlerr(n) = ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi) and the deviance
// bd0(x, m) = x ln(x/m) + m - x, the binomial pmf is
//   exp(stirlerr(n) - stirlerr(x) - stirlerr(n-x) - bd0(x, np) - bd0(n-x, nq))
//   * sqrt(n / (2 pi x (n-x))),
// where every term is small, so nothing large cancels. The hypergeometric
// pmf is then b(k; K, p) b(n-k; N-K, p) / b(n; N, p) for any p; p = n/N
// keeps the three terms near their modes. Written from the formulas in
// C. Loader (2000), "Fast and accurate computation of binomial
// probabilities" (the method R's dbinom and dhyper use).

constexpr double k_ln_sqrt_2pi = 0.918938533204672741780329736406; // ln sqrt(2 pi)
constexpr double k_ln_2pi = 1.837877066409345483560659472811;      // ln (2 pi)

double stirlerr(double n) {
  if (n <= 15.0) {
    // Small arguments: lgamma is exact to a few ulps and nothing large cancels.
    return std::lgamma(n + 1.0) - (n + 0.5) * std::log(n) + n - k_ln_sqrt_2pi;
  }
  // Stirling's series 1/(12n) - 1/(360n^3) + 1/(1260n^5) - 1/(1680n^7) + 1/(1188n^9).
  constexpr double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
  const double nn = n * n;
  if (n > 500) {
    return (s0 - s1 / nn) / n;
  }
  if (n > 80) {
    return (s0 - (s1 - s2 / nn) / nn) / n;
  }
  if (n > 35) {
    return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  }
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

// x ln(x/m) + m - x, accurately also when x is close to m (a series in
// v = (x - m) / (x + m)).
double bd0(double x, double m) {
  if (std::fabs(x - m) < 0.1 * (x + m)) {
    const double v = (x - m) / (x + m);
    const double v2 = v * v;
    double s = (x - m) * v;
    double ej = 2 * x * v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v2;
      const double next = s + ej / (2 * j + 1);
      if (next == s) {
        return next;
      }
      s = next;
    }
    return s;
  }
  return x * std::log(x / m) + m - x;
}

// ln of the binomial pmf b(x; n, p) with q = 1 - p given separately.
double log_binom(double x, double n, double p, double q) {
  constexpr double minus_inf = -std::numeric_limits<double>::infinity();
  if (p == 0) {
    return x == 0 ? 0.0 : minus_inf;
  }
  if (q == 0) {
    return x == n ? 0.0 : minus_inf;
  }
  if (x == 0) {
    if (n == 0) {
      return 0.0;
    }
    return p < 0.1 ? -bd0(n, n * q) - n * p : n * std::log(q);
  }
  if (x == n) {
    return q < 0.1 ? -bd0(n, n * p) - n * q : n * std::log(p);
  }
  const double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const double lf = k_ln_2pi + std::log(x) + std::log1p(-x / n);
  return lc - 0.5 * lf;
}

void check_hypergeom(std::uint64_t population, std::uint64_t successes, std::uint64_t draws) {
  if (successes > population || draws > population) {
    throw std::invalid_argument(fmt::format("hypergeometric: {} successes and {} draws in a population of {}",
                                            successes, draws, population));
  }
}

// ------------------------------------------------------------ small helpers

// ceil(x), forgiving the last bits of a product like 0.1 * 1000.
std::size_t ceil_count(double x) {
  if (x <= 0) {
    return 0;
  }
  return static_cast<std::size_t>(std::ceil(x - 1e-9 * std::max(1.0, x)));
}

std::string percent(double share) { return fmt::format("{:.4g}%", 100 * share); }

std::string p_text(double p) {
  if (p == 0) {
    return "p = 0";
  }
  if (p < 1e-4) {
    return "p < 0.0001";
  }
  return fmt::format("p = {:.3g}", p);
}

// "The last 12 records screened were irrelevant", and the like.
std::string run_text(std::size_t run, std::size_t screened) {
  if (screened == 0) {
    return "Nothing has been screened yet";
  }
  if (run == 0) {
    return "The last record screened was relevant";
  }
  if (run == screened) {
    return run == 1 ? "The one record screened was irrelevant"
                    : fmt::format("All {} records screened were irrelevant", run);
  }
  if (run == 1) {
    return "The last record screened was irrelevant";
  }
  return fmt::format("The last {} records screened were irrelevant", run);
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

struct MinP {
  double p = 1;
  std::size_t sample = 0;
};

// The statistical test on the first `t` labels, `r_seen` of them relevant.
// With `stop_below` > 0 it returns as soon as some p(n) is below it (for
// first_stop(), which only needs to know whether the minimum is).
MinP min_p(const std::vector<bool>& relevant, std::size_t t, std::size_t r_seen, std::size_t records,
           std::uint64_t k_target, double stop_below) {
  MinP best;
  std::uint64_t k = 0;
  for (std::size_t n = 1; n <= t; ++n) {
    k += relevant[t - n] ? 1 : 0;
    const std::uint64_t r_al = r_seen - k;
    const std::uint64_t pop = records - t + n;
    const std::uint64_t kp = k_target - r_al; // k_target > r_seen >= r_al
    const double p = kp > pop ? 0.0 : hypergeom_cdf(k, pop, kp, n);
    if (p < best.p) {
      best.p = p;
      best.sample = n;
    }
    if (best.p < stop_below) {
      break;
    }
  }
  return best;
}

double alpha_of(const StoppingOptions& o) { return 1 - o.confidence; }

std::size_t share_run(const StoppingOptions& o, std::size_t records) {
  return std::max<std::size_t>(1, ceil_count(o.consecutive_share * static_cast<double>(records)));
}

// SAFE's estimate of the relevant records after `t` screened, if it has one.
std::optional<double> safe_err(const std::vector<bool>& relevant, std::size_t t, std::size_t records,
                               const StoppingOptions& o) {
  if (o.safe_estimated_relevant) {
    return *o.safe_estimated_relevant;
  }
  if (o.safe_random_sample == 0 || t < o.safe_random_sample) {
    return std::nullopt;
  }
  const auto r = std::count(relevant.begin(), relevant.begin() + static_cast<std::ptrdiff_t>(o.safe_random_sample), true);
  return static_cast<double>(records) * static_cast<double>(r) / static_cast<double>(o.safe_random_sample);
}

} // namespace

double hypergeom_log_pmf(std::uint64_t k, std::uint64_t population, std::uint64_t successes, std::uint64_t draws) {
  check_hypergeom(population, successes, draws);
  const std::uint64_t lo = draws + successes > population ? draws + successes - population : 0;
  const std::uint64_t hi = std::min(draws, successes);
  if (k < lo || k > hi) {
    return -std::numeric_limits<double>::infinity();
  }
  if (draws == 0 || draws == population) {
    return 0.0; // k is the only value in the support
  }
  const double n = static_cast<double>(draws);
  const double big_n = static_cast<double>(population);
  const double p = n / big_n;
  const double q = static_cast<double>(population - draws) / big_n;
  const double x = static_cast<double>(k);
  const double big_k = static_cast<double>(successes);
  return log_binom(x, big_k, p, q) + log_binom(n - x, big_n - big_k, p, q) - log_binom(n, big_n, p, q);
}

double hypergeom_log_cdf(std::uint64_t k, std::uint64_t population, std::uint64_t successes, std::uint64_t draws) {
  check_hypergeom(population, successes, draws);
  const std::uint64_t lo = draws + successes > population ? draws + successes - population : 0;
  const std::uint64_t hi = std::min(draws, successes);
  if (k < lo) {
    return -std::numeric_limits<double>::infinity();
  }
  if (k >= hi) {
    return 0.0;
  }
  const double big_n = static_cast<double>(population);
  const double big_k = static_cast<double>(successes);
  const double n = static_cast<double>(draws);
  const std::uint64_t mode = static_cast<std::uint64_t>(
      std::floor((n + 1) * (big_k + 1) / (big_n + 2)));
  // pmf(j - 1) / pmf(j) = j (N - K - n + j) / ((K - j + 1) (n - j + 1)).
  if (k <= mode) {
    // Below the mode the terms fall as j goes down: sum pmf(k) * (1 + r1 + r1 r2 + ...).
    double term = 1, sum = 1;
    for (std::uint64_t j = k; j > lo; --j) {
      const double jj = static_cast<double>(j);
      term *= jj * (big_n - big_k - n + jj) / ((big_k - jj + 1) * (n - jj + 1));
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return hypergeom_log_pmf(k, population, successes, draws) + std::log(sum);
  }
  // Above the mode: 1 - P(X > k), the upper tail summed upwards from k + 1.
  double term = 1, sum = 1;
  for (std::uint64_t j = k + 1; j < hi; ++j) {
    const double jj = static_cast<double>(j);
    term *= (big_k - jj) * (n - jj) / ((jj + 1) * (big_n - big_k - n + jj + 1));
    sum += term;
    if (term < sum * 1e-17) {
      break;
    }
  }
  const double log_sf = hypergeom_log_pmf(k + 1, population, successes, draws) + std::log(sum);
  return std::log1p(-std::exp(log_sf));
}

double hypergeom_cdf(std::uint64_t k, std::uint64_t population, std::uint64_t successes, std::uint64_t draws) {
  return std::exp(hypergeom_log_cdf(k, population, successes, draws));
}

const char* stopping_rule_name(StoppingRule rule) {
  switch (rule) {
  case StoppingRule::statistical:
    return "statistical";
  case StoppingRule::consecutive:
    return "consecutive";
  case StoppingRule::consecutive_share:
    return "consecutive-share";
  case StoppingRule::safe:
    return "safe";
  }
  return "?";
}

std::vector<StoppingRule> stopping_rules() {
  return {StoppingRule::statistical, StoppingRule::consecutive, StoppingRule::consecutive_share,
          StoppingRule::safe};
}

void check_stopping_options(const StoppingOptions& o) {
  if (!(o.recall_target > 0 && o.recall_target <= 1)) {
    throw UsageError(fmt::format("recall target {} is not in (0, 1]", o.recall_target));
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw UsageError(fmt::format("confidence {} is not in (0, 1)", o.confidence));
  }
  if (o.consecutive < 1 || o.safe_consecutive < 1) {
    throw UsageError("the consecutive-irrelevant run must be at least 1 record");
  }
  if (!(o.consecutive_share > 0 && o.consecutive_share <= 1)) {
    throw UsageError(fmt::format("consecutive share {} is not in (0, 1]", o.consecutive_share));
  }
  if (!(o.safe_min_screened_share >= 0 && o.safe_min_screened_share <= 1) || !(o.safe_err_multiple >= 0) ||
      !std::isfinite(o.safe_err_multiple) || !(o.safe_sample_share > 0 && o.safe_sample_share <= 1)) {
    throw UsageError("SAFE settings out of range (shares in [0, 1], multiple >= 0)");
  }
  if (o.safe_estimated_relevant && !(*o.safe_estimated_relevant >= 0 && std::isfinite(*o.safe_estimated_relevant))) {
    throw UsageError("the SAFE estimate of relevant records must be a number >= 0");
  }
}

std::uint64_t h0_relevant_total(std::size_t relevant_found, double recall_target) {
  if (!(recall_target > 0 && recall_target <= 1)) {
    throw UsageError(fmt::format("recall target {} is not in (0, 1]", recall_target));
  }
  const double q = static_cast<double>(relevant_found) / recall_target;
  // floor(q), except that a q a few ulps below an integer counts as it.
  const double f = std::floor(q + 1e-9 * std::max(1.0, q));
  return static_cast<std::uint64_t>(f) + 1;
}

StatisticalTest statistical_stopping_test(const std::vector<bool>& relevant, std::size_t records,
                                          double recall_target, double confidence, std::size_t random_sample) {
  if (relevant.size() > records) {
    throw std::invalid_argument(
        fmt::format("stopping test: {} records screened of {}", relevant.size(), records));
  }
  if (random_sample > relevant.size()) {
    throw std::invalid_argument(
        fmt::format("stopping test: a random sample of {} of {} records screened", random_sample, relevant.size()));
  }
  StoppingOptions o;
  o.recall_target = recall_target;
  o.confidence = confidence;
  check_stopping_options(o);
  StatisticalTest t;
  t.screened = relevant.size();
  t.relevant = static_cast<std::size_t>(std::count(relevant.begin(), relevant.end(), true));
  t.k_target = h0_relevant_total(t.relevant, recall_target);
  if (t.screened == 0) {
    return t; // p = 1: nothing is known
  }
  if (t.screened == records) {
    // Everything screened: recall is known to be 1, and H0 is false.
    t.p = 0;
    t.sample = t.screened;
    t.stop = true;
    return t;
  }
  if (random_sample > 0) {
    // The paper's test: the random sample alone.
    const std::uint64_t k = static_cast<std::uint64_t>(
        std::count(relevant.end() - static_cast<std::ptrdiff_t>(random_sample), relevant.end(), true));
    const std::uint64_t pop = records - t.screened + random_sample;
    const std::uint64_t kp = t.k_target - (t.relevant - k);
    t.p = kp > pop ? 0.0 : hypergeom_cdf(k, pop, kp, random_sample);
    t.sample = random_sample;
    t.random = true;
  } else {
    const MinP m = min_p(relevant, t.screened, t.relevant, records, t.k_target, -1);
    t.p = m.p;
    t.sample = m.sample;
  }
  t.stop = t.p < alpha_of(o);
  return t;
}

std::size_t irrelevant_run(const std::vector<bool>& relevant) {
  std::size_t run = 0;
  for (auto it = relevant.rbegin(); it != relevant.rend() && !*it; ++it) {
    ++run;
  }
  return run;
}

std::string describe_rule(StoppingRule rule, const StoppingOptions& o, std::size_t records) {
  switch (rule) {
  case StoppingRule::statistical:
    return fmt::format("hypergeometric test of H0 recall < {} (Callaghan & Müller-Hansen 2020), stop when p < {:.4g}",
                       percent(o.recall_target), alpha_of(o));
  case StoppingRule::consecutive:
    return fmt::format("{} consecutive irrelevant records", o.consecutive);
  case StoppingRule::consecutive_share:
    return fmt::format("{} consecutive irrelevant records ({} of {})", share_run(o, records),
                       percent(o.consecutive_share), records);
  case StoppingRule::safe:
  {
    std::string estimate;
    if (o.safe_estimated_relevant) {
      estimate = fmt::format(" (given: {:g})", *o.safe_estimated_relevant);
    } else if (o.safe_random_sample > 0) {
      estimate = fmt::format(" (from a random set of {} records screened first)", o.safe_random_sample);
    }
    return fmt::format("SAFE phase 2 (Boetje & van de Schoot 2024): >= {} screened, >= {:g} x the estimate of "
                       "relevant records{}, {} consecutive irrelevant; key papers not checked",
                       percent(o.safe_min_screened_share), o.safe_err_multiple, estimate, o.safe_consecutive);
  }
  }
  return {};
}

StoppingCheck check_stopping(const std::vector<bool>& relevant, std::size_t records, const StoppingOptions& o) {
  check_stopping_options(o);
  const StatisticalTest st =
      statistical_stopping_test(relevant, records, o.recall_target, o.confidence, o.random_sample);
  StoppingCheck c;
  c.records = records;
  c.screened = st.screened;
  c.relevant = st.relevant;
  c.run = irrelevant_run(relevant);
  c.recall_target = o.recall_target;
  c.confidence = o.confidence;
  const bool all = c.screened == records;
  const bool none = c.screened == 0;
  const std::string all_text = "Every record has been screened: there is nothing left to stop.";

  for (StoppingRule rule : stopping_rules()) {
    RuleVerdict v;
    v.rule = rule;
    switch (rule) {
    case StoppingRule::statistical: {
      v.p_value = st.p;
      v.k_target = st.k_target;
      v.sample = st.sample;
      v.stop = st.stop;
      if (all) {
        v.detail = all_text + " Recall is known to be 100%.";
      } else if (none) {
        v.detail = "Nothing has been screened yet: p = 1.";
      } else {
        const std::string sample =
            st.random ? fmt::format("the last {} record{} screened, in random order after the others, as the random "
                                    "sample",
                                    st.sample, st.sample == 1 ? "" : "s")
                      : fmt::format("smallest p with the last {} record{} screened as the sample", st.sample,
                                    st.sample == 1 ? "" : "s");
        v.detail = fmt::format("{} (H0: recall < {}, i.e. at least {} relevant records in all, {} more than found; "
                               "{}); {} {:.4g}: {}.",
                               p_text(st.p), percent(o.recall_target), st.k_target, st.k_target - st.relevant,
                               sample, st.stop ? "below" : "not below", alpha_of(o), st.stop ? "stop" : "continue");
        if (st.relevant == 0) {
          v.detail += " No relevant record has been found yet, so H0 is that at least one is still unscreened.";
        }
      }
      break;
    }
    case StoppingRule::consecutive:
    case StoppingRule::consecutive_share: {
      v.threshold = rule == StoppingRule::consecutive ? o.consecutive : share_run(o, records);
      v.stop = all || c.run >= v.threshold;
      const std::string need = rule == StoppingRule::consecutive
                                   ? fmt::format("{}", v.threshold)
                                   : fmt::format("{} ({} of {} records)", v.threshold,
                                                 percent(o.consecutive_share), records);
      v.detail = all ? all_text
                     : fmt::format("{}; the rule needs {} irrelevant in a row: {}.", run_text(c.run, c.screened),
                                   need, v.stop ? "stop" : "continue");
      break;
    }
    case StoppingRule::safe: {
      v.threshold = o.safe_consecutive;
      v.min_screened = ceil_count(o.safe_min_screened_share * static_cast<double>(records));
      v.estimated_relevant = safe_err(relevant, c.screened, records, o);
      if (all) {
        v.stop = true;
        v.detail = all_text;
        if (v.estimated_relevant) {
          v.err_screened = ceil_count(o.safe_err_multiple * *v.estimated_relevant);
        }
        break;
      }
      if (!v.estimated_relevant) {
        v.evaluable = o.safe_random_sample > 0; // the random set is not finished yet
        v.detail =
            o.safe_random_sample > 0
                ? fmt::format("The random set of the first {} records (SAFE phase 1) is not screened yet ({} so "
                              "far): continue.",
                              o.safe_random_sample, c.screened)
                : "Cannot be assessed: SAFE needs an estimate of the number of relevant records from a random "
                  "sample (phase 1); give the size of the random set screened first, or the estimate.";
        break;
      }
      v.err_screened = ceil_count(o.safe_err_multiple * *v.estimated_relevant);
      const bool a = c.screened >= v.min_screened;
      const bool b = c.screened >= v.err_screened;
      const bool r = c.run >= v.threshold;
      v.stop = a && b && r;
      const std::string source =
          o.safe_estimated_relevant
              ? std::string("as given")
              : fmt::format("from the random set of the first {} screened, {} relevant", o.safe_random_sample,
                            std::count(relevant.begin(),
                                       relevant.begin() + static_cast<std::ptrdiff_t>(o.safe_random_sample), true));
      v.detail = fmt::format(
          "Estimated relevant records {:.1f} ({}). Screened {}: {} {} ({} of the records) and {} {} ({:g} x the "
          "estimate); {} irrelevant in a row, {} {}. {}. Key papers are not checked here.",
          *v.estimated_relevant, source, c.screened, a ? "at least" : "fewer than", v.min_screened,
          percent(o.safe_min_screened_share), b ? "at least" : "fewer than", v.err_screened, o.safe_err_multiple,
          c.run, r ? "at least" : "fewer than", v.threshold, v.stop ? "All three conditions hold: stop"
                                                                   : "Not all conditions hold: continue");
      break;
    }
    }
    c.rules.push_back(std::move(v));
  }

  // The methods paragraph.
  if (none) {
    c.methods = fmt::format("When the stopping rules were checked, none of the {} records had been screened, so "
                            "screening had to continue.",
                            records);
    return c;
  }
  const double pct = 100.0 * static_cast<double>(c.screened) / static_cast<double>(records);
  std::string m = fmt::format("When the stopping rules were checked, {} of the {} records ({:.1f}%) had been screened "
                              "and {} of them included; {}. ",
                              c.screened, records, pct, c.relevant, lower_first(run_text(c.run, c.screened)));
  const RuleVerdict& s = c.rules[0];
  if (all) {
    m += "Every record had been screened, so recall was complete and no stopping rule was needed.";
    c.methods = m;
    return c;
  }
  if (o.random_sample > 0) {
    m += fmt::format(
        "Following Callaghan and Müller-Hansen (2020), after prioritised screening we screened {} records drawn at "
        "random from those not yet screened and tested the null hypothesis that recall was below {} with their "
        "hypergeometric test on that random sample (computed with litrev {}): {}, ",
        o.random_sample, percent(o.recall_target), version(), p_text(*s.p_value));
  } else {
    m += fmt::format(
        "Following Callaghan and Müller-Hansen (2020), we tested the null hypothesis that recall was below {} with "
        "their hypergeometric test, which treats the most recently screened records as a random sample of those "
        "not yet screened (conservative when records are screened in order of predicted relevance) and takes the "
        "smallest p-value over all sample sizes (computed with litrev {}): {}, ",
        percent(o.recall_target), version(), p_text(*s.p_value));
  }
  if (s.stop) {
    m += fmt::format("below {:.4g}, so the null hypothesis was rejected at the {} confidence level and screening "
                     "could stop. ",
                     alpha_of(o), percent(o.confidence));
  } else {
    m += fmt::format("not below {:.4g}, so the null hypothesis could not be rejected at the {} confidence level and "
                     "screening had to continue. ",
                     alpha_of(o), percent(o.confidence));
  }
  const RuleVerdict& c1 = c.rules[1];
  const RuleVerdict& c2 = c.rules[2];
  const RuleVerdict& sf = c.rules[3];
  const std::string second = fmt::format("a run of {} ({} of the records)", c2.threshold, percent(o.consecutive_share));
  m += fmt::format("For comparison, the heuristic of {} consecutive irrelevant records {} met", c1.threshold,
                   c1.stop ? "was" : "was not");
  if (c1.stop == c2.stop) {
    m += fmt::format(", {} {}; ", c1.stop ? "and so was" : "nor was", second);
  } else {
    m += fmt::format(", but {} {}; ", second, c2.stop ? "was" : "was not");
  }
  if (sf.estimated_relevant) {
    m += fmt::format("the conditions of the SAFE procedure (Boetje and van de Schoot 2024) that can be computed "
                     "from the screening (at least {} of the records and at least {:g} times the estimated {:.1f} "
                     "relevant records screened, and {} consecutive irrelevant records) {} met; its check of key "
                     "papers was not part of this assessment.",
                     percent(o.safe_min_screened_share), o.safe_err_multiple, *sf.estimated_relevant,
                     o.safe_consecutive, sf.stop ? "were" : "were not");
  } else if (o.safe_random_sample > 0) {
    m += fmt::format("the SAFE procedure (Boetje and van de Schoot 2024) could not be assessed yet because its random "
                     "sample of {} records had not been screened.",
                     o.safe_random_sample);
  } else {
    m += "the SAFE procedure (Boetje and van de Schoot 2024) could not be assessed because no estimate of the number "
         "of relevant records from a random sample was available.";
  }
  c.methods = m;
  return c;
}

std::optional<std::size_t> first_stop(StoppingRule rule, const std::vector<bool>& relevant, std::size_t records,
                                      const StoppingOptions& o) {
  check_stopping_options(o);
  if (relevant.size() > records) {
    throw std::invalid_argument(fmt::format("first_stop: {} records screened of {}", relevant.size(), records));
  }
  const std::size_t last = std::min(relevant.size(), records == 0 ? 0 : records - 1);
  switch (rule) {
  case StoppingRule::statistical: {
    const double alpha = alpha_of(o);
    std::size_t r_seen = 0;
    for (std::size_t t = 1; t <= last; ++t) {
      r_seen += relevant[t - 1] ? 1 : 0;
      const std::uint64_t k_target = h0_relevant_total(r_seen, o.recall_target);
      if (min_p(relevant, t, r_seen, records, k_target, alpha).p < alpha) {
        return t;
      }
    }
    return std::nullopt;
  }
  case StoppingRule::consecutive:
  case StoppingRule::consecutive_share: {
    const std::size_t need = rule == StoppingRule::consecutive ? o.consecutive : share_run(o, records);
    std::size_t run = 0;
    for (std::size_t t = 1; t <= last; ++t) {
      run = relevant[t - 1] ? 0 : run + 1;
      if (run >= need) {
        return t;
      }
    }
    return std::nullopt;
  }
  case StoppingRule::safe: {
    const std::size_t min_screened = ceil_count(o.safe_min_screened_share * static_cast<double>(records));
    std::size_t run = 0;
    std::optional<std::size_t> err_screened;
    for (std::size_t t = 1; t <= last; ++t) {
      run = relevant[t - 1] ? 0 : run + 1;
      if (!err_screened) {
        if (const auto err = safe_err(relevant, t, records, o)) {
          err_screened = ceil_count(o.safe_err_multiple * *err);
        }
      }
      if (err_screened && t >= min_screened && t >= *err_screened && run >= o.safe_consecutive) {
        return t;
      }
    }
    return std::nullopt;
  }
  }
  return std::nullopt;
}

ScreeningSequence screening_sequence(const ScreeningState& state, const std::vector<LedgerEvent>& events,
                                     const std::vector<std::string>& stage_records, Stage stage) {
  using When = std::tuple<std::string, std::string, std::uint64_t>;
  struct First {
    When when;
    bool random = false; // cast from a random-order queue
  };
  std::map<std::string, First> first; // cluster key -> its first screening event at the stage
  for (const LedgerEvent& e : events) {
    if (e.type != "screen.decision" && e.type != "screen.resolve") {
      continue;
    }
    const auto k = e.payload.find("key");
    const auto s = e.payload.find("stage");
    if (k == e.payload.end() || !k->is_string() || s == e.payload.end() || !s->is_string()) {
      continue;
    }
    const auto st = stage_from_name(s->get<std::string>());
    if (!st || *st != stage) {
      continue;
    }
    const std::string cluster = state.cluster_key(k->get<std::string>());
    const When w{e.ts, e.actor, e.seq};
    const auto o = e.payload.find("order");
    const bool random = o != e.payload.end() && o->is_object() && o->contains("kind") &&
                        (*o)["kind"].is_string() && (*o)["kind"].get<std::string>() == "random";
    auto [it, fresh] = first.try_emplace(cluster, First{w, random});
    if (!fresh && w < it->second.when) {
      it->second = First{w, random};
    }
  }
  ScreeningSequence seq;
  seq.stage = stage;
  seq.records = stage_records.size();
  struct Item {
    bool has_event;
    When when;
    std::string key;
    bool included;
    bool random;
  };
  std::vector<Item> items;
  for (const std::string& key : stage_records) {
    const RecordState* rs = state.find(key);
    if (!rs) {
      continue;
    }
    const Status status = rs->stage(stage).status;
    if (status != Status::included && status != Status::excluded) {
      continue;
    }
    auto it = first.find(key);
    const bool has = it != first.end();
    items.push_back({has, has ? it->second.when : When{}, key, status == Status::included, has && it->second.random});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.has_event != b.has_event) {
      return a.has_event; // records with an event first
    }
    return std::tie(a.when, a.key) < std::tie(b.when, b.key);
  });
  for (const Item& i : items) {
    seq.keys.push_back(i.key);
    seq.relevant.push_back(i.included);
  }
  for (auto i = items.rbegin(); i != items.rend() && i->random; ++i) {
    ++seq.random_tail;
  }
  return seq;
}

ScreeningSequence screening_sequence(const Review& review, Stage stage) {
  if (!review.protocol().stage(stage)) {
    throw UsageError(std::string("the protocol (litrev.json) has no ") + stage_name(stage) + " stage");
  }
  const ScreeningState state = review.screening();
  const LedgerRead ledger = Ledger(review.ledger_path()).read_all();
  return screening_sequence(state, ledger.events, review.stage_records(stage, state), stage);
}

} // namespace litrev
