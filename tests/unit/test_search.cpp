// Unit tests for what a searcher gets beyond matching: facets, sorting,
// snippets, stemmed phrases, has:/is: filters, the thesaurus (~word and
// expand), "did you mean" and numbered strategies in the native syntax.
// (test_pubmed_query.cpp covers the PubMed syntax.)
#include <algorithm>

#include <catch2/catch.hpp>

#include <litrev/error.hpp>
#include <litrev/index.hpp>
#include <litrev/strategy.hpp>
#include <litrev/thesaurus.hpp>

#include "testutil.hpp"

using litrev::Index;
using litrev::Record;
using litrev::SearchOptions;

namespace {

Record make(const std::string& pmid, int year, int month, const std::string& title, const std::string& abstract,
            const std::string& family) {
  Record r;
  r.ids.pmid = pmid;
  r.key = "pmid:" + pmid;
  r.pub_date.year = year;
  r.pub_date.month = month;
  r.title = title;
  if (!abstract.empty()) {
    r.abstract.push_back({"", "", abstract});
  }
  if (!family.empty()) {
    r.authors.push_back({});
    r.authors.back().family = family;
    r.authors.back().initials = "J";
  }
  r.languages = {"eng"};
  r.journal.medline_ta = "Am J Psychiatry";
  return r;
}

// Five records; the facts each test counts on are noted beside them.
struct Fixture {
  litrev::test::TempDir tmp;
  Index index{tmp / "index", Index::Mode::write};
  Fixture() {
    // 2019, Dakwar, journal article + RCT, eng
    Record a = make("1", 2019, 11, "Ketamine and cocaine use disorder",
                    "Ketamine therapies reduced cocaine use; opioid withdrawal was not studied.", "Dakwar");
    a.publication_types = {{"D016428", "Journal Article"}, {"D016449", "Randomized Controlled Trial"}};
    // 2019, Grabski, journal article, eng + ger, no abstract
    Record b = make("2", 2019, 3, "Alcohol dependence treated with esketamine", "", "Grabski");
    b.publication_types = {{"D016428", "Journal Article"}};
    b.languages = {"eng", "ger"};
    b.journal.medline_ta = "Lancet Psychiatry";
    // 2007, Krupitsky, review, rus
    Record c = make("3", 2007, 0, "Alcoholism and heroin: a review",
                    "We review psychotherapy with ketamine for alcoholism and heroin dependence.", "Krupitsky");
    c.publication_types = {{"D016454", "Review"}};
    c.languages = {"rus"};
    // 2023, no author, retracted, eng; its abstract holds markup as text
    Record d = make("4", 2023, 6, "Opioid withdrawals after treatment",
                    "Signs of <b>opioid withdrawals</b> & relapse in \"special K\" users.", "");
    d.publication_types = {{"D016441", "Retracted Publication"}};
    d.ids.doi = "10.1000/x";
    // 2015, Abbott, no journal facts beyond the fixture's
    Record e = make("5", 2015, 1, "Statin therapy in the elderly", "Unrelated cardiology abstract.", "Abbott");
    for (const Record* r : {&a, &b, &c, &d, &e}) {
      index.upsert(*r);
    }
    index.commit();
  }
  std::vector<std::string> keys(const std::string& q, SearchOptions o = {0, 100}) const {
    std::vector<std::string> out;
    for (const auto& h : index.search(q, o).hits) {
      out.push_back(h.record.key);
    }
    return out;
  }
  std::vector<std::string> sorted_keys(const std::string& q, SearchOptions o = {0, 100}) const {
    auto out = keys(q, o);
    std::sort(out.begin(), out.end());
    return out;
  }
};

using Counts = std::vector<std::pair<std::string, std::uint64_t>>;

Counts facet(const litrev::SearchResult& r, const std::string& name) {
  for (const auto& f : r.facets) {
    if (f.name == name) {
      return f.counts;
    }
  }
  FAIL("no facet " << name);
  return {};
}

} // namespace

TEST_CASE("facets count the whole matching set exactly", "[search]") {
  Fixture f;
  SearchOptions o{0, 1};
  o.facets = {"year", "pt", "lang", "journal"};
  // Everything but the statin record: 4 matches, shown 1.
  const auto r = f.index.search("NOT statin", o);
  REQUIRE(r.total == 4);
  REQUIRE(r.hits.size() == 1);
  CHECK(facet(r, "year") == Counts{{"2023", 1}, {"2019", 2}, {"2007", 1}});
  CHECK(facet(r, "pt") == Counts{{"journal article", 2}, {"randomized controlled trial", 1},
                                 {"retracted publication", 1}, {"review", 1}});
  CHECK(facet(r, "lang") == Counts{{"eng", 3}, {"ger", 1}, {"rus", 1}});
  CHECK(facet(r, "journal") == Counts{{"Am J Psychiatry", 3}, {"Lancet Psychiatry", 1}});
  CHECK(r.facets[0].name == "year"); // in the order asked for
  o.facets = {"authors"};
  CHECK_THROWS_WITH(f.index.search("ketamine", o), Catch::Contains("year, pt, lang, journal"));
}

TEST_CASE("facets counted from kept columns equal those counted per match", "[search]") {
  Fixture f;
  SearchOptions o{0, 1};
  o.facets = {"year", "pt", "lang", "journal"};
  const auto want = f.index.search("NOT statin", o).facets;
  const auto want_all = f.index.search("NOT zzz", o).facets;
  REQUIRE(want.size() == 4);
  f.index.write_shards(f.tmp / "shards", 2);
  for (const std::string& path : {f.tmp / "index", f.tmp / "shards"}) {
    INFO(path);
    // A read-only index counts its first facet query per match and keeps
    // columns from the second on (one shard only; shards keep counting per
    // match): every answer must be the same.
    const Index kept(path, Index::Mode::read);
    for (int round = 0; round < 3; ++round) {
      INFO("round " << round);
      const auto r = kept.search("NOT statin", o);
      REQUIRE(r.facets.size() == 4);
      for (std::size_t i = 0; i < 4; ++i) {
        CHECK(r.facets[i].name == want[i].name);
        CHECK(r.facets[i].counts == want[i].counts);
      }
      const auto all = kept.search("NOT zzz", o);
      for (std::size_t i = 0; i < 4; ++i) {
        CHECK(all.facets[i].counts == want_all[i].counts);
      }
    }
  }
  // A one-record match: only that record's values.
  const Index kept(f.tmp / "index", Index::Mode::read);
  for (int round = 0; round < 3; ++round) {
    const auto one = kept.search("statin", o);
    CHECK(facet(one, "year") == Counts{{"2015", 1}});
    CHECK(facet(one, "lang") == Counts{{"eng", 1}});
  }
}

TEST_CASE("results sort by relevance date or first author", "[search]") {
  Fixture f;
  SearchOptions o{0, 100};
  o.sort = litrev::SortOrder::date;
  CHECK(f.keys("NOT zzz", o) == std::vector<std::string>{"pmid:4", "pmid:1", "pmid:2", "pmid:5", "pmid:3"});
  o.sort = litrev::SortOrder::author;
  // Abbott, Dakwar, Grabski, Krupitsky, then the record without an author.
  CHECK(f.keys("NOT zzz", o) == std::vector<std::string>{"pmid:5", "pmid:1", "pmid:2", "pmid:3", "pmid:4"});
  const auto r = f.index.search("NOT zzz", o);
  CHECK(r.hits[0].score == 0);
}

TEST_CASE("snippets mark the matching words and hold plain text", "[search]") {
  Fixture f;
  SearchOptions o{0, 10};
  o.snippets = true;
  const auto r = f.index.search("therapy AND cocaine", o);
  REQUIRE(r.hits.size() == 1);
  const litrev::Snippet& s = r.hits[0].snippet;
  std::vector<std::string> marked;
  for (const auto& [b, e] : s.highlights) {
    REQUIRE(b < e);
    REQUIRE(e <= s.text.size());
    marked.push_back(s.text.substr(b, e - b));
  }
  // "therapies" is marked for "therapy" (stem); "cocaine" for itself.
  CHECK(marked == std::vector<std::string>{"therapies", "cocaine"});

  const auto w = f.index.search("relapse", o);
  REQUIRE(w.hits.size() == 1);
  const litrev::Snippet& t = w.hits[0].snippet;
  CHECK(t.text.find("<b>opioid withdrawals</b> & relapse") != std::string::npos); // markup is text
  REQUIRE(t.highlights.size() == 1);
  CHECK(t.text.substr(t.highlights[0].first, t.highlights[0].second - t.highlights[0].first) == "relapse");

  // A record without an abstract: the title.
  const auto g = f.index.search("esketamine", o);
  REQUIRE(g.hits.size() == 1);
  CHECK(g.hits[0].snippet.text == "Alcohol dependence treated with esketamine");
  CHECK(g.hits[0].snippet.highlights.size() == 1);
  CHECK(f.index.search("esketamine", {0, 10}).hits[0].snippet.text.empty()); // only when asked
}

TEST_CASE("phrases match inflected forms", "[search]") {
  Fixture f;
  // "opioid withdrawals" (record 4) and "opioid withdrawal" (record 1), both ways.
  CHECK(f.sorted_keys("\"opioid withdrawals\"") == std::vector<std::string>{"pmid:1", "pmid:4"});
  CHECK(f.sorted_keys("\"opioid withdrawal\"") == std::vector<std::string>{"pmid:1", "pmid:4"});
  CHECK(f.sorted_keys("\"withdrawal opioid\"").empty());
  CHECK(f.sorted_keys("title:\"opioid withdrawal\"") == std::vector<std::string>{"pmid:4"});
}

TEST_CASE("has and is filter on facts about the record", "[search]") {
  Fixture f;
  CHECK(f.sorted_keys("NOT has:abstract") == std::vector<std::string>{"pmid:2"});
  CHECK(f.sorted_keys("has:doi") == std::vector<std::string>{"pmid:4"});
  CHECK(f.sorted_keys("is:retracted") == std::vector<std::string>{"pmid:4"});
  CHECK(f.sorted_keys("ketamine NOT is:retracted") == std::vector<std::string>{"pmid:1", "pmid:3"});
  CHECK(f.sorted_keys("has:pmid").size() == 5);
  CHECK(f.sorted_keys("is:erratum").empty());
}

TEST_CASE("the thesaurus expands ~word and with expand every known term", "[search]") {
  Fixture f;
  SearchOptions expand{0, 100};
  expand.expand = true;
  CHECK_THROWS_WITH(f.index.search("~ketamine", {0, 10}), Catch::Contains("needs a thesaurus"));
  CHECK_THROWS_WITH(f.index.search("ketamine", expand), Catch::Contains("needs a thesaurus"));

  f.index.set_thesaurus("# names\nketamine, esketamine, \"special K\"\n"
                        "alcohol use disorder, alcoholism, alcohol dependence\n",
                        "thesaurus.txt");
  f.index.commit();
  CHECK(f.sorted_keys("ketamine") == std::vector<std::string>{"pmid:1", "pmid:3"});
  CHECK(f.sorted_keys("~ketamine") == std::vector<std::string>{"pmid:1", "pmid:2", "pmid:3", "pmid:4"});
  CHECK(f.sorted_keys("~\"special k\"") == std::vector<std::string>{"pmid:1", "pmid:2", "pmid:3", "pmid:4"});
  // Three words typed form one term; expanded, they also find its synonyms.
  CHECK(f.sorted_keys("alcohol use disorder").empty());
  CHECK(f.sorted_keys("alcohol use disorder", expand) == std::vector<std::string>{"pmid:2", "pmid:3"});
  CHECK(f.sorted_keys("~alcohol use disorder") == std::vector<std::string>{"pmid:2", "pmid:3"});
  // Only what the thesaurus knows changes.
  CHECK(f.sorted_keys("cocaine", expand) == f.sorted_keys("cocaine"));
  CHECK(f.sorted_keys("title:ketamine", expand) == std::vector<std::string>{"pmid:1"});
  CHECK_THROWS_AS(f.index.search("~(ketamine)", {0, 10}), litrev::UsageError);
}

TEST_CASE("thesaurus files are read strictly", "[search]") {
  using litrev::Thesaurus;
  const Thesaurus t = Thesaurus::parse("\n# c\r\nA,  b c ,\"d, e\"\nx,y\n", "t.txt");
  REQUIRE(t.concepts().size() == 2);
  CHECK(t.concepts()[0] == std::vector<std::string>{"a", "b c", "d, e"});
  CHECK(t.synonyms("B  C") == std::vector<std::string>{"a", "d, e"});
  CHECK(t.synonyms("z").empty());
  CHECK(Thesaurus::parse(t.text(), "again").concepts() == t.concepts());
  CHECK(t.longest_match({"B", "c", "x"}, 0) == 2);
  CHECK(t.longest_match({"B", "x"}, 0) == 0);
  auto error_at = [](const std::string& text) {
    try {
      Thesaurus::parse(text, "t.txt");
    } catch (const litrev::DataError& e) {
      return e.line();
    }
    return 0UL;
  };
  CHECK(error_at("a, b\nc, a\n") == 2); // a term in two concepts
  CHECK(error_at("a, b\n\nc\n") == 3);  // a concept of one term
  CHECK(error_at("a,, b\n") == 1);      // an empty term
  CHECK(error_at("a, \"b\n") == 1);     // an open quote
}

TEST_CASE("a query that finds nothing gets a spelling suggestion", "[search]") {
  Fixture f;
  const auto r = f.index.search("ketamne AND cocain", {0, 10});
  CHECK(r.total == 0);
  CHECK(r.suggestion == "ketamine AND cocaine");
  CHECK(f.index.search("ketamine", {0, 10}).suggestion.empty());
  // Field names, operators and upper-case words are left alone.
  CHECK(f.index.search("title:ketamne OR Heroine", {0, 10}).suggestion == "title:ketamine OR Heroine");
}

TEST_CASE("a native strategy counts every line and refers back with #n", "[search]") {
  Fixture f;
  const std::vector<litrev::StrategyLine> lines = {
      {1, "ketamine OR esketamine", 1}, {2, "alcohol*", 2}, {3, "#1 AND #2", 3}, {4, "#3 NOT review", 5}};
  const auto r = f.index.run_strategy(lines, {0, 10});
  REQUIRE(r.lines.size() == 4);
  CHECK(r.lines[0].hits == 3);
  CHECK(r.lines[1].hits == 2);
  CHECK(r.lines[2].hits == 2);
  CHECK(r.lines[3].hits == 1);
  REQUIRE(r.last.hits.size() == 1);
  CHECK(r.last.hits[0].record.key == "pmid:2");
  CHECK_THROWS_WITH(f.index.run_strategy({{1, "ketamine", 1}, {2, "#3 OR #1", 4}}, {0, 10}),
                    Catch::Contains("strategy line 4") && Catch::Contains("#3"));
}

TEST_CASE("exact author values fold case beyond ASCII", "[search]") {
  litrev::test::TempDir tmp;
  Index index(tmp / "index", Index::Mode::write);
  Record r = make("7", 2023, 1, "Burn care for older patients", "", "Bruserud");
  r.authors[0].initials = "Ø";
  index.upsert(r);
  index.commit();
  SearchOptions o{0, 10};
  o.syntax = litrev::QuerySyntax::pubmed;
  for (const char* q : {"\"bruserud ø\"[au]", "\"BRUSERUD Ø\"[au]", "\"Bruserud, Øyvind\"[au]", "bruserud[1au]"}) {
    INFO(q);
    CHECK(index.search(q, o).total == 1);
  }
  CHECK(index.search("\"bruserud o\"[au]", o).total == 0);
}
