// Unit tests of the PubMed XML reader (lib/src/formats/pubmed_xml.cpp): the
// recorded EFetch fixtures field by field, inline markup and MathML
// flattening, every bad-input error (message and line), .gz input, memory
// input, DeleteCitation, streaming across read blocks, and that no DTD or
// external entity is ever read.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <litrev/error.hpp>
#include <litrev/pubmed_xml.hpp>
#include <litrev/record.hpp>

#include "testutil.hpp"

using litrev::DataError;
using litrev::PubmedItem;
using litrev::PubmedXmlReader;
using litrev::Record;
using litrev::test::TempDir;

namespace {

std::string pubmed_fixture(const std::string& name) {
  return litrev::test::fixture("pubmed/" + name);
}

std::vector<PubmedItem> read_items(PubmedXmlReader& reader) {
  std::vector<PubmedItem> items;
  PubmedItem item;
  while (reader.next(item)) {
    items.push_back(item);
  }
  return items;
}

std::vector<PubmedItem> read_file(const std::string& path) {
  PubmedXmlReader reader(path);
  return read_items(reader);
}

std::vector<Record> read_records(const std::string& path) {
  std::vector<Record> records;
  for (auto& item : read_file(path)) {
    REQUIRE(item.kind == PubmedItem::Kind::record);
    records.push_back(std::move(item.record));
  }
  return records;
}

Record fixture_record(const std::string& file, const std::string& pmid) {
  for (auto& r : read_records(pubmed_fixture(file))) {
    if (r.ids.pmid == pmid) {
      return r;
    }
  }
  FAIL("no PMID " << pmid << " in " << file);
  return {};
}

const char* const k_prolog =
    "<?xml version=\"1.0\" ?>\n"
    "<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" "
    "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n";

// A small valid PubmedArticle; `article_extra` goes inside <Article> after
// the title, `citation_extra` inside <MedlineCitation> after <Article>,
// `pubmed_data` is the PubmedData element.
std::string article(const std::string& pmid, const std::string& title = "A title.",
                    const std::string& article_extra = "", const std::string& citation_extra = "",
                    const std::string& pubmed_data = "") {
  return "<PubmedArticle><MedlineCitation Status=\"MEDLINE\" Owner=\"NLM\"><PMID Version=\"1\">" + pmid +
         "</PMID><Article PubModel=\"Print\"><Journal><JournalIssue><PubDate><Year>2020</Year></PubDate>"
         "</JournalIssue><Title>J</Title></Journal><ArticleTitle>" +
         title + "</ArticleTitle>" + article_extra +
         "<Language>eng</Language></Article><MedlineJournalInfo><MedlineTA>J</MedlineTA>"
         "</MedlineJournalInfo>" +
         citation_extra + "</MedlineCitation>" + pubmed_data + "</PubmedArticle>";
}

std::string document(const std::string& body) {
  return std::string(k_prolog) + "<PubmedArticleSet>\n" + body + "\n</PubmedArticleSet>\n";
}

Record parse_one(const std::string& element) {
  Record r;
  litrev::parse_pubmed_article(element, "inline", r);
  return r;
}

// Reads `text` from a file and returns the DataError it must raise.
DataError data_error_of(const std::string& text) {
  TempDir dir;
  const std::string path = dir / "bad.xml";
  litrev::test::write_text(path, text);
  try {
    PubmedXmlReader reader(path, "bad.xml");
    read_items(reader);
  } catch (const DataError& e) {
    return e;
  }
  FAIL("no DataError for:\n" << text);
  return DataError("", 0, "");
}

void gzip_file(const std::string& from, const std::string& to) {
  const std::string bytes = litrev::test::read_text(from);
  gzFile gz = gzopen(to.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

} // namespace

// ---------------------------------------------------------------------------
// Recorded fixtures

namespace {
struct FieldCase {
  const char* file;
  const char* pmid;
  const char* what;
  std::function<std::string(const Record&)> get;
  std::string expected;
};
} // namespace

TEST_CASE("pubmed_xml: fixture fields", "[pubmed_xml]") {
  using R = const Record&;
  const FieldCase cases[] = {
      // pubmed1: Year+Season, Month as a name, no abstract, KIE owner.
      {"efetch_biopython_pubmed1.xml", "12091962", "season", [](R r) { return r.pub_date.season; }, "Spring"},
      {"efetch_biopython_pubmed1.xml", "12091962", "year", [](R r) { return std::to_string(r.pub_date.year); }, "1990"},
      {"efetch_biopython_pubmed1.xml", "12091962", "month with a season", [](R r) { return std::to_string(r.pub_date.month); }, "0"},
      {"efetch_biopython_pubmed1.xml", "12091962", "no abstract", [](R r) { return std::to_string(r.abstract.size()); }, "0"},
      {"efetch_biopython_pubmed1.xml", "12091962", "pages", [](R r) { return r.pages; }, "113-25"},
      {"efetch_biopython_pubmed1.xml", "12091962", "keyword owner", [](R r) { return r.keywords.at(0).owner; }, "KIE"},
      {"efetch_biopython_pubmed1.xml", "12091962", "geographic MeSH", [](R r) { return r.mesh.back().descriptor + "/" + r.mesh.back().type; }, "United States/Geographic"},
      {"efetch_biopython_pubmed1.xml", "9997", "month name Sep", [](R r) { return std::to_string(r.pub_date.month); }, "9"},
      {"efetch_biopython_pubmed1.xml", "9997", "day", [](R r) { return std::to_string(r.pub_date.day); }, "28"},
      // pubmed2: char refs, &lt;, copyright, &amp; in a qualifier, statuses.
      {"efetch_biopython_pubmed2.xml", "11748933", "&#xe0; decoded", [](R r) { return r.authors.at(0).affiliations.at(0); }, "Dipartimento di Scienze Ambientali, Università degli Studi della Tuscia, 01100 Viterbo, Italy."},
      {"efetch_biopython_pubmed2.xml", "11748933", "&lt; stays <", [](R r) { return std::to_string(r.abstract.at(0).text.find("(P < 0.001)") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed2.xml", "11748933", "copyright", [](R r) { return r.copyright; }, "Copyright 2001 Elsevier Science."},
      {"efetch_biopython_pubmed2.xml", "11748933", "&amp; in a qualifier", [](R r) { return r.mesh.at(7).qualifiers.at(0).name; }, "anatomy & histology"},
      {"efetch_biopython_pubmed2.xml", "11748933", "major qualifier", [](R r) { return std::to_string(r.mesh.at(7).qualifiers.at(0).major); }, "1"},
      {"efetch_biopython_pubmed2.xml", "11700088", "status", [](R r) { return r.status; }, "PubMed-not-MEDLINE"},
      {"efetch_biopython_pubmed2.xml", "11748933", "status", [](R r) { return r.status; }, "MEDLINE"},
      // pubmed4: <i>, <sub>, <sup>; Label without NlmCategory; links; ids.
      {"efetch_biopython_pubmed4.xml", "27797938", "title with <i>", [](R r) { return r.title; }, "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer."},
      {"efetch_biopython_pubmed4.xml", "27797938", "label, no category", [](R r) { return r.abstract.at(0).label + "|" + r.abstract.at(0).category; }, "OBJECTIVE|"},
      {"efetch_biopython_pubmed4.xml", "27797938", "sub stays glued", [](R r) { return std::to_string(r.abstract.at(2).text.find("p trend") == std::string::npos && r.abstract.at(2).text.find("ptrend=0.048") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed4.xml", "27797938", "sup stays glued", [](R r) { return std::to_string(r.abstract.at(2).text.find("r2<0.25") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed4.xml", "27797938", "DOI from ArticleIdList", [](R r) { return r.ids.doi; }, "10.1136/gutjnl-2016-312510"},
      {"efetch_biopython_pubmed4.xml", "27797938", "PMC id", [](R r) { return r.ids.pmcid; }, "PMC5442267"},
      {"efetch_biopython_pubmed4.xml", "27797938", "other id", [](R r) { return r.ids.other.at(0).type + ":" + r.ids.other.at(0).value; }, "mid:NIHMS857349"},
      {"efetch_biopython_pubmed4.xml", "27797938", "no Cites links", [](R r) { return std::to_string(std::count_if(r.links.begin(), r.links.end(), [](auto& l) { return l.type == "Cites"; })); }, "0"},
      {"efetch_biopython_pubmed4.xml", "27797938", "CommentIn link", [](R r) { return r.links.at(0).type + " " + r.links.at(0).pmid; }, "CommentIn 27920200"},
      {"efetch_biopython_pubmed4.xml", "27797938", "NOTNLM keyword", [](R r) { return r.keywords.at(0).owner + " " + r.keywords.at(0).text; }, "NOTNLM PANCREATIC CANCER"},
      // title_with_html_tags: no spaces around the inline markup.
      {"efetch_biopython_title_with_html_tags.xml", "27797938", "the<i>TERT</i>gene", [](R r) { return r.title; }, "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer."},
      {"efetch_biopython_title_with_html_tags.xml", "27797938", "abstract boundary", [](R r) { return r.abstract.at(3).text; }, "Prediagnostic leucocyte telomere length and genetic variants at the TERT gene region were associated with risk of pancreatic cancer."},
      // pubmed5: <u>&lt;</u>, <sub>, Label and NlmCategory, In-Data-Review.
      {"efetch_biopython_pubmed5.xml", "28775130", "<u>&lt;</u>", [](R r) { return std::to_string(r.abstract.at(1).text.find("normal TSH (0.4-<4.5 mIU/L)") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed5.xml", "28775130", "OR<sub>Q3</sub>", [](R r) { return std::to_string(r.abstract.at(2).text.find("(ORQ3=4.15,") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed5.xml", "28775130", "label and category", [](R r) { return r.abstract.at(0).label + "|" + r.abstract.at(0).category; }, "OBJECTIVES|OBJECTIVE"},
      {"efetch_biopython_pubmed5.xml", "28775130", "status", [](R r) { return r.status; }, "In-Data-Review"},
      // pubmed6: MathML, sub/sup, Year-only date.
      {"efetch_biopython_pubmed6.xml", "30108519", "MathML V-dot O2max", [](R r) { return std::to_string(r.abstract.at(0).text.find("maximal oxygen uptake ( VO2max ) 67.6") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed6.xml", "30108519", "BL<sub>R</sub>Ts", [](R r) { return std::to_string(r.abstract.at(0).text.find("(BLRTs)") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed6.xml", "30108519", "no MathML markup left", [](R r) { return std::to_string(r.abstract.at(0).text.find("mml") == std::string::npos && r.abstract.at(0).text.find("<m") == std::string::npos); }, "1"},
      {"efetch_biopython_pubmed6.xml", "30108519", "Year only", [](R r) { return std::to_string(r.pub_date.year) + "/" + std::to_string(r.pub_date.month); }, "2018/0"},
      // pubmed7: ReferenceList, CollectiveName, ORCID URL, MathML prescripts.
      {"efetch_biopython_pubmed7.xml", "29963580", "mmultiscripts", [](R r) { return std::to_string(r.abstract.at(0).text.find("inhaled 3He/129Xe\u2009MRI") != std::string::npos); }, "1"},
      {"efetch_biopython_pubmed7.xml", "29963580", "CollectiveName", [](R r) { return r.authors.back().collective + "|" + r.authors.back().family; }, "Canadian Respiratory Research Network|"},
      {"efetch_biopython_pubmed7.xml", "29963580", "ORCID URL made bare", [](R r) { return r.authors.at(1).orcid; }, "0000-0002-4590-7461"},
      {"efetch_biopython_pubmed7.xml", "29963580", "DOI lower-cased", [](R r) { return r.ids.doi; }, "10.1117/1.jmi.5.2.026002"},
      {"efetch_biopython_pubmed7.xml", "29963580", "one abstract section", [](R r) { return std::to_string(r.abstract.size()); }, "1"},
      // 38011560 (ketamine): ELocationID doi and pii, ORCID, char refs.
      {"efetch_metapub_38011560.xml", "38011560", "title", [](R r) { return r.title.substr(0, 40); }, "Ketamine and the neurobiology of depress"},
      {"efetch_metapub_38011560.xml", "38011560", "pii", [](R r) { return r.ids.pii; }, "e2305772120"},
      {"efetch_metapub_38011560.xml", "38011560", "ORCID", [](R r) { return r.authors.at(0).orcid; }, "0000-0001-6952-1726"},
      {"efetch_metapub_38011560.xml", "38011560", "key", [](R r) { return r.key; }, "pmid:38011560"},
      // 35573891: UNASSIGNED, EqualContrib.
      {"efetch_metapub_35573891.xml", "35573891", "UNASSIGNED", [](R r) { return r.abstract.at(0).label + "|" + r.abstract.at(0).category; }, "AIM|UNASSIGNED"},
      {"efetch_metapub_35573891.xml", "35573891", "EqualContrib", [](R r) { return std::to_string(r.authors.at(0).equal_contrib) + std::to_string(r.authors.at(2).equal_contrib); }, "10"},
      {"efetch_metapub_35573891.xml", "35573891", "no references in abstract", [](R r) { return std::to_string(r.abstract.size()); }, "4"},
      // 31789841: Suffix, &#xe9;.
      {"efetch_metapub_31789841.xml", "31789841", "suffix", [](R r) { return r.authors.at(2).family + " " + r.authors.at(2).suffix; }, "Artino Jr"},
      // 36987902: VernacularTitle with U+00A0, two languages.
      {"efetch_metapub_36987902.xml", "36987902", "vernacular title keeps NBSP", [](R r) { return r.vernacular_title; }, "Pasienter over 75\u00a0år innlagt ved Brannskadeavdelinga, Haukeland universitetssjukehus 2000–19."},
      {"efetch_metapub_36987902.xml", "36987902", "languages", [](R r) { return r.languages.at(0) + "," + r.languages.at(1); }, "eng,nor"},
      {"efetch_metapub_36987902.xml", "36987902", "label without category", [](R r) { return r.abstract.at(0).label + "|" + r.abstract.at(0).category; }, "BACKGROUND|"},
      {"efetch_metapub_36987902.xml", "36987902", "ISSN electronic", [](R r) { return r.journal.issn_electronic + "|" + r.journal.issn_print; }, "0807-7096|"},
      // book chapter.
      {"efetch_metapub_book_20301577.xml", "20301577", "kind", [](R r) { return r.kind; }, "book-chapter"},
      {"efetch_metapub_book_20301577.xml", "20301577", "title", [](R r) { return r.title; }, "CACNA1C-Related Disorders"},
      {"efetch_metapub_book_20301577.xml", "20301577", "book title", [](R r) { return r.book_title; }, "GeneReviews®"},
      {"efetch_metapub_book_20301577.xml", "20301577", "publisher", [](R r) { return r.publisher; }, "University of Washington, Seattle"},
      {"efetch_metapub_book_20301577.xml", "20301577", "authors, not editors", [](R r) { return std::to_string(r.authors.size()) + " " + r.authors.at(0).family; }, "2 Napolitano"},
      {"efetch_metapub_book_20301577.xml", "20301577", "publication type", [](R r) { return r.publication_types.at(0).ui + " " + r.publication_types.at(0).name; }, "D016454 Review"},
      {"efetch_metapub_book_20301577.xml", "20301577", "bookaccession", [](R r) { return r.ids.other.at(0).type + ":" + r.ids.other.at(0).value; }, "bookaccession:NBK1403"},
      {"efetch_metapub_book_20301577.xml", "20301577", "structured abstract", [](R r) { return r.abstract.at(0).label; }, "CLINICAL CHARACTERISTICS"},
      {"efetch_metapub_book_20301577.xml", "20301577", "NLM keywords", [](R r) { return r.keywords.at(0).owner + " " + r.keywords.at(0).text; }, "NLM Timothy Syndrome"},
      {"efetch_metapub_book_20301577.xml", "20301577", "no status", [](R r) { return r.status; }, ""},
      // 23435529: RCT, CollectiveName among persons.
      {"efetch_metapub_23435529.xml", "23435529", "CollectiveName", [](R r) { return r.authors.back().collective; }, "TAX 325 Study Group"},
      {"efetch_metapub_23435529.xml", "23435529", "RCT", [](R r) { return std::to_string(std::any_of(r.publication_types.begin(), r.publication_types.end(), [](auto& p) { return p.name == "Randomized Controlled Trial"; })); }, "1"},
      {"efetch_metapub_23435529.xml", "23435529", "PURPOSE -> OBJECTIVE", [](R r) { return r.abstract.at(0).label + "|" + r.abstract.at(0).category; }, "PURPOSE|OBJECTIVE"},
      // 29768149: indentation around <sub>, &#946;, DataBankList.
      {"efetch_pubmedparser_29768149.xml", "29768149", "indented <sub>", [](R r) { return r.abstract.at(0).text; }, "In patients with mild asthma, as-needed use of an inhaled glucocorticoid plus a fast-acting β2-agonist may be an alternative to conventional treatment strategies."},
      {"efetch_pubmedparser_29768149.xml", "29768149", "databank", [](R r) { return r.registry_ids.at(0).registry + " " + r.registry_ids.at(0).id + " " + r.registry_ids.at(0).origin; }, "ClinicalTrials.gov NCT02149199 databank"},
      {"efetch_pubmedparser_29768149.xml", "29768149", "NCT in abstract not repeated", [](R r) { return std::to_string(r.registry_ids.size()); }, "1"},
      {"efetch_pubmedparser_29768149.xml", "29768149", "pages", [](R r) { return r.pages; }, "1865-1876"},
      {"efetch_pubmedparser_29768149.xml", "29768149", "&#956;", [](R r) { return std::to_string(r.abstract.at(1).text.find("200 μg of budesonide") != std::string::npos); }, "1"},
  };
  for (const auto& c : cases) {
    INFO(c.file << " PMID " << c.pmid << ": " << c.what);
    const Record r = fixture_record(c.file, c.pmid);
    CHECK(c.get(r) == c.expected);
  }
}

TEST_CASE("pubmed_xml: every fixture reads, with common fields", "[pubmed_xml]") {
  const char* const files[] = {
      "efetch_biopython_pubmed1.xml", "efetch_biopython_pubmed2.xml", "efetch_biopython_pubmed4.xml",
      "efetch_biopython_pubmed5.xml", "efetch_biopython_pubmed6.xml", "efetch_biopython_pubmed7.xml",
      "efetch_biopython_title_with_html_tags.xml", "efetch_metapub_23435529.xml",
      "efetch_metapub_31789841.xml", "efetch_metapub_35573891.xml", "efetch_metapub_36987902.xml",
      "efetch_metapub_38011560.xml", "efetch_metapub_book_20301577.xml", "efetch_pubmedparser_29768149.xml"};
  for (const char* file : files) {
    INFO(file);
    PubmedXmlReader reader(pubmed_fixture(file));
    const auto items = read_items(reader);
    REQUIRE(!items.empty());
    CHECK(reader.count() == items.size());
    CHECK(reader.bytes_read() == litrev::test::read_text(pubmed_fixture(file)).size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Record& r = items[i].record;
      CHECK(items[i].kind == PubmedItem::Kind::record);
      CHECK(r.source == "pubmed-xml");
      CHECK(r.key == "pmid:" + r.ids.pmid);
      CHECK(!r.title.empty());
      CHECK(r.pub_date.year >= 1976);
      CHECK(r.provenance.position == i);
      // Text is folded: no raw markup, no line breaks, no double spaces.
      for (const auto& s : r.abstract) {
        CHECK(s.text.find('\n') == std::string::npos);
        CHECK(s.text.find("  ") == std::string::npos);
        CHECK(s.text.find("<i>") == std::string::npos);
      }
      // Nothing from the reference lists leaks into the abstract.
      CHECK(r.abstract_plain().find("doi:") == std::string::npos);
    }
  }
}

TEST_CASE("pubmed_xml: item lines", "[pubmed_xml]") {
  const auto items = read_file(pubmed_fixture("efetch_biopython_pubmed1.xml"));
  REQUIRE(items.size() == 2);
  CHECK(items[0].line == 4); // single-line XML: both articles on line 4
  CHECK(items[1].line == 4);
  const auto pretty = read_file(pubmed_fixture("efetch_biopython_pubmed4.xml"));
  REQUIRE(pretty.size() == 1);
  CHECK(pretty[0].line == 4);
}

// ---------------------------------------------------------------------------
// Inline markup and MathML

TEST_CASE("pubmed_xml: inline markup flattening", "[pubmed_xml]") {
  struct Case {
    const char* title_xml;
    const char* expected;
  };
  const Case cases[] = {
      {"at the<i>TERT</i>gene", "at the TERT gene"},
      {"at the <i>TERT</i> gene", "at the TERT gene"},
      {"(<i>TERT</i>)", "(TERT)"},
      {"p<sub>trend</sub>=0.048", "ptrend=0.048"},
      {"OR<sub>Q3</sub>", "ORQ3"},
      {"r<sup>2</sup>", "r2"},
      {"BL<sub>R</sub>Ts", "BLRTs"},
      {"CO<sub>2</sub>levels", "CO2levels"},
      {"<i>I</i><sup>2</sup>=40%", "I2=40%"},
      {"<i>P</i><sub>trend</sub> <i>r</i>", "Ptrend r"},
      {"x<sup>2</sup><i>y</i>", "x2 y"},
      {"a<sub>1</sub> <sub>2</sub>b", "a1 2b"},
      {"<b>bold</b><i>italic</i>", "bold italic"},
      {"<i><b>A</b></i>B", "A B"},
      {"x<u>&lt;</u>5", "x<5"},
      {"&lt;b&gt; is text", "<b> is text"},
      {"caf<i>é</i>s", "caf é s"},
      {"\n  spaced \t out\r\n  text  ", "spaced out text"},
      {"no\u00a0break", "no\u00a0break"},
      {"fast-acting &#946;\n\t\t<sub>2</sub>-agonist", "fast-acting β2-agonist"},
      {"CO<sub>2</sub>\n\t\tlevels", "CO2 levels"},
      {"<![CDATA[a < b]]>", "a < b"},
      {"x<mml:math><mml:mi>y</mml:mi></mml:math>z", "x y z"},
      {"(<mml:math><mml:mi>y</mml:mi></mml:math>)", "(y)"},
      {"<mml:math>\n <mml:msub>\n  <mml:mi>V</mml:mi>\n  <mml:mn>2</mml:mn>\n </mml:msub>\n</mml:math>", "V2"},
      {"<mml:math><mml:mover><mml:mi>V</mml:mi><mml:mo>.</mml:mo></mml:mover><mml:mi>O</mml:mi></mml:math>", "VO"},
      {"<mml:math><mml:mover><mml:mi>x</mml:mi><mml:mo>+</mml:mo></mml:mover></mml:math>", "x+"},
      {"<mml:math><mml:mmultiscripts><mml:mi>He</mml:mi><mml:mprescripts/><mml:none/><mml:mn>3</mml:mn></mml:mmultiscripts></mml:math>", "3He"},
      {"<mml:math><mml:mfrac><mml:mi>a</mml:mi><mml:mi>b</mml:mi></mml:mfrac></mml:math>", "a/b"},
      {"<mml:math><mml:mfenced><mml:mi>a</mml:mi><mml:mi>b</mml:mi></mml:mfenced></mml:math>", "(a,b)"},
      {"<mml:math><mml:mfenced open=\"[\" close=\"]\" separators=\";\"><mml:mi>a</mml:mi><mml:mi>b</mml:mi><mml:mi>c</mml:mi></mml:mfenced></mml:math>", "[a;b;c]"},
      {"<mml:math><mml:mi>a</mml:mi><mml:mtext> </mml:mtext><mml:mi>b</mml:mi><mml:mspace/><mml:mi>c</mml:mi></mml:math>", "a b c"},
      {"<mml:math><mml:semantics><mml:mi>a</mml:mi><mml:annotation>LaTeX a</mml:annotation></mml:semantics></mml:math>", "a"},
  };
  for (const auto& c : cases) {
    INFO(c.title_xml);
    CHECK(parse_one(article("1", c.title_xml)).title == c.expected);
  }
}

// Folding white space must agree with a plain reference implementation for
// any mix of spaces, tabs, line breaks and text, at every alignment (the
// folding has a 16-bytes-at-a-time path).
TEST_CASE("pubmed_xml: white space folding, exhaustively varied", "[pubmed_xml]") {
  auto reference_fold = [](const std::string& s) {
    std::string out;
    bool pending = false;
    for (char c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pending = !out.empty();
      } else {
        if (pending) {
          out += ' ';
        }
        pending = false;
        out += c;
      }
    }
    return out;
  };
  const char* const pieces[] = {" ",      "  ", "\t", "\n",         "\r\n", "word", "x", "\u00e9",
                                "\u00a0", ".",  "abcdefghijklmnopqrstuvwxyz", "\U0001F600"};
  std::uint64_t state = 12345;
  for (int n = 0; n < 2000; ++n) {
    std::string title;
    const int count = n % 60;
    for (int k = 0; k < count; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      title += pieces[(state >> 33) % std::size(pieces)];
    }
    INFO("title: \"" << title << "\"");
    CHECK(parse_one(article("1", title)).title == reference_fold(title));
  }
}

TEST_CASE("pubmed_xml: deep markup is refused, not a crash", "[pubmed_xml]") {
  std::string title;
  for (int i = 0; i < 5000; ++i) {
    title += "<i>";
  }
  title += "x";
  for (int i = 0; i < 5000; ++i) {
    title += "</i>";
  }
  CHECK_THROWS_WITH(parse_one(article("1", title)), Catch::Contains("nested more than"));
}

// ---------------------------------------------------------------------------
// Fields from inline documents

TEST_CASE("pubmed_xml: fields the fixtures lack", "[pubmed_xml]") {
  SECTION("DOI falls back to ELocationID, lower-cased") {
    const Record r = parse_one(article("1", "T", "<ELocationID EIdType=\"pii\" ValidYN=\"Y\">S0-1</ELocationID>"
                                                  "<ELocationID EIdType=\"doi\" ValidYN=\"Y\">10.1000/ABC.Def</ELocationID>"));
    CHECK(r.ids.doi == "10.1000/abc.def");
    CHECK(r.ids.pii == "S0-1");
  }
  SECTION("ArticleIdList DOI wins over ELocationID") {
    const Record r = parse_one(article(
        "1", "T", "<ELocationID EIdType=\"doi\" ValidYN=\"Y\">10.1/eloc</ELocationID>", "",
        "<PubmedData><ArticleIdList><ArticleId IdType=\"pubmed\">1</ArticleId><ArticleId IdType=\"doi\">10.1/"
        "ArticleId</ArticleId><ArticleId IdType=\"pmc\">PMC7</ArticleId></ArticleIdList><ReferenceList><Reference>"
        "<Citation>Ref</Citation><ArticleIdList><ArticleId IdType=\"doi\">10.9/ref</ArticleId></ArticleIdList>"
        "</Reference></ReferenceList></PubmedData>"));
    CHECK(r.ids.doi == "10.1/articleid");
    CHECK(r.ids.pmcid == "PMC7");
    CHECK(r.ids.other.empty());
  }
  SECTION("MedlineDate keeps the text and its leading year") {
    std::string xml = article("1");
    xml.replace(xml.find("<Year>2020</Year>"), 17, "<MedlineDate>1998 Dec-1999 Jan</MedlineDate>");
    const Record r = parse_one(xml);
    CHECK(r.pub_date.text == "1998 Dec-1999 Jan");
    CHECK(r.pub_date.year == 1998);
    CHECK(r.pub_date.month == 0);
  }
  SECTION("numeric month, day, PMID version, StartPage-EndPage") {
    std::string xml = article("123", "T", "<Pagination><StartPage>5</StartPage><EndPage>9</EndPage></Pagination>");
    xml.replace(xml.find("<Year>2020</Year>"), 17, "<Year>2020</Year><Month>05</Month><Day>7</Day>");
    xml.replace(xml.find("Version=\"1\""), 11, "Version=\"2\"");
    const Record r = parse_one(xml);
    CHECK(r.pub_date.month == 5);
    CHECK(r.pub_date.day == 7);
    CHECK(r.ids.pmid_version == "2");
    CHECK(r.pages == "5-9");
  }
  SECTION("retraction: RetractionIn, publication type, history") {
    const Record by_link = parse_one(article(
        "1", "T", "", "<CommentsCorrectionsList><CommentsCorrections RefType=\"RetractionIn\"><RefSource>J 2021"
                      "</RefSource><PMID Version=\"1\">99</PMID></CommentsCorrections></CommentsCorrectionsList>"));
    CHECK(by_link.retracted);
    REQUIRE(by_link.links.size() == 1);
    CHECK(by_link.links[0].type == "RetractionIn");
    CHECK(by_link.links[0].ref_source == "J 2021");
    CHECK(by_link.links[0].pmid == "99");
    const Record by_type = parse_one(article(
        "1", "T", "<PublicationTypeList><PublicationType UI=\"D016441\">Retracted Publication</PublicationType>"
                  "</PublicationTypeList>"));
    CHECK(by_type.retracted);
    const Record by_history = parse_one(article(
        "1", "T", "", "", "<PubmedData><History><PubMedPubDate PubStatus=\"retracted\"><Year>2021</Year><Month>1"
                          "</Month><Day>1</Day></PubMedPubDate></History></PubmedData>"));
    CHECK(by_history.retracted);
    CHECK_FALSE(parse_one(article("1")).retracted);
  }
  SECTION("NCT ids in title and abstract") {
    const Record r = parse_one(article(
        "1", "Trial NCT01234567.", "<Abstract><AbstractText>Registered as NCT07654321 and NCT01234567."
                                   "</AbstractText></Abstract>"));
    REQUIRE(r.registry_ids.size() == 2);
    CHECK(r.registry_ids[0].id == "NCT01234567");
    CHECK(r.registry_ids[0].origin == "abstract");
    CHECK(r.registry_ids[1].id == "NCT07654321");
  }
  SECTION("OtherAbstract is not the abstract; invalid authors and editors are left out") {
    const Record r = parse_one(article(
        "1", "T",
        "<Abstract><AbstractText>Main.</AbstractText></Abstract><AuthorList><Author ValidYN=\"N\"><LastName>Wrong"
        "</LastName></Author><Author ValidYN=\"Y\"><LastName>Right</LastName><ForeName>A</ForeName><Initials>A"
        "</Initials><Identifier Source=\"ORCID\">http://orcid.org/0000000218250097</Identifier></Author>"
        "</AuthorList>",
        "<OtherAbstract Type=\"Publisher\" Language=\"spa\"><AbstractText>Otro.</AbstractText></OtherAbstract>"));
    CHECK(r.abstract_plain() == "Main.");
    REQUIRE(r.authors.size() == 1);
    CHECK(r.authors[0].family == "Right");
    CHECK(r.authors[0].orcid == "0000-0002-1825-0097");
  }
  SECTION("a whole book: BookTitle is the title") {
    const Record r = parse_one(
        "<PubmedBookArticle><BookDocument><PMID Version=\"1\">5</PMID><ArticleIdList><ArticleId IdType=\"bookaccession\">"
        "NBK1</ArticleId></ArticleIdList><Book><Publisher><PublisherName>P</PublisherName></Publisher><BookTitle "
        "book=\"b\">The <i>Book</i></BookTitle><PubDate><Year>2001</Year></PubDate><AuthorList Type=\"editors\"><Author>"
        "<LastName>Editor</LastName></Author></AuthorList></Book><Language>eng</Language><AuthorList Type=\"authors\">"
        "<Author><LastName>Writer</LastName></Author></AuthorList><PublicationType UI=\"D016454\">Review"
        "</PublicationType></BookDocument></PubmedBookArticle>");
    CHECK(r.kind == "book-chapter");
    CHECK(r.title == "The Book");
    CHECK(r.book_title == "The Book");
    CHECK(r.publisher == "P");
    REQUIRE(r.authors.size() == 1);
    CHECK(r.authors[0].family == "Writer");
    CHECK(r.pub_date.year == 2001);
    CHECK(r.key == "pmid:5");
  }
}

// ---------------------------------------------------------------------------
// Whole documents

TEST_CASE("pubmed_xml: DeleteCitation", "[pubmed_xml]") {
  TempDir dir;
  const std::string path = dir / "update.xml";
  litrev::test::write_text(path, document(article("10") + "\n<DeleteCitation>\n<PMID Version=\"1\">11</PMID>\n"
                                                            "<PMID Version=\"1\">12</PMID>\n</DeleteCitation>"));
  const auto items = read_file(path);
  REQUIRE(items.size() == 2);
  CHECK(items[0].kind == PubmedItem::Kind::record);
  CHECK(items[0].record.ids.pmid == "10");
  CHECK(items[1].kind == PubmedItem::Kind::deletion);
  CHECK(items[1].pmids == std::vector<std::string>{"11", "12"});
  CHECK(items[1].line == 5);
}

TEST_CASE("pubmed_xml: empty PubmedArticleSet", "[pubmed_xml]") {
  for (const char* text : {"<PubmedArticleSet></PubmedArticleSet>", "<PubmedArticleSet/>",
                           "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n<!-- end -->\n",
                           "\xEF\xBB\xBF<PubmedArticleSet></PubmedArticleSet>"}) {
    INFO(text);
    TempDir dir;
    litrev::test::write_text(dir / "e.xml", text);
    CHECK(read_file(dir / "e.xml").empty());
  }
}

TEST_CASE("pubmed_xml: gzip input gives the same records", "[pubmed_xml]") {
  TempDir dir;
  const std::string plain = pubmed_fixture("efetch_metapub_38011560.xml");
  const std::string gz = dir / "38011560.xml.gz";
  gzip_file(plain, gz);
  const auto a = read_records(plain);
  const auto b = read_records(gz);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    nlohmann::json ja = a[i];
    nlohmann::json jb = b[i];
    CHECK(ja.at("provenance").at("file") == plain);
    CHECK(jb.at("provenance").at("file") == gz);
    ja.erase("provenance");
    jb.erase("provenance");
    CHECK(ja == jb);
  }
  PubmedXmlReader reader(gz);
  read_items(reader);
  CHECK(reader.bytes_read() == litrev::test::read_text(plain).size());
}

TEST_CASE("pubmed_xml: memory input gives the same records", "[pubmed_xml]") {
  const std::string path = pubmed_fixture("efetch_biopython_pubmed2.xml");
  const std::string bytes = litrev::test::read_text(path);
  PubmedXmlReader from_memory = PubmedXmlReader::from_memory(bytes, "body");
  const auto items = read_items(from_memory);
  const auto expected = read_file(path);
  REQUIRE(items.size() == expected.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    nlohmann::json a = items[i].record;
    nlohmann::json b = expected[i].record;
    a.erase("provenance");
    b.erase("provenance");
    CHECK(a == b);
  }
}

TEST_CASE("pubmed_xml: streaming across read blocks", "[pubmed_xml]") {
  // More than a few MiB, articles cut at every possible place by the 1 MiB
  // blocks, one article larger than a block, and a comment between articles.
  TempDir dir;
  const std::string one = litrev::test::read_text(pubmed_fixture("efetch_pubmedparser_29768149.xml"));
  const std::size_t start = one.find("<PubmedArticle>");
  const std::size_t end = one.rfind("</PubmedArticleSet>");
  const std::string body = one.substr(start, end - start);
  std::string text = std::string(k_prolog) + "<PubmedArticleSet>\n";
  std::vector<std::uint64_t> lines;
  std::uint64_t line = 4;
  const std::string big = article("777", "Big", "<Abstract><AbstractText>" + std::string(3 << 20, 'x') +
                                                     "</AbstractText></Abstract>");
  for (int i = 0; i < 300; ++i) {
    lines.push_back(line);
    text += body;
    line += static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n'));
    if (i == 150) {
      text += "<!-- a comment\n between articles -->\n";
      line += 2;
      lines.push_back(line);
      text += big + "\n";
      line += 1;
    }
  }
  text += "</PubmedArticleSet>\n";
  const std::string path = dir / "many.xml";
  litrev::test::write_text(path, text);
  PubmedXmlReader reader(path);
  PubmedItem item;
  std::size_t n = 0;
  while (reader.next(item)) {
    REQUIRE(n < lines.size());
    CHECK(item.line == lines[n]);
    CHECK(item.record.ids.pmid == (n == 151 ? "777" : "29768149"));
    if (n == 151) {
      CHECK(item.record.abstract.at(0).text.size() == (3u << 20));
    }
    ++n;
  }
  CHECK(n == 301);
  CHECK(reader.bytes_read() == text.size());
}

TEST_CASE("pubmed_xml: no DTD, no external entity", "[pubmed_xml]") {
  // A DOCTYPE with an internal subset declaring an external entity; if it
  // were expanded, the title would hold /etc/passwd.
  const std::string text =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE PubmedArticleSet SYSTEM \"http://127.0.0.1:9/nothing.dtd\" [\n"
      "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
      "  <!ENTITY % remote SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n"
      "  <!-- a comment with ]> inside -->\n"
      "  <!ENTITY quoted \"]>\">\n"
      "  %remote;\n"
      "]>\n"
      "<PubmedArticleSet>\n" +
      article("1", "Title &xxe; end") + "\n</PubmedArticleSet>\n";
  TempDir dir;
  litrev::test::write_text(dir / "xxe.xml", text);
  const auto items = read_file(dir / "xxe.xml");
  REQUIRE(items.size() == 1);
  CHECK(items[0].line == 10);
  CHECK(items[0].record.title.find("root:") == std::string::npos);
  CHECK(items[0].record.title == "Title &xxe; end");
}

TEST_CASE("pubmed_xml: looks_like_pubmed_xml", "[pubmed_xml]") {
  CHECK(litrev::looks_like_pubmed_xml(litrev::test::read_text(pubmed_fixture("efetch_biopython_pubmed1.xml"))));
  CHECK(litrev::looks_like_pubmed_xml("<PubmedArticleSet>"));
  CHECK(litrev::looks_like_pubmed_xml("\xEF\xBB\xBF<?xml version=\"1.0\"?><!-- c --><PubmedArticleSet/>"));
  CHECK(litrev::looks_like_pubmed_xml("<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMed"));
  CHECK_FALSE(litrev::looks_like_pubmed_xml(""));
  CHECK_FALSE(litrev::looks_like_pubmed_xml("<!DOCTYPE html><html>"));
  CHECK_FALSE(litrev::looks_like_pubmed_xml("<eSearchResult>"));
  CHECK_FALSE(litrev::looks_like_pubmed_xml("{\"esearchresult\": {}}"));
  CHECK_FALSE(litrev::looks_like_pubmed_xml("PMID- 123\nTI  - x"));
  CHECK_FALSE(litrev::looks_like_pubmed_xml("<PubmedArticleSetX>"));
}

// ---------------------------------------------------------------------------
// Bad input: every error names the file, the line and the problem.

TEST_CASE("pubmed_xml: bad input errors", "[pubmed_xml]") {
  struct Case {
    const char* what;
    std::string text;
    unsigned long line;
    std::string message; // must appear in the problem
  };
  const std::string good = article("1");
  const Case cases[] = {
      {"empty file", "", 0, "empty file"},
      {"only white space", "  \n\n ", 0, "empty file"},
      {"HTML page", "<!DOCTYPE html>\n<html><head><title>Error</title></head></html>\n", 2,
       "not PubMed XML: the root element is <html>"},
      {"another E-utilities answer", "<?xml version=\"1.0\"?>\n<eSearchResult><Count>0</Count></eSearchResult>", 2,
       "not PubMed XML: the root element is <eSearchResult>"},
      {"JSON", "{\"esearchresult\": {\"count\": \"0\"}}\n", 1, "not PubMed XML: it starts with \"{\"esearchresult\""},
      {"plain text", "\nPMID- 12345\nTI  - A title\n", 2, "not PubMed XML: it starts with \"PMID- 12345\""},
      {"only a declaration", "<?xml version=\"1.0\"?>\n", 2, "not PubMed XML: no root element"},
      {"UTF-16", std::string("\xFF\xFE<\0P\0", 6), 1, "UTF-16"},
      {"Latin-1 declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<PubmedArticleSet/>", 1,
       "unsupported encoding \"ISO-8859-1\""},
      {"truncated inside an article", document(good).substr(0, document(good).size() - 80), 4,
       "file ends inside <PubmedArticle> started at line 4"},
      {"truncated after an article", std::string(k_prolog) + "<PubmedArticleSet>\n" + good + "\n\n", 6,
       "truncated: no closing </PubmedArticleSet>"},
      {"truncated in the DOCTYPE", "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY a \"b\">\n", 4,
       "file ends inside <!DOCTYPE> started at line 2"},
      {"truncated in a comment", "<PubmedArticleSet>\n<!-- never closed\n\n", 4,
       "file ends inside a comment started at line 2"},
      {"invalid UTF-8 in an article", document(good + "\n" + article("2", "bad \xC3\x28 byte")), 5,
       "invalid UTF-8 (byte 0xC3)"},
      {"invalid UTF-8 in a comment", "<PubmedArticleSet>\n<!-- \n\xFF -->\n</PubmedArticleSet>", 3,
       "invalid UTF-8 (byte 0xFF)"},
      {"overlong UTF-8", document(article("2", "\xC0\xAF")), 4, "invalid UTF-8 (byte 0xC0)"},
      {"surrogate in UTF-8", document(article("2", "\xED\xA0\x80")), 4, "invalid UTF-8 (byte 0xED)"},
      {"malformed XML", document(good + "\n<PubmedArticle>\n<MedlineCitation>\n<PMID Version=\"1\">2</PMID>\n"
                                        "<Article><ArticleTitle>x</Title></Article>\n</MedlineCitation>\n"
                                        "</PubmedArticle>"),
       8, "malformed XML in <PubmedArticle> started at line 5"},
      {"unclosed attribute", document("<PubmedArticle>\n<MedlineCitation Status=\"MEDLINE>\n</MedlineCitation>\n"
                                      "</PubmedArticle>"),
       5, "malformed XML in <PubmedArticle> started at line 4"},
      {"no PMID", document(good + "\n<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>"),
       5, "<PubmedArticle> at line 5 has no PMID"},
      {"empty PubmedArticle", document("<PubmedArticle/>"), 4, "<PubmedArticle> at line 4 has no PMID"},
      {"PMID not a number", document(article("12a")), 4, "has an invalid PMID \"12a\""},
      {"empty DeleteCitation", document(good + "\n<DeleteCitation>\n</DeleteCitation>"), 5,
       "<DeleteCitation> at line 5 lists no PMID"},
      {"unexpected element", document(good + "\n\n<PubmedArticleX><PMID>2</PMID></PubmedArticleX>"), 6,
       "unexpected element <PubmedArticleX> in <PubmedArticleSet>"},
      {"unexpected end tag", document(good + "\n</PubmedArticle>"), 5,
       "unexpected end tag </PubmedArticle> in <PubmedArticleSet>"},
      {"text between articles", document(good + "\nstray words\n" + good), 5,
       "unexpected text between articles: \"stray words\""},
      {"content after the set", document(good) + "<PubmedArticle/>\n", 6,
       "unexpected content after </PubmedArticleSet>"},
      {"NUL character reference", document(article("1", "a &#0; b")), 4, "invalid character reference \"&#0;\""},
      {"surrogate character reference", document(article("1", "a &#xD800; b")), 4,
       "invalid character reference \"&#xD800;\""},
      {"character reference above U+10FFFF", document(article("1", "\n&#99999999999999999999;")), 5,
       "invalid character reference \"&#9999"},
      {"NUL byte", document(good + "\n" + article("2", std::string("a\0b", 3))), 5, "NUL byte"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const DataError e = data_error_of(c.text);
    CHECK(e.file() == "bad.xml");
    CHECK(e.line() == c.line);
    CHECK_THAT(e.problem(), Catch::Contains(c.message));
    CHECK(e.exit_code() == litrev::k_exit_data);
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("bad.xml"));
  }
}

TEST_CASE("pubmed_xml: corrupt gzip", "[pubmed_xml]") {
  TempDir dir;
  const std::string gz = dir / "x.xml.gz";
  gzip_file(pubmed_fixture("efetch_metapub_38011560.xml"), gz);
  std::string bytes = litrev::test::read_text(gz);
  litrev::test::write_text(dir / "cut.xml.gz", bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_AS(read_file(dir / "cut.xml.gz"), DataError);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
  bytes[bytes.size() / 2 + 1] = static_cast<char>(bytes[bytes.size() / 2 + 1] ^ 0x55);
  litrev::test::write_text(dir / "flipped.xml.gz", bytes);
  CHECK_THROWS_AS(read_file(dir / "flipped.xml.gz"), DataError);
}

TEST_CASE("pubmed_xml: I/O errors", "[pubmed_xml]") {
  TempDir dir;
  CHECK_THROWS_MATCHES(PubmedXmlReader(dir.path().string(), "the-dir"), litrev::IoError,
                       Catch::Message("the-dir: is a directory"));
  const std::string missing = dir / "missing.xml";
  CHECK_THROWS_MATCHES(PubmedXmlReader(missing), litrev::IoError,
                       Catch::Message(missing + ": No such file or directory"));
}

TEST_CASE("pubmed_xml: a reader that threw stays failed", "[pubmed_xml]") {
  const std::string text = document(article("1") + "\n<Bad/>\n" + article("2"));
  PubmedXmlReader reader = PubmedXmlReader::from_memory(text, "mem");
  PubmedItem item;
  CHECK(reader.next(item));
  CHECK_THROWS_AS(reader.next(item), DataError);
  CHECK_THROWS_AS(reader.next(item), litrev::Error);
}

TEST_CASE("pubmed_xml: parse_pubmed_article errors name the origin", "[pubmed_xml]") {
  Record r;
  CHECK_THROWS_MATCHES(litrev::parse_pubmed_article("<PubmedArticle><MedlineCitation/></PubmedArticle>", "f.xml:12", r),
                       DataError, Catch::Message("f.xml:12: <PubmedArticle> has no PMID"));
  CHECK_THROWS_WITH(litrev::parse_pubmed_article("<PubmedArticle><a></b></PubmedArticle>", "f.xml:12", r),
                    Catch::StartsWith("f.xml:12: malformed XML"));
  CHECK_THROWS_WITH(litrev::parse_pubmed_article("<Other/>", "f.xml:12", r),
                    Catch::Contains("expected <PubmedArticle> or <PubmedBookArticle>"));
  CHECK_THROWS_WITH(litrev::parse_pubmed_article(article("1", "&#xFFFE;"), "f.xml:12", r),
                    Catch::Contains("invalid character reference"));
  CHECK_THROWS_WITH(litrev::parse_pubmed_article("\xFF", "f.xml:12", r), Catch::Contains("invalid UTF-8"));
  CHECK_THROWS_WITH(litrev::parse_pubmed_article("", "f.xml:12", r), Catch::Contains("no element"));
}

// ---------------------------------------------------------------------------
// <ReferenceList> elements are checked by the reader's own scanner and left
// out of the DOM; the result and every error must be as if pugixml had parsed
// them.

namespace {

const std::string k_ids = "<ArticleIdList><ArticleId IdType=\"pubmed\">1</ArticleId>"
                          "<ArticleId IdType=\"doi\">10.1/X</ArticleId></ArticleIdList>";

std::string json_of(const Record& r) {
  nlohmann::json j;
  to_json(j, r);
  return j.dump();
}

} // namespace

TEST_CASE("pubmed_xml: errors inside a ReferenceList keep their line", "[pubmed_xml]") {
  struct Case {
    const char* what;
    std::string bad;
    std::uint64_t line;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"mismatched tag", "<Reference><Citation>x</Title></Reference>", 9, "malformed XML"},
      {"stray <", "<Reference><Citation>a < b</Citation></Reference>", 9, "malformed XML"},
      {"bad character reference", "<Reference><Citation>a &#0; b</Citation></Reference>", 9,
       "invalid character reference"},
      {"unclosed comment", "<!-- never closed\n<Reference><Citation>x</Citation></Reference>", 0, "malformed XML"},
      {"unclosed CDATA", "<Reference><Citation><![CDATA[x</Citation></Reference>", 0, "malformed XML"},
      {"bad attribute", "<Reference><ArticleIdList><ArticleId IdType=pubmed>1</ArticleId></ArticleIdList></Reference>",
       9, "malformed XML"},
      {"unclosed element", "<Reference><Citation>x</Reference>", 9, "malformed XML"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto doc = [&](const std::string& list) {
      return document(article("1", "T.", "", "",
                              "\n<PubmedData>\n" + k_ids + "\n<" + list + ">\n<Reference><Citation>ok</Citation></Reference>\n" +
                                  c.bad + "\n</" + list + ">\n</PubmedData>\n"));
    };
    const DataError e = data_error_of(doc("ReferenceList"));
    // The same bytes in an element the reader does not cut: pugixml's verdict.
    const DataError uncut = data_error_of(doc("ReferenceLisX"));
    CHECK(e.line() == uncut.line());
    if (c.line > 0) {
      CHECK(e.line() == c.line);
    }
    CHECK_THAT(e.problem(), Catch::Contains(c.message));
    CHECK_THAT(e.problem(), Catch::Contains("started at line 4") || Catch::Contains("character reference"));
  }
  // Like pugixml everywhere else in a record, the scanner leaves unknown
  // entity references alone: a record with one parses as before.
  const std::string odd = "<Reference><Citation>a &foo; &amp; b &#x41;</Citation></Reference>";
  CHECK(parse_one(article("1", "T.", "", "", "<PubmedData>" + k_ids + "<ReferenceList>" + odd +
                                                 "</ReferenceList></PubmedData>"))
            .ids.pmid == "1");
}

TEST_CASE("pubmed_xml: several and nested ReferenceLists", "[pubmed_xml]") {
  const std::string refs =
      "<ReferenceList>\n<Title>References</Title>\n"
      "<Reference><Citation>A &amp; B. <i>J</i> 2001;1:2.</Citation>"
      "<ArticleIdList><ArticleId IdType=\"pubmed\">999</ArticleId><ArticleId IdType=\"doi\">10.9/other</ArticleId>"
      "</ArticleIdList></Reference>\n"
      "<ReferenceList><Title>Nested</Title><Reference><Citation>C</Citation></Reference>"
      "<ReferenceList><Reference><Citation a='1' b = \"2\">D<!-- x --></Citation></Reference></ReferenceList>"
      "</ReferenceList>\n"
      "</ReferenceList>\n<ReferenceList/>\n<ReferenceList >\t<Reference/></ReferenceList >";
  const std::string history = "<History><PubMedPubDate PubStatus=\"retracted\"><Year>2021</Year></PubMedPubDate></History>";
  const std::string plain = article("1", "T.", "", "", "<PubmedData>" + history + k_ids + "</PubmedData>");
  // Reference lists before, between and after the parts the reader reads.
  const std::string with_refs = article("1", "T.", "", "",
                                        "<PubmedData>\n" + refs + history + refs + k_ids + "\n" + refs +
                                            "</PubmedData>");
  const Record a = parse_one(plain);
  const Record b = parse_one(with_refs);
  CHECK(b.ids.doi == "10.1/x");
  CHECK(b.retracted);
  CHECK(json_of(a) == json_of(b));
  // In a reader, with an error after the lists: the line is exact.
  const std::string bad = article("2", "x</Title>");
  const DataError e = data_error_of(document(with_refs + "\n" + bad));
  CHECK(e.line() == 4 + static_cast<std::uint64_t>(std::count(with_refs.begin(), with_refs.end(), '\n')) + 1);

  // A book chapter: the list precedes text with inline markup, whose white
  // space is read back from the original bytes.
  auto book = [](const std::string& list) {
    return "<PubmedBookArticle><BookDocument><PMID Version=\"1\">5</PMID>" + list +
           "<ArticleTitle>x <sub>a</sub> <sub>b</sub> and <i>c</i> <b>d</b></ArticleTitle>" + list +
           "<Abstract><AbstractText>p<sup>1</sup> <sup>2</sup> q</AbstractText></Abstract>"
           "</BookDocument></PubmedBookArticle>";
  };
  const Record c = parse_one(book(""));
  const Record d = parse_one(book(refs));
  CHECK(c.title == "x a b and c d");
  CHECK(json_of(c) == json_of(d));
}

TEST_CASE("pubmed_xml: ReferenceList-like text in comments, CDATA and attributes", "[pubmed_xml]") {
  const std::string tricky =
      "<ReferenceList><!-- </ReferenceList> --><Reference><Citation><![CDATA[</ReferenceList><x>]]></Citation>"
      "</Reference><!-- <ReferenceList> --></ReferenceList>";
  const Record a = parse_one(article("1", "T.", "", "", "<PubmedData>" + k_ids + "</PubmedData>"));
  const Record b = parse_one(article("1", "T.", "", "", "<PubmedData>" + tricky + k_ids + tricky + "</PubmedData>"));
  CHECK(json_of(a) == json_of(b));
  // Not elements at all: the text stays text.
  const std::string fake = "<ReferenceList><Reference>r</Reference></ReferenceList>";
  const Record c = parse_one(article("1", "T <![CDATA[" + fake + "]]>.", "", "",
                                     "<PubmedData><!-- " + fake + " --><X a=\"" + fake + "\"/>" + k_ids + "</PubmedData>"));
  CHECK(c.title == "T " + fake + ".");
  CHECK(c.ids.doi == "10.1/x");
  // A list somewhere the reader reads text from is not left out.
  const Record d = parse_one(article("1", "T " + fake + "."));
  CHECK(d.title == "T r.");
  // A comment that hides the end of a list: the error is still found.
  CHECK_THROWS_WITH(parse_one(article("1", "T.", "", "",
                                      "<PubmedData>" + k_ids + "<ReferenceList><!-- </ReferenceList>"
                                                               "</PubmedData>")),
                    Catch::Contains("malformed XML"));
}
