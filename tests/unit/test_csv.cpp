// Unit tests of the CSV reader (lib/src/formats/csv.cpp): the shared
// fixtures (PubMed, Scopus, IEEE, Springer, ASySD, RIS-tag headers and
// EndNote's tab-delimited export) with counts and golden fields read off the
// files, PubMed's Citation column, the header table and the user's column
// map, row errors and their lines, RFC 4180 quoting across lines,
// delimiters, encodings, .gz input, sniffing and a 50,000-row file.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
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

std::string csv_fixture(const std::string& name) {
  return litrev::test::fixture("formats/csv/" + name);
}

struct ReadAll {
  std::vector<ReadItem> items;
  std::vector<std::string> errors;
  std::vector<unsigned long> error_lines;
};

ReadAll read_all(const std::string& path, const litrev::ReaderOptions& options = {}) {
  ReadAll out;
  auto reader = litrev::open_reader(path, Format::csv, options);
  ReadItem item;
  for (int guard = 0; guard < 1000000; ++guard) {
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
  return out;
}

ReadAll read_text(const std::string& text, const litrev::ReaderOptions& options = {}) {
  TempDir dir;
  const std::string path = dir / "in.csv";
  litrev::test::write_text(path, text);
  return read_all(path, options);
}

std::string extra(const Record& r, const std::string& tag) {
  for (const auto& f : r.extra_fields) {
    if (f.tag == tag) {
      return f.value;
    }
  }
  return "<none>";
}

std::string names(const Record& r) {
  std::string out;
  for (const auto& a : r.authors) {
    if (!out.empty()) {
      out += "; ";
    }
    out += a.collective.empty() ? a.family + "|" + a.given + "|" + a.initials : "{" + a.collective + "}";
  }
  return out;
}

Record fixture_record(const std::string& path, unsigned long line) {
  for (const auto& item : read_all(path).items) {
    if (item.line == line) {
      return item.record;
    }
  }
  FAIL("no record at line " << line << " of " << path);
  return {};
}

} // namespace

TEST_CASE("csv: every fixture is read with the counts found by hand", "[csv]") {
  // Rows counted with a CSV-aware reading; the number is the line where
  // each row starts.
  const std::pair<const char*, std::vector<unsigned long>> cases[] = {
      {"asysd__test_export.csv", {2, 3, 4}},
      {"colrev__ieee_csv.csv", {2, 3}},
      {"colrev__pubmed-chatbot.csv", {2, 3, 4, 5, 6, 7}},
      {"colrev__pubmed_csv.csv", {2}},
      {"colrev__springer_csv.csv", {2}},
      {"pybibx__scopus.csv", {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
      {"synthesisr__eviatlas.csv", {2}},
  };
  std::size_t listed = 0;
  for (const auto& [file, lines] : cases) {
    INFO(file);
    const ReadAll r = read_all(csv_fixture(file));
    CHECK(r.errors.empty());
    std::vector<unsigned long> got;
    for (const auto& item : r.items) {
      got.push_back(item.line);
      CHECK(item.record.source == "csv");
      const nlohmann::json j = item.record;
      CHECK(!j.dump().empty());
    }
    CHECK(got == lines);
    ++listed;
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/csv"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  CHECK(listed == files);
}

TEST_CASE("csv: every fixture is sniffed as CSV, near misses are not", "[csv]") {
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/csv"))) {
    INFO(e.path().string());
    CHECK(litrev::sniff_format(e.path().string()) == Format::csv);
  }
  // EndNote's tab-delimited export is read as tab-separated CSV.
  CHECK(litrev::sniff_format(litrev::test::fixture("formats/endnote_tab/asysd__test_export.txt")) == Format::csv);
  // EndNote tagged (.enw / Refer) files are not.
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/endnote_tagged"))) {
    INFO(e.path().string());
    const auto head = litrev::test::read_text(e.path().string());
    const auto f = litrev::sniff_format_of(head);
    CHECK((!f || *f != Format::csv));
  }
  const char* const near[] = {
      "TY  - JOUR\nAU  - Smith, J\nER  - \n",
      "PMID- 1\nAU  - Smith J, Jones K\n",
      "just one column\nof text\n",
      "1,2,3\n4,5,6\n",
      "%0 Journal Article\n%A Smith, John\n",
      "{\"a\": \"b,c\"}\n",
      "<html>a,b</html>\n",
      "title,authors,year\na,b\nc,d,e,f,g\n",
  };
  for (const char* t : near) {
    INFO(t);
    const auto f = litrev::sniff_format_of(t);
    CHECK((!f || *f != Format::csv));
  }
  CHECK(litrev::sniff_format_of("Title;Authors;Year\nA;B;2000\n") == Format::csv);
  CHECK(litrev::sniff_format_of("Title\tAuthors\tYear\nA\tB\t2000\n") == Format::csv);
}

namespace {
struct FieldCase {
  std::string path;
  unsigned long line;
  const char* what;
  std::function<std::string(const Record&)> get;
  std::string expected;
};
} // namespace

TEST_CASE("csv: fixture fields", "[csv]") {
  using R = const Record&;
  const std::string chatbot = csv_fixture("colrev__pubmed-chatbot.csv");
  const std::string pubmed = csv_fixture("colrev__pubmed_csv.csv");
  const std::string scopus = csv_fixture("pybibx__scopus.csv");
  const std::string ieee = csv_fixture("colrev__ieee_csv.csv");
  const std::string springer = csv_fixture("colrev__springer_csv.csv");
  const std::string eviatlas = csv_fixture("synthesisr__eviatlas.csv");
  const std::string asysd = csv_fixture("asysd__test_export.csv");
  const std::string tab = litrev::test::fixture("formats/endnote_tab/asysd__test_export.txt");
  const FieldCase cases[] = {
      // PubMed "Send to > CSV": the Citation column parsed.
      {chatbot, 2, "title", [](R r) { return r.title; }, "Chatbot-Delivered Psychotherapy for Adults With Depressive and Anxiety Symptoms: A Systematic Review and Meta-Regression"},
      {chatbot, 2, "authors Family Initials", [](R r) { return names(r); }, "Lim||SM; Shiau||CWC; Cheng||LJ; Lau||Y"},
      {chatbot, 2, "journal", [](R r) { return r.journal.title + " / " + r.journal.medline_ta; }, "Behav Ther / Behav Ther"},
      {chatbot, 2, "vol(issue):pages", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages; }, "53:2:334-347"},
      {chatbot, 2, "date from Citation", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month); }, "2022/3"},
      {chatbot, 2, "ids", [](R r) { return r.ids.pmid + " " + r.ids.doi + " " + r.key; }, "35227408 10.1016/j.beth.2021.09.007 pmid:35227408"},
      {chatbot, 2, "database", [](R r) { return r.database; }, "PubMed"},
      {chatbot, 2, "Citation kept", [](R r) { return extra(r, "Citation").substr(0, 27); }, "Behav Ther. 2022 Mar;53(2):"},
      {chatbot, 3, "e-locator pages, day", [](R r) { return r.pages + " " + std::to_string(r.pub_date.month) + "/" + std::to_string(r.pub_date.day); }, "e27850 11/29"},
      {chatbot, 3, "PMCID", [](R r) { return r.ids.pmcid; }, "PMC8669585"},
      {chatbot, 4, "Jan-Feb", [](R r) { return r.pub_date.text + " " + r.volume + ":" + r.issue + ":" + r.pages; }, "2022 Jan-Feb 01 27:1:19-25"},
      {chatbot, 5, "hyphenated family names", [](R r) { return r.authors.at(3).family + " " + r.authors.at(6).family + " " + std::to_string(r.authors.size()); }, "Abd-Alrazaq Al-Thani 11"},
      {chatbot, 6, "no issue", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages; }, "3::617013"},
      {chatbot, 6, "apostrophe", [](R r) { return r.title; }, "While the Chatbot's Away, the Mice Will Play"},
      {pubmed, 2, "BOM, CRLF, unquoted header", [](R r) { return r.ids.pmid + " " + r.title + " " + names(r); }, "11223344 Paper title Smith||A; Walter||B"},
      {pubmed, 2, "Citation", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages + " " + std::to_string(r.pub_date.day); }, "1:2:10-11 21"},
      // Scopus: 46 columns, authors with Scopus ids, EID.
      {scopus, 2, "authors from full names", [](R r) { return names(r); }, "Unnikrishnan|M.A.|MA; Edwin Raja Dhas|J.|J"},
      {scopus, 2, "title", [](R r) { return r.title; }, "Influence of temperature on mechanical and microstructural properties during fsw of magnesium alloys"},
      {scopus, 2, "source", [](R r) { return r.journal.title + " / " + r.journal.iso_abbrev; }, "Journal of Green Engineering / J. Green Eng."},
      {scopus, 2, "vol/issue/pages", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages; }, "10:9:6541-6560"},
      {scopus, 2, "no DOI: EID key", [](R r) { return r.key; }, "scopus:2-s2.0-85094136345"},
      {scopus, 2, "database", [](R r) { return r.database; }, "Scopus"},
      {scopus, 2, "ISSN", [](R r) { return r.journal.issn_print; }, "1904-4720"},
      {scopus, 2, "author keywords", [](R r) { return r.keywords.at(0).text + "|" + r.keywords.back().text; }, "ANSYS|Temperature"},
      {scopus, 2, "abstract end", [](R r) { const auto& a = r.abstract.at(0).text; return a.substr(a.size() - 38); }, "Alpha Publishers. All rights reserved."},
      {scopus, 2, "type, language, publisher", [](R r) { return r.publication_types.at(0).name + " " + r.languages.at(0) + " " + r.publisher; }, "Article English Alpha Publishers"},
      {scopus, 2, "Author(s) ID kept", [](R r) { return extra(r, "Author(s) ID"); }, "57197735070; 36135245200"},
      {scopus, 3, "conference paper", [](R r) { return r.kind + " " + r.pages + " " + extra(r, "Conference code"); }, "article 243-251 85652"},
      {scopus, 4, "DOI and issue range", [](R r) { return r.ids.doi + " " + r.issue; }, "10.1016/j.msea.2010.06.012 21-22"},
      {scopus, 4, "index keywords follow author keywords", [](R r) { return r.keywords.at(6).text; }, "Clocks"},
      // IEEE: First Last names, HTML entities in the abstract.
      {ieee, 2, "authors", [](R r) { return names(r); }, "Rottman|Joseph|J; Carmel|Erran|E; Lacity|Mary|M"},
      {ieee, 2, "journal", [](R r) { return r.journal.title + " " + r.ids.doi; }, "Computer 10.1109/mc.2011.377"},
      {ieee, 3, "&#x0027;", [](R r) { return std::to_string(r.abstract.at(0).text.find("Solvers' sustained participation level") != std::string::npos); }, "1"},
      {ieee, 3, "conference kind", [](R r) { return r.kind + " " + r.publication_types.at(0).name; }, "article Conference Publication"},
      // Springer: run-together authors.
      {springer, 2, "authors", [](R r) { return names(r); }, "Smith|Andy|A; Weber|Tom|T"},
      {springer, 2, "fields", [](R r) { return r.title + " / " + r.journal.title + " " + r.volume + ":" + r.issue + " " + r.ids.doi + " " + std::to_string(r.pub_date.year); }, "Publication tilte / Nature 17:3 10.1007/11111 2000"},
      // RIS tags as headers, " and " between names.
      {eviatlas, 2, "authors", [](R r) { return std::to_string(r.authors.size()) + " " + r.authors.at(0).family + "|" + r.authors.at(0).given + " " + r.authors.at(6).family; }, "7 Haddaway|Neal R. Westgate"},
      {eviatlas, 2, "fields", [](R r) { return r.title + " / " + r.journal.title + " " + r.volume + ":" + r.issue + ":" + r.pages; }, "EviAtlas: a tool for visualising evidence synthesis databases / Environmental Evidence 8:1:22"},
      {eviatlas, 2, "DA date", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month) + "/" + std::to_string(r.pub_date.day); }, "2019/6/4"},
      {eviatlas, 2, "ids", [](R r) { return r.ids.doi + " " + r.journal.issn_print + " " + extra(r, "ID"); }, "10.1186/s13750-019-0167-1 2047-2382 Haddaway2019"},
      {eviatlas, 2, "JOUR", [](R r) { return r.kind; }, "article"},
      // ASySD: EndNote-like names; "DOI 1" is not a DOI.
      {asysd, 3, "fields", [](R r) { return r.title + " / " + r.journal.title + " / " + r.abstract.at(0).text + " / " + std::to_string(r.pub_date.year); }, "Title 2 / Journal 2 / Abstract 2 / 2021"},
      {asysd, 3, "not a DOI", [](R r) { return r.ids.doi + "|" + extra(r, "DOI"); }, "|DOI 2"},
      {asysd, 3, "kept columns", [](R r) { return extra(r, "PdfRelativePath") + " " + extra(r, "CustomId"); }, "2.pdf 2"},
      // EndNote tab-delimited export read as tab-separated CSV.
      {tab, 3, "fields", [](R r) { return r.title + " / " + r.journal.title + " " + r.volume + ":" + r.issue + ":" + r.pages + " " + std::to_string(r.pub_date.year); }, "Title 2 / Journal 2 20:2:20-30 2021"},
      {tab, 3, "type and database", [](R r) { return r.publication_types.at(0).name + " / " + r.database; }, "Journal Article / Source 2"},
      {tab, 3, "kept", [](R r) { return extra(r, "Label") + " " + extra(r, "ISBN/ISSN"); }, "Label2 ISBN 2"},
  };
  for (const auto& c : cases) {
    INFO(c.path << " line " << c.line << ": " << c.what);
    const Record r = fixture_record(c.path, c.line);
    CHECK(c.get(r) == c.expected);
  }
}

TEST_CASE("csv: the column map", "[csv]") {
  const std::string text = "Article Name,Writers,When,Where\n\"A study\",\"Smith, J.; Doe, A.\",2001,Journal X\n";
  SECTION("no title column and no map: the error lists the headers and says --map") {
    TempDir dir;
    const std::string path = dir / "odd.csv";
    litrev::test::write_text(path, text);
    try {
      litrev::open_reader(path, Format::csv);
      FAIL("no error");
    } catch (const litrev::DataError& e) {
      CHECK(e.file() == path);
      CHECK_THAT(e.problem(), Catch::Contains("\"Article Name\", \"Writers\", \"When\", \"Where\""));
      CHECK_THAT(e.problem(), Catch::Contains("--map title=COLUMN"));
    }
  }
  SECTION("mapped columns") {
    litrev::ReaderOptions options;
    options.csv_columns = {{"title", "Article Name"}, {"authors", "Writers"}, {"year", "When"}, {"journal", "Where"}};
    const ReadAll r = read_text(text, options);
    REQUIRE(r.items.size() == 1);
    const Record& rec = r.items[0].record;
    CHECK(rec.title == "A study");
    CHECK(names(rec) == "Smith|J.|J; Doe|A.|A");
    CHECK(rec.pub_date.year == 2001);
    CHECK(rec.journal.title == "Journal X");
    CHECK(rec.field_sources.at(0).tag == "Article Name");
  }
  SECTION("the map wins over the header table") {
    litrev::ReaderOptions options;
    options.csv_columns = {{"title", "Alt"}};
    const ReadAll r = read_text("Title,Alt\nFirst,Second\n", options);
    CHECK(r.items.at(0).record.title == "Second");
    CHECK(extra(r.items.at(0).record, "Title") == "First");
  }
  SECTION("an id column") {
    litrev::ReaderOptions options;
    options.csv_columns = {{"id", "Ref"}};
    const ReadAll r = read_text("Title,Ref\nT,42\n", options);
    CHECK(r.items.at(0).record.key == "csv:42");
  }
  SECTION("an unknown field or a missing column") {
    TempDir dir;
    const std::string path = dir / "in.csv";
    litrev::test::write_text(path, text);
    litrev::ReaderOptions bad_field;
    bad_field.csv_columns = {{"colour", "Writers"}};
    CHECK_THROWS_AS(litrev::open_reader(path, Format::csv, bad_field), litrev::UsageError);
    litrev::ReaderOptions bad_column;
    bad_column.csv_columns = {{"title", "Nope"}};
    CHECK_THROWS_WITH(litrev::open_reader(path, Format::csv, bad_column),
                      Catch::Contains("column \"Nope\" (mapped to title) is not in the header"));
  }
}

TEST_CASE("csv: rows, quoting and errors", "[csv]") {
  SECTION("quoted fields span lines; doubled quotes; lines of later rows") {
    const ReadAll r = read_text("Title,Abstract,Year\n"
                                "\"A \"\"quoted\"\" title\",\"Line one\nline two\n\nline four\",2001\n"
                                "Plain,\"x, y\",2002\n");
    REQUIRE(r.errors.empty());
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[0].record.title == "A \"quoted\" title");
    CHECK(r.items[0].record.abstract.at(0).text == "Line one line two line four");
    CHECK(r.items[0].line == 2);
    CHECK(r.items[1].line == 6);
    CHECK(r.items[1].record.abstract.at(0).text == "x, y");
  }
  SECTION("a row with a wrong number of fields") {
    const ReadAll r = read_text("Title,Year\nA,2001\nB,2002,extra\nC\nD,2004,\n\nE,2005\n");
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0] == "row has 3 fields, the header has 2");
    CHECK(r.error_lines[0] == 3);
    CHECK(r.errors[1] == "row has 1 fields, the header has 2");
    CHECK(r.error_lines[1] == 4);
    REQUIRE(r.items.size() == 3); // A, D (an empty trailing field is fine), E
    CHECK(r.items[2].line == 7);
  }
  SECTION("a quote never closed") {
    const ReadAll r = read_text("Title,Year\nA,2001\n\"B,2002\nC,2003\n");
    REQUIRE(r.items.size() == 1);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "file ends inside a quoted field of the row starting at line 3");
  }
  SECTION("no title and no identifier") {
    const ReadAll r = read_text("Title,Year\n,2001\n");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "row has no title and no identifier");
  }
  SECTION("semicolons") {
    const ReadAll r = read_text("Title;Authors;Year\n\"A; b\";Smith, J;2001\n");
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "A; b");
    CHECK(names(r.items[0].record) == "Smith|J|J");
  }
  SECTION("tabs: quotes are text, a wholly quoted field is unwrapped") {
    const ReadAll r = read_text("Title\tAuthor\tYear\n\"Quoted\" start of a title\tSmith, J\t2001\n"
                                "\"Wrapped \"\"x\"\"\"\tDoe, A\t2002\n");
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[0].record.title == "\"Quoted\" start of a title");
    CHECK(r.items[1].record.title == "Wrapped \"x\"");
  }
  SECTION("no line end after the last row; an unnamed column") {
    const ReadAll r = read_text("Title,,Year\nA,x,2001\nB,y,2002");
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[1].record.pub_date.year == 2002);
    CHECK(extra(r.items[1].record, "column 2") == "y");
  }
  SECTION("an empty file and a header only") {
    CHECK(read_text("").items.empty());
    CHECK(read_text("Title,Year\n").items.empty());
  }
}

TEST_CASE("csv: encodings and .gz", "[csv]") {
  SECTION("BOM, CRLF, bare CR") {
    for (const std::string eol : {"\r\n", "\r", "\n"}) {
      const ReadAll r = read_text("\xEF\xBB\xBFTitle,Year" + eol + "\"Caf\xC3\xA9" + eol + "au lait\",2001" + eol + "B,2002" + eol);
      REQUIRE(r.items.size() == 2);
      CHECK(r.items[0].record.title == "Café au lait");
      CHECK(r.items[1].line == 4);
    }
  }
  SECTION("a Windows-1252 byte") {
    const ReadAll r = read_text("Title,Year\nCaf\xE9,2001\n");
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café");
  }
  SECTION("gzip") {
    TempDir dir;
    const std::string path = dir / "in.csv.gz";
    const std::string text = "Title,DOI\nA,10.1000/A\n";
    gzFile gz = gzopen(path.c_str(), "wb");
    REQUIRE(gz != nullptr);
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    CHECK(litrev::sniff_format(path) == Format::csv);
    const ReadAll r = read_all(path);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.ids.doi == "10.1000/a");
  }
}

TEST_CASE("csv: a 50,000-row file is read in one pass", "[csv][slow]") {
  // A real PubMed row, repeated with distinct PMIDs and DOIs.
  const std::string base = litrev::test::read_text(csv_fixture("colrev__pubmed-chatbot.csv"));
  const std::size_t nl = base.find('\n');
  const std::string header = base.substr(0, nl + 1);
  const std::string row = base.substr(nl + 1, base.find('\n', nl + 1) - nl);
  TempDir dir;
  const std::string path = dir / "big.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << header;
    for (int i = 0; i < 50000; ++i) {
      std::string r = row;
      const std::string id = std::to_string(40000000 + i);
      r.replace(r.find("35227408"), 8, id);
      r.replace(r.find("\"10.1016/j.beth.2021.09.007\""), 28, "\"10.1016/j.beth." + id + "\"");
      out << r;
    }
  }
  auto reader = litrev::open_reader(path, Format::csv);
  ReadItem item;
  std::size_t n = 0;
  std::string last;
  while (reader->next(item)) {
    ++n;
    last = item.record.ids.pmid + " " + item.record.ids.doi;
  }
  CHECK(n == 50000);
  CHECK(last == "40049999 10.1016/j.beth.40049999");
}
