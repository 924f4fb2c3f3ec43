// Unit tests of the evidence module (litrev/evidence.hpp): every number of
// the metafor reference fits, to 1e-6 relative.
//
// References, read at run time:
// - ../shared/fixtures/metafor/metafor_ref.json (metafor_ref.R beside it):
//   dat.bcg and dat.normand1999, escalc, rma, rma.mh, rma.peto, regtest,
//   ranktest.
// - tests/unit/data/evidence/ref_more.json (make_ref.R beside it, see
//   PROVENANCE.md there): more datasets (zero cells, double zeros, generic
//   yi/vi), every method with and without Hartung-Knapp, leave-one-out,
//   subgroups, Egger and Begg.
// A reference of null means "metafor gives no such number": ours must be
// NaN.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/evidence.hpp>

#include "testutil.hpp"

namespace {

using nlohmann::json;
using namespace litrev;

constexpr double k_rel_tol = 1e-6;
constexpr double k_abs_tol_at_zero = 1e-10;

// How many reference numbers were compared, and the worst relative error.
struct Tally {
  std::size_t compared = 0;
  double worst = 0;
  std::string worst_what;
};
Tally& tally() {
  static Tally t;
  return t;
}

json load_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return json::parse(in);
}

const json& metafor_ref() {
  static const json j = load_json(litrev::test::fixture("metafor/metafor_ref.json"));
  return j;
}

const json& ref_more() {
  static const json j = load_json(std::string(LITREV_SOURCE_DIR) + "/tests/unit/data/evidence/ref_more.json");
  return j;
}

// `actual` against the reference `expected`: within 1e-6 relative, or, when
// the reference is zero to rounding (|e| < 1e-15), within 1e-10 absolute.
// A null reference requires NaN.
void check_num(double actual, const json& expected, const std::string& what) {
  INFO(what);
  if (expected.is_null()) {
    CHECK(std::isnan(actual));
    return;
  }
  const double e = expected.get<double>();
  const double diff = std::fabs(actual - e);
  bool ok;
  if (std::fabs(e) < 1e-15) {
    ok = diff <= k_abs_tol_at_zero;
  } else {
    const double rel = diff / std::fabs(e);
    ok = rel <= k_rel_tol;
    if (!(rel <= tally().worst)) {
      tally().worst = rel;
      tally().worst_what = what;
    }
  }
  ++tally().compared;
  INFO("got " << actual << ", metafor " << e);
  CHECK(ok);
}

void check_vec(const std::vector<double>& actual, const json& expected, const std::string& what) {
  INFO(what);
  REQUIRE(expected.is_array());
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    check_num(actual[i], expected[i], what + "[" + std::to_string(i) + "]");
  }
}

std::vector<double> doubles(const json& a) {
  std::vector<double> v;
  for (const auto& x : a) {
    v.push_back(x.is_null() ? std::nan("") : x.get<double>());
  }
  return v;
}

std::vector<double> weights_of(const MetaFit& f) {
  std::vector<double> w;
  for (const auto& s : f.studies) {
    w.push_back(s.weight);
  }
  return w;
}

// yi and vi of the studies that have them (metafor drops the others).
std::vector<double> yi_of(const MetaFit& f) {
  std::vector<double> v;
  for (const auto& s : f.studies) {
    if (!std::isnan(s.yi)) {
      v.push_back(s.yi);
    }
  }
  return v;
}
std::vector<double> vi_of(const MetaFit& f) {
  std::vector<double> v;
  for (const auto& s : f.studies) {
    if (!std::isnan(s.vi)) {
      v.push_back(s.vi);
    }
  }
  return v;
}

PoolMethod method_named(const std::string& name) {
  const auto m = pool_method_from_name(name);
  REQUIRE(m);
  return *m;
}

PoolTest test_named(const std::string& name) {
  const auto t = pool_test_from_name(name);
  REQUIRE(t);
  return *t;
}

// A dataset of ref_more.json (or the metafor_ref bcg/normand data) as an
// outcome table; `group` names an extra text column to copy (for --by).
OutcomeTable table_of(const json& ds, const std::string& group = "") {
  OutcomeTable t;
  t.path = "memory";
  const std::string kind = ds.at("kind");
  t.kind = kind == "binary" ? OutcomeKind::binary : kind == "continuous" ? OutcomeKind::continuous : OutcomeKind::generic;
  t.header = {"study"};
  if (!group.empty()) {
    t.header.push_back(group);
  }
  const std::size_t k = ds.at("study").size();
  for (std::size_t i = 0; i < k; ++i) {
    OutcomeRow r;
    r.study = ds.at("study")[i];
    r.line = i + 2;
    r.fields = {r.study};
    if (!group.empty()) {
      r.fields.push_back(ds.at(group)[i].get<std::string>());
    }
    auto v = [&](const char* c) { return ds.at(c)[i].get<double>(); };
    if (t.kind == OutcomeKind::binary) {
      r.counts = {v("ai"), v("bi"), v("ci"), v("di")};
    } else if (t.kind == OutcomeKind::continuous) {
      r.arms = {v("m1i"), v("sd1i"), v("n1i"), v("m2i"), v("sd2i"), v("n2i")};
    } else {
      r.given = {v("yi"), v("vi")};
    }
    t.rows.push_back(r);
  }
  return t;
}

MetaOptions options_of(const json& entry) {
  MetaOptions o;
  const std::string measure = entry.at("measure");
  if (measure != "GEN") {
    const auto m = effect_measure_from_name(measure);
    REQUIRE(m);
    o.measure = *m;
  }
  o.method = method_named(entry.at("method"));
  o.test = test_named(entry.at("test"));
  return o;
}

MetaFit fit_dataset(const json& ds, const MetaOptions& o) {
  const OutcomeTable t = table_of(ds);
  if (o.method == PoolMethod::mh || o.method == PoolMethod::peto) {
    std::vector<TwoByTwo> tables;
    std::vector<std::string> labels;
    for (const auto& r : t.rows) {
      tables.push_back(r.counts);
      labels.push_back(r.study);
    }
    return meta_tables(tables, o.measure, o.method, 0.95, labels);
  }
  std::vector<double> yi, vi;
  for (const EffectSize& e : effect_sizes(t, o)) {
    yi.push_back(e.yi);
    vi.push_back(e.vi);
  }
  return meta_uni(yi, vi, o.method, o.test);
}

// Compares a fit with a ref_more.json fit summary (make_ref.R's summ()).
void check_more_fit(const MetaFit& f, const json& r, const std::string& what, bool uni) {
  CHECK(f.k == r.at("k").get<std::size_t>());
  check_num(f.estimate, r.at("estimate"), what + " estimate");
  check_num(f.se, r.at("se"), what + " se");
  check_num(f.zval, r.at("zval"), what + " zval");
  check_num(f.pval, r.at("pval"), what + " pval");
  check_num(f.ci_lb, r.at("ci_lb"), what + " ci_lb");
  check_num(f.ci_ub, r.at("ci_ub"), what + " ci_ub");
  check_num(f.tau2, r.at("tau2"), what + " tau2");
  check_num(f.i2, r.at("I2"), what + " I2");
  check_num(f.h2, r.at("H2"), what + " H2");
  check_num(f.q, r.at("Q"), what + " Q");
  check_num(f.q_pval, r.at("Q_pval"), what + " Q_pval");
  CHECK(f.q_df == r.at("Q_df").get<std::size_t>());
  check_vec(yi_of(f), r.at("yi"), what + " yi");
  check_vec(vi_of(f), r.at("vi"), what + " vi");
  check_vec(weights_of(f), r.at("weights"), what + " weights");
  if (!uni) {
    return;
  }
  check_num(f.se_tau2, r.at("se_tau2"), what + " se_tau2");
  check_num(f.s2, r.at("s2"), what + " s2");
  check_num(f.df, r.at("df"), what + " df");
  check_num(f.loglik, r.at("loglik"), what + " loglik");
  if (r.contains("pi_lb")) {
    check_num(f.pi_lb, r.at("pi_lb"), what + " pi_lb");
    check_num(f.pi_ub, r.at("pi_ub"), what + " pi_ub");
    check_vec({f.tau2_ci_lb, f.tau2_ci_ub}, r.at("tau2_ci"), what + " tau2_ci");
    check_vec({f.i2_ci_lb, f.i2_ci_ub}, r.at("I2_ci"), what + " I2_ci");
    check_vec({f.h2_ci_lb, f.h2_ci_ub}, r.at("H2_ci"), what + " H2_ci");
    CHECK(f.tau2_ci_lb_sign == r.at("tau2_ci_sign")[0].get<std::string>());
    CHECK(f.tau2_ci_ub_sign == r.at("tau2_ci_sign")[1].get<std::string>());
  } else {
    CHECK(std::isnan(f.pi_lb));
    CHECK(std::isnan(f.tau2_ci_lb));
  }
}

// Compares a fit with a metafor_ref.json fit (metafor_ref.R's fit_summary()).
void check_ref_fit(const MetaFit& f, const json& r, const std::string& what) {
  CHECK(f.k == r.at("k").get<std::size_t>());
  check_num(f.estimate, r.at("estimate"), what + " estimate");
  check_num(f.se, r.at("se"), what + " se");
  check_num(f.zval, r.at("zval_or_tval"), what + " zval");
  check_num(f.pval, r.at("pval"), what + " pval");
  check_num(f.ci_lb, r.at("ci_lb"), what + " ci_lb");
  check_num(f.ci_ub, r.at("ci_ub"), what + " ci_ub");
  check_num(f.df, r.at("df_for_t"), what + " df");
  check_num(f.tau2, r.at("tau2"), what + " tau2");
  check_num(f.se_tau2, r.at("se_tau2"), what + " se_tau2");
  check_num(std::sqrt(f.tau2), r.at("tau"), what + " tau");
  check_num(f.i2, r.at("I2"), what + " I2");
  check_num(f.h2, r.at("H2"), what + " H2");
  check_num(f.q, r.at("Q"), what + " Q");
  CHECK(f.q_df == r.at("Q_df").get<std::size_t>());
  check_num(f.q_pval, r.at("Q_pval"), what + " Q_pval");
  check_num(f.s2, r.at("typical_within_var_s2"), what + " s2");
  check_num(f.pi_lb, r.at("pi_lb"), what + " pi_lb");
  check_num(f.pi_ub, r.at("pi_ub"), what + " pi_ub");
  check_vec(weights_of(f), r.at("weights_percent"), what + " weights");
  check_num(std::exp(f.estimate), r.at("exp_estimate"), what + " exp_estimate");
  check_num(std::exp(f.ci_lb), r.at("exp_ci_lb"), what + " exp_ci_lb");
  check_num(std::exp(f.ci_ub), r.at("exp_ci_ub"), what + " exp_ci_ub");
  check_num(f.loglik, r.at("logLik_REML_or_ML"), what + " logLik");
  if (r.contains("tau2_ci_qprofile")) {
    check_vec({f.tau2_ci_lb, f.tau2_ci_ub}, r.at("tau2_ci_qprofile"), what + " tau2 CI");
    check_vec({f.i2_ci_lb, f.i2_ci_ub}, r.at("I2_ci_qprofile"), what + " I2 CI");
  } else {
    CHECK(std::isnan(f.tau2_ci_lb));
  }
}

// Lines of a CSV file written for a test.
std::string write_csv(const litrev::test::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  litrev::test::write_text(path, text);
  return path;
}

// The DataError message of reading `path`, or "" if it reads.
std::string read_error(const std::string& path) {
  try {
    read_outcome_csv(path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("evidence: normal, t and chi-square functions match R", "[evidence]") {
  // Values from R 4.2.2 (qnorm, pnorm, qt, pt, qchisq, pchisq, pbeta, pgamma).
  struct Case {
    const char* what;
    double actual;
    double r;
  };
  const Case cases[] = {
      {"qnorm(0.975)", stats::normal_quantile(0.975), 1.9599639845400536},
      {"qnorm(1e-10)", stats::normal_quantile(1e-10), -6.3613409024040557},
      {"pnorm(-5)", stats::normal_upper(5), 2.8665157187919391e-07},
      {"pnorm(-12)", stats::normal_upper(12), 1.776482112077679e-33},
      {"qt(0.975, 1)", stats::t_quantile(0.975, 1), 12.706204736174694},
      {"qt(0.975, 2)", stats::t_quantile(0.975, 2), 4.3026527297494619},
      {"qt(0.975, 12)", stats::t_quantile(0.975, 12), 2.1788128296672284},
      {"qt(0.995, 5)", stats::t_quantile(0.995, 5), 4.0321429835552287},
      {"qt(0.9, 30)", stats::t_quantile(0.9, 30), 1.3104150253913955},
      {"qt(1e-6, 3)", stats::t_quantile(1e-6, 3), -103.29946778041933},
      {"pt(-3.952, 12)", stats::t_cdf(-3.9520229494660852, 12), 0.00096038338352367829},
      {"pt(0.5, 7)", stats::t_cdf(0.5, 7), 0.6837964321553579},
      {"pt(-40, 4)", stats::t_cdf(-40, 4), 1.1670081613006347e-06},
      {"pt(2.5, 1.5)", stats::t_cdf(2.5, 1.5), 0.91509674869265201},
      {"qchisq(0.975, 12)", stats::chisq_quantile(0.975, 12), 23.336664158645334},
      {"qchisq(0.025, 12)", stats::chisq_quantile(0.025, 12), 4.4037885069817015},
      {"qchisq(0.025, 1)", stats::chisq_quantile(0.025, 1), 0.00098206911717525617},
      {"qchisq(0.975, 100)", stats::chisq_quantile(0.975, 100), 129.56119718583659},
      {"pchisq(152.23, 12, upper)", stats::chisq_upper(152.2330080823733, 12), 1.9967645908459738e-26},
      {"pchisq(3, 1)", 1.0 - stats::chisq_upper(3, 1), 0.91673548333644939},
      {"pchisq(0.5, 8)", 1.0 - stats::chisq_upper(0.5, 8), 0.00013336965051406239},
      {"pbeta(0.3, 2.5, 4)", stats::beta_inc(2.5, 4, 0.3), 0.35219758590676714},
      {"pgamma(2.5, 3.2)", stats::gamma_p(3.2, 2.5), 0.40782930453091604},
      {"pgamma(40, 3.2, upper)", stats::gamma_q(3.2, 40), 6.1967040825937683e-15},
  };
  for (const Case& c : cases) {
    check_num(c.actual, json(c.r), c.what);
  }
  // Symmetry and the round trip quantile -> cdf.
  CHECK(stats::t_quantile(0.5, 9) == 0.0);
  for (double df : {1.0, 2.5, 7.0, 40.0}) {
    for (double p : {1e-8, 0.01, 0.3, 0.9, 0.999}) {
      const double t = stats::t_quantile(p, df);
      CHECK(std::fabs(stats::t_cdf(t, df) - p) <= 1e-13 * std::max(p, 1e-3));
      CHECK(stats::t_cdf(-t, df) == Approx(1.0 - p).epsilon(1e-12));
    }
    for (double p : {1e-6, 0.05, 0.5, 0.975}) {
      const double x = stats::chisq_quantile(p, df);
      CHECK(stats::gamma_p(df / 2.0, x / 2.0) == Approx(p).epsilon(1e-12));
    }
  }
  CHECK(std::isnan(stats::normal_quantile(1.5)));
  CHECK(stats::normal_quantile(0.0) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("evidence: escalc on dat.bcg and dat.normand1999", "[evidence]") {
  const json& ref = metafor_ref();
  const json& bcg = ref.at("dat_bcg");
  const struct {
    const char* key;
    EffectMeasure m;
  } binary[] = {{"bcg_RR", EffectMeasure::risk_ratio},
                {"bcg_OR", EffectMeasure::odds_ratio},
                {"bcg_RD", EffectMeasure::risk_difference}};
  for (const auto& b : binary) {
    std::vector<double> yi, vi;
    for (std::size_t i = 0; i < bcg.at("tpos").size(); ++i) {
      const TwoByTwo t{bcg.at("tpos")[i].get<double>(), bcg.at("tneg")[i].get<double>(),
                       bcg.at("cpos")[i].get<double>(), bcg.at("cneg")[i].get<double>()};
      const EffectSize e = binary_effect(b.m, t);
      yi.push_back(e.yi);
      vi.push_back(e.vi);
    }
    check_vec(yi, ref.at("escalc").at(b.key).at("yi"), std::string(b.key) + " yi");
    check_vec(vi, ref.at("escalc").at(b.key).at("vi"), std::string(b.key) + " vi");
  }
  const json& nd = ref.at("dat_normand1999");
  std::vector<double> md_y, md_v, smd_y, smd_v, rm_y, rm_v;
  for (std::size_t i = 0; i < nd.at("n1i").size(); ++i) {
    const ContinuousArms a{nd.at("m1i")[i].get<double>(), nd.at("sd1i")[i].get<double>(),
                           nd.at("n1i")[i].get<double>(), nd.at("m2i")[i].get<double>(),
                           nd.at("sd2i")[i].get<double>(), nd.at("n2i")[i].get<double>()};
    const EffectSize md = continuous_effect(EffectMeasure::mean_difference, a);
    const EffectSize smd = continuous_effect(EffectMeasure::smd, a);
    const EffectSize rm = continuous_effect(EffectMeasure::smd, a, SmdCorrection::revman);
    md_y.push_back(md.yi);
    md_v.push_back(md.vi);
    smd_y.push_back(smd.yi);
    smd_v.push_back(smd.vi);
    rm_y.push_back(rm.yi);
    rm_v.push_back(rm.vi);
  }
  check_vec(md_y, ref.at("escalc").at("normand_MD").at("yi"), "MD yi");
  check_vec(md_v, ref.at("escalc").at("normand_MD").at("vi"), "MD vi");
  check_vec(smd_y, ref.at("escalc").at("normand_SMD").at("yi"), "SMD yi");
  check_vec(smd_v, ref.at("escalc").at("normand_SMD").at("vi"), "SMD vi");
  const json& comp = ref.at("escalc").at("normand_SMD_components");
  check_vec(rm_y, comp.at("hedges_g_approxJ"), "RevMan g");
  check_vec(rm_v, comp.at("var_revman_style"), "RevMan var");
}

TEST_CASE("evidence: zero cells get 1/2 in every cell; bad tables are refused", "[evidence]") {
  const EffectSize rr = binary_effect(EffectMeasure::risk_ratio, {0, 10, 3, 7});
  CHECK(rr.yi == Approx(std::log(0.5 / 11.0) - std::log(3.5 / 11.0)));
  CHECK(rr.vi == Approx(1 / 0.5 - 1 / 11.0 + 1 / 3.5 - 1 / 11.0));
  const EffectSize none = binary_effect(EffectMeasure::odds_ratio, {0, 10, 0, 12});
  CHECK(none.yi == Approx(std::log(0.5 / 10.5) - std::log(0.5 / 12.5)));
  CHECK_THROWS_AS(binary_effect(EffectMeasure::risk_ratio, {-1, 10, 3, 7}), DataError);
  CHECK_THROWS_AS(binary_effect(EffectMeasure::risk_ratio, {0, 0, 3, 7}), DataError);
  CHECK_THROWS_AS(binary_effect(EffectMeasure::smd, {1, 10, 3, 7}), UsageError);
  CHECK_THROWS_AS(continuous_effect(EffectMeasure::smd, {1, 1, 1, 1, 1, 1}), DataError);
  CHECK_THROWS_AS(continuous_effect(EffectMeasure::mean_difference, {1, -1, 10, 1, 1, 10}), DataError);
  CHECK_THROWS_AS(continuous_effect(EffectMeasure::odds_ratio, {1, 1, 10, 1, 1, 10}), UsageError);
}

TEST_CASE("evidence: metafor_ref rma fits (bcg logRR, logOR, RD; normand MD, SMD)", "[evidence]") {
  const json& ref = metafor_ref();
  const struct {
    const char* block;
    const char* escalc;
  } blocks[] = {{"rma_bcg_logRR", "bcg_RR"},
                {"rma_bcg_logOR", "bcg_OR"},
                {"rma_bcg_RD", "bcg_RD"},
                {"rma_normand_MD", "normand_MD"},
                {"rma_normand_SMD", "normand_SMD"}};
  for (const auto& b : blocks) {
    const auto yi = doubles(ref.at("escalc").at(b.escalc).at("yi"));
    const auto vi = doubles(ref.at("escalc").at(b.escalc).at("vi"));
    for (const auto& [name, r] : ref.at(b.block).items()) {
      const MetaFit f = meta_uni(yi, vi, method_named(r.at("method")), test_named(r.at("test")));
      check_ref_fit(f, r, std::string(b.block) + " " + name);
    }
  }
}

TEST_CASE("evidence: metafor_ref Mantel-Haenszel and Peto on dat.bcg", "[evidence]") {
  const json& ref = metafor_ref();
  const json& bcg = ref.at("dat_bcg");
  std::vector<TwoByTwo> tables;
  for (std::size_t i = 0; i < bcg.at("tpos").size(); ++i) {
    tables.push_back({bcg.at("tpos")[i].get<double>(), bcg.at("tneg")[i].get<double>(),
                      bcg.at("cpos")[i].get<double>(), bcg.at("cneg")[i].get<double>()});
  }
  const struct {
    const char* key;
    EffectMeasure m;
    PoolMethod method;
  } fits[] = {{"MH_OR", EffectMeasure::odds_ratio, PoolMethod::mh},
              {"MH_RR", EffectMeasure::risk_ratio, PoolMethod::mh},
              {"MH_RD", EffectMeasure::risk_difference, PoolMethod::mh},
              {"Peto_OR", EffectMeasure::odds_ratio, PoolMethod::peto}};
  for (const auto& c : fits) {
    const json& r = ref.at("mh_bcg").at(c.key);
    const MetaFit f = meta_tables(tables, c.m, c.method);
    const std::string what = c.key;
    check_num(f.estimate, r.at("estimate_log_or_raw"), what + " estimate");
    check_num(f.se, r.at("se"), what + " se");
    check_num(f.ci_lb, r.at("ci_lb"), what + " ci_lb");
    check_num(f.ci_ub, r.at("ci_ub"), what + " ci_ub");
    check_num(f.zval, r.at("zval"), what + " zval");
    check_num(f.pval, r.at("pval"), what + " pval");
    check_num(std::exp(f.estimate), r.at("exp_estimate"), what + " exp_estimate");
    check_num(std::exp(f.ci_lb), r.at("exp_ci_lb"), what + " exp_ci_lb");
    check_num(std::exp(f.ci_ub), r.at("exp_ci_ub"), what + " exp_ci_ub");
    check_num(f.q, r.at("Q"), what + " Q");
    check_num(f.q_pval, r.at("Q_pval"), what + " Q_pval");
    check_num(f.i2, r.at("I2"), what + " I2");
    check_num(f.h2, r.at("H2"), what + " H2");
  }
  CHECK_THROWS_AS(meta_tables(tables, EffectMeasure::risk_ratio, PoolMethod::peto), UsageError);
  CHECK_THROWS_AS(meta_tables(tables, EffectMeasure::smd, PoolMethod::mh), UsageError);
}

TEST_CASE("evidence: metafor_ref Egger and Begg on dat.bcg", "[evidence]") {
  const json& ref = metafor_ref();
  const json& r = ref.at("small_study_tests_bcg_logRR");
  const auto yi = doubles(ref.at("escalc").at("bcg_RR").at("yi"));
  const auto vi = doubles(ref.at("escalc").at("bcg_RR").at("vi"));
  const EggerTest lm = egger_lm(yi, vi);
  const json& l = r.at("egger_classic_lm");
  check_num(lm.zval, l.at("zval_or_tval"), "egger lm t");
  check_num(lm.pval, l.at("pval"), "egger lm p");
  check_num(lm.df, l.at("df"), "egger lm df");
  check_num(lm.limit_estimate, l.at("limit_estimate"), "egger lm limit");
  check_num(lm.limit_ci_lb, l.at("limit_ci_lb"), "egger lm limit ci_lb");
  check_num(lm.limit_ci_ub, l.at("limit_ci_ub"), "egger lm limit ci_ub");
  // Egger 1997 (yi/sei on 1/sei): the intercept test is the same t test.
  const json& e97 = r.at("egger_1997_snd_on_precision");
  check_num(lm.zval, e97.at("t"), "egger 1997 t");
  check_num(lm.pval, e97.at("p"), "egger 1997 p");
  check_num(lm.limit_estimate, e97.at("slope"), "egger 1997 slope");
  const EggerTest rma = egger_rma(yi, vi, PoolMethod::reml, PoolTest::z);
  check_num(rma.zval, r.at("egger_rma_default").at("zval"), "egger rma z");
  check_num(rma.pval, r.at("egger_rma_default").at("pval"), "egger rma p");
  check_num(rma.limit_estimate, r.at("egger_rma_default").at("limit_estimate"), "egger rma limit");
  const RankTest begg = rank_test(yi, vi);
  CHECK(begg.exact);
  check_num(begg.tau, r.at("begg_rank_correlation").at("kendall_tau"), "begg tau");
  check_num(begg.pval, r.at("begg_rank_correlation").at("pval"), "begg p");
}

TEST_CASE("evidence: ref_more fits (every method and measure, zero cells, generic yi/vi)", "[evidence]") {
  const json& ref = ref_more();
  std::size_t n = 0;
  for (const json& r : ref.at("fits")) {
    const std::string what = r.at("dataset").get<std::string>() + " " + r.at("measure").get<std::string>() + " " +
                             r.at("method").get<std::string>() + " " + r.at("test").get<std::string>();
    const MetaOptions o = options_of(r);
    const MetaFit f = fit_dataset(ref.at("datasets").at(r.at("dataset").get<std::string>()), o);
    const bool uni = o.method != PoolMethod::mh && o.method != PoolMethod::peto;
    check_more_fit(f, r, what, uni);
    ++n;
  }
  CHECK(n == ref.at("fits").size());
}

TEST_CASE("evidence: ref_more leave-one-out", "[evidence]") {
  const json& ref = ref_more();
  for (const json& r : ref.at("leave1out")) {
    const std::string what = "leave1out " + r.at("dataset").get<std::string>() + " " +
                             r.at("measure").get<std::string>() + " " + r.at("method").get<std::string>() + " " +
                             r.at("test").get<std::string>();
    const MetaAnalysis a = analyse(table_of(ref.at("datasets").at(r.at("dataset").get<std::string>())), options_of(r));
    std::vector<double> est, se, z, p, lb, ub, q, qp, tau2, i2, h2;
    for (const LeaveOneOut& l : a.leave_one_out) {
      est.push_back(l.estimate);
      se.push_back(l.se);
      z.push_back(l.zval);
      p.push_back(l.pval);
      lb.push_back(l.ci_lb);
      ub.push_back(l.ci_ub);
      q.push_back(l.q);
      qp.push_back(l.q_pval);
      tau2.push_back(l.tau2);
      i2.push_back(l.i2);
      h2.push_back(l.h2);
    }
    check_vec(est, r.at("estimate"), what + " estimate");
    check_vec(se, r.at("se"), what + " se");
    check_vec(z, r.at("zval"), what + " zval");
    check_vec(p, r.at("pval"), what + " pval");
    check_vec(lb, r.at("ci_lb"), what + " ci_lb");
    check_vec(ub, r.at("ci_ub"), what + " ci_ub");
    check_vec(q, r.at("Q"), what + " Q");
    check_vec(qp, r.at("Q_pval"), what + " Q_pval");
    check_vec(tau2, r.at("tau2"), what + " tau2");
    check_vec(i2, r.at("I2"), what + " I2");
    check_vec(h2, r.at("H2"), what + " H2");
  }
}

TEST_CASE("evidence: ref_more subgroups and the test for subgroup differences", "[evidence]") {
  const json& ref = ref_more();
  for (const json& r : ref.at("subgroups")) {
    const std::string ds = r.at("dataset");
    const std::string what = "subgroups " + ds + " " + r.at("measure").get<std::string>() + " " +
                             r.at("method").get<std::string>() + " " + r.at("test").get<std::string>();
    const std::string column = ds == "bcg" ? "alloc" : "controls";
    MetaOptions o = options_of(r);
    o.by = column;
    const MetaAnalysis a = analyse(table_of(ref.at("datasets").at(ds), column), o);
    REQUIRE(a.subgroups.size() == r.at("groups").size());
    const bool uni = o.method != PoolMethod::mh && o.method != PoolMethod::peto;
    for (std::size_t g = 0; g < a.subgroups.size(); ++g) {
      const json& rg = r.at("groups")[g];
      CHECK(a.subgroups[g].name == rg.at("name").get<std::string>());
      check_more_fit(a.subgroups[g].fit, rg, what + " " + a.subgroups[g].name, uni);
    }
    REQUIRE(a.subgroup_test);
    check_num(a.subgroup_test->q, r.at("Q_between"), what + " Q_between");
    CHECK(a.subgroup_test->df == r.at("df").get<std::size_t>());
    check_num(a.subgroup_test->pval, r.at("pval"), what + " p_between");
  }
}

TEST_CASE("evidence: ref_more Egger (lm and rma) and Begg, with and without ties", "[evidence]") {
  const json& ref = ref_more();
  for (std::size_t i = 0; i < ref.at("regtest").size(); ++i) {
    const json& r = ref.at("regtest")[i];
    const std::string what = "regtest " + r.at("dataset").get<std::string>() + " " +
                             r.at("measure").get<std::string>() + " " + r.at("method").get<std::string>() + " " +
                             r.at("test").get<std::string>();
    const MetaOptions o = options_of(r);
    const MetaFit f = fit_dataset(ref.at("datasets").at(r.at("dataset").get<std::string>()), o);
    const auto yi = yi_of(f);
    const auto vi = vi_of(f);
    const EggerTest lm = egger_lm(yi, vi);
    const EggerTest rma = egger_rma(yi, vi, o.method, o.test);
    for (const auto& [name, t] : {std::pair{"lm", lm}, std::pair{"rma", rma}}) {
      const json& e = r.at(name);
      check_num(t.zval, e.at("zval"), what + " " + name + " z");
      check_num(t.pval, e.at("pval"), what + " " + name + " p");
      check_num(t.df, e.at("df"), what + " " + name + " df");
      check_num(t.limit_estimate, e.at("est"), what + " " + name + " limit");
      check_num(t.limit_ci_lb, e.at("ci_lb"), what + " " + name + " limit ci_lb");
      check_num(t.limit_ci_ub, e.at("ci_ub"), what + " " + name + " limit ci_ub");
    }
    const json& rk = ref.at("ranktest")[i];
    const RankTest begg = rank_test(yi, vi);
    CHECK(begg.exact == !rk.at("ties").get<bool>());
    check_num(begg.tau, rk.at("tau"), what + " Begg tau");
    check_num(begg.pval, rk.at("pval"), what + " Begg p");
  }
}

TEST_CASE("evidence: analyse warns about small-study tests below 10 studies", "[evidence]") {
  const json& ds = ref_more().at("datasets").at("normand");
  MetaOptions o;
  o.measure = EffectMeasure::smd;
  o.method = PoolMethod::reml;
  const MetaAnalysis a = analyse(table_of(ds), o);
  REQUIRE(a.egger);
  REQUIRE(a.begg);
  REQUIRE(a.warnings.size() == 1);
  CHECK_THAT(a.warnings[0], Catch::Contains("fewer than 10 studies"));
  o.method = PoolMethod::mh;
  CHECK_THROWS_AS(analyse(table_of(ds), o), UsageError);
  o.method = PoolMethod::reml;
  o.measure = EffectMeasure::risk_ratio;
  CHECK_THROWS_AS(analyse(table_of(ds), o), UsageError);
  o.measure = EffectMeasure::smd;
  o.by = "nope";
  CHECK_THROWS_AS(analyse(table_of(ds), o), UsageError);
}

TEST_CASE("evidence: reading outcome CSV files", "[evidence]") {
  litrev::test::TempDir dir;
  SECTION("counts, with quoting, extra columns and blank lines") {
    const std::string path = write_csv(dir, "ok.csv",
                                       "study,ai,bi,ci,di,substance\r\n"
                                       "\"Smith, 2001\",4,119,11,128,alcohol\r\n"
                                       "\r\n"
                                       "Jones 2003, 6 ,300,29,274,opioid\r\n");
    const OutcomeTable t = read_outcome_csv(path);
    CHECK(t.kind == OutcomeKind::binary);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].study == "Smith, 2001");
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[1].line == 4);
    CHECK(t.rows[1].counts.ai == 6);
    CHECK(t.rows[1].counts.di == 274);
    REQUIRE(t.column("substance"));
    CHECK(t.rows[1].fields[*t.column("substance")] == "opioid");
  }
  SECTION("events and arm sizes (ai n1i ci n2i)") {
    const OutcomeTable t = read_outcome_csv(write_csv(dir, "n.csv", "study;ai;n1i;ci;n2i\nA;3;10;5;12\n"));
    CHECK(t.kind == OutcomeKind::binary);
    CHECK(t.rows[0].counts.bi == 7);
    CHECK(t.rows[0].counts.di == 7);
  }
  SECTION("means and generic effect sizes") {
    const OutcomeTable c = read_outcome_csv(
        write_csv(dir, "c.csv", "m1i,sd1i,n1i,m2i,sd2i,n2i\n55,47,155,75,64,156\n27,7,31,29,4,32\n"));
    CHECK(c.kind == OutcomeKind::continuous);
    CHECK(c.rows[1].study == "row 2");
    CHECK(c.rows[1].arms.sd2i == 4);
    const OutcomeTable g = read_outcome_csv(write_csv(dir, "g.csv", "study\tyi\tvi\nA\t-0.5\t0.04\n"));
    CHECK(g.kind == OutcomeKind::generic);
    CHECK(g.rows[0].given.yi == -0.5);
  }
  SECTION("bad input names the file, the line and the column") {
    const std::string missing = write_csv(dir, "missing.csv", "study,ai,bi,ci\nA,1,2,3\n");
    CHECK_THAT(read_error(missing), Catch::Contains(missing + ":1: the header"));
    const std::string nan = write_csv(dir, "nan.csv", "study,ai,bi,ci,di\nA,1,2,3,4\nB,1,x2,3,4\n");
    CHECK_THAT(read_error(nan), Catch::Contains(nan + ":3: column bi: not a number: \"x2\""));
    const std::string neg = write_csv(dir, "neg.csv", "study,ai,bi,ci,di\nA,1,2,-3,4\n");
    CHECK_THAT(read_error(neg), Catch::Contains(neg + ":2: column ci: negative count"));
    const std::string empty_cell = write_csv(dir, "empty.csv", "study,yi,vi\nA,0.1,\n");
    CHECK_THAT(read_error(empty_cell), Catch::Contains(empty_cell + ":2: column vi: empty cell"));
    const std::string cells = write_csv(dir, "cells.csv", "study,yi,vi\nA,0.1,0.2,9\n");
    CHECK_THAT(read_error(cells), Catch::Contains(cells + ":2: the row has 4 cells but the header has 3"));
    const std::string too_many = write_csv(dir, "many.csv", "ai,n1i,ci,n2i\n11,10,1,5\n");
    CHECK_THAT(read_error(too_many), Catch::Contains(too_many + ":2: column ai: more events"));
    const std::string sd = write_csv(dir, "sd.csv", "m1i,sd1i,n1i,m2i,sd2i,n2i\n1,-1,10,1,1,10\n");
    CHECK_THAT(read_error(sd), Catch::Contains(sd + ":2: column sd1i: negative standard deviation"));
    const std::string header_only = write_csv(dir, "h.csv", "yi,vi\n");
    CHECK_THAT(read_error(header_only), Catch::Contains("no studies"));
    CHECK_THAT(read_error(write_csv(dir, "blank.csv", "\n\n")), Catch::Contains("the file is empty"));
    CHECK_THAT(read_error(dir / "nonexistent.csv"), Catch::Contains("no such file"));
  }
  SECTION("an effect size that cannot be computed names the row") {
    const std::string path = write_csv(dir, "smd.csv", "study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,0,2,1,0,2\n");
    MetaOptions o;
    o.measure = EffectMeasure::smd;
    try {
      analyse(read_outcome_csv(path), o);
      FAIL("expected a DataError");
    } catch (const DataError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains(path + ":2: study A:"));
    }
  }
}

TEST_CASE("evidence: a study alone and names of measures and methods", "[evidence]") {
  const MetaFit one = meta_uni({0.3}, {0.04}, PoolMethod::reml, PoolTest::knha);
  CHECK(one.test == PoolTest::z); // as metafor: k = 1 forces a z test
  CHECK(one.tau2 == 0);
  CHECK(one.estimate == Approx(0.3));
  CHECK(one.q == 0);
  CHECK(one.q_pval == 1);
  CHECK(effect_measure_from_name("smd") == EffectMeasure::smd);
  CHECK(!effect_measure_from_name("HR"));
  CHECK(pool_method_from_name("peto") == PoolMethod::peto);
  CHECK(std::string(pool_method_name(PoolMethod::reml)) == "REML");
  CHECK(pool_test_from_name("knha") == PoolTest::knha);
  CHECK_THROWS_AS(meta_uni({0.1, 0.2}, {0.1, -0.1}, PoolMethod::dl), DataError);
  CHECK_THROWS_AS(meta_uni({0.1, 0.2}, {0.1, 0.1}, PoolMethod::mh), UsageError);
}

TEST_CASE("evidence: every reference number compared (summary)", "[evidence]") {
  // Runs last (Catch2 runs test cases in declaration order by default): the
  // count and the worst relative error over the reference comparisons.
  WARN("evidence: " << tally().compared << " metafor numbers compared; worst relative error " << tally().worst
                    << " (" << tally().worst_what << ")");
  CHECK(tally().worst <= k_rel_tol);
}
