// Unit tests of the BibTeX / BibLaTeX reader (lib/src/formats/bibtex.cpp):
// every shared fixture read with the record and error counts found by
// reading the files by hand, golden fields of one file per producer (WoS,
// Scopus, Europe PMC, EBSCO, JabRef, ACM, biber's crossref tests), LaTeX to
// Unicode, author names, crossref / xdata inheritance, the malformed-entry
// errors and the recovery after them, sniffing, encodings, .gz input and a
// 50,000-entry file read in one pass.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <algorithm>
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

std::string bib_fixture(const std::string& name) {
  return litrev::test::fixture("formats/bibtex/" + name);
}

struct ReadAll {
  std::vector<ReadItem> items;
  std::vector<std::string> errors;       // RecordError problems
  std::vector<unsigned long> error_lines; // and their lines
};

ReadAll read_all(const std::string& path, const litrev::ReaderOptions& options = {}) {
  ReadAll out;
  auto reader = litrev::open_reader(path, Format::bibtex, options);
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

ReadAll read_text(const std::string& text) {
  TempDir dir;
  const std::string path = dir / "in.bib";
  litrev::test::write_text(path, text);
  return read_all(path);
}

// The only record of `text`.
Record one(const std::string& text) {
  const ReadAll r = read_text(text);
  INFO(text);
  REQUIRE(r.errors.empty());
  REQUIRE(r.items.size() == 1);
  return r.items.front().record;
}

std::string key_of(const Record& r) {
  for (const auto& f : r.extra_fields) {
    if (f.tag == "citation-key") {
      return f.value;
    }
  }
  return {};
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

Record fixture_record(const std::string& file, const std::string& key) {
  for (const auto& item : read_all(bib_fixture(file)).items) {
    if (key_of(item.record) == key) {
      return item.record;
    }
  }
  FAIL("no entry " << key << " in " << file);
  return {};
}

void gzip_text(const std::string& path, const std::string& text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

} // namespace

// ---------------------------------------------------------------------------
// Every fixture

namespace {
struct CountCase {
  const char* file;
  std::size_t records;
  std::size_t errors;
  const char* first_error; // a part of the first error's message, or ""
};
} // namespace

TEST_CASE("bibtex: every fixture is read with the counts found by hand", "[bibtex]") {
  const CountCase cases[] = {
      {"asysd__test_export.bib", 3, 0, ""},
      {"bibtexparser__article_comma_first.bib", 2, 0, ""},
      {"bibtexparser__article_missing_coma.bib", 4, 0, ""},
      {"bibtexparser__article_no_braces.bib", 1, 0, ""},
      {"bibtexparser__article_start_with_bom.bib", 1, 0, ""},
      {"bibtexparser__article_with_protection_braces.bib", 1, 0, ""},
      {"bibtexparser__article_with_special_characters.bib", 1, 0, ""},
      {"bibtexparser__article_with_strings.bib", 1, 0, ""},
      {"bibtexparser__book_bom.bib", 1, 0, ""},
      {"bibtexparser__book_capital_AND.bib", 1, 0, ""},
      {"bibtexparser__comments_percentage.bib", 2, 0, ""},
      {"bibtexparser__common_strings.bib", 0, 0, ""},
      {"bibtexparser__crossref_entries.bib", 14, 0, ""},
      {"bibtexparser__encoding.bib", 1, 0, ""},
      {"bibtexparser__features.bib", 1, 0, ""},
      {"bibtexparser__multiline_comments.bib", 0, 0, ""},
      {"bibtexparser__string.bib", 1, 0, ""},
      {"bibtexparser__traps.bib", 1, 0, ""},
      // Two entries with an author and nothing else.
      {"bibtexparser__wrong.bib", 0, 2, "entry 'foo' has no title and no identifier"},
      {"citationjs__a_complete_article.bib", 1, 0, ""},
      {"citationjs__a_complete_book.bib", 1, 0, ""},
      {"citationjs__a_complete_inproceedings.bib", 1, 0, ""},
      {"citationjs__authors_with_non-ASCII_characters.bib", 0, 1, "has no title and no identifier"},
      {"citationjs__commands.bib", 5, 0, ""},
      // f takes only a journal title from its periodical: no title.
      {"citationjs__crossref.bib", 5, 1, "entry 'f' has no title and no identifier"},
      {"citationjs__date-range.bib", 0, 1, "has no title and no identifier"},
      // b opens with '{' and closes with ')'.
      {"citationjs__different_delimiters.bib", 1, 1, "expected ',' or '}' after the value of 'year', found ')'"},
      {"citationjs__escaped_and.bib", 0, 2, "has no title and no identifier"},
      {"citationjs__escaped_characters.bib", 2, 0, ""},
      {"citationjs__howpublished.bib", 1, 0, ""},
      {"citationjs__langid.bib", 1, 0, ""},
      {"citationjs__literals.bib", 0, 1, "has no title and no identifier"},
      {"citationjs__math.bib", 1, 0, ""},
      {"citationjs__nameparts.bib", 0, 8, "entry 'a' has no title and no identifier"},
      // sc has only a booktitle.
      {"citationjs__rich_text.bib", 6, 1, "entry 'sc' has no title and no identifier"},
      {"citationjs__string_and_preamble.bib", 1, 0, ""},
      {"citationjs__unicode_and_capitalized_types.bib", 1, 0, ""},
      {"citationjs__uppercase_and.bib", 1, 0, ""},
      {"citationjs__uri.bib", 0, 3, "has no title and no identifier"},
      {"citationjs__whitespace_and_unknown_fields.bib", 1, 0, ""},
      {"citationjs__year_and_month_with_date.bib", 0, 1, "has no title and no identifier"},
      {"citationjs__year_and_month_without_date.bib", 0, 1, "has no title and no identifier"},
      // The second entry's Keywords close one brace too early (scraped junk).
      {"colrev__ebsco_bib.bib", 1, 1, "text after the value of 'Keywords' is not a field"},
      {"colrev__europe_pmc_bib.bib", 2, 0, ""},
      {"colrev__scopus_bib.bib", 11, 0, ""},
      {"colrev__web_of_science_bib.bib", 2, 0, ""},
      // Two @set entries are not records.
      {"jabref__BibtexImporter.examples.bib", 2, 0, ""},
      {"pybibx__wos.bib", 37, 0, ""},
      {"synthesisr__Scopus_bib_example.bib", 3, 0, ""},
  };
  std::size_t listed = 0;
  for (const auto& c : cases) {
    INFO(c.file);
    const ReadAll r = read_all(bib_fixture(c.file));
    CHECK(r.items.size() == c.records);
    CHECK(r.errors.size() == c.errors);
    if (c.errors > 0 && !r.errors.empty()) {
      CHECK_THAT(r.errors.front(), Catch::Contains(c.first_error));
    }
    for (const auto& item : r.items) {
      CHECK(item.kind == ReadItem::Kind::record);
      CHECK(item.line > 0);
      CHECK(item.record.source == "bibtex");
      CHECK(!item.record.key.empty());
      const nlohmann::json j = item.record; // throws on invalid UTF-8
      CHECK(!j.dump().empty());
    }
    ++listed;
  }
  // Every file of the fixture folder is in the table.
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/bibtex"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  CHECK(listed == files);
}

TEST_CASE("bibtex: every fixture is sniffed as BibTeX", "[bibtex]") {
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/bibtex"))) {
    INFO(e.path().string());
    CHECK(litrev::sniff_format(e.path().string()) == Format::bibtex);
  }
}

TEST_CASE("bibtex: near misses are not sniffed as BibTeX", "[bibtex]") {
  const char* const texts[] = {
      "TY  - JOUR\nTI  - A title\nER  - \n",
      "Contact me@example.org about this list\n",
      "@article\n",
      "@ not an entry\n",
      "{\"title\": \"x\"}\n",
      "PMID- 123\nTI  - A title\n",
      "title,authors\nA,B\n",
      "%0 Journal Article\n%T A title\n",
  };
  for (const char* t : texts) {
    INFO(t);
    const auto f = litrev::sniff_format_of(t);
    CHECK((!f || *f != Format::bibtex));
  }
  // RIS and WoS text files are not BibTeX.
  CHECK(litrev::sniff_format(litrev::test::fixture("formats/ris/rispy__example_full.ris")) != Format::bibtex);
  CHECK(litrev::sniff_format(litrev::test::fixture("formats/wos/synthesisr__WoS_txt_example.txt")) != Format::bibtex);
  // A note before the first entry, as some exporters write, is fine.
  CHECK(litrev::sniff_format_of("This file was created with JabRef.\nEncoding: UTF-8\n\n@article{a, title={x}}\n") ==
        Format::bibtex);
}

// ---------------------------------------------------------------------------
// Golden fields, read off the raw files

namespace {
struct FieldCase {
  const char* file;
  const char* key;
  const char* what;
  std::function<std::string(const Record&)> get;
  std::string expected;
};
} // namespace

TEST_CASE("bibtex: fixture fields", "[bibtex]") {
  using R = const Record&;
  const std::string wos = "pybibx__wos.bib";
  const std::string scopus = "synthesisr__Scopus_bib_example.bib";
  const FieldCase cases[] = {
      // Web of Science export: Capitalised fields, 3-space continuation lines.
      {wos.c_str(), "WOS:000731787800009", "title over two lines", [](R r) { return r.title; },
       "Effect of the gap width in AZ31 magnesium alloy joints obtained by friction stir welding"},
      {wos.c_str(), "WOS:000731787800009", "authors in order", [](R r) { return names(r); },
       "Chiuzuli|Fernanda Rocha|FR; Batistao|Bruna Fernanda|BF; Bergmann|Luciano Andrei|LA; de Alcantara|Nelson "
       "Guedes|NG; dos Santos|Jorge Fernandez|JF; Klusemann|Benjamin|B; Gargarella|Piter|P"},
      {wos.c_str(), "WOS:000731787800009", "journal with \\&", [](R r) { return r.journal.title; },
       "JOURNAL OF MATERIALS RESEARCH AND TECHNOLOGY-JMR&T"},
      {wos.c_str(), "WOS:000731787800009", "Journal-ISO", [](R r) { return r.journal.iso_abbrev; }, "J. Mater. Res. Technol-JMRT"},
      {wos.c_str(), "WOS:000731787800009", "year, NOV-DEC", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month) + " " + r.pub_date.text; }, "2021/11 2021 NOV-DEC"},
      {wos.c_str(), "WOS:000731787800009", "volume/pages", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages; }, "15::5297-5306"},
      {wos.c_str(), "WOS:000731787800009", "DOI", [](R r) { return r.ids.doi; }, "10.1016/j.jmrt.2021.10.115"},
      {wos.c_str(), "WOS:000731787800009", "ISSN and EISSN", [](R r) { return r.journal.issn_print + " " + r.journal.issn_electronic; }, "2238-7854 2214-0697"},
      {wos.c_str(), "WOS:000731787800009", "abstract start", [](R r) { return r.abstract.at(0).text.substr(0, 56); }, "Thin AZ31 magnesium alloy sheets, i.e., 2 mm thick, are "},
      {wos.c_str(), "WOS:000731787800009", "abstract end, \\% decoded", [](R r) { const auto& a = r.abstract.at(0).text; return std::to_string(a.find("thickness reduction of 8.5%.") != std::string::npos) + a.substr(a.size() - 15); }, "1by-nc-nd/4.0/)."},
      {wos.c_str(), "WOS:000731787800009", "keywords", [](R r) { return std::to_string(r.keywords.size()) + " " + r.keywords.at(4).text; }, "6 Butt joint configuration"},
      {wos.c_str(), "WOS:000731787800009", "database", [](R r) { return r.database; }, "Web of Science"},
      {wos.c_str(), "WOS:000731787800009", "WoS id", [](R r) { return r.ids.other.at(0).type + ":" + r.ids.other.at(0).value; }, "wos:WOS:000731787800009"},
      {wos.c_str(), "WOS:000731787800009", "language", [](R r) { return r.languages.at(0); }, "English"},
      {wos.c_str(), "WOS:000731787800009", "publisher", [](R r) { return r.publisher; }, "ELSEVIER"},
      {wos.c_str(), "WOS:000731787800009", "Keywords-Plus kept raw", [](R r) { return extra(r, "Keywords-Plus").substr(0, 22); }, "MECHANICAL-PROPERTIES;"},
      {wos.c_str(), "WOS:000731787800009", "field source", [](R r) { return r.field_sources.at(0).field + "=" + r.field_sources.at(0).tag; }, "authors=Author"},
      {wos.c_str(), "WOS:001222309600001", "title with \\%", [](R r) { return r.title; },
       "Microstructural characterization and corrosion-resistance behavior of friction stir-welded A390/10 wt% SiC "
       "composites-AA2024 Al alloy joints"},
      {wos.c_str(), "WOS:001222309600001", "article number as pages", [](R r) { return r.pages; }, "e27714"},
      {wos.c_str(), "WOS:001222309600001", "APR 15", [](R r) { return std::to_string(r.pub_date.month) + "/" + std::to_string(r.pub_date.day); }, "4/15"},
      {wos.c_str(), "WOS:001222309600001", "issue", [](R r) { return r.issue; }, "7"},
      {wos.c_str(), "WOS:001222309600001", "EISSN only", [](R r) { return r.journal.issn_print + "|" + r.journal.issn_electronic; }, "|2405-8440"},
      // Scopus export: no spaces, art_number, %2f DOI in the url, cited By note.
      {scopus.c_str(), "Li2020", "title", [](R r) { return r.title; }, "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China"},
      {scopus.c_str(), "Li2020", "ten authors", [](R r) { return std::to_string(r.authors.size()) + " " + names(r).substr(0, 22); }, "10 Li|W.|W; Dou|Z.|Z; Cui"},
      {scopus.c_str(), "Li2020", "journal, abbreviation", [](R r) { return r.journal.title + " / " + r.journal.iso_abbrev; }, "Ecosystem Health and Sustainability / Ecosyst. Health Sustain."},
      {scopus.c_str(), "Li2020", "vol/issue/art no", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages; }, "6:1:1722034"},
      {scopus.c_str(), "Li2020", "DOI", [](R r) { return r.ids.doi; }, "10.1080/20964129.2020.1722034"},
      {scopus.c_str(), "Li2020", "EID from the url", [](R r) { return r.ids.other.at(0).type + ":" + r.ids.other.at(0).value; }, "scopus:2-s2.0-85079532227"},
      {scopus.c_str(), "Li2020", "ISSN without hyphen", [](R r) { return r.journal.issn_print; }, "2096-4129"},
      {scopus.c_str(), "Li2020", "database", [](R r) { return r.database; }, "Scopus"},
      {scopus.c_str(), "Li2020", "author keywords", [](R r) { return r.keywords.at(0).text + "|" + r.keywords.at(5).text; }, "Environmental factors|wetland restoration"},
      {scopus.c_str(), "Li2020", "note kept", [](R r) { return extra(r, "note"); }, "cited By 0"},
      // The file writes "funding_text<U+00A0>1".
      {scopus.c_str(), "Li2020", "'funding_text 1' field name", [](R r) { return extra(r, "funding_text\xC2\xA0" "1").substr(0, 20); }, "The Special Fund for"},
      {scopus.c_str(), "Li2020", "abstract end", [](R r) { const auto& a = r.abstract.at(0).text; return a.substr(a.size() - 28); }, "Ecological Society of China."},
      {scopus.c_str(), "Li2020", "publication types", [](R r) { return r.publication_types.at(0).name + "," + std::to_string(r.publication_types.size()); }, "article,1"},
      {scopus.c_str(), "Tang2020", "lower-case family", [](R r) { return r.authors.at(2).family; }, "zhou"},
      {"colrev__scopus_bib.bib", "Bookchapterwriter202150", "document_type gives the kind", [](R r) { return r.kind + " " + r.publication_types.at(1).name; }, "book-chapter Book Chapter"},
      {"colrev__scopus_bib.bib", "Conference paper2022775", "key with a space", [](R r) { return r.ids.doi; }, "10.1011/111-111-11-1111-1_11"},
      {"colrev__scopus_bib.bib", "Conference paper2022775", "language undefined dropped", [](R r) { return std::to_string(r.languages.size()); }, "0"},
      {"colrev__scopus_bib.bib", "NoAuthor2013a", "no DOI: Scopus key", [](R r) { return r.key; }, "scopus:1212121212121212"},
      // WoS BibTeX shape with BOM and HTML entity.
      {"colrev__web_of_science_bib.bib", "WOS:000444488888888", "&apos;", [](R r) { return r.title; }, "A dummy title's"},
      {"colrev__web_of_science_bib.bib", "WOS:000444488888888", "MAR 1", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month) + "/" + std::to_string(r.pub_date.day); }, "2022/3/1"},
      {"colrev__web_of_science_bib.bib", "WOS:000223334444221", "\\_ in DOI", [](R r) { return r.ids.doi; }, "10.1007/999-9-999-99999-9_3"},
      {"colrev__web_of_science_bib.bib", "WOS:000223334444221", "booktitle", [](R r) { return r.book_title + " " + r.kind; }, "A BOOKTITLE article"},
      {"colrev__web_of_science_bib.bib", "WOS:000223334444221", "editors kept raw", [](R r) { return extra(r, "Editor"); }, "Editorone, M and Editortwo, M"},
      // Europe PMC: PMID in the key, PMCID in the url, HTML in the abstract, CRLF.
      {"colrev__europe_pmc_bib.bib", "PMID:18888888", "PMID from the key", [](R r) { return r.ids.pmid + " " + r.key; }, "18888888 pmid:18888888"},
      {"colrev__europe_pmc_bib.bib", "PMID:18888888", "PMCID from the url", [](R r) { return r.ids.pmcid; }, "PMC7777777"},
      {"colrev__europe_pmc_bib.bib", "PMID:18888888", "HTML tags removed", [](R r) { return r.abstract.at(0).text; },
       "Be Aware of percentage symbols in abstract. It breaks codehighlightin in Visual Studio Code. abstract with "
       "HTML .(P = 0.05) and (P = 0.03)"},
      {"colrev__europe_pmc_bib.bib", "PMID:18888888", "Month = {February}", [](R r) { return std::to_string(r.pub_date.month); }, "2"},
      {"colrev__europe_pmc_bib.bib", "PPR:PPR666666", "misc kind", [](R r) { return r.kind + " " + r.ids.doi; }, "article 10.55555/rs.1.rs-1777777/v99"},
      // EBSCO: ISSN without hyphen, spaced pages.
      {"colrev__ebsco_bib.bib", "11111111111111111", "ISSN", [](R r) { return r.journal.issn_print; }, "1234-5678"},
      {"colrev__ebsco_bib.bib", "11111111111111111", "pages '1 - 10'", [](R r) { return r.pages; }, "1-10"},
      {"colrev__ebsco_bib.bib", "11111111111111111", "keywords", [](R r) { return r.keywords.at(0).text + "|" + r.keywords.at(1).text; }, "Keyword 1|keyword 2"},
      // JabRef: accents in every spelling, @set skipped, undefined macro.
      {"jabref__BibtexImporter.examples.bib", "aksin", "authors", [](R r) { return names(r); },
       "Aksın|Özge|Ö; Türkmen|Hayati|H; Artok|Levent|L; Çetinkaya|Bekir|B; Ni|Chaoying|C; Büyükgüngör|Orhan|O; "
       "Özkal|Erhan|E"},
      {"jabref__BibtexImporter.examples.bib", "aksin", "protected words", [](R r) { return r.title; },
       "Effect of immobilization on catalytic characteristics of saturated Pd-N-heterocyclic carbenes in "
       "Mizoroki-Heck reactions"},
      {"jabref__BibtexImporter.examples.bib", "aksin", "date = 2006, undefined macro", [](R r) { return std::to_string(r.pub_date.year) + " " + r.journal.title; }, "2006 jomch"},
      {"jabref__BibtexImporter.examples.bib", "Preissel2016", "raw UTF-8", [](R r) { return names(r); }, "Preißel|René|R"},
      // ACM: AND, en dash in pages, doi.org url and doi field.
      {"citationjs__uppercase_and.bib", "10.1145/1499402.1499562", "AND", [](R r) { return names(r); }, "Lesk|M. E.|ME; Kernighan|B. W.|BW"},
      {"citationjs__uppercase_and.bib", "10.1145/1499402.1499562", "en dash pages", [](R r) { return r.pages; }, "879-888"},
      {"citationjs__uppercase_and.bib", "10.1145/1499402.1499562", "isbn kept", [](R r) { return extra(r, "isbn"); }, "9781450379144"},
      {"citationjs__whitespace_and_unknown_fields.bib", "Ekstrand:2009:RYD", "pages 4:1--4:10", [](R r) { return r.pages; }, "4:1-4:10"},
      {"citationjs__whitespace_and_unknown_fields.bib", "Ekstrand:2009:RYD", "names over two lines", [](R r) { return names(r); }, "Ekstrand|Michael D.|MD; Riedl|John T.|JT"},
      // bibtexparser's traps.
      {"bibtexparser__article_with_strings.bib", "Cesar2013", "@string and #", [](R r) { return names(r) + " / " + r.journal.title + " / " + std::to_string(r.pub_date.month); }, "César|Jean|J / Nice Journal / 1"},
      {"bibtexparser__article_no_braces.bib", "Cesar2013", "quoted values, {\\'e}{\\\"u}", [](R r) { return names(r); }, "Césarü|Jean|J"},
      {"bibtexparser__article_with_protection_braces.bib", "Cesar2013", "{{title}}", [](R r) { return r.title + " / " + r.journal.title; }, "An amazing title / Nice Journal"},
      {"bibtexparser__traps.bib", "Laide2013", "n.s.~2", [](R r) { return r.volume; }, "n.s. 2"},
      {"bibtexparser__traps.bib", "Laide2013", "{An} amazing {title}", [](R r) { return r.title; }, "An amazing title"},
      {"bibtexparser__traps.bib", "Laide2013", "tab-indented abstract", [](R r) { return r.abstract.at(0).text; }, "This is an abstract. This line should be long enough to test multilines... and with a french érudit word"},
      {"bibtexparser__book_capital_AND.bib", "Bird1987", "AND", [](R r) { return names(r); }, "Bird|R.B.|RB; Armstrong|R.C.|RC; Hassager|O.|O"},
      {"bibtexparser__book_bom.bib", "Bird1987", "BOM before @", [](R r) { return r.kind + " " + r.publisher; }, "book-chapter Wiley Edition"},
      {"bibtexparser__string.bib", "cha:oakland15", "@string booktitle", [](R r) { return r.book_title + " / " + r.pages; }, "Proceedings of the IEEE Symposium on Security and Privacy / 725-741"},
      {"bibtexparser__features.bib", "mykey", "bare year", [](R r) { return std::to_string(r.pub_date.year) + " " + r.book_title; }, "2014 My International Conference"},
      {"bibtexparser__encoding.bib", "Cesar_2013", "raw UTF-8", [](R r) { return r.journal.title + " / " + r.title; }, "Elémentaire / An amazing title: à"},
      {"bibtexparser__comments_percentage.bib", "Baltazar2013", "after a % line", [](R r) { return names(r); }, "Baltazar|Jean|J"},
      {"bibtexparser__article_comma_first.bib", "Baltazar2013", "comma first", [](R r) { return r.journal.title + " " + r.volume; }, "Nice Journal 12"},
      // citation.js cases.
      {"citationjs__commands.bib", "a", "\\url", [](R r) { return r.title; }, "url: https://example.org"},
      {"citationjs__commands.bib", "b", "\\href", [](R r) { return r.title; }, "href: Example"},
      {"citationjs__commands.bib", "c", "\\ElsevierGlyph", [](R r) { return r.title; }, "ElsevierGlyph: \u2014"},
      {"citationjs__commands.bib", "d", "unknown command", [](R r) { return r.title; }, "unknown:"},
      {"citationjs__commands.bib", "e", "$\\Phi$", [](R r) { return r.title; }, "Phi: Φ"},
      {"citationjs__escaped_characters.bib", "escape", "escapes", [](R r) { return r.title; }, "a&b%c$d#e_f~^\\"},
      {"citationjs__escaped_characters.bib", "ligature", "---~", [](R r) { return r.title; }, "\u2014"},
      {"citationjs__math.bib", "math", "$e=mc^2$", [](R r) { return r.title; }, "e=mc2"},
      {"citationjs__rich_text.bib", "env", "a\\it b{\\bf c}", [](R r) { return r.title; }, "abc"},
      {"citationjs__rich_text.bib", "ibscsupsub", "\\textit etc", [](R r) { return r.title; }, "ibsupsub"},
      {"citationjs__unicode_and_capitalized_types.bib", "Fau86", "{\\\" o} with a space", [](R r) { return r.title; }, "Faust. Der Tragödie Erster Teil"},
      {"citationjs__howpublished.bib", "guidelinesdigedition", "{{corporate}}", [](R r) { return names(r); }, "{Modern Language Association}"},
      {"citationjs__langid.bib", "Valle2023", "langid, bad ISSN kept", [](R r) { return r.languages.at(0) + " " + r.journal.issn_print + "|" + extra(r, "issn"); }, "italian |2532-64314"},
      {"citationjs__langid.bib", "Valle2023", "month = mar", [](R r) { return std::to_string(r.pub_date.month); }, "3"},
      {"citationjs__string_and_preamble.bib", "b", "undefined macro kept", [](R r) { return r.title; }, "Foobarbar"},
      {"asysd__test_export.bib", "2", "not a DOI: kept raw", [](R r) { return r.ids.doi + "|" + extra(r, "doi"); }, "|DOI 2"},
      // Crossref: the book's title becomes the chapter's booktitle; the parent
      // may come before (cr6) or after (cr1) the child.
      {"bibtexparser__crossref_entries.bib", "cr1", "inherited booktitle", [](R r) { return r.book_title + " / " + r.publisher + " / " + std::to_string(r.pub_date.year); }, "Graphs of the Continent / Grimble / 1974"},
      {"bibtexparser__crossref_entries.bib", "cr1", "own title kept", [](R r) { return r.title; }, "Great and Good Graphs"},
      {"bibtexparser__crossref_entries.bib", "cr6", "parent before child", [](R r) { return r.book_title + " / " + r.publisher; }, "Manual booktitle / Publisher of proceeding"},
      {"bibtexparser__crossref_entries.bib", "cr7", "book subtitle", [](R r) { return r.book_title + " / " + extra(r, "bookauthor"); }, "Book Title: Book Subtitle / Brian Bookauthor"},
      {"bibtexparser__crossref_entries.bib", "cr6", "123-- pages", [](R r) { return r.pages; }, "123"},
      {"citationjs__crossref.bib", "b", "self reference", [](R r) { return r.title + " " + names(r); }, "Bar Last|First|F"},
      {"citationjs__crossref.bib", "a", "book from book", [](R r) { return r.title + " " + names(r); }, "Foo Last|First|F"},
      {"citationjs__crossref.bib", "c", "inbook from book", [](R r) { return r.title + " / " + r.book_title + " / " + names(r); }, "Baz / Bar / Family|Given|G"},
      {"citationjs__crossref.bib", "d", "article from an earlier book", [](R r) { return r.title; }, "Bar"},
  };
  for (const auto& c : cases) {
    INFO(c.file << " " << c.key << ": " << c.what);
    const Record r = fixture_record(c.file, c.key);
    CHECK(c.get(r) == c.expected);
  }
}

TEST_CASE("bibtex: crossref children follow their parent, in file order", "[bibtex]") {
  const ReadAll r = read_all(bib_fixture("bibtexparser__crossref_entries.bib"));
  std::vector<std::string> keys;
  for (const auto& item : r.items) {
    keys.push_back(key_of(item.record));
  }
  // cr6 names cr6i, which comes before it: cr6 waits for the second pass.
  const std::vector<std::string> expected = {"cr_m", "cr1", "cr2", "crt", "cr3", "crn", "cr4",
                                             "cr5",  "cr6i", "cr7i", "cr8i", "cr6", "cr7", "cr8"};
  CHECK(keys == expected);
  for (const auto& item : r.items) {
    if (key_of(item.record) == "cr6") {
      CHECK(item.line == 85);
    }
  }
}

TEST_CASE("bibtex: crossref edge cases", "[bibtex]") {
  SECTION("a cycle stops") {
    const ReadAll r = read_text("@book{a, title={A}, crossref={b}, year=2001}\n@book{b, title={B}, crossref={a}, publisher={P}}\n");
    REQUIRE(r.items.size() == 2);
    CHECK(r.errors.empty());
    for (const auto& item : r.items) {
      if (key_of(item.record) == "a") {
        CHECK(item.record.publisher == "P");
      } else {
        CHECK(item.record.pub_date.year == 2001);
      }
    }
  }
  SECTION("a missing parent: the child as it is") {
    const Record r = one("@inbook{c, title={C}, crossref={nowhere}}\n");
    CHECK(r.title == "C");
    CHECK(r.book_title.empty());
  }
  SECTION("identifiers and abstracts are not inherited") {
    const ReadAll r = read_text("@incollection{c, title={Chapter}, crossref={book}}\n"
                                "@book{book, title={Book}, doi={10.1000/book}, abstract={About the book}, "
                                "url={https://doi.org/10.1000/book}, year=1999}\n");
    REQUIRE(r.items.size() == 2);
    const Record& chapter = r.items.at(1).record;
    CHECK(key_of(chapter) == "c");
    CHECK(chapter.ids.doi.empty());
    CHECK(chapter.abstract.empty());
    CHECK(chapter.pub_date.year == 1999);
    CHECK(chapter.book_title == "Book");
    CHECK(r.items.at(0).record.ids.doi == "10.1000/book");
  }
  SECTION("a chain of crossrefs") {
    const ReadAll r = read_text("@inproceedings{p, title={Paper}, crossref={vol}}\n"
                                "@proceedings{vol, title={Volume 2}, crossref={series}}\n"
                                "@proceedings{series, publisher={Springer}, year=2010}\n");
    REQUIRE(r.items.size() == 2); // "series" has no title
    REQUIRE(r.errors.size() == 1);
    for (const auto& item : r.items) {
      if (key_of(item.record) == "p") {
        CHECK(item.record.book_title == "Volume 2");
        CHECK(item.record.publisher == "Springer");
        CHECK(item.record.pub_date.year == 2010);
      }
    }
  }
  SECTION("xdata") {
    const Record r = one("@xdata{pubinfo, publisher={Elsevier}, location={Amsterdam}}\n"
                         "@book{b, title={T}, xdata={pubinfo}}\n");
    CHECK(r.publisher == "Elsevier");
    CHECK(extra(r, "location") == "Amsterdam");
  }
}

// ---------------------------------------------------------------------------
// LaTeX and names

TEST_CASE("bibtex: LaTeX to Unicode", "[bibtex]") {
  const std::pair<const char*, const char*> cases[] = {
      {"{\\\"o}", "ö"},
      {"\\\"{o}", "ö"},
      {"\\\"o", "ö"},
      {"\\'e", "é"},
      {"{\\'e}", "é"},
      {"\\'{e}", "é"},
      {"\\`a", "à"},
      {"\\^o", "ô"},
      {"\\~n", "ñ"},
      {"\\c{c}", "ç"},
      {"\\c c", "ç"},
      {"\\v{s}", "š"},
      {"\\v s", "š"},
      {"\\u{g}", "ğ"},
      {"\\H{o}", "ő"},
      {"\\k{a}", "ą"},
      {"\\r{a}", "å"},
      {"\\={a}", "ā"},
      {"\\.{z}", "ż"},
      {"\\'{\\i}", "í"},
      {"\\\"\\i", "ï"},
      {"Stra\\ss e", "Straße"},
      {"{\\ss}", "ß"},
      {"\\o", "ø"},
      {"{\\O}", "Ø"},
      {"\\aa", "å"},
      {"\\AA{}", "Å"},
      {"\\AE", "Æ"},
      {"\\ae", "æ"},
      {"\\oe", "œ"},
      {"{\\l}", "ł"},
      {"a \\& b", "a & b"},
      {"100\\%", "100%"},
      {"\\$5", "$5"},
      {"\\#1", "#1"},
      {"a\\_b", "a_b"},
      {"\\textasciitilde", "~"},
      {"1--2", "1–2"},
      {"a---b", "a—b"},
      {"a~b", "a b"},
      {"\\textit{x} and \\emph{y} and \\textbf{z}", "x and y and z"},
      {"\\unknowncommand{kept}", "kept"},
      {"$\\alpha$-synuclein", "α-synuclein"},
      {"$x^2$", "x2"},
      {"37$^\\circ$C", "37°C"},
      {"{DNA} and {RNA}", "DNA and RNA"},
      {"``quoted''", "“quoted”"},
      {"line\\\\break", "line break"},
      {"  spaced \n  out  ", "spaced out"},
      {"\\textsuperscript{2}", "2"},
      {"\\begin{center}text\\end{center}", "text"},
      {"\\url{http://a.b/c--d~e}", "http://a.b/c--d~e"},
      {"Caf\\'{e} \\textendash{} bar", "Café – bar"},
      {"R&amp;D", "R&D"},
  };
  for (const auto& [latex, expected] : cases) {
    INFO(latex);
    const Record r = one(std::string("@article{k, title = {") + latex + "}}\n");
    CHECK(r.title == expected);
  }
}

TEST_CASE("bibtex: author names", "[bibtex]") {
  const std::pair<const char*, const char*> cases[] = {
      {"Smith, John", "Smith|John|J"},
      {"John Smith", "Smith|John|J"},
      {"Smith, John A.", "Smith|John A.|JA"},
      {"Smith, J.A.", "Smith|J.A.|JA"},
      {"van der Berg, Jan", "van der Berg|Jan|J"},
      {"Jan van der Berg", "van der Berg|Jan|J"},
      {"von Last, Jr, First", "von Last|First|F"},
      {"Ludwig van Beethoven", "van Beethoven|Ludwig|L"},
      {"Jean-Pierre Dupont", "Dupont|Jean-Pierre|JP"},
      {"{World Health Organization}", "{World Health Organization}"},
      {"World Health Organization", "{World Health Organization}"},
      {"{A and B}", "{A and B}"},
      {"{a and b} and c and D E", "{a and b}; c||; E|D|D"},
      {"Smith, John and Doe, Jane", "Smith|John|J; Doe|Jane|J"},
      {"Smith, John AND Doe, Jane", "Smith|John|J; Doe|Jane|J"},
      {"Smith, John and others", "Smith|John|J"},
      {"{\\\"O}zkal, Erhan", "Özkal|Erhan|E"},
      {"von Helmh{\\\"o}ltz, Herm{\\\"a}n{\\~n}", "von Helmhöltz|Hermänñ|H"},
      {"given=A, family=B", "B|A|A"},
      {"given=A=B, family=C", "C|A=B|A"},
      {"{Barnes and Noble}, Inc", "Barnes and Noble|Inc|I"},
      {"Smith,\n   John", "Smith|John|J"},
  };
  for (const auto& [field, expected] : cases) {
    INFO(field);
    const Record r = one(std::string("@article{k, title = {T}, author = {") + field + "}}\n");
    std::string got = names(r);
    // "c||" stands for a one-word name with an empty given name.
    CHECK(got == expected);
  }
  // A suffix lands in Author::suffix.
  CHECK(one("@article{k, title={T}, author={Artino, Jr, Anthony R.}}").authors.at(0).suffix == "Jr");
}

TEST_CASE("bibtex: dates", "[bibtex]") {
  struct Case {
    const char* fields;
    int year;
    int month;
    int day;
    const char* text;
  };
  const Case cases[] = {
      {"year = 2017, month = 8", 2017, 8, 0, ""},
      {"year = 2017, month = aug", 2017, 8, 0, ""},
      {"year = {2017}, month = {August}", 2017, 8, 0, ""},
      {"date = {2016-12-13}, year = 2017, month = 8", 2016, 12, 13, ""},
      {"date = {2016/2017}", 2016, 0, 0, "2016/2017"},
      {"year = {{13th Century}}", 0, 0, 0, "13th Century"},
      {"Year = {2021}, Month = {NOV-DEC}", 2021, 11, 0, "2021 NOV-DEC"},
      {"year = 2020, month = {MAR 1}", 2020, 3, 1, ""},
      {"date = {2020-05}", 2020, 5, 0, ""},
  };
  for (const auto& c : cases) {
    INFO(c.fields);
    const Record r = one(std::string("@article{k, title = {T}, ") + c.fields + "}\n");
    CHECK(r.pub_date.year == c.year);
    CHECK(r.pub_date.month == c.month);
    CHECK(r.pub_date.day == c.day);
    CHECK(r.pub_date.text == c.text);
  }
}

TEST_CASE("bibtex: identifiers", "[bibtex]") {
  CHECK(one("@article{k, title={T}, doi={https://doi.org/10.1000/ABC%28x%29}}").ids.doi == "10.1000/abc(x)");
  CHECK(one("@article{k, title={T}, doi={doi:10.1000/xyz}}").ids.doi == "10.1000/xyz");
  CHECK(one("@article{k, title={T}, url={http://dx.doi.org/10.1000/u}}").ids.doi == "10.1000/u");
  CHECK(one("@article{k, title={T}, eprinttype={pubmed}, eprint={12345678}}").ids.pmid == "12345678");
  CHECK(one("@article{k, title={T}, pmid={12345678}}").key == "pmid:12345678");
  CHECK(one("@article{k, title={T}, eprinttype={arxiv}, eprint={2101.00001}}").ids.other.at(0).value == "2101.00001");
  CHECK(one("@article{k, title={T}, url={https://pubmed.ncbi.nlm.nih.gov/31234567/}}").ids.pmid == "31234567");
  CHECK(one("@article{k, title={T}, pmcid={1234567}}").ids.pmcid == "PMC1234567");
  // Only an identifier, no title: still a record.
  CHECK(one("@article{k, doi={10.1000/only}}").key == "doi:10.1000/only");
  // NCT ids in the abstract become registry ids.
  CHECK(one("@article{k, title={T}, abstract={Registered as NCT01234567.}}").registry_ids.at(0).id == "NCT01234567");
}

// ---------------------------------------------------------------------------
// Syntax, errors and recovery

TEST_CASE("bibtex: syntax variants", "[bibtex]") {
  SECTION("parentheses, keyless entry, nested braces, concatenation") {
    const ReadAll r = read_text("@article(a, title = \"A (b) c\")\n"
                                "@misc{title = {No key}}\n"
                                "@article{n, title = {Outer {inner {deep}} end}}\n"
                                "@string{j = \"Journal\"}\n"
                                "@article{c, title = \"x\" # \" \" # {y}, journal = j # { of Things}}\n");
    REQUIRE(r.errors.empty());
    REQUIRE(r.items.size() == 4);
    CHECK(r.items[0].record.title == "A (b) c");
    CHECK(r.items[1].record.title == "No key");
    CHECK(r.items[2].record.title == "Outer inner deep end");
    CHECK(r.items[3].record.title == "x y");
    CHECK(r.items[3].record.journal.title == "Journal of Things");
  }
  SECTION("missing comma between fields") {
    const Record r = one("@article{k,\n  title = {T}\n  year = 2001\n  journal = {J}\n}\n");
    CHECK(r.pub_date.year == 2001);
    CHECK(r.journal.title == "J");
  }
  SECTION("missing comma after the key") {
    const Record r = one("@article{k\n  title = {T}, year = 2001}\n");
    CHECK(r.title == "T");
    CHECK(key_of(r) == "k");
  }
  SECTION("unknown fields kept raw, in order, repeated ones too") {
    const Record r = one("@article{k, title={T}, zeta={1}, funding_details={A}, alpha={\\'e}, funding_details={B}}");
    std::vector<std::string> tags;
    for (const auto& f : r.extra_fields) {
      tags.push_back(f.tag + "=" + f.value);
    }
    const std::vector<std::string> expected = {"citation-key=k", "zeta=1", "funding_details=A", "alpha=\\'e",
                                               "funding_details=B"};
    CHECK(tags == expected);
  }
  SECTION("text and % comments between entries, @comment, @preamble") {
    const ReadAll r = read_text("Some text before.\n% a comment @article{x, title={no}}\n"
                                "@comment{@article{y, title={commented out}}}\n"
                                "@preamble{\"\\newcommand{\\x}{y}\"}\n"
                                "@article{z, title={Yes}}\nTrailing text.\n");
    REQUIRE(r.errors.empty());
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Yes");
    CHECK(r.items[0].line == 5);
  }
  SECTION("entry type names: case, kind (as the record schema has them), publication type") {
    CHECK(one("@ARTICLE{k, title={T}}").publication_types.at(0).name == "article");
    CHECK(one("@InProceedings{k, title={T}}").publication_types.at(0).name == "inproceedings");
    CHECK(one("@InProceedings{k, title={T}}").kind == "article");
    CHECK(one("@phdthesis{k, title={T}}").kind == "article");
    CHECK(one("@incollection{k, title={T}}").kind == "book-chapter");
    CHECK(one("@book{k, title={T}}").kind == "book-chapter");
    CHECK(one("@whatever{k, title={T}}").kind == "article");
  }
  SECTION("keywords split on ; or ,") {
    const Record a = one("@article{k, title={T}, keywords={a; b, c; d}}");
    REQUIRE(a.keywords.size() == 3);
    CHECK(a.keywords[1].text == "b, c");
    CHECK(one("@article{k, title={T}, keywords={a, b}}").keywords.size() == 2);
  }
  SECTION("database given by the user wins") {
    TempDir dir;
    const std::string path = dir / "in.bib";
    litrev::test::write_text(path, "@article{k, title={T}, source={Scopus}}\n");
    litrev::ReaderOptions options;
    options.database = "Embase";
    CHECK(read_all(path, options).items.at(0).record.database == "Embase");
    CHECK(read_all(path).items.at(0).record.database == "Scopus");
  }
}

TEST_CASE("bibtex: malformed entries are reported and reading goes on", "[bibtex]") {
  SECTION("no '=' after a field name") {
    const ReadAll r = read_text("@article{a, title {T}}\n@article{b, title={B}}\n");
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("entry 'a' starting at line 1: expected '=' after field name 'title'"));
    CHECK(r.error_lines[0] == 1);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "B");
  }
  SECTION("a value that never closes before the next entry") {
    const ReadAll r = read_text("@article{a,\n  title = {Unclosed,\n  year = 2001,\n\n@article{b, title={B}}\n");
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("the value of field 'title' starting at line 2 is not closed before the entry at line 5"));
    CHECK(r.error_lines[0] == 2);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "B");
    CHECK(r.items[0].line == 5);
  }
  SECTION("an entry not closed before the next one") {
    const ReadAll r = read_text("@article{a, title={A},\n@article{b, title={B}}\n");
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("entry 'a' is not closed before the next entry at line 2"));
    REQUIRE(r.items.size() == 1);
    CHECK(key_of(r.items[0].record) == "b");
  }
  SECTION("the file ends inside an entry") {
    const ReadAll r = read_text("@article{a, title={A}}\n@article{b, title={B\n");
    REQUIRE(r.items.size() == 1);
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("file ends inside the value of field 'title' started at line 2"));
  }
  SECTION("the file ends inside a @comment") {
    const ReadAll r = read_text("@article{a, title={A}}\n@comment{ never closed\n");
    REQUIRE(r.items.size() == 1);
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("file ends inside the @comment started at line 2"));
  }
  SECTION("no title and no identifier") {
    const ReadAll r = read_text("@article{a, author={Smith, J}, year=2000}\n");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "entry 'a' has no title and no identifier");
  }
  SECTION("a file that is not BibTeX") {
    TempDir dir;
    const std::string path = dir / "x.bib";
    litrev::test::write_text(path, "TY  - JOUR\nTI  - Not BibTeX\nER  - \n");
    CHECK_THROWS_AS(litrev::open_reader(path, Format::bibtex), litrev::DataError);
  }
  SECTION("an empty file or one with comments only has no records") {
    CHECK(read_text("").items.empty());
    CHECK(read_text("% only a comment\n\n").items.empty());
  }
}

// ---------------------------------------------------------------------------
// Encodings and input

TEST_CASE("bibtex: encodings, line ends and .gz", "[bibtex]") {
  const std::string entry = "@article{k,\n  title = {Caf\xC3\xA9},\n  year = 2020\n}\n";
  SECTION("UTF-8 BOM") {
    const ReadAll r = read_text("\xEF\xBB\xBF" + entry);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café");
  }
  SECTION("CRLF and bare CR") {
    std::string crlf;
    std::string cr;
    for (char c : entry) {
      crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
      cr += c == '\n' ? '\r' : c;
    }
    for (const std::string& text : {crlf, cr}) {
      const ReadAll r = read_text(text + "@article{m, title={Second}}\r\n");
      REQUIRE(r.items.size() == 2);
      CHECK(r.items[0].record.title == "Café");
      CHECK(r.items[0].record.pub_date.year == 2020);
      CHECK(r.items[1].line == 5);
    }
  }
  SECTION("a Windows-1252 byte") {
    const ReadAll r = read_text("@article{k, title = {Caf\xE9 au lait}}\n");
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café au lait");
  }
  SECTION("gzip") {
    TempDir dir;
    const std::string path = dir / "in.bib.gz";
    gzip_text(path, entry);
    CHECK(litrev::sniff_format(path) == Format::bibtex);
    const ReadAll r = read_all(path);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café");
  }
}

TEST_CASE("bibtex: a 50,000-entry file is read in one pass", "[bibtex][slow]") {
  // A real entry (Web of Science shape), repeated with distinct keys and DOIs.
  const std::string base = litrev::test::read_text(bib_fixture("colrev__web_of_science_bib.bib"));
  const std::size_t at = base.find("@article{ WOS:000444488888888");
  REQUIRE(at != std::string::npos);
  const std::string entry = base.substr(at);
  TempDir dir;
  const std::string path = dir / "big.bib";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 50000; ++i) {
      std::string e = entry;
      const std::string id = std::to_string(100000 + i);
      e.replace(e.find("WOS:000444488888888"), 19, "WOS:000444488" + id);
      e.replace(e.find("10.1111/artjul.2021.0011"), 24, "10.1111/artjul." + id);
      out << e << "\n\n";
    }
  }
  auto reader = litrev::open_reader(path, Format::bibtex);
  ReadItem item;
  std::size_t n = 0;
  std::string last_doi;
  while (reader->next(item)) {
    ++n;
    last_doi = item.record.ids.doi;
  }
  CHECK(n == 50000);
  CHECK(last_doi == "10.1111/artjul.149999");
}
