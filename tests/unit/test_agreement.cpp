// Agreement statistics: Cohen's kappa (plain and quadratic-weighted, with the
// Fleiss-Cohen-Everitt variance), PABAK, Gwet's AC1 and Fleiss' kappa, against
// R psych 2.2.9 (shared fixture), tests/unit/data/agreement/agreement_ref.json
// (see PROVENANCE.md there), published worked examples, and an independent
// computation from raw rating lists.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/agreement.hpp>

#include "testutil.hpp"

namespace {

using litrev::AgreementTable;
using litrev::cohen_kappa;
using litrev::fleiss_kappa;
using nlohmann::json;

constexpr double k_tol = 1e-9;
constexpr double k_z975 = 1.959963984540054;

json load(const std::string& path) {
  const std::string text = litrev::test::read_text(path);
  REQUIRE_FALSE(text.empty());
  return json::parse(text);
}

json agreement_ref() { return load(std::string(LITREV_SOURCE_DIR) + "/tests/unit/data/agreement/agreement_ref.json"); }

AgreementTable to_table(const json& rows) {
  AgreementTable t;
  for (const auto& r : rows) {
    std::vector<std::uint64_t> row;
    for (const auto& c : r) {
      row.push_back(static_cast<std::uint64_t>(c.get<double>()));
    }
    t.push_back(row);
  }
  return t;
}

// One item per entry: what rater A and rater B said.
struct Pair {
  std::size_t a;
  std::size_t b;
};

std::vector<Pair> expand(const AgreementTable& t) {
  std::vector<Pair> items;
  for (std::size_t i = 0; i < t.size(); ++i) {
    for (std::size_t j = 0; j < t.size(); ++j) {
      for (std::uint64_t c = 0; c < t[i][j]; ++c) {
        items.push_back({i, j});
      }
    }
  }
  return items;
}

// Cohen's kappa from the raw items, chance agreement as the share of agreeing
// (A-item, B-item) pairs over all n^2 pairings: no margins, no table.
double kappa_from_items(const std::vector<Pair>& items) {
  double agree = 0;
  double chance = 0;
  for (const auto& x : items) {
    agree += x.a == x.b ? 1 : 0;
    for (const auto& y : items) {
      chance += x.a == y.b ? 1 : 0;
    }
  }
  const double n = static_cast<double>(items.size());
  const double po = agree / n;
  const double pe = chance / (n * n);
  return (po - pe) / (1 - pe);
}

// Gwet's AC1 from the raw items: pi_q is the share of all 2n ratings in q.
double ac1_from_items(const std::vector<Pair>& items, std::size_t k) {
  std::vector<double> share(k, 0.0);
  double agree = 0;
  for (const auto& x : items) {
    share[x.a] += 1;
    share[x.b] += 1;
    agree += x.a == x.b ? 1 : 0;
  }
  const double n = static_cast<double>(items.size());
  double pe = 0;
  for (auto& s : share) {
    s /= 2 * n;
    pe += s * (1 - s);
  }
  pe /= static_cast<double>(k - 1);
  return (agree / n - pe) / (1 - pe);
}

// Fleiss' kappa from per-subject rating lists: P_i counts agreeing rater pairs.
double fleiss_from_ratings(const std::vector<std::vector<int>>& subjects) {
  std::map<int, double> share;
  double p_bar = 0;
  double total = 0;
  for (const auto& r : subjects) {
    double pairs = 0;
    double agree = 0;
    for (std::size_t x = 0; x < r.size(); ++x) {
      share[r[x]] += 1;
      total += 1;
      for (std::size_t y = x + 1; y < r.size(); ++y) {
        pairs += 1;
        agree += r[x] == r[y] ? 1 : 0;
      }
    }
    p_bar += agree / pairs;
  }
  p_bar /= static_cast<double>(subjects.size());
  double pe = 0;
  for (const auto& [category, count] : share) {
    pe += (count / total) * (count / total);
  }
  return (p_bar - pe) / (1 - pe);
}

std::vector<std::vector<std::uint64_t>> counts_of(const std::vector<std::vector<int>>& subjects, int k) {
  std::vector<std::vector<std::uint64_t>> counts;
  for (const auto& r : subjects) {
    std::vector<std::uint64_t> row(static_cast<std::size_t>(k), 0);
    for (const int c : r) {
      ++row[static_cast<std::size_t>(c - 1)];
    }
    counts.push_back(row);
  }
  return counts;
}

// Fleiss (1971): 30 patients, each diagnosed by 6 psychiatrists (1 depression,
// 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); the data
// R's irr package ships as `diagnoses`.
const std::vector<std::vector<int>> k_diagnoses = {
    {4, 4, 4, 4, 4, 4}, {2, 2, 2, 5, 5, 5}, {2, 3, 3, 3, 3, 5}, {5, 5, 5, 5, 5, 5}, {2, 2, 2, 4, 4, 4},
    {1, 1, 3, 3, 3, 3}, {3, 3, 3, 3, 5, 5}, {1, 1, 3, 3, 3, 4}, {1, 1, 4, 4, 4, 4}, {5, 5, 5, 5, 5, 5},
    {1, 4, 4, 4, 4, 4}, {1, 2, 4, 4, 4, 4}, {2, 2, 2, 3, 3, 3}, {1, 4, 4, 4, 4, 4}, {2, 2, 4, 4, 4, 5},
    {3, 3, 3, 3, 3, 5}, {1, 1, 1, 4, 5, 5}, {1, 1, 1, 1, 1, 2}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 5, 5, 5},
    {5, 5, 5, 5, 5, 5}, {2, 4, 4, 4, 4, 4}, {2, 2, 4, 5, 5, 5}, {1, 1, 4, 4, 4, 4}, {1, 4, 4, 4, 4, 5},
    {2, 2, 2, 2, 2, 4}, {1, 1, 1, 1, 5, 5}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 3, 3, 3}, {5, 5, 5, 5, 5, 5}};

} // namespace

TEST_CASE("agreement: Cohen kappa of the screening 2x2 matches R psych", "[agreement]") {
  const json ref = load(litrev::test::fixture("metafor/metafor_ref.json"))["cohen_kappa_screening"];
  const auto r = cohen_kappa(to_table(ref["table_rows_reviewerA_cols_reviewerB_order_Include_Exclude"]));
  CHECK_FALSE(r.undefined);
  CHECK(r.n == 100);
  CHECK(r.p_observed == Approx(ref["p_observed"].get<double>()).margin(k_tol));
  CHECK(r.p_expected == Approx(ref["p_expected"].get<double>()).margin(k_tol));
  CHECK(r.kappa == Approx(ref["kappa"].get<double>()).margin(k_tol));
  CHECK(r.var_kappa == Approx(ref["var_kappa"].get<double>()).margin(k_tol));
  CHECK(r.ci_lb == Approx(ref["kappa_ci95"][0].get<double>()).margin(k_tol));
  CHECK(r.ci_ub == Approx(ref["kappa_ci95"][1].get<double>()).margin(k_tol));
  CHECK(r.weighted_kappa == Approx(ref["weighted_kappa"].get<double>()).margin(k_tol));
  CHECK(r.var_weighted_kappa == Approx(ref["var_weighted_kappa"].get<double>()).margin(k_tol));
  CHECK(r.weighted_ci_lb == Approx(ref["weighted_kappa_ci95"][0].get<double>()).margin(k_tol));
  CHECK(r.weighted_ci_ub == Approx(ref["weighted_kappa_ci95"][1].get<double>()).margin(k_tol));
}

TEST_CASE("agreement: 3-category weighted kappa variance is the correct FCE one and not psych 0",
          "[agreement]") {
  const json ref = load(litrev::test::fixture("metafor/metafor_ref.json"))["cohen_kappa_3cat"];
  const auto r = cohen_kappa(to_table(ref["table_rows_A_cols_B_order_Include_Maybe_Exclude"]));
  CHECK(r.kappa == Approx(ref["kappa"].get<double>()).margin(k_tol));
  CHECK(r.var_kappa == Approx(ref["var_kappa"].get<double>()).margin(k_tol));
  CHECK(r.ci_lb == Approx(ref["kappa_ci95"][0].get<double>()).margin(k_tol));
  CHECK(r.ci_ub == Approx(ref["kappa_ci95"][1].get<double>()).margin(k_tol));
  const json& fce = ref["fce_independent"];
  CHECK(r.weighted_kappa == Approx(fce["weighted_kappa_quadratic"].get<double>()).margin(k_tol));
  CHECK(r.var_weighted_kappa == Approx(fce["var_weighted_kappa"].get<double>()).margin(k_tol));
  CHECK(r.weighted_ci_lb == Approx(fce["weighted_kappa_ci95"][0].get<double>()).margin(k_tol));
  CHECK(r.weighted_ci_ub == Approx(fce["weighted_kappa_ci95"][1].get<double>()).margin(k_tol));
  // psych's buggy figure is 0; ours must not be.
  CHECK(ref["var_weighted_kappa"].get<double>() == 0);
  CHECK(r.var_weighted_kappa > 0.002);
}

TEST_CASE("agreement: every Cohen case matches agreement_ref.json", "[agreement]") {
  const json ref = agreement_ref();
  REQUIRE(ref["cohen"].size() >= 6);
  for (const auto& c : ref["cohen"]) {
    INFO(c["name"].get<std::string>());
    const auto r = cohen_kappa(to_table(c["table"]));
    CHECK_FALSE(r.undefined);
    CHECK(r.n == c["n"].get<std::uint64_t>());
    CHECK(r.p_observed == Approx(c["p_observed"].get<double>()).margin(k_tol));
    CHECK(r.p_expected == Approx(c["p_expected"].get<double>()).margin(k_tol));
    CHECK(r.kappa == Approx(c["kappa"].get<double>()).margin(k_tol));
    CHECK(r.var_kappa == Approx(c["var_kappa"].get<double>()).margin(k_tol));
    CHECK(r.ci_lb == Approx(c["ci"][0].get<double>()).margin(k_tol));
    CHECK(r.ci_ub == Approx(c["ci"][1].get<double>()).margin(k_tol));
    CHECK(r.weighted_kappa == Approx(c["weighted_kappa"].get<double>()).margin(k_tol));
    CHECK(r.var_weighted_kappa == Approx(c["var_weighted_kappa"].get<double>()).margin(k_tol));
    CHECK(r.weighted_ci_lb == Approx(c["weighted_ci"][0].get<double>()).margin(k_tol));
    CHECK(r.weighted_ci_ub == Approx(c["weighted_ci"][1].get<double>()).margin(k_tol));
    CHECK(r.pabak == Approx(c["pabak"].get<double>()).margin(k_tol));
    CHECK(r.ac1 == Approx(c["ac1"].get<double>()).margin(k_tol));
  }
}

TEST_CASE("agreement: Cohen kappa and AC1 agree with a computation from raw rating lists",
          "[agreement]") {
  const json ref = agreement_ref();
  for (const auto& c : ref["cohen"]) {
    INFO(c["name"].get<std::string>());
    const AgreementTable t = to_table(c["table"]);
    const auto items = expand(t);
    const auto r = cohen_kappa(t);
    CHECK(r.kappa == Approx(kappa_from_items(items)).margin(k_tol));
    CHECK(r.ac1 == Approx(ac1_from_items(items, t.size())).margin(k_tol));
  }
}

TEST_CASE("agreement: Cohen figures match published worked examples", "[agreement]") {
  SECTION("SAS PROC FREQ 3x3 example (kappa 0.4842, ASE 0.1380, CI 0.2137 to 0.7547)") {
    const auto r = cohen_kappa({{0, 4, 1}, {0, 8, 0}, {0, 1, 5}});
    CHECK(r.kappa == Approx(0.4842).margin(5e-5));
    CHECK(std::sqrt(r.var_kappa) == Approx(0.1380).margin(5e-5));
    CHECK(r.ci_lb == Approx(0.2137).margin(5e-5));
    CHECK(r.ci_ub == Approx(0.7547).margin(5e-5));
  }
  SECTION("Feinstein and Cicchetti (1990): po 0.85 in both tables, kappa 0.70 and 0.32") {
    const auto a = cohen_kappa({{40, 9}, {6, 45}});
    const auto b = cohen_kappa({{80, 10}, {5, 5}});
    CHECK(a.p_observed == Approx(0.85).margin(k_tol));
    CHECK(b.p_observed == Approx(0.85).margin(k_tol));
    CHECK(a.kappa == Approx(0.70).margin(5e-3));
    CHECK(b.kappa == Approx(0.32).margin(5e-3));
    // PABAK ignores the prevalence imbalance; AC1 rises with it.
    CHECK(a.pabak == Approx(0.7).margin(k_tol));
    CHECK(b.pabak == Approx(0.7).margin(k_tol));
    CHECK(b.ac1 > a.ac1);
  }
  SECTION("Gwet's AC1 for a 2x2 table in closed form") {
    // pi = (p1. + p.1)/2 = (0.25 + 0.30)/2 = 0.275; pe = 2 pi (1 - pi) = 0.39875;
    // AC1 = (0.85 - 0.39875) / (1 - 0.39875) = 0.45125 / 0.60125 = 361/481.
    const auto r = cohen_kappa({{20, 5}, {10, 65}});
    CHECK(r.ac1 == Approx(361.0 / 481.0).margin(k_tol));
    CHECK(r.pabak == Approx(0.7).margin(k_tol));
  }
}

TEST_CASE("agreement: Cohen edge cases", "[agreement]") {
  SECTION("perfect agreement gives kappa 1 with variance 0") {
    const auto r = cohen_kappa({{7, 0, 0}, {0, 5, 0}, {0, 0, 9}});
    CHECK_FALSE(r.undefined);
    CHECK(r.kappa == Approx(1).margin(k_tol));
    CHECK(r.var_kappa == Approx(0).margin(k_tol));
    CHECK(r.ci_lb == Approx(1).margin(k_tol));
    CHECK(r.ci_ub == Approx(1).margin(k_tol));
    CHECK(r.weighted_kappa == Approx(1).margin(k_tol));
    CHECK(r.var_weighted_kappa == Approx(0).margin(k_tol));
    CHECK(r.pabak == Approx(1).margin(k_tol));
    CHECK(r.ac1 == Approx(1).margin(k_tol));
  }
  SECTION("both raters using one category leaves kappa undefined") {
    const auto r = cohen_kappa({{0, 0}, {0, 12}});
    CHECK(r.undefined);
    CHECK(r.n == 12);
    CHECK(std::isnan(r.kappa));
    CHECK(std::isnan(r.var_kappa));
    CHECK(std::isnan(r.ci_lb));
    CHECK(std::isnan(r.ci_ub));
    CHECK(std::isnan(r.weighted_kappa));
    CHECK(std::isnan(r.var_weighted_kappa));
    CHECK(std::isnan(r.weighted_ci_lb));
    CHECK(std::isnan(r.weighted_ci_ub));
    CHECK(r.p_observed == 1);
    CHECK(r.p_expected == Approx(1).margin(k_tol));
    CHECK(r.pabak == Approx(1).margin(k_tol));
    CHECK(r.ac1 == Approx(1).margin(k_tol));
  }
  SECTION("an empty table is undefined throughout") {
    const auto r = cohen_kappa({{0, 0, 0}, {0, 0, 0}, {0, 0, 0}});
    CHECK(r.undefined);
    CHECK(r.n == 0);
    CHECK(std::isnan(r.p_observed));
    CHECK(std::isnan(r.kappa));
    CHECK(std::isnan(r.pabak));
    CHECK(std::isnan(r.ac1));
  }
  SECTION("a table that is not square, or smaller than 2x2, throws") {
    CHECK_THROWS_AS(cohen_kappa({{1, 2, 3}, {4, 5, 6}}), std::invalid_argument);
    CHECK_THROWS_AS(cohen_kappa({{1, 2}, {3}}), std::invalid_argument);
    CHECK_THROWS_AS(cohen_kappa({{1, 2}, {3, 4}, {5, 6}}), std::invalid_argument);
    CHECK_THROWS_AS(cohen_kappa({{5}}), std::invalid_argument);
    CHECK_THROWS_AS(cohen_kappa({}), std::invalid_argument);
  }
  SECTION("for two categories the weighted figures equal the unweighted ones") {
    for (const AgreementTable& t : {AgreementTable{{20, 5}, {10, 65}}, AgreementTable{{3, 9}, {1, 0}},
                                    AgreementTable{{80, 10}, {5, 5}}}) {
      const auto r = cohen_kappa(t);
      CHECK(r.weighted_kappa == Approx(r.kappa).margin(1e-15));
      CHECK(r.var_weighted_kappa == Approx(r.var_kappa).margin(1e-15));
      CHECK(r.weighted_ci_lb == Approx(r.ci_lb).margin(1e-15));
      CHECK(r.weighted_ci_ub == Approx(r.ci_ub).margin(1e-15));
      CHECK(r.ci_ub - r.kappa == Approx(k_z975 * std::sqrt(r.var_kappa)).margin(1e-15));
    }
  }
  SECTION("kappa below chance is negative, and transposing the table changes nothing") {
    const auto r = cohen_kappa({{1, 9}, {8, 2}});
    const auto t = cohen_kappa({{1, 8}, {9, 2}});
    CHECK(r.kappa < 0);
    CHECK(t.kappa == Approx(r.kappa).margin(1e-15));
    CHECK(t.var_kappa == Approx(r.var_kappa).margin(1e-15));
  }
}

TEST_CASE("agreement: every Fleiss case matches agreement_ref.json", "[agreement]") {
  const json ref = agreement_ref();
  REQUIRE(ref["fleiss"].size() >= 3);
  for (const auto& c : ref["fleiss"]) {
    INFO(c["name"].get<std::string>());
    const auto r = fleiss_kappa(to_table(c["counts"]));
    CHECK_FALSE(r.undefined);
    CHECK(r.subjects == c["subjects"].get<std::uint64_t>());
    CHECK(r.raters == c["raters"].get<std::uint64_t>());
    CHECK(r.p_observed == Approx(c["p_observed"].get<double>()).margin(k_tol));
    CHECK(r.p_expected == Approx(c["p_expected"].get<double>()).margin(k_tol));
    CHECK(r.kappa == Approx(c["kappa"].get<double>()).margin(k_tol));
    CHECK(r.se0 == Approx(c["se0"].get<double>()).margin(k_tol));
    CHECK(r.z == Approx(c["z"].get<double>()).margin(k_tol));
    CHECK(r.p_value == Approx(c["p_value"].get<double>()).margin(k_tol));
  }
}

TEST_CASE("agreement: Fleiss kappa matches published worked examples", "[agreement]") {
  SECTION("Fleiss (1971) diagnoses: irr gives kappa 0.4302445, z 17.65183") {
    const auto r = fleiss_kappa(counts_of(k_diagnoses, 5));
    CHECK(r.subjects == 30);
    CHECK(r.raters == 6);
    CHECK(r.kappa == Approx(0.4302445).margin(5e-8));
    CHECK(r.z == Approx(17.65183).margin(5e-6));
    CHECK(r.p_value < 1e-60);
    CHECK(r.p_value > 0);
    CHECK(r.kappa == Approx(fleiss_from_ratings(k_diagnoses)).margin(k_tol));
  }
  SECTION("Wikipedia's 10 subjects x 14 raters: P-bar 0.378, Pe 0.213, kappa 0.210") {
    const auto r = fleiss_kappa({{0, 0, 0, 0, 14},
                                 {0, 2, 6, 4, 2},
                                 {0, 0, 3, 5, 6},
                                 {0, 3, 9, 2, 0},
                                 {2, 2, 8, 1, 1},
                                 {7, 7, 0, 0, 0},
                                 {3, 2, 6, 3, 0},
                                 {2, 5, 3, 2, 2},
                                 {6, 5, 2, 1, 0},
                                 {0, 2, 2, 3, 7}});
    CHECK(r.p_observed == Approx(0.378).margin(5e-4));
    CHECK(r.p_expected == Approx(0.213).margin(5e-4));
    CHECK(r.kappa == Approx(0.210).margin(5e-4));
  }
  SECTION("two raters: Fleiss' kappa is Scott's pi of the pooled margins") {
    // Items rated (A, B): 6x (1,1), 2x (1,2), 1x (2,1), 3x (2,2).
    const std::vector<std::vector<int>> ratings = {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1},
                                                   {1, 2}, {1, 2}, {2, 1}, {2, 2}, {2, 2}, {2, 2}};
    const auto r = fleiss_kappa(counts_of(ratings, 2));
    // po = 9/12; pooled shares 15/24 and 9/24; pe = (225 + 81)/576; pi = (po - pe)/(1 - pe).
    const double pe = (225.0 + 81.0) / 576.0;
    CHECK(r.kappa == Approx((0.75 - pe) / (1 - pe)).margin(k_tol));
    CHECK(r.kappa == Approx(fleiss_from_ratings(ratings)).margin(k_tol));
  }
}

TEST_CASE("agreement: Fleiss edge cases", "[agreement]") {
  SECTION("perfect agreement gives kappa 1") {
    const auto r = fleiss_kappa({{3, 0, 0}, {0, 3, 0}, {0, 0, 3}, {3, 0, 0}});
    CHECK_FALSE(r.undefined);
    CHECK(r.p_observed == Approx(1).margin(k_tol));
    CHECK(r.kappa == Approx(1).margin(k_tol));
    CHECK(r.z > 0);
  }
  SECTION("every rating in one category leaves kappa undefined") {
    const auto r = fleiss_kappa({{4, 0}, {4, 0}, {4, 0}});
    CHECK(r.undefined);
    CHECK(r.subjects == 3);
    CHECK(r.raters == 4);
    CHECK(r.p_expected == Approx(1).margin(k_tol));
    CHECK(std::isnan(r.kappa));
    CHECK(std::isnan(r.se0));
    CHECK(std::isnan(r.z));
    CHECK(std::isnan(r.p_value));
  }
  SECTION("no subjects is undefined, not an error") {
    const auto r = fleiss_kappa({});
    CHECK(r.undefined);
    CHECK(r.subjects == 0);
    CHECK(std::isnan(r.kappa));
  }
  SECTION("ragged rows, too few ratings, unequal raters or one category throw") {
    CHECK_THROWS_AS(fleiss_kappa({{2, 1, 0}, {3, 0}}), std::invalid_argument);
    CHECK_THROWS_AS(fleiss_kappa({{1, 0}, {0, 1}}), std::invalid_argument);
    CHECK_THROWS_AS(fleiss_kappa({{2, 1}, {1, 1}}), std::invalid_argument);
    CHECK_THROWS_AS(fleiss_kappa({{3}, {3}}), std::invalid_argument);
  }
}

TEST_CASE("agreement: perfect agreement gives kappa 1 exactly", "[agreement]") {
  // 1/6 + 4/6 + 1/6 sums to 0.9999999999999999 in doubles; litrev sums the
  // counts first, so po, kappa and weighted kappa are exactly 1.
  const litrev::KappaResult k = litrev::cohen_kappa({{1, 0, 0}, {0, 4, 0}, {0, 0, 1}});
  CHECK(k.p_observed == 1.0);
  CHECK(k.kappa == 1.0);
  CHECK(k.weighted_kappa == 1.0);
  CHECK(k.pabak == 1.0);
}
