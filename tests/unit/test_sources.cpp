// The sources module's pure parts: reading ESearch, Europe PMC and CT.gov
// answers (recorded ones from shared/fixtures), the body checks HttpClient
// retries on, and the date arithmetic of PubMed's slicing. The clients
// themselves run against the loopback servers (tests/servers/test_fetch.cpp).
#include <catch2/catch.hpp>

#include <litrev/error.hpp>
#include <litrev/sources.hpp>

#include "testutil.hpp"

namespace {

using litrev::HttpResponse;
using litrev::PubmedDateRange;
using litrev::test::fixture;
using litrev::test::read_text;

HttpResponse response(std::string body, std::string type = "application/json; charset=UTF-8") {
  HttpResponse r;
  r.status = 200;
  r.headers["content-type"] = std::move(type);
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("parse_esearch_json reads counts, ids and the translation of recorded answers", "[sources]") {
  const auto r = litrev::parse_esearch_json(read_text(fixture("pubmed/esearch_json_biomcp_pten_d326n.json")));
  CHECK(r.count == 3);
  CHECK(r.ids == std::vector<std::string>{"32150788", "29373119", "17427195"});
  CHECK(r.translation == "\"PTEN\"[Title/Abstract] AND \"D326N\"[Title/Abstract]");
  CHECK(r.phrases_not_found.empty());
  CHECK(r.warnings.empty());
}

TEST_CASE("parse_esearch_json surfaces the phrases PubMed silently dropped", "[sources]") {
  const auto r = litrev::parse_esearch_json(read_text(fixture("pubmed/esearch_json_biomcp_phrasesnotfound.json")));
  CHECK(r.count == 40362);
  CHECK(r.ids.size() == 100);
  CHECK(r.phrases_not_found == std::vector<std::string>{"p.E1317Q"});
  CHECK(r.translation.find("\"retracted publication\"[Publication Type]") != std::string::npos);
}

TEST_CASE("parse_esearch_json: an ERROR is PubMed's refusal in its own words, anything else is not ESearch", "[sources]") {
  const std::string error =
      R"({"header":{"type":"esearch","version":"0.3"},"esearchresult":{"ERROR":"Invalid query: unbalanced parentheses"}})";
  try {
    litrev::parse_esearch_json(error);
    FAIL("no exception");
  } catch (const litrev::DataError& e) {
    CHECK(e.exit_code() == 65);
    CHECK(std::string(e.what()).find("Invalid query: unbalanced parentheses") != std::string::npos);
  }
  CHECK_THROWS_AS(litrev::parse_esearch_json("{\"error\":\"API rate limit exceeded\"}"), litrev::DataError);
  CHECK_THROWS_AS(litrev::parse_esearch_json("<html>"), litrev::DataError);
  CHECK_THROWS_AS(litrev::parse_esearch_json(R"({"esearchresult":{"count":"x1"}})"), litrev::DataError);
  CHECK_THROWS_AS(litrev::parse_esearch_json(R"({"esearchresult":{"count":"1","idlist":["12a"]}})"),
                  litrev::DataError);
}

TEST_CASE("check_esearch_body: retry HTML, invalid JSON and backend failures, not refusals", "[sources]") {
  CHECK(litrev::check_esearch_body(response(read_text(fixture("pubmed/esearch_json_biomcp_mlh1_g67e.json")))) == "");
  CHECK(litrev::check_esearch_body(response("<html><body>503</body></html>", "text/html")) == "HTML instead of JSON");
  // The raw newline inside a string that E-utilities' error path sends.
  CHECK(litrev::check_esearch_body(response("{\"esearchresult\":{\"ERROR\":\"Search Backend failed: Exception:\nx\"}}")) ==
        "invalid JSON");
  CHECK(litrev::check_esearch_body(response(R"({"esearchresult":{"ERROR":"Search Backend failed: busy"}})")) ==
        "backend error");
  CHECK(litrev::check_esearch_body(response(R"({"esearchresult":{"ERROR":"Search Backend failed: Exception: 'retstart' cannot be larger than 9998."}})")) ==
        "");
  CHECK(litrev::check_esearch_body(response(R"({"esearchresult":{"ERROR":"Invalid query"}})")) == "");
  CHECK(litrev::check_esearch_body(response(R"({"version":"6.9"})")) == "not an ESearch answer");
}

TEST_CASE("check_efetch_body accepts whole PubmedArticleSets only", "[sources]") {
  const std::string good = read_text(fixture("pubmed/efetch_metapub_31789841.xml"));
  CHECK(litrev::check_efetch_body(response(good, "text/xml")) == "");
  CHECK(litrev::check_efetch_body(response("<?xml version=\"1.0\"?>\n<PubmedArticleSet/>\n", "text/xml")) == "");
  CHECK(litrev::check_efetch_body(response(good.substr(0, good.size() / 2), "text/xml")) == "truncated XML");
  CHECK(litrev::check_efetch_body(response(good + "<junk/>", "text/xml")) == "truncated XML");
  CHECK(litrev::check_efetch_body(response("", "text/xml")) == "empty body");
  CHECK(litrev::check_efetch_body(response("<!DOCTYPE html><html></html>", "text/xml")) == "HTML instead of XML");
  CHECK(litrev::check_efetch_body(response(read_text(fixture("pubmed/eutils_biopython_epost2.xml")), "text/xml")) ==
        "<ERROR> in body");
  CHECK(litrev::check_efetch_body(response("{\"esearchresult\":{}}")) == "not PubMed XML");
}

TEST_CASE("split_date_range halves whole days without gaps or overlaps", "[sources]") {
  PubmedDateRange all{"edat", "1800/01/01", "3000/12/31"};
  // Bisecting down to one day never loses or repeats a day.
  PubmedDateRange r = all;
  int steps = 0;
  while (auto halves = litrev::split_date_range(r)) {
    CHECK(halves->first.min == r.min);
    CHECK(halves->second.max == r.max);
    CHECK(halves->first.type == "edat");
    r = halves->second;
    ++steps;
  }
  CHECK(r.min == r.max);
  CHECK(r.min == "3000/12/31");
  CHECK(steps < 40);

  auto h = litrev::split_date_range({"pdat", "2024/02/28", "2024/03/01"});
  REQUIRE(h);
  CHECK(h->first.max == "2024/02/29"); // a leap day
  CHECK(h->second.min == "2024/03/01");
  CHECK_FALSE(litrev::split_date_range({"edat", "2020/05/05", "2020/05/05"}));
  CHECK_THROWS_AS(litrev::split_date_range({"edat", "2020/05/06", "2020/05/05"}), litrev::UsageError);
  CHECK_THROWS_AS(litrev::split_date_range({"edat", "2020/13/01", "2021/01/01"}), litrev::UsageError);
  CHECK_THROWS_AS(litrev::split_date_range({"edat", "2020-01-01", "2021/01/01"}), litrev::UsageError);
}

TEST_CASE("pubmed_day turns an RFC 3339 time into PubMed's date form", "[sources]") {
  CHECK(litrev::pubmed_day("2026-11-21T06:30:12Z") == "2026/11/21");
  CHECK_THROWS_AS(litrev::pubmed_day("yesterday"), litrev::UsageError);
}

TEST_CASE("Europe PMC and CT.gov pages: counts and cursors of recorded answers", "[sources]") {
  const auto p = litrev::parse_europepmc_page(read_text(fixture("europepmc/search_cancer_core.json")));
  CHECK(p.hit_count == 5059039);
  CHECK(p.results == 25);
  CHECK(p.next_cursor == "AoIIP4ZawSg1MzEyODI1MA==");
  const auto none = litrev::parse_europepmc_page(read_text(fixture("europepmc/search_no_results.json")));
  CHECK(none.hit_count == 0);
  CHECK(none.results == 0);
  CHECK(litrev::check_europepmc_body(response(R"({"version":"6.9"})")) == "not a search answer");
  CHECK_THROWS_AS(litrev::parse_europepmc_page(R"({"version":"6.9"})"), litrev::DataError);

  const auto c = litrev::parse_ctgov_page(read_text(fixture("ctgov/search_phelan_limit5_20260811.json")));
  REQUIRE(c.total_count);
  CHECK(*c.total_count == 21);
  CHECK(c.studies == 5);
  CHECK(c.next_page_token == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw");
  const auto next = litrev::parse_ctgov_page(read_text(fixture("ctgov/search_phelan_next_20260811.json")));
  CHECK_FALSE(next.total_count);
  CHECK(litrev::check_ctgov_body(response("{}")) == "not a studies page");
  CHECK(litrev::check_ctgov_body(response("<html>down</html>", "text/html")) == "HTML instead of JSON");
}
