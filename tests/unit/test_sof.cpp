// GRADE in a review and the Summary of Findings (litrev/sof.hpp): the
// protocol's outcomes, the fold of grade.* events, the checks before a
// judgement is written, and the SoF numbers, computed here independently
// (Mantel-Haenszel by its closed form, absolute effects by hand).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/ledger.hpp>
#include <litrev/review.hpp>
#include <litrev/sof.hpp>

#include "testutil.hpp"

using nlohmann::json;
using namespace litrev;

namespace {

// The worked review's abstinence data (corpora/ketamine-sud/outcomes):
// Dakwar 2019 13/27 vs 3/28, Krupitsky 2007 13/26 vs 6/27.
const char* const k_abstinence = "study,ai,n1i,ci,n2i,substance\n"
                                 "Dakwar 2019,13,27,3,28,cocaine\n"
                                 "Krupitsky 2007,13,26,6,27,opioid\n";

json base_protocol() {
  return json::parse(R"({
    "title": "GRADE test review",
    "stages": ["title-abstract", "full-text"],
    "reviewers": [{"name": "ana", "role": "screener"}, {"name": "ben", "role": "screener"},
                  {"name": "cy", "role": "adjudicator"}],
    "rob_tools": {"randomised": "rob2", "non-randomised": "robins-i"},
    "outcomes": [
      {"name": "abstinence", "type": "binary", "data": "outcomes/abstinence.csv", "measure": "RR",
       "method": "MH", "rob": "rob/rob2.csv", "follow_up": "5 weeks to 1 year", "importance": "critical",
       "intervention": "ketamine", "comparator": "control"},
      {"name": "craving", "type": "continuous"}
    ]
  })");
}

// A review in `dir` with `protocol`, the abstinence data and a RoB 2 table.
void make_review(const test::TempDir& tmp, const json& protocol) {
  const std::string dir = tmp.path().string();
  std::filesystem::remove(tmp / "litrev.json");
  Review::init(dir, "t");
  test::write_text(tmp / "litrev.json", protocol.dump(2));
  std::filesystem::create_directories(tmp.path() / "outcomes");
  std::filesystem::create_directories(tmp.path() / "rob");
  test::write_text(tmp / "outcomes/abstinence.csv", k_abstinence);
  test::write_text(tmp / "rob/rob2.csv", "Study,D1,D2,D3,D4,D5,Overall\n"
                                         "Dakwar 2019,Some concerns,Low,High,Low,Some concerns,High\n"
                                         "Krupitsky 2007,Some concerns,Some concerns,High,Some concerns,Some "
                                         "concerns,High\n");
}

const GradeFactor& factor(const OutcomeGrade& g, const std::string& id) {
  for (const GradeFactor& f : g.factors) {
    if (f.id == id) {
      return f;
    }
  }
  FAIL("no factor " << id);
  throw;
}

OutcomeGrade grade_of(const Review& r, const std::string& name = "abstinence") {
  return grade_outcome(r, outcome_plan(r, name), Ledger(r.ledger_path()).read_all().events);
}

std::vector<OutcomePlan> plans_of(const json& outcomes) {
  json p = base_protocol();
  p["outcomes"] = outcomes;
  return outcome_plans(parse_protocol(p, "litrev.json"), "litrev.json");
}

std::string plan_error(const json& outcome) {
  try {
    plans_of(json::array({outcome}));
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

std::size_t ledger_lines(const test::TempDir& tmp) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() / "ledger")) {
    const std::string text = test::read_text(e.path().string());
    n += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  return n;
}

} // namespace

TEST_CASE("outcome plans are read strictly from litrev.json", "[sof]") {
  const auto plans = plans_of(base_protocol()["outcomes"]);
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].pooled());
  CHECK(plans[0].meta.measure == EffectMeasure::risk_ratio);
  CHECK(plans[0].meta.method == PoolMethod::mh);
  CHECK(plans[0].rob_tool == "rob2-parallel-itt"); // from rob_tools.randomised
  CHECK_FALSE(plans[0].robins_i);
  CHECK_FALSE(plans[1].pooled());
  CHECK(plans[1].meta.method == PoolMethod::reml);

  const json nrsi = {{"name", "x"}, {"data", "d.csv"}, {"measure", "OR"}, {"design", "non-randomised"},
                     {"rob", "r.csv"}};
  const auto p = plans_of(json::array({nrsi}));
  CHECK(p[0].rob_tool == "robins-i");
  CHECK(p[0].robins_i); // ROBINS-I: GRADE guidance 18 start at High
  CHECK(p[0].design == GradeDesign::non_randomised);
  CHECK(p[0].meta.method == PoolMethod::reml); // metafor's default

  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}, {"mesure", "RR"}}),
             Catch::Contains("outcomes[0].mesure: unknown field"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "../d.csv"}, {"measure", "RR"}}),
             Catch::Contains("outcomes[0].data") && Catch::Contains("inside the review"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "/etc/passwd"}, {"measure", "RR"}}),
             Catch::Contains("relative to the review directory"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}, {"measure", "MD"}, {"method", "MH"}}),
             Catch::Contains("outcomes[0].method: MH pools RR, OR or RD"));
  CHECK_THAT(plan_error({{"name", "x"}, {"measure", "RR"}}),
             Catch::Contains("outcomes[0].measure: only an outcome with a \"data\" file"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}}), Catch::Contains("needs a measure"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}, {"measure", "RR"}, {"mid", -1}}),
             Catch::Contains("outcomes[0].mid"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}, {"measure", "RR"}, {"importance", "vital"}}),
             Catch::Contains("outcomes[0].importance"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}, {"measure", "RR"}, {"robins_i", true}}),
             Catch::Contains("outcomes[0].robins_i"));
  CHECK_THAT(plan_error({{"type", "binary"}}), Catch::Contains("outcomes[0].name"));
  CHECK_THAT(plan_error({{"name", "x"}, {"data", "d.csv"}, {"measure", "RR"}, {"rob", "r.csv"},
                         {"rob_tool", "rob3"}}),
             Catch::Contains("outcomes[0].rob_tool"));
  try {
    plans_of(json::array({{{"name", "x"}}, {{"name", "x"}}}));
    FAIL("a duplicate name was accepted");
  } catch (const DataError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("outcomes[1].name: \"x\" is named twice"));
  }
  // "$comment" keys are allowed anywhere.
  CHECK(plans_of(json::array({{{"name", "x"}, {"$comment", "why"}}})).size() == 1);
}

TEST_CASE("an outcome's GRADE suggestions come from its data and RoB table", "[sof]") {
  test::TempDir tmp;
  make_review(tmp, base_protocol());
  const Review r(tmp.path().string());
  const OutcomeGrade g = grade_of(r);
  CHECK(g.start == Certainty::high);
  REQUIRE(g.factors.size() == 5); // no upgrades for evidence that starts High
  CHECK(g.rob == std::vector<std::string>{"high", "high"});
  CHECK(g.rob_missing.empty());
  // Both studies at high risk of bias: −1.
  CHECK(factor(g, "risk-of-bias").suggested == 1);
  CHECK(factor(g, "indirectness").needs_judgement);
  CHECK(factor(g, "publication-bias").needs_judgement);
  // 108 participants against an OIS in the thousands: −2.
  CHECK(factor(g, "imprecision").suggested == 2);
  CHECK(g.totals.participants == 108);
  CHECK(g.events_1 == 26);
  CHECK(g.total_1 == 53);
  CHECK(g.events_2 == 9);
  CHECK(g.total_2 == 55);
  CHECK(g.unjudged == 5);
  CHECK_FALSE(g.final());
  CHECK(g.certainty == Certainty::very_low); // 3 − 1 − 2

  // A study the RoB table lacks: the domain becomes the reviewers' call and the reason names it.
  test::write_text(tmp / "rob/rob2.csv", "Study,D1,D2,D3,D4,D5,Overall\n"
                                         "Dakwar 2019,Some concerns,Low,High,Low,Some concerns,High\n");
  const OutcomeGrade h = grade_of(r);
  CHECK(h.rob_missing == std::vector<std::string>{"Krupitsky 2007"});
  CHECK(factor(h, "risk-of-bias").needs_judgement);
  CHECK_THAT(factor(h, "risk-of-bias").reason, Catch::Contains("No assessment in rob/rob2.csv for: Krupitsky 2007"));
}

TEST_CASE("GRADE judgements are checked before anything is written", "[sof]") {
  test::TempDir tmp;
  make_review(tmp, base_protocol());
  const Review r(tmp.path().string());
  const auto expect_refused = [&](const std::string& actor, const std::string& outcome,
                                  const std::vector<GradeJudgementInput>& in, const std::string& says) {
    try {
      record_grade(r, actor, outcome, in, "2026-11-21T10:00:00Z");
      FAIL("accepted: " << says);
    } catch (const UsageError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains(says));
    }
    CHECK(ledger_lines(tmp) == 0);
  };
  std::filesystem::create_directories(tmp.path() / "ledger");
  expect_refused("zed", "abstinence", {{"imprecision", std::nullopt, ""}}, "not a reviewer in litrev.json");
  expect_refused("ana", "relapse", {{"imprecision", std::nullopt, ""}}, "no outcome \"relapse\"");
  expect_refused("ana", "craving", {{"imprecision", std::nullopt, ""}}, "has no data file");
  expect_refused("ana", "abstinence", {{"precision", std::nullopt, ""}}, "no GRADE factor \"precision\"");
  expect_refused("ana", "abstinence", {{"large-effect", 1, "big"}}, "upgrades apply only to evidence that starts");
  expect_refused("ana", "abstinence", {{"indirectness", std::nullopt, ""}}, "the reviewers' call, with nothing");
  expect_refused("ana", "abstinence", {{"indirectness", 0, " "}}, "say why");
  expect_refused("ana", "abstinence", {{"imprecision", 1, ""}}, "differs from the suggestion");
  expect_refused("ana", "abstinence", {{"imprecision", 4, "x"}}, "0 to 3 levels, not 4");
  expect_refused("ana", "abstinence", {{"risk-of-bias", 3, "x"}}, "0 to 2 levels, not 3");
  // The second input is bad: the first is not written either.
  expect_refused("ana", "abstinence", {{"imprecision", std::nullopt, ""}, {"imprecision", 2, "again"}},
                 "judgement 2 (imprecision): \"imprecision\" is judged twice");
  expect_refused("ana", "abstinence", {}, "no GRADE judgement");
  {
    json only_craving = base_protocol();
    only_craving["outcomes"] = json::array({{{"name", "craving"}}});
    test::write_text(tmp / "litrev.json", only_craving.dump());
    CHECK_THROWS_WITH(grade_review(r), Catch::Contains("no outcome in litrev.json has a \"data\" file"));
    test::write_text(tmp / "litrev.json", base_protocol().dump());
  }

  const auto events = record_grade(r, "ana", "abstinence",
                                   {{"imprecision", std::nullopt, ""}, {"indirectness", 1, "3 vs 1 sessions"}},
                                   "2026-11-21T10:00:00Z");
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == "grade.judgement");
  CHECK(events[0].payload == json{{"outcome", "abstinence"},
                                  {"factor", "imprecision"},
                                  {"levels", 2},
                                  {"suggested", 2},
                                  {"justification", ""}});
  CHECK(events[1].payload.at("levels") == 1);
  CHECK(events[1].payload.at("suggested") == 0);
  CHECK(ledger_lines(tmp) == 2);
}

TEST_CASE("the latest judgement over every ledger stands and certainty follows", "[sof]") {
  test::TempDir tmp;
  make_review(tmp, base_protocol());
  const Review r(tmp.path().string());
  // ben's file sorts after ana's, but ana judged later: ana's judgement stands.
  record_grade(r, "ben", "abstinence", {{"publication-bias", 1, "industry funding suspected"}},
               "2026-11-21T09:00:00Z");
  record_grade(r, "ana", "abstinence", {{"publication-bias", 0, "registries searched, nothing unpublished"}},
               "2026-11-21T10:00:00Z");
  record_grade(r, "cy", "abstinence",
               {{"risk-of-bias", std::nullopt, ""},
                {"inconsistency", std::nullopt, ""},
                {"imprecision", 1, "the CI excludes no effect; OIS rule relaxed for a rare disorder"}},
               "2026-11-21T08:00:00Z");
  OutcomeGrade g = grade_of(r);
  const GradeFactor& pb = factor(g, "publication-bias");
  CHECK(pb.judged);
  CHECK(pb.levels == 0);
  CHECK(pb.actor == "ana");
  CHECK(pb.justification == "registries searched, nothing unpublished");
  CHECK(factor(g, "imprecision").effective() == 1);
  CHECK(factor(g, "imprecision").actor == "cy");
  CHECK(g.unjudged == 1); // indirectness
  // High − risk of bias 1 − imprecision 1 − indirectness (suggestion 0) = Low.
  CHECK(g.certainty == Certainty::low);
  CHECK_FALSE(g.final());

  record_grade(r, "ben", "abstinence", {{"indirectness", 1, "Krupitsky 2007 compares 3 with 1 sessions"}},
               "2026-11-21T11:00:00Z");
  record_grade_comment(r, "ben", "abstinence", "first comment", "2026-11-21T11:00:00Z");
  record_grade_comment(r, "ana", "abstinence", "a | pipe and <b>markup</b>", "2026-11-21T12:00:00Z");
  g = grade_of(r);
  CHECK(g.unjudged == 0);
  CHECK(g.final());
  CHECK(g.certainty == Certainty::very_low);
  CHECK(g.comment == "a | pipe and <b>markup</b>");

  // The RoB table changes: risk of bias is now suggested 0, so cy's
  // acceptance (made against 1) is stale and the outcome is not final.
  test::write_text(tmp / "rob/rob2.csv", "Study,D1,D2,D3,D4,D5,Overall\n"
                                         "Dakwar 2019,Low,Low,Low,Low,Low,Low\n"
                                         "Krupitsky 2007,Low,Low,Low,Low,Low,Low\n");
  g = grade_of(r);
  const GradeFactor& rob = factor(g, "risk-of-bias");
  CHECK(rob.suggested == 0);
  CHECK(rob.judged_against == 1);
  CHECK(rob.effective() == 1); // the judgement stands until someone judges again
  CHECK(rob.stale);
  CHECK(g.stale == 1);
  CHECK_FALSE(g.final());
  const GradeTable sof = summary_of_findings({g}, "t");
  CHECK_THAT(sof.remarks.front(), Catch::Contains("judgement") && Catch::Contains("earlier suggestion"));
  bool noted = false;
  for (const auto& [letter, text] : sof.footnotes) {
    noted = noted || text.find("to be judged again") != std::string::npos;
  }
  CHECK(noted);
}

TEST_CASE("the Summary of Findings numbers match Mantel-Haenszel computed by hand", "[sof]") {
  test::TempDir tmp;
  make_review(tmp, base_protocol());
  const Review r(tmp.path().string());
  const OutcomeGrade g = grade_of(r);
  // Greenland-Robins: RR_MH = Σ a n2/N / Σ c n1/N; var ln RR = Σ (n1 n2 (a+c) − a c N)/N² / (R S).
  const double a[] = {13, 13}, n1[] = {27, 26}, c[] = {3, 6}, n2[] = {28, 27};
  double R = 0, S = 0, P = 0;
  for (int i = 0; i < 2; ++i) {
    const double N = n1[i] + n2[i];
    R += a[i] * n2[i] / N;
    S += c[i] * n1[i] / N;
    P += (n1[i] * n2[i] * (a[i] + c[i]) - a[i] * c[i] * N) / (N * N);
  }
  const double rr = R / S, se = std::sqrt(P / (R * S));
  const double lb = std::exp(std::log(rr) - 1.959963984540054 * se);
  const double ub = std::exp(std::log(rr) + 1.959963984540054 * se);
  CHECK(std::exp(g.analysis.overall.estimate) == Approx(rr).epsilon(1e-9));
  CHECK(std::exp(g.analysis.overall.ci_lb) == Approx(lb).epsilon(1e-9));
  const double cr = 9.0 / 55.0;
  const json j = grade_json(g);
  CHECK(j.at("per_1000").at("comparator").get<double>() == Approx(1000 * cr));
  CHECK(j.at("per_1000").at("intervention").get<double>() == Approx(1000 * cr * rr).epsilon(1e-9));
  CHECK(j.at("per_1000").at("intervention_ub").get<double>() == Approx(1000 * cr * ub).epsilon(1e-9));
  CHECK(j.at("per_1000").at("difference_lb").get<double>() == Approx(1000 * cr * (lb - 1)).epsilon(1e-9));

  const GradeTable t = summary_of_findings({g}, "Summary of findings: test");
  REQUIRE(t.rows.size() == 1);
  const auto& row = t.rows[0];
  CHECK(row[0].text == "abstinence (risk ratio); follow-up: 5 weeks to 1 year; ketamine vs control");
  CHECK(row[1].text == fmt::format("{} per 1,000", std::lround(1000 * cr)));
  CHECK(row[2].text == fmt::format("{} per 1,000 ({} to {})", std::lround(1000 * cr * rr),
                                   std::lround(1000 * cr * lb), std::lround(1000 * cr * ub)));
  CHECK(row[3].text == fmt::format("{} more per 1,000 ({} more to {} more)", std::lround(1000 * cr * (rr - 1)),
                                   std::lround(1000 * cr * (lb - 1)), std::lround(1000 * cr * (ub - 1))));
  CHECK(row[4].text == fmt::format("RR {:.2f} ({:.2f} to {:.2f})", rr, lb, ub));
  CHECK(row[5].text == "108 (2 RCTs)");
  CHECK(row[6].text == "⊕◯◯◯ Very low");
  // The comparator risk's footnote, then one per factor that moves the certainty.
  CHECK(row[1].notes == std::vector<std::string>{"a"});
  CHECK(row[6].notes == std::vector<std::string>{"b", "c"});
  CHECK_THAT(t.footnotes[1].second, Catch::StartsWith("Risk of bias: rated down one level (litrev's suggestion"));
  CHECK_THAT(t.remarks.front(), Catch::Contains("Provisional: abstinence has 5 factors not yet judged"));

  const GradeTable p = evidence_profile({g}, "profile");
  CHECK(p.rows[0][3].text == "serious");
  CHECK(p.rows[0][4].text == "not serious");
  CHECK(p.rows[0][6].text == "very serious");
  CHECK(p.rows[0][7].text == "none");
  CHECK(p.rows[0][8].text == "26/53 (49.1%)");
  CHECK(p.rows[0][9].text == "9/55 (16.4%)");
  CHECK(p.rows[0][13].text == "CRITICAL");
}

TEST_CASE("absolute effects follow the odds ratio and the risk difference", "[sof]") {
  test::TempDir tmp;
  json proto = base_protocol();
  proto["outcomes"] = json::array({{{"name", "or"}, {"data", "outcomes/abstinence.csv"}, {"measure", "OR"},
                                    {"method", "FE"}},
                                   {{"name", "rd"}, {"data", "outcomes/abstinence.csv"}, {"measure", "RD"},
                                    {"method", "FE"}},
                                   {{"name", "md"}, {"data", "outcomes/md.csv"}, {"measure", "MD"},
                                    {"method", "FE"}}});
  make_review(tmp, proto);
  test::write_text(tmp / "outcomes/md.csv", "study,m1i,sd1i,n1i,m2i,sd2i,n2i\n"
                                            "A,10,4,20,12,4,30\n"
                                            "B,9,5,40,13,5,10\n");
  const Review r(tmp.path().string());
  const double cr = 9.0 / 55.0;
  {
    const OutcomeGrade g = grade_of(r, "or");
    const double o = std::exp(g.analysis.overall.estimate);
    const json j = grade_json(g);
    CHECK(j.at("per_1000").at("intervention").get<double>() == Approx(1000 * cr * o / (1 - cr + cr * o)));
  }
  {
    const OutcomeGrade g = grade_of(r, "rd");
    const json j = grade_json(g);
    CHECK(j.at("per_1000").at("difference").get<double>() == Approx(1000 * g.analysis.overall.estimate));
    const GradeTable t = summary_of_findings({g}, "t");
    CHECK(t.rows[0][4].text == "—"); // no relative effect for a risk difference
  }
  {
    const OutcomeGrade g = grade_of(r, "md");
    CHECK(g.comparator_mean == Approx((12.0 * 30 + 13.0 * 10) / 40));
    CHECK(std::isnan(g.totals.control_risk));
    const GradeTable t = summary_of_findings({g}, "t");
    CHECK(t.rows[0][1].text == fmt::format("mean {:.2f}", (12.0 * 30 + 13.0 * 10) / 40));
    const MetaFit& f = g.analysis.overall;
    REQUIRE(f.estimate < 0);
    CHECK(t.rows[0][3].text == fmt::format("MD {:.2f} lower ({:.2f} lower to {:.2f} {})", -f.estimate, -f.ci_lb,
                                           std::abs(f.ci_ub), f.ci_ub < 0 ? "lower" : "higher"));
    CHECK(t.rows[0][5].text == "100 (2 RCTs)");
  }
}

TEST_CASE("non-randomised evidence starts Low and may be rated up", "[sof]") {
  test::TempDir tmp;
  json proto = base_protocol();
  proto["outcomes"] = json::array({{{"name", "nrsi"}, {"data", "outcomes/abstinence.csv"}, {"measure", "RR"},
                                    {"method", "MH"}, {"design", "non-randomised"}, {"robins_i", false}}});
  make_review(tmp, proto);
  const Review r(tmp.path().string());
  OutcomeGrade g = grade_of(r, "nrsi");
  CHECK(g.start == Certainty::low);
  REQUIRE(g.factors.size() == 8);
  CHECK(g.factors[5].id == "large-effect");
  CHECK(g.factors[5].upgrade);
  record_grade(r, "ana", "nrsi",
               {{"risk-of-bias", 0, "x"},
                {"inconsistency", 0, ""},
                {"indirectness", 0, "direct"},
                {"imprecision", 0, "accepted for the test"},
                {"publication-bias", 0, "none"},
                {"large-effect", 1, "RR 3"},
                {"dose-response", 0, "none shown"},
                {"confounding", 0, "not argued"}},
               "2026-11-21T10:00:00Z");
  g = grade_of(r, "nrsi");
  CHECK(g.final());
  CHECK(g.certainty == Certainty::moderate); // Low + 1
  const GradeTable p = evidence_profile({g}, "p");
  CHECK_THAT(p.rows[0][7].text, Catch::Contains("strong association"));
}

TEST_CASE("GRADE tables escape what they print and letter many footnotes", "[sof]") {
  GradeTable t;
  t.title = "T | <x>";
  t.header = {"Outcome", "Certainty"};
  t.rows.push_back({{"a|b\nc", {}}, {"<script>alert(1)</script> & \"q\"", {"a", "b"}}});
  t.footnotes = {{"a", "one, \"two\""}, {"b", "<i>"}};
  t.remarks = {"r"};
  const std::string md = grade_table_markdown(t);
  CHECK_THAT(md, Catch::Contains("| a\\|b c |"));
  CHECK_THAT(md, Catch::Contains("<sup>a,b</sup>"));
  const std::string html = grade_table_html(t);
  CHECK_THAT(html, !Catch::Contains("<script>") && Catch::Contains("&lt;script&gt;"));
  CHECK_THAT(html, Catch::Contains("<caption>T | &lt;x&gt;</caption>"));
  CHECK_THAT(html, Catch::Contains("<li id=\"fn-b\"><sup>b</sup> &lt;i&gt;</li>"));
  const std::string csv = grade_table_csv(t);
  CHECK_THAT(csv, Catch::StartsWith("Outcome,Certainty\r\n\"a|b\nc\",\"<script>alert(1)</script> & \"\"q\"\" [a,b]\""));
  CHECK_THAT(csv, Catch::Contains("\r\na,\"one, \"\"two\"\"\"\r\n"));

  // Nine outcomes, each with a comparator note and at least two factor notes: letters go a..z, aa, ab, ...
  test::TempDir tmp;
  json proto = base_protocol();
  proto["outcomes"] = json::array();
  for (int i = 0; i < 9; ++i) {
    proto["outcomes"].push_back({{"name", "o" + std::to_string(i)}, {"data", "outcomes/abstinence.csv"},
                                 {"measure", "RR"}, {"method", "MH"}, {"rob", "rob/rob2.csv"}});
  }
  make_review(tmp, proto);
  const Review r(tmp.path().string());
  const auto grades = grade_review(r);
  REQUIRE(grades.size() == 9);
  const auto two = grade_review(r, {"o3", "o1"});
  REQUIRE(two.size() == 2);
  CHECK(two[0].plan.name == "o3");
  CHECK(two[1].plan.name == "o1");
  CHECK_THROWS_WITH(grade_review(r, {"o9"}), Catch::Contains("no outcome \"o9\""));
  const GradeTable sof = summary_of_findings(grades, "t");
  REQUIRE(sof.footnotes.size() == 27);
  CHECK(sof.footnotes[25].first == "z");
  CHECK(sof.footnotes[26].first == "aa");
}

TEST_CASE("pooled studies are checked against the review's full-text inclusions", "[sof]") {
  test::TempDir tmp;
  make_review(tmp, base_protocol());
  test::write_text(tmp / "two.ris", "TY  - JOUR\nTI  - Ketamine trial one\nPY  - 2019\nDO  - 10.9999/one\nER  - \n\n"
                                    "TY  - JOUR\nTI  - Ketamine trial two\nPY  - 2007\nDO  - 10.9999/two\nER  - \n\n");
  Review r(tmp.path().string());
  r.import_files({tmp / "two.ris"}, {});
  // Without a record column nothing is checked.
  CHECK(grade_of(r).link_problems.empty());
  test::write_text(tmp / "outcomes/abstinence.csv", "study,record,ai,n1i,ci,n2i\n"
                                                    "Dakwar 2019,doi:10.9999/one,13,27,3,28\n"
                                                    "Krupitsky 2007,doi:10.9999/two,13,26,6,27\n");
  DecisionInput in;
  in.key = "doi:10.9999/one";
  in.decision = Decision::include;
  r.decide("ana", in);
  in.stage = Stage::full_text;
  r.decide("ana", in);
  in.key = "doi:10.9999/two";
  in.stage = Stage::title_abstract;
  in.decision = Decision::exclude;
  in.reason = r.protocol().stage(Stage::title_abstract)->exclusion_reasons.empty()
                  ? std::string()
                  : r.protocol().stage(Stage::title_abstract)->exclusion_reasons.front();
  r.decide("ana", in);
  OutcomeGrade g = grade_of(r);
  REQUIRE(g.link_problems.size() == 1);
  CHECK(g.link_problems[0] == "Krupitsky 2007 (line 3): doi:10.9999/two is not included at full text (status: "
                              "unscreened)");
  test::write_text(tmp / "outcomes/abstinence.csv", "study,record,ai,n1i,ci,n2i\n"
                                                    "Dakwar 2019,doi:10.9999/one,13,27,3,28\n"
                                                    "Krupitsky 2007,,13,26,6,27\n"
                                                    "Other 2001,pmid:1,1,10,2,10\n");
  g = grade_of(r);
  REQUIRE(g.link_problems.size() == 2);
  CHECK(g.link_problems[0] == "Krupitsky 2007 (line 3): no record key");
  CHECK(g.link_problems[1] == "Other 2001 (line 4): pmid:1 is not a record of the review");
  const GradeTable sof = summary_of_findings({g}, "t");
  CHECK(sof.remarks[0] == "Check the data of abstinence: Krupitsky 2007 (line 3): no record key.");
}
