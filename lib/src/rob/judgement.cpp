// Which questions are asked, the domain judgements (by the built-in
// algorithms of flowcharts.cpp) and the overall judgement (by the tool's
// rule).
#include <litrev/rob.hpp>

#include <algorithm>
#include <set>

#include <fmt/core.h>

#include <litrev/error.hpp>

#include "rob/internal.hpp"

namespace litrev {

namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) {
      out += sep;
    }
    out += s;
  }
  return out;
}

std::string codes(const std::vector<RobAnswer>& answers) {
  std::vector<std::string> out;
  for (RobAnswer a : answers) {
    out.emplace_back(rob_answer_code(a));
  }
  return join(out, "/");
}

bool contains(const std::vector<RobAnswer>& answers, RobAnswer a) {
  return std::find(answers.begin(), answers.end(), a) != answers.end();
}

// A condition in words: "2.1 or 2.2 is Y/PY/NI".
std::string describe(const RobCondition& c) {
  if (c.kind == RobCondition::Kind::answer) {
    return fmt::format("{} is {}", c.question, codes(c.in));
  }
  std::vector<std::string> terms;
  for (const auto& t : c.terms) {
    terms.push_back(describe(t));
  }
  return join(terms, c.kind == RobCondition::Kind::any ? " or " : " and ");
}

// Every answer keyed by a question of the tool, with an answer the question
// can ever have; throws UsageError otherwise.
void check_answers(const RobTool& tool, const RobAnswers& answers) {
  for (const auto& [id, answer] : answers) {
    const RobQuestion* q = tool.find_question(id);
    if (!q) {
      throw UsageError(fmt::format("{} has no signalling question \"{}\"", tool.short_name, id));
    }
    if (answer != RobAnswer::na && !contains(q->answers, answer)) {
      throw UsageError(fmt::format("{} question {} cannot be answered {} (its answers: {})", tool.short_name, id,
                                   rob_answer_code(answer), codes(q->answers)));
    }
  }
}

// Three-valued: a condition can depend on an answer not given yet.
enum class Truth { no, yes, unknown };

struct DomainState {
  std::vector<RobQuestionStatus> statuses;

  const RobQuestionStatus* status(std::string_view id) const {
    for (const auto& s : statuses) {
      if (s.id == id) {
        return &s;
      }
    }
    return nullptr;
  }

  Truth eval(const RobCondition& c) const {
    if (c.kind == RobCondition::Kind::answer) {
      const RobQuestionStatus* s = status(c.question);
      if (!s || s->state == RobQuestionState::undetermined) {
        return Truth::unknown;
      }
      if (s->state == RobQuestionState::not_asked) {
        return contains(c.in, RobAnswer::na) ? Truth::yes : Truth::no;
      }
      if (!s->answer) {
        return Truth::unknown;
      }
      return contains(c.in, *s->answer) ? Truth::yes : Truth::no;
    }
    bool any = c.kind == RobCondition::Kind::any;
    bool unknown = false;
    for (const auto& t : c.terms) {
      Truth v = eval(t);
      if (v == Truth::unknown) {
        unknown = true;
      } else if ((v == Truth::yes) == any) {
        // any: one term true decides; all: one term false decides.
        return v;
      }
    }
    if (unknown) {
      return Truth::unknown;
    }
    return any ? Truth::no : Truth::yes;
  }
};

DomainState domain_state(const RobDomain& domain, const RobAnswers& answers) {
  DomainState st;
  for (const auto& q : domain.questions) {
    RobQuestionStatus s;
    s.id = q.id;
    if (auto it = answers.find(q.id); it != answers.end()) {
      s.answer = it->second;
    }
    if (q.asked_if) {
      switch (st.eval(*q.asked_if)) {
      case Truth::yes:
        s.state = RobQuestionState::asked;
        break;
      case Truth::no:
        s.state = RobQuestionState::not_asked;
        break;
      case Truth::unknown:
        s.state = RobQuestionState::undetermined;
        break;
      }
    }
    st.statuses.push_back(std::move(s));
  }
  return st;
}

const char* level_label(const RobTool& tool, std::string_view id) { return tool.level(id).label.c_str(); }

RobJudgement judged(const RobTool& tool, std::string level, std::string rule, std::vector<std::string> path) {
  RobJudgement j;
  j.status = RobJudgementStatus::judged;
  j.rule = std::move(rule) + " -> " + level_label(tool, level);
  j.level = std::move(level);
  j.path = std::move(path);
  return j;
}

} // namespace

std::vector<RobQuestionStatus> applicable_questions(const RobTool& tool, std::string_view domain,
                                                    const RobAnswers& answers) {
  const RobDomain& d = tool.domain(domain);
  check_answers(tool, answers);
  return domain_state(d, answers).statuses;
}

RobJudgement domain_judgement(const RobTool& tool, std::string_view domain, const RobAnswers& answers) {
  const RobDomain& d = tool.domain(domain);
  check_answers(tool, answers);
  DomainState st = domain_state(d, answers);

  RobJudgement out;
  for (std::size_t i = 0; i < d.questions.size(); ++i) {
    const RobQuestion& q = d.questions[i];
    const RobQuestionStatus& s = st.statuses[i];
    if (s.state == RobQuestionState::not_asked && s.answer && *s.answer != RobAnswer::na) {
      throw UsageError(fmt::format("{} question {} is not asked unless {}, yet it is answered {}", tool.short_name,
                                   q.id, describe(*q.asked_if), rob_answer_code(*s.answer)));
    }
    if (s.state == RobQuestionState::asked && s.answer && !contains(q.answers, *s.answer)) {
      // Only NA gets here: check_answers refused every other answer a
      // question does not allow.
      throw UsageError(fmt::format("{} question {} is asked here and cannot be answered NA (its answers: {})",
                                   tool.short_name, q.id, codes(q.answers)));
    }
    if (s.state == RobQuestionState::asked && !s.answer) {
      out.missing.push_back(q.id);
    }
  }
  bool undetermined = std::any_of(st.statuses.begin(), st.statuses.end(), [](const RobQuestionStatus& s) {
    return s.state == RobQuestionState::undetermined;
  });

  if (d.algorithm.empty()) {
    out.status = RobJudgementStatus::assessor;
    out.missing.clear();
    out.rule = fmt::format("{} has no algorithm for domain {}: the assessor judges it", tool.short_name, d.id);
    return out;
  }
  if (!out.missing.empty() || undetermined) {
    out.status = RobJudgementStatus::incomplete;
    out.rule = fmt::format("unanswered: {}", join(out.missing, ", "));
    return out;
  }
  auto answer_of = [&](std::string_view algorithm_id) {
    const std::string& own = d.algorithm_questions.find(algorithm_id)->second;
    const RobQuestionStatus* s = st.status(own);
    return s->state == RobQuestionState::asked ? *s->answer : RobAnswer::na;
  };
  auto rename = [&](std::string_view algorithm_id) { return d.algorithm_questions.find(algorithm_id)->second; };
  return rob_detail::run_algorithm(d.algorithm, answer_of, rename);
}

RobJudgement overall_judgement(const RobTool& tool, const RobDomainLevels& domain_levels,
                               const RobOverallOptions& options) {
  const std::string& rule = tool.overall_rule;
  for (const auto& [domain, level] : domain_levels) {
    tool.domain(domain);
    if (tool.level(level).overall_only) {
      throw UsageError(fmt::format("{}: {} is an overall judgement, not a judgement of domain {}", tool.short_name,
                                   tool.level(level).label, domain));
    }
  }
  if (options.several_concerns_high && rule != "rob2") {
    throw UsageError(fmt::format("{}: 'some concerns in several domains' is an option of RoB 2's overall "
                                 "judgement only",
                                 tool.short_name));
  }
  if (!options.non_key_domains.empty() && rule != "robins-i-2016" && rule != "rob1") {
    throw UsageError(fmt::format("{}: the overall rule has no key domains to choose", tool.short_name));
  }
  std::set<std::string, std::less<>> non_key;
  for (const auto& id : options.non_key_domains) {
    non_key.insert(tool.domain(id).id);
  }

  // The risk-of-bias domains, in the tool's order, with their levels.
  struct Entry {
    const RobDomain* domain;
    const RobLevel* level;
  };
  std::vector<Entry> entries;
  RobJudgement out;
  for (const auto& d : tool.domains) {
    auto it = domain_levels.find(d.id);
    if (d.kind != RobDomainKind::bias) {
      continue;
    }
    if (it == domain_levels.end()) {
      out.missing.push_back(d.id);
      continue;
    }
    entries.push_back({&d, &tool.level(it->second)});
    out.path.push_back(d.id + "=" + it->second);
  }

  if (rule == "assessor") {
    out.status = RobJudgementStatus::assessor;
    out.missing.clear();
    out.rule = fmt::format("{} has no overall rule: the assessor judges the overall risk of bias", tool.short_name);
    return out;
  }
  if (!out.missing.empty()) {
    out.status = RobJudgementStatus::incomplete;
    out.rule = fmt::format("domains not judged: {}", join(out.missing, ", "));
    return out;
  }

  auto domains_at = [&](std::string_view level, bool key_only) {
    std::vector<std::string> ids;
    for (const auto& e : entries) {
      if (e.level->id == level && !(key_only && non_key.count(e.domain->id))) {
        ids.push_back(e.domain->id);
      }
    }
    return ids;
  };
  auto in_domains = [&](const std::vector<std::string>& ids) { return fmt::format("({})", join(ids, ", ")); };

  if (rule == "rob2") {
    auto high = domains_at("high", false);
    auto some = domains_at("some_concerns", false);
    if (options.several_concerns_high && some.size() < 2) {
      throw UsageError(fmt::format("{}: 'some concerns in several domains' needs Some concerns in at least two "
                                   "domains; {}",
                                   tool.short_name,
                                   some.empty() ? std::string("there are none") : "there is only " + some.front()));
    }
    if (!high.empty()) {
      return judged(tool, "high", "High in at least one domain " + in_domains(high), out.path);
    }
    if (some.empty()) {
      return judged(tool, "low", "Low in every domain", out.path);
    }
    if (options.several_concerns_high) {
      return judged(tool, "high",
                    "Some concerns in several domains " + in_domains(some) +
                        ", judged by the assessor to lower confidence in the result substantially",
                    out.path);
    }
    return judged(tool, "some_concerns", "Some concerns in at least one domain " + in_domains(some) + ", High in none",
                  out.path);
  }

  if (rule == "robins-i-2016") {
    auto critical = domains_at("critical", false);
    auto serious = domains_at("serious", false);
    auto ni_key = domains_at("no_information", true);
    auto ni_all = domains_at("no_information", false);
    auto moderate = domains_at("moderate", false);
    if (!critical.empty()) {
      return judged(tool, "critical", "Critical in at least one domain " + in_domains(critical), out.path);
    }
    if (!serious.empty()) {
      return judged(tool, "serious", "Serious in at least one domain " + in_domains(serious) + ", Critical in none",
                    out.path);
    }
    if (!ni_key.empty()) {
      return judged(tool, "no_information",
                    "no Serious or Critical domain; no information in key domain(s) " + in_domains(ni_key), out.path);
    }
    std::string aside = ni_all.empty() ? std::string()
                                       : "; No information in non-key domain(s) " + in_domains(ni_all) + " set aside";
    if (!moderate.empty()) {
      return judged(tool, "moderate",
                    "Low or Moderate in every domain, Moderate in " + in_domains(moderate) + aside, out.path);
    }
    if (!ni_all.empty() && ni_all.size() == entries.size()) {
      return judged(tool, "no_information", "No information in every domain", out.path);
    }
    return judged(tool, "low", "Low in every domain" + aside, out.path);
  }

  if (rule == "rob1") {
    auto high = domains_at("high", true);
    auto unclear = domains_at("unclear", true);
    std::vector<std::string> key;
    for (const auto& e : entries) {
      if (!non_key.count(e.domain->id)) {
        key.push_back(e.domain->id);
      }
    }
    if (key.empty()) {
      throw UsageError(fmt::format("{}: the summary needs at least one key domain", tool.short_name));
    }
    std::string over = non_key.empty() ? std::string("every domain is key")
                                       : "key domains " + in_domains(key);
    if (!high.empty()) {
      return judged(tool, "high", over + "; High in " + in_domains(high), out.path);
    }
    if (!unclear.empty()) {
      return judged(tool, "unclear", over + "; Unclear in " + in_domains(unclear) + ", High in none", out.path);
    }
    return judged(tool, "low", over + "; Low in every key domain", out.path);
  }

  if (rule == "quadas-2") {
    std::vector<std::string> not_low;
    for (const auto& e : entries) {
      if (e.level->id != "low") {
        not_low.push_back(e.domain->id);
      }
    }
    if (not_low.empty()) {
      return judged(tool, "low", "Low risk of bias in every risk-of-bias domain", out.path);
    }
    return judged(tool, "at_risk", "High or Unclear risk of bias in " + in_domains(not_low), out.path);
  }

  // most-severe (checked by the loader: every level has a severity).
  const Entry* worst = &entries.front();
  for (const auto& e : entries) {
    if (*e.level->severity > *worst->level->severity) {
      worst = &e;
    }
  }
  auto at_worst = domains_at(worst->level->id, false);
  return judged(tool, worst->level->id, "the most severe domain judgement " + in_domains(at_worst), out.path);
}

} // namespace litrev
