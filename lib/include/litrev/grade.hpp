// litrev/grade.hpp: GRADE certainty-of-evidence suggestions for one outcome,
// computed from its meta-analysis (litrev/evidence.hpp), the studies'
// risk-of-bias judgements and the outcome data.
//
// litrev proposes; the reviewers decide. Every suggestion comes with its
// reason in words, and a domain that is the reviewers' call (indirectness
// always, publication bias with fewer than 10 studies, the upgrades other
// than a large effect) is marked `needs_judgement` with no rating down.
// The rules are the operational rules of thumb of the GRADE handbook and
// guidance papers, as summarised in the project's spec (rob_grade_meta.md
// §4); where the guidance leaves a number open, the one chosen is stated
// next to the rule below.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <litrev/evidence.hpp>

namespace litrev {

// Levels of certainty, lowest first (so that they compare and count).
enum class Certainty { very_low = 0, low = 1, moderate = 2, high = 3 };

// "High", "Moderate", "Low", "Very low"; and GRADEpro's symbols, "⊕⊕⊕⊕"
// (High) to "⊕◯◯◯" (Very low).
const char* certainty_name(Certainty c);
std::string certainty_symbols(Certainty c);

enum class GradeDomain { risk_of_bias, inconsistency, indirectness, imprecision, publication_bias };
// "Risk of bias", "Inconsistency", "Indirectness", "Imprecision",
// "Publication bias".
const char* grade_domain_name(GradeDomain d);

enum class GradeDesign { randomised, non_randomised };

struct GradeInput {
  GradeDesign design = GradeDesign::randomised;
  // Non-randomised studies assessed with ROBINS-I start at High and are
  // rated down for risk of bias (GRADE guidance 18).
  bool robins_i = false;
  // The outcome's analysis.
  MetaAnalysis analysis;
  // Each study's overall risk-of-bias judgement, one per
  // analysis.overall.studies, as level ids: RoB 2 "low", "some_concerns",
  // "high"; ROBINS-I "low", "moderate", "serious", "critical"; the other
  // tools' levels counted with their nearest: "unclear" (RoB 1, QUADAS-2)
  // and "low_except_confounding" (ROBINS-I V2) as some concerns, "at_risk"
  // (QUADAS-2 overall) as high, "very_high" (ROBINS-E) as critical; or
  // "no_information". Empty: no assessments.
  std::vector<std::string> rob;
  // Imprecision thresholds on the pooled scale (log for ratios): the
  // smallest effect that matters, as a positive distance from the null.
  // NaN: ln(1.25) for RR and OR (GRADE's rough guide, RR 0.75 and 1.25),
  // 0.2 for SMD (a small effect), none (the null only) for MD and RD.
  double mid = k_na;
  // For the optimal information size: the participants and the comparator
  // risk. From the outcome table with participants_and_risk() below, or by
  // hand; 0 and NaN: unknown (then the OIS is not checked and the reason
  // says so).
  double participants = 0;
  double control_risk = k_na;
};

// Participants (n1 + n2 summed over studies) and, for 2x2 counts, the
// comparator risk Σci / Σ(ci + di) (NaN for other data).
struct OutcomeTotals {
  double participants = 0;
  double control_risk = k_na;
};
OutcomeTotals participants_and_risk(const OutcomeTable& table);

struct DomainSuggestion {
  GradeDomain domain = GradeDomain::risk_of_bias;
  int rate_down = 0;            // levels: 0 none, 1 serious, 2 very serious, 3 extremely serious
  bool needs_judgement = false; // the reviewers must decide; rate_down is then 0
  std::string reason;
};

struct UpgradeSuggestion {
  std::string factor; // "Large effect", "Dose-response gradient", "Plausible confounding"
  int rate_up = 0;
  bool needs_judgement = false;
  std::string reason;
};

struct GradeSuggestion {
  Certainty start = Certainty::high;
  std::string start_reason;
  std::vector<DomainSuggestion> domains; // the five domains, in GradeDomain order
  std::vector<UpgradeSuggestion> upgrades;
  // start − every rate_down + every rate_up, between Very low and High.
  Certainty certainty = Certainty::high;
};

// The suggestions, domain by domain:
// - Start: randomised trials High; non-randomised studies Low, or High with
//   ROBINS-I.
// - Risk of bias, from the studies' judgements weighted by their weights in
//   the analysis: more than half the weight from studies at critical risk
//   (ROBINS-I) −2; more than half at high (RoB 2) or serious or critical
//   (ROBINS-I) −1; more than half at some concerns / moderate or worse −1;
//   otherwise none. No judgements, or any study without one: no rating, the
//   reviewers' call.
// - Inconsistency (Handbook 10.10.2 bands): one study: none. I² ≥ 75% with
//   a prediction interval that includes the null −2; I² ≥ 50% or Q p < 0.10
//   −1; otherwise none (30–50% is named "moderate" in the reason). The
//   reason also says whether every pair of study CIs overlaps.
// - Indirectness: the reviewers' call.
// - Imprecision (GRADE 34, minimally contextualised; thresholds the null
//   and ±mid): a CI that includes both −mid and +mid (appreciable benefit
//   and harm) −2; a CI that includes the null −1; otherwise the optimal
//   information size: for 2x2 data the two-arm sample size to detect a 25%
//   relative risk reduction from control_risk (α 0.05 two-sided, power
//   0.80), for other data 400 participants; below half of it −2, below it
//   −1.
// - Publication bias: with 10 or more studies, Egger's classic test
//   (analysis.egger_classic) p < 0.10 −1, else none; fewer studies: the
//   reviewers' call.
// - Upgrades, only for evidence that starts Low and is rated down in no
//   domain: a large effect for RR/OR (pooled ratio above 2 or below 0.5 +1,
//   above 5 or below 0.2 +2); dose-response and plausible confounding are
//   the reviewers' call.
// Throws UsageError when `rob` is neither empty nor one per study, for an
// unknown level, for a mid that is not positive, and for an analysis with
// no studies.
GradeSuggestion suggest_grade(const GradeInput& input);

} // namespace litrev
