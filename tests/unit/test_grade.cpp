// Unit tests of the GRADE suggestions (litrev/grade.hpp), rule by rule: each
// domain's rule is driven by a table of hand-made analyses on either side of
// its thresholds, then one worked example runs on dat.bcg.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <litrev/error.hpp>
#include <litrev/evidence.hpp>
#include <litrev/grade.hpp>

using namespace litrev;

namespace {

// A risk-ratio analysis of `k` studies of equal weight whose CIs overlap,
// pooled at RR 0.70 (0.60 to 0.80), no heterogeneity, no prediction
// interval: nothing to rate down but what a test changes.
MetaAnalysis clean_analysis(std::size_t k = 5) {
  MetaAnalysis a;
  MetaFit& f = a.overall;
  f.measure = EffectMeasure::risk_ratio;
  f.method = PoolMethod::fe;
  f.k = k;
  f.estimate = std::log(0.7);
  f.ci_lb = std::log(0.6);
  f.ci_ub = std::log(0.8);
  f.i2 = 0;
  f.q_pval = 0.9;
  for (std::size_t i = 0; i < k; ++i) {
    f.studies.push_back({"S" + std::to_string(i + 1), std::log(0.7), 0.04, 100.0 / static_cast<double>(k)});
  }
  return a;
}

GradeInput clean_input(std::size_t k = 5) {
  GradeInput in;
  in.analysis = clean_analysis(k);
  in.rob.assign(k, "low");
  in.participants = 5000;
  in.control_risk = 0.2;
  return in;
}

// A copy: the suggestion it comes from is often a temporary.
DomainSuggestion domain(const GradeSuggestion& g, GradeDomain d) {
  for (const DomainSuggestion& s : g.domains) {
    if (s.domain == d) {
      return s;
    }
  }
  FAIL("no domain " << grade_domain_name(d));
  return g.domains.front();
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

} // namespace

TEST_CASE("grade: the starting level follows the design", "[grade]") {
  GradeInput in = clean_input();
  CHECK(suggest_grade(in).start == Certainty::high);
  CHECK(suggest_grade(in).certainty == Certainty::high);
  in.design = GradeDesign::non_randomised;
  CHECK(suggest_grade(in).start == Certainty::low);
  in.robins_i = true;
  const GradeSuggestion g = suggest_grade(in);
  CHECK(g.start == Certainty::high);
  CHECK(contains(g.start_reason, "ROBINS-I"));
  CHECK(g.domains.size() == 5);
}

TEST_CASE("grade: risk of bias from judgements weighted by the analysis weights", "[grade]") {
  struct Case {
    std::vector<std::string> levels; // for weights 60, 30, 10
    int rate_down;
    bool judgement;
  };
  const std::vector<Case> cases = {
      {{"low", "low", "low"}, 0, false},
      {{"high", "low", "low"}, 1, false},                       // 60% high
      {{"low", "high", "high"}, 0, false},                      // 40% high
      {{"low", "some_concerns", "high"}, 0, false},             // 40% some concerns or worse
      {{"some_concerns", "low", "low"}, 1, false},              // 60% some concerns
      {{"moderate", "low", "low"}, 1, false},                   // ROBINS-I moderate counts as concerns
      {{"serious", "low", "low"}, 1, false},
      {{"critical", "serious", "low"}, 2, false},               // 60% critical
      {{"serious", "critical", "critical"}, 1, false},          // 40% critical, 100% serious or worse
      {{"low", "no_information", "low"}, 0, true},
      {{}, 0, true},
  };
  for (const Case& c : cases) {
    GradeInput in = clean_input(3);
    in.analysis.overall.studies[0].weight = 60;
    in.analysis.overall.studies[1].weight = 30;
    in.analysis.overall.studies[2].weight = 10;
    in.rob = c.levels;
    const DomainSuggestion d = domain(suggest_grade(in), GradeDomain::risk_of_bias);
    INFO((c.levels.empty() ? std::string("(none)") : c.levels[0] + " " + c.levels[1] + " " + c.levels[2]) << ": "
                                                                                                        << d.reason);
    CHECK(d.rate_down == c.rate_down);
    CHECK(d.needs_judgement == c.judgement);
    CHECK_FALSE(d.reason.empty());
  }
  GradeInput in = clean_input(3);
  in.rob = {"low", "low"};
  CHECK_THROWS_AS(suggest_grade(in), UsageError);
  in.rob = {"low", "low", "unclear-ish"};
  CHECK_THROWS_AS(suggest_grade(in), UsageError);
}

TEST_CASE("grade: inconsistency from I² Q and the prediction interval", "[grade]") {
  struct Case {
    std::size_t k;
    double i2, q_pval, pi_lb, pi_ub;
    int rate_down;
    const char* says;
  };
  const double nan = k_na;
  const std::vector<Case> cases = {
      {1, 0, 1, nan, nan, 0, "single study"},
      {5, 20, 0.5, nan, nan, 0, "might not be important"},
      {5, 40, 0.2, nan, nan, 0, "Moderate heterogeneity"},
      {5, 40, 0.05, nan, nan, 1, "Substantial"},  // Q p < 0.10
      {5, 60, 0.2, nan, nan, 1, "Substantial"},
      {5, 80, 0.001, std::log(0.3), std::log(1.4), 2, "prediction interval includes no effect"},
      {5, 80, 0.001, std::log(0.3), std::log(0.9), 1, "Considerable"},
      {5, 80, 0.001, nan, nan, 1, "Considerable"}, // fixed effect: no prediction interval
  };
  for (const Case& c : cases) {
    GradeInput in = clean_input(c.k);
    in.analysis.overall.i2 = c.i2;
    in.analysis.overall.q_pval = c.q_pval;
    in.analysis.overall.pi_lb = c.pi_lb;
    in.analysis.overall.pi_ub = c.pi_ub;
    const DomainSuggestion d = domain(suggest_grade(in), GradeDomain::inconsistency);
    INFO("k " << c.k << ", I² " << c.i2 << ", p " << c.q_pval << ": " << d.reason);
    CHECK(d.rate_down == c.rate_down);
    CHECK(contains(d.reason, c.says));
  }
  // The reason says whether the study CIs overlap.
  GradeInput in = clean_input(2);
  CHECK(contains(domain(suggest_grade(in), GradeDomain::inconsistency).reason, "all study CIs overlap"));
  in.analysis.overall.studies[0].yi = std::log(0.2);
  in.analysis.overall.studies[1].yi = std::log(2.0);
  CHECK(contains(domain(suggest_grade(in), GradeDomain::inconsistency).reason, "some study CIs do not overlap"));
}

TEST_CASE("grade: indirectness is the reviewers' call", "[grade]") {
  const DomainSuggestion d = domain(suggest_grade(clean_input()), GradeDomain::indirectness);
  CHECK(d.needs_judgement);
  CHECK(d.rate_down == 0);
}

TEST_CASE("grade: imprecision against the null and the minimal important difference", "[grade]") {
  struct Case {
    EffectMeasure measure;
    double lb, ub; // pooled scale
    double mid;    // NaN: the default
    double participants, control_risk;
    int rate_down;
    bool judgement;
  };
  const double nan = k_na;
  const auto l = [](double v) { return std::log(v); };
  const std::vector<Case> cases = {
      {EffectMeasure::risk_ratio, l(0.6), l(0.8), nan, 5000, 0.2, 0, false},  // OIS 1806 met
      {EffectMeasure::risk_ratio, l(0.7), l(1.1), nan, 5000, 0.2, 1, false},  // includes 1
      {EffectMeasure::risk_ratio, l(0.5), l(1.5), nan, 5000, 0.2, 2, false},  // includes 0.8 and 1.25
      {EffectMeasure::risk_ratio, l(0.5), l(1.5), l(2.0), 5000, 0.2, 1, false}, // a wider MID: only the null
      {EffectMeasure::risk_ratio, l(0.6), l(0.8), nan, 1500, 0.2, 1, false},  // below OIS
      {EffectMeasure::risk_ratio, l(0.6), l(0.8), nan, 800, 0.2, 2, false},   // below half the OIS
      {EffectMeasure::risk_ratio, l(0.6), l(0.8), nan, 0, 0.2, 0, true},      // participants unknown
      {EffectMeasure::mean_difference, -3, 12, nan, 500, nan, 1, false},      // no default MID: the null only
      {EffectMeasure::mean_difference, 1, 12, nan, 500, nan, 0, false},       // 400 rule of thumb met
      {EffectMeasure::mean_difference, 1, 12, nan, 300, nan, 1, false},
      {EffectMeasure::smd, -0.3, 0.25, nan, 500, nan, 2, false},             // both ±0.2
      {EffectMeasure::smd, -0.3, 0.1, nan, 500, nan, 1, false},
  };
  for (const Case& c : cases) {
    GradeInput in = clean_input();
    in.analysis.overall.measure = c.measure;
    in.analysis.overall.estimate = (c.lb + c.ub) / 2;
    in.analysis.overall.ci_lb = c.lb;
    in.analysis.overall.ci_ub = c.ub;
    in.mid = c.mid;
    in.participants = c.participants;
    in.control_risk = c.control_risk;
    const DomainSuggestion d = domain(suggest_grade(in), GradeDomain::imprecision);
    INFO(effect_measure_name(c.measure) << " " << c.lb << " to " << c.ub << ", n " << c.participants << ": "
                                        << d.reason);
    CHECK(d.rate_down == c.rate_down);
    CHECK(d.needs_judgement == c.judgement);
  }
  // The OIS for a 25% RRR from 20%: 2 × ceil((1.96 + 0.8416)² (0.16 + 0.1275) / 0.05²) = 1806.
  GradeInput in = clean_input();
  CHECK(contains(domain(suggest_grade(in), GradeDomain::imprecision).reason, "optimal information size of 1806"));
  in.mid = -0.1;
  CHECK_THROWS_AS(suggest_grade(in), UsageError);
}

TEST_CASE("grade: publication bias needs 10 studies for Egger's test", "[grade]") {
  GradeInput in = clean_input(9);
  in.analysis.egger_classic = EggerTest{};
  in.analysis.egger_classic->pval = 0.01;
  const DomainSuggestion few = domain(suggest_grade(in), GradeDomain::publication_bias);
  CHECK(few.needs_judgement);
  CHECK(few.rate_down == 0);
  in = clean_input(10);
  in.analysis.egger_classic = EggerTest{};
  in.analysis.egger_classic->pval = 0.05;
  CHECK(domain(suggest_grade(in), GradeDomain::publication_bias).rate_down == 1);
  in.analysis.egger_classic->pval = 0.30;
  const DomainSuggestion none = domain(suggest_grade(in), GradeDomain::publication_bias);
  CHECK(none.rate_down == 0);
  CHECK_FALSE(none.needs_judgement);
  CHECK(contains(none.reason, "Undetected"));
}

TEST_CASE("grade: upgrades for a large effect only from Low and without rating down", "[grade]") {
  struct Case {
    double rr;
    int rate_up;
    Certainty result;
  };
  for (const Case& c : std::vector<Case>{{0.7, 0, Certainty::low},
                                         {0.4, 1, Certainty::moderate},
                                         {2.5, 1, Certainty::moderate},
                                         {0.15, 2, Certainty::high},
                                         {6.0, 2, Certainty::high}}) {
    GradeInput in = clean_input();
    in.design = GradeDesign::non_randomised;
    in.analysis.overall.estimate = std::log(c.rr);
    in.analysis.overall.ci_lb = std::log(c.rr) - 0.1;
    in.analysis.overall.ci_ub = std::log(c.rr) + 0.1;
    const GradeSuggestion g = suggest_grade(in);
    INFO("RR " << c.rr << ": " << g.upgrades.front().reason);
    REQUIRE(g.upgrades.size() == 3);
    CHECK(g.upgrades[0].factor == "Large effect");
    CHECK(g.upgrades[0].rate_up == c.rate_up);
    CHECK(g.upgrades[1].needs_judgement);
    CHECK(g.certainty == c.result);
  }
  // Rated down anywhere: no upgrade.
  GradeInput in = clean_input();
  in.design = GradeDesign::non_randomised;
  in.analysis.overall.estimate = std::log(0.15);
  in.analysis.overall.ci_lb = std::log(0.1);
  in.analysis.overall.ci_ub = std::log(0.2);
  in.analysis.overall.i2 = 60;
  const GradeSuggestion g = suggest_grade(in);
  CHECK(g.upgrades[0].rate_up == 0);
  CHECK(g.certainty == Certainty::very_low);
  // Randomised trials are not upgraded.
  CHECK(suggest_grade(clean_input()).upgrades.empty());
}

TEST_CASE("grade: the final level is clamped and written with GRADEpro's symbols", "[grade]") {
  GradeInput in = clean_input();
  in.rob.assign(5, "high");
  in.analysis.overall.i2 = 90;
  in.analysis.overall.pi_lb = -1;
  in.analysis.overall.pi_ub = 1;
  in.analysis.overall.ci_lb = std::log(0.5);
  in.analysis.overall.ci_ub = std::log(1.5);
  const GradeSuggestion g = suggest_grade(in);
  CHECK(domain(g, GradeDomain::risk_of_bias).rate_down == 1);
  CHECK(domain(g, GradeDomain::inconsistency).rate_down == 2);
  CHECK(domain(g, GradeDomain::imprecision).rate_down == 2);
  CHECK(g.certainty == Certainty::very_low);
  CHECK(certainty_symbols(Certainty::high) == "⊕⊕⊕⊕");
  CHECK(certainty_symbols(Certainty::moderate) == "⊕⊕⊕◯");
  CHECK(certainty_symbols(Certainty::very_low) == "⊕◯◯◯");
  CHECK(std::string(certainty_name(Certainty::low)) == "Low");
  CHECK_THROWS_AS(suggest_grade(GradeInput{}), UsageError);
}

TEST_CASE("grade: the BCG trials worked through", "[grade]") {
  const OutcomeTable t = read_outcome_csv(std::string(LITREV_SOURCE_DIR) + "/tests/cli/data/meta/bcg.csv");
  const OutcomeTotals totals = participants_and_risk(t);
  CHECK(totals.participants == 357347);
  CHECK(totals.control_risk == Approx(1510.0 / 166283.0));
  MetaOptions o;
  o.measure = EffectMeasure::risk_ratio;
  o.method = PoolMethod::reml;
  GradeInput in;
  in.analysis = analyse(t, o);
  in.rob.assign(13, "low");
  in.participants = totals.participants;
  in.control_risk = totals.control_risk;
  const GradeSuggestion g = suggest_grade(in);
  // I² 92% with a prediction interval of RR 0.15 to 1.55: very serious.
  CHECK(domain(g, GradeDomain::inconsistency).rate_down == 2);
  // RR 0.49 (0.34 to 0.70) excludes 1, and 357347 participants exceed the OIS.
  CHECK(domain(g, GradeDomain::imprecision).rate_down == 0);
  // 13 studies, Egger's classic p = 0.19: undetected.
  CHECK(domain(g, GradeDomain::publication_bias).rate_down == 0);
  CHECK(g.certainty == Certainty::low);
}
