// litrev/agreement.hpp: inter-rater agreement statistics for screening.
//
// Pure arithmetic on contingency tables; the review module builds the tables
// from the ledger. Every function states its formula's source; the tests
// check them against R psych 2.2.9 (shared/fixtures/metafor/metafor_ref.json)
// and tests/unit/data/agreement/ (see its PROVENANCE.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <litrev/screening.hpp>

namespace litrev {

// A square table of counts: table[i][j] is the number of items rater A put
// in category i and rater B in category j.
using AgreementTable = std::vector<std::vector<std::uint64_t>>;

struct KappaResult {
  std::uint64_t n = 0;
  double p_observed = 0; // percent agreement / 100
  double p_expected = 0; // chance agreement from the margins
  double kappa = 0;      // Cohen (1960)
  // Large-sample variance of kappa (Fleiss, Cohen & Everitt 1969), as R's
  // psych::cohen.kappa computes it, and kappa +/- 1.959964 * sqrt(var).
  double var_kappa = 0;
  double ci_lb = 0;
  double ci_ub = 0;
  // Weighted kappa with quadratic agreement weights w_ij = 1 - (i-j)^2/(k-1)^2
  // and its Fleiss-Cohen-Everitt variance, computed correctly (psych 2.2.9
  // returns a variance of 0 for it; we do not copy that bug). Equal to the
  // unweighted figures for k = 2.
  double weighted_kappa = 0;
  double var_weighted_kappa = 0;
  double weighted_ci_lb = 0;
  double weighted_ci_ub = 0;
  // Prevalence- and bias-adjusted kappa (Byrt, Bishop & Carlin 1993):
  // (k * p_observed - 1) / (k - 1).
  double pabak = 0;
  // Gwet's AC1 (Gwet 2008): (po - pe) / (1 - pe) with
  // pe = sum_q pi_q (1 - pi_q) / (k - 1), pi_q the mean of the two margins.
  double ac1 = 0;
  // True when kappa is undefined. For n = 0 every figure is NaN. For
  // p_expected = 1 (both raters used the same single category) kappa, the
  // weighted kappa, their variances and CIs are NaN, while p_observed,
  // p_expected, pabak and ac1 keep their (well-defined) values.
  bool undefined = false;
};

// Cohen's kappa and companions for a k x k table (k >= 2). Throws
// std::invalid_argument for a table that is not square or smaller than 2x2.
KappaResult cohen_kappa(const AgreementTable& table);

struct FleissResult {
  std::uint64_t subjects = 0;
  std::uint64_t raters = 0; // per subject (every subject must have the same number)
  double p_observed = 0;    // mean per-subject agreement (P-bar)
  double p_expected = 0;    // sum of squared category proportions (P-bar-e)
  double kappa = 0;         // Fleiss (1971)
  // Standard error under the null hypothesis kappa = 0 (Fleiss, Levin & Paik
  // 2003, ch. 18), as R's irr::kappam.fleiss reports it, with z = kappa / se0
  // and the two-sided normal p (computed as erfc(|z|/sqrt 2), so it stays
  // positive where R's 2 * (1 - pnorm(|z|)) rounds to 0).
  double se0 = 0;
  double z = 0;
  double p_value = 0;
  // True for no subjects (every figure NaN) or when every rating is in one
  // category (P-bar-e = 1: kappa, se0, z and p are NaN).
  bool undefined = false;
};

// Fleiss' kappa for subjects rated by the same number (>= 2) of raters:
// counts[s][c] is how many raters put subject s in category c. Throws
// std::invalid_argument for ragged rows, rows with fewer than two ratings,
// unequal rater numbers, or fewer than two categories. An empty `counts`
// gives an undefined result (subjects = raters = 0), not an exception.
FleissResult fleiss_kappa(const std::vector<std::vector<std::uint64_t>>& counts);

// Agreement between the screeners of a review, from their own votes (never
// from adjudicators' resolutions, which come after disagreement).

// How a "maybe" vote counts: as include, as exclude, or as a third category
// (ordered include < maybe < exclude for the weighted kappa).
enum class MaybeAs { include, exclude, category };
const char* maybe_as_name(MaybeAs m); // "include", "exclude", "category"

// Which of a reviewer's votes counts: their latest, or their first (before
// they changed their mind; a screener in blind mode changes it alone).
enum class VoteChoice { latest, first };

struct PairAgreement {
  std::string a; // reviewer names, a < b
  std::string b;
  std::vector<std::string> categories; // row and column names of `table`
  AgreementTable table;                // a's category (rows) by b's (columns)
  KappaResult stats;
  std::uint64_t changed = 0; // votes of a or b on these records that were changed later
};

struct ScreeningAgreement {
  Stage stage = Stage::title_abstract;
  MaybeAs maybe = MaybeAs::category;
  VoteChoice votes = VoteChoice::latest;
  std::vector<PairAgreement> pairs; // every pair of screeners with a record in common
  // Fleiss' kappa over the records every screener of the stage voted on,
  // when there are three or more screeners.
  std::vector<std::string> fleiss_raters;
  std::optional<FleissResult> fleiss;
  // Full text: per pair, agreement on the exclusion reason over the records
  // both excluded (categories: the reasons either used).
  std::vector<PairAgreement> reasons;
};

// Agreement at `stage` from the screening state. Records are clusters (a
// vote on any key of a cluster counts for it). Pairs are left out when the
// two never voted on the same record.
ScreeningAgreement screening_agreement(const ScreeningState& state, Stage stage, MaybeAs maybe,
                                       VoteChoice votes = VoteChoice::latest);

} // namespace litrev
