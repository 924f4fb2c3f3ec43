// Unit tests for the index: schema fields, query syntax, upsert and removal.
// Records are built in code here; test_review.cpp indexes real PubMed files.
#include <catch2/catch.hpp>

#include <litrev/error.hpp>
#include <litrev/index.hpp>

#include "testutil.hpp"

using litrev::Index;
using litrev::Record;

namespace {

Record make(const std::string& pmid, int year, const std::string& title,
            const std::string& abstract, const std::string& family = "Smith") {
  Record r;
  r.ids.pmid = pmid;
  r.key = "pmid:" + pmid;
  r.pub_date.year = year;
  r.title = title;
  r.abstract.push_back({"", "", abstract});
  r.authors.push_back({});
  r.authors.back().family = family;
  r.authors.back().initials = "J";
  r.languages = {"eng"};
  return r;
}

// Keys of the hits of `query`, in rank order.
std::vector<std::string> keys_of(const Index& index, const std::string& query) {
  std::vector<std::string> out;
  for (const auto& h : index.search(query, {0, 100}).hits) {
    out.push_back(h.record.key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Fixture {
  litrev::test::TempDir tmp;
  Index index{tmp / "index", Index::Mode::write};
  Fixture() {
    Record a = make("1", 2015, "Ketamine infusion for alcohol use disorder",
                    "A randomized trial of ketamine therapies in heavy drinkers.", "Grabski");
    a.mesh.push_back({"D007649", "Ketamine", true, "", {}});
    a.publication_types.push_back({"D016449", "Randomized Controlled Trial"});
    a.ids.doi = "10.1176/appi.ajp.2019.19070720";
    a.journal.title = "The American journal of psychiatry";
    a.journal.iso_abbrev = "Am J Psychiatry";
    a.keywords.push_back({"psychedelic therapy", "NOTNLM", false});
    Record b = make("2", 2019, "Cocaine use and ketamine",
                    "Ketamine reduced cocaine self-administration.", "Dakwar");
    b.languages = {"eng", "ger"};
    Record c = make("3", 2008, "Opioid withdrawal", "Buprenorphine tapering in opioid use disorder.",
                    "Krupitsky");
    Record d = make("4", 2023, "Statin therapy", "Unrelated cardiology abstract.", "Jones");
    d.authors.clear();
    d.authors.push_back({});
    d.authors.back().collective = "TAX 325 Study Group";
    for (const auto* r : {&a, &b, &c, &d}) {
      index.upsert(*r);
    }
    index.commit();
  }
};

using V = std::vector<std::string>;

} // namespace

TEST_CASE("queries over every schema field", "[index]") {
  Fixture f;
  static const struct {
    const char* query;
    V expected;
  } cases[] = {
      {"ketamine", {"pmid:1", "pmid:2"}},                         // title or abstract
      {"ketamine cocaine", {"pmid:2"}},                           // default AND
      {"ketamine OR opioid", {"pmid:1", "pmid:2", "pmid:3"}},
      {"ketamine NOT cocaine", {"pmid:1"}},
      {"NOT ketamine", {"pmid:3", "pmid:4"}},                     // pure NOT
      {"therapy", {"pmid:1", "pmid:4"}},                          // stem: therapies
      {"\"alcohol use disorder\"", {"pmid:1"}},                   // phrase
      {"\"use disorder alcohol\"", {}},                           // phrase order matters
      {"ketamine NEAR/5 drinkers", {"pmid:1"}},
      {"ketamine NEAR/1 drinkers", {}},
      {"title:cocaine", {"pmid:2"}},
      {"abstract:cocaine", {"pmid:2"}},
      {"abstract:infusion", {}},                                  // infusion is title only
      {"title:buprenorphine", {}},
      {"author:grabski", {"pmid:1"}},
      {"author:\"study group\"", {"pmid:4"}},
      {"journal:psychiatry", {"pmid:1"}},
      {"mesh:ketamine", {"pmid:1"}},
      {"pt:\"randomized controlled trial\"", {"pmid:1"}},
      {"keyword:psychedelic", {"pmid:1"}},
      {"lang:ger", {"pmid:2"}},
      {"lang:GER", {"pmid:2"}},
      {"pmid:3", {"pmid:3"}},
      {"doi:10.1176/APPI.AJP.2019.19070720", {"pmid:1"}},
      {"key:pmid:2", {"pmid:2"}},
      {"year:2019", {"pmid:2"}},
      {"year:2010..2020", {"pmid:1", "pmid:2"}},
      {"year:..2010", {"pmid:3"}},
      {"year:2020..", {"pmid:4"}},
      {"ketamine AND year:2016..2024", {"pmid:2"}},
      {"keta*", {"pmid:1", "pmid:2"}},
      {"nothingmatchesthis", {}},
  };
  for (const auto& c : cases) {
    INFO(c.query);
    CHECK(keys_of(f.index, c.query) == c.expected);
  }
}

TEST_CASE("search reports an exact total and pages with offset and limit", "[index]") {
  Fixture f;
  const auto all = f.index.search("NOT zzzz", {0, 2});
  CHECK(all.total == 4);
  REQUIRE(all.hits.size() == 2);
  CHECK(all.hits[0].rank == 1);
  const auto page2 = f.index.search("NOT zzzz", {2, 2});
  REQUIRE(page2.hits.size() == 2);
  CHECK(page2.hits[0].rank == 3);
  CHECK(page2.hits[0].record.key != all.hits[0].record.key);
  CHECK(f.index.search("NOT zzzz", {10, 2}).hits.empty());
}

TEST_CASE("title matches rank above abstract-only matches", "[index]") {
  Fixture f;
  const auto r = f.index.search("cocaine", {0, 10});
  REQUIRE(r.hits.size() == 1);
  const auto k = f.index.search("ketamine", {0, 10});
  REQUIRE(k.hits.size() == 2);
  CHECK(k.hits[0].score > 0);
  CHECK(k.hits[0].score >= k.hits[1].score);
}

TEST_CASE("a query syntax error is a UsageError carrying Xapian's message", "[index]") {
  Fixture f;
  CHECK_THROWS_AS(f.index.search("ketamine AND", {0, 10}), litrev::UsageError);
  CHECK_THROWS_WITH(f.index.search("ketamine OR", {0, 10}), Catch::Contains("query syntax"));
}

TEST_CASE("upsert replaces by key; remove deletes; get and keys", "[index]") {
  Fixture f;
  CHECK(f.index.size() == 4);
  Record changed = make("2", 2019, "Cocaine use and esketamine", "Revised abstract.", "Dakwar");
  f.index.upsert(changed);
  f.index.commit();
  CHECK(f.index.size() == 4);
  CHECK(f.index.get("pmid:2")->title == "Cocaine use and esketamine");
  CHECK(keys_of(f.index, "esketamine") == V{"pmid:2"});
  CHECK(keys_of(f.index, "cocaine AND self") == V{});

  CHECK(f.index.remove("pmid:3"));
  CHECK_FALSE(f.index.remove("pmid:3"));
  f.index.commit();
  CHECK(f.index.size() == 3);
  CHECK_FALSE(f.index.get("pmid:3"));
  CHECK_FALSE(f.index.contains("pmid:3"));
  CHECK(f.index.keys() == V{"pmid:1", "pmid:2", "pmid:4"});
}

TEST_CASE("a second writer is told the index is busy", "[index]") {
  Fixture f;
  CHECK_THROWS_WITH(Index(f.tmp / "index", Index::Mode::write), Catch::Contains("index busy"));
  // Readers are not blocked by the writer.
  Index reader(f.tmp / "index", Index::Mode::read);
  CHECK(reader.size() == 4);
}

TEST_CASE("an index with another schema version is refused", "[index]") {
  litrev::test::TempDir tmp;
  {
    Index index(tmp / "index", Index::Mode::write);
    index.upsert(make("1", 2000, "t", "a"));
    index.set_metadata("litrev.schema_version", "0");
    index.commit();
  }
  CHECK_THROWS_WITH(Index(tmp / "index", Index::Mode::read), Catch::Contains("litrev rebuild"));
  CHECK_THROWS_AS(Index(tmp / "missing", Index::Mode::read), litrev::IndexError);
}

TEST_CASE("every schema field is documented in schemas/index.md", "[index]") {
  const std::string doc = litrev::test::read_text(std::string(LITREV_SOURCE_DIR) + "/schemas/index.md");
  REQUIRE_FALSE(doc.empty());
  for (const auto& field : litrev::index_schema()) {
    if (std::string(field.name).empty()) {
      continue;
    }
    INFO(field.name);
    CHECK(doc.find("`" + std::string(field.name) + ":") != std::string::npos);
    if (*field.prefix) {
      CHECK(doc.find("`" + std::string(field.prefix) + "`") != std::string::npos);
    }
  }
}
