// Unit tests of the EndNote XML reader (lib/src/formats/endnote_xml.cpp):
// the shared fixtures with counts and golden fields read off the files,
// <style> runs, &#xD;-separated values, identifiers (PMID by database name
// or PubMed URL, PMCID in a user field, WoS and Embase accession numbers),
// EndNote's one-line layout, malformed and truncated records, no entity
// expansion, encodings, .gz input, sniffing and a 50,000-record file.
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

std::string enx_fixture(const std::string& name) {
  return litrev::test::fixture("formats/endnote_xml/" + name);
}

struct ReadAll {
  std::vector<ReadItem> items;
  std::vector<std::string> errors;
  std::vector<unsigned long> error_lines;
};

ReadAll read_all(const std::string& path, const litrev::ReaderOptions& options = {}) {
  ReadAll out;
  auto reader = litrev::open_reader(path, Format::endnote_xml, options);
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

const char* const k_head = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><xml><records>";
const char* const k_tail = "</records></xml>";

// A record in EndNote's own layout: everything on one line, <style> runs.
std::string record(const std::string& inner) {
  return "<record><database name=\"My.enl\" path=\"/x/My.enl\">My.enl</database>"
         "<source-app name=\"EndNote\" version=\"20.0\">EndNote</source-app><rec-number>1</rec-number>"
         "<ref-type name=\"Journal Article\">17</ref-type>" +
         inner + "</record>";
}

std::string styled(const std::string& text) {
  return "<style face=\"normal\" font=\"default\" size=\"100%\">" + text + "</style>";
}

ReadAll read_text(const std::string& text, const litrev::ReaderOptions& options = {}) {
  TempDir dir;
  const std::string path = dir / "in.xml";
  litrev::test::write_text(path, text);
  return read_all(path, options);
}

Record one(const std::string& inner) {
  const ReadAll r = read_text(std::string(k_head) + record(inner) + k_tail);
  INFO(inner);
  REQUIRE(r.errors.empty());
  REQUIRE(r.items.size() == 1);
  return r.items.front().record;
}

std::string extra(const Record& r, const std::string& tag) {
  std::string out;
  for (const auto& f : r.extra_fields) {
    if (f.tag == tag) {
      out += out.empty() ? f.value : " | " + f.value;
    }
  }
  return out.empty() ? "<none>" : out;
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

Record fixture_record(const std::string& file, unsigned long line) {
  for (const auto& item : read_all(enx_fixture(file)).items) {
    if (item.line == line) {
      return item.record;
    }
  }
  FAIL("no record at line " << line << " of " << file);
  return {};
}

} // namespace

TEST_CASE("endnote_xml: every fixture is read with the counts found by hand", "[endnote_xml]") {
  const std::pair<const char*, std::vector<unsigned long>> cases[] = {
      {"jabref__EndnoteXmlImporterTestArticle.xml", {4}},
      {"jabref__EndnoteXmlImporterTestArticle2.xml", {4, 93}},
      {"jabref__EndnoteXmlImporterTestLabelAndMultiTitle.xml", {4, 89, 174}},
      {"jabref__EndnoteXmlImporterTestReport.xml", {4}},
      {"jabref__EndnoteXmlImporterTest_EmptyKeywordStyle.xml", {4}},
      {"jabref__EndnoteXmlImporterTest_WithoutUrlStyle.xml", {4}},
      {"jabref__EndnoteXmlImporterTest_WithoutUrlStyle2.xml", {4, 93}},
  };
  std::size_t listed = 0;
  for (const auto& [file, lines] : cases) {
    INFO(file);
    const ReadAll r = read_all(enx_fixture(file));
    CHECK(r.errors.empty());
    std::vector<unsigned long> got;
    for (const auto& item : r.items) {
      got.push_back(item.line);
      CHECK(item.record.source == "endnote-xml");
      const nlohmann::json j = item.record;
      CHECK(!j.dump().empty());
    }
    CHECK(got == lines);
    ++listed;
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/endnote_xml"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  CHECK(listed == files);
}

TEST_CASE("endnote_xml: every fixture is sniffed as EndNote XML, near misses are not", "[endnote_xml]") {
  for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture("formats/endnote_xml"))) {
    INFO(e.path().string());
    CHECK(litrev::sniff_format(e.path().string()) == Format::endnote_xml);
  }
  const char* const near[] = {
      "<?xml version=\"1.0\"?><PubmedArticleSet><PubmedArticle></PubmedArticle></PubmedArticleSet>",
      "<xml><foo/></xml>",
      "<records><record></record></records>",
      "<!DOCTYPE html><html><body>xml records</body></html>",
      "%0 Journal Article\n%T Title\n",
  };
  for (const char* t : near) {
    INFO(t);
    const auto f = litrev::sniff_format_of(t);
    CHECK((!f || *f != Format::endnote_xml));
  }
  CHECK(litrev::sniff_format_of("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- exported -->\n<xml>\n  <records>\n") ==
        Format::endnote_xml);
  CHECK(litrev::sniff_format(litrev::test::fixture("pubmed/efetch_biopython_pubmed1.xml")) == Format::pubmed_xml);
}

namespace {
struct FieldCase {
  const char* file;
  unsigned long line;
  const char* what;
  std::function<std::string(const Record&)> get;
  std::string expected;
};
} // namespace

TEST_CASE("endnote_xml: fixture fields", "[endnote_xml]") {
  using R = const Record&;
  const char* article = "jabref__EndnoteXmlImporterTestArticle.xml";
  const char* article2 = "jabref__EndnoteXmlImporterTestArticle2.xml";
  const char* multi = "jabref__EndnoteXmlImporterTestLabelAndMultiTitle.xml";
  const char* report = "jabref__EndnoteXmlImporterTestReport.xml";
  const char* keywords = "jabref__EndnoteXmlImporterTest_EmptyKeywordStyle.xml";
  const char* nostyle = "jabref__EndnoteXmlImporterTest_WithoutUrlStyle.xml";
  const char* nostyle2 = "jabref__EndnoteXmlImporterTest_WithoutUrlStyle2.xml";
  const FieldCase cases[] = {
      // Bookends export: style runs, title over two lines, two ISSNs.
      {article, 4, "title", [](R r) { return r.title; }, "Trends in the lifetime risk of developing cancer in Great Britain: comparison of risk for those born from 1930 to 1960"},
      {article, 4, "authors", [](R r) { return names(r); }, "Ahmad|AS|AS; Ormiston-Smith|N|N; Sasieni|PD|PD"},
      {article, 4, "journal from secondary-title", [](R r) { return r.journal.title; }, "Br J Cancer"},
      {article, 4, "vol/issue/pages", [](R r) { return r.volume + ":" + r.issue + ":" + r.pages; }, "112:5:943-7"},
      {article, 4, "date", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month) + "/" + std::to_string(r.pub_date.day); }, "2015/3/3"},
      {article, 4, "DOI", [](R r) { return r.ids.doi; }, "10.1038/bjc.2014.606"},
      {article, 4, "PMID: accession = PubMed URL", [](R r) { return r.ids.pmid + " " + r.key; }, "25647015 pmid:25647015"},
      {article, 4, "ISSNs with qualifiers", [](R r) { return r.journal.issn_electronic + " " + r.journal.issn_linking + "|" + r.journal.issn_print; }, "1532-1827 0007-0920|"},
      {article, 4, "keywords", [](R r) { return std::to_string(r.keywords.size()) + " " + r.keywords.at(0).text + " / " + r.keywords.at(9).text; }, "13 Age Factors / Neoplasms/*epidemiology"},
      {article, 4, "abstract", [](R r) { return r.abstract.at(0).text; }, "test abstract"},
      {article, 4, "notes kept", [](R r) { return extra(r, "notes"); }, "some notes"},
      {article, 4, "pdf url kept", [](R r) { return extra(r, "urls/pdf-urls/url"); }, "file://localhost/Users/user/Documents/Bookends/Attachments/Ahmad%20et%20al%202015.pdf"},
      {article, 4, "address with &#xA;", [](R r) { return extra(r, "auth-address").substr(0, 40); }, "Queen Mary University of London, Centre "},
      {article, 4, "type and kind", [](R r) { return r.publication_types.at(0).name + " " + r.kind; }, "Journal Article article"},
      // EndNote export with periodical and WoS accession numbers.
      {article2, 4, "periodical", [](R r) { return r.journal.title + " / " + r.journal.iso_abbrev; }, "Ecology / Ecology"},
      {article2, 4, "WoS accession", [](R r) { return r.ids.other.at(0).type + ":" + r.ids.other.at(0).value; }, "wos:WOS:000200148800007"},
      {article2, 4, "language", [](R r) { return r.languages.at(0); }, "English"},
      {article2, 4, "authors", [](R r) { return names(r); }, "Chapman|A. G.|AG"},
      {article2, 4, "month only", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month); }, "1937/1"},
      {article2, 4, "ISSN", [](R r) { return r.journal.issn_print; }, "0012-9658"},
      {article2, 4, "&lt;Go to ISI&gt; URL", [](R r) { return extra(r, "urls/related-urls/url"); }, "<Go to ISI>://000200148800007"},
      {article2, 93, "Book", [](R r) { return r.kind + " " + r.title; }, "book-chapter A survey of soil temperatures in the Chicago area"},
      {article2, 93, "pages", [](R r) { return r.pages; }, "162-168"},
      // Several style runs in one title; label.
      {multi, 174, "title over three runs", [](R r) { return r.title; }, "A demographic study of the south polar skua Catharacta maccormicki at Cape Crozier"},
      {multi, 174, "label", [](R r) { return extra(r, "label"); }, "B4"},
      {multi, 174, "authors", [](R r) { return names(r); }, "Ainley|D.G.|DG; Ribic|C.A.|CA; Wodd|R.C.|RC"},
      {multi, 174, "journal", [](R r) { return r.journal.title + " " + r.volume + " " + r.pages + " " + std::to_string(r.pub_date.year); }, "Journal of Animal Ecology 59 1-20 1990"},
      {multi, 174, "no id: hash key", [](R r) { return r.key.substr(0, 5); }, "hash:"},
      // Report.
      {report, 4, "kind", [](R r) { return r.kind + " " + r.publication_types.at(0).name; }, "article Report"},
      {report, 4, "publisher", [](R r) { return r.publisher; }, "USDA Forest Service, Rocky Mountain Region"},
      {report, 4, "title", [](R r) { return r.title; }, "Purple Martin (Progne subis): a technical conservation assessment"},
      // Empty <keyword> and <style/> elements; PMCID in user16.
      {keywords, 4, "keywords split", [](R r) { std::string s; for (const auto& k : r.keywords) { s += k.text + ";"; } return s; }, "anxiety;craving;dependency;destress;health restoration;"},
      {keywords, 4, "PMCID from user16", [](R r) { return r.ids.pmcid; }, "PMC6011367"},
      {keywords, 4, "PMID", [](R r) { return r.ids.pmid; }, "29937971"},
      {keywords, 4, "Jun 01", [](R r) { return std::to_string(r.pub_date.month) + "/" + std::to_string(r.pub_date.day); }, "6/1"},
      {keywords, 4, "DOI", [](R r) { return r.ids.doi; }, "10.1089/acu.2018.1295"},
      // URLs without <style>.
      {nostyle, 4, "url without style", [](R r) { return extra(r, "urls/pdf-urls/url"); }, "file://localhost/Users/user/Documents/Bookends/Attachments/Ahmad%20et%20al%202015.pdf"},
      {nostyle2, 93, "url without style", [](R r) { return extra(r, "urls/related-urls/url"); }, "<Go to ISI>://000200148800014"},
  };
  for (const auto& c : cases) {
    INFO(c.file << " line " << c.line << ": " << c.what);
    const Record r = fixture_record(c.file, c.line);
    CHECK(c.get(r) == c.expected);
  }
}

TEST_CASE("endnote_xml: values and identifiers", "[endnote_xml]") {
  SECTION("&#xD; separates values") {
    const Record r = one("<titles><title>" + styled("T") + "</title></titles>"
                         "<electronic-resource-num>" + styled("10.1000/ONE&#xD;10.1000/two") +
                         "</electronic-resource-num>"
                         "<remote-database-name>" + styled("Embase&#xD;Medline") + "</remote-database-name>"
                         "<isbn>" + styled("1234-5678 (Print)&#xD;8765-4321 (Electronic)") + "</isbn>");
    CHECK(r.ids.doi == "10.1000/one");
    CHECK(extra(r, "electronic-resource-num") == "10.1000/two");
    CHECK(r.database == "Embase; Medline");
    CHECK(r.journal.issn_print == "1234-5678");
    CHECK(r.journal.issn_electronic == "8765-4321");
  }
  SECTION("PMID when the database is PubMed") {
    const Record r = one("<titles><title>T</title></titles><accession-num>12345678</accession-num>"
                         "<remote-database-provider>NLM</remote-database-provider>"
                         "<remote-database-name>PubMed</remote-database-name>");
    CHECK(r.ids.pmid == "12345678");
  }
  SECTION("a number without a PubMed database stays an accession number") {
    const Record r = one("<titles><title>T</title></titles><accession-num>12345678</accession-num>");
    CHECK(r.ids.pmid.empty());
    CHECK(extra(r, "accession-num") == "12345678");
  }
  SECTION("an Embase accession number") {
    const Record r = one("<titles><title>T</title></titles><accession-num>L2001234</accession-num>"
                         "<remote-database-name>Embase</remote-database-name>"
                         "<remote-database-provider>Ovid Technologies</remote-database-provider>");
    CHECK(r.key == "embase:L2001234");
    CHECK(r.database == "Embase; Ovid Technologies");
  }
  SECTION("the user's database name wins") {
    litrev::ReaderOptions options;
    options.database = "CINAHL";
    const ReadAll r = read_text(std::string(k_head) +
                                    record("<titles><title>T</title></titles>"
                                           "<remote-database-name>EBSCOhost</remote-database-name>") +
                                    k_tail,
                                options);
    CHECK(r.items.at(0).record.database == "CINAHL");
  }
  SECTION("authors: corporate with a trailing comma, initials, no comma") {
    const Record r = one("<contributors><authors><author>" + styled("World Health Organization,") +
                         "</author><author>" + styled("Smith, John A.") + "</author><author>" + styled("Jones AB") +
                         "</author></authors><secondary-authors><author>Editor, E.</author></secondary-authors>"
                         "</contributors><titles><title>T</title></titles>");
    CHECK(names(r) == "{World Health Organization}; Smith|John A.|JA; Jones||AB");
    CHECK(extra(r, "contributors/secondary-authors") == "Editor, E.");
  }
  SECTION("a Book Section's secondary title is the book") {
    const std::string text = std::string(k_head) +
                             "<record><ref-type name=\"Book Section\">5</ref-type><titles><title>Chapter</title>"
                             "<secondary-title>The Book</secondary-title></titles></record>" +
                             k_tail;
    const ReadAll r = read_text(text);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.book_title == "The Book");
    CHECK(r.items[0].record.journal.title.empty());
    CHECK(r.items[0].record.kind == "book-chapter");
  }
  SECTION("entities are not expanded, DTDs not read") {
    const std::string text =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<xml><records>" +
        record("<titles><title>A &xxe; B &amp; C</title></titles>") + k_tail;
    const ReadAll r = read_text(text);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "A &xxe; B & C");
  }
  SECTION("an NCT id in the abstract") {
    const Record r = one("<titles><title>T</title></titles><abstract>" + styled("Trial NCT01234567.") + "</abstract>");
    CHECK(r.registry_ids.at(0).id == "NCT01234567");
  }
}

TEST_CASE("endnote_xml: errors", "[endnote_xml]") {
  SECTION("a malformed record is reported, the next one is read") {
    const std::string text = std::string(k_head) + "\n" + record("<titles><title>Bad</titel></titles>") + "\n" +
                             record("<titles><title>Good</title></titles>") + "\n" + k_tail;
    const ReadAll r = read_text(text);
    REQUIRE(r.errors.size() == 1);
    CHECK_THAT(r.errors[0], Catch::Contains("malformed XML in the <record> started at line 2"));
    CHECK(r.error_lines[0] == 2);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Good");
    CHECK(r.items[0].line == 3);
  }
  SECTION("a record with no title and no identifier") {
    const ReadAll r = read_text(std::string(k_head) + record("<pages>1-2</pages>") + k_tail);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "record has no title and no identifier");
  }
  SECTION("a file that ends inside a record") {
    TempDir dir;
    const std::string path = dir / "cut.xml";
    litrev::test::write_text(path, std::string(k_head) + "\n" + record("<titles><title>One</title></titles>") +
                                       "\n<record><titles><title>Cut");
    auto reader = litrev::open_reader(path, Format::endnote_xml);
    ReadItem item;
    REQUIRE(reader->next(item));
    try {
      reader->next(item);
      FAIL("no error");
    } catch (const litrev::RecordError&) {
      FAIL("a RecordError: the file cannot be read further");
    } catch (const litrev::DataError& e) {
      CHECK(e.problem() == "file ends inside the <record> started at line 3");
      CHECK(e.line() == 3);
    }
  }
  SECTION("not EndNote XML") {
    TempDir dir;
    const std::string path = dir / "x.xml";
    litrev::test::write_text(path, "<?xml version=\"1.0\"?><PubmedArticleSet></PubmedArticleSet>");
    CHECK_THROWS_AS(litrev::open_reader(path, Format::endnote_xml), litrev::DataError);
  }
  SECTION("an empty library") {
    CHECK(read_text(std::string(k_head) + k_tail).items.empty());
    CHECK(read_text("<?xml version=\"1.0\"?>\n<xml>\n<records/>\n</xml>\n").items.empty());
  }
}

TEST_CASE("endnote_xml: encodings and .gz", "[endnote_xml]") {
  const std::string body = record("<titles><title>" + styled("Caf\xC3\xA9") + "</title></titles>");
  SECTION("BOM and CRLF") {
    const ReadAll r = read_text("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<xml>\r\n<records>\r\n" +
                                body + "\r\n</records></xml>\r\n");
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café");
    CHECK(r.items[0].line == 4);
  }
  SECTION("a Windows-1252 byte in a UTF-8 file") {
    const ReadAll r = read_text(std::string(k_head) + record("<titles><title>Caf\xE9 \xC3\xA9</title></titles>") +
                                k_tail);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café é");
  }
  SECTION("declared ISO-8859-1") {
    const ReadAll r = read_text("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><xml><records>" +
                                record("<titles><title>Caf\xE9</title></titles>") + k_tail);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café");
  }
  SECTION("UTF-16 is refused with a message") {
    TempDir dir;
    const std::string path = dir / "u16.xml";
    litrev::test::write_text(path, std::string("\xFF\xFE<\0x\0m\0l\0>\0", 12));
    CHECK_THROWS_WITH(litrev::open_reader(path, Format::endnote_xml), Catch::Contains("UTF-16"));
  }
  SECTION("gzip") {
    TempDir dir;
    const std::string path = dir / "in.xml.gz";
    const std::string text = std::string(k_head) + body + k_tail;
    gzFile gz = gzopen(path.c_str(), "wb");
    REQUIRE(gz != nullptr);
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    CHECK(litrev::sniff_format(path) == Format::endnote_xml);
    const ReadAll r = read_all(path);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].record.title == "Café");
  }
}

TEST_CASE("endnote_xml: a 50,000-record file on one line is read in one pass", "[endnote_xml][slow]") {
  // EndNote writes the whole library on one line; records cross read blocks.
  const std::string base = litrev::test::read_text(enx_fixture("jabref__EndnoteXmlImporterTest_EmptyKeywordStyle.xml"));
  std::string rec = base.substr(base.find("<record>"), base.find("</record>") + 9 - base.find("<record>"));
  std::string flat;
  for (char c : rec) {
    if (c != '\n') {
      flat += c;
    }
  }
  TempDir dir;
  const std::string path = dir / "big.xml";
  {
    std::ofstream out(path, std::ios::binary);
    out << k_head;
    for (int i = 0; i < 50000; ++i) {
      std::string r = flat;
      const std::string id = std::to_string(30000000 + i);
      std::size_t at = 0;
      while ((at = r.find("29937971", at)) != std::string::npos) {
        r.replace(at, 8, id);
        at += id.size();
      }
      out << r;
    }
    out << k_tail;
  }
  auto reader = litrev::open_reader(path, Format::endnote_xml);
  ReadItem item;
  std::size_t n = 0;
  std::size_t on_line_1 = 0;
  std::string last;
  while (reader->next(item)) {
    ++n;
    last = item.record.ids.pmid;
    on_line_1 += item.line == 1 ? 1 : 0;
  }
  CHECK(n == 50000);
  CHECK(on_line_1 == 50000);
  CHECK(last == "30049999");
}
