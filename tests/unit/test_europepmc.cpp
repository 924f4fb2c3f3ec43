// Unit tests of the Europe PMC reader (lib/src/formats/europepmc.cpp): every
// recorded search page in shared/fixtures/europepmc with its record count,
// golden fields read off the files (core, lite and idlist pages), sniffing,
// errors (bad JSON, wrong shapes, one bad result in a good page) and .gz.
// Pages marked "synthetic" are made up here to reach what the recordings
// lack (preprints, bad results); their ids are placeholders.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

#include "testutil.hpp"

using litrev::Format;
using litrev::ReadItem;
using litrev::Record;
using litrev::test::TempDir;

namespace {

std::string epmc_fixture(const std::string& name) {
  return litrev::test::fixture("europepmc/" + name);
}

struct EpmcRead {
  std::vector<ReadItem> items;
  std::vector<std::string> errors;
  std::vector<unsigned long> error_lines;
  std::vector<std::string> notes;
};

EpmcRead epmc_read(const std::string& path, const litrev::ReaderOptions& options = {}) {
  EpmcRead out;
  auto reader = litrev::open_reader(path, Format::europepmc_json, options);
  ReadItem item;
  for (int guard = 0; guard < 100000; ++guard) {
    try {
      if (!reader->next(item)) {
        break;
      }
      out.items.push_back(item);
    } catch (const litrev::RecordError& e) {
      out.errors.push_back(e.problem());
      out.error_lines.push_back(e.line());
    }
  }
  out.notes = reader->notes();
  return out;
}

EpmcRead epmc_read_text(const std::string& text) {
  TempDir dir;
  const std::string path = dir / "page.json";
  litrev::test::write_text(path, text);
  return epmc_read(path);
}

// The DataError opening `text` as Europe PMC JSON gives ("" when none).
std::string epmc_open_error(const std::string& text, unsigned long* line = nullptr) {
  TempDir dir;
  const std::string path = dir / "page.json";
  litrev::test::write_text(path, text);
  try {
    epmc_read(path);
  } catch (const litrev::DataError& e) {
    CHECK_THAT(e.what(), Catch::Contains(path));
    if (line) {
      *line = e.line();
    }
    return e.problem();
  }
  return "";
}

const Record& epmc_by_pmid(const EpmcRead& r, const std::string& pmid) {
  for (const auto& item : r.items) {
    if (item.record.ids.pmid == pmid) {
      return item.record;
    }
  }
  FAIL("no record with PMID " << pmid);
  static const Record none;
  return none;
}

std::vector<std::string> epmc_keys(const EpmcRead& r) {
  std::vector<std::string> keys;
  for (const auto& item : r.items) {
    keys.push_back(item.record.key);
  }
  return keys;
}

// A synthetic page holding `results` (a JSON array text).
std::string epmc_page(const std::string& results) {
  return "{\"version\":\"6.9\",\"hitCount\":1,\"request\":{\"resultType\":\"core\"},\n"
         "\"resultList\":{\"result\":" +
         results + "}}";
}

} // namespace

TEST_CASE("europepmc: every fixture page is read with the counts in its resultList", "[europepmc]") {
  // Counts from the files: the length of resultList.result.
  const std::pair<const char*, std::size_t> cases[] = {
      {"search_cancer.json", 25},        {"search_cancer_core.json", 25},
      {"search_cancer_idlist.json", 25}, {"search_cancer_page2.json", 5},
      {"search_no_results.json", 0},     {"search_extid_20516115_biomcp.json", 1},
  };
  std::size_t listed = 0;
  for (const auto& [file, count] : cases) {
    INFO(file);
    const EpmcRead r = epmc_read(epmc_fixture(file));
    CHECK(r.errors.empty());
    CHECK(r.items.size() == count);
    for (const auto& item : r.items) {
      CHECK(item.record.source == "europepmc-json");
      CHECK(item.record.database == "Europe PMC");
      CHECK(item.record.kind == "article");
      CHECK(item.record.key == "pmid:" + item.record.ids.pmid);
      CHECK(!item.record.registration);
      const nlohmann::json j = item.record;
      CHECK(nlohmann::json(j.get<Record>()) == j);
    }
    ++listed;
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("europepmc"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  CHECK(listed == files);
}

TEST_CASE("europepmc: the core, lite and idlist answers to one query give the same keys", "[europepmc]") {
  const EpmcRead core = epmc_read(epmc_fixture("search_cancer_core.json"));
  const EpmcRead lite = epmc_read(epmc_fixture("search_cancer.json"));
  const EpmcRead ids = epmc_read(epmc_fixture("search_cancer_idlist.json"));
  REQUIRE(core.items.size() == 25);
  CHECK(epmc_keys(core) == epmc_keys(lite));
  CHECK(epmc_keys(core) == epmc_keys(ids));
  CHECK(core.items.front().record.key == "pmid:39709209");
  CHECK(core.notes.empty());
  // idlist: identifiers only, and a note saying so.
  REQUIRE(ids.notes.size() == 1);
  CHECK_THAT(ids.notes[0], Catch::Contains("idlist"));
  const Record& second = ids.items.at(1).record;
  CHECK(second.ids.pmid == "39709208");
  CHECK(second.ids.pmcid == "PMC12124214");
  CHECK(second.title.empty());
  std::size_t with_pmcid = 0;
  for (const auto& item : ids.items) {
    with_pmcid += item.record.ids.pmcid.empty() ? 0 : 1;
  }
  CHECK(with_pmcid == 9);
}

TEST_CASE("europepmc: a core result, field by field", "[europepmc]") {
  const EpmcRead page = epmc_read(epmc_fixture("search_cancer_core.json"));
  const Record& r = epmc_by_pmid(page, "40468710");
  // The result's opening brace is on line 265 of the file.
  CHECK(page.items.at(2).line == 265);
  CHECK(r.key == "pmid:40468710");
  CHECK(r.ids.doi == "10.1111/bjhp.12807");
  CHECK(r.ids.pmcid.empty());
  CHECK(r.ids.other.empty());
  CHECK(r.title == "The role of psychological flexibility in relation to health outcomes in people in remission "
                   "from cancer.");
  // <h4>Objective</h4>... -> five labelled sections.
  REQUIRE(r.abstract.size() == 5);
  const char* const labels[] = {"Objective", "Design", "Methods", "Results", "Conclusions"};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(r.abstract[i].label == labels[i]);
    CHECK(r.abstract[i].category.empty());
    CHECK((r.abstract[i].text.find('<') == std::string::npos || i == 3));
  }
  CHECK_THAT(r.abstract[0].text, Catch::StartsWith("This study investigated whether psychological flexibility"));
  CHECK_THAT(r.abstract[2].text, Catch::Contains("at least 18\xE2\x80\x89years of age"));
  // "p\u2009<\u2009.001": a less-than sign in the text is not markup.
  CHECK_THAT(r.abstract[3].text, Catch::Contains("(at p\xE2\x80\x89<\xE2\x80\x89.001)"));
  CHECK_THAT(r.abstract[4].text, Catch::EndsWith("living with and beyond cancer."));
  REQUIRE(r.authors.size() == 7);
  CHECK(r.authors[0].family == "Al-Abbadey");
  CHECK(r.authors[0].given == "Miznah");
  CHECK(r.authors[0].initials == "M");
  CHECK(r.authors[0].orcid == "0000-0002-6307-9196");
  REQUIRE(r.authors[0].affiliations.size() == 2);
  CHECK(r.authors[0].affiliations[1] ==
        "Chronic Pain Service, Hampshire and Isle of Wight NHS Foundation Trust, Hampshire, England.");
  CHECK(r.authors[1].family == "Tomescu-Stachie");
  CHECK(r.authors[1].orcid.empty());
  CHECK(r.authors[6].family == "McCracken");
  CHECK(r.authors[6].orcid == "0000-0002-9734-0153");
  CHECK(r.first_author() == "Al-Abbadey M");
  CHECK(r.journal.title == "British journal of health psychology");
  CHECK(r.journal.medline_ta == "Br J Health Psychol");
  CHECK(r.journal.iso_abbrev == "Br J Health Psychol");
  CHECK(r.journal.nlm_id == "9605409");
  CHECK(r.journal.issn_print == "1359-107X");
  CHECK(r.journal.issn_electronic == "2044-8287");
  CHECK(r.volume == "30");
  CHECK(r.issue == "3");
  CHECK(r.pages == "e12807");
  // dateOfPublication "2025 Sep" (printPublicationDate pads it to 2025-09-01).
  CHECK(r.pub_date.year == 2025);
  CHECK(r.pub_date.month == 9);
  CHECK(r.pub_date.day == 0);
  CHECK(r.languages == std::vector<std::string>{"eng"});
  REQUIRE(r.publication_types.size() == 1);
  CHECK(r.publication_types[0].name == "Journal Article");
  REQUIRE(r.mesh.size() == 18);
  CHECK(r.mesh[0].descriptor == "Humans");
  CHECK_FALSE(r.mesh[0].major);
  CHECK(r.mesh[1].descriptor == "Neoplasms");
  CHECK(r.mesh[1].major);
  REQUIRE(r.mesh[1].qualifiers.size() == 2);
  CHECK(r.mesh[1].qualifiers[0].name == "psychology");
  CHECK(r.mesh[1].qualifiers[1].name == "therapy");
  CHECK_FALSE(r.mesh[1].qualifiers[1].major);
  CHECK(r.mesh[17].descriptor == "United Kingdom");
  REQUIRE(r.keywords.size() == 6);
  CHECK(r.keywords[0].text == "Cancer");
  CHECK(r.keywords[1].text == "Acceptance And Commitment Therapy");
  CHECK(r.keywords[5].text == "Act");
  CHECK(r.links.empty());
  CHECK_FALSE(r.retracted);
  CHECK(r.registry_ids.empty());
}

TEST_CASE("europepmc: an erratum and its link, inline markup, an unstructured abstract", "[europepmc]") {
  const EpmcRead page = epmc_read(epmc_fixture("search_cancer_core.json"));
  const Record& r = epmc_by_pmid(page, "39709208");
  CHECK(page.items.at(1).line == 135);
  CHECK(r.title == "Department of Error.");
  CHECK(r.ids.pmcid == "PMC12124214");
  CHECK(r.ids.doi == "10.1016/s0140-6736(24)02716-8");
  CHECK(r.authors.empty());
  CHECK(r.abstract.empty());
  REQUIRE(r.publication_types.size() == 2);
  CHECK(r.publication_types[0].name == "Published Erratum");
  CHECK(r.publication_types[1].name == "correction");
  REQUIRE(r.links.size() == 1);
  CHECK(r.links[0].type == "ErratumFor");
  CHECK(r.links[0].pmid == "39293462");
  CHECK(r.links[0].ref_source == "Lancet. 2024 Sep 28;404(10459):1227-1239. doi: 10.1016/S0140-6736(24)01653-2.");
  CHECK(r.journal.title == "Lancet (London, England)");
  CHECK(r.journal.nlm_id == "2985213R");
  CHECK(r.volume == "404");
  CHECK(r.issue == "10471");
  CHECK(r.pages == "2542");
  CHECK(r.pub_date.year == 2025);
  CHECK(r.pub_date.month == 12);

  // <i>Keywords</i> markup and an abstract without headings.
  const Record& cachexia = epmc_by_pmid(page, "40476859");
  REQUIRE(cachexia.abstract.size() == 1);
  CHECK(cachexia.abstract[0].label.empty());
  CHECK_THAT(cachexia.abstract[0].text, Catch::Contains("adverse effects in patients by affecting multiple organ"));
  CHECK_THAT(cachexia.abstract[0].text, Catch::Contains("Keywords: Molecular Imaging"));
  CHECK(cachexia.abstract[0].text.find("<b>") == std::string::npos);
  // "<1 year" inside a section stays text.
  const Record& pancreas = epmc_by_pmid(page, "40245290");
  REQUIRE(pancreas.abstract.size() == 4);
  CHECK(pancreas.abstract[0].label == "Objectives");
  CHECK_THAT(pancreas.abstract[2].text, Catch::EndsWith("median overall survival of <1 year."));
  // Review + Journal Article; a DOI-less ePub has pages as the eLocator.
  const Record& review = epmc_by_pmid(page, "40464630");
  REQUIRE(review.publication_types.size() == 2);
  CHECK(review.publication_types[0].name == "Review");
  CHECK(review.pages == "arztebl.m2025.0086");
}

TEST_CASE("europepmc: a lite result, field by field", "[europepmc]") {
  const EpmcRead page = epmc_read(epmc_fixture("search_extid_20516115_biomcp.json"));
  REQUIRE(page.items.size() == 1);
  const ReadItem& item = page.items[0];
  const Record& r = item.record;
  CHECK(item.line == 1); // a one-line capture
  CHECK(r.key == "pmid:20516115");
  CHECK(r.ids.pmcid == "PMC3040717");
  CHECK(r.ids.doi == "10.1158/0008-5472.can-09-4563");
  CHECK(r.title == "Comprehensive analysis of missense variations in the BRCT domain of BRCA1 by structural and "
                   "functional assays.");
  CHECK(r.abstract.empty());
  // authorString "Lee MS, Green R, ..., Monteiro AN, Glover JN."
  REQUIRE(r.authors.size() == 11);
  CHECK(r.authors[0].family == "Lee");
  CHECK(r.authors[0].initials == "MS");
  CHECK(r.authors[9].family == "Monteiro");
  CHECK(r.authors[10].family == "Glover");
  CHECK(r.authors[10].initials == "JN");
  // journalTitle is the NLM abbreviation; journalIssn "0008-5472; 1538-7445; ".
  CHECK(r.journal.medline_ta == "Cancer Res");
  CHECK(r.journal.title.empty());
  CHECK(r.journal.issn_print == "0008-5472");
  CHECK(r.journal.issn_electronic == "1538-7445");
  CHECK(r.volume == "70");
  CHECK(r.issue == "12");
  CHECK(r.pages == "4880-4890");
  CHECK(r.pub_date.year == 2010);
  CHECK(r.pub_date.month == 0);
  std::vector<std::string> types;
  for (const auto& t : r.publication_types) {
    types.push_back(t.name);
  }
  CHECK(types == std::vector<std::string>{"research support, non-u.s. gov't", "research-article", "journal article",
                                          "research support, n.i.h., extramural"});

  // The same query as core and lite: lite's lower-case ISSN check digit.
  const EpmcRead lite = epmc_read(epmc_fixture("search_cancer.json"));
  const Record& lancet = lite.items.at(0).record;
  CHECK(lancet.ids.pmid == "39709209");
  CHECK(lancet.journal.issn_print == "0140-6736");
  CHECK(lancet.journal.issn_electronic == "1474-547X");
  REQUIRE(lancet.authors.size() == 3);
  CHECK(lancet.authors[2].family == "O'Neill");
  CHECK(lancet.authors[2].initials == "AF");
  const EpmcRead core = epmc_read(epmc_fixture("search_cancer_core.json"));
  CHECK(core.items.at(0).record.journal.issn_electronic == lancet.journal.issn_electronic);
}

TEST_CASE("europepmc: a zero-hit page gives no records and no error", "[europepmc]") {
  const EpmcRead r = epmc_read(epmc_fixture("search_no_results.json"));
  CHECK(r.items.empty());
  CHECK(r.errors.empty());
}

TEST_CASE("europepmc: preprints are flagged (synthetic page)", "[europepmc]") {
  const EpmcRead r = epmc_read_text(epmc_page(
      "[{\"id\":\"PPR000001\",\"source\":\"PPR\",\"title\":\"A synthetic <i>preprint</i>\",\"pubYear\":\"2021\","
      "\"firstPublicationDate\":\"2021-03-04\",\"bookOrReportDetails\":{\"publisher\":\"medRxiv\"}},"
      "{\"id\":\"PPR000002\",\"source\":\"PPR\",\"title\":\"Another\",\"pubTypeList\":{\"pubType\":[\"Preprint\"]},"
      "\"firstPublicationDate\":\"2022-05-06\"}]"));
  REQUIRE(r.errors.empty());
  REQUIRE(r.items.size() == 2);
  const Record& a = r.items[0].record;
  CHECK(a.kind == "article");
  CHECK(a.title == "A synthetic preprint");
  CHECK(a.key == "europepmc:PPR/PPR000001");
  REQUIRE(a.ids.other.size() == 1);
  CHECK(a.ids.other[0].type == "europepmc");
  CHECK(a.ids.other[0].value == "PPR/PPR000001");
  REQUIRE(a.publication_types.size() == 1);
  CHECK(a.publication_types[0].name == "Preprint");
  CHECK(a.publisher == "medRxiv");
  CHECK(a.pub_date.year == 2021);
  const Record& b = r.items[1].record;
  REQUIRE(b.publication_types.size() == 1); // not added twice
  CHECK(b.pub_date.year == 2022);
  CHECK(b.pub_date.month == 5);
  CHECK(b.pub_date.day == 6);
}

TEST_CASE("europepmc: collective authors, retractions, NCT ids and options (synthetic page)", "[europepmc]") {
  TempDir dir;
  const std::string path = dir / "page.json";
  litrev::test::write_text(
      path, epmc_page("[{\"id\":\"1\",\"source\":\"MED\",\"title\":\"T\",\"abstractText\":\"Registered as "
                      "NCT00000001.\",\"authorList\":{\"author\":[{\"collectiveName\":\"A Study Group\"},"
                      "{\"fullName\":\"Smith JA\",\"authorId\":{\"type\":\"ORCID\",\"value\":"
                      "\"https://orcid.org/0000-0002-1825-0097\"}}]},\"pubTypeList\":{\"pubType\":"
                      "[\"Retracted Publication\"]},\"commentCorrectionList\":{\"commentCorrection\":[{\"id\":\"2\","
                      "\"source\":\"MED\",\"type\":\"Retraction in\",\"reference\":\"J. 2020\"}]}}]"));
  litrev::ReaderOptions options;
  options.database = "Europe PMC (via a mirror)";
  options.display_name = "shown-name.json";
  const EpmcRead r = epmc_read(path, options);
  REQUIRE(r.items.size() == 1);
  const Record& rec = r.items[0].record;
  CHECK(rec.key == "pmid:1");
  CHECK(rec.database == "Europe PMC (via a mirror)");
  REQUIRE(rec.authors.size() == 2);
  CHECK(rec.authors[0].collective == "A Study Group");
  CHECK(rec.authors[1].family == "Smith");
  CHECK(rec.authors[1].initials == "JA");
  CHECK(rec.authors[1].orcid == "0000-0002-1825-0097");
  CHECK(rec.retracted);
  REQUIRE(rec.links.size() == 1);
  CHECK(rec.links[0].type == "RetractionIn");
  CHECK(rec.links[0].pmid == "2");
  REQUIRE(rec.registry_ids.size() == 1);
  CHECK(rec.registry_ids[0].id == "NCT00000001");
  CHECK(rec.registry_ids[0].origin == "abstract");
  // display_name names the file in errors.
  litrev::test::write_text(path, "{\"version\":\"6.9\"}");
  try {
    epmc_read(path, options);
    FAIL("no error");
  } catch (const litrev::DataError& e) {
    CHECK(e.file() == "shown-name.json");
  }
}

TEST_CASE("europepmc: one bad result is skipped, the page goes on (synthetic page)", "[europepmc]") {
  const EpmcRead r = epmc_read_text(
      "{\"version\":\"6.9\",\"hitCount\":5,\"resultList\":{\"result\":[\n"
      "{\"id\":\"1\",\"source\":\"MED\",\"pmid\":\"1\",\"title\":\"One\"},\n"
      "42,\n"
      "{\"id\":\"2\",\"source\":\"MED\",\"title\":{\"x\":1}},\n"
      "{\"source\":\"MED\"},\n"
      "{\"id\":\"3\",\"source\":\"MED\",\"pmid\":\"3\",\"title\":\"Three\",\"authorList\":{\"author\":[\"x\"]}},\n"
      "{\"id\":\"4\",\"source\":\"MED\",\"pmid\":\"4\",\"title\":\"Four\"}\n"
      "]}}");
  REQUIRE(r.items.size() == 2);
  CHECK(r.items[0].record.title == "One");
  CHECK(r.items[0].line == 2);
  CHECK(r.items[1].record.title == "Four");
  CHECK(r.items[1].line == 7);
  REQUIRE(r.errors.size() == 4);
  CHECK(r.errors[0] == "result 2 of 6: the result is a number, expected an object");
  CHECK(r.error_lines[0] == 3);
  CHECK(r.errors[1] == "result 3 of 6 (MED 2): \"title\" is an object, expected text");
  CHECK(r.error_lines[1] == 4);
  CHECK(r.errors[2] == "result 4 of 6: no title and no identifier");
  CHECK(r.errors[3] == "result 5 of 6 (MED 3): an author is a string, expected an object");
  CHECK(r.error_lines[3] == 6);
}

TEST_CASE("europepmc: pages that are not JSON or not a search answer are refused", "[europepmc]") {
  unsigned long line = 0;
  SECTION("invalid JSON names the line") {
    const std::string problem =
        epmc_open_error("{\"version\": \"6.9\",\n \"hitCount\": 1,\n \"resultList\": {\"result\": [\n {\"id\": }\n]}}",
                        &line);
    CHECK_THAT(problem, Catch::StartsWith("not valid JSON: "));
    CHECK(line == 4);
  }
  SECTION("a page cut short") {
    const std::string whole = litrev::test::read_text(epmc_fixture("search_cancer_page2.json"));
    CHECK_THAT(epmc_open_error(whole.substr(0, whole.size() / 2)), Catch::StartsWith("not valid JSON: "));
  }
  SECTION("Europe PMC's bare version answer") {
    CHECK_THAT(epmc_open_error("{\"version\":\"6.9\"}"), Catch::Contains("only {\"version\": ...}"));
  }
  SECTION("E-utilities answers, a ClinicalTrials.gov page, other JSON") {
    const std::string esearch = litrev::test::read_text(
        litrev::test::fixture("pubmed/esearch_json_biomcp_pten_d326n.json"));
    CHECK_THAT(epmc_open_error(esearch), Catch::Contains("E-utilities"));
    const std::string too_many = litrev::test::read_text(
        litrev::test::fixture("pubmed/esummary_429_rate_limited_biomcp.json"));
    CHECK_THAT(epmc_open_error(too_many), Catch::Contains("API rate limit exceeded"));
    const std::string ctgov = litrev::test::read_text(litrev::test::fixture("ctgov/search_phelan_limit5_20260811.json"));
    CHECK_THAT(epmc_open_error(ctgov), Catch::Contains("ClinicalTrials.gov"));
    CHECK(epmc_open_error("[]") ==
          "not a Europe PMC search response: the JSON is an array, expected an object with resultList");
    CHECK(epmc_open_error("{\"resultList\": {\"result\": 3}}") == "resultList has no result array");
    CHECK(epmc_open_error("{\"resultList\": []}") == "resultList is an array, expected an object");
    CHECK_THAT(epmc_open_error("{\"a\": 1, \"b\": 2}"), Catch::Contains("(members: a, b)"));
    CHECK(epmc_open_error("") == "empty file, expected a JSON response");
  }
  SECTION("not UTF-8") {
    CHECK_THAT(epmc_open_error("{\"resultList\": {\"result\": [{\"title\": \"\xFF\"}]}}"),
               Catch::StartsWith("not valid JSON: "));
  }
  SECTION("a missing file is an I/O error") {
    CHECK_THROWS_AS(litrev::open_reader("/nonexistent/page.json", Format::europepmc_json), litrev::IoError);
  }
}

TEST_CASE("europepmc: a gzip-compressed page reads like the plain one", "[europepmc]") {
  TempDir dir;
  const std::string gz_path = dir / "core.json.gz";
  const std::string text = litrev::test::read_text(epmc_fixture("search_cancer_core.json"));
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  gzclose(gz);
  CHECK(litrev::sniff_format(gz_path) == Format::europepmc_json);
  const EpmcRead packed = epmc_read(gz_path);
  const EpmcRead plain = epmc_read(epmc_fixture("search_cancer_core.json"));
  REQUIRE(packed.items.size() == plain.items.size());
  for (std::size_t i = 0; i < plain.items.size(); ++i) {
    CHECK(nlohmann::json(packed.items[i].record) == nlohmann::json(plain.items[i].record));
    CHECK(packed.items[i].line == plain.items[i].line);
  }
}

TEST_CASE("europepmc: sniffing by the top-level members", "[europepmc][sniff]") {
  CHECK(litrev::format_name(Format::europepmc_json) == std::string("europepmc-json"));
  CHECK(litrev::format_from_name("europepmc-json") == Format::europepmc_json);
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("europepmc"))) {
    INFO(e.path().string());
    CHECK(litrev::sniff_format(e.path().string()) == Format::europepmc_json);
  }
  // The first bytes are enough: hitCount comes right after version.
  const std::string core = litrev::test::read_text(epmc_fixture("search_cancer_core.json"));
  CHECK(litrev::sniff_format_of(std::string_view(core).substr(0, 40)) == Format::europepmc_json);
  CHECK(litrev::sniff_format_of("\xEF\xBB\xBF {\"hitCount\": 0}") == Format::europepmc_json);
  CHECK(litrev::sniff_format_of("{\"x\": {\"resultList\": {}}}") == std::nullopt);
  CHECK(litrev::sniff_format_of("[{\"resultList\": {}}]") == std::nullopt);
  CHECK(litrev::sniff_format_of("{\"version\":\"6.9\"}") == std::nullopt);

  TempDir dir;
  const std::string bare = dir / "bare.json";
  litrev::test::write_text(bare, "{\"version\":\"6.9\"}");
  try {
    litrev::sniff_format(bare);
    FAIL("sniffed");
  } catch (const litrev::DataError& e) {
    CHECK_THAT(e.problem(), Catch::Contains("only a \"version\" member"));
  }
  // Other JSON keeps the general message.
  for (const char* f : {"pubmed/esearch_json_biomcp_pten_d326n.json", "pubmed/esummary_429_rate_limited_biomcp.json"}) {
    INFO(f);
    try {
      litrev::sniff_format(litrev::test::fixture(f));
      FAIL("sniffed");
    } catch (const litrev::DataError& e) {
      CHECK(e.problem() == "not a reference file: it looks like JSON");
    }
  }
}
