// The Summary of Findings table, the GRADE evidence profile, their
// renderers, and the JSON of an outcome's grading (litrev/sof.hpp).
#include <litrev/sof.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/text.hpp"

namespace litrev {

namespace {

using nlohmann::json;

const char* const k_ratings[] = {"not serious", "serious", "very serious", "extremely serious"};
const char* const k_levels[] = {"", "one level", "two levels", "three levels"};

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// A count (participants, events): an integer when it is one.
json count(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9e15) {
    return json(static_cast<long long>(v));
  }
  return number(v);
}

bool is_binary_measure(EffectMeasure m) {
  return m == EffectMeasure::risk_ratio || m == EffectMeasure::odds_ratio || m == EffectMeasure::risk_difference;
}

const char* measure_words(EffectMeasure m) {
  switch (m) {
  case EffectMeasure::risk_ratio:
    return "risk ratio";
  case EffectMeasure::odds_ratio:
    return "odds ratio";
  case EffectMeasure::risk_difference:
    return "risk difference";
  case EffectMeasure::mean_difference:
    return "mean difference";
  case EffectMeasure::smd:
    return "standardised mean difference";
  }
  return "";
}

// The absolute effects of a binary outcome per 1,000, from the study
// population's comparator risk and the pooled estimate with its CI.
struct PerThousand {
  double comparator = k_na;
  double intervention = k_na, intervention_lb = k_na, intervention_ub = k_na;
  double difference = k_na, difference_lb = k_na, difference_ub = k_na;
  bool valid() const { return std::isfinite(comparator) && std::isfinite(intervention); }
};

PerThousand per_thousand(const OutcomeGrade& g) {
  PerThousand p;
  const double cr = g.totals.control_risk;
  const MetaFit& f = g.analysis.overall;
  if (!std::isfinite(cr) || !is_binary_measure(f.measure)) {
    return p;
  }
  const auto risk = [&](double x) {
    double r = cr;
    switch (f.measure) {
    case EffectMeasure::risk_ratio:
      r = cr * std::exp(x);
      break;
    case EffectMeasure::odds_ratio: {
      const double o = std::exp(x);
      r = cr * o / (1 - cr + cr * o);
      break;
    }
    default:
      r = cr + x;
    }
    return 1000 * std::clamp(r, 0.0, 1.0);
  };
  p.comparator = 1000 * cr;
  p.intervention = risk(f.estimate);
  p.intervention_lb = risk(f.ci_lb);
  p.intervention_ub = risk(f.ci_ub);
  p.difference = p.intervention - p.comparator;
  p.difference_lb = p.intervention_lb - p.comparator;
  p.difference_ub = p.intervention_ub - p.comparator;
  return p;
}

std::string more_fewer(double d) {
  const long n = std::lround(d);
  return n < 0 ? fmt::format("{} fewer", -n) : fmt::format("{} more", n);
}

std::string higher_lower(double d) {
  return d < 0 ? fmt::format("{:.2f} lower", -d) : fmt::format("{:.2f} higher", d);
}

std::string relative_text(const OutcomeGrade& g) {
  const MetaFit& f = g.analysis.overall;
  if (!is_ratio_measure(f.measure)) {
    return "—";
  }
  return fmt::format("{} {:.2f} ({:.2f} to {:.2f})", effect_measure_name(f.measure), std::exp(f.estimate),
                     std::exp(f.ci_lb), std::exp(f.ci_ub));
}

std::string difference_text(const OutcomeGrade& g) {
  const MetaFit& f = g.analysis.overall;
  const PerThousand p = per_thousand(g);
  if (p.valid()) {
    return fmt::format("{} per 1,000 ({} to {})", more_fewer(p.difference), more_fewer(p.difference_lb),
                       more_fewer(p.difference_ub));
  }
  if (is_ratio_measure(f.measure)) {
    return "—";
  }
  const char* unit = f.measure == EffectMeasure::smd ? " SD" : "";
  return fmt::format("{} {}{} ({}{} to {}{})", effect_measure_name(f.measure), higher_lower(f.estimate), unit,
                     higher_lower(f.ci_lb), unit, higher_lower(f.ci_ub), unit);
}

std::string design_words(const OutcomeGrade& g, std::size_t k) {
  if (g.plan.design == GradeDesign::randomised) {
    return k == 1 ? "RCT" : "RCTs";
  }
  return k == 1 ? "non-randomised study" : "non-randomised studies";
}

std::string participants_text(const OutcomeGrade& g) {
  const std::size_t k = g.analysis.overall.studies.size();
  if (g.totals.participants > 0) {
    return fmt::format("{:.0f} ({} {})", g.totals.participants, k, design_words(g, k));
  }
  return fmt::format("({} {})", k, design_words(g, k));
}

std::string outcome_text(const OutcomeGrade& g) {
  const MetaFit& f = g.analysis.overall;
  std::string s = g.plan.name + " (" + measure_words(f.measure) + ")";
  if (!g.plan.follow_up.empty()) {
    s += "; follow-up: " + g.plan.follow_up;
  }
  if (!g.plan.intervention.empty() || !g.plan.comparator.empty()) {
    s += "; " + (g.plan.intervention.empty() ? std::string("intervention") : g.plan.intervention) + " vs " +
         (g.plan.comparator.empty() ? std::string("comparator") : g.plan.comparator);
  }
  return s;
}

// What a factor's footnote says: the rating and its reason, whose it is,
// and whether it must be judged again.
std::string factor_note(const GradeFactor& f) {
  const int n = f.effective();
  std::string s = f.name + ": ";
  if (n == 0) {
    s += f.upgrade ? "not rated up" : "not rated down";
  } else {
    s += fmt::format("rated {} {}", f.upgrade ? "up" : "down", k_levels[std::clamp(n, 0, 3)]);
  }
  if (f.judged) {
    s += fmt::format(" (judged by {}", f.actor);
    if (f.levels != f.judged_against && f.judged_against >= 0) {
      s += fmt::format("; litrev suggested {}", f.judged_against);
    }
    s += "). " + (f.justification.empty() ? f.reason : f.justification);
  } else {
    s += " (litrev's suggestion, not yet judged by the reviewers). " + f.reason;
  }
  if (f.stale) {
    s += fmt::format(" The suggestion has changed since this judgement (then {}, now {}): to be judged again.",
                     f.judged_against, f.suggested);
  }
  return s;
}

// Whether a factor gets a footnote: it moves the certainty, or someone
// explained it, or it must be judged again.
bool noted(const GradeFactor& f) { return f.effective() != 0 || (f.judged && !f.justification.empty()) || f.stale; }

class Notes {
public:
  explicit Notes(GradeTable& t) : m_t(t) {}
  std::string add(std::string text) {
    std::string letter;
    std::size_t n = m_t.footnotes.size();
    do {
      letter.insert(letter.begin(), static_cast<char>('a' + n % 26));
      n = n / 26;
    } while (n-- > 0);
    m_t.footnotes.emplace_back(letter, std::move(text));
    return letter;
  }

private:
  GradeTable& m_t;
};

std::string certainty_text(const OutcomeGrade& g) {
  return certainty_symbols(g.certainty) + " " + certainty_name(g.certainty);
}

void add_remarks(GradeTable& t, const std::vector<OutcomeGrade>& outcomes) {
  for (const OutcomeGrade& g : outcomes) {
    for (const std::string& p : g.link_problems) {
      t.remarks.push_back("Check the data of " + g.plan.name + ": " + p + ".");
    }
    if (!g.final()) {
      std::string s = "Provisional: " + g.plan.name + " has ";
      if (g.unjudged) {
        s += fmt::format("{} factor{} not yet judged by the reviewers (litrev's suggestions stand in)", g.unjudged,
                         g.unjudged == 1 ? "" : "s");
      }
      if (g.stale) {
        s += fmt::format("{}{} judgement{} made against an earlier suggestion", g.unjudged ? " and " : "", g.stale,
                         g.stale == 1 ? "" : "s");
      }
      t.remarks.push_back(s + ".");
    }
  }
  t.remarks.push_back("Certainty of the evidence (GRADE): ⊕⊕⊕⊕ High, ⊕⊕⊕◯ Moderate, ⊕⊕◯◯ Low, ⊕◯◯◯ Very low — how "
                      "confident the reviewers are that the true effect is close to the estimate.");
  t.remarks.push_back("CI: confidence interval; RR: risk ratio; OR: odds ratio; RD: risk difference; MD: mean "
                      "difference; SMD: standardised mean difference; RCT: randomised controlled trial.");
}

std::string md_cell(const GradeCell& c) {
  std::string s;
  for (char ch : c.text) {
    if (ch == '|') {
      s += "\\|";
    } else if (ch == '\n' || ch == '\r') {
      s += ' ';
    } else {
      s += ch;
    }
  }
  if (!c.notes.empty()) {
    s += "<sup>";
    for (std::size_t i = 0; i < c.notes.size(); ++i) {
      s += (i ? "," : "") + c.notes[i];
    }
    s += "</sup>";
  }
  return s;
}

std::string notes_suffix(const GradeCell& c) {
  if (c.notes.empty()) {
    return {};
  }
  std::string s = " [";
  for (std::size_t i = 0; i < c.notes.size(); ++i) {
    s += (i ? "," : "") + c.notes[i];
  }
  return s + "]";
}

} // namespace

GradeTable summary_of_findings(const std::vector<OutcomeGrade>& outcomes, const std::string& title) {
  GradeTable t;
  t.title = title;
  t.header = {"Outcome",
              "Risk with comparator",
              "Risk with intervention (95% CI)",
              "Difference (95% CI)",
              "Relative effect (95% CI)",
              "№ of participants (studies)",
              "Certainty of the evidence (GRADE)",
              "Comments"};
  Notes notes(t);
  for (const OutcomeGrade& g : outcomes) {
    std::vector<GradeCell> row(t.header.size());
    row[0].text = outcome_text(g);
    const PerThousand p = per_thousand(g);
    if (p.valid()) {
      row[1].text = fmt::format("{} per 1,000", std::lround(p.comparator));
      row[1].notes.push_back(notes.add(fmt::format(
          "Comparator risk of the study population: {:.0f} of {:.0f} participants in the comparator arms of the "
          "{} studies.",
          g.events_2, g.total_2, g.analysis.overall.studies.size())));
      row[2].text = fmt::format("{} per 1,000 ({} to {})", std::lround(p.intervention), std::lround(p.intervention_lb),
                                std::lround(p.intervention_ub));
    } else if (std::isfinite(g.comparator_mean) && g.analysis.overall.measure == EffectMeasure::mean_difference) {
      row[1].text = fmt::format("mean {:.2f}", g.comparator_mean);
      row[1].notes.push_back(notes.add("Comparator mean: the mean of the comparator arms, weighted by their size."));
      row[2].text = "—";
    } else {
      row[1].text = "—";
      row[2].text = "—";
    }
    row[3].text = difference_text(g);
    row[4].text = relative_text(g);
    row[5].text = participants_text(g);
    row[6].text = certainty_text(g);
    for (const GradeFactor& f : g.factors) {
      if (noted(f)) {
        row[6].notes.push_back(notes.add(factor_note(f)));
      }
    }
    row[7].text = g.comment;
    t.rows.push_back(std::move(row));
  }
  add_remarks(t, outcomes);
  return t;
}

GradeTable evidence_profile(const std::vector<OutcomeGrade>& outcomes, const std::string& title) {
  GradeTable t;
  t.title = title;
  t.header = {"Outcome",
              "№ of studies",
              "Study design",
              "Risk of bias",
              "Inconsistency",
              "Indirectness",
              "Imprecision",
              "Other considerations",
              "№ of patients: intervention",
              "№ of patients: comparator",
              "Relative (95% CI)",
              "Absolute (95% CI)",
              "Certainty",
              "Importance"};
  Notes notes(t);
  for (const OutcomeGrade& g : outcomes) {
    const std::size_t k = g.analysis.overall.studies.size();
    std::vector<GradeCell> row(t.header.size());
    row[0].text = outcome_text(g);
    row[1].text = std::to_string(k);
    row[2].text = g.plan.design == GradeDesign::randomised ? "randomised trials" : "non-randomised studies";
    std::vector<std::string> other;
    GradeCell& other_cell = row[7];
    for (const GradeFactor& f : g.factors) {
      const int n = f.effective();
      GradeCell* cell = nullptr;
      if (f.id == "risk-of-bias") {
        cell = &row[3];
      } else if (f.id == "inconsistency") {
        cell = &row[4];
      } else if (f.id == "indirectness") {
        cell = &row[5];
      } else if (f.id == "imprecision") {
        cell = &row[6];
      }
      if (cell) {
        cell->text = k_ratings[std::clamp(n, 0, 3)];
      } else if (f.id == "publication-bias") {
        other.push_back(n > 0 ? "publication bias strongly suspected" : "none");
        cell = &other_cell;
      } else if (n > 0) {
        if (f.id == "large-effect") {
          other.push_back(n > 1 ? "very strong association" : "strong association");
        } else if (f.id == "dose-response") {
          other.push_back("dose-response gradient");
        } else {
          other.push_back("all plausible residual confounding would reduce the effect shown");
        }
        cell = &other_cell;
      } else {
        cell = &other_cell;
      }
      if (noted(f)) {
        cell->notes.push_back(notes.add(factor_note(f)));
      }
    }
    for (std::size_t i = 0; i < other.size(); ++i) {
      other_cell.text += (i ? "; " : "") + other[i];
    }
    if (std::isfinite(g.events_1)) {
      row[8].text = fmt::format("{:.0f}/{:.0f} ({:.1f}%)", g.events_1, g.total_1, 100 * g.events_1 / g.total_1);
      row[9].text = fmt::format("{:.0f}/{:.0f} ({:.1f}%)", g.events_2, g.total_2, 100 * g.events_2 / g.total_2);
    } else if (std::isfinite(g.total_1)) {
      row[8].text = fmt::format("{:.0f}", g.total_1);
      row[9].text = fmt::format("{:.0f}", g.total_2);
    } else {
      row[8].text = row[9].text = "—";
    }
    row[10].text = relative_text(g);
    row[11].text = difference_text(g);
    row[12].text = certainty_text(g);
    std::string importance = g.plan.importance.empty() ? "—" : g.plan.importance;
    std::transform(importance.begin(), importance.end(), importance.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    row[13].text = importance;
    t.rows.push_back(std::move(row));
  }
  add_remarks(t, outcomes);
  return t;
}

std::string grade_table_markdown(const GradeTable& t) {
  std::string out = "## " + md_cell({t.title, {}}) + "\n\n|";
  for (const std::string& h : t.header) {
    out += " " + md_cell({h, {}}) + " |";
  }
  out += "\n|";
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    out += "---|";
  }
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const GradeCell& c : row) {
      out += " " + md_cell(c) + " |";
    }
    out += "\n";
  }
  if (!t.footnotes.empty()) {
    out += "\n";
    for (const auto& [letter, text] : t.footnotes) {
      out += "- <sup>" + letter + "</sup> " + md_cell({text, {}}) + "\n";
    }
  }
  out += "\n";
  for (const std::string& r : t.remarks) {
    out += md_cell({r, {}}) + "\n\n";
  }
  return out;
}

std::string grade_table_html(const GradeTable& t) {
  std::string out = "<table class=\"grade\">\n<caption>" + escape_xml_text(t.title) + "</caption>\n<thead><tr>";
  for (const std::string& h : t.header) {
    out += "<th>" + escape_xml_text(h) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const GradeCell& c : row) {
      out += "<td>" + escape_xml_text(c.text);
      if (!c.notes.empty()) {
        out += "<sup>";
        for (std::size_t i = 0; i < c.notes.size(); ++i) {
          out += (i ? "," : "") + ("<a href=\"#fn-" + c.notes[i] + "\">" + c.notes[i] + "</a>");
        }
        out += "</sup>";
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (!t.footnotes.empty()) {
    out += "<ol class=\"grade-notes\">\n";
    for (const auto& [letter, text] : t.footnotes) {
      out += "<li id=\"fn-" + letter + "\"><sup>" + letter + "</sup> " + escape_xml_text(text) + "</li>\n";
    }
    out += "</ol>\n";
  }
  for (const std::string& r : t.remarks) {
    out += "<p class=\"grade-remark\">" + escape_xml_text(r) + "</p>\n";
  }
  return out;
}

std::string grade_table_csv(const GradeTable& t) {
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) {
        out += ',';
      }
      append_csv_field(out, cells[i]);
    }
    out += "\r\n";
  };
  line(t.header);
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (const GradeCell& c : row) {
      cells.push_back(c.text + notes_suffix(c));
    }
    line(cells);
  }
  if (!t.footnotes.empty() || !t.remarks.empty()) {
    out += "\r\n";
  }
  for (const auto& [letter, text] : t.footnotes) {
    line({letter, text});
  }
  for (const std::string& r : t.remarks) {
    line({"", r});
  }
  return out;
}

json grade_json(const OutcomeGrade& g) {
  const MetaFit& f = g.analysis.overall;
  json j;
  j["outcome"] = g.plan.name;
  j["type"] = g.plan.type;
  j["data"] = g.plan.data;
  j["measure"] = effect_measure_name(f.measure);
  j["method"] = pool_method_name(f.method);
  j["test"] = pool_test_name(f.test);
  j["design"] = g.plan.design == GradeDesign::randomised ? "randomised" : "non-randomised";
  j["robins_i"] = g.plan.robins_i;
  j["follow_up"] = g.plan.follow_up;
  j["importance"] = g.plan.importance;
  j["intervention"] = g.plan.intervention;
  j["comparator"] = g.plan.comparator;
  j["k"] = f.studies.size();
  j["participants"] = count(g.totals.participants > 0 ? g.totals.participants : k_na);
  j["control_risk"] = number(g.totals.control_risk);
  j["events_intervention"] = count(g.events_1);
  j["total_intervention"] = count(g.total_1);
  j["events_comparator"] = count(g.events_2);
  j["total_comparator"] = count(g.total_2);
  j["comparator_mean"] = number(g.comparator_mean);
  j["estimate"] = number(f.estimate);
  j["ci_lb"] = number(f.ci_lb);
  j["ci_ub"] = number(f.ci_ub);
  j["pi_lb"] = number(f.pi_lb);
  j["pi_ub"] = number(f.pi_ub);
  j["i2"] = number(f.i2);
  j["q_pval"] = number(f.q_pval);
  if (is_ratio_measure(f.measure)) {
    j["exp_estimate"] = number(std::exp(f.estimate));
    j["exp_ci_lb"] = number(std::exp(f.ci_lb));
    j["exp_ci_ub"] = number(std::exp(f.ci_ub));
  }
  const PerThousand p = per_thousand(g);
  if (p.valid()) {
    j["per_1000"] = {{"comparator", p.comparator},           {"intervention", p.intervention},
                     {"intervention_lb", p.intervention_lb}, {"intervention_ub", p.intervention_ub},
                     {"difference", p.difference},           {"difference_lb", p.difference_lb},
                     {"difference_ub", p.difference_ub}};
  } else {
    j["per_1000"] = nullptr;
  }
  json rob = json::array();
  for (std::size_t i = 0; i < g.rob.size(); ++i) {
    rob.push_back({{"study", f.studies[i].study}, {"overall", g.rob[i]}, {"weight", number(f.studies[i].weight)}});
  }
  j["rob"] = rob;
  j["rob_missing"] = g.rob_missing;
  j["start"] = certainty_name(g.start);
  j["start_reason"] = g.start_reason;
  json factors = json::array();
  for (const GradeFactor& x : g.factors) {
    json fj = {{"factor", x.id},
               {"name", x.name},
               {"upgrade", x.upgrade},
               {"suggested", x.suggested},
               {"needs_judgement", x.needs_judgement},
               {"reason", x.reason},
               {"judged", x.judged},
               {"levels", x.effective()},
               {"stale", x.stale}};
    if (x.judged) {
      fj["judged_against"] = x.judged_against;
      fj["justification"] = x.justification;
      fj["actor"] = x.actor;
      fj["ts"] = x.ts;
    }
    factors.push_back(std::move(fj));
  }
  j["factors"] = factors;
  j["certainty"] = certainty_name(g.certainty);
  j["symbols"] = certainty_symbols(g.certainty);
  j["final"] = g.final();
  j["unjudged"] = g.unjudged;
  j["stale"] = g.stale;
  j["comment"] = g.comment;
  j["warnings"] = g.warnings;
  j["link_problems"] = g.link_problems;
  return j;
}

} // namespace litrev
