// Risk-of-bias assessments in a review (litrev/rob_assess.hpp): the answers
// file, overrides and stated judgements, rob.* ledger events and their fold,
// two assessors compared, kappa per domain (checked against a table counted
// here by hand), agreed tables, GRADE reading the agreed assessments, and
// the LaTeX table.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/ledger.hpp>
#include <litrev/review.hpp>
#include <litrev/rob_assess.hpp>
#include <litrev/sof.hpp>

#include "testutil.hpp"

using nlohmann::json;
using namespace litrev;

namespace {

// The worked review's RoB 2 answers (three RCTs), with their record keys
// removed: the test reviews hold no records.
std::vector<RobAssessment> corpus_assessments() {
  auto list = read_rob_answers(test::corpus("ketamine-sud/rob/rob2-answers.json"));
  for (RobAssessment& a : list) {
    a.record.clear();
    a.stated.clear();
  }
  return list;
}

void make_review(const test::TempDir& tmp) {
  Review::init(tmp.path().string(), "t");
  const json p = {{"title", "t"},
                  {"stages", {"title-abstract", "full-text"}},
                  {"reviewers", {{{"name", "ana"}, {"role", "screener"}},
                                 {{"name", "ben"}, {"role", "screener"}},
                                 {{"name", "cy"}, {"role", "adjudicator"}}}},
                  {"rob_tools", {{"randomised", "rob2"}}},
                  {"outcomes", {{{"name", "abstinence"},
                                 {"data", "abstinence.csv"},
                                 {"measure", "RR"},
                                 {"method", "MH"}}}}};
  test::write_text(tmp / "litrev.json", p.dump());
  test::write_text(tmp / "abstinence.csv", "study,ai,n1i,ci,n2i\nDakwar 2019,13,27,3,28\nKrupitsky 2007,13,26,6,27\n");
}

std::size_t ledger_lines(const test::TempDir& tmp) {
  std::size_t n = 0;
  if (!std::filesystem::exists(tmp.path() / "ledger")) {
    return 0;
  }
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() / "ledger")) {
    const std::string text = test::read_text(e.path().string());
    n += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  return n;
}

const RobDomainResult& domain(const RobEvaluation& e, const std::string& id) {
  for (const RobDomainResult& r : e.domains) {
    if (r.domain == id) {
      return r;
    }
  }
  FAIL("no domain " << id);
  throw;
}

} // namespace

TEST_CASE("the worked review's answers file reads and its stated judgements hold", "[rob-assess]") {
  const auto list = read_rob_answers(test::corpus("ketamine-sud/rob/rob2-answers.json"));
  REQUIRE(list.size() == 3);
  const RobTool& tool = rob_report_tool(list[0].tool);
  CHECK(tool.id == "rob2-parallel-itt");
  CHECK(list[0].study == "Dakwar 2019");
  CHECK(list[0].record == "pmid:31230464");
  CHECK(list[0].notes.at("1.2") == "allocation concealment not described in the sources read");
  CHECK(list[0].stated.at("Overall") == "High");
  for (const RobAssessment& a : list) {
    const RobEvaluation e = evaluate_rob(tool, a); // throws if a stated judgement disagrees
    CHECK(e.complete);
    CHECK(e.overall == "high");
  }
  // A stated judgement the answers do not give is refused.
  RobAssessment wrong = list[0];
  wrong.stated["D2"] = "High";
  CHECK_THROWS_WITH(evaluate_rob(tool, wrong), Catch::Contains("judgements.D2 says high, but the answers give low"));

  test::TempDir tmp;
  test::write_text(tmp / "bare.json", R"({"1.1": "Y", "1.2": "PY", "1.3": "N"})");
  const auto bare = read_rob_answers(tmp / "bare.json", "rob2-parallel-itt");
  REQUIRE(bare.size() == 1);
  const RobEvaluation e = evaluate_rob(tool, bare[0]);
  CHECK(domain(e, "D1").level == "low");
  CHECK_FALSE(e.complete);
  CHECK(domain(e, "D2").level.empty());
  test::write_text(tmp / "bad.json", R"({"tool": "rob2", "assessments": [{"study": "X", "answer": {}}]})");
  CHECK_THROWS_WITH(read_rob_answers(tmp / "bad.json"), Catch::Contains("assessments[0] (\"X\"): answer: unknown field"));
  test::write_text(tmp / "bad2.json", R"({"tool": "rob2", "assessments": [{"study": "X", "answers": {"1.1": "maybe"}}]})");
  CHECK_THROWS_WITH(read_rob_answers(tmp / "bad2.json"), Catch::Contains("answers.1.1"));
}

TEST_CASE("overrides need a justification and stand over the algorithm", "[rob-assess]") {
  RobAssessment a = corpus_assessments()[0]; // Dakwar 2019: D1 some concerns, D3 high, overall high
  const RobTool& tool = rob_report_tool(a.tool);
  a.levels["D1"] = {"low", ""};
  CHECK_THROWS_WITH(evaluate_rob(tool, a), Catch::Contains("D1 is some_concerns by the algorithm") &&
                                               Catch::Contains("needs a justification"));
  a.levels["D1"] = {"Low", "allocation by a central pharmacy, per the trial's registry entry"};
  RobEvaluation e = evaluate_rob(tool, a);
  CHECK(domain(e, "D1").overridden);
  CHECK(domain(e, "D1").computed.level == "some_concerns");
  CHECK(domain(e, "D1").level == "low");
  CHECK(e.overall == "high"); // D3 is still high
  // Overriding D3 too, the rule gives some concerns (D5); the overall override needs a justification.
  a.levels["D3"] = {"some concerns", "missing data balanced across arms"};
  e = evaluate_rob(tool, a);
  CHECK(e.computed_overall.level == "some_concerns");
  a.overall = RobLevelChoice{"high", ""};
  CHECK_THROWS_WITH(evaluate_rob(tool, a), Catch::Contains("overriding it with high needs a justification"));
  a.overall = RobLevelChoice{"high", "several domains with some concerns lower confidence substantially"};
  e = evaluate_rob(tool, a);
  CHECK(e.overall_overridden);
  CHECK(e.overall == "high");
  // A level equal to the computed one is no override.
  RobAssessment same = corpus_assessments()[0];
  same.levels["D2"] = {"low", ""};
  CHECK_FALSE(domain(evaluate_rob(tool, same), "D2").overridden);
  // Unknown domain or level.
  same.levels["D9"] = {"low", "x"};
  CHECK_THROWS_WITH(evaluate_rob(tool, same), Catch::Contains("D9"));
  // An override on a domain whose questions are not all answered.
  RobAssessment partial;
  partial.tool = tool.id;
  partial.study = "P";
  partial.answers["1.1"] = RobAnswer::y;
  partial.levels["D1"] = {"low", "x"};
  CHECK_THROWS_WITH(evaluate_rob(tool, partial), Catch::Contains("not all answered"));
}

TEST_CASE("ROBINS-I domains are the assessor's, the overall judgement the official rule", "[rob-assess]") {
  const RobTool& tool = rob_report_tool("robins-i");
  RobAssessment a;
  a.tool = tool.id;
  a.study = "Cohort";
  RobEvaluation e = evaluate_rob(tool, a);
  CHECK_FALSE(e.complete);
  CHECK(e.missing.size() >= tool.domains.size());
  for (const RobDomain& d : tool.domains) {
    a.levels[d.id] = {"low", ""};
  }
  a.levels[tool.domains[0].id] = {"serious", ""};
  e = evaluate_rob(tool, a);
  CHECK(e.complete);
  CHECK(e.overall == "serious"); // serious in any domain -> serious
}

TEST_CASE("assessments are ledger events: checked first, folded, compared, agreed", "[rob-assess]") {
  test::TempDir tmp;
  make_review(tmp);
  const Review r(tmp.path().string());
  const auto base = corpus_assessments();
  // Refused before anything is written.
  CHECK_THROWS_WITH(record_rob(r, "zed", base, false), Catch::Contains("not a reviewer"));
  auto bad = base;
  bad[2].levels["D4"] = {"high", ""};
  CHECK_THROWS_WITH(record_rob(r, "ana", bad, false),
                    Catch::Contains("assessment 3 (\"Krupitsky 2002\"") && Catch::Contains("needs a justification"));
  auto twice = base;
  twice.push_back(base[0]);
  CHECK_THROWS_WITH(record_rob(r, "ana", twice, false), Catch::Contains("the same study and result twice"));
  auto with_record = base;
  with_record[0].record = "pmid:31230464";
  CHECK_THROWS(record_rob(r, "ana", with_record, false)); // the review has no records
  CHECK(ledger_lines(tmp) == 0);

  // ana assesses all three; ben two, disagreeing on Dakwar 2019's D1 (an override).
  const auto ev = record_rob(r, "ana", base, false, "2026-11-21T10:00:00Z");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].type == "rob.assessment");
  CHECK(ev[0].payload.at("computed").at("overall") == "high");
  CHECK(ev[0].payload.at("answers").at("1.2") == json{{"answer", "NI"}, {"note", base[0].notes.at("1.2")}});
  auto ben = std::vector<RobAssessment>{base[0], base[1]};
  ben[0].levels["D1"] = {"high", "baseline imbalance in cocaine use, per the article's table 1"};
  record_rob(r, "ben", ben, false, "2026-11-21T11:00:00Z");
  // ana revises Krupitsky 2007 later: her newer snapshot replaces the older.
  auto revised = base[1];
  revised.levels["D2"] = {"high", "therapists knew the allocation and the number of sessions differed"};
  record_rob(r, "ana", {revised}, false, "2026-11-21T12:00:00Z");

  auto items = rob_items(r);
  REQUIRE(items.size() == 3);
  const RobTool& tool = rob_report_tool("rob2");
  const RobItem* dakwar = nullptr;
  const RobItem* k2007 = nullptr;
  for (const RobItem& i : items) {
    if (i.study == "Dakwar 2019") {
      dakwar = &i;
    }
    if (i.study == "Krupitsky 2007") {
      k2007 = &i;
    }
  }
  REQUIRE(dakwar);
  REQUIRE(k2007);
  CHECK(dakwar->by_assessor.size() == 2);
  CHECK(k2007->by_assessor.at("ana").levels.at("D2").level == "high");
  const auto diff = rob_disagreements(tool, *dakwar);
  REQUIRE(diff.size() == 1);
  CHECK(diff[0].domain == "D1");
  CHECK(diff[0].levels.at("ana") == "some_concerns");
  CHECK(diff[0].levels.at("ben") == "high");
  const auto diff2 = rob_disagreements(tool, *k2007);
  REQUIRE(diff2.size() == 1);
  CHECK(diff2[0].domain == "D2");

  // Without consensus the two-assessor studies are pending; Krupitsky 2002 (one assessor) is in.
  std::vector<std::string> pending;
  RobTable t = rob_table_from_review(tool, items, "", &pending);
  REQUIRE(t.rows.size() == 1);
  CHECK(t.rows[0].study == "Krupitsky 2002");
  CHECK(pending.size() == 2);
  CHECK_THAT(pending[0], Catch::Contains("2 assessors and no consensus"));
  CHECK_THAT(t.rows[0].support[0], Catch::StartsWith("1.1 "));

  // Consensus: cy records ben's view of Dakwar 2019 and ana's of Krupitsky 2007.
  record_rob(r, "cy", {ben[0], revised}, true, "2026-11-21T13:00:00Z");
  items = rob_items(r);
  pending.clear();
  t = rob_table_from_review(tool, items, "", &pending);
  CHECK(pending.empty());
  REQUIRE(t.rows.size() == 3);
  for (const RobTableRow& row : t.rows) {
    if (row.study == "Dakwar 2019") {
      CHECK(row.domains[0] == "high");
      CHECK_THAT(row.support[0], Catch::Contains("Override: baseline imbalance"));
    }
    if (row.study == "Krupitsky 2007") {
      CHECK(row.domains[1] == "high");
    }
  }

  // GRADE reads the agreed assessments when the outcome names no table: both pooled studies high.
  const OutcomeGrade g = grade_outcome(r, outcome_plan(r, "abstinence"), Ledger(r.ledger_path()).read_all().events);
  CHECK(g.rob == std::vector<std::string>{"high", "high"});
  CHECK(g.factors[0].suggested == 1);
}

TEST_CASE("kappa per domain between two assessors matches a table counted by hand", "[rob-assess]") {
  test::TempDir tmp;
  make_review(tmp);
  const Review r(tmp.path().string());
  const auto base = corpus_assessments();
  // D1 by ana: some concerns x3. ben: high, some concerns, low (two overrides).
  auto ben = base;
  ben[0].levels["D1"] = {"high", "x"};
  ben[2].levels["D1"] = {"low", "y"};
  record_rob(r, "ana", base, false, "2026-11-21T10:00:00Z");
  record_rob(r, "ben", ben, false, "2026-11-21T10:00:00Z");
  const RobTool& tool = rob_report_tool("rob2");
  const auto result = rob_agreement(tool, rob_items(r), "ana", "ben");
  const RobDomainAgreement* d1 = nullptr;
  const RobDomainAgreement* d4 = nullptr;
  for (const auto& d : result) {
    d1 = d.domain == "D1" ? &d : d1;
    d4 = d.domain == "D4" ? &d : d4;
  }
  REQUIRE(d1);
  REQUIRE(d4);
  CHECK(d1->categories == std::vector<std::string>{"low", "some_concerns", "high"});
  // By hand: ana all some concerns; ben low, some concerns, high. po = 1/3;
  // margins ana (0, 1, 0), ben (1/3, 1/3, 1/3): pe = 1/3; kappa = 0.
  CHECK(d1->kappa.n == 3);
  CHECK(d1->kappa.p_observed == Approx(1.0 / 3));
  CHECK(d1->kappa.kappa == Approx(0).margin(1e-12));
  // D4 (untouched): ana and ben low, some concerns, low. po = 1; pe = (2/3)^2 + (1/3)^2 = 5/9; kappa 1.
  CHECK(d4->kappa.p_observed == Approx(1));
  CHECK(d4->kappa.kappa == Approx(1));
}

TEST_CASE("the LaTeX table escapes what it prints", "[rob-assess]") {
  const RobTool& tool = rob_report_tool("rob2");
  RobTable t = make_rob_table(tool);
  RobTableRow row;
  row.study = "Smith & Jones_2020 {50% $x} #1 ~a^b \\c";
  row.domains = {"low", "some_concerns", "high", "low", "low"};
  row.overall = "high";
  row.weight = 42.3;
  t.rows.push_back(row);
  const std::string tex = rob_latex(t);
  CHECK_THAT(tex, Catch::StartsWith("% litrev risk-of-bias table; needs \\usepackage{booktabs}\n\\begin{table}"));
  CHECK_THAT(tex, Catch::Contains("Smith \\& Jones\\_2020 \\{50\\% \\$x\\} \\#1 \\textasciitilde{}a\\textasciicircum{}b "
                                  "\\textbackslash{}c & Low & Some concerns & High & Low & Low & High & 42.3 \\\\\n"));
  CHECK_THAT(tex, Catch::Contains("Study & D1 & D2 & D3 & D4 & D5 & Overall & Weight (\\%) \\\\"));
  CHECK_THAT(tex, Catch::Contains("\\begin{tabular}{lccccccr}"));
  CHECK_THAT(tex, Catch::EndsWith("\\end{tabular}\n\\end{table}\n"));
}
