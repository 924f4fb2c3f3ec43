// Risk-of-bias assessments inside a review (litrev/rob_assess.hpp): the
// answers file, evaluation with the tool's algorithms, rob.* ledger events,
// their fold, comparison of two assessors, agreement and agreed tables.
#include <litrev/rob_assess.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <litrev/error.hpp>

namespace litrev {

namespace {

using nlohmann::json;

const char* const k_assessment = "rob.assessment";
const char* const k_consensus = "rob.consensus";

std::string who(const RobAssessment& a) {
  std::string s = a.study.empty() ? std::string("(no study)") : "\"" + a.study + "\"";
  if (!a.result.empty()) {
    s += " (" + a.result + ")";
  }
  return s;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// ---- the answers file ------------------------------------------------------

struct FileReader {
  const std::string& path;
  std::string where;
  [[noreturn]] void fail(const std::string& problem) const { throw DataError(path, 0, where + problem); }

  std::string text(const json& o, const char* key) const {
    if (!o.contains(key) || o.at(key).is_null()) {
      return {};
    }
    if (!o.at(key).is_string()) {
      fail(std::string(key) + ": expected a string");
    }
    return o.at(key).get<std::string>();
  }

  RobLevelChoice choice(const json& v, const std::string& what) const {
    if (v.is_string()) {
      return {v.get<std::string>(), ""};
    }
    if (!v.is_object()) {
      fail(what + ": expected a level or {\"level\", \"justification\"}");
    }
    for (const auto& [k, x] : v.items()) {
      if (k != "level" && k != "justification" && (k.empty() || k[0] != '$')) {
        fail(what + "." + k + ": unknown field (level, justification)");
      }
    }
    return {text(v, "level"), text(v, "justification")};
  }
};

RobAssessment read_one(const json& o, const FileReader& r, const std::string& default_tool) {
  RobAssessment a;
  static const std::set<std::string> known = {"study", "record", "result", "outcome", "tool", "answers", "levels",
                                              "overall", "several_concerns_high", "non_key_domains",
                                              "worked_example", "judgements"};
  for (const auto& [k, v] : o.items()) {
    if (!known.count(k) && (k.empty() || k[0] != '$')) {
      r.fail(k + ": unknown field (study, record, result, tool, answers, levels, overall, several_concerns_high, "
                 "non_key_domains, judgements)");
    }
  }
  a.tool = r.text(o, "tool");
  if (a.tool.empty()) {
    a.tool = default_tool;
  }
  a.study = r.text(o, "study");
  a.record = r.text(o, "record");
  a.result = r.text(o, "result");
  if (a.result.empty()) {
    a.result = r.text(o, "outcome");
  }
  if (o.contains("answers")) {
    const json& answers = o.at("answers");
    if (!answers.is_object()) {
      r.fail("answers: expected {question id: answer}");
    }
    for (const auto& [id, v] : answers.items()) {
      if (!id.empty() && id[0] == '$') {
        continue;
      }
      std::string code;
      if (v.is_string()) {
        code = v.get<std::string>();
      } else if (v.is_object()) {
        code = r.text(v, "answer");
        a.notes[id] = r.text(v, "note");
      } else {
        r.fail("answers." + id + ": expected an answer (\"PY\") or {\"answer\", \"note\"}");
      }
      try {
        a.answers[id] = parse_rob_answer(code);
      } catch (const UsageError& e) {
        r.fail("answers." + id + ": " + e.what());
      }
    }
  }
  if (o.contains("levels")) {
    if (!o.at("levels").is_object()) {
      r.fail("levels: expected {domain: {level, justification}}");
    }
    for (const auto& [d, v] : o.at("levels").items()) {
      a.levels[d] = r.choice(v, "levels." + d);
    }
  }
  if (o.contains("overall") && !o.at("overall").is_null()) {
    a.overall = r.choice(o.at("overall"), "overall");
  }
  if (o.contains("several_concerns_high")) {
    if (!o.at("several_concerns_high").is_boolean()) {
      r.fail("several_concerns_high: expected true or false");
    }
    a.options.several_concerns_high = o.at("several_concerns_high").get<bool>();
  }
  if (o.contains("judgements")) {
    if (!o.at("judgements").is_object()) {
      r.fail("judgements: expected {domain or \"Overall\": level}");
    }
    for (const auto& [d, v] : o.at("judgements").items()) {
      if (!v.is_string()) {
        r.fail("judgements." + d + ": expected a level");
      }
      a.stated[d] = v.get<std::string>();
    }
  }
  if (o.contains("non_key_domains")) {
    const json& n = o.at("non_key_domains");
    if (!n.is_array() || !std::all_of(n.begin(), n.end(), [](const json& x) { return x.is_string(); })) {
      r.fail("non_key_domains: expected a list of domain ids");
    }
    a.options.non_key_domains = n.get<std::vector<std::string>>();
  }
  return a;
}

// ---- evaluation --------------------------------------------------------------

std::string level_of(const RobTool& tool, const std::string& text, bool overall, const std::string& what) {
  try {
    const std::string id = parse_judgement(tool, text);
    if (!overall && tool.level(id).overall_only) {
      throw UsageError("\"" + text + "\" is a level of the overall judgement only");
    }
    return id;
  } catch (const UsageError& e) {
    throw UsageError(what + ": " + e.what());
  }
}

// ---- the fold ------------------------------------------------------------------

std::optional<RobAssessment> from_payload(const LedgerEvent& e, std::string& problem) {
  try {
    const json& p = e.payload;
    RobAssessment a;
    a.tool = p.at("tool").get<std::string>();
    a.study = p.at("study").get<std::string>();
    a.record = p.value("record", "");
    a.result = p.value("result", "");
    for (const auto& [id, v] : p.at("answers").items()) {
      a.answers[id] = parse_rob_answer(v.at("answer").get<std::string>());
      const std::string note = v.value("note", "");
      if (!note.empty()) {
        a.notes[id] = note;
      }
    }
    const json levels = p.value("levels", json::object()); // a named copy: items() refers to it
    for (const auto& [d, v] : levels.items()) {
      a.levels[d] = {v.at("level").get<std::string>(), v.value("justification", "")};
    }
    if (p.contains("overall") && p.at("overall").is_object()) {
      a.overall = RobLevelChoice{p.at("overall").at("level").get<std::string>(),
                                 p.at("overall").value("justification", "")};
    }
    a.options.several_concerns_high = p.value("several_concerns_high", false);
    a.options.non_key_domains = p.value("non_key_domains", std::vector<std::string>{});
    a.actor = e.actor;
    a.ts = e.ts;
    a.consensus = e.type == k_consensus;
    return a;
  } catch (const std::exception& x) {
    problem = x.what();
    return std::nullopt;
  }
}

} // namespace

std::vector<RobAssessment> read_rob_answers(const std::string& path, const std::string& default_tool) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError("cannot read " + path);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  json doc;
  try {
    doc = json::parse(buf.str());
  } catch (const json::parse_error& e) {
    throw DataError(path, 0, std::string("not valid JSON: ") + e.what());
  }
  FileReader top{path, ""};
  if (!doc.is_object()) {
    top.fail("expected an object: {\"tool\", \"assessments\": [...]} or {question id: answer}");
  }
  std::vector<RobAssessment> out;
  if (!doc.contains("assessments")) {
    // A bare object of answers.
    json one = json::object();
    one["answers"] = doc;
    FileReader r{path, ""};
    out.push_back(read_one(one, r, default_tool));
    return out;
  }
  const std::string tool = top.text(doc, "tool").empty() ? default_tool : top.text(doc, "tool");
  const json& list = doc.at("assessments");
  if (!list.is_array()) {
    top.fail("assessments: expected a list");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    FileReader r{path, fmt::format("assessments[{}]: ", i)};
    if (!list[i].is_object()) {
      r.fail("expected an object");
    }
    if (list[i].contains("study") && list[i].at("study").is_string()) {
      r.where = fmt::format("assessments[{}] (\"{}\"): ", i, list[i].at("study").get<std::string>());
    }
    out.push_back(read_one(list[i], r, tool));
  }
  return out;
}

RobEvaluation evaluate_rob(const RobTool& tool, const RobAssessment& a) {
  const std::string what = "risk of bias of " + who(a);
  RobEvaluation e;
  for (const auto& [d, choice] : a.levels) {
    try {
      tool.domain(d);
    } catch (const UsageError& x) {
      throw UsageError(what + ": levels: " + x.what());
    }
  }
  RobDomainLevels standing;
  for (const RobDomain& d : tool.domains) {
    RobDomainResult r;
    r.domain = d.id;
    try {
      r.computed = domain_judgement(tool, d.id, a.answers);
    } catch (const UsageError& x) {
      throw UsageError(what + ": " + d.id + ": " + x.what());
    }
    r.level = r.computed.status == RobJudgementStatus::judged ? r.computed.level : "";
    const auto set = a.levels.find(d.id);
    if (set != a.levels.end()) {
      const std::string level = level_of(tool, set->second.level, false, what + ": levels." + d.id);
      r.justification = set->second.justification;
      if (r.computed.status == RobJudgementStatus::incomplete) {
        throw UsageError(fmt::format("{}: levels.{}: the domain's questions are not all answered (missing: {}); "
                                     "answer them before overriding the algorithm",
                                     what, d.id, fmt::join(r.computed.missing, ", ")));
      }
      if (r.computed.status == RobJudgementStatus::judged && level != r.computed.level) {
        if (blank(r.justification)) {
          throw UsageError(fmt::format("{}: {} is {} by the algorithm ({}); overriding it with {} needs a "
                                       "justification",
                                       what, d.id, r.computed.level, r.computed.rule, level));
        }
        r.overridden = true;
      }
      r.level = level;
    }
    if (r.level.empty()) {
      for (const std::string& m : r.computed.missing) {
        e.missing.push_back(d.id + ": " + m);
      }
      if (r.computed.status == RobJudgementStatus::assessor) {
        e.missing.push_back(d.id + ": the assessor's judgement (the domain has no algorithm)");
      }
    } else {
      standing[d.id] = r.level;
    }
    e.domains.push_back(std::move(r));
  }
  try {
    e.computed_overall = overall_judgement(tool, standing, a.options);
  } catch (const UsageError& x) {
    throw UsageError(what + ": overall: " + x.what());
  }
  e.overall = e.computed_overall.status == RobJudgementStatus::judged ? e.computed_overall.level : "";
  if (a.overall) {
    const std::string level = level_of(tool, a.overall->level, true, what + ": overall");
    if (e.computed_overall.status == RobJudgementStatus::incomplete) {
      throw UsageError(what + ": overall: judge every domain before overriding the overall judgement");
    }
    e.overall_justification = a.overall->justification;
    if (e.computed_overall.status == RobJudgementStatus::judged && level != e.computed_overall.level) {
      if (blank(e.overall_justification)) {
        throw UsageError(fmt::format("{}: the overall judgement is {} by the rule ({}); overriding it with {} "
                                     "needs a justification",
                                     what, e.computed_overall.level, e.computed_overall.rule, level));
      }
      e.overall_overridden = true;
    }
    e.overall = level;
  } else if (e.computed_overall.status == RobJudgementStatus::assessor) {
    e.missing.push_back("overall: the assessor's judgement (the tool has no overall rule)");
  }
  for (const auto& [d, text] : a.stated) {
    const bool overall = d == "Overall" || d == "overall";
    std::string stands;
    if (overall) {
      stands = e.overall;
    } else {
      const std::string& domain = d; // clang 14 cannot capture a structured binding
      const auto r = std::find_if(e.domains.begin(), e.domains.end(),
                                  [&](const RobDomainResult& x) { return x.domain == domain; });
      if (r == e.domains.end()) {
        throw UsageError(what + ": judgements: no domain " + d + " in " + tool.id);
      }
      stands = r->level;
    }
    const std::string said = level_of(tool, text, overall, what + ": judgements." + d);
    if (said != stands) {
      throw UsageError(fmt::format("{}: judgements.{} says {}, but the answers give {}: correct the answers, or "
                                   "override with levels.{} and a justification",
                                   what, d, said, stands.empty() ? std::string("no judgement yet") : stands, d));
    }
  }
  e.complete = !e.overall.empty() && std::all_of(e.domains.begin(), e.domains.end(), [&](const RobDomainResult& r) {
    return !r.level.empty() || tool.domain(r.domain).kind != RobDomainKind::bias;
  });
  return e;
}

json rob_payload(const RobTool& tool, const RobAssessment& a, const RobEvaluation& e) {
  json answers = json::object();
  for (const auto& [id, ans] : a.answers) {
    const auto n = a.notes.find(id);
    answers[id] = {{"answer", rob_answer_code(ans)}, {"note", n == a.notes.end() ? "" : n->second}};
  }
  json levels = json::object();
  for (const auto& [d, c] : a.levels) {
    levels[d] = {{"level", parse_judgement(tool, c.level)}, {"justification", c.justification}};
  }
  json computed = json::object();
  for (const RobDomainResult& r : e.domains) {
    computed[r.domain] = r.computed.status == RobJudgementStatus::judged ? r.computed.level : "";
  }
  computed["overall"] = e.computed_overall.status == RobJudgementStatus::judged ? e.computed_overall.level : "";
  json overall = nullptr;
  if (a.overall) {
    overall = {{"level", parse_judgement(tool, a.overall->level)}, {"justification", a.overall->justification}};
  }
  return {{"tool", tool.id},
          {"study", a.study},
          {"record", a.record},
          {"result", a.result},
          {"answers", answers},
          {"levels", levels},
          {"overall", overall},
          {"several_concerns_high", a.options.several_concerns_high},
          {"non_key_domains", a.options.non_key_domains},
          {"computed", computed}};
}

std::vector<LedgerEvent> record_rob(const Review& review, const std::string& actor,
                                    const std::vector<RobAssessment>& assessments, bool consensus,
                                    const std::string& now) {
  review.protocol().check_actor(actor);
  if (assessments.empty()) {
    throw UsageError("no risk-of-bias assessment to record");
  }
  std::optional<Index> index;
  std::vector<json> payloads;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (std::size_t i = 0; i < assessments.size(); ++i) {
    const RobAssessment& a = assessments[i];
    const std::string what =
        assessments.size() > 1 ? fmt::format("assessment {} ({}): ", i + 1, who(a)) : std::string();
    if (blank(a.study)) {
      throw UsageError(what + "an assessment names its study (the label used in outcome data and tables)");
    }
    const RobTool* tool = nullptr;
    try {
      tool = &rob_report_tool(a.tool);
    } catch (const UsageError& e) {
      throw UsageError(what + e.what());
    }
    if (!seen.emplace(tool->id, a.study, a.result).second) {
      throw UsageError(what + "the same study and result twice for " + tool->id);
    }
    if (!a.record.empty()) {
      if (!index) {
        index.emplace(review.open_index());
      }
      if (!index->contains(a.record)) {
        throw UsageError(what + "record " + a.record + " is not in the review");
      }
    }
    try {
      payloads.push_back(rob_payload(*tool, a, evaluate_rob(*tool, a)));
    } catch (const UsageError& e) {
      throw UsageError(what + e.what());
    }
  }
  Ledger ledger(review.ledger_path());
  std::vector<LedgerEvent> out;
  for (json& p : payloads) {
    out.push_back(ledger.append(actor, consensus ? k_consensus : k_assessment, std::move(p), now));
  }
  return out;
}

std::vector<RobItem> rob_items(const Review& review, std::vector<LedgerProblem>* problems) {
  LedgerRead read = Ledger(review.ledger_path()).read_all();
  std::vector<const LedgerEvent*> events;
  for (const LedgerEvent& e : read.events) {
    if (e.type == k_assessment || e.type == k_consensus) {
      events.push_back(&e);
    }
  }
  std::sort(events.begin(), events.end(), [](const LedgerEvent* x, const LedgerEvent* y) {
    return std::tie(x->ts, x->actor, x->seq) < std::tie(y->ts, y->actor, y->seq);
  });
  std::map<std::tuple<std::string, std::string, std::string>, RobItem> items;
  for (const LedgerEvent* e : events) {
    std::string problem;
    std::optional<RobAssessment> a = from_payload(*e, problem);
    if (!a) {
      read.problems.push_back({e->file, e->line, e->type + ": unreadable payload (" + problem + "); skipped"});
      continue;
    }
    RobItem& item = items[{a->tool, a->study, a->result}];
    item.tool = a->tool;
    item.study = a->study;
    item.result = a->result;
    if (a->consensus) {
      item.consensus = std::move(*a);
    } else {
      const std::string actor = a->actor;
      item.by_assessor[actor] = std::move(*a);
    }
  }
  if (problems) {
    *problems = read.problems;
  }
  std::vector<RobItem> out;
  for (auto& [k, item] : items) {
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<RobDisagreement> rob_disagreements(const RobTool& tool, const RobItem& item) {
  std::map<std::string, RobEvaluation> eval;
  for (const auto& [actor, a] : item.by_assessor) {
    eval.emplace(actor, evaluate_rob(tool, a));
  }
  std::vector<RobDisagreement> out;
  if (eval.size() < 2) {
    return out;
  }
  std::vector<std::string> ids;
  for (const RobDomain& d : tool.domains) {
    ids.push_back(d.id);
  }
  ids.push_back("overall");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    RobDisagreement d;
    d.domain = ids[i];
    std::set<std::string> distinct;
    for (const auto& [actor, e] : eval) {
      const std::string level = i < e.domains.size() ? e.domains[i].level : e.overall;
      d.levels[actor] = level;
      distinct.insert(level);
    }
    if (distinct.size() > 1) {
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::vector<RobDomainAgreement> rob_agreement(const RobTool& tool, const std::vector<RobItem>& items,
                                              const std::string& a, const std::string& b) {
  // Categories: the levels with a severity, least severe first, then No information.
  std::vector<std::string> cats;
  for (const RobLevel& l : tool.levels) {
    if (l.severity) {
      cats.push_back(l.id);
    }
  }
  std::stable_sort(cats.begin(), cats.end(),
                   [&](const std::string& x, const std::string& y) { return *tool.level(x).severity < *tool.level(y).severity; });
  for (const RobLevel& l : tool.levels) {
    if (l.no_information) {
      cats.push_back(l.id);
    }
  }
  const auto index_of = [&](const std::string& level) -> std::optional<std::size_t> {
    const auto it = std::find(cats.begin(), cats.end(), level);
    return it == cats.end() ? std::nullopt : std::optional<std::size_t>(it - cats.begin());
  };
  std::vector<std::string> ids;
  for (const RobDomain& d : tool.domains) {
    ids.push_back(d.id);
  }
  ids.push_back("overall");
  std::vector<AgreementTable> tables(ids.size(), AgreementTable(cats.size(), std::vector<std::uint64_t>(cats.size())));
  std::vector<std::uint64_t> counts(ids.size());
  for (const RobItem& item : items) {
    if (item.tool != tool.id) {
      continue;
    }
    const auto ia = item.by_assessor.find(a), ib = item.by_assessor.find(b);
    if (ia == item.by_assessor.end() || ib == item.by_assessor.end()) {
      continue;
    }
    const RobEvaluation ea = evaluate_rob(tool, ia->second), eb = evaluate_rob(tool, ib->second);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string la = i < ea.domains.size() ? ea.domains[i].level : ea.overall;
      const std::string lb = i < eb.domains.size() ? eb.domains[i].level : eb.overall;
      const auto xa = index_of(la), xb = index_of(lb);
      if (xa && xb) {
        ++tables[i][*xa][*xb];
        ++counts[i];
      }
    }
  }
  std::vector<RobDomainAgreement> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (counts[i] == 0 || cats.size() < 2) {
      continue;
    }
    out.push_back({ids[i], cohen_kappa(tables[i]), cats});
  }
  return out;
}

RobTable rob_table_from_review(const RobTool& tool, const std::vector<RobItem>& items, const std::string& result,
                               std::vector<std::string>* pending) {
  RobTable t = make_rob_table(tool);
  for (const RobItem& item : items) {
    if (item.tool != tool.id || (!result.empty() && item.result != result)) {
      continue;
    }
    const RobAssessment* agreed = nullptr;
    std::string why;
    if (item.consensus) {
      agreed = &*item.consensus;
    } else if (item.by_assessor.size() == 1) {
      agreed = &item.by_assessor.begin()->second;
    } else {
      why = fmt::format("{} assessors and no consensus", item.by_assessor.size());
    }
    std::optional<RobEvaluation> e;
    if (agreed) {
      e = evaluate_rob(tool, *agreed);
      if (!e->complete) {
        why = "incomplete (" + fmt::format("{}", fmt::join(e->missing, "; ")) + ")";
      }
    }
    if (!why.empty()) {
      if (pending) {
        pending->push_back(item.study + (item.result.empty() ? "" : " (" + item.result + ")") + ": " + why);
      }
      continue;
    }
    RobTableRow row;
    row.study = item.study;
    row.result = item.result;
    row.overall = e->overall;
    for (const std::string& id : t.domains) {
      const auto r = std::find_if(e->domains.begin(), e->domains.end(),
                                  [&](const RobDomainResult& x) { return x.domain == id; });
      row.domains.push_back(r->level);
      std::string support;
      for (const RobQuestion& q : tool.domain(id).questions) {
        const auto ans = agreed->answers.find(q.id);
        if (ans == agreed->answers.end()) {
          continue;
        }
        const auto note = agreed->notes.find(q.id);
        support += (support.empty() ? "" : " ") + q.id + " " + rob_answer_code(ans->second) +
                   (note == agreed->notes.end() || note->second.empty() ? "" : ": " + note->second) + ".";
      }
      if (r->overridden || !r->justification.empty()) {
        support += (support.empty() ? "" : " ") + std::string(r->overridden ? "Override: " : "Assessor: ") +
                   r->justification;
      }
      row.support.push_back(support);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

} // namespace litrev
