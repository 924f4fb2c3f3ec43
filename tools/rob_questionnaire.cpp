// The interactive risk-of-bias questionnaire (rob_questionnaire.hpp).
//
// The questionnaire is a loop over steps. Each time round, next_step() works
// out what to ask from the assessment itself (answers, overrides, options)
// and from what this session remembers (questions skipped, judgements the
// assessor has seen), so `back`, `change` and `override` need no record of
// where we were: they change the assessment, and the loop finds its place.
// Every change is recorded as a whole snapshot before it is kept in memory:
// what the assessor sees is always what the ledger holds.
#include "rob_questionnaire.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <litrev/error.hpp>
#include <litrev/rob.hpp>
#include <litrev/rob_assess.hpp>
#include <litrev/rob_report.hpp>

#include "terminal.hpp"

namespace litrev::cli {

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    return {};
  }
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

// `s` as a POSIX shell reads it back: as is when it is safe, else in single
// quotes.
std::string shell_quote(const std::string& s) {
  constexpr std::string_view safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@+=,";
  if (!s.empty() && s.find_first_not_of(safe) == std::string::npos) {
    return s;
  }
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// "a, b or c".
std::string or_list(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      s += i + 1 == items.size() ? " or " : ", ";
    }
    s += items[i];
  }
  return s;
}

std::vector<std::string> codes(const std::vector<RobAnswer>& answers) {
  std::vector<std::string> out;
  for (RobAnswer a : answers) {
    out.emplace_back(rob_answer_code(a));
  }
  return out;
}

// The first word of `line`, lower-cased, and the rest, trimmed.
std::pair<std::string, std::string> split_command(const std::string& line) {
  const auto sp = line.find_first_of(" \t");
  if (sp == std::string::npos) {
    return {lower(line), {}};
  }
  return {lower(line.substr(0, sp)), trim(line.substr(sp))};
}

struct Step {
  enum Kind { question, judgement, assessor_level, several_concerns, overall, resumed_complete, done };
  Kind kind = done;
  const RobDomain* domain = nullptr;
  const RobQuestion* q = nullptr;

  std::string key() const {
    switch (kind) {
    case question:
      return "q:" + q->id;
    case judgement:
    case assessor_level:
      return "j:" + domain->id;
    case several_concerns:
      return "several";
    case overall:
      return "overall";
    case resumed_complete:
      return "complete";
    case done:
      break;
    }
    return "done";
  }
};

enum class Flow { go_on, quit };

// What a free-text prompt (a justification, a support note) got.
struct TextReply {
  enum Kind { text, cancel, quit } kind = cancel;
  std::string value;
};

constexpr const char* k_commands = "Commands: note TEXT, back, skip, show, help, quit.";

class Questionnaire {
public:
  Questionnaire(const Review& review, const std::string& reviewer, const RobTool& tool,
                const QuestionnaireTarget& target, std::istream& in, std::ostream& out)
    : m_review(review), m_reviewer(reviewer), m_tool(tool), m_target(target), m_in(in), m_out(out) {
    m_echo = &in != &std::cin || isatty(STDIN_FILENO) == 0;
  }

  int run();

private:
  // ---- reading -------------------------------------------------------------
  std::optional<std::string> read_line(const char* prompt = "> ");
  TextReply read_text(const std::string& ask, bool required, const std::string& refusal);

  // ---- the assessment --------------------------------------------------------
  RobEvaluation evaluate() const { return evaluate_rob(m_tool, m_a); }
  bool save(const RobAssessment& next);
  std::vector<std::pair<std::string, RobAnswer>> prune(RobAssessment& a) const;
  std::vector<std::string> withdraw(RobAssessment& a, const RobDomain& d) const;
  void touched(const RobDomain& d);
  const RobDomain& domain_of(const std::string& question) const;
  std::string label(const std::string& level) const {
    return level.empty() ? std::string("-") : m_tool.level(level).label;
  }
  std::vector<std::string> level_labels(bool overall) const;

  // ---- steps -------------------------------------------------------------------
  Step next_step();
  void present(const Step& s);
  Flow ask(const Step& s);
  Flow ask_question(const Step& s, const std::string& line);
  // The domain level `line` spells, or "" after telling the assessor why it
  // is not one (`hint` is appended to that message).
  std::string domain_level(const std::string& line, const std::string& domain, const char* hint);
  Flow ask_judgement(const Step& s, const std::string& line);
  Flow ask_assessor_level(const Step& s, const std::string& line);
  Flow ask_several_concerns(const std::string& line);
  Flow ask_overall(const std::string& line);
  void answer(const RobDomain& d, const RobQuestion& q, RobAnswer a);

  // ---- commands ------------------------------------------------------------------
  // Runs `line` when it is a command other than skip (which means something
  // different at each step); nullopt when it is not a command.
  std::optional<Flow> command(const std::string& line, const Step& s);
  void note(const std::string& text, const Step& s);
  void undo(const std::string& id, const char* verb);
  std::string last_answered() const;
  void override_command(const std::string& what);

  // ---- output ----------------------------------------------------------------------
  void print_header(bool resumed);
  void print_judgements(const RobEvaluation& e, const char* title = "Judgements so far:");
  void print_help();
  void print_domain_heading(const RobDomain& d);
  void print_resume_hint();
  void finish();

  const Review& m_review;
  const std::string m_reviewer;
  const RobTool& m_tool;
  const QuestionnaireTarget m_target;
  std::istream& m_in;
  std::ostream& m_out;
  bool m_echo = false;

  RobAssessment m_a;
  std::vector<std::string> m_history;          // questions answered this session, in order
  std::map<std::string, RobAnswer> m_undone;   // answers taken back this session: shown when asked again
  std::set<std::string> m_skipped;             // questions skipped this session
  std::set<std::string> m_skipped_domains;     // assessor-judged domains left unjudged this session
  std::set<std::string> m_reviewed;            // domains whose judgement the assessor has seen
  std::set<std::string> m_announced;           // unjudged domains already reported
  bool m_several_settled = false;
  bool m_overall_settled = false;
  bool m_started_complete = false;
  bool m_acknowledged = false;
  std::size_t m_saves = 0;
  std::string m_shown;        // the step whose text was printed last
  std::string m_domain_shown; // the domain whose heading was printed last
};

// ---- reading -----------------------------------------------------------------

std::optional<std::string> Questionnaire::read_line(const char* prompt) {
  m_out << prompt << std::flush;
  std::string line;
  if (!std::getline(m_in, line)) {
    m_out << "\n";
    return std::nullopt;
  }
  // sanitize(): what is typed is printed back and may be stored in the
  // ledger, so it must be valid UTF-8 without control characters.
  line = trim(sanitize(line));
  if (m_echo) {
    m_out << line << "\n";
  }
  return line;
}

TextReply Questionnaire::read_text(const std::string& ask, bool required, const std::string& refusal) {
  m_out << ask << "\n";
  while (true) {
    const std::optional<std::string> line = read_line();
    if (!line) {
      return {TextReply::quit, {}};
    }
    const std::string word = lower(*line);
    if (word == "quit" || word == "exit") {
      return {TextReply::quit, {}};
    }
    if (word == "cancel") {
      return {TextReply::cancel, {}};
    }
    if (line->empty() && required) {
      m_out << refusal << "\n";
      continue;
    }
    return {TextReply::text, *line};
  }
}

// ---- the assessment ------------------------------------------------------------

bool Questionnaire::save(const RobAssessment& next) {
  try {
    record_rob(m_review, m_reviewer, {next}, false);
  } catch (const UsageError& e) {
    // Not expected: every change is checked before it gets here. Keep the
    // assessment as it was, which is what the ledger holds.
    m_out << "Not saved: " << sanitize(e.what()) << "\n";
    return false;
  }
  ++m_saves;
  return true;
}

// Removes answers to questions that the other answers say are not asked
// (after an earlier answer was changed), until there are none; returns them.
std::vector<std::pair<std::string, RobAnswer>> Questionnaire::prune(RobAssessment& a) const {
  std::vector<std::pair<std::string, RobAnswer>> removed;
  bool again = true;
  while (again) {
    again = false;
    for (const RobDomain& d : m_tool.domains) {
      for (const RobQuestionStatus& s : applicable_questions(m_tool, d.id, a.answers)) {
        if (s.state == RobQuestionState::not_asked && s.answer && *s.answer != RobAnswer::na) {
          removed.emplace_back(s.id, *s.answer);
          a.answers.erase(s.id);
          again = true;
        }
      }
    }
  }
  return removed;
}

// Takes out of `a` what a change to the answers of domain `d` invalidates: an
// override of its algorithm, an override of the overall rule and the
// "several concerns" option (the assessor is asked again). The assessor's
// own levels where there is no algorithm or rule stay: they are asked again
// with the old level offered. Returns what was withdrawn, in words.
std::vector<std::string> Questionnaire::withdraw(RobAssessment& a, const RobDomain& d) const {
  std::vector<std::string> said;
  const auto level = a.levels.find(d.id);
  if (!d.algorithm.empty() && level != a.levels.end()) {
    const std::string was = label(parse_judgement(m_tool, level->second.level));
    said.push_back(fmt::format("your override of {} ({}) is withdrawn", d.id, was));
    a.levels.erase(level);
  }
  if (a.overall && m_tool.overall_rule != "assessor") {
    said.push_back(fmt::format("your override of the overall judgement ({}) is withdrawn",
                               label(parse_judgement(m_tool, a.overall->level))));
    a.overall.reset();
  }
  if (a.options.several_concerns_high) {
    said.push_back("your answer that several Some concerns make the overall judgement High is withdrawn");
    a.options.several_concerns_high = false;
  }
  return said;
}

// The session's memory after domain `d` changed: its judgement and the
// overall judgement are to be seen again.
void Questionnaire::touched(const RobDomain& d) {
  m_reviewed.erase(d.id);
  m_announced.erase(d.id);
  m_skipped_domains.erase(d.id);
  m_overall_settled = false;
  m_several_settled = false;
}

const RobDomain& Questionnaire::domain_of(const std::string& question) const {
  for (const RobDomain& d : m_tool.domains) {
    if (d.find_question(question)) {
      return d;
    }
  }
  throw UsageError("no question " + question + " in " + m_tool.short_name); // not reached: ids come from the tool
}

std::vector<std::string> Questionnaire::level_labels(bool overall) const {
  std::vector<std::string> out;
  for (const RobLevel& l : m_tool.levels) {
    if (overall || !l.overall_only) {
      out.push_back(l.label);
    }
  }
  return out;
}

// ---- steps ---------------------------------------------------------------------

Step Questionnaire::next_step() {
  const RobEvaluation e = evaluate();
  for (std::size_t i = 0; i < m_tool.domains.size(); ++i) {
    const RobDomain& d = m_tool.domains[i];
    for (const RobQuestionStatus& s : applicable_questions(m_tool, d.id, m_a.answers)) {
      if (s.state == RobQuestionState::asked && !s.answer && !m_skipped.count(s.id)) {
        return {Step::question, &d, d.find_question(s.id)};
      }
    }
    const RobDomainResult& r = e.domains[i];
    if (r.computed.status == RobJudgementStatus::judged) {
      if (!m_reviewed.count(d.id)) {
        return {Step::judgement, &d, nullptr};
      }
    } else if (r.computed.status == RobJudgementStatus::assessor) {
      if (!m_reviewed.count(d.id) && !m_skipped_domains.count(d.id)) {
        return {Step::assessor_level, &d, nullptr};
      }
    } else if (!m_announced.count(d.id)) {
      m_announced.insert(d.id);
      print_domain_heading(d);
      m_out << fmt::format("{} is not judged yet: {} unanswered (skipped). It is asked again next time.\n", d.id,
                           r.computed.missing.empty() ? std::string("questions") : or_list(r.computed.missing));
    }
  }
  if (e.computed_overall.status == RobJudgementStatus::incomplete) {
    return {};
  }
  if (m_tool.overall_rule == "rob2" && !m_several_settled) {
    std::size_t some = 0, high = 0;
    for (const RobDomainResult& r : e.domains) {
      some += r.level == "some_concerns";
      high += r.level == "high";
    }
    if (some >= 2 && high == 0) {
      return {Step::several_concerns, nullptr, nullptr};
    }
    m_several_settled = true;
  }
  if (!m_overall_settled) {
    return {Step::overall, nullptr, nullptr};
  }
  // A complete assessment opened again: offer to change it until something
  // is saved or the assessor leaves it.
  if (m_started_complete && m_saves == 0 && !m_acknowledged) {
    return {Step::resumed_complete, nullptr, nullptr};
  }
  return {};
}

void Questionnaire::print_domain_heading(const RobDomain& d) {
  if (m_domain_shown == d.id) {
    return;
  }
  m_domain_shown = d.id;
  m_out << "\n" << d.id << "  " << d.name << "\n";
  if (!d.note.empty()) {
    m_out << "    " << d.note << "\n";
  }
}

void Questionnaire::present(const Step& s) {
  const RobEvaluation e = evaluate();
  switch (s.kind) {
  case Step::question: {
    const RobQuestion& q = *s.q;
    print_domain_heading(*s.domain);
    m_out << fmt::format("{}  {}  [{}]\n", q.id, q.text, fmt::join(codes(q.answers), "/"));
    if (!q.note.empty()) {
      m_out << "      (" << q.note << ")\n";
    }
    if (const auto u = m_undone.find(q.id); u != m_undone.end()) {
      m_out << "      (your earlier answer: " << rob_answer_code(u->second) << ")\n";
    }
    if (const auto n = m_a.notes.find(q.id); n != m_a.notes.end() && !n->second.empty()) {
      m_out << "      Your note: " << sanitize(n->second) << "\n";
    }
    break;
  }
  case Step::judgement: {
    print_domain_heading(*s.domain);
    const RobDomainResult& r = *std::find_if(e.domains.begin(), e.domains.end(),
                                             [&](const RobDomainResult& x) { return x.domain == s.domain->id; });
    m_out << fmt::format("{} judgement by the algorithm: {}\n", s.domain->id, label(r.computed.level));
    m_out << "  Rule: " << r.computed.rule << "\n";
    if (r.overridden) {
      m_out << fmt::format("  Your override: {}. Justification: {}\n", label(r.level), sanitize(r.justification));
      m_out << fmt::format("Enter to keep your override, or type a level ({}; {} returns to the algorithm's):\n",
                           or_list(level_labels(false)), label(r.computed.level));
    } else {
      m_out << fmt::format("Enter to accept, or type a level to override ({}):\n", or_list(level_labels(false)));
    }
    break;
  }
  case Step::assessor_level: {
    print_domain_heading(*s.domain);
    m_out << fmt::format("{} has no algorithm in {}: judge this domain yourself.\n", s.domain->id,
                         m_tool.short_name);
    const auto l = m_a.levels.find(s.domain->id);
    if (l != m_a.levels.end()) {
      m_out << fmt::format("  Your judgement: {}{}\n", label(parse_judgement(m_tool, l->second.level)),
                           l->second.justification.empty() ? "" : ". Support: " + sanitize(l->second.justification));
      m_out << fmt::format("Enter to keep it, or type a level ({}):\n", or_list(level_labels(false)));
    } else {
      m_out << fmt::format("Type a level ({}), or skip:\n", or_list(level_labels(false)));
    }
    break;
  }
  case Step::several_concerns: {
    std::vector<std::string> some;
    for (const RobDomainResult& r : e.domains) {
      if (r.level == "some_concerns") {
        some.push_back(r.domain);
      }
    }
    m_out << fmt::format("\nSome concerns in {} domains ({}) and High in none.\n", some.size(), fmt::join(some, ", "));
    m_out << "Do these concerns together lower your confidence in the result substantially?\n"
             "yes: the overall judgement is High; no: it is Some concerns. [yes/no]\n";
    break;
  }
  case Step::overall: {
    m_out << "\n";
    if (e.computed_overall.status == RobJudgementStatus::assessor) {
      m_out << fmt::format("{} has no rule for the overall judgement: judge it yourself.\n", m_tool.short_name);
      if (m_a.overall) {
        m_out << fmt::format("  Your overall judgement: {}\n", label(e.overall));
        m_out << fmt::format("Enter to keep it, or type a level ({}):\n", or_list(level_labels(true)));
      } else {
        m_out << fmt::format("Type the overall level ({}):\n", or_list(level_labels(true)));
      }
      break;
    }
    m_out << fmt::format("Overall judgement by the rule: {}\n", label(e.computed_overall.level));
    m_out << "  Rule: " << e.computed_overall.rule << "\n";
    if (e.overall_overridden) {
      m_out << fmt::format("  Your override: {}. Justification: {}\n", label(e.overall),
                           sanitize(e.overall_justification));
      m_out << fmt::format("Enter to keep your override, or type a level ({}; {} returns to the rule's):\n",
                           or_list(level_labels(true)), label(e.computed_overall.level));
    } else {
      m_out << fmt::format("Enter to accept, or type a level to override ({}):\n", or_list(level_labels(true)));
    }
    break;
  }
  case Step::resumed_complete:
    m_out << "\nThis assessment is complete. Press Enter to leave it as it is, or type a command:\n"
             "change ID (answer question ID again), override D1 (or another domain, or overall), back, note TEXT, "
             "show, help.\n";
    break;
  case Step::done:
    break;
  }
}

Flow Questionnaire::ask(const Step& s) {
  const std::optional<std::string> line = read_line();
  if (!line) {
    return Flow::quit;
  }
  switch (s.kind) {
  case Step::question:
    return ask_question(s, *line);
  case Step::judgement:
    return ask_judgement(s, *line);
  case Step::assessor_level:
    return ask_assessor_level(s, *line);
  case Step::several_concerns:
    return ask_several_concerns(*line);
  case Step::overall:
    return ask_overall(*line);
  case Step::resumed_complete:
    if (line->empty() || lower(*line) == "skip") {
      m_acknowledged = true;
      return Flow::go_on;
    }
    if (const auto f = command(*line, s)) {
      return *f;
    }
    m_out << fmt::format("\"{}\" is not a command here: press Enter to leave the assessment as it is, or type "
                         "help.\n",
                         *line);
    return Flow::go_on;
  case Step::done:
    break;
  }
  return Flow::go_on;
}

Flow Questionnaire::ask_question(const Step& s, const std::string& line) {
  const RobQuestion& q = *s.q;
  const std::vector<std::string> allowed = codes(q.answers);
  if (line.empty()) {
    m_out << fmt::format("Please answer {}: type {}, or skip to leave it for now.\n", q.id, or_list(allowed));
    return Flow::go_on;
  }
  if (lower(line) == "skip") {
    m_skipped.insert(q.id);
    const bool noted = m_a.notes.count(q.id) && !m_a.notes.at(q.id).empty();
    m_out << fmt::format("Skipped {}: {} cannot be judged until it is answered{}.\n", q.id, s.domain->id,
                         noted ? " (your note is saved with the answer)" : "");
    return Flow::go_on;
  }
  if (const auto f = command(line, s)) {
    return *f;
  }
  RobAnswer a;
  try {
    a = parse_rob_answer(line);
  } catch (const UsageError&) {
    m_out << fmt::format("\"{}\" is not an answer to {}: type {} (yes, probably yes, probably no, no, no "
                         "information), or help.\n",
                         line, q.id, or_list(allowed));
    return Flow::go_on;
  }
  if (std::find(q.answers.begin(), q.answers.end(), a) == q.answers.end()) {
    m_out << fmt::format("{} is not an answer to {}: type {}{}.\n", rob_answer_code(a), q.id, or_list(allowed),
                         q.note.empty() ? "" : " (" + q.note + ")");
    return Flow::go_on;
  }
  answer(*s.domain, q, a);
  return Flow::go_on;
}

void Questionnaire::answer(const RobDomain& d, const RobQuestion& q, RobAnswer a) {
  const std::vector<RobQuestionStatus> before = applicable_questions(m_tool, d.id, m_a.answers);
  RobAssessment next = m_a;
  next.answers[q.id] = a;
  const auto removed = prune(next);
  if (!save(next)) {
    return;
  }
  m_a = std::move(next);
  m_history.push_back(q.id);
  m_undone.erase(q.id);
  touched(d);
  // Show how the answer shapes the rest of the domain.
  std::vector<std::string> now_not_asked;
  const std::vector<RobQuestionStatus> after = applicable_questions(m_tool, d.id, m_a.answers);
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (after[i].state == RobQuestionState::not_asked && before[i].state != RobQuestionState::not_asked &&
        !before[i].answer) {
      now_not_asked.push_back(after[i].id);
    }
  }
  if (!now_not_asked.empty()) {
    m_out << fmt::format("  Not asked, given this answer: {}\n", fmt::join(now_not_asked, ", "));
  }
  for (const auto& [id, old] : removed) {
    m_out << fmt::format("  {} is no longer asked, given this answer: its answer {} is removed\n", id,
                         rob_answer_code(old));
  }
}

std::string Questionnaire::domain_level(const std::string& line, const std::string& domain, const char* hint) {
  try {
    const std::string level = parse_judgement(m_tool, line);
    if (m_tool.level(level).overall_only) {
      throw UsageError(m_tool.level(level).label + " is a level of the overall judgement only");
    }
    return level;
  } catch (const UsageError& e) {
    m_out << fmt::format("Not a level for {}: {}{}\n", domain, e.what(), hint);
    return {};
  }
}

Flow Questionnaire::ask_judgement(const Step& s, const std::string& line) {
  const RobDomain& d = *s.domain;
  if (line.empty() || lower(line) == "skip") {
    m_reviewed.insert(d.id);
    return Flow::go_on;
  }
  if (const auto f = command(line, s)) {
    return *f;
  }
  const std::string level = domain_level(line, d.id, " (Enter accepts the algorithm's judgement.)");
  if (level.empty()) {
    return Flow::go_on;
  }
  const RobJudgement computed = domain_judgement(m_tool, d.id, m_a.answers);
  RobAssessment next = m_a;
  if (level == computed.level) {
    if (!next.levels.count(d.id)) {
      m_reviewed.insert(d.id);
      return Flow::go_on;
    }
    next.levels.erase(d.id);
    if (save(next)) {
      m_a = std::move(next);
      m_reviewed.insert(d.id);
      m_overall_settled = m_several_settled = false;
      m_out << fmt::format("Override withdrawn: {} is {} by the algorithm.\n", d.id, label(level));
    }
    return Flow::go_on;
  }
  const TextReply why = read_text(
      fmt::format("Why is {} {} rather than {}? (a justification is required; cancel keeps the algorithm's "
                  "judgement)",
                  d.id, label(level), label(computed.level)),
      true, "A justification is required to override the algorithm's judgement: type it, or cancel.");
  if (why.kind == TextReply::quit) {
    m_out << "The override is not saved.\n";
    return Flow::quit;
  }
  if (why.kind == TextReply::cancel) {
    m_out << "No override: " << d.id << " stays " << label(computed.level) << ".\n";
    m_shown.clear();
    return Flow::go_on;
  }
  next.levels[d.id] = {level, why.value};
  const std::vector<std::string> said = [&] {
    // An earlier overall decision was made on the old level.
    std::vector<std::string> out;
    if (next.overall && m_tool.overall_rule != "assessor") {
      out.push_back("your override of the overall judgement is withdrawn");
      next.overall.reset();
    }
    if (next.options.several_concerns_high) {
      out.push_back("your answer about several Some concerns is withdrawn");
      next.options.several_concerns_high = false;
    }
    return out;
  }();
  if (save(next)) {
    m_a = std::move(next);
    m_reviewed.insert(d.id);
    m_overall_settled = m_several_settled = false;
    m_out << fmt::format("Override saved: {} is {} (the algorithm: {}).\n", d.id, label(level), label(computed.level));
    for (const std::string& x : said) {
      m_out << "  (" << x << "; you will be asked again at the end)\n";
    }
  }
  return Flow::go_on;
}

Flow Questionnaire::ask_assessor_level(const Step& s, const std::string& line) {
  const RobDomain& d = *s.domain;
  const bool has = m_a.levels.count(d.id) > 0;
  if (lower(line) == "skip" || (line.empty() && !has)) {
    if (line.empty()) {
      m_out << fmt::format("Please type a level for {} ({}), or skip.\n", d.id, or_list(level_labels(false)));
      return Flow::go_on;
    }
    m_skipped_domains.insert(d.id);
    m_out << fmt::format("Skipped: {} stays unjudged; it is asked again next time.\n", d.id);
    return Flow::go_on;
  }
  if (line.empty()) {
    m_reviewed.insert(d.id);
    return Flow::go_on;
  }
  if (const auto f = command(line, s)) {
    return *f;
  }
  const std::string level = domain_level(line, d.id, "");
  if (level.empty()) {
    return Flow::go_on;
  }
  const TextReply why = read_text("Support for this judgement (optional; Enter to leave it empty):", false, "");
  if (why.kind == TextReply::quit) {
    m_out << "The judgement is not saved.\n";
    return Flow::quit;
  }
  if (why.kind == TextReply::cancel) {
    m_shown.clear();
    return Flow::go_on;
  }
  RobAssessment next = m_a;
  next.levels[d.id] = {level, why.value};
  if (save(next)) {
    m_a = std::move(next);
    m_reviewed.insert(d.id);
    m_overall_settled = m_several_settled = false;
    m_out << fmt::format("Saved: {} is {}.\n", d.id, label(level));
  }
  return Flow::go_on;
}

Flow Questionnaire::ask_several_concerns(const std::string& line) {
  const std::string w = lower(line);
  bool high = false;
  if (w == "yes" || w == "y") {
    high = true;
  } else if (w == "no" || w == "n" || w == "skip") {
    high = false;
  } else {
    if (const auto f = command(line, Step{Step::several_concerns})) {
      return *f;
    }
    m_out << "Please answer yes (the overall judgement is High) or no (it is Some concerns).\n";
    return Flow::go_on;
  }
  if (high != m_a.options.several_concerns_high) {
    RobAssessment next = m_a;
    next.options.several_concerns_high = high;
    if (!save(next)) {
      return Flow::go_on;
    }
    m_a = std::move(next);
    m_overall_settled = false;
  }
  m_several_settled = true;
  return Flow::go_on;
}

Flow Questionnaire::ask_overall(const std::string& line) {
  const RobEvaluation e = evaluate();
  const bool assessor = e.computed_overall.status == RobJudgementStatus::assessor;
  if (line.empty() || lower(line) == "skip") {
    if (assessor && !m_a.overall) {
      m_out << fmt::format("Please type the overall level ({}).\n", or_list(level_labels(true)));
      return Flow::go_on;
    }
    m_overall_settled = true;
    return Flow::go_on;
  }
  if (const auto f = command(line, Step{Step::overall})) {
    return *f;
  }
  std::string level;
  try {
    level = parse_judgement(m_tool, line);
  } catch (const UsageError& e2) {
    m_out << fmt::format("Not a level: {}\n", e2.what());
    return Flow::go_on;
  }
  RobAssessment next = m_a;
  if (!assessor && level == e.computed_overall.level) {
    if (next.overall) {
      next.overall.reset();
      if (!save(next)) {
        return Flow::go_on;
      }
      m_a = std::move(next);
      m_out << "Override withdrawn: the overall judgement is " << label(level) << " by the rule.\n";
    }
    m_overall_settled = true;
    return Flow::go_on;
  }
  const TextReply why =
      assessor ? read_text("Support for this judgement (optional; Enter to leave it empty):", false, "")
               : read_text(fmt::format("Why is the overall judgement {} rather than {}? (a justification is required; "
                                       "cancel keeps the rule's judgement)",
                                       label(level), label(e.computed_overall.level)),
                           true,
                           "A justification is required to override the overall rule: type it, or cancel.");
  if (why.kind == TextReply::quit) {
    m_out << "The overall judgement is not saved.\n";
    return Flow::quit;
  }
  if (why.kind == TextReply::cancel) {
    m_shown.clear();
    return Flow::go_on;
  }
  next.overall = RobLevelChoice{level, why.value};
  if (save(next)) {
    m_a = std::move(next);
    m_overall_settled = true;
    m_out << (assessor ? "Saved: the overall judgement is " : "Override saved: the overall judgement is ")
          << label(level) << ".\n";
  }
  return Flow::go_on;
}

// ---- commands --------------------------------------------------------------------

std::optional<Flow> Questionnaire::command(const std::string& line, const Step& s) {
  const auto [word, rest] = split_command(line);
  if (word == "quit" || word == "exit" || word == "q") {
    return Flow::quit;
  }
  if (word == "help" || word == "?") {
    print_help();
    m_shown.clear();
    return Flow::go_on;
  }
  if (word == "show") {
    m_out << "\n";
    print_judgements(evaluate());
    m_shown.clear();
    return Flow::go_on;
  }
  if (word == "note") {
    note(rest, s);
    return Flow::go_on;
  }
  if (word == "back") {
    const std::string id = last_answered();
    if (id.empty()) {
      m_out << "Nothing to undo: no question is answered yet.\n";
    } else {
      undo(id, "Undone");
    }
    return Flow::go_on;
  }
  if (word == "change") {
    const RobQuestion* q = m_tool.find_question(rest);
    if (rest.empty()) {
      m_out << "Type the question to answer again after the word change: change 1.2\n";
    } else if (!q) {
      m_out << fmt::format("There is no question {} in {}.\n", rest, m_tool.short_name);
    } else if (!m_a.answers.count(q->id)) {
      m_out << fmt::format("{} has no answer to change.\n", q->id);
    } else {
      undo(q->id, "Taken back");
    }
    return Flow::go_on;
  }
  if (word == "override") {
    override_command(rest);
    return Flow::go_on;
  }
  return std::nullopt;
}

void Questionnaire::note(const std::string& text, const Step& s) {
  if (text.empty()) {
    m_out << "Type the note after the word note, e.g.: note \"computer-generated list\" (p. 4)\n";
    return;
  }
  if (s.kind == Step::question) {
    const std::string& id = s.q->id;
    const bool replaced = m_a.notes.count(id) && !m_a.notes.at(id).empty();
    m_a.notes[id] = text;
    m_out << fmt::format("Note {} for {}; it is saved with your answer.\n", replaced ? "replaced" : "kept", id);
    return;
  }
  const std::string id = last_answered();
  if (id.empty()) {
    m_out << "No question is answered yet: a note goes with an answer.\n";
    return;
  }
  RobAssessment next = m_a;
  next.notes[id] = text;
  if (save(next)) {
    m_a = std::move(next);
    m_out << fmt::format("Note saved with {}.\n", id);
  }
}

// The answer to take back: the last one given in this session, else the last
// answered question in the tool's order.
std::string Questionnaire::last_answered() const {
  for (auto it = m_history.rbegin(); it != m_history.rend(); ++it) {
    if (m_a.answers.count(*it)) {
      return *it;
    }
  }
  for (auto d = m_tool.domains.rbegin(); d != m_tool.domains.rend(); ++d) {
    for (auto q = d->questions.rbegin(); q != d->questions.rend(); ++q) {
      if (m_a.answers.count(q->id)) {
        return q->id;
      }
    }
  }
  return {};
}

void Questionnaire::undo(const std::string& id, const char* verb) {
  const RobDomain& d = domain_of(id);
  const RobAnswer old = m_a.answers.at(id);
  RobAssessment next = m_a;
  next.answers.erase(id);
  std::vector<std::string> said = withdraw(next, d);
  prune(next);
  if (!save(next)) {
    return;
  }
  m_a = std::move(next);
  m_history.erase(std::remove(m_history.begin(), m_history.end(), id), m_history.end());
  m_undone[id] = old;
  m_skipped.erase(id);
  touched(d);
  m_out << fmt::format("{}: {} (was {}); it is asked again.\n", verb, id, rob_answer_code(old));
  for (const std::string& x : said) {
    m_out << "  (" << x << ")\n";
  }
}

void Questionnaire::override_command(const std::string& what) {
  if (what.empty()) {
    m_out << "Type what to override: override D1 (a domain) or override overall.\n";
    return;
  }
  if (lower(what) == "overall") {
    if (evaluate().computed_overall.status == RobJudgementStatus::incomplete) {
      m_out << "The overall judgement comes once every domain is judged.\n";
      return;
    }
    m_overall_settled = false;
    m_several_settled = false;
    m_shown.clear();
    const Step::Kind next = next_step().kind;
    if (next != Step::overall && next != Step::several_concerns) {
      m_out << "You will see the overall judgement again at the end.\n";
    }
    return;
  }
  const RobDomain* d = nullptr;
  for (const RobDomain& x : m_tool.domains) {
    if (lower(x.id) == lower(what)) {
      d = &x;
    }
  }
  if (!d) {
    std::vector<std::string> ids;
    for (const RobDomain& x : m_tool.domains) {
      ids.push_back(x.id);
    }
    m_out << fmt::format("There is no domain {} in {}: type override {} or override overall.\n", what,
                         m_tool.short_name, or_list(ids));
    return;
  }
  if (domain_judgement(m_tool, d->id, m_a.answers).status == RobJudgementStatus::incomplete) {
    m_out << fmt::format("{} can be overridden once its questions are answered.\n", d->id);
    return;
  }
  m_reviewed.erase(d->id);
  m_skipped_domains.erase(d->id);
  m_shown.clear();
  m_domain_shown.clear();
}

// ---- output --------------------------------------------------------------------------

void Questionnaire::print_header(bool resumed) {
  m_out << m_tool.name << "\n";
  if (m_tool.is_draft()) {
    m_out << "(This tool's definition is a draft: " << m_tool.source << ")\n";
  }
  m_out << "Study:    " << sanitize(m_a.study) << "\n";
  if (!m_a.result.empty()) {
    m_out << "Result:   " << sanitize(m_a.result) << "\n";
  }
  if (!m_a.record.empty()) {
    m_out << "Record:   " << sanitize(m_a.record) << "\n";
  }
  m_out << "Assessor: " << sanitize(m_reviewer) << "\n";
  if (resumed) {
    m_out << fmt::format("Resuming your assessment (last saved {}): {} question{} answered; answered questions are "
                         "not asked again.\n",
                         sanitize(m_a.ts), m_a.answers.size(), m_a.answers.size() == 1 ? "" : "s");
    print_judgements(evaluate());
  } else {
    m_out << "No answers yet. Each answer is saved as soon as you give it.\n";
  }
  m_out << "Answer with a code shown in [brackets] or in words (yes, probably yes, probably no, no, no "
           "information).\n"
        << k_commands << "\n";
}

void Questionnaire::print_judgements(const RobEvaluation& e, const char* title) {
  std::size_t width = 7;
  for (const RobDomain& d : m_tool.domains) {
    width = std::max(width, d.id.size() + 2 + d.short_name.size());
  }
  m_out << title << "\n";
  for (std::size_t i = 0; i < e.domains.size(); ++i) {
    const RobDomain& d = m_tool.domains[i];
    const RobDomainResult& r = e.domains[i];
    const std::string name = d.id + "  " + d.short_name;
    std::string what;
    const bool started = std::any_of(d.questions.begin(), d.questions.end(),
                                     [&](const RobQuestion& q) { return m_a.answers.count(q.id) > 0; });
    if (r.overridden) {
      what = fmt::format("{} (your override; the algorithm: {}, {}). Justification: {}", label(r.level),
                         label(r.computed.level), r.computed.rule, sanitize(r.justification));
    } else if (r.computed.status == RobJudgementStatus::judged) {
      what = fmt::format("{} ({})", label(r.level), r.computed.rule);
    } else if (r.computed.status == RobJudgementStatus::assessor) {
      what = r.level.empty() ? std::string("not judged yet (your judgement: the tool has no algorithm)")
                             : label(r.level) + " (your judgement" +
                                   (r.justification.empty() ? std::string(")") : "): " + sanitize(r.justification));
    } else if (!started) {
      what = "not started";
    } else {
      what = r.computed.missing.empty() ? std::string("not judged yet")
                                        : "not judged yet: unanswered " + fmt::format("{}", fmt::join(r.computed.missing,
                                                                                                      ", "));
    }
    m_out << fmt::format("  {:<{}}  {}\n", name, width, what);
  }
  std::string overall;
  if (e.overall_overridden) {
    overall = fmt::format("{} (your override; the rule: {}, {}). Justification: {}", label(e.overall),
                          label(e.computed_overall.level), e.computed_overall.rule, sanitize(e.overall_justification));
  } else if (e.computed_overall.status == RobJudgementStatus::judged) {
    overall = fmt::format("{} ({})", label(e.overall), e.computed_overall.rule);
  } else if (e.computed_overall.status == RobJudgementStatus::assessor) {
    overall = e.overall.empty() ? std::string("not judged yet (your judgement: the tool has no overall rule)")
                                : label(e.overall) + " (your judgement)";
  } else {
    overall = "not judged yet";
  }
  m_out << fmt::format("  {:<{}}  {}\n", "Overall", width, overall);
}

void Questionnaire::print_help() {
  m_out << "\nAnswer each question with a code shown in [brackets]: Y yes, PY probably yes, PN probably no, N no,\n"
           "NI no information (codes or words, any case). Only the questions that apply are asked.\n"
           "  note TEXT      support for the question being asked (a quote, a page); type it before your answer.\n"
           "                 At a judgement, the note goes with the last question answered.\n"
           "  back           take back your last answer and ask that question again\n"
           "  skip           leave this question for now (its domain stays unjudged until it is answered)\n"
           "  change ID      answer question ID (e.g. 1.2) again\n"
           "  override D1    see the judgement of domain D1 again, to override it (override overall: the overall)\n"
           "  show           the judgements so far\n"
           "  quit           stop here: everything is saved, and the same command carries on where you stopped\n"
           "At a judgement, press Enter to accept it or type a level (e.g. Low, Some concerns, High) to override it;\n"
           "an override needs a justification. End of input (Ctrl-D) is the same as quit.\n";
}

void Questionnaire::print_resume_hint() {
  std::string cmd = "litrev rob assess " + shell_quote(sanitize(m_target.study)) + " --tool " +
                    shell_quote(sanitize(m_target.tool));
  if (!m_target.result.empty()) {
    cmd += " --result " + shell_quote(sanitize(m_target.result));
  }
  if (!m_target.record.empty()) {
    cmd += " --record " + shell_quote(sanitize(m_target.record));
  }
  cmd += " --reviewer " + shell_quote(sanitize(m_reviewer));
  m_out << "To carry on where you stopped, run this again in the same review:\n  " << cmd << "\n";
}

void Questionnaire::finish() {
  const RobEvaluation e = evaluate();
  m_out << "\nSummary: " << sanitize(m_a.study);
  if (!m_a.result.empty()) {
    m_out << " — " << sanitize(m_a.result);
  }
  m_out << " (" << m_tool.short_name << "), assessed by " << sanitize(m_reviewer) << "\n";
  print_judgements(e, "Judgements:");
  if (m_started_complete && m_saves == 0) {
    m_out << "Nothing changed.\n";
    return;
  }
  if (e.complete) {
    m_out << "Complete: overall " << label(e.overall) << ". Saved.\n";
  } else {
    m_out << fmt::format("Not complete yet (missing: {}). Everything answered is saved.\n", fmt::join(e.missing, "; "));
    print_resume_hint();
  }
}

int Questionnaire::run() {
  // Resume from the reviewer's standing assessment of the same tool, study
  // and result.
  bool resumed = false;
  for (const RobItem& item : rob_items(m_review)) {
    if (item.tool == m_tool.id && item.study == m_target.study && item.result == m_target.result) {
      const auto it = item.by_assessor.find(m_reviewer);
      if (it != item.by_assessor.end()) {
        m_a = it->second;
        resumed = true;
      }
    }
  }
  m_a.tool = m_tool.id;
  m_a.study = m_target.study;
  m_a.result = m_target.result;
  if (!m_target.record.empty()) {
    m_a.record = m_target.record;
  }
  m_a.stated.clear();
  prune(m_a);
  RobEvaluation e;
  try {
    e = evaluate();
  } catch (const UsageError& x) {
    throw UsageError(std::string("rob assess: your saved assessment cannot be resumed: ") + x.what());
  }
  for (const RobDomainResult& r : e.domains) {
    if (!r.level.empty()) {
      m_reviewed.insert(r.domain);
    }
  }
  m_started_complete = e.complete;
  m_overall_settled = e.complete;
  m_several_settled = e.complete || m_a.options.several_concerns_high;

  print_header(resumed);
  while (true) {
    const Step s = next_step();
    if (s.kind == Step::done) {
      finish();
      return 0;
    }
    if (s.key() != m_shown) {
      present(s);
      m_shown = s.key();
    }
    if (ask(s) == Flow::quit) {
      m_out << "\nStopped. ";
      if (m_a.answers.empty()) {
        m_out << "No answer was given, so nothing is saved.\n";
      } else {
        m_out << fmt::format("All your answers are saved ({} question{} answered).\n", m_a.answers.size(),
                             m_a.answers.size() == 1 ? "" : "s");
      }
      print_resume_hint();
      return 0;
    }
  }
}

} // namespace

int run_rob_questionnaire(const Review& review, const std::string& reviewer, const QuestionnaireTarget& target,
                          std::istream& in, std::ostream& out) {
  // Check everything record_rob() checks about the target before the first
  // question, so that nobody answers questions that cannot be saved.
  review.protocol().check_actor(reviewer);
  const RobTool& tool = rob_report_tool(target.tool);
  if (target.study.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw UsageError("rob assess: name the study (its label in outcome data and tables): rob assess STUDY --tool " +
                     target.tool);
  }
  if (!target.record.empty() && !review.open_index().contains(target.record)) {
    throw UsageError("rob assess: record " + target.record + " is not in the review");
  }
  Questionnaire q(review, reviewer, tool, target, in, out);
  return q.run();
}

} // namespace litrev::cli
