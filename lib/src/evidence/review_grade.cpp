// GRADE inside a review (litrev/sof.hpp): the outcomes of litrev.json, the
// fold of the reviewers' grade.* ledger events over litrev's suggestions,
// and recording new judgements.
#include <litrev/sof.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include <litrev/error.hpp>
#include <litrev/rob_assess.hpp>
#include <litrev/rob_report.hpp>

namespace litrev {

namespace {

using nlohmann::json;

const char* const k_judgement = "grade.judgement";
const char* const k_comment = "grade.comment";

// Reads the outcome fields of litrev.json strictly: every problem names the
// field as outcomes[i].field.
class PlanReader {
public:
  PlanReader(const json& o, std::size_t i, const std::string& file) : m_o(o), m_file(file) {
    m_where = fmt::format("outcomes[{}]", i);
  }

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw DataError(m_file, 0, m_where + (field.empty() ? "" : "." + field) + ": " + problem);
  }

  bool has(const char* field) const { return m_o.contains(field) && !m_o.at(field).is_null(); }

  std::string text(const char* field) const {
    if (!has(field)) {
      return {};
    }
    if (!m_o.at(field).is_string()) {
      fail(field, "expected a string");
    }
    return m_o.at(field).get<std::string>();
  }

  double number(const char* field) const {
    if (!has(field)) {
      return k_na;
    }
    if (!m_o.at(field).is_number()) {
      fail(field, "expected a number");
    }
    return m_o.at(field).get<double>();
  }

  bool boolean(const char* field, bool otherwise) const {
    if (!has(field)) {
      return otherwise;
    }
    if (!m_o.at(field).is_boolean()) {
      fail(field, "expected true or false");
    }
    return m_o.at(field).get<bool>();
  }

  // A path inside the review directory: relative, never through "..".
  std::string path(const char* field) const {
    std::string p = text(field);
    if (p.empty()) {
      if (has(field)) {
        fail(field, "an empty path");
      }
      return p;
    }
    const std::filesystem::path fp(p);
    if (fp.is_absolute()) {
      fail(field, "\"" + p + "\" must be relative to the review directory");
    }
    for (const auto& part : fp) {
      if (part == "..") {
        fail(field, "\"" + p + "\" must stay inside the review directory (no \"..\")");
      }
    }
    return p;
  }

private:
  const json& m_o;
  const std::string& m_file;
  std::string m_where;
};

const std::set<std::string>& plan_fields() {
  static const std::set<std::string> fields = {
      "name",   "type", "data",     "measure",   "method",     "test",         "smd",          "level",
      "by",     "design", "robins_i", "rob",     "rob_tool",   "mid",          "follow_up",    "importance",
      "intervention", "comparator"};
  return fields;
}

OutcomePlan read_plan(const Protocol& protocol, const json& o, std::size_t i, const std::string& file) {
  PlanReader r(o, i, file);
  if (!o.is_object()) {
    r.fail("", "expected an object with at least a name");
  }
  for (const auto& [key, value] : o.items()) {
    if (!key.empty() && key[0] == '$') {
      continue;
    }
    if (!plan_fields().count(key)) {
      r.fail(key, "unknown field (known: name, type, data, measure, method, test, smd, level, by, design, "
                  "robins_i, rob, rob_tool, mid, follow_up, importance, intervention, comparator)");
    }
  }
  OutcomePlan p;
  p.name = r.text("name");
  if (p.name.empty()) {
    r.fail("name", "every outcome needs a name");
  }
  p.type = r.text("type");
  p.data = r.path("data");
  p.follow_up = r.text("follow_up");
  p.intervention = r.text("intervention");
  p.comparator = r.text("comparator");
  p.importance = r.text("importance");
  if (!p.importance.empty() && p.importance != "critical" && p.importance != "important" &&
      p.importance != "not important") {
    r.fail("importance", "\"" + p.importance + "\": expected critical, important or not important");
  }
  const std::string design = r.text("design");
  if (design == "non-randomised") {
    p.design = GradeDesign::non_randomised;
  } else if (!design.empty() && design != "randomised") {
    r.fail("design", "\"" + design + "\": expected randomised or non-randomised");
  }
  if (!p.pooled()) {
    for (const char* f : {"measure", "method", "test", "smd", "level", "by", "rob", "rob_tool", "mid"}) {
      if (r.has(f)) {
        r.fail(f, "only an outcome with a \"data\" file is pooled; give data or remove this field");
      }
    }
    return p;
  }
  const std::string measure = r.text("measure");
  const auto m = effect_measure_from_name(measure);
  if (!m) {
    r.fail("measure", measure.empty() ? "a pooled outcome needs a measure (RR, OR, RD, MD or SMD)"
                                      : "\"" + measure + "\": expected RR, OR, RD, MD or SMD");
  }
  p.meta.measure = *m;
  if (r.has("method")) {
    const std::string method = r.text("method");
    const auto pm = pool_method_from_name(method);
    if (!pm) {
      r.fail("method", "\"" + method + "\": expected FE, MH, PETO, DL, REML, PM or ML");
    }
    p.meta.method = *pm;
  }
  const bool binary = *m == EffectMeasure::risk_ratio || *m == EffectMeasure::odds_ratio ||
                      *m == EffectMeasure::risk_difference;
  if (p.meta.method == PoolMethod::mh && !binary) {
    r.fail("method", "MH pools RR, OR or RD, not " + measure);
  }
  if (p.meta.method == PoolMethod::peto && *m != EffectMeasure::odds_ratio) {
    r.fail("method", "PETO pools odds ratios (OR), not " + measure);
  }
  if (r.has("test")) {
    const std::string test = r.text("test");
    const auto t = pool_test_from_name(test);
    if (!t) {
      r.fail("test", "\"" + test + "\": expected z or knha");
    }
    p.meta.test = *t;
  }
  const std::string smd = r.text("smd");
  if (smd == "revman") {
    p.meta.smd = SmdCorrection::revman;
  } else if (!smd.empty() && smd != "exact") {
    r.fail("smd", "\"" + smd + "\": expected exact or revman");
  }
  if (r.has("level")) {
    p.meta.level = r.number("level");
    if (!(p.meta.level > 0 && p.meta.level < 1)) {
      r.fail("level", "a confidence level between 0 and 1, such as 0.95");
    }
  }
  p.meta.by = r.text("by");
  p.mid = r.number("mid");
  if (r.has("mid") && !(p.mid > 0)) {
    r.fail("mid", "the minimal important difference is a positive distance from no effect");
  }
  p.rob = r.path("rob");
  p.rob_tool = r.text("rob_tool");
  if (p.rob_tool.empty()) {
    const json& tools = protocol.raw.contains("rob_tools") ? protocol.raw.at("rob_tools") : json::object();
    const char* key = p.design == GradeDesign::randomised ? "randomised" : "non-randomised";
    if (tools.is_object() && tools.contains(key) && tools.at(key).is_string()) {
      p.rob_tool = tools.at(key).get<std::string>();
    } else if (!p.rob.empty()) {
      r.fail("rob_tool", std::string("the rob table's tool: give rob_tool, or rob_tools.") + key +
                             " at the top of litrev.json");
    }
  }
  if (!p.rob_tool.empty()) {
    try {
      p.rob_tool = rob_report_tool(p.rob_tool).id;
    } catch (const UsageError& e) {
      r.fail("rob_tool", e.what());
    }
  }
  const bool robins = p.rob_tool.rfind("robins-i", 0) == 0;
  p.robins_i = r.boolean("robins_i", p.design == GradeDesign::non_randomised && robins);
  if (p.robins_i && p.design != GradeDesign::non_randomised) {
    r.fail("robins_i", "applies to non-randomised studies (design \"non-randomised\")");
  }
  return p;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) {
    out += (out.empty() ? "" : sep) + s;
  }
  return out;
}

std::string pooled_names(const Review& review) {
  std::vector<std::string> names;
  for (const OutcomePlan& p : outcome_plans(review.protocol(), review.dir() + "/litrev.json")) {
    if (p.pooled()) {
      names.push_back("\"" + p.name + "\"");
    }
  }
  return names.empty() ? std::string("none: give an outcome a \"data\" file in litrev.json") : join(names, ", ");
}

std::string in_review(const Review& review, const std::string& relative) {
  return (std::filesystem::path(review.dir()) / relative).string();
}

// The RoB table row for study `label`: the one whose result is the outcome,
// else the only row for the study.
const RobTableRow* rob_row(const RobTable& t, const std::string& label, const OutcomePlan& plan,
                           const std::string& path) {
  const RobTableRow* only = nullptr;
  std::size_t n = 0;
  for (const RobTableRow& row : t.rows) {
    if (row.study != label) {
      continue;
    }
    if (!row.result.empty() && row.result == plan.name) {
      return &row;
    }
    only = &row;
    ++n;
  }
  if (n > 1) {
    throw DataError(path, 0,
                    fmt::format("{} rows for study \"{}\" and none whose result is the outcome \"{}\"", n, label,
                                plan.name));
  }
  return only;
}

// The rows of `table` whose `record` cell (column `col`) does not name a
// record of the review included at full text.
std::vector<std::string> record_links(const Review& review, const OutcomeTable& table, std::size_t col) {
  std::vector<std::string> out;
  std::optional<Index> index;
  try {
    index.emplace(review.open_index());
  } catch (const IndexError&) {
    out.push_back(table.path + ": the record column names keys, but the review has no records yet");
    return out;
  }
  const ScreeningState state = review.screening();
  for (const OutcomeRow& row : table.rows) {
    const std::string key = col < row.fields.size() ? row.fields[col] : std::string();
    const std::string who = fmt::format("{} (line {})", row.study, row.line);
    if (key.empty()) {
      out.push_back(who + ": no record key");
    } else if (!index->contains(key)) {
      out.push_back(who + ": " + key + " is not a record of the review");
    } else {
      const RecordState* rs = state.find(state.cluster_key(key));
      const Status st = rs ? rs->ft.status : Status::unscreened;
      if (st != Status::included) {
        out.push_back(fmt::format("{}: {} is not included at full text (status: {})", who, key, status_name(st)));
      }
    }
  }
  return out;
}

struct When {
  std::string ts;
  std::string actor;
  std::uint64_t seq = 0;
  bool operator<(const When& o) const { return std::tie(ts, actor, seq) < std::tie(o.ts, o.actor, o.seq); }
};

std::string payload_text(const json& p, const char* field) {
  const auto it = p.find(field);
  return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int payload_int(const json& p, const char* field, int otherwise) {
  const auto it = p.find(field);
  return it != p.end() && it->is_number_integer() ? it->get<int>() : otherwise;
}

} // namespace

std::vector<OutcomePlan> outcome_plans(const Protocol& protocol, const std::string& file) {
  std::vector<OutcomePlan> out;
  if (!protocol.raw.contains("outcomes")) {
    return out;
  }
  const json& list = protocol.raw.at("outcomes");
  if (!list.is_array()) {
    throw DataError(file, 0, "outcomes: expected a list of outcomes");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    OutcomePlan p = read_plan(protocol, list[i], i, file);
    if (!names.insert(p.name).second) {
      throw DataError(file, 0, fmt::format("outcomes[{}].name: \"{}\" is named twice", i, p.name));
    }
    out.push_back(std::move(p));
  }
  return out;
}

const std::vector<GradeFactorInfo>& grade_factors() {
  static const std::vector<GradeFactorInfo> factors = {
      {"risk-of-bias", "Risk of bias", false, 2},
      {"inconsistency", "Inconsistency", false, 2},
      {"indirectness", "Indirectness", false, 2},
      {"imprecision", "Imprecision", false, 3},
      {"publication-bias", "Publication bias", false, 2},
      {"large-effect", "Large effect", true, 2},
      {"dose-response", "Dose-response gradient", true, 1},
      {"confounding", "Plausible confounding", true, 1},
  };
  return factors;
}

const GradeFactorInfo* grade_factor(const std::string& id) {
  for (const GradeFactorInfo& f : grade_factors()) {
    if (id == f.id) {
      return &f;
    }
  }
  return nullptr;
}

OutcomePlan outcome_plan(const Review& review, const std::string& name) {
  for (OutcomePlan& p : outcome_plans(review.protocol(), review.dir() + "/litrev.json")) {
    if (p.name == name) {
      if (!p.pooled()) {
        throw UsageError("outcome \"" + name + "\" has no data file in litrev.json; pooled outcomes: " +
                         pooled_names(review));
      }
      return std::move(p);
    }
  }
  throw UsageError("no outcome \"" + name + "\" in litrev.json; pooled outcomes: " + pooled_names(review));
}

OutcomeTable read_plan_data(const Review& review, const OutcomePlan& plan) {
  return read_outcome_csv(in_review(review, plan.data));
}

OutcomeGrade grade_outcome(const Review& review, const OutcomePlan& plan, const std::vector<LedgerEvent>& events) {
  OutcomeGrade g;
  g.plan = plan;
  g.table = read_plan_data(review, plan);
  g.analysis = analyse(g.table, plan.meta);
  g.warnings = g.analysis.warnings;
  g.totals = participants_and_risk(g.table);
  if (g.table.kind == OutcomeKind::binary) {
    g.events_1 = g.total_1 = g.events_2 = g.total_2 = 0;
    for (const OutcomeRow& r : g.table.rows) {
      g.events_1 += r.counts.ai;
      g.total_1 += r.counts.ai + r.counts.bi;
      g.events_2 += r.counts.ci;
      g.total_2 += r.counts.ci + r.counts.di;
    }
  } else if (g.table.kind == OutcomeKind::continuous) {
    double sum = 0, n = 0;
    g.total_1 = g.total_2 = 0;
    for (const OutcomeRow& r : g.table.rows) {
      sum += r.arms.m2i * r.arms.n2i;
      n += r.arms.n2i;
      g.total_1 += r.arms.n1i;
      g.total_2 += r.arms.n2i;
    }
    g.comparator_mean = n > 0 ? sum / n : k_na;
  }
  if (const auto col = g.table.column("record")) {
    g.link_problems = record_links(review, g.table, *col);
  }
  std::optional<RobTable> rob_table;
  std::string rob_source;
  if (!plan.rob.empty()) {
    rob_source = in_review(review, plan.rob);
    rob_table = read_robvis_csv(rob_source, rob_report_tool(plan.rob_tool));
  } else if (!plan.rob_tool.empty()) {
    RobTable t = rob_table_from_review(rob_report_tool(plan.rob_tool), rob_items(review), "");
    if (!t.rows.empty()) {
      rob_source = "the review's " + plan.rob_tool + " assessments";
      rob_table = std::move(t);
    }
  }
  if (rob_table) {
    const RobTable& t = *rob_table;
    const std::string& path = rob_source;
    for (const StudyResult& s : g.analysis.overall.studies) {
      const RobTableRow* row = rob_row(t, s.study, plan, path);
      if (row) {
        g.rob.push_back(row->overall);
      } else {
        g.rob.push_back(k_rob_no_information);
        g.rob_missing.push_back(s.study);
      }
    }
  }
  GradeInput in;
  in.design = plan.design;
  in.robins_i = plan.robins_i;
  in.analysis = g.analysis;
  in.rob = g.rob;
  in.mid = plan.mid;
  in.participants = g.totals.participants;
  in.control_risk = g.totals.control_risk;
  const GradeSuggestion s = suggest_grade(in);
  g.start = s.start;
  g.start_reason = s.start_reason;
  for (const DomainSuggestion& d : s.domains) {
    const GradeFactorInfo& info = grade_factors()[static_cast<std::size_t>(d.domain)];
    GradeFactor f;
    f.id = info.id;
    f.name = info.name;
    f.suggested = d.rate_down;
    f.needs_judgement = d.needs_judgement;
    f.reason = d.reason;
    if (d.domain == GradeDomain::risk_of_bias && !g.rob_missing.empty()) {
      f.reason += " No assessment in " + (plan.rob.empty() ? "the review's agreed assessments" : plan.rob) +
                  " for: " + join(g.rob_missing, "; ") + ".";
    }
    g.factors.push_back(std::move(f));
  }
  for (const UpgradeSuggestion& u : s.upgrades) {
    const GradeFactorInfo* info = nullptr;
    for (const GradeFactorInfo& i : grade_factors()) {
      if (i.upgrade && u.factor == i.name) {
        info = &i;
      }
    }
    if (!info) {
      throw Error("GRADE: an upgrade litrev does not know: " + u.factor); // a defect: grade.cpp and this disagree
    }
    GradeFactor f;
    f.id = info->id;
    f.name = info->name;
    f.upgrade = true;
    f.suggested = u.rate_up;
    f.needs_judgement = u.needs_judgement;
    f.reason = u.reason;
    g.factors.push_back(std::move(f));
  }
  // The fold: the latest event per factor stands.
  std::map<std::string, When> latest;
  When comment_when;
  bool have_comment = false;
  for (const LedgerEvent& e : events) {
    if ((e.type != k_judgement && e.type != k_comment) || payload_text(e.payload, "outcome") != plan.name) {
      continue;
    }
    const When w{e.ts, e.actor, e.seq};
    if (e.type == k_comment) {
      if (!have_comment || comment_when < w) {
        have_comment = true;
        comment_when = w;
        g.comment = payload_text(e.payload, "text");
      }
      continue;
    }
    const std::string id = payload_text(e.payload, "factor");
    auto f = std::find_if(g.factors.begin(), g.factors.end(), [&](const GradeFactor& x) { return x.id == id; });
    const GradeFactorInfo* info = grade_factor(id);
    const int levels = payload_int(e.payload, "levels", -1);
    if (f == g.factors.end() || !info || levels < 0 || levels > info->max_levels) {
      continue; // a factor that no longer applies (the design changed) or a malformed payload
    }
    auto [it, fresh] = latest.emplace(id, w);
    if (!fresh && !(it->second < w)) {
      continue;
    }
    it->second = w;
    f->judged = true;
    f->levels = levels;
    f->judged_against = payload_int(e.payload, "suggested", -1);
    f->justification = payload_text(e.payload, "justification");
    f->actor = e.actor;
    f->ts = e.ts;
  }
  int level = static_cast<int>(g.start);
  for (GradeFactor& f : g.factors) {
    f.stale = f.judged && f.judged_against != f.suggested;
    g.unjudged += !f.judged;
    g.stale += f.stale;
    level += f.upgrade ? f.effective() : -f.effective();
  }
  g.certainty = static_cast<Certainty>(std::clamp(level, 0, 3));
  return g;
}

std::vector<OutcomeGrade> grade_review(const Review& review, const std::vector<std::string>& only,
                                       std::vector<LedgerProblem>* problems) {
  std::vector<OutcomePlan> plans;
  if (only.empty()) {
    for (OutcomePlan& p : outcome_plans(review.protocol(), review.dir() + "/litrev.json")) {
      if (p.pooled()) {
        plans.push_back(std::move(p));
      }
    }
    if (plans.empty()) {
      throw UsageError("no outcome in litrev.json has a \"data\" file to pool (schemas/litrev.schema.json, "
                       "outcomes)");
    }
  } else {
    for (const std::string& name : only) {
      plans.push_back(outcome_plan(review, name));
    }
  }
  LedgerRead read = Ledger(review.ledger_path()).read_all();
  if (problems) {
    *problems = read.problems;
  }
  std::vector<OutcomeGrade> out;
  for (const OutcomePlan& p : plans) {
    out.push_back(grade_outcome(review, p, read.events));
  }
  return out;
}

std::vector<LedgerEvent> record_grade(const Review& review, const std::string& actor, const std::string& outcome,
                                      const std::vector<GradeJudgementInput>& inputs, const std::string& now) {
  review.protocol().check_actor(actor);
  const OutcomePlan plan = outcome_plan(review, outcome);
  if (inputs.empty()) {
    throw UsageError("no GRADE judgement to record for \"" + outcome + "\"");
  }
  const OutcomeGrade g = grade_outcome(review, plan, Ledger(review.ledger_path()).read_all().events);
  std::vector<json> payloads;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const GradeJudgementInput& in = inputs[i];
    const std::string what = inputs.size() > 1 ? fmt::format("judgement {} ({}): ", i + 1, in.factor) : "";
    const GradeFactorInfo* info = grade_factor(in.factor);
    if (!info) {
      std::vector<std::string> ids;
      for (const GradeFactorInfo& f : grade_factors()) {
        ids.push_back(f.id);
      }
      throw UsageError(what + "no GRADE factor \"" + in.factor + "\" (factors: " + join(ids, ", ") + ")");
    }
    const auto f =
        std::find_if(g.factors.begin(), g.factors.end(), [&](const GradeFactor& x) { return x.id == in.factor; });
    if (f == g.factors.end()) {
      throw UsageError(what + "\"" + in.factor + "\" does not apply to \"" + outcome +
                       "\": upgrades apply only to evidence that starts at Low (" + g.start_reason + ")");
    }
    if (!seen.insert(in.factor).second) {
      throw UsageError(what + "\"" + in.factor + "\" is judged twice");
    }
    if (!in.levels && f->needs_judgement) {
      throw UsageError(what + f->name + " is the reviewers' call, with nothing to accept: give the levels and a "
                             "justification (" + f->reason + ")");
    }
    const int levels = in.levels.value_or(f->suggested);
    if (levels < 0 || levels > info->max_levels) {
      throw UsageError(what + fmt::format("{} is rated {} 0 to {} levels, not {}", f->name,
                                          info->upgrade ? "up" : "down", info->max_levels, levels));
    }
    const bool needs_why = f->needs_judgement || levels != f->suggested;
    if (needs_why && in.justification.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw UsageError(what + (f->needs_judgement
                                   ? f->name + " is the reviewers' call: say why (a justification)"
                                   : fmt::format("{} {} differs from the suggestion ({}: {}): say why (a "
                                                 "justification)",
                                                 f->name, levels, f->suggested, f->reason)));
    }
    payloads.push_back({{"outcome", outcome},
                        {"factor", in.factor},
                        {"levels", levels},
                        {"suggested", f->suggested},
                        {"justification", in.justification}});
  }
  Ledger ledger(review.ledger_path());
  std::vector<LedgerEvent> out;
  for (json& p : payloads) {
    out.push_back(ledger.append(actor, k_judgement, std::move(p), now));
  }
  return out;
}

LedgerEvent record_grade_comment(const Review& review, const std::string& actor, const std::string& outcome,
                                 const std::string& text, const std::string& now) {
  review.protocol().check_actor(actor);
  outcome_plan(review, outcome);
  return Ledger(review.ledger_path()).append(actor, k_comment, {{"outcome", outcome}, {"text", text}}, now);
}

} // namespace litrev
