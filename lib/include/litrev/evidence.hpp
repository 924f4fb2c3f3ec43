// litrev/evidence.hpp: effect sizes and meta-analysis that give metafor's
// numbers (R package metafor 3.8-1: escalc, rma.uni, rma.mh, rma.peto,
// predict, confint, leave1out, regtest, ranktest).
//
// What "gives metafor's numbers" means here. Every estimator follows
// metafor's own algorithm, not just its formula: the Fisher-scoring
// iterations of REML and ML start where metafor starts (the Hedges
// estimate), take the same steps and stop on the same rule (|change| <
// 1e-5, at most 100 iterations); Paule-Mandel and the Q-profile confidence
// intervals run the same Brent root finder as R's uniroot() on the same
// interval with the same tolerance (.Machine$double.eps^0.25). The results
// therefore agree with metafor to about 1e-12, far inside the 1e-6 relative
// tolerance the tests check (tests/unit/test_evidence.cpp), even where the
// iterations themselves stop short of the exact optimum.
//
// Conventions, all metafor's:
// - Ratio measures (RR, OR, Peto OR) are pooled on the natural-log scale;
//   every yi, estimate and bound is a log value; exponentiate for display.
// - Zero cells: a study whose 2x2 table has a zero cell gets 1/2 added to
//   all four cells before its yi and vi are computed (escalc's add = 1/2,
//   to = "only0"). For inverse-variance models (FE, DL, REML, PM, ML) a study
//   with no events in either arm (or only events) is kept, with yi = 0 on
//   the log scale (escalc's drop00 = FALSE). Mantel-Haenszel and Peto pool
//   the raw tables, without any correction; their per-study yi and vi (for
//   Q and the studies list) are escalc's with the 1/2 correction, and
//   there a study with no events in either arm, or only events in both, has
//   no yi (rma.mh / rma.peto drop00 = TRUE): it is left out of Q and k_yi.
// - SMD is Hedges' g with the exact small-sample factor J(m) = Γ(m/2) /
//   (√(m/2) Γ((m−1)/2)), m = n1+n2−2, and vi = 1/n1 + 1/n2 + g²/(2(n1+n2))
//   (escalc's vtype "LS"); SmdCorrection::revman gives RevMan 5's
//   J ≈ 1 − 3/(4N−9) and vi = N/(n1n2) + g²/(2(N−3.94)) instead.
// - MD is m1 − m2 with vi = sd1²/n1 + sd2²/n2. Group 1 is the experimental
//   arm (ai/bi, m1i/sd1i/n1i), group 2 the comparator.
//
// Numbers that do not exist for a model are NaN (a fixed-effect model has
// no prediction interval, tau² standard error or Q-profile interval; a
// z-test has no degrees of freedom). Writers turn NaN into null.
//
// Errors: UsageError for a request that makes no sense (a measure the data
// cannot give, a method the measure does not allow, fewer studies than the
// method needs); DataError for input that is wrong (naming file, line and
// column); Error when an iterative estimator does not converge (metafor
// stops there too).
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace litrev {

// "Not applicable" in the results below.
inline constexpr double k_na = std::numeric_limits<double>::quiet_NaN();

// Effect measures (metafor's names in comments).
enum class EffectMeasure {
  risk_ratio,      // "RR": log risk ratio
  odds_ratio,      // "OR": log odds ratio
  risk_difference, // "RD"
  mean_difference, // "MD": raw mean difference
  smd,             // "SMD": Hedges' g
};

// Pooling methods: the inverse-variance models of rma.uni (fe, dl, reml, pm,
// ml), Mantel-Haenszel (rma.mh) and Peto's one-step odds ratio (rma.peto).
enum class PoolMethod { fe, mh, peto, dl, reml, pm, ml };

// How the pooled estimate is tested: a z test, or Hartung-Knapp(-Sidik-
// Jonkman): the variance scaled by the weighted residual mean square and a
// t distribution with k−1 degrees of freedom (metafor's test = "knha",
// without the ad hoc truncation at 1).
enum class PoolTest { z, knha };

// The small-sample correction of the SMD: metafor's exact J, or RevMan's
// approximation (see above).
enum class SmdCorrection { exact, revman };

// "RR", "OR", "RD", "MD", "SMD" / "FE", "MH", "PETO", "DL", "REML", "PM",
// "ML" / "z", "knha". The *_from_name functions take those names, in any
// letter case, and return nothing for anything else.
const char* effect_measure_name(EffectMeasure m);
std::optional<EffectMeasure> effect_measure_from_name(std::string_view name);
const char* pool_method_name(PoolMethod m);
std::optional<PoolMethod> pool_method_from_name(std::string_view name);
const char* pool_test_name(PoolTest t);
std::optional<PoolTest> pool_test_from_name(std::string_view name);

// True for the measures pooled on the log scale (RR, OR).
bool is_ratio_measure(EffectMeasure m);

// A 2x2 table: events and non-events in the experimental arm (ai, bi) and
// in the comparator arm (ci, di).
struct TwoByTwo {
  double ai = 0, bi = 0, ci = 0, di = 0;
};

// Means, standard deviations and sizes of two arms.
struct ContinuousArms {
  double m1i = 0, sd1i = 0, n1i = 0, m2i = 0, sd2i = 0, n2i = 0;
};

// One study's effect size and its sampling variance.
struct EffectSize {
  double yi = 0;
  double vi = 0;
};

// escalc for a 2x2 table: RR, OR or RD with the zero-cell rule above (`add`
// is what is added to every cell of a table with a zero cell; 0 turns the
// correction off). Throws UsageError for a continuous measure, DataError
// (no file) for a negative count or an empty arm. The result may be
// infinite or NaN when `add` is 0 and a cell is zero.
EffectSize binary_effect(EffectMeasure measure, const TwoByTwo& t, double add = 0.5);

// escalc for two arms: MD or SMD. Throws UsageError for a binary measure,
// DataError (no file) for a negative SD, an arm of size <= 0, or (SMD) n1+n2
// <= 3, where J is undefined.
EffectSize continuous_effect(EffectMeasure measure, const ContinuousArms& a,
                             SmdCorrection correction = SmdCorrection::exact);

// What kind of data an outcome file holds.
enum class OutcomeKind {
  binary,     // ai bi ci di (or ai n1i ci n2i)
  continuous, // m1i sd1i n1i m2i sd2i n2i
  generic,    // yi vi: effect sizes computed elsewhere (log scale for ratios)
};

struct OutcomeRow {
  std::string study;  // the `study` column; "row N" when there is none
  unsigned long line = 0; // 1-based line of the row in the file
  TwoByTwo counts;    // binary
  ContinuousArms arms; // continuous
  EffectSize given;   // generic
  std::vector<std::string> fields; // every cell of the row, trimmed, in header order
};

struct OutcomeTable {
  std::string path;
  OutcomeKind kind = OutcomeKind::generic;
  std::vector<std::string> header; // column names, trimmed
  std::vector<OutcomeRow> rows;

  // The index of column `name` (exact, case-sensitive), or nothing.
  std::optional<std::size_t> column(std::string_view name) const;
};

// Reads a CSV (comma, semicolon or tab separated; quoting as in RFC 4180)
// whose header uses metafor's column names: `ai bi ci di` (or `ai n1i ci
// n2i`) for counts, `m1i sd1i n1i m2i sd2i n2i` for continuous outcomes,
// `yi vi` for precomputed effect sizes, in that order of preference when a
// file has several sets; plus an optional `study` label and any other
// columns (kept as text, for --by). Blank lines are skipped.
// Throws DataError naming the file, the line and the column for: a missing
// file, an empty file, a header with none of those column sets, a row with
// more or fewer cells than the header, an empty or non-numeric cell in a
// needed column, a negative count or SD, a count larger than its arm, an
// arm size <= 0, vi <= 0, a file with no rows.
OutcomeTable read_outcome_csv(const std::string& path);

// One study in a fit: label, effect size (NaN when the study has none, see
// the MH/Peto double-zero rule) and weight in percent of the total.
struct StudyResult {
  std::string study;
  double yi = 0;
  double vi = 0;
  double weight = 0;
};

// A pooled result, with metafor's names in comments.
struct MetaFit {
  EffectMeasure measure = EffectMeasure::mean_difference;
  PoolMethod method = PoolMethod::reml;
  PoolTest test = PoolTest::z;
  double level = 0.95;
  std::size_t k = 0;   // studies in the model
  double estimate = 0; // b
  double se = 0;       // se (Hartung-Knapp-scaled for knha)
  double zval = 0;     // zval: z, or t for knha
  double pval = 0;     // pval (two-sided)
  double ci_lb = 0, ci_ub = 0;
  double df = k_na;   // ddf: k−1 for knha, NaN for z
  double pi_lb = k_na, pi_ub = k_na; // predict(): prediction interval; NaN for FE/MH/PETO
  double tau2 = 0;     // tau2 (0 for FE/MH/PETO)
  double se_tau2 = k_na; // se.tau2; NaN for FE/MH/PETO
  double i2 = 0;       // I2, percent
  double h2 = 0;       // H2
  double q = 0;        // QE
  std::size_t q_df = 0; // k−1 (MH/Peto: studies with a yi, minus 1)
  double q_pval = 0;   // QEp
  double s2 = k_na;    // vt, the "typical" within-study variance; NaN for MH/PETO
  std::string tau2_ci_lb_sign, tau2_ci_ub_sign; // "", ">" or "<", see Interval below
  double tau2_ci_lb = k_na, tau2_ci_ub = k_na; // confint(): Q-profile; NaN for FE/MH/PETO
  double i2_ci_lb = k_na, i2_ci_ub = k_na;     // from the tau² bounds
  double h2_ci_lb = k_na, h2_ci_ub = k_na;
  double loglik = k_na; // logLik(): REML log likelihood for REML, ML otherwise; NaN for MH/PETO
  std::vector<StudyResult> studies;
};

// rma.uni(yi, vi, method, test, level): an inverse-variance model (method
// fe, dl, reml, pm or ml) on given effect sizes; `labels` may be empty (then
// "1", "2", ...). Includes the Q-profile CI of tau² and I² for random-effects
// methods. A single study is fitted as metafor does (tau2 = 0, z test, Q = 0,
// no Q-profile CI). Throws UsageError for mh/peto, for no studies, for sizes
// that differ; DataError (no file) for vi <= 0 or a
// non-finite yi; Error when Fisher scoring does not converge or PM cannot
// bracket tau² (metafor's "Value of 'tau2.max' too low").
MetaFit meta_uni(const std::vector<double>& yi, const std::vector<double>& vi, PoolMethod method,
                 PoolTest test = PoolTest::z, double level = 0.95, std::vector<std::string> labels = {});

// rma.mh(measure = RR/OR/RD) or rma.peto() on 2x2 tables (method mh or peto;
// peto needs odds_ratio). z test only. Throws UsageError for another method
// or measure or a knha test, for an empty list; Error when the pooled
// estimate does not exist (no events in one arm of every table for OR/RR;
// Peto: one of the outcomes never occurred).
MetaFit meta_tables(const std::vector<TwoByTwo>& tables, EffectMeasure measure, PoolMethod method,
                    double level = 0.95, std::vector<std::string> labels = {});

// Q-profile confidence interval of tau² (confint.rma.uni, type "QP") for the
// model yi/vi, with `tau2` the model's estimate (it sets the search interval
// [0, max(100, 10·tau2)] as metafor does). A bound of 0 means the CI reaches
// 0. A bound that could not be found inside the search interval is set to
// the interval's end and marked with metafor's sign: lb_sign / ub_sign ">"
// (the true bound is larger than the value), "<" (both bounds lie below 0:
// the CI is empty, reported as 0 to 0), or "" (an ordinary bound).
struct Interval {
  double lb = k_na;
  double ub = k_na;
  std::string lb_sign;
  std::string ub_sign;
};
Interval qprofile_tau2_ci(const std::vector<double>& yi, const std::vector<double>& vi, double tau2,
                          double level = 0.95);

// Egger's regression test for funnel-plot asymmetry: the effect sizes are
// regressed on their standard errors and the slope is tested.
struct EggerTest {
  double zval = k_na;    // z (model rma) or t (model lm) of the sei slope
  double pval = k_na;
  double df = k_na;      // residual df for lm (k−2); NaN for rma with a z test
  double limit_estimate = k_na; // the intercept: the estimate as sei -> 0
  double limit_ci_lb = k_na, limit_ci_ub = k_na;
  double slope = k_na; // the sei coefficient: the fitted line is limit_estimate + slope·sei
};
// regtest(model = "lm"): weighted least squares with weights 1/vi, t test on
// k−2 df (equals Egger 1997's test of the intercept of yi/sei on 1/sei).
// Throws UsageError below 3 studies.
EggerTest egger_lm(const std::vector<double>& yi, const std::vector<double>& vi, double level = 0.95);
// regtest(model = "rma"): a meta-regression on sei fitted with `method`
// (fe, dl, reml, pm, ml; metafor's default is the fit's method, REML for a
// plain rma()) and `test`. Throws UsageError below 3 studies or for mh/peto;
// Error as meta_uni.
EggerTest egger_rma(const std::vector<double>& yi, const std::vector<double>& vi,
                    PoolMethod method = PoolMethod::reml, PoolTest test = PoolTest::z, double level = 0.95);

// Begg and Mazumdar's rank correlation test (ranktest): Kendall's tau between
// the standardised deviates from the fixed-effect estimate and vi. The
// p-value is exact (the permutation distribution of Kendall's statistic)
// unless either variable has ties, then the normal approximation with the
// tie-corrected variance (R's cor.test, which metafor calls with exact =
// TRUE). Throws UsageError below 3 studies.
struct RankTest {
  double tau = k_na;
  double pval = k_na;
  bool exact = false;
};
RankTest rank_test(const std::vector<double>& yi, const std::vector<double>& vi);

// The whole analysis `litrev meta` prints.
struct MetaOptions {
  EffectMeasure measure = EffectMeasure::risk_ratio;
  PoolMethod method = PoolMethod::reml;
  PoolTest test = PoolTest::z;
  SmdCorrection smd = SmdCorrection::exact;
  double level = 0.95;
  std::string by; // a column of the table to split into subgroups; empty: none
};

struct Subgroup {
  std::string name;
  MetaFit fit;
  // The subgroup's studies as indices into MetaAnalysis::overall.studies
  // (the rows of the table), in order; fit.studies lists the same studies.
  std::vector<std::size_t> rows;
};

// The test for subgroup differences: the subgroup estimates pooled with a
// fixed-effect model on their standard errors (rma(est, sei = se, method =
// "FE")), Q_between with (groups − 1) df, as RevMan does.
struct SubgroupTest {
  double q = k_na;
  std::size_t df = 0;
  double pval = k_na;
};

// leave1out(): the model refitted without one study.
struct LeaveOneOut {
  std::string omitted;
  double estimate = k_na, se = k_na, zval = k_na, pval = k_na, ci_lb = k_na, ci_ub = k_na;
  double q = k_na, q_pval = k_na, tau2 = k_na, i2 = k_na, h2 = k_na;
};

struct MetaAnalysis {
  MetaFit overall;
  std::vector<Subgroup> subgroups;       // in order of first appearance; empty without `by`
  std::optional<SubgroupTest> subgroup_test; // with at least 2 subgroups
  std::vector<LeaveOneOut> leave_one_out; // k >= 3 (RE) or k >= 2 (FE/MH/Peto)
  std::optional<EggerTest> egger;        // regtest(fit): model rma, fit's method (FE for MH/Peto); k >= 3
  std::optional<EggerTest> egger_classic; // regtest(fit, model = "lm"); k >= 3
  std::optional<RankTest> begg;          // ranktest(fit); k >= 3
  std::vector<std::string> warnings;     // e.g. small-study tests with fewer than 10 studies
};

// Effect sizes of every row of `table` for `options.measure` (binary and
// continuous data), or the given yi/vi (generic data, any measure).
// Throws UsageError when the measure does not fit the data (RR/OR/RD need
// counts, MD/SMD means), DataError naming the file and line as
// binary_effect/continuous_effect do.
std::vector<EffectSize> effect_sizes(const OutcomeTable& table, const MetaOptions& options);

// Pools `table` as `options` say: effect sizes, the model (MH and Peto from
// the tables, the others from yi/vi), subgroups by the column `options.by`
// (each fitted with the same method; a subgroup with too few studies for the
// method throws UsageError naming it), leave-one-out and the small-study
// tests. Throws UsageError for a method/measure/data mismatch (MH needs
// counts and RR/OR/RD; Peto counts and OR; knha needs an inverse-variance
// method) or an unknown `by` column; otherwise as the functions above.
MetaAnalysis analyse(const OutcomeTable& table, const MetaOptions& options);

// Distribution functions used above, exposed for tests. Each is accurate to
// a few units in the last place of a double over the range used here
// (relative error in the tails, not just absolute).
namespace stats {
// Standard normal: P(Z > z), and the z with P(Z <= z) = p (0 < p < 1).
double normal_upper(double z);
double normal_quantile(double p);
// Regularised incomplete gamma P(a, x) and Q(a, x) = 1 − P(a, x).
double gamma_p(double a, double x);
double gamma_q(double a, double x);
// Chi-square with `df` degrees of freedom: P(X > x), and the x with
// P(X <= x) = p.
double chisq_upper(double x, double df);
double chisq_quantile(double p, double df);
// Regularised incomplete beta I_x(a, b).
double beta_inc(double a, double b, double x);
// Student t with `df` degrees of freedom: P(T <= t), P(T > t), and the t
// with P(T <= t) = p.
double t_cdf(double t, double df);
double t_upper(double t, double df);
double t_quantile(double p, double df);
} // namespace stats

} // namespace litrev
