// Risk-of-bias tool definitions: reading and checking the embedded JSON
// (lib/rob-tools), the registry, answer codes, and reading the judgement
// levels people write.
#include <litrev/rob.hpp>

#include <algorithm>
#include <set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <litrev/error.hpp>

#include "rob/embedded.hpp"
#include "rob/internal.hpp"

namespace litrev {

using nlohmann::json;

namespace {

struct AnswerInfo {
  RobAnswer answer;
  const char* code;
  const char* words; // normalized spellings, '|'-separated
};

constexpr AnswerInfo k_answers[] = {
    {RobAnswer::y, "Y", "yes"},
    {RobAnswer::py, "PY", "probably yes"},
    {RobAnswer::pn, "PN", "probably no"},
    {RobAnswer::n, "N", "no"},
    {RobAnswer::ni, "NI", "no information|no info"},
    {RobAnswer::na, "NA", "not applicable|n a"},
    {RobAnswer::sy, "SY", ""},
    {RobAnswer::wy, "WY", ""},
    {RobAnswer::sn, "SN", ""},
    {RobAnswer::wn, "WN", ""},
};

std::optional<RobAnswer> answer_from_code(std::string_view code) {
  for (const auto& a : k_answers) {
    if (code == a.code) {
      return a.answer;
    }
  }
  return std::nullopt;
}

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

std::vector<std::string> split_bar(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto bar = s.find('|');
    out.emplace_back(s.substr(0, bar));
    if (bar == std::string_view::npos) {
      break;
    }
    s.remove_prefix(bar + 1);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading a definition

class DefinitionReader {
public:
  explicit DefinitionReader(std::string origin) : m_origin(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& problem) const { throw DataError(m_origin, 0, problem); }

  std::string string_at(const json& obj, const char* key, const std::string& where, bool required = true) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) {
        fail(fmt::format("{}: \"{}\" is missing", where, key));
      }
      return {};
    }
    if (!it->is_string()) {
      fail(fmt::format("{}: \"{}\" is not a string", where, key));
    }
    return it->get<std::string>();
  }

  const json& array_at(const json& obj, const char* key, const std::string& where) const {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_array()) {
      fail(fmt::format("{}: \"{}\" is missing or not an array", where, key));
    }
    return *it;
  }

  bool bool_at(const json& obj, const char* key, const std::string& where) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      return false;
    }
    if (!it->is_boolean()) {
      fail(fmt::format("{}: \"{}\" is not true or false", where, key));
    }
    return it->get<bool>();
  }

  RobAnswer answer(const json& v, const std::string& where) const {
    if (v.is_string()) {
      if (auto a = answer_from_code(v.get<std::string>())) {
        return *a;
      }
    }
    fail(fmt::format("{}: {} is not an answer code (Y, PY, PN, N, NI, NA, SY, WY, SN, WN)", where, v.dump()));
  }

  std::vector<RobAnswer> answers(const json& arr, const std::string& where) const {
    if (!arr.is_array() || arr.empty()) {
      fail(fmt::format("{}: expected a non-empty array of answer codes", where));
    }
    std::vector<RobAnswer> out;
    for (const auto& v : arr) {
      RobAnswer a = answer(v, where);
      if (std::find(out.begin(), out.end(), a) != out.end()) {
        fail(fmt::format("{}: {} is listed twice", where, rob_answer_code(a)));
      }
      out.push_back(a);
    }
    return out;
  }

  // A condition of a question of `domain`, which may refer only to the
  // questions before it (domain.questions as read so far).
  RobCondition condition(const json& c, const RobDomain& domain, const std::string& where) const {
    if (!c.is_object()) {
      fail(fmt::format("{}: a condition must be an object", where));
    }
    RobCondition out;
    if (c.contains("question")) {
      out.kind = RobCondition::Kind::answer;
      out.question = string_at(c, "question", where);
      const RobQuestion* ref = domain.find_question(out.question);
      if (!ref) {
        fail(fmt::format("{}: the condition refers to {}, which is not an earlier question of domain {}", where,
                         out.question, domain.id));
      }
      out.in = answers(c.contains("in") ? c.at("in") : json(), where + " (in)");
      for (RobAnswer a : out.in) {
        if (a != RobAnswer::na && std::find(ref->answers.begin(), ref->answers.end(), a) == ref->answers.end()) {
          fail(fmt::format("{}: the condition tests {} = {}, which {} does not allow", where, out.question,
                           rob_answer_code(a), out.question));
        }
      }
      return out;
    }
    const char* key = c.contains("any") ? "any" : c.contains("all") ? "all" : nullptr;
    if (!key) {
      fail(fmt::format("{}: a condition needs \"question\", \"any\" or \"all\"", where));
    }
    out.kind = c.contains("any") ? RobCondition::Kind::any : RobCondition::Kind::all;
    const json& terms = array_at(c, key, where);
    if (terms.empty()) {
      fail(fmt::format("{}: \"{}\" is empty", where, key));
    }
    for (const auto& t : terms) {
      out.terms.push_back(condition(t, domain, where));
    }
    return out;
  }

  RobTool tool(const json& doc) const {
    if (!doc.is_object()) {
      fail("a tool definition must be a JSON object");
    }
    RobTool t;
    t.id = string_at(doc, "id", "tool");
    t.family = string_at(doc, "family", t.id);
    t.variant = string_at(doc, "variant", t.id, false);
    t.name = string_at(doc, "name", t.id);
    t.short_name = string_at(doc, "short_name", t.id);
    t.version = string_at(doc, "version", t.id);
    t.status = string_at(doc, "status", t.id);
    if (t.status != "official" && t.status != "draft") {
      fail(fmt::format("{}: status \"{}\" is neither official nor draft", t.id, t.status));
    }
    t.source = string_at(doc, "source", t.id);

    std::set<std::string> level_ids;
    for (const auto& l : array_at(doc, "levels", t.id)) {
      RobLevel level;
      level.id = string_at(l, "id", t.id + " level");
      std::string where = t.id + " level " + level.id;
      level.label = string_at(l, "label", where);
      if (auto it = l.find("severity"); it != l.end()) {
        if (!it->is_number_integer() || it->get<int>() < 0) {
          fail(where + ": severity must be a non-negative integer");
        }
        level.severity = it->get<int>();
      }
      level.no_information = bool_at(l, "no_information", where);
      level.overall_only = bool_at(l, "overall_only", where);
      if (level.no_information == level.severity.has_value()) {
        fail(where + ": a level has a severity unless it is No information");
      }
      if (auto it = l.find("spellings"); it != l.end()) {
        for (const auto& s : *it) {
          if (!s.is_string()) {
            fail(where + ": spellings must be strings");
          }
          level.spellings.push_back(s.get<std::string>());
        }
      }
      if (!level_ids.insert(level.id).second) {
        fail(where + ": level listed twice");
      }
      t.levels.push_back(std::move(level));
    }

    const json& overall = doc.contains("overall") ? doc.at("overall") : json();
    if (!overall.is_object()) {
      fail(t.id + ": \"overall\" is missing");
    }
    t.overall_rule = string_at(overall, "rule", t.id + " overall");
    t.overall_note = string_at(overall, "note", t.id + " overall", false);

    std::set<std::string> domain_ids;
    std::set<std::string> question_ids;
    for (const auto& d : array_at(doc, "domains", t.id)) {
      RobDomain domain;
      domain.id = string_at(d, "id", t.id + " domain");
      std::string where = t.id + " domain " + domain.id;
      if (!domain_ids.insert(domain.id).second) {
        fail(where + ": domain listed twice");
      }
      domain.name = string_at(d, "name", where);
      domain.short_name = string_at(d, "short_name", where);
      std::string kind = string_at(d, "kind", where, false);
      if (kind == "applicability") {
        domain.kind = RobDomainKind::applicability;
      } else if (!kind.empty() && kind != "bias") {
        fail(fmt::format("{}: kind \"{}\" is neither bias nor applicability", where, kind));
      }
      domain.algorithm = string_at(d, "algorithm", where, false);
      domain.note = string_at(d, "note", where, false);
      for (const auto& q : array_at(d, "questions", where)) {
        RobQuestion question;
        question.id = string_at(q, "id", where + " question");
        std::string qwhere = t.id + " question " + question.id;
        if (!question_ids.insert(question.id).second) {
          fail(qwhere + ": question id used twice in the tool");
        }
        question.text = string_at(q, "text", qwhere);
        question.answers = answers(q.contains("answers") ? q.at("answers") : json(), qwhere + " answers");
        question.note = string_at(q, "note", qwhere, false);
        if (auto it = q.find("asked_if"); it != q.end()) {
          question.asked_if = condition(*it, domain, qwhere + " asked_if");
        }
        domain.questions.push_back(std::move(question));
      }
      check_algorithm(t, domain, d, where);
      t.domains.push_back(std::move(domain));
    }
    if (t.domains.empty()) {
      fail(t.id + ": no domains");
    }
    if (auto it = doc.find("gaps"); it != doc.end()) {
      for (const auto& g : *it) {
        if (!g.is_string()) {
          fail(t.id + ": gaps must be strings");
        }
        t.gaps.push_back(g.get<std::string>());
      }
    }
    check_overall_rule(t);
    return t;
  }

private:
  void check_algorithm(const RobTool& t, RobDomain& domain, const json& d, const std::string& where) const {
    if (domain.algorithm.empty()) {
      if (d.contains("algorithm_questions")) {
        fail(where + ": algorithm_questions without an algorithm");
      }
      return;
    }
    const auto* needed = rob_detail::algorithm_questions(domain.algorithm);
    if (!needed) {
      fail(fmt::format("{}: unknown algorithm \"{}\"", where, domain.algorithm));
    }
    std::map<std::string, std::string, std::less<>> rename;
    if (auto it = d.find("algorithm_questions"); it != d.end()) {
      if (!it->is_object()) {
        fail(where + ": algorithm_questions must be an object");
      }
      for (const auto& [from, to] : it->items()) {
        if (!to.is_string()) {
          fail(where + ": algorithm_questions values must be question ids");
        }
        if (std::find(needed->begin(), needed->end(), from) == needed->end()) {
          fail(fmt::format("{}: algorithm {} reads no question {}", where, domain.algorithm, from));
        }
        rename[from] = to.get<std::string>();
      }
    }
    for (const auto& id : *needed) {
      auto it = rename.find(id);
      std::string own = it == rename.end() ? id : it->second;
      if (!domain.find_question(own)) {
        fail(fmt::format("{}: algorithm {} needs question {}, which the domain does not have", where,
                         domain.algorithm, own));
      }
      domain.algorithm_questions[id] = own;
    }
    if (domain.algorithm_questions.size() != domain.questions.size()) {
      fail(fmt::format("{}: algorithm {} reads {} questions, the domain has {}", where, domain.algorithm,
                       domain.algorithm_questions.size(), domain.questions.size()));
    }
    for (const char* level : {"low", "some_concerns", "high"}) {
      if (!has_level(t, level)) {
        fail(fmt::format("{}: algorithm {} judges {}, which is not a level of the tool", where, domain.algorithm,
                         level));
      }
    }
  }

  static bool has_level(const RobTool& t, std::string_view id) {
    return std::any_of(t.levels.begin(), t.levels.end(), [&](const RobLevel& l) { return l.id == id; });
  }

  void check_overall_rule(const RobTool& t) const {
    std::vector<const char*> needed;
    if (t.overall_rule == "rob2") {
      needed = {"low", "some_concerns", "high"};
    } else if (t.overall_rule == "robins-i-2016") {
      needed = {"low", "moderate", "serious", "critical", "no_information"};
    } else if (t.overall_rule == "rob1") {
      needed = {"low", "unclear", "high"};
    } else if (t.overall_rule == "quadas-2") {
      needed = {"low", "at_risk"};
    } else if (t.overall_rule == "most-severe") {
      for (const auto& l : t.levels) {
        if (!l.severity) {
          fail(fmt::format("{}: the most-severe rule cannot rank the level {}", t.id, l.id));
        }
      }
    } else if (t.overall_rule != "assessor") {
      fail(fmt::format("{}: unknown overall rule \"{}\"", t.id, t.overall_rule));
    }
    for (const char* level : needed) {
      if (!has_level(t, level)) {
        fail(fmt::format("{}: the overall rule {} needs the level {}", t.id, t.overall_rule, level));
      }
    }
  }

  std::string m_origin;
};

std::vector<RobTool> load_embedded_tools() {
  std::vector<RobTool> tools;
  for (std::size_t i = 0; i < rob_detail::k_embedded_tool_file_count; ++i) {
    const auto& file = rob_detail::k_embedded_tool_files[i];
    std::string origin = std::string("lib/rob-tools/") + file.name;
    json doc;
    try {
      doc = json::parse(file.text);
    } catch (const json::exception& e) {
      throw DataError(origin, 0, std::string("not valid JSON: ") + e.what());
    }
    RobTool tool = DefinitionReader(origin).tool(doc);
    if (origin != "lib/rob-tools/" + tool.id + ".json") {
      throw DataError(origin, 0, fmt::format("the file of tool {} must be named {}.json", tool.id, tool.id));
    }
    tools.push_back(std::move(tool));
  }
  std::sort(tools.begin(), tools.end(), [](const RobTool& a, const RobTool& b) { return a.id < b.id; });
  return tools;
}

std::string level_list(const RobTool& tool) {
  std::vector<std::string> parts;
  for (const auto& l : tool.levels) {
    std::string s = l.label;
    std::vector<std::string> abbr;
    for (const auto& sp : l.spellings) {
      if (sp.size() <= 2) {
        abbr.push_back(sp);
      }
    }
    if (!abbr.empty()) {
      s += " (" + join(abbr, ", ") + ")";
    }
    parts.push_back(s);
  }
  return join(parts, ", ");
}

} // namespace

namespace rob_detail {

std::string normalize_spelling(std::string_view text) {
  std::string out;
  bool space = false;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (!keep) {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  return out;
}

} // namespace rob_detail

const char* rob_judgement_status_name(RobJudgementStatus status) {
  switch (status) {
  case RobJudgementStatus::judged:
    return "judged";
  case RobJudgementStatus::incomplete:
    return "incomplete";
  case RobJudgementStatus::assessor:
    return "assessor";
  }
  return "incomplete";
}

const char* rob_answer_code(RobAnswer answer) {
  for (const auto& a : k_answers) {
    if (a.answer == answer) {
      return a.code;
    }
  }
  return "?";
}

RobAnswer parse_rob_answer(std::string_view text) {
  std::string norm = rob_detail::normalize_spelling(text);
  for (const auto& a : k_answers) {
    if (norm == rob_detail::normalize_spelling(a.code)) {
      return a.answer;
    }
    for (const auto& w : split_bar(a.words)) {
      if (!w.empty() && norm == w) {
        return a.answer;
      }
    }
  }
  throw UsageError(fmt::format("\"{}\" is not an answer to a signalling question "
                               "(Y, PY, PN, N, NI, NA, or Yes, Probably yes, Probably no, No, No information, "
                               "Not applicable)",
                               text));
}

const RobQuestion* RobDomain::find_question(std::string_view id) const {
  for (const auto& q : questions) {
    if (q.id == id) {
      return &q;
    }
  }
  return nullptr;
}

const RobDomain& RobTool::domain(std::string_view id) const {
  for (const auto& d : domains) {
    if (d.id == id) {
      return d;
    }
  }
  std::vector<std::string> ids;
  for (const auto& d : domains) {
    ids.push_back(d.id);
  }
  throw UsageError(fmt::format("{} has no domain \"{}\" (its domains: {})", short_name, id, join(ids, ", ")));
}

const RobLevel& RobTool::level(std::string_view id) const {
  for (const auto& l : levels) {
    if (l.id == id) {
      return l;
    }
  }
  std::vector<std::string> ids;
  for (const auto& l : levels) {
    ids.push_back(l.id);
  }
  throw UsageError(fmt::format("{} has no judgement level \"{}\" (its levels: {})", short_name, id, join(ids, ", ")));
}

const RobQuestion* RobTool::find_question(std::string_view id) const {
  for (const auto& d : domains) {
    if (const auto* q = d.find_question(id)) {
      return q;
    }
  }
  return nullptr;
}

const std::vector<RobTool>& rob_tools() {
  static const std::vector<RobTool> tools = load_embedded_tools();
  return tools;
}

const RobTool& rob_tool(std::string_view id) {
  for (const auto& t : rob_tools()) {
    if (t.id == id) {
      return t;
    }
  }
  std::vector<std::string> ids;
  for (const auto& t : rob_tools()) {
    ids.push_back(t.id);
  }
  throw UsageError(fmt::format("no risk-of-bias tool \"{}\" (known tools: {})", id, join(ids, ", ")));
}

RobTool parse_rob_tool(std::string_view text, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw DataError(origin, 0, std::string("not valid JSON: ") + e.what());
  }
  return DefinitionReader(origin).tool(doc);
}

std::string parse_judgement(const RobTool& tool, std::string_view text) {
  std::string norm = rob_detail::normalize_spelling(text);
  if (norm.empty()) {
    throw UsageError(fmt::format("an empty {} judgement; write one of: {}", tool.short_name, level_list(tool)));
  }
  // "Low risk", "High risk of bias": the words "risk (of bias)" add nothing
  // unless they are part of the level's own name ("At risk of bias").
  std::vector<std::string> forms = {norm};
  for (std::string_view suffix : {" risk of bias", " risk"}) {
    if (norm.size() > suffix.size() && norm.compare(norm.size() - suffix.size(), suffix.size(), suffix) == 0) {
      forms.push_back(norm.substr(0, norm.size() - suffix.size()));
      break;
    }
  }
  for (const auto& form : forms) {
    std::vector<const RobLevel*> hits;
    for (const auto& l : tool.levels) {
      std::vector<std::string> names = {l.id, l.label};
      names.insert(names.end(), l.spellings.begin(), l.spellings.end());
      for (const auto& name : names) {
        if (rob_detail::normalize_spelling(name) == form) {
          hits.push_back(&l);
          break;
        }
      }
    }
    if (hits.size() == 1) {
      return hits.front()->id;
    }
    if (hits.size() > 1) {
      std::vector<std::string> labels;
      for (const auto* l : hits) {
        labels.push_back(l->label);
      }
      throw UsageError(fmt::format("\"{}\" is ambiguous in {}: it could be {}", text, tool.short_name,
                                   join(labels, " or ")));
    }
  }
  if (norm == "n") {
    throw UsageError(fmt::format("\"{}\" is ambiguous: No information? Not applicable? No? Write the level out; "
                                 "{} levels: {}",
                                 text, tool.short_name, level_list(tool)));
  }
  if (norm == "na" || norm == "n a" || norm == "not applicable") {
    throw UsageError(fmt::format("\"{}\": Not applicable is not a {} judgement; its levels: {}", text,
                                 tool.short_name, level_list(tool)));
  }
  throw UsageError(fmt::format("\"{}\" is not a {} judgement; its levels: {}", text, tool.short_name,
                               level_list(tool)));
}

} // namespace litrev
