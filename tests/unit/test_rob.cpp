// Unit tests of the risk-of-bias module (lib/src/rob, litrev/rob.hpp).
//
// The RoB 2 domain algorithms are proved exhaustively: for every domain and
// variant, every combination of answers that the conditions allow is
// enumerated from the spec's question table (rob_grade_meta.md section 1.1),
// written out again here as predicates, and judged twice: by the library,
// and by a reference table built here from the spec's flowchart rules
// (section 1.2) as first-match rows (pattern -> judgement), a different shape
// from the library's branching. Each combination also checks the library's
// conditions (which questions are asked), that removing any answer makes the
// judgement incomplete, and that answering a question that is not asked is
// refused. The discrepancies of open-source implementations listed in spec
// section 1.3 are negative tests: our results follow the flowcharts.
// Then: the overall rules, reading judgements as people write them, answers,
// and the tool definitions themselves.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <litrev/error.hpp>
#include <litrev/rob.hpp>

#include <nlohmann/json.hpp>

using litrev::RobAnswer;
using litrev::RobAnswers;
using litrev::RobDomainLevels;
using litrev::RobJudgementStatus;
using litrev::RobOverallOptions;
using litrev::RobQuestionState;

namespace {

// ---------------------------------------------------------------------------
// The spec, written out for the tests

// One combination of answers: question id -> answer code; a question that is
// not asked holds "NA".
using Combo = std::map<std::string, std::string>;

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    out.push_back(w);
  }
  return out;
}

// Whether the answer to `q` in `c` is one of the space-separated `codes`.
bool is(const Combo& c, const std::string& q, const std::string& codes) {
  auto it = c.find(q);
  if (it == c.end()) {
    throw std::logic_error("the test reads " + q + " before it is answered");
  }
  return (" " + codes + " ").find(" " + it->second + " ") != std::string::npos;
}

const std::string k_five = "Y PY PN N NI";
const std::string k_na_five = "NA Y PY PN N NI";

// A row of spec section 1.1: the answers allowed when the question is asked,
// and when it is asked.
struct SpecQuestion {
  std::string id;
  std::string options;
  std::function<bool(const Combo&)> asked;
};

std::function<bool(const Combo&)> always() {
  return [](const Combo&) { return true; };
}

// A flowchart leaf as a pattern: every listed question's answer is one of the
// listed codes.
struct Row {
  std::vector<std::pair<std::string, std::string>> when;
  const char* level;
};

// The level of the first row `c` matches; "" when none does.
std::string first_match(const std::vector<Row>& rows, const Combo& c) {
  for (const auto& row : rows) {
    bool match = std::all_of(row.when.begin(), row.when.end(),
                             [&](const auto& w) { return is(c, w.first, w.second); });
    if (match) {
      return row.level;
    }
  }
  return "";
}

const char* L = "low";
const char* S = "some_concerns";
const char* H = "high";

// Spec 1.1 and 1.2, domain 1.
std::vector<SpecQuestion> d1_questions() {
  return {{"1.1", k_five, always()}, {"1.2", k_five, always()}, {"1.3", k_five, always()}};
}
const std::vector<Row> k_d1_rows = {
    {{{"1.2", "N PN"}}, H},
    {{{"1.2", "NI"}, {"1.3", "Y PY"}}, H},
    {{{"1.2", "NI"}, {"1.3", "N PN NI"}}, S},
    {{{"1.2", "Y PY"}, {"1.1", "N PN"}}, S},
    {{{"1.2", "Y PY"}, {"1.1", "Y PY NI"}, {"1.3", "Y PY"}}, S},
    {{{"1.2", "Y PY"}, {"1.1", "Y PY NI"}, {"1.3", "N PN NI"}}, L},
};

// Domain 2, effect of assignment.
std::vector<SpecQuestion> d2_assignment_questions() {
  return {
      {"2.1", k_five, always()},
      {"2.2", k_five, always()},
      {"2.3", k_five, [](const Combo& c) { return is(c, "2.1", "Y PY NI") || is(c, "2.2", "Y PY NI"); }},
      {"2.4", k_five, [](const Combo& c) { return is(c, "2.3", "Y PY"); }},
      {"2.5", k_five, [](const Combo& c) { return is(c, "2.4", "Y PY NI"); }},
      {"2.6", k_five, always()},
      {"2.7", k_five, [](const Combo& c) { return is(c, "2.6", "N PN NI"); }},
  };
}
const std::vector<Row> k_d2_part1_rows = {
    {{{"2.1", "N PN"}, {"2.2", "N PN"}}, L},
    {{{"2.3", "N PN"}}, L},
    {{{"2.3", "NI"}}, S},
    {{{"2.3", "Y PY"}, {"2.4", "N PN"}}, S},
    {{{"2.3", "Y PY"}, {"2.4", "Y PY NI"}, {"2.5", "Y PY"}}, S},
    {{{"2.3", "Y PY"}, {"2.4", "Y PY NI"}, {"2.5", "N PN NI"}}, H},
};
const std::vector<Row> k_d2_part2_rows = {
    {{{"2.6", "Y PY"}}, L},
    {{{"2.6", "N PN NI"}, {"2.7", "N PN"}}, S},
    {{{"2.6", "N PN NI"}, {"2.7", "Y PY NI"}}, H},
};
std::string d2_assignment_reference(const Combo& c) {
  std::string p1 = first_match(k_d2_part1_rows, c);
  std::string p2 = first_match(k_d2_part2_rows, c);
  if (p1.empty() || p2.empty()) {
    return "";
  }
  if (p1 == H || p2 == H) {
    return H;
  }
  if (p1 == L && p2 == L) {
    return L;
  }
  return S;
}

// Domain 2, effect of adhering: 2.3 to 2.5 are "if applicable" (NA allowed
// when asked).
std::vector<SpecQuestion> d2_adherence_questions() {
  return {
      {"2.1", k_five, always()},
      {"2.2", k_five, always()},
      {"2.3", k_na_five, [](const Combo& c) { return is(c, "2.1", "Y PY NI") || is(c, "2.2", "Y PY NI"); }},
      {"2.4", k_na_five, always()},
      {"2.5", k_na_five, always()},
      {"2.6", k_five,
       [](const Combo& c) { return is(c, "2.3", "N PN NI") || is(c, "2.4", "Y PY NI") || is(c, "2.5", "Y PY NI"); }},
  };
}
const std::vector<Row> k_d2_adherence_rows = {
    // 2.1 and 2.2 N/PN -> node X.
    {{{"2.1", "N PN"}, {"2.2", "N PN"}, {"2.4", "N PN NA"}, {"2.5", "N PN NA"}}, L},
    {{{"2.1", "N PN"}, {"2.2", "N PN"}, {"2.6", "Y PY"}}, S},
    {{{"2.1", "N PN"}, {"2.2", "N PN"}, {"2.6", "N PN NI"}}, H},
    // Otherwise 2.3 Y/PY/NA -> node X.
    {{{"2.3", "Y PY NA"}, {"2.4", "N PN NA"}, {"2.5", "N PN NA"}}, L},
    {{{"2.3", "Y PY NA"}, {"2.6", "Y PY"}}, S},
    {{{"2.3", "Y PY NA"}, {"2.6", "N PN NI"}}, H},
    // 2.3 N/PN/NI.
    {{{"2.3", "N PN NI"}, {"2.6", "Y PY"}}, S},
    {{{"2.3", "N PN NI"}, {"2.6", "N PN NI"}}, H},
};

// Domain 3: 3.2 has no NI.
std::vector<SpecQuestion> d3_questions() {
  return {
      {"3.1", k_five, always()},
      {"3.2", "Y PY PN N", [](const Combo& c) { return is(c, "3.1", "N PN NI"); }},
      {"3.3", k_five, [](const Combo& c) { return is(c, "3.2", "N PN"); }},
      {"3.4", k_five, [](const Combo& c) { return is(c, "3.3", "Y PY NI"); }},
  };
}
const std::vector<Row> k_d3_rows = {
    {{{"3.1", "Y PY"}}, L},
    {{{"3.2", "Y PY"}}, L},
    {{{"3.3", "N PN"}}, L},
    {{{"3.4", "N PN"}}, S},
    {{{"3.4", "Y PY NI"}}, H},
};

// Domain 4: with 4.2 NI, every Low leaf becomes Some concerns.
std::vector<SpecQuestion> d4_questions() {
  return {
      {"4.1", k_five, always()},
      {"4.2", k_five, always()},
      {"4.3", k_five, [](const Combo& c) { return is(c, "4.1", "N PN NI") && is(c, "4.2", "N PN NI"); }},
      {"4.4", k_five, [](const Combo& c) { return is(c, "4.3", "Y PY NI"); }},
      {"4.5", k_five, [](const Combo& c) { return is(c, "4.4", "Y PY NI"); }},
  };
}
const std::vector<Row> k_d4_rows = {
    {{{"4.1", "Y PY"}}, H},
    {{{"4.2", "Y PY"}}, H},
    {{{"4.2", "N PN"}, {"4.3", "N PN"}}, L},
    {{{"4.2", "N PN"}, {"4.4", "N PN"}}, L},
    {{{"4.2", "N PN"}, {"4.5", "N PN"}}, S},
    {{{"4.2", "N PN"}, {"4.5", "Y PY NI"}}, H},
    {{{"4.2", "NI"}, {"4.3", "N PN"}}, S},
    {{{"4.2", "NI"}, {"4.4", "N PN"}}, S},
    {{{"4.2", "NI"}, {"4.5", "N PN"}}, S},
    {{{"4.2", "NI"}, {"4.5", "Y PY NI"}}, H},
};

// Domain 5.
std::vector<SpecQuestion> d5_questions() {
  return {{"5.1", k_five, always()}, {"5.2", k_five, always()}, {"5.3", k_five, always()}};
}
const std::vector<Row> k_d5_rows = {
    {{{"5.2", "Y PY"}}, H},
    {{{"5.3", "Y PY"}}, H},
    {{{"5.2", "NI"}}, S},
    {{{"5.3", "NI"}}, S},
    {{{"5.1", "Y PY"}}, L},
    {{{"5.1", "N PN NI"}}, S},
};

std::function<std::string(const Combo&)> rows_reference(const std::vector<Row>& rows) {
  return [&rows](const Combo& c) { return first_match(rows, c); };
}

// ---------------------------------------------------------------------------
// Enumeration and comparison

// Every combination the conditions allow: a question asked takes each of its
// options, a question not asked is NA.
void enumerate(const std::vector<SpecQuestion>& qs, std::size_t i, Combo& c,
               const std::function<void(const Combo&)>& visit) {
  if (i == qs.size()) {
    visit(c);
    return;
  }
  const auto& q = qs[i];
  if (q.asked(c)) {
    for (const auto& opt : words(q.options)) {
      c[q.id] = opt;
      enumerate(qs, i + 1, c, visit);
    }
  } else {
    c[q.id] = "NA";
    enumerate(qs, i + 1, c, visit);
  }
  c.erase(q.id);
}

std::string show(const Combo& c) {
  std::string s;
  for (const auto& [q, a] : c) {
    s += (s.empty() ? "" : " ") + q + "=" + a;
  }
  return s;
}

struct DomainCase {
  const char* tool;
  const char* domain;
  std::vector<SpecQuestion> questions;
  std::function<std::string(const Combo&)> reference;
  std::size_t expected_combinations; // counted by hand from spec 1.1
  std::map<std::string, std::string> rename = {}; // spec id -> the tool's id
};

struct Tally {
  std::size_t combinations = 0;
  std::map<std::string, std::size_t> by_level;
  std::vector<std::string> problems;

  void problem(const std::string& what) {
    if (problems.size() < 20) {
      problems.push_back(what);
    }
  }
};

// Checks every combination of `dc` against the library; returns the tally.
Tally prove_domain(const DomainCase& dc) {
  const auto& tool = litrev::rob_tool(dc.tool);
  auto id = [&](const std::string& spec_id) {
    auto it = dc.rename.find(spec_id);
    return it == dc.rename.end() ? spec_id : it->second;
  };
  Tally t;
  Combo c;
  enumerate(dc.questions, 0, c, [&](const Combo& combo) {
    ++t.combinations;
    std::string where = std::string(dc.tool) + " " + dc.domain + " " + show(combo);
    std::string expected = dc.reference(combo);
    if (expected.empty()) {
      t.problem(where + ": no reference row matches");
      return;
    }
    ++t.by_level[expected];

    // Explicit NA for the questions not asked, and the same left out.
    RobAnswers with_na;
    RobAnswers without_na;
    std::set<std::string> asked;
    for (const auto& q : dc.questions) {
      RobAnswer a = litrev::parse_rob_answer(combo.at(q.id));
      with_na[id(q.id)] = a;
      if (q.asked(combo)) {
        asked.insert(id(q.id));
        without_na[id(q.id)] = a;
      }
    }
    for (const RobAnswers* answers : {&with_na, &without_na}) {
      auto j = litrev::domain_judgement(tool, dc.domain, *answers);
      if (j.status != RobJudgementStatus::judged || j.level != expected) {
        t.problem(where + ": library says " + (j.level.empty() ? "(not judged)" : j.level) + " by [" + j.rule +
                  "], the flowchart " + expected);
      }
      if (j.rule.empty() || j.path.empty()) {
        t.problem(where + ": no rule or path");
      }
    }

    // The library's conditions agree with the spec's.
    for (const auto& s : litrev::applicable_questions(tool, dc.domain, without_na)) {
      bool lib_asked = s.state == RobQuestionState::asked;
      if (s.state == RobQuestionState::undetermined || lib_asked != (asked.count(s.id) > 0)) {
        t.problem(where + ": the library disagrees on whether " + s.id + " is asked");
      }
    }

    // Leaving out any answer to a question asked: incomplete, naming it.
    for (const auto& q : asked) {
      RobAnswers fewer = without_na;
      fewer.erase(q);
      auto j = litrev::domain_judgement(tool, dc.domain, fewer);
      if (j.status != RobJudgementStatus::incomplete || !j.level.empty() ||
          std::find(j.missing.begin(), j.missing.end(), q) == j.missing.end()) {
        t.problem(where + ": without " + q + " the judgement is not incomplete");
      }
    }

    // Answering a question that is not asked, or NA to one that is asked and
    // does not allow it, is refused.
    for (const auto& q : dc.questions) {
      RobAnswers wrong = without_na;
      bool not_asked = !asked.count(id(q.id));
      if (not_asked) {
        wrong[id(q.id)] = RobAnswer::y;
      } else if (words(q.options).front() != "NA") {
        wrong[id(q.id)] = RobAnswer::na;
      } else {
        continue;
      }
      try {
        litrev::domain_judgement(tool, dc.domain, wrong);
        t.problem(where + ": answering " + id(q.id) + (not_asked ? " (not asked) Y" : " NA") + " was accepted");
      } catch (const litrev::UsageError&) {
      }
    }
  });
  return t;
}

void check_domain(const DomainCase& dc) {
  Tally t = prove_domain(dc);
  INFO(dc.tool << " " << dc.domain << ": " << t.combinations << " combinations (Low " << t.by_level[L]
               << ", Some concerns " << t.by_level[S] << ", High " << t.by_level[H] << ")");
  for (const auto& p : t.problems) {
    UNSCOPED_INFO(p);
  }
  CHECK(t.problems.empty());
  CHECK(t.combinations == dc.expected_combinations);
  // Every leaf of the flowchart is reached by some combination.
  CHECK(t.by_level[L] > 0);
  CHECK(t.by_level[S] > 0);
  CHECK(t.by_level[H] > 0);
}

// Counts by hand from spec 1.1 (see the report of the module):
//   D1: 5^3 = 125.
//   D2 assignment: part 1 = 4 (2.1, 2.2 N/PN) + 21 x (2 x (2 + 3 x 5) + 3) = 781;
//     part 2 = 2 + 3 x 5 = 17; 781 x 17 = 13277.
//   D2 adherence: with 2.4/2.5 (6 x 6 = 36 pairs, 9 of them N/PN/NA only):
//     2.6 asked always when 2.3 N/PN/NI (36 x 5 = 180), else 9 + 27 x 5 = 144;
//     4 x 144 + 21 x (3 x 144 + 3 x 180) = 20988.
//   D3: 2 + 3 x (2 + 2 x (2 + 3 x 5)) = 110.
//   D4: 16 + 9 x (2 + 3 x (2 + 3 x 5)) = 493.
//   D5: 5^3 = 125.
constexpr std::size_t k_d1_count = 125;
constexpr std::size_t k_d2_assignment_count = 13277;
constexpr std::size_t k_d2_adherence_count = 20988;
constexpr std::size_t k_d3_count = 110;
constexpr std::size_t k_d4_count = 493;
constexpr std::size_t k_d5_count = 125;

// ---------------------------------------------------------------------------
// Small helpers for the example-based tests

RobAnswers answers(std::initializer_list<std::pair<const char*, const char*>> list) {
  RobAnswers out;
  for (const auto& [q, a] : list) {
    out[q] = litrev::parse_rob_answer(a);
  }
  return out;
}

std::string judge(const char* tool, const char* domain, const RobAnswers& a) {
  auto j = litrev::domain_judgement(litrev::rob_tool(tool), domain, a);
  REQUIRE(j.status == RobJudgementStatus::judged);
  return j.level;
}

RobDomainLevels levels(const std::vector<std::string>& domains, const std::vector<std::string>& labels,
                       const char* tool) {
  RobDomainLevels out;
  for (std::size_t i = 0; i < domains.size(); ++i) {
    out[domains[i]] = litrev::parse_judgement(litrev::rob_tool(tool), labels[i]);
  }
  return out;
}

std::string overall(const char* tool, const RobDomainLevels& d, const RobOverallOptions& options = {}) {
  auto j = litrev::overall_judgement(litrev::rob_tool(tool), d, options);
  REQUIRE(j.status == RobJudgementStatus::judged);
  return j.level;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A minimal valid definition, to break one piece at a time.
std::string minimal_tool(const std::string& domain_questions, const std::string& algorithm = "null") {
  return R"({"id": "t", "family": "rob2", "name": "T", "short_name": "T", "version": "1", "status": "official",
  "source": "test", "levels": [{"id": "low", "label": "Low", "severity": 0},
  {"id": "some_concerns", "label": "Some concerns", "severity": 1}, {"id": "high", "label": "High", "severity": 2}],
  "overall": {"rule": "rob2"}, "domains": [{"id": "D1", "name": "D", "short_name": "D", "algorithm": )" +
         algorithm + R"(, "questions": )" + domain_questions + "}]}";
}

} // namespace

// ---------------------------------------------------------------------------
// RoB 2 domain algorithms, exhaustively

TEST_CASE("rob2 domain 1 is the flowchart for every combination of answers", "[rob]") {
  for (const char* tool : {"rob2-parallel-itt", "rob2-parallel-pp"}) {
    check_domain({tool, "D1", d1_questions(), rows_reference(k_d1_rows), k_d1_count});
  }
}

TEST_CASE("rob2 domain 2 for the effect of assignment is the flowchart for every combination", "[rob]") {
  check_domain({"rob2-parallel-itt", "D2", d2_assignment_questions(), d2_assignment_reference,
                k_d2_assignment_count});
}

TEST_CASE("rob2 domain 2 for the effect of adhering is the flowchart for every combination", "[rob]") {
  check_domain({"rob2-parallel-pp", "D2", d2_adherence_questions(), rows_reference(k_d2_adherence_rows),
                k_d2_adherence_count});
}

TEST_CASE("rob2 domain 3 is the flowchart for every combination of answers", "[rob]") {
  for (const char* tool : {"rob2-parallel-itt", "rob2-parallel-pp"}) {
    check_domain({tool, "D3", d3_questions(), rows_reference(k_d3_rows), k_d3_count});
  }
}

TEST_CASE("rob2 domain 4 is the flowchart for every combination of answers", "[rob]") {
  for (const char* tool : {"rob2-parallel-itt", "rob2-parallel-pp"}) {
    check_domain({tool, "D4", d4_questions(), rows_reference(k_d4_rows), k_d4_count});
  }
}

TEST_CASE("rob2 domain 5 is the flowchart for every combination of answers", "[rob]") {
  for (const char* tool : {"rob2-parallel-itt", "rob2-parallel-pp", "rob2-cluster"}) {
    check_domain({tool, "D5", d5_questions(), rows_reference(k_d5_rows), k_d5_count});
  }
}

TEST_CASE("rob2 cluster domain 1a is the domain 1 flowchart on the cluster questions", "[rob]") {
  check_domain({"rob2-cluster", "D1a", d1_questions(), rows_reference(k_d1_rows), k_d1_count,
                {{"1.1", "1a.1"}, {"1.2", "1a.2"}, {"1.3", "1a.3"}}});
}

TEST_CASE("rob2 cluster domains without an algorithm in the spec are left to the assessor", "[rob]") {
  const auto& crt = litrev::rob_tool("rob2-cluster");
  for (const char* d : {"D1b", "D2", "D3", "D4"}) {
    auto j = litrev::domain_judgement(crt, d, {});
    CHECK(j.status == RobJudgementStatus::assessor);
    CHECK(j.level.empty());
  }
  // 1b.2 is asked only when not everyone was recruited before randomization.
  auto st = litrev::applicable_questions(crt, "D1b", answers({{"1b.1", "Y"}}));
  REQUIRE(st.size() == 3);
  CHECK(st[1].id == "1b.2");
  CHECK(st[1].state == RobQuestionState::not_asked);
  CHECK_THROWS_AS(litrev::domain_judgement(crt, "D1b", answers({{"1b.1", "Y"}, {"1b.2", "N"}})),
                  litrev::UsageError);
}

// ---------------------------------------------------------------------------
// Spec section 1.3: where other implementations depart from the flowcharts

TEST_CASE("rob2-kit departure in domain 4 is not followed", "[rob]") {
  // rob2-kit: 4.1 = NI or 4.3 = NI gives Some concerns even when 4.4 is N/PN;
  // its golden case measurement-some-concerns (4.2 N, 4.3 NI, 4.4 N) expects
  // Some concerns. The flowchart says Low.
  CHECK(judge("rob2-parallel-itt", "D4", answers({{"4.1", "N"}, {"4.2", "N"}, {"4.3", "NI"}, {"4.4", "N"}})) ==
        "low");
  CHECK(judge("rob2-parallel-itt", "D4", answers({{"4.1", "NI"}, {"4.2", "N"}, {"4.3", "Y"}, {"4.4", "N"}})) ==
        "low");
  CHECK(judge("rob2-parallel-itt", "D4", answers({{"4.1", "NI"}, {"4.2", "PN"}, {"4.3", "PN"}})) == "low");
}

TEST_CASE("eagent departures in domains 3 and 4 are not followed", "[rob]") {
  // eagent's code lets 4.2 = NI reach Low; the flowchart turns that Low leaf
  // into Some concerns.
  CHECK(judge("rob2-parallel-itt", "D4", answers({{"4.1", "N"}, {"4.2", "NI"}, {"4.3", "N"}})) == "some_concerns");
  CHECK(judge("rob2-parallel-itt", "D4", answers({{"4.1", "N"}, {"4.2", "NI"}, {"4.3", "Y"}, {"4.4", "PN"}})) ==
        "some_concerns");
  // eagent treats any 3.2 other than Y like N. PY is a yes: Low, and 3.3 is
  // not asked, so answering it is refused rather than followed to High.
  CHECK(judge("rob2-parallel-itt", "D3", answers({{"3.1", "N"}, {"3.2", "PY"}})) == "low");
  CHECK_THROWS_AS(litrev::domain_judgement(litrev::rob_tool("rob2-parallel-itt"), "D3",
                                           answers({{"3.1", "N"}, {"3.2", "PY"}, {"3.3", "Y"}, {"3.4", "Y"}})),
                  litrev::UsageError);
}

TEST_CASE("corates departures are not followed", "[rob]") {
  // corates treats 3.2 = NI like N; 3.2 has no NI answer officially.
  const auto& itt = litrev::rob_tool("rob2-parallel-itt");
  try {
    litrev::domain_judgement(itt, "D3", answers({{"3.1", "N"}, {"3.2", "NI"}}));
    FAIL("3.2 = NI was accepted");
  } catch (const litrev::UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("3.2") && Catch::Contains("NI"));
  }
  // corates' overall is the worst domain, without the escalation the
  // guidance allows; ours escalates when the assessor says so.
  auto two_concerns = levels({"D1", "D2", "D3", "D4", "D5"}, {"Low", "Some concerns", "Some concerns", "Low", "Low"},
                             "rob2-parallel-itt");
  CHECK(overall("rob2-parallel-itt", two_concerns) == "some_concerns");
  RobOverallOptions escalate;
  escalate.several_concerns_high = true;
  CHECK(overall("rob2-parallel-itt", two_concerns, escalate) == "high");
}

TEST_CASE("the unnamed RoB 2 engine departures are not followed", "[rob]") {
  // It adds High for 1.1 N/PN with 1.3 Y/PY; the flowchart gives Some
  // concerns (1.2 Y/PY, 1.1 N/PN).
  CHECK(judge("rob2-parallel-itt", "D1", answers({{"1.1", "N"}, {"1.2", "Y"}, {"1.3", "Y"}})) == "some_concerns");
  CHECK(judge("rob2-parallel-itt", "D1", answers({{"1.1", "PN"}, {"1.2", "PY"}, {"1.3", "PY"}})) ==
        "some_concerns");
  // Its overall is High when three domains are Some concerns; the guidance
  // leaves that to the assessor.
  auto three = levels({"D1", "D2", "D3", "D4", "D5"}, {"S", "S", "S", "L", "L"}, "rob2-parallel-itt");
  CHECK(overall("rob2-parallel-itt", three) == "some_concerns");
}

TEST_CASE("the unnamed Domain2Assignment departures are not followed", "[rob]") {
  // 2.3 = NI with an appropriate analysis is not Low: part 1 is Some concerns.
  CHECK(judge("rob2-parallel-itt", "D2", answers({{"2.1", "Y"}, {"2.2", "N"}, {"2.3", "NI"}, {"2.6", "Y"}})) ==
        "some_concerns");
  // 2.4 = Y does not make High by itself: 2.5 Y/PY (balanced) gives Some
  // concerns.
  CHECK(judge("rob2-parallel-itt", "D2",
              answers({{"2.1", "Y"}, {"2.2", "Y"}, {"2.3", "Y"}, {"2.4", "Y"}, {"2.5", "Y"}, {"2.6", "Y"}})) ==
        "some_concerns");
  CHECK(judge("rob2-parallel-itt", "D2",
              answers({{"2.1", "Y"}, {"2.2", "Y"}, {"2.3", "Y"}, {"2.4", "Y"}, {"2.5", "N"}, {"2.6", "Y"}})) ==
        "high");
}

TEST_CASE("the cluster-trial transcription departures are not followed", "[rob]") {
  // It makes the overall High when two domains are Some concerns.
  auto two = levels({"D1a", "D1b", "D2", "D3", "D4", "D5"}, {"S", "L", "S", "L", "L", "L"}, "rob2-cluster");
  CHECK(overall("rob2-cluster", two) == "some_concerns");
  // It says 2.4 N/PN gives Low in part 1 of domain 2; the 2019 flowchart says
  // Some concerns, and its unverified cluster flowchart is not applied.
  auto j = litrev::domain_judgement(litrev::rob_tool("rob2-parallel-itt"), "D2",
                                    answers({{"2.1", "Y"}, {"2.2", "Y"}, {"2.3", "Y"}, {"2.4", "N"}, {"2.6", "Y"}}));
  CHECK(j.level == "some_concerns");
  CHECK_THAT(j.rule, Catch::Contains("2.4 N/PN -> Some concerns"));
  CHECK(litrev::domain_judgement(litrev::rob_tool("rob2-cluster"), "D2", {}).status ==
        RobJudgementStatus::assessor);
}

// ---------------------------------------------------------------------------
// Explanations, missing answers, bad answers

TEST_CASE("rob2 judgements say which path produced them", "[rob]") {
  auto j = litrev::domain_judgement(litrev::rob_tool("rob2-parallel-itt"), "D1",
                                    answers({{"1.1", "Y"}, {"1.2", "PY"}, {"1.3", "N"}}));
  CHECK(j.level == "low");
  CHECK(j.rule == "1.2 Y/PY; 1.1 Y/PY/NI; 1.3 N/PN/NI -> Low");
  CHECK(j.path == std::vector<std::string>{"1.2=PY", "1.1=Y", "1.3=N"});
  // The cluster version names its own questions.
  auto c = litrev::domain_judgement(litrev::rob_tool("rob2-cluster"), "D1a",
                                    answers({{"1a.1", "Y"}, {"1a.2", "N"}, {"1a.3", "N"}}));
  CHECK(c.level == "high");
  CHECK(c.rule == "1a.2 N/PN -> High");
  CHECK(c.path == std::vector<std::string>{"1a.2=N"});
}

TEST_CASE("rob2 with answers missing is incomplete and names them", "[rob]") {
  const auto& itt = litrev::rob_tool("rob2-parallel-itt");
  auto j = litrev::domain_judgement(itt, "D2", answers({{"2.2", "Y"}}));
  CHECK(j.status == RobJudgementStatus::incomplete);
  CHECK(j.level.empty());
  CHECK(j.missing == std::vector<std::string>{"2.1", "2.3", "2.6"});
  // 2.3 depends on 2.1 only through "2.1 or 2.2": 2.2 = Y decides it.
  auto st = litrev::applicable_questions(itt, "D2", answers({{"2.2", "Y"}}));
  REQUIRE(st.size() == 7);
  CHECK(st[2].state == RobQuestionState::asked);
  CHECK(st[3].state == RobQuestionState::undetermined);
  // With 2.2 = N, 2.3 waits on 2.1.
  st = litrev::applicable_questions(itt, "D2", answers({{"2.2", "N"}}));
  CHECK(st[2].state == RobQuestionState::undetermined);
  CHECK(litrev::domain_judgement(itt, "D5", {}).missing == std::vector<std::string>{"5.1", "5.2", "5.3"});
}

TEST_CASE("rob2 refuses unknown questions and answers a question does not allow", "[rob]") {
  const auto& itt = litrev::rob_tool("rob2-parallel-itt");
  CHECK_THROWS_AS(litrev::domain_judgement(itt, "D1", answers({{"1.4", "Y"}})), litrev::UsageError);
  CHECK_THROWS_AS(litrev::domain_judgement(itt, "D9", {}), litrev::UsageError);
  CHECK_THROWS_AS(litrev::domain_judgement(itt, "D1", answers({{"1.1", "SY"}})), litrev::UsageError);
  // The adherence questions 2.3 and 2.7 differ: 2.7 is not a question there.
  CHECK_THROWS_AS(litrev::domain_judgement(litrev::rob_tool("rob2-parallel-pp"), "D2", answers({{"2.7", "N"}})),
                  litrev::UsageError);
  try {
    litrev::domain_judgement(itt, "D3", answers({{"3.1", "Y"}, {"3.2", "N"}}));
    FAIL("an answer to a question not asked was accepted");
  } catch (const litrev::UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("3.2 is not asked unless 3.1 is N/PN/NI"));
  }
  // Answers to other domains' questions do not matter to this domain.
  CHECK(judge("rob2-parallel-itt", "D5", answers({{"5.1", "Y"}, {"5.2", "N"}, {"5.3", "N"}, {"1.1", "NI"}})) ==
        "low");
}

// ---------------------------------------------------------------------------
// Overall judgements

TEST_CASE("rob2 overall follows the guidance for every combination of domain judgements", "[rob]") {
  const std::vector<std::string> lv = {"low", "some_concerns", "high"};
  for (const char* tool_id : {"rob2-parallel-itt", "rob2-cluster"}) {
    const auto& tool = litrev::rob_tool(tool_id);
    std::vector<std::string> ds;
    for (const auto& d : tool.domains) {
      ds.push_back(d.id);
    }
    std::size_t n = 1;
    for (std::size_t i = 0; i < ds.size(); ++i) {
      n *= 3;
    }
    std::size_t checked = 0;
    std::vector<std::string> problems;
    for (std::size_t k = 0; k < n; ++k) {
      RobDomainLevels d;
      std::size_t x = k;
      int lows = 0, concerns = 0, highs = 0;
      for (const auto& id : ds) {
        const auto& l = lv[x % 3];
        x /= 3;
        d[id] = l;
        lows += l == "low";
        concerns += l == "some_concerns";
        highs += l == "high";
      }
      // Spec 1.2, Overall: Low = Low in all; Some concerns = Some concerns
      // in at least one and High in none; High = High in at least one, or
      // Some concerns in several when the assessor judges so.
      std::string plain = highs > 0 ? "high" : lows == static_cast<int>(ds.size()) ? "low" : "some_concerns";
      auto j = litrev::overall_judgement(tool, d);
      if (j.level != plain) {
        problems.push_back(tool.id + " #" + std::to_string(k) + ": " + j.level + " expected " + plain);
      }
      RobOverallOptions escalate;
      escalate.several_concerns_high = true;
      if (concerns >= 2) {
        if (litrev::overall_judgement(tool, d, escalate).level != "high") {
          problems.push_back(tool.id + " #" + std::to_string(k) + ": escalation ignored");
        }
      } else {
        try {
          litrev::overall_judgement(tool, d, escalate);
          problems.push_back(tool.id + " #" + std::to_string(k) + ": escalation accepted with < 2 concerns");
        } catch (const litrev::UsageError&) {
        }
      }
      ++checked;
    }
    INFO(tool.id << ": " << checked << " combinations");
    CHECK(problems.empty());
    CHECK(checked == (ds.size() == 5 ? 243u : 729u));
  }
}

TEST_CASE("rob2 overall matches robvis example data where the rule decides", "[rob]") {
  // robvis data_rob2.csv, studies 1, 2 and 4 to 9 (study 3 has "No
  // information", not a RoB 2 judgement).
  struct Study {
    std::vector<std::string> d;
    const char* overall;
  };
  const std::vector<Study> studies = {
      {{"Low", "Low", "Low", "Low", "Low"}, "Low"},
      {{"Some concerns", "Low", "Low", "Low", "Low"}, "Some concerns"},
      {{"Low", "Low", "High", "Low", "Some concerns"}, "High"},
      {{"High", "High", "Low", "Low", "Some concerns"}, "High"},
      {{"Low", "High", "Some concerns", "Low", "Low"}, "High"},
      {{"Low", "Some concerns", "Some concerns", "High", "Low"}, "High"},
      {{"Low", "Some concerns", "Low", "Low", "Low"}, "Some concerns"},
      {{"Low", "Low", "High", "Low", "Low"}, "High"},
  };
  const auto& tool = litrev::rob_tool("rob2-parallel-itt");
  for (const auto& s : studies) {
    auto d = levels({"D1", "D2", "D3", "D4", "D5"}, s.d, "rob2-parallel-itt");
    CHECK(overall("rob2-parallel-itt", d) == litrev::parse_judgement(tool, s.overall));
  }
  CHECK_THROWS_AS(litrev::parse_judgement(tool, "No information"), litrev::UsageError);
}

TEST_CASE("rob2 overall is incomplete while a domain is not judged", "[rob]") {
  const auto& tool = litrev::rob_tool("rob2-parallel-itt");
  auto j = litrev::overall_judgement(tool, {{"D1", "high"}, {"D3", "low"}});
  CHECK(j.status == RobJudgementStatus::incomplete);
  CHECK(j.level.empty());
  CHECK(j.missing == std::vector<std::string>{"D2", "D4", "D5"});
  CHECK_THROWS_AS(litrev::overall_judgement(tool, {{"D6", "low"}}), litrev::UsageError);
  CHECK_THROWS_AS(litrev::overall_judgement(tool, {{"D1", "serious"}}), litrev::UsageError);
  RobOverallOptions key;
  key.non_key_domains = {"D1"};
  CHECK_THROWS_AS(litrev::overall_judgement(tool, {}, key), litrev::UsageError);
}

TEST_CASE("robins-i overall follows the official rule for every combination", "[rob]") {
  const auto& tool = litrev::rob_tool("robins-i");
  const std::vector<std::string> lv = {"low", "moderate", "serious", "critical", "no_information"};
  std::size_t checked = 0;
  std::vector<std::string> problems;
  for (std::size_t k = 0; k < 78125; ++k) {
    RobDomainLevels d;
    std::map<std::string, int> count;
    std::size_t x = k;
    for (int i = 1; i <= 7; ++i) {
      const auto& l = lv[x % 5];
      x /= 5;
      d["D" + std::to_string(i)] = l;
      ++count[l];
    }
    // Sterne 2016: Critical in any; Serious in any, Critical in none; No
    // information in a (key) domain with no sign of Serious or Critical;
    // Low or Moderate in all; Low in all.
    std::string expected = count["critical"]         ? "critical"
                           : count["serious"]        ? "serious"
                           : count["no_information"] ? "no_information"
                           : count["moderate"]       ? "moderate"
                                                     : "low";
    auto j = litrev::overall_judgement(tool, d);
    if (j.level != expected && problems.size() < 10) {
      problems.push_back(std::to_string(k) + ": " + j.level + " expected " + expected);
    }
    ++checked;
  }
  CHECK(problems.empty());
  CHECK(checked == 78125);
}

TEST_CASE("robins-i overall matches robvis example data", "[rob]") {
  struct Study {
    std::vector<std::string> d;
    const char* overall;
  };
  const std::vector<Study> studies = {
      {{"Moderate", "Critical", "Low", "Low", "Moderate", "Moderate", "Moderate"}, "Critical"},
      {{"Moderate", "Serious", "Low", "Serious", "Low", "Low", "Low"}, "Serious"},
      {{"Serious", "Moderate", "Low", "Low", "Moderate", "Moderate", "Low"}, "Serious"},
      {{"Moderate", "Critical", "Low", "Low", "Moderate", "Moderate", "Moderate"}, "Critical"},
      {{"Moderate", "Moderate", "Low", "Moderate", "Moderate", "Serious", "Moderate"}, "Serious"},
      {{"Moderate", "Serious", "Low", "Low", "Serious", "Moderate", "Low"}, "Serious"},
      {{"Moderate", "Low", "Serious", "Moderate", "Low", "Serious", "Moderate"}, "Serious"},
      {{"Moderate", "Serious", "Low", "Low", "Low", "Low", "Moderate"}, "Serious"},
      {{"Serious", "Low", "Low", "Low", "Serious", "Moderate", "Serious"}, "Serious"},
  };
  const std::vector<std::string> ds = {"D1", "D2", "D3", "D4", "D5", "D6", "D7"};
  const auto& tool = litrev::rob_tool("robins-i");
  for (const auto& s : studies) {
    CHECK(overall("robins-i", levels(ds, s.d, "robins-i")) == litrev::parse_judgement(tool, s.overall));
  }
  // Study 2: No information in D2 and Moderate overall: right only when the
  // assessor does not count D2 as a key domain.
  auto study2 = levels(ds, {"Moderate", "No information", "Moderate", "Low", "Low", "Low", "Moderate"}, "robins-i");
  CHECK(overall("robins-i", study2) == "no_information");
  RobOverallOptions d2_not_key;
  d2_not_key.non_key_domains = {"D2"};
  auto j = litrev::overall_judgement(tool, study2, d2_not_key);
  CHECK(j.level == "moderate");
  CHECK_THAT(j.rule, Catch::Contains("set aside"));
  // A non-key domain still counts when it is Serious or Critical.
  auto serious = levels(ds, {"Low", "Serious", "Low", "Low", "Low", "Low", "Low"}, "robins-i");
  CHECK(overall("robins-i", serious, d2_not_key) == "serious");
  CHECK_THROWS_AS(litrev::overall_judgement(tool, study2, RobOverallOptions{true, {}}), litrev::UsageError);
}

TEST_CASE("rob1 quadas-2 robins-i-v2 and robins-e overall rules", "[rob]") {
  const std::vector<std::string> seven = {"D1", "D2", "D3", "D4", "D5", "D6", "D7"};
  // RoB 1 (robvis data_rob1.csv studies 1 to 6, 8, 9; Handbook 5.1 8.7.a).
  CHECK(overall("rob1", levels(seven, {"L", "L", "L", "L", "L", "L", "L"}, "rob1")) == "low");
  CHECK(overall("rob1", levels(seven, {"U", "L", "L", "L", "L", "L", "U"}, "rob1")) == "unclear");
  CHECK(overall("rob1", levels(seven, {"L", "L", "L", "H", "L", "U", "H"}, "rob1")) == "high");
  CHECK(overall("rob1", levels(seven, {"L", "U", "U", "L", "L", "L", "L"}, "rob1")) == "unclear");
  RobOverallOptions other_not_key;
  other_not_key.non_key_domains = {"D7"};
  CHECK(overall("rob1", levels(seven, {"L", "L", "L", "L", "L", "L", "H"}, "rob1"), other_not_key) == "low");
  RobOverallOptions none_key;
  none_key.non_key_domains = seven;
  CHECK_THROWS_AS(litrev::overall_judgement(litrev::rob_tool("rob1"), levels(seven, {"L", "L", "L", "L", "L", "L", "L"}, "rob1"),
                                            none_key),
                  litrev::UsageError);

  // QUADAS-2: applicability domains are optional and never count.
  const auto& q = litrev::rob_tool("quadas-2");
  CHECK(overall("quadas-2", {{"D1", "low"}, {"D2", "low"}, {"D3", "low"}, {"D4", "low"}, {"A1", "high"}}) == "low");
  CHECK(overall("quadas-2", {{"D1", "low"}, {"D2", "unclear"}, {"D3", "low"}, {"D4", "low"}}) == "at_risk");
  CHECK(overall("quadas-2", {{"D1", "high"}, {"D2", "low"}, {"D3", "low"}, {"D4", "low"}}) == "at_risk");
  CHECK_THROWS_AS(litrev::overall_judgement(q, {{"D1", "at_risk"}}), litrev::UsageError);

  // ROBINS-I V2 (draft): the most severe domain.
  CHECK(overall("robins-i-v2", {{"D1", "low_except_confounding"},
                                {"D2", "low"},
                                {"D3", "low"},
                                {"D4", "low"},
                                {"D5", "low"},
                                {"D6", "low"}}) == "low_except_confounding");
  CHECK(overall("robins-i-v2",
                {{"D1", "moderate"}, {"D2", "low"}, {"D3", "critical"}, {"D4", "low"}, {"D5", "serious"}, {"D6", "low"}}) ==
        "critical");

  // ROBINS-E: no verified rule, the assessor judges.
  RobDomainLevels e;
  for (const auto& d : seven) {
    e[d] = "low";
  }
  CHECK(litrev::overall_judgement(litrev::rob_tool("robins-e"), e).status == RobJudgementStatus::assessor);
}

// ---------------------------------------------------------------------------
// Reading judgements and answers as people write them

TEST_CASE("judgements are read tool-aware", "[rob]") {
  const auto& rob2 = litrev::rob_tool("rob2-parallel-itt");
  const auto& robins = litrev::rob_tool("robins-i");
  const auto& robins_e = litrev::rob_tool("robins-e");
  const auto& rob1 = litrev::rob_tool("rob1");
  for (const char* s : {"L", "l", "low", "Low", "LOW", "Low risk", "low-risk", "Low risk of bias", " low "}) {
    CHECK(litrev::parse_judgement(rob2, s) == "low");
    CHECK(litrev::parse_judgement(robins, s) == "low");
  }
  for (const char* s : {"S", "s", "SC", "Some concerns", "some_concerns", "some concerns"}) {
    CHECK(litrev::parse_judgement(rob2, s) == "some_concerns");
  }
  CHECK(litrev::parse_judgement(robins_e, "S") == "some_concerns");
  CHECK(litrev::parse_judgement(robins, "S") == "serious");
  CHECK(litrev::parse_judgement(robins, "Serious risk of bias") == "serious");
  for (const char* s : {"H", "High", "high risk", "High risk of bias"}) {
    CHECK(litrev::parse_judgement(rob2, s) == "high");
  }
  for (const char* s : {"NI", "ni", "No information", "no info"}) {
    CHECK(litrev::parse_judgement(robins, s) == "no_information");
  }
  CHECK(litrev::parse_judgement(robins, "M") == "moderate");
  CHECK(litrev::parse_judgement(robins, "Critical") == "critical");
  CHECK(litrev::parse_judgement(robins_e, "Very high") == "very_high");
  CHECK(litrev::parse_judgement(robins_e, "VH") == "very_high");
  CHECK(litrev::parse_judgement(rob1, "Unclear risk") == "unclear");
  CHECK(litrev::parse_judgement(rob1, "U") == "unclear");
  CHECK(litrev::parse_judgement(litrev::rob_tool("quadas-2"), "At risk of bias") == "at_risk");
  CHECK(litrev::parse_judgement(litrev::rob_tool("robins-i-v2"),
                                "Low (except for concerns about uncontrolled confounding)") ==
        "low_except_confounding");
  CHECK(litrev::parse_judgement(litrev::rob_tool("robins-i-v2"), "Low") == "low");
}

TEST_CASE("ambiguous and foreign judgements are refused with a clear message", "[rob]") {
  const auto& rob2 = litrev::rob_tool("rob2-parallel-itt");
  const auto& robins = litrev::rob_tool("robins-i");
  try {
    litrev::parse_judgement(robins, "N");
    FAIL("N was accepted");
  } catch (const litrev::UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("ambiguous") && Catch::Contains("No information"));
  }
  try {
    litrev::parse_judgement(rob2, "Serious");
    FAIL("Serious was accepted for RoB 2");
  } catch (const litrev::UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("not a RoB 2") && Catch::Contains("Some concerns (S, SC)"));
  }
  CHECK_THROWS_AS(litrev::parse_judgement(robins, "Some concerns"), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_judgement(rob2, "Moderate"), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_judgement(rob2, "Unclear"), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_judgement(rob2, ""), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_judgement(rob2, "NA"), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_judgement(rob2, "Some"), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_judgement(rob2, "risk"), litrev::UsageError);
}

TEST_CASE("signalling question answers are read in codes and words", "[rob]") {
  CHECK(litrev::parse_rob_answer("Y") == RobAnswer::y);
  CHECK(litrev::parse_rob_answer("yes") == RobAnswer::y);
  CHECK(litrev::parse_rob_answer("Probably yes") == RobAnswer::py);
  CHECK(litrev::parse_rob_answer("py") == RobAnswer::py);
  CHECK(litrev::parse_rob_answer("Probably no") == RobAnswer::pn);
  CHECK(litrev::parse_rob_answer("N") == RobAnswer::n);
  CHECK(litrev::parse_rob_answer("No information") == RobAnswer::ni);
  CHECK(litrev::parse_rob_answer("NI") == RobAnswer::ni);
  CHECK(litrev::parse_rob_answer("N/A") == RobAnswer::na);
  CHECK(litrev::parse_rob_answer("Not applicable") == RobAnswer::na);
  CHECK(litrev::parse_rob_answer("SY") == RobAnswer::sy);
  CHECK_THROWS_AS(litrev::parse_rob_answer("maybe"), litrev::UsageError);
  CHECK_THROWS_AS(litrev::parse_rob_answer(""), litrev::UsageError);
  for (RobAnswer a : {RobAnswer::y, RobAnswer::py, RobAnswer::pn, RobAnswer::n, RobAnswer::ni, RobAnswer::na,
                      RobAnswer::sy, RobAnswer::wy, RobAnswer::sn, RobAnswer::wn}) {
    CHECK(litrev::parse_rob_answer(litrev::rob_answer_code(a)) == a);
  }
}

// ---------------------------------------------------------------------------
// The definitions

TEST_CASE("every tool and variant is defined and embedded", "[rob]") {
  std::vector<std::string> ids;
  for (const auto& t : litrev::rob_tools()) {
    ids.push_back(t.id);
  }
  CHECK(ids == std::vector<std::string>{"quadas-2", "rob1", "rob2-cluster", "rob2-parallel-itt", "rob2-parallel-pp",
                                        "robins-e", "robins-i", "robins-i-v2"});
  CHECK(litrev::rob_tool("robins-i-v2").is_draft());
  CHECK_THAT(litrev::rob_tool("robins-i-v2").name, Catch::Contains("draft"));
  for (const auto& t : litrev::rob_tools()) {
    CHECK(t.is_draft() == (t.id == "robins-i-v2"));
  }
  try {
    litrev::rob_tool("rob3");
    FAIL("an unknown tool was found");
  } catch (const litrev::UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("rob3") && Catch::Contains("rob2-parallel-itt"));
  }
  // Question counts of the RoB 2 variants (spec 1.1).
  auto count = [](const char* tool) {
    std::size_t n = 0;
    for (const auto& d : litrev::rob_tool(tool).domains) {
      n += d.questions.size();
    }
    return n;
  };
  CHECK(count("rob2-parallel-itt") == 22);
  CHECK(count("rob2-parallel-pp") == 21);
  CHECK(litrev::rob_tool("robins-i").domains.size() == 7);
  CHECK(litrev::rob_tool("robins-i-v2").domains.size() == 6);
  CHECK(litrev::rob_tool("rob1").domains.size() == 7);
  CHECK(litrev::rob_tool("robins-e").domains.size() == 7);
  CHECK(litrev::rob_tool("quadas-2").domains.size() == 7);
  CHECK(litrev::rob_tool("rob2-cluster").domains.size() == 6);
}

TEST_CASE("the embedded definitions are the files in lib/rob-tools", "[rob]") {
  std::filesystem::path dir = std::filesystem::path(LITREV_SOURCE_DIR) / "lib" / "rob-tools";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    ++files;
    INFO(entry.path().string());
    auto t = litrev::parse_rob_tool(read_file(entry.path()), entry.path().string());
    CHECK(entry.path().stem().string() == t.id);
    const auto& embedded = litrev::rob_tool(t.id);
    REQUIRE(embedded.domains.size() == t.domains.size());
    for (std::size_t i = 0; i < t.domains.size(); ++i) {
      CHECK(embedded.domains[i].id == t.domains[i].id);
      CHECK(embedded.domains[i].algorithm == t.domains[i].algorithm);
      CHECK(embedded.domains[i].questions.size() == t.domains[i].questions.size());
    }
    CHECK(embedded.version == t.version);
  }
  CHECK(files == litrev::rob_tools().size());
}

TEST_CASE("malformed definitions are refused naming the problem", "[rob]") {
  const std::string q11 = R"({"id": "1.1", "text": "a", "answers": ["Y", "N"]})";
  CHECK_NOTHROW(litrev::parse_rob_tool(minimal_tool("[" + q11 + "]"), "ok.json"));
  auto refused = [](const std::string& json, const std::string& what) {
    try {
      litrev::parse_rob_tool(json, "bad.json");
      FAIL("accepted: " << json);
    } catch (const litrev::DataError& e) {
      CHECK(e.file() == "bad.json");
      CHECK_THAT(e.what(), Catch::Contains(what));
    }
  };
  refused("{", "not valid JSON");
  // A condition on a later question, or on an answer the question lacks.
  refused(minimal_tool(R"([{"id": "1.1", "text": "a", "answers": ["Y"], "asked_if": {"question": "1.2", "in": ["Y"]}},
                          {"id": "1.2", "text": "b", "answers": ["Y"]}])"),
          "not an earlier question");
  refused(minimal_tool("[" + q11 + R"(, {"id": "1.2", "text": "b", "answers": ["Y"],
                          "asked_if": {"question": "1.1", "in": ["NI"]}}])"),
          "does not allow");
  refused(minimal_tool("[" + q11 + ", " + q11 + "]"), "used twice");
  refused(minimal_tool(R"([{"id": "1.1", "text": "a", "answers": ["maybe"]}])"), "not an answer code");
  refused(minimal_tool("[" + q11 + "]", "\"rob2-2019-d9\""), "unknown algorithm");
  refused(minimal_tool("[" + q11 + "]", "\"rob2-2019-d1\""), "needs question 1.2");
}

// The worked review ships RoB 2 answers and the robvis summary made from
// them (corpora/ketamine-sud/rob); the summary must be what the algorithm
// gives for those answers.
TEST_CASE("the worked review's RoB 2 summary follows from its answers", "[rob]") {
  const std::string dir = std::string(LITREV_SOURCE_DIR) + "/corpora/ketamine-sud/rob/";
  std::ifstream answers_file(dir + "rob2-answers.json");
  REQUIRE(answers_file);
  const nlohmann::json doc = nlohmann::json::parse(answers_file);
  const litrev::RobTool& tool = litrev::rob_tool(doc.at("tool").get<std::string>());
  std::map<std::string, std::vector<std::string>> computed;
  for (const auto& a : doc.at("assessments")) {
    RobAnswers answers;
    for (const auto& [q, v] : a.at("answers").items()) {
      answers[q] = litrev::parse_rob_answer(v.at("answer").get<std::string>());
    }
    RobDomainLevels levels;
    std::vector<std::string> row;
    for (const char* d : {"D1", "D2", "D3", "D4", "D5"}) {
      const auto j = litrev::domain_judgement(tool, d, answers);
      REQUIRE(j.status == RobJudgementStatus::judged);
      levels[d] = j.level;
      row.push_back(tool.level(j.level).label);
    }
    row.push_back(tool.level(litrev::overall_judgement(tool, levels).level).label);
    computed[a.at("study").get<std::string>()] = row;
  }
  std::ifstream csv(dir + "rob2-summary.csv");
  std::string line;
  std::getline(csv, line); // header
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) {
      cells.push_back(cell.size() >= 2 && cell.front() == '"' ? cell.substr(1, cell.size() - 2) : cell);
    }
    REQUIRE(cells.size() == 7);
    INFO(cells[0]);
    REQUIRE(computed.count(cells[0]) == 1);
    CHECK(std::vector<std::string>(cells.begin() + 1, cells.end()) == computed[cells[0]]);
    ++rows;
  }
  CHECK(rows == computed.size());
}
