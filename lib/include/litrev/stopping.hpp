// litrev/stopping.hpp: when to stop screening (issue 7, "Stopping").
//
// Prioritised screening finds most relevant records early; the question is
// when the reviewers may stop. This module answers it from the screening
// sequence alone (the labels in the order the records were screened, and N,
// the records of the stage), with four rules:
//
// - statistical: the hypergeometric test of Callaghan & Müller-Hansen (2020,
//   Systematic Reviews 9:273, https://doi.org/10.1186/s13643-020-01521-4),
//   as its reference code computes it (the "buscar" calculate_h0: read in
//   TimRepke/nacsos-data src/nacsos_data/util/annotations/evaluation/buscar.py,
//   which points to mcallaghan/rapid-screening analysis/minimal_example.ipynb;
//   the R package's k_h0 is the same formula). H0 is "recall < target".
//   With n_seen records screened, r_seen of them relevant:
//     K_tar = floor(r_seen / target) + 1, the smallest total number of
//             relevant records under which recall would be below target;
//   for each n = 1 .. n_seen the last n screened records are treated as a
//   sample drawn at random from themselves plus the N - n_seen unscreened:
//     k     = relevant among the last n,
//     r_AL  = r_seen - k (relevant screened before them),
//     pop   = N - n_seen + n,
//     p(n)  = HypergeomCDF(k; pop, K_tar - r_AL, n)
//             (0 when K_tar - r_AL > pop: H0 cannot hold for that sample;
//             the reference code returns "no answer" there instead);
//   p = min over n (the "ranked quasi-sample": under prioritisation the
//   tail is less likely than a random sample to hold relevant records, so
//   the test is conservative). Stop when p < 1 - confidence.
//   When the last m records were screened in random order after the others
//   (StoppingOptions::random_sample; `litrev stop-check` finds them from the
//   votes' recorded order), the test is the paper's own: those m records
//   are the random sample, drawn from the N - n_seen + m records not
//   screened before them, and p = p(m) alone (a minimum over several n
//   would not be a valid p-value for a true random sample).
//   Edge cases: nothing screened: p = 1; everything screened: p = 0 (recall
//   is known); no relevant record yet: K_tar = 1, so the test asks whether
//   one relevant record could still be unscreened (p = 1 - n_seen / N at
//   best).
// - consecutive: the last `consecutive` (default 50) records screened were
//   all irrelevant (the common heuristic; ASReview discussion #557).
// - consecutive-share: the same with the run set to a share of N (default
//   5%, rounded up; at least 1).
// - safe: the computable part of phase 2 of the SAFE procedure (Boetje & van
//   de Schoot 2024, Systematic Reviews 13:81,
//   https://doi.org/10.1186/s13643-024-02502-7). SAFE screens a random 1% of
//   the records first (phase 1), then screens with active learning until all
//   of: every key paper was found; at least 10% of the records screened; at
//   least twice the estimated number of relevant records (ERR, from the
//   random set: N * relevant in the set / its size) screened; and the last
//   50 records screened irrelevant. Phases 3 (re-rank with a different
//   model) and 4 (quality check of the exclusions) are further screening,
//   not stopping rules, and are not modelled. The key-paper condition needs
//   the reviewers' list of key papers and is not checked here. ERR comes
//   from StoppingOptions: either the first `safe_random_sample` records of
//   the sequence were the random set, or `safe_estimated_relevant` gives it;
//   with neither the rule cannot be evaluated and never says stop.
//
// A rule evaluated on a prefix of the sequence sees only that prefix: it
// decides as a reviewer would have at that point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <litrev/ledger.hpp>
#include <litrev/protocol.hpp>
#include <litrev/screening.hpp>

namespace litrev {

class Review;

// ------------------------------------------------- hypergeometric distribution

// Drawing `draws` items without replacement from `population` items of
// which `successes` are successes, the probability of exactly (pmf) or at
// most (cdf) `k` successes; scipy.stats.hypergeom's (k, M, n, N). Computed in
// log space: lgamma for small arguments, and for large ones Loader's
// saddle-point form (Stirling's series plus the deviance term bd0, Loader
// 2000, "Fast and accurate computation of binomial probabilities"), because
// differences of lgamma values lose about 1e-10 relative at populations of
// 1e5. Relative error about 1e-14 against exact rational arithmetic (see
// tests/unit/data/stopping/PROVENANCE.md). A `k` outside the support gives
// log 0 (-infinity) for the pmf, and 0 or 1 for the cdf. Throw
// std::invalid_argument when successes > population or draws > population.
double hypergeom_log_pmf(std::uint64_t k, std::uint64_t population, std::uint64_t successes, std::uint64_t draws);
double hypergeom_log_cdf(std::uint64_t k, std::uint64_t population, std::uint64_t successes, std::uint64_t draws);
double hypergeom_cdf(std::uint64_t k, std::uint64_t population, std::uint64_t successes, std::uint64_t draws);

// ------------------------------------------------------------------- rules

enum class StoppingRule { statistical, consecutive, consecutive_share, safe };
// "statistical", "consecutive", "consecutive-share", "safe".
const char* stopping_rule_name(StoppingRule rule);
// The four rules in the order above.
std::vector<StoppingRule> stopping_rules();

struct StoppingOptions {
  double recall_target = 0.95; // statistical: H0 "recall < recall_target"; in (0, 1]
  double confidence = 0.95;    // statistical: stop when p < 1 - confidence; in (0, 1)
  // statistical: the last `random_sample` records of the sequence were drawn
  // at random from those not screened before them (random sampling after
  // prioritised screening): the test uses that sample alone. 0: the ranked
  // quasi-sample (the minimum over every n). first_stop() ignores it.
  std::size_t random_sample = 0;
  std::size_t consecutive = 50;        // consecutive: irrelevant records in a row (>= 1)
  double consecutive_share = 0.05;     // consecutive-share: the run as a share of N; in (0, 1]
  // SAFE phase 2.
  double safe_min_screened_share = 0.10; // screened >= ceil(share * N)
  double safe_err_multiple = 2.0;        // screened >= multiple * ERR
  std::size_t safe_consecutive = 50;     // irrelevant records in a row
  // The first `safe_random_sample` records of the sequence were SAFE's
  // random set: ERR = N * relevant among them / safe_random_sample (the rule
  // does not stop before that set is screened). 0: no random set.
  std::size_t safe_random_sample = 0;
  // ERR given directly (it wins over safe_random_sample).
  std::optional<double> safe_estimated_relevant;
  // Simulation only: the size of the random set SAFE screens first, as a
  // share of N (rounded up; SAFE recommends 1%).
  double safe_sample_share = 0.01;
};

// Throws UsageError naming the option when a value is out of range (see the
// ranges above; safe_estimated_relevant must be >= 0).
void check_stopping_options(const StoppingOptions& options);

// K_tar: the smallest total number of relevant records K with
// relevant_found / K < recall_target, i.e. floor(relevant_found / target) + 1,
// computed so that a target like 0.95 is taken as the decimal it stands for
// (19 / 0.95 is 20, not 19.999...).
std::uint64_t h0_relevant_total(std::size_t relevant_found, double recall_target);

// The statistical test on `relevant` (labels in screening order, true =
// relevant) out of `records` (N); with `random_sample` m > 0, on the last m
// records as a random sample (see the top of this file). Throws
// std::invalid_argument when relevant.size() > records or m >
// relevant.size(), UsageError for a target or confidence out of range.
struct StatisticalTest {
  std::size_t screened = 0;  // n_seen
  std::size_t relevant = 0;  // r_seen
  std::uint64_t k_target = 0; // K_tar
  double p = 1;              // p(m), or the min over n of p(n)
  std::size_t sample = 0;    // m, or the n where the minimum is (0 when nothing was screened)
  bool random = false;       // the sample was screened in random order (p = p(m))
  bool stop = false;         // p < 1 - confidence
};
StatisticalTest statistical_stopping_test(const std::vector<bool>& relevant, std::size_t records,
                                          double recall_target = 0.95, double confidence = 0.95,
                                          std::size_t random_sample = 0);

// Irrelevant records at the end of `relevant` (the current run).
std::size_t irrelevant_run(const std::vector<bool>& relevant);

// One rule's verdict on a whole screening sequence.
struct RuleVerdict {
  StoppingRule rule = StoppingRule::statistical;
  bool evaluable = true; // false: safe without an estimate of the relevant records
  bool stop = false;
  // statistical
  std::optional<double> p_value;
  std::uint64_t k_target = 0;
  std::size_t sample = 0;
  // consecutive, consecutive-share, safe: the run needed
  std::size_t threshold = 0;
  // safe
  std::optional<double> estimated_relevant; // ERR
  std::size_t min_screened = 0;             // ceil(safe_min_screened_share * N)
  std::size_t err_screened = 0;             // ceil(safe_err_multiple * ERR)
  // One or two sentences with the numbers, for people.
  std::string detail;
};

struct StoppingCheck {
  std::size_t records = 0;  // N
  std::size_t screened = 0;
  std::size_t relevant = 0;
  std::size_t run = 0;      // irrelevant records in a row at the end
  double recall_target = 0.95;
  double confidence = 0.95;
  std::vector<RuleVerdict> rules; // stopping_rules() order
  // A paragraph for a methods section: what was screened, the statistical
  // test and its result, and the heuristics for comparison.
  std::string methods;
};

// Every rule's verdict on `relevant` (labels in screening order) out of
// `records`. When every record has been screened each rule says stop (there
// is nothing left). Throws as statistical_stopping_test() and
// check_stopping_options() do.
StoppingCheck check_stopping(const std::vector<bool>& relevant, std::size_t records,
                             const StoppingOptions& options = {});

// The number of records screened when `rule` first says stop, walking the
// sequence `relevant` (labels in screening order, possibly all N) one record
// at a time: the smallest t with t < records such that the rule, seeing the
// first t labels, says stop; nullopt when it never does before every record
// is screened. Throws as check_stopping() does.
std::optional<std::size_t> first_stop(StoppingRule rule, const std::vector<bool>& relevant, std::size_t records,
                                      const StoppingOptions& options = {});

// A short description of a rule with its settings ("50 consecutive
// irrelevant records"); `records` (N) sizes the consecutive-share run.
std::string describe_rule(StoppingRule rule, const StoppingOptions& options, std::size_t records);

// ------------------------------------------------------- a review's sequence

// The screening sequence of one stage of a review.
struct ScreeningSequence {
  Stage stage = Stage::title_abstract;
  std::size_t records = 0;        // N: the stage's records (clusters)
  std::vector<std::string> keys;  // the screened ones (cluster keys), in screening order
  std::vector<bool> relevant;     // their labels: included = true
  // How many of the last screened records had their first event cast from a
  // random-order queue (the vote's recorded order "random"), after records
  // screened otherwise: the random sample of the statistical test.
  std::size_t random_tail = 0;
};

// A record counts as screened when its status at `stage` is included or
// excluded (awaiting, maybe and conflict are not settled). The screening
// order is the order of each record's first screening event at that stage
// (screen.decision or screen.resolve, by any actor, on any key of its
// cluster), ordered by ts, then actor, then seq, as fold_screening() orders
// events; a settled record with no such event (not possible from a ledger)
// goes last, by key. `stage_records` are the stage's records
// (Review::stage_records); `state` is the fold of `events` with the
// review's clusters.
ScreeningSequence screening_sequence(const ScreeningState& state, const std::vector<LedgerEvent>& events,
                                     const std::vector<std::string>& stage_records, Stage stage);

// The same for a review: its ledgers, screening state and stage records.
// Throws as Review::screening() does, and UsageError when the protocol has
// no such stage.
ScreeningSequence screening_sequence(const Review& review, Stage stage);

} // namespace litrev
