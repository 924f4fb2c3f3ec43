// GRADE certainty suggestions (litrev/grade.hpp): one function per domain,
// each returning its rating and the reason in words.
#include <litrev/grade.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include <litrev/error.hpp>

namespace litrev {

namespace {

std::string pct(double share) { return fmt::format("{:.0f}%", 100 * share); }

// How a risk-of-bias level counts: 0 low, 1 some concerns / moderate /
// unclear (RoB 1, QUADAS-2) / low except for confounding (ROBINS-I V2, counted
// with moderate), 2 high / serious / at risk (QUADAS-2 overall), 3 critical /
// very high (ROBINS-E); -1 no information.
int rob_rank(const std::string& level) {
  if (level == "low") {
    return 0;
  }
  if (level == "some_concerns" || level == "moderate" || level == "unclear" || level == "low_except_confounding") {
    return 1;
  }
  if (level == "high" || level == "serious" || level == "at_risk") {
    return 2;
  }
  if (level == "critical" || level == "very_high") {
    return 3;
  }
  if (level == "no_information" || level.empty()) {
    return -1;
  }
  throw UsageError("GRADE: unknown risk-of-bias level \"" + level +
                   "\" (expected a level of RoB 2, ROBINS-I, ROBINS-I V2, ROBINS-E, RoB 1 or QUADAS-2)");
}

DomainSuggestion risk_of_bias(const GradeInput& in) {
  DomainSuggestion d;
  d.domain = GradeDomain::risk_of_bias;
  const auto& studies = in.analysis.overall.studies;
  if (in.rob.empty()) {
    d.needs_judgement = true;
    d.reason = "No risk-of-bias assessments were given: the reviewers' call.";
    return d;
  }
  double total = 0, at_least_concerns = 0, at_least_high = 0, critical = 0;
  std::size_t missing = 0;
  for (std::size_t i = 0; i < studies.size(); ++i) {
    const int r = rob_rank(in.rob[i]);
    const double w = studies[i].weight;
    if (r < 0) {
      ++missing;
      continue;
    }
    total += w;
    at_least_concerns += r >= 1 ? w : 0;
    at_least_high += r >= 2 ? w : 0;
    critical += r >= 3 ? w : 0;
  }
  if (missing > 0) {
    d.needs_judgement = true;
    d.reason = fmt::format("{} of {} studies have no risk-of-bias judgement: the reviewers' call.", missing,
                           studies.size());
    return d;
  }
  const double all = std::max(total, 1e-300);
  const double s_high = at_least_high / all, s_concerns = at_least_concerns / all, s_critical = critical / all;
  if (s_critical > 0.5) {
    d.rate_down = 2;
    d.reason = fmt::format("{} of the weight comes from studies at critical risk of bias: very serious.",
                           pct(s_critical));
  } else if (s_high > 0.5) {
    d.rate_down = 1;
    d.reason = fmt::format("{} of the weight comes from studies at high (or serious) risk of bias: serious.",
                           pct(s_high));
  } else if (s_concerns > 0.5) {
    d.rate_down = 1;
    d.reason = fmt::format("{} of the weight comes from studies with some concerns or worse (high risk: {}): "
                           "consider rating down once.",
                           pct(s_concerns), pct(s_high));
  } else {
    d.reason = fmt::format("{} of the weight comes from studies at low risk of bias.", pct(1 - s_concerns));
  }
  return d;
}

DomainSuggestion inconsistency(const GradeInput& in) {
  DomainSuggestion d;
  d.domain = GradeDomain::inconsistency;
  const MetaFit& f = in.analysis.overall;
  if (f.k < 2) {
    d.reason = "A single study: inconsistency cannot be assessed (not rated down).";
    return d;
  }
  // Do all study CIs overlap? They do when the largest lower bound is below
  // the smallest upper bound.
  const double z = stats::normal_quantile(1.0 - (1.0 - f.level) / 2.0);
  double max_lb = -HUGE_VAL, min_ub = HUGE_VAL;
  for (const StudyResult& s : f.studies) {
    if (std::isfinite(s.yi) && std::isfinite(s.vi)) {
      max_lb = std::max(max_lb, s.yi - z * std::sqrt(s.vi));
      min_ub = std::min(min_ub, s.yi + z * std::sqrt(s.vi));
    }
  }
  const std::string overlap =
      max_lb <= min_ub ? "all study CIs overlap" : "some study CIs do not overlap";
  const std::string stats_text = fmt::format("I² = {:.0f}%, Q p = {:.3f}", f.i2, f.q_pval);
  const bool pi = std::isfinite(f.pi_lb) && std::isfinite(f.pi_ub);
  const bool pi_has_null = pi && f.pi_lb <= 0 && f.pi_ub >= 0;
  if (f.i2 >= 75 && pi_has_null) {
    d.rate_down = 2;
    d.reason = fmt::format("Considerable heterogeneity ({}; {}) and the prediction interval includes no effect: "
                           "very serious.",
                           stats_text, overlap);
  } else if (f.i2 >= 50 || f.q_pval < 0.10) {
    d.rate_down = 1;
    d.reason = fmt::format("{} heterogeneity ({}; {}): serious.", f.i2 >= 75 ? "Considerable" : "Substantial",
                           stats_text, overlap);
  } else if (f.i2 >= 30) {
    d.reason = fmt::format("Moderate heterogeneity ({}; {}): not rated down.", stats_text, overlap);
  } else {
    d.reason = fmt::format("Heterogeneity might not be important ({}; {}).", stats_text, overlap);
  }
  return d;
}

DomainSuggestion indirectness() {
  DomainSuggestion d;
  d.domain = GradeDomain::indirectness;
  d.needs_judgement = true;
  d.reason = "The reviewers' call: compare the studies' populations, interventions, comparators and outcomes "
             "with the review question.";
  return d;
}

double default_mid(EffectMeasure m) {
  switch (m) {
  case EffectMeasure::risk_ratio:
  case EffectMeasure::odds_ratio:
    return std::log(1.25);
  case EffectMeasure::smd:
    return 0.2;
  default:
    return k_na;
  }
}

// The two-arm optimal information size for a 25% relative risk reduction
// from `risk` (α 0.05 two-sided, power 0.80).
double binary_ois(double risk) {
  const double za = stats::normal_quantile(0.975), zb = stats::normal_quantile(0.80);
  const double p1 = risk, p2 = risk * 0.75;
  const double per_arm = (za + zb) * (za + zb) * (p1 * (1 - p1) + p2 * (1 - p2)) / ((p1 - p2) * (p1 - p2));
  return 2 * std::ceil(per_arm);
}

DomainSuggestion imprecision(const GradeInput& in) {
  DomainSuggestion d;
  d.domain = GradeDomain::imprecision;
  const MetaFit& f = in.analysis.overall;
  const bool ratio = is_ratio_measure(f.measure);
  const double mid = std::isfinite(in.mid) ? in.mid : default_mid(f.measure);
  const auto show = [&](double v) { return fmt::format("{:.2f}", ratio ? std::exp(v) : v); };
  const std::string ci = fmt::format("{} CI {} to {}", fmt::format("{:g}%", std::round(f.level * 1000) / 10),
                                     show(f.ci_lb), show(f.ci_ub));
  if (std::isfinite(mid) && f.ci_lb <= -mid && f.ci_ub >= mid) {
    d.rate_down = 2;
    d.reason = fmt::format("The {} includes appreciable benefit and appreciable harm ({} and {}): very serious.", ci,
                           show(-mid), show(mid));
    return d;
  }
  if (f.ci_lb <= 0 && f.ci_ub >= 0) {
    d.rate_down = 1;
    d.reason = fmt::format("The {} includes no effect ({}): serious.", ci, show(0));
    return d;
  }
  double ois;
  std::string ois_what;
  if (std::isfinite(in.control_risk) && in.control_risk > 0 && in.control_risk < 1) {
    ois = binary_ois(in.control_risk);
    ois_what = fmt::format("to detect a 25% relative risk reduction from a control risk of {:.1f}%",
                           100 * in.control_risk);
  } else {
    ois = 400;
    ois_what = "the rule of thumb for continuous outcomes";
  }
  if (!(in.participants > 0)) {
    d.needs_judgement = true;
    d.reason = fmt::format("The {} excludes no effect; the number of participants is unknown, so the optimal "
                           "information size ({:.0f}, {}) is the reviewers' call.",
                           ci, ois, ois_what);
    return d;
  }
  if (in.participants < ois / 2) {
    d.rate_down = 2;
    d.reason = fmt::format("The {} excludes no effect, but {:.0f} participants are far below the optimal "
                           "information size of {:.0f} ({}): very serious.",
                           ci, in.participants, ois, ois_what);
  } else if (in.participants < ois) {
    d.rate_down = 1;
    d.reason = fmt::format("The {} excludes no effect, but {:.0f} participants are below the optimal information "
                           "size of {:.0f} ({}): serious.",
                           ci, in.participants, ois, ois_what);
  } else {
    d.reason = fmt::format("The {} excludes no effect and {:.0f} participants meet the optimal information size "
                           "of {:.0f} ({}).",
                           ci, in.participants, ois, ois_what);
  }
  return d;
}

DomainSuggestion publication_bias(const GradeInput& in) {
  DomainSuggestion d;
  d.domain = GradeDomain::publication_bias;
  const MetaAnalysis& a = in.analysis;
  std::size_t k = 0;
  for (const StudyResult& s : a.overall.studies) {
    k += std::isfinite(s.yi) && std::isfinite(s.vi);
  }
  if (k < 10 || !a.egger_classic) {
    d.needs_judgement = true;
    d.reason = fmt::format("{} studies: too few for Egger's test (10 or more, Handbook 13.3.5.4); the reviewers' "
                           "call (small studies, funding, the funnel plot).",
                           k);
    return d;
  }
  if (a.egger_classic->pval < 0.10) {
    d.rate_down = 1;
    d.reason = fmt::format("Funnel-plot asymmetry: Egger's test p = {:.3f} (k = {}): strongly suspected.",
                           a.egger_classic->pval, k);
  } else {
    d.reason = fmt::format("Undetected: Egger's test p = {:.3f} (k = {}).", a.egger_classic->pval, k);
  }
  return d;
}

} // namespace

const char* certainty_name(Certainty c) {
  switch (c) {
  case Certainty::high:
    return "High";
  case Certainty::moderate:
    return "Moderate";
  case Certainty::low:
    return "Low";
  case Certainty::very_low:
    return "Very low";
  }
  return "Very low";
}

std::string certainty_symbols(Certainty c) {
  const int n = static_cast<int>(c) + 1;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    out += i < n ? "⊕" : "◯";
  }
  return out;
}

const char* grade_domain_name(GradeDomain d) {
  switch (d) {
  case GradeDomain::risk_of_bias:
    return "Risk of bias";
  case GradeDomain::inconsistency:
    return "Inconsistency";
  case GradeDomain::indirectness:
    return "Indirectness";
  case GradeDomain::imprecision:
    return "Imprecision";
  case GradeDomain::publication_bias:
    return "Publication bias";
  }
  return "";
}

OutcomeTotals participants_and_risk(const OutcomeTable& table) {
  OutcomeTotals t;
  double events = 0, control = 0;
  for (const OutcomeRow& r : table.rows) {
    switch (table.kind) {
    case OutcomeKind::binary:
      t.participants += r.counts.ai + r.counts.bi + r.counts.ci + r.counts.di;
      events += r.counts.ci;
      control += r.counts.ci + r.counts.di;
      break;
    case OutcomeKind::continuous:
      t.participants += r.arms.n1i + r.arms.n2i;
      break;
    case OutcomeKind::generic:
      break;
    }
  }
  if (table.kind == OutcomeKind::binary && control > 0) {
    t.control_risk = events / control;
  }
  return t;
}

GradeSuggestion suggest_grade(const GradeInput& in) {
  const MetaFit& f = in.analysis.overall;
  if (f.studies.empty()) {
    throw UsageError("GRADE: the analysis has no studies");
  }
  if (!in.rob.empty() && in.rob.size() != f.studies.size()) {
    throw UsageError(fmt::format("GRADE: {} risk-of-bias judgements for {} studies", in.rob.size(),
                                 f.studies.size()));
  }
  if (!std::isnan(in.mid) && !(in.mid > 0)) {
    throw UsageError(fmt::format("GRADE: the minimal important difference must be positive, not {:g}", in.mid));
  }
  GradeSuggestion g;
  if (in.design == GradeDesign::randomised) {
    g.start = Certainty::high;
    g.start_reason = "Randomised trials start at High.";
  } else if (in.robins_i) {
    g.start = Certainty::high;
    g.start_reason = "Non-randomised studies assessed with ROBINS-I start at High and are rated down for risk of "
                     "bias (GRADE guidance 18).";
  } else {
    g.start = Certainty::low;
    g.start_reason = "Non-randomised studies start at Low.";
  }
  g.domains = {risk_of_bias(in), inconsistency(in), indirectness(), imprecision(in), publication_bias(in)};
  int level = static_cast<int>(g.start);
  bool rated_down = false;
  for (const DomainSuggestion& d : g.domains) {
    level -= d.rate_down;
    rated_down = rated_down || d.rate_down > 0;
  }
  if (g.start == Certainty::low) {
    UpgradeSuggestion large;
    large.factor = "Large effect";
    if (rated_down) {
      large.reason = "Not considered: the evidence is rated down in at least one domain.";
    } else if (!is_ratio_measure(f.measure)) {
      large.needs_judgement = true;
      large.reason = "Not a ratio measure: whether the effect is large is the reviewers' call.";
    } else {
      const double rr = std::exp(f.estimate);
      if (rr > 5 || rr < 0.2) {
        large.rate_up = 2;
        large.reason = fmt::format("Very large effect: {} {:.2f} (above 5 or below 0.2).",
                                   effect_measure_name(f.measure), rr);
      } else if (rr > 2 || rr < 0.5) {
        large.rate_up = 1;
        large.reason = fmt::format("Large effect: {} {:.2f} (above 2 or below 0.5).", effect_measure_name(f.measure),
                                   rr);
      } else {
        large.reason = fmt::format("{} {:.2f} is not a large effect (between 0.5 and 2).",
                                   effect_measure_name(f.measure), rr);
      }
    }
    g.upgrades.push_back(large);
    g.upgrades.push_back({"Dose-response gradient", 0, !rated_down,
                          rated_down ? "Not considered: the evidence is rated down in at least one domain."
                                     : "The reviewers' call."});
    g.upgrades.push_back({"Plausible confounding", 0, !rated_down,
                          rated_down ? "Not considered: the evidence is rated down in at least one domain."
                                     : "The reviewers' call: would all plausible residual confounding reduce the "
                                       "effect shown?"});
    for (const UpgradeSuggestion& u : g.upgrades) {
      level += u.rate_up;
    }
  }
  g.certainty = static_cast<Certainty>(std::clamp(level, 0, 3));
  return g;
}

} // namespace litrev
