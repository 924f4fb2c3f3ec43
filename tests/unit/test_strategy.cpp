// Unit tests for numbered search strategies: reading them (litrev/strategy.hpp)
// and running one with PubMed syntax (Index::run_strategy).
#include <catch2/catch.hpp>

#include <algorithm>

#include <litrev/error.hpp>
#include <litrev/index.hpp>
#include <litrev/strategy.hpp>

#include "testutil.hpp"

using litrev::StrategyLine;

namespace {

struct Expected {
  int number;
  std::string query;
  std::size_t line;
};

void check_lines(const std::vector<StrategyLine>& got, const std::vector<Expected>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("line " << i);
    CHECK(got[i].number == want[i].number);
    CHECK(got[i].query == want[i].query);
    CHECK(got[i].line == want[i].line);
  }
}

} // namespace

TEST_CASE("strategy: numbering forms and comments and Ovid combination lines", "[strategy]") {
  const std::string text = "// ketamine for substance use\r\n"
                           "; exported from a search log\r\n"
                           "\r\n"
                           "#1 ketamine[tiab]\r\n"
                           "2. cocaine[tiab] OR opioid[tiab]\n"
                           "3 #1 AND #2\n"
                           "4 1 or 2\n"
                           "5 or/1-2,4\n"
                           "  6\t(1 or 2)  and 3  \n"
                           "7 #3 NOT german[la]\n"
                           "8 2019\n"
                           "10 \"#12 is only text here\"[tiab] OR #8\n"
                           "20. and/1,3\n";
  check_lines(litrev::parse_strategy(text, "search.txt"),
              {{1, "ketamine[tiab]", 4},
               {2, "cocaine[tiab] OR opioid[tiab]", 5},
               {3, "#1 AND #2", 6},
               {4, "#1 OR #2", 7},
               {5, "(#1 OR #2 OR #4)", 8},
               {6, "(#1 OR #2) AND #3", 9},
               {7, "#3 NOT german[la]", 10}, // a tagged line is not rewritten
               {8, "2019", 11},              // a bare number without an operator is a search word
               {10, "\"#12 is only text here\"[tiab] OR #8", 12},
               {20, "(#1 AND #3)", 13}});
}

TEST_CASE("strategy: a byte order mark and a missing last line end are fine", "[strategy]") {
  check_lines(litrev::parse_strategy("\xEF\xBB\xBF#1 a\n#2 #1 OR b", "s.txt"), {{1, "a", 1}, {2, "#1 OR b", 2}});
}

TEST_CASE("strategy: errors name the file and the line", "[strategy]") {
  const struct {
    const char* text;
    unsigned long line;
    const char* problem;
  } cases[] = {
      {"#1 a\n#1 b", 2, "#1 is numbered twice"},
      {"#2 a\n#1 b", 2, "#1 comes after #2: numbers must increase"},
      {"#1 #2 OR a", 1, "#2 refers to a line that is not above"},
      {"#1 a\n#2 #2 OR a", 2, "#2 refers to a line that is not above"},
      {"#1 a\n#2 1 or 3", 2, "#3 refers to a line that is not above"},
      {"#1 a\n\n#2 or/1-5", 3, "#2 refers to a line that is not above"},
      {"#1 a\n#2 or/3-1", 2, "bad line list '3-1'"},
      {"#1", 1, "#1 has no query"},
      {"#1 a\n2.   ", 2, "#2 has no query"},
      {"ketamine[tiab]", 1, "starts with its number"},
      {"#1 a\n1.5 mg", 2, "starts with its number"},
      {"#1ketamine", 1, "starts with its number"},
      {"", 0, "no numbered lines"},
      {"// only a comment\n\n", 0, "no numbered lines"},
  };
  for (const auto& row : cases) {
    INFO("strategy: " << row.text);
    try {
      litrev::parse_strategy(row.text, "search.txt");
      FAIL("no error");
    } catch (const litrev::DataError& e) {
      CHECK(e.file() == "search.txt");
      CHECK(e.line() == row.line);
      CHECK(std::string(e.problem()).find(row.problem) != std::string::npos);
      if (row.line > 0) {
        CHECK(std::string(e.what()).find("search.txt:" + std::to_string(row.line) + ": ") == 0);
      }
    }
  }
}

namespace {

struct SmallIndex {
  litrev::test::TempDir tmp;
  litrev::Index index{tmp / "index", litrev::Index::Mode::write};
  SmallIndex() {
    const struct {
      const char* pmid;
      const char* title;
      const char* lang;
    } records[] = {
        {"1", "Ketamine for alcohol use disorder", "eng"},
        {"2", "Ketamine infusion in cocaine dependence", "ger"},
        {"3", "Opioid withdrawal and buprenorphine", "eng"},
        {"4", "Cocaine use and ketamine", "eng"},
        {"5", "Statin therapy", "eng"},
    };
    for (const auto& r : records) {
      litrev::Record rec;
      rec.ids.pmid = r.pmid;
      rec.key = std::string("pmid:") + r.pmid;
      rec.title = r.title;
      rec.languages = {r.lang};
      rec.pub_date.year = 2020;
      index.upsert(rec);
    }
    index.commit();
  }
};

litrev::SearchOptions pubmed() {
  litrev::SearchOptions o;
  o.limit = 100;
  o.syntax = litrev::QuerySyntax::pubmed;
  return o;
}

} // namespace

TEST_CASE("strategy: running one counts every line and returns the last line's hits", "[strategy][pubmed]") {
  SmallIndex s;
  const auto lines = litrev::parse_strategy("#1 ketamine[tiab]\n"
                                            "#2 cocaine[tiab] OR opioid[tiab]\n"
                                            "#3 #1 AND #2\n"
                                            "#4 #3 NOT german[la]\n"
                                            "5. 1 or 2\n"
                                            "6 5 not 3\n",
                                            "search.txt");
  const litrev::StrategyResult r = s.index.run_strategy(lines, pubmed());
  const std::vector<std::pair<int, std::uint64_t>> expected = {{1, 3}, {2, 3}, {3, 2}, {4, 1}, {5, 4}, {6, 2}};
  REQUIRE(r.lines.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("line #" << expected[i].first);
    CHECK(r.lines[i].number == expected[i].first);
    CHECK(r.lines[i].hits == expected[i].second);
  }
  CHECK(r.lines[5].query == "#5 NOT #3");
  CHECK(r.last.total == 2);
  std::vector<std::string> keys;
  for (const auto& h : r.last.hits) {
    keys.push_back(h.record.key);
  }
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"pmid:1", "pmid:3"});
}

TEST_CASE("strategy: a bad query names its strategy line", "[strategy][pubmed]") {
  SmallIndex s;
  const auto lines = litrev::parse_strategy("#1 ketamine[tiab]\n\n#2 #1 AND cocaine[jour2]\n", "search.txt");
  try {
    s.index.run_strategy(lines, pubmed());
    FAIL("no error");
  } catch (const litrev::UsageError& e) {
    const std::string what = e.what();
    CHECK(what.find("strategy line 3") != std::string::npos);
    CHECK(what.find("[jour2]") != std::string::npos);
  }
}
