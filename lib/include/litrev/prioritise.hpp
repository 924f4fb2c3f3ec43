// litrev/prioritise.hpp: prioritised screening (issue 7).
//
// A ranker learns from the title-abstract decisions made so far and scores
// the records not yet screened, so the likely relevant ones come first:
// - features: TF-IDF over title + abstract, unigrams and bigrams, sublinear
//   tf (1 + ln tf), smoothed idf (ln((1 + n) / (1 + df)) + 1, as
//   scikit-learn), rows L2-normalised; the vocabulary is sorted, so the
//   features do not depend on hash order;
// - models: liblinear's L2-regularised linear SVM (L2R_L2LOSS_SVC_DUAL, the
//   default) or logistic regression (L2R_LR), both with "balanced" class
//   weights n / (2 n_class) for the rare relevant class; and, as the simple
//   baseline, multinomial Naive Bayes (alpha 3.822) trained on ASReview v1's
//   "double" balanced resample of the labelled records.
// Everything is deterministic given the seed.
//
// Simulation replays screening on a fully labelled set: I random inclusions
// and E random exclusions as priors, then always the highest-scoring record,
// retraining after every record (or every k). Its metrics exclude the priors
// (N' = N - priors, K' = K - prior inclusions); see screening_metrics().
// It also replays the stopping rules of litrev/stopping.hpp on each run's
// order and reports, per rule, when it would have stopped (SimulationResult::
// stopping).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <litrev/stopping.hpp>

namespace litrev {

// One record of a labelled set (simulation input).
struct LabelledRecord {
  std::string id;
  std::string title;
  std::string abstract;
  bool included = false;
};

// Reads a labelled CSV with (at least) the columns id, title, abstract and
// label_included (0 or 1; also true/false, yes/no), in any order; other
// columns are ignored. Throws DataError(path, line, ...) for a missing
// column, a missing or unknown label, or a malformed file.
std::vector<LabelledRecord> read_labelled_csv(const std::string& path);

// ---------------------------------------------------------------- features

// Lower-cased runs of letters and digits (Unicode categories L* and N*),
// dropping those shorter than `min_length` code points.
std::vector<std::string> tokenize(std::string_view text, std::size_t min_length = 2);

struct FeatureOptions {
  bool bigrams = true;        // add "w1 w2" for adjacent tokens
  std::size_t min_token = 2;  // shorter tokens are dropped
  // Terms in fewer documents are dropped. 2 drops the terms of one record
  // only (three quarters of the 1-2-grams of a 10,000-record set): such a
  // term cannot rank any other record -- its weight only fits the one
  // labelled record that holds it -- and dropping them nearly halves the
  // retrain time (tests/bench/README.md, prioritised screening).
  std::uint32_t min_df = 2;
  bool sublinear_tf = true;   // 1 + ln(tf) instead of tf
};

// One row of a sparse matrix: (column, value), columns ascending.
using SparseRow = std::vector<std::pair<std::uint32_t, double>>;

struct Features {
  std::vector<std::string> terms; // column -> term, sorted
  std::vector<SparseRow> rows;    // one per text, L2-normalised (empty text: empty row)
};

// The TF-IDF matrix of `texts` (see the top of this file). `extra_terms`,
// when not empty, holds one list per text of whole terms added to it as
// unigrams (not tokenised, no bigrams), weighted like its words and kept by
// the same min df: the ranker of a review adds each record's MeSH headings
// and publication types ("mesh:alcoholism", "pt:randomized controlled
// trial"; no word or bigram of a text holds a colon, so they never meet a
// word). Throws std::invalid_argument when extra_terms is not empty and its
// size differs from texts'.
Features tfidf_features(const std::vector<std::string>& texts, const FeatureOptions& options = {},
                        const std::vector<std::vector<std::string>>& extra_terms = {});

// The text a record's features come from: title, a space, abstract.
std::string record_text(const LabelledRecord& r);

// ------------------------------------------------------------------ ranker

enum class RankModel { svm, logistic, naive_bayes };

// "svm", "logistic", "nb".
const char* rank_model_name(RankModel m);
// The model called `name` ("naive_bayes" is accepted for "nb"), or nullopt.
std::optional<RankModel> rank_model_from_name(std::string_view name);

struct RankerSettings {
  RankModel model = RankModel::svm;
  // liblinear's C (inverse regularisation) for svm and logistic.
  double c = 1.0;
  // Class weights n / (2 n_class) (svm, logistic); ASReview's double
  // balancing for nb.
  bool balance = true;
  double nb_alpha = 3.822;
  std::uint64_t seed = 0;
};

// A one-line description of the model and its settings, for a methods
// section ("svm (liblinear 2.30 L2R_L2LOSS_SVC_DUAL, C 1, balanced class
// weights), TF-IDF 1-2-grams sublinear tf, seed 0").
std::string describe(const RankerSettings& s, const FeatureOptions& f);

// Scores records over a fixed feature matrix. Holds a random generator (for
// liblinear's coordinate order and Naive Bayes' resampling) seeded from
// settings.seed, so the same sequence of calls gives the same scores.
// Keeps a reference to `features`, which must outlive the ranker.
class Ranker {
public:
  Ranker(const Features& features, RankerSettings settings);
  ~Ranker();
  Ranker(const Ranker&) = delete;
  Ranker& operator=(const Ranker&) = delete;

  // Trains on the rows `labelled` (labels[i] true = relevant) and returns a
  // score for each row in `candidates`, higher = more likely relevant. With
  // no relevant or no irrelevant record labelled yet there is nothing to
  // learn: every score is 0. Throws std::invalid_argument when the sizes
  // differ or an index is out of range.
  std::vector<double> score(const std::vector<std::size_t>& labelled, const std::vector<bool>& labels,
                            const std::vector<std::size_t>& candidates);

  const RankerSettings& settings() const noexcept { return m_settings; }

private:
  struct Impl;
  const Features& m_features;
  RankerSettings m_settings;
  std::mt19937_64 m_rng;
  Impl* m_impl;
};

// The order of `candidates` by descending score (ties: the lower row first).
std::vector<std::size_t> order_by_score(const std::vector<std::size_t>& candidates,
                                        const std::vector<double>& scores);

// -------------------------------------------------------------- simulation

// The metrics of one screening order. `relevant[i]` says whether the
// (i+1)-th record screened after the priors is relevant; its size is N', the
// count of true is K' (>= 1). All percentages are 0-100:
// - n95 = records screened until at least ceil(0.95 K') relevant are found;
//   n100 = until all K' are;
// - wss95 = 100 * ((N' - n95) / N' - 0.05);
// - rrf10 = 100 * (relevant found in the first floor(0.1 N') records) / K';
// - atd = 100 * mean over the relevant records of (position, 1-based) / N'.
// Throws std::invalid_argument when no record is relevant.
struct ScreeningMetrics {
  std::size_t records = 0;  // N'
  std::size_t relevant = 0; // K'
  double wss95 = 0;
  double rrf10 = 0;
  double atd = 0;
  std::size_t n95 = 0;
  std::size_t n100 = 0;
};
ScreeningMetrics screening_metrics(const std::vector<bool>& relevant);

struct SimulationOptions {
  RankerSettings ranker;   // ranker.seed is ignored: each run uses its own seed
  FeatureOptions features;
  unsigned seeds = 5;      // runs, with seeds first_seed, first_seed + 1, ...
  std::uint64_t first_seed = 1;
  std::size_t prior_included = 1;
  std::size_t prior_excluded = 1;
  std::size_t retrain_every = 1; // retrain after every k records screened
  // The stopping rules replayed on each run (see SimulationRun::stops).
  StoppingOptions stopping;
};

// Where one stopping rule stopped in one run. The rule sees the whole
// screening sequence, priors first (they are screened records too): the
// priors in record order, then SimulationRun::order. For safe the sequence
// starts instead with a random set of ceil(stopping.safe_sample_share * N)
// records (drawn per run from its own generator, seeded from the run's seed)
// whose relevant share gives SAFE's estimate, then the rest in the same
// order; the ranking itself is the run's (it did not learn from that set),
// so this is an approximation of SAFE's phase 1. Recall and screened share
// are over all N records and all K relevant ones, priors included (unlike
// ScreeningMetrics). A rule that never fires before the last record means
// screening everything: recall 100, screened 100.
struct StopOutcome {
  StoppingRule rule = StoppingRule::statistical;
  bool fired = false;       // it said stop with records still unscreened
  std::size_t screened = 0; // records screened when it fired (N when it did not)
  std::size_t found = 0;    // relevant records among them (K when it did not fire)
  double recall = 100;      // percent of K found by then
  double screened_pct = 100;
};

struct SimulationRun {
  std::uint64_t seed = 0;
  std::vector<std::size_t> priors; // record indices
  // Records screened after the priors, in order. Once every relevant record
  // is found the order no longer changes a metric, so the rest follow in
  // file order without retraining.
  std::vector<std::size_t> order;
  ScreeningMetrics metrics;
  std::vector<StopOutcome> stops; // one per rule, stopping_rules() order
};

struct MeanSd {
  double mean = 0;
  double sd = 0; // sample standard deviation (n - 1); 0 for one run
};

// One stopping rule over all runs.
struct StoppingSummary {
  StoppingRule rule = StoppingRule::statistical;
  std::string description;  // describe_rule()
  unsigned fired_runs = 0;  // runs in which it fired before the last record
  MeanSd recall;            // percent of K found when it fired (100 when it did not)
  MeanSd screened_pct;      // percent of N screened by then (work saved = 100 - this)
  double recall_at_least_target_pct = 0; // percent of runs whose recall >= the recall target
};

struct SimulationResult {
  std::size_t records = 0;  // N
  std::size_t included = 0; // K
  std::vector<SimulationRun> runs;
  MeanSd wss95, rrf10, atd, n95, n100;
  // recall[i]: mean over runs of the share of K' found after i records
  // screened past the priors, i = 0..N'.
  std::vector<double> recall;
  std::string model; // describe(), for the methods section
  std::vector<StoppingSummary> stopping; // one per rule, stopping_rules() order
};

// Replays screening on `records` (see SimulationOptions). Throws UsageError
// when there are not enough inclusions (more than prior_included) or
// exclusions (at least prior_excluded) for the priors, or for stopping
// options out of range (check_stopping_options()).
SimulationResult simulate(const std::vector<LabelledRecord>& records, const SimulationOptions& options);

// Mean and sample standard deviation.
MeanSd mean_sd(const std::vector<double>& xs);

} // namespace litrev
