// Unit tests of the MEDLINE/nbib reader (lib/src/formats/medline.cpp): every
// MEDLINE fixture with its record count (counted by reading the files), a
// golden subset field by field (PubMed nbib and .txt, Biopython's, JabRef's,
// ERIC's nbib; expected values read from the raw files), sniffing and
// near-misses, the format's edge cases (malformed tags, continuation lines,
// missing blank lines, BOM/CRLF/CR, cp1252, gzip, links, dates), errors, and
// a 50,000-record streaming read.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <litrev/error.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

#include "testutil.hpp"

using litrev::DataError;
using litrev::Format;
using litrev::ReadItem;
using litrev::Record;
using litrev::RecordError;
using litrev::test::TempDir;

namespace {

struct ReadResult {
  std::vector<Record> records;
  std::vector<std::uint64_t> record_lines;
  std::vector<std::pair<unsigned long, std::string>> errors;
  std::vector<std::string> notes;
};

ReadResult read_all(const std::string& path, const litrev::ReaderOptions& options = {}) {
  ReadResult out;
  auto reader = litrev::open_reader(path, Format::medline, options);
  ReadItem item;
  for (;;) {
    try {
      if (!reader->next(item)) {
        break;
      }
    } catch (const RecordError& e) {
      out.errors.emplace_back(e.line(), e.problem());
      continue;
    }
    out.records.push_back(item.record);
    out.record_lines.push_back(item.line);
  }
  out.notes = reader->notes();
  return out;
}

std::string fmt_fixture(const std::string& name) { return litrev::test::fixture("formats/" + name); }

ReadResult read_text(const std::string& text) {
  TempDir dir;
  const std::string path = dir / "in.nbib";
  litrev::test::write_text(path, text);
  return read_all(path);
}

std::string name_of(const litrev::Author& a) {
  if (!a.collective.empty()) {
    return "=" + a.collective;
  }
  return a.family + "|" + a.given + "|" + a.initials;
}

std::string extra(const Record& r, const std::string& tag, std::size_t nth = 0) {
  for (const auto& f : r.extra_fields) {
    if (f.tag == tag && nth-- == 0) {
      return f.value;
    }
  }
  return "<none>";
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

} // namespace

TEST_CASE("medline: every fixture is read with the expected record count") {
  struct Case {
    const char* file;
    std::size_t records;
    std::vector<std::uint64_t> lines;
  };
  const Case cases[] = {
      {"medline/biopython__pubmed_result1.txt", 1, {2}},
      {"medline/biopython__pubmed_result2.txt", 4, {2, 67, 127, 192}},
      {"medline/biopython__pubmed_result3.txt", 1, {2}},
      {"medline/colrev__eric_nbib.nbib", 1, {2}},
      {"medline/colrev__nbib_data.nbib", 1, {2}},
      // "SO  invalid line" is not a tag line; "SO- another" and "TI  -This" are.
      {"medline/jabref__MedlinePlainImporterStringOutOfBounds.txt", 2, {2, 6}},
      {"medline/jabref__MedlinePlainImporterTestCompleteEntry.txt", 1, {1}},
      {"medline/jabref__MedlinePlainImporterTestDOI.txt", 1, {1}},
      {"medline/jabref__MedlinePlainImporterTestInproceeding.txt", 1, {1}},
      // No PMID, no title, but a PMC id.
      {"medline/jabref__MedlinePlainImporterTestMultiAbstract.txt", 1, {1}},
      {"medline/jabref__MedlinePlainImporterTestMultiTitle.txt", 1, {1}},
      // Seven blank-line-separated records; the block "This line should be
      // omitted by the importer." holds no tag and is no record.
      {"medline/jabref__MedlinePlainImporterTestMultipleEntries.txt", 7, {1, 55, 77, 87, 91, 95, 99}},
      {"medline/jabref__NbibImporterTest.nbib", 1, {1}},
      {"medline/synthesisr__PubMed_example.txt", 3, {1, 92, 190}},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    const ReadResult got = read_all(fmt_fixture(c.file));
    CHECK(got.errors.empty());
    CHECK(got.records.size() == c.records);
    CHECK(got.record_lines == c.lines);
    for (const auto& r : got.records) {
      CHECK(r.source == "medline");
      CHECK(r.kind == "article");
    }
  }
  const ReadResult restoration = read_all(fmt_fixture("cross_db_restoration/revtools__restoration_pubmed.nbib"));
  CHECK(restoration.records.size() == 104);
  CHECK(restoration.errors.empty());
  for (const auto& r : restoration.records) {
    CHECK(!r.ids.pmid.empty());
    CHECK(r.key == "pmid:" + r.ids.pmid);
  }
}

TEST_CASE("medline: golden records") {
  struct Golden {
    const char* file;
    std::size_t index;
    const char* pmid;
    const char* title;
    std::vector<std::string> authors;
    std::size_t author_count;
    int year, month, day;
    const char* journal;
    const char* ta;
    const char* volume;
    const char* issue;
    const char* pages;
    const char* doi;
    const char* abstract_prefix;
    const char* abstract_suffix;
    const char* database;
  };
  const Golden cases[] = {
      // PubMed "Send to file" (.txt): IS (Electronic)/(Linking), two LID lines.
      {"medline/synthesisr__PubMed_example.txt", 0, "28441597",
       "Differences in nitrate and phosphorus export between wooded and grassed riparian zones from farmland to "
       "receiving waterways under varying rainfall conditions.",
       {"Neilen|Amanda D|AD", "Chen|Chengrong R|CR", "Parker|Brett M|BM", "Faggotter|Stephen J|SJ",
        "Burford|Michele A|MA"},
       5, 2017, 11, 15, "The Science of the total environment", "Sci Total Environ", "598", "", "188-197",
       "10.1016/j.scitotenv.2017.04.075",
       "Agricultural activities in catchments can cause excessive nutrient loads in waterways.",
       "the relative importance of which was driven by hydrological conditions.", "PubMed"},
      // Biopython: a leading blank line, DP "2002 Sep".
      {"medline/biopython__pubmed_result1.txt", 0, "12230038", "The Bio* toolkits--a brief overview.",
       {"Mangalam|Harry|H"}, 1, 2002, 9, 0, "Briefings in bioinformatics", "Brief Bioinform", "3", "3", "296-302",
       "", "Bioinformatics research is often difficult to do with commercial software.",
       "particularly from the point of view of the beginning biologist programmer.", "PubMed"},
      // Biopython: abbreviated PG "616-7", DP "2006 Mar 1", AU initials.
      {"medline/biopython__pubmed_result2.txt", 1, "16377612",
       "GenomeDiagram: a python package for the visualization of large-scale genomic data.",
       {"Pritchard|Leighton|L", "White|Jennifer A|JA", "Birch|Paul R J|PR", "Toth|Ian K|IK"}, 4, 2006, 3, 1,
       "Bioinformatics (Oxford, England)", "Bioinformatics", "22", "5", "616-7",
       "10.1093/bioinformatics/btk021", "SUMMARY: We present GenomeDiagram",
       "available at http://bioinf.scri.ac.uk/lp/programs.html.", "PubMed"},
      // JabRef's .nbib: many rare tags, CN group author, LID [doi].
      {"medline/jabref__NbibImporterTest.nbib", 0, "27169098", "Proteomics: A new perspective for cancer.",
       {"Shruthi|Basavaradhya Sahukar|BS", "Vinodhkumar|Palani|P", "Selvamani||", "=corporater"}, 4, 2016, 0, 0,
       "Advanced biomedical research", "Adv Biomed Res", "5", "", "67", "10.4103/2277-9175.180636",
       "some things will be described", "Copyright 2015 Tschechlov Press.", "PubMed"},
      {"medline/jabref__MedlinePlainImporterTestCompleteEntry.txt", 0, "20481061",
       "From danger and motherhood to health and beauty: health advice for the factory girl in early "
       "twentieth-century Britain.",
       {"Long|Vicky|V", "Marland|Hilary|H"}, 2, 2009, 0, 0, "20 century British history", "20 Century Br Hist", "20",
       "4", "454-81", "", "Lorem ipsum abstract", "Lorem ipsum abstract", "PubMed"},
      // ERIC nbib: no PMID, AID as a DOI URL, OID accession, LA "English".
      {"medline/colrev__eric_nbib.nbib", 0, "", "Paper title", {"Smith|Tom|T", "Hunter|Shawn|S"}, 2, 2000, 0, 0,
       "Journal Name", "", "10", "1", "1-9", "10.1000/123456789", "Abstract ...", "Abstract ...", "ERIC"},
  };
  for (const auto& g : cases) {
    INFO(g.file << " #" << g.index);
    const ReadResult got = read_all(fmt_fixture(g.file));
    REQUIRE(got.records.size() > g.index);
    const Record& r = got.records[g.index];
    CHECK(r.ids.pmid == g.pmid);
    CHECK(r.title == g.title);
    REQUIRE(r.authors.size() == g.author_count);
    for (std::size_t i = 0; i < g.authors.size(); ++i) {
      CHECK(name_of(r.authors[i]) == g.authors[i]);
    }
    CHECK(r.pub_date.year == g.year);
    CHECK(r.pub_date.month == g.month);
    CHECK(r.pub_date.day == g.day);
    CHECK(r.journal.title == g.journal);
    CHECK(r.journal.medline_ta == g.ta);
    CHECK(r.journal.iso_abbrev == g.ta);
    CHECK(r.volume == g.volume);
    CHECK(r.issue == g.issue);
    CHECK(r.pages == g.pages);
    CHECK(r.ids.doi == g.doi);
    CHECK(starts_with(r.abstract_text(), g.abstract_prefix));
    CHECK(ends_with(r.abstract_text(), g.abstract_suffix));
    CHECK(r.database == g.database);
  }
}

TEST_CASE("medline: field details") {
  SECTION("PubMed: ISSNs, ids, keywords, affiliations, copyright") {
    const Record r = read_all(fmt_fixture("medline/synthesisr__PubMed_example.txt")).records.at(0);
    CHECK(r.journal.issn_electronic == "1879-1026");
    CHECK(r.journal.issn_linking == "0048-9697");
    CHECK(r.journal.issn_print.empty());
    CHECK(r.journal.nlm_id == "0330500");
    CHECK(r.journal.country == "Netherlands");
    CHECK(r.ids.pii == "S0048-9697(17)30912-9");
    CHECK(r.status == "PubMed-not-MEDLINE");
    CHECK(r.copyright == "Copyright \xC2\xA9 2017 Elsevier B.V. All rights reserved.");
    CHECK(r.languages == std::vector<std::string>{"eng"});
    REQUIRE(r.publication_types.size() == 1);
    CHECK(r.publication_types[0].name == "Journal Article");
    REQUIRE(r.keywords.size() == 7);
    CHECK(r.keywords[0].text == "Buffer strips");
    CHECK(r.keywords[0].owner == "NOTNLM");
    CHECK(r.keywords[6].text == "Watershed");
    REQUIRE(r.authors[0].affiliations.size() == 1);
    CHECK(r.authors[0].affiliations[0] ==
          "Australian Rivers Institute, Griffith School of Environment, Griffith University, Kessels Rd, Nathan, "
          "Queensland, 4111, Australia. Electronic address: amanda.neilen@griffithuni.edu.au.");
    CHECK(r.key == "pmid:28441597");
    // Fields without a place stay raw, continuation lines joined.
    CHECK(extra(r, "SO") ==
          "Sci Total Environ. 2017 Nov 15;598:188-197. doi: 10.1016/j.scitotenv.2017.04.075. Epub 2017 Apr 22.");
    CHECK(extra(r, "PHST", 2) == "2017/04/09 00:00 [accepted]");
    CHECK(extra(r, "DEP") == "20170422");
  }
  SECTION("MeSH headings with qualifiers and major topics") {
    const Record r = read_all(fmt_fixture("medline/jabref__MedlinePlainImporterTestCompleteEntry.txt")).records.at(0);
    REQUIRE(r.mesh.size() == 10);
    CHECK(r.mesh[0].descriptor == "Attitude to Health");
    CHECK_FALSE(r.mesh[0].major);
    CHECK(r.mesh[1].descriptor == "Employment");
    REQUIRE(r.mesh[1].qualifiers.size() == 1);
    CHECK(r.mesh[1].qualifiers[0].name == "psychology");
    CHECK_FALSE(r.mesh[1].qualifiers[0].major);
    const auto& w = r.mesh[9];
    CHECK(w.descriptor == "Women, Working");
    REQUIRE(w.qualifiers.size() == 2);
    CHECK(w.qualifiers[0].name == "history");
    CHECK(w.qualifiers[0].major);
    CHECK(w.qualifiers[1].name == "psychology");
    CHECK_FALSE(w.qualifiers[1].major);
    CHECK(r.ids.pmcid == "PMC4513071");
    REQUIRE(r.ids.other.size() == 1);
    CHECK(r.ids.other[0].type == "mid");
    CHECK(r.ids.other[0].value == "EMS54115");
    CHECK(r.journal.issn_print == "0955-2359");
    CHECK(r.journal.issn_linking == "0955-2359");
    CHECK(extra(r, "GR", 1) == "076053/Wellcome Trust/United Kingdom");
    CHECK(extra(r, "OID", 0) == "NLM: EMS54115");
    const Record b = read_all(fmt_fixture("medline/biopython__pubmed_result1.txt")).records.at(0);
    REQUIRE(b.mesh.size() == 7);
    CHECK(b.mesh[0].descriptor == "Computational Biology");
    CHECK(b.mesh[0].major);
  }
  SECTION("JabRef nbib: CN, TT, keywords, pii") {
    const Record r = read_all(fmt_fixture("medline/jabref__NbibImporterTest.nbib")).records.at(0);
    CHECK(r.vernacular_title == "title that is transliterated");
    CHECK(r.ids.pii == "ABR-5-67");
    CHECK(r.journal.issn_electronic == "2277-9175");
    CHECK(r.keywords.size() == 5);
    REQUIRE(r.publication_types.size() == 2);
    CHECK(r.publication_types[1].name == "Review");
    CHECK(extra(r, "IR") == "one more investigator");
    CHECK(extra(r, "CTI") == "name of collection");
    CHECK(extra(r, "ISBN") == "ISBN 978-3-86680-192-9");
  }
  SECTION("ERIC: accession number, database") {
    const Record r = read_all(fmt_fixture("medline/colrev__eric_nbib.nbib")).records.at(0);
    REQUIRE(r.ids.other.size() == 1);
    CHECK(r.ids.other[0].type == "eric");
    CHECK(r.ids.other[0].value == "EJ1131633");
    CHECK(r.journal.issn_print == "1234-4567");
    CHECK(r.languages == std::vector<std::string>{"eng"});
    CHECK(r.keywords.size() == 2);
    CHECK(r.keywords[0].owner.empty());
    CHECK(extra(r, "LID") == "http://eric.ed.gov/?id=EJ1131633");
    CHECK(extra(r, "SO") == "v10 n1 p1-10 2000");
  }
  SECTION("JabRef: malformed lines, repeated TI, PMC without prefix") {
    const ReadResult odd = read_all(fmt_fixture("medline/jabref__MedlinePlainImporterStringOutOfBounds.txt"));
    REQUIRE(odd.records.size() == 2);
    CHECK(odd.records[0].title == "This is a test title");
    CHECK(odd.records[1].title == "This is also a test title");
    CHECK(extra(odd.records[1], "SO") == "another invalid line");
    REQUIRE(odd.notes.size() == 1);
    CHECK(odd.notes[0] == "1 line not in MEDLINE tag form was ignored");
    const Record t = read_all(fmt_fixture("medline/jabref__MedlinePlainImporterTestMultiTitle.txt")).records.at(0);
    CHECK(t.title == "This is a Testtitle This title should be appended: This title should also be appended. "
                     "Another append to the Title? LastTitle");
    CHECK(extra(t, "PMCR") == "20481061");
    const ReadResult multi = read_all(fmt_fixture("medline/jabref__MedlinePlainImporterTestMultipleEntries.txt"));
    const Record& m = multi.records.at(1);
    CHECK(m.ids.pmcid == "PMC22664230");
    CHECK(m.title.empty());
    CHECK(m.abstract_text() == "Old Abstract new abstract");
    CHECK(m.pub_date.year == 2013);
    CHECK(m.pub_date.month == 6);
    CHECK(m.pub_date.day == 10);
    REQUIRE(m.links.size() == 2);
    CHECK(m.links[0].type == "CommentOn");
    CHECK(m.links[0].ref_source == "First Comment");
    CHECK(m.links[1].type == "CommentIn");
    CHECK(extra(m, "FED", 1) == "Some test data");
    CHECK(multi.records.at(2).pub_date.month == 6); // "DP  - 2010   06"
    CHECK(multi.records.at(3).ids.doi == "10.1016/j.cpr.2005.02.002");
    CHECK(multi.records.at(4).journal.title == "Inproceedings book title");
  }
}

TEST_CASE("medline: sniffing") {
  const char* const files[] = {"medline/biopython__pubmed_result1.txt",
                               "medline/biopython__pubmed_result2.txt",
                               "medline/biopython__pubmed_result3.txt",
                               "medline/colrev__eric_nbib.nbib",
                               "medline/colrev__nbib_data.nbib",
                               "medline/jabref__MedlinePlainImporterStringOutOfBounds.txt",
                               "medline/jabref__MedlinePlainImporterTestCompleteEntry.txt",
                               "medline/jabref__MedlinePlainImporterTestDOI.txt",
                               "medline/jabref__MedlinePlainImporterTestInproceeding.txt",
                               "medline/jabref__MedlinePlainImporterTestMultiAbstract.txt",
                               "medline/jabref__MedlinePlainImporterTestMultiTitle.txt",
                               "medline/jabref__MedlinePlainImporterTestMultipleEntries.txt",
                               "medline/jabref__NbibImporterTest.nbib",
                               "medline/synthesisr__PubMed_example.txt",
                               "cross_db_restoration/revtools__restoration_pubmed.nbib"};
  for (const char* f : files) {
    INFO(f);
    CHECK(litrev::sniff_format(fmt_fixture(f)) == Format::medline);
  }
  SECTION("near misses are not MEDLINE") {
    for (const char* f : {"ris/colrev__psycinfo_ris.ris", "ris/colrev__ris_data.ris", "ris/rispy__example_basic.ris",
                          "wos/synthesisr__WoS_txt_example.txt", "endnote_tagged/jabref__Endnote.entries.enw"}) {
      INFO(f);
      CHECK(litrev::sniff_format_of(litrev::test::read_text(fmt_fixture(f))) != Format::medline);
    }
    // Two-letter tags only: could be RIS without TY as well.
    CHECK(litrev::sniff_format_of("TI  - A title\nAB  - Text\n") != Format::medline);
    CHECK(litrev::sniff_format_of("Hello\nPMID- 1\n") != Format::medline);
  }
  SECTION("a RIS file opened as MEDLINE is refused") {
    try {
      litrev::open_reader(fmt_fixture("ris/rispy__example_basic.ris"), Format::medline);
      FAIL("no error");
    } catch (const DataError& e) {
      CHECK(e.problem() == "not a MEDLINE file: it looks like a RIS file");
    }
  }
}

TEST_CASE("medline: edge cases") {
  SECTION("BOM, CRLF and bare CR; no blank line at the end") {
    for (const char* eol : {"\n", "\r\n", "\r"}) {
      std::string text = "\xEF\xBB\xBFPMID- 1";
      for (const char* line : {"TI  - First", "      title", "FAU - Smith, John", "AU  - Smith J", "", "PMID- 2",
                               "TI  - Second"}) {
        text += eol;
        text += line;
      }
      const ReadResult got = read_text(text);
      REQUIRE(got.records.size() == 2);
      CHECK(got.records[0].title == "First title");
      CHECK(name_of(got.records[0].authors.at(0)) == "Smith|John|J");
      CHECK(got.records[1].ids.pmid == "2");
      CHECK(got.records[1].title == "Second");
      CHECK(got.record_lines == std::vector<std::uint64_t>{1, 7});
    }
  }
  SECTION("a PMID line starts a record even without a blank line; malformed tags") {
    const ReadResult got = read_text("PMID-1\nTI  -One\nPMID- 2\nTI-Two\nPMC -123\n");
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[0].title == "One");
    CHECK(got.records[1].title == "Two");
    CHECK(got.records[1].ids.pmcid == "PMC123");
  }
  SECTION("cp1252 bytes") {
    const ReadResult got = read_text("PMID- 1\nTI  - Caf\xE9\n");
    CHECK(got.records.at(0).title == "Caf\xC3\xA9");
    CHECK(got.notes == std::vector<std::string>{"1 line was not valid UTF-8 and was read as Windows-1252"});
  }
  SECTION("DP shapes") {
    struct Case {
      const char* dp;
      int year, month, day;
      const char* season;
      const char* text;
    };
    const Case cases[] = {{"2017 Nov 15", 2017, 11, 15, "", ""},
                          {"2002 Sep", 2002, 9, 0, "", ""},
                          {"2006 Mar-Apr", 2006, 0, 0, "", "2006 Mar-Apr"},
                          {"1998 Dec-1999 Jan", 1998, 0, 0, "", "1998 Dec-1999 Jan"},
                          {"1999 Winter", 1999, 0, 0, "Winter", ""},
                          {"2000 Spring-Summer", 2000, 0, 0, "", "2000 Spring-Summer"},
                          {"2009", 2009, 0, 0, "", ""}};
    for (const auto& c : cases) {
      INFO(c.dp);
      const Record r = read_text(std::string("PMID- 1\nDP  - ") + c.dp + "\n").records.at(0);
      CHECK(r.pub_date.year == c.year);
      CHECK(r.pub_date.month == c.month);
      CHECK(r.pub_date.day == c.day);
      CHECK(r.pub_date.season == c.season);
      CHECK(r.pub_date.text == c.text);
    }
  }
  SECTION("links, retraction, registry ids, ORCIDs, several affiliations") {
    const Record r = read_text("PMID- 10\nTI  - T\nFAU - Doe, Jane\nAU  - Doe J\nAD  - Place one.\nAD  - Place two.\n"
                               "AUID- ORCID: 0000-0002-1825-0097\nFAU - Roe, Richard\nAU  - Roe R\n"
                               "CN  - The Study Group\nPT  - Journal Article\nPT  - Retracted Publication\n"
                               "SI  - ClinicalTrials.gov/NCT01234567\n"
                               "RIN - J Foo. 2020 Jan;1(1):1. PMID: 123456\nCIN - Bar. 2019;2:3.\n")
                         .records.at(0);
    REQUIRE(r.authors.size() == 3);
    CHECK(r.authors[0].affiliations == std::vector<std::string>{"Place one.", "Place two."});
    CHECK(r.authors[0].orcid == "0000-0002-1825-0097");
    CHECK(r.authors[1].orcid.empty());
    CHECK(r.authors[2].collective == "The Study Group");
    CHECK(r.retracted);
    REQUIRE(r.registry_ids.size() == 1);
    CHECK(r.registry_ids[0].registry == "ClinicalTrials.gov");
    CHECK(r.registry_ids[0].id == "NCT01234567");
    CHECK(r.registry_ids[0].origin == "databank");
    REQUIRE(r.links.size() == 2);
    CHECK(r.links[0].type == "RetractionIn");
    CHECK(r.links[0].ref_source == "J Foo. 2020 Jan;1(1):1.");
    CHECK(r.links[0].pmid == "123456");
    CHECK(r.links[1].type == "CommentIn");
    CHECK(r.links[1].pmid.empty());
  }
  SECTION("PubMed Bookshelf records") {
    const ReadResult got = read_text("PMID- 1\nBTI - The Book\nTI  - Chapter 1\nPB  - Press\nISBN- 978-0-00-000000-0\n\n"
                                     "PMID- 2\nBTI - Whole Book\n");
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[0].kind == "book-chapter");
    CHECK(got.records[0].book_title == "The Book");
    CHECK(got.records[0].title == "Chapter 1");
    CHECK(got.records[0].publisher == "Press");
    CHECK(extra(got.records[0], "ISBN") == "978-0-00-000000-0");
    CHECK(got.records[1].title == "Whole Book");
  }
  SECTION("junk between records is ignored and counted") {
    const ReadResult got = read_text("PMID- 1\nTI  - A\n\nSome note\n---\n\nPMID- 2\nTI  - B\n");
    CHECK(got.records.size() == 2);
    CHECK(got.notes == std::vector<std::string>{"2 lines not in MEDLINE tag form were ignored"});
  }
  SECTION("gzip input") {
    TempDir dir;
    const std::string path = dir / "pubmed.nbib.gz";
    const std::string text = litrev::test::read_text(fmt_fixture("medline/biopython__pubmed_result2.txt"));
    gzFile gz = gzopen(path.c_str(), "wb");
    REQUIRE(gz);
    REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
    gzclose(gz);
    CHECK(litrev::sniff_format(path) == Format::medline);
    const ReadResult got = read_all(path);
    REQUIRE(got.records.size() == 4);
    CHECK(got.records[3].ids.pmid == "14630660");
  }
  SECTION("the user's database wins") {
    litrev::ReaderOptions options;
    options.database = "MEDLINE";
    TempDir dir;
    const std::string path = dir / "x.nbib";
    litrev::test::write_text(path, "PMID- 1\nTI  - T\n");
    CHECK(read_all(path, options).records.at(0).database == "MEDLINE");
  }
}

TEST_CASE("medline: errors") {
  SECTION("empty files have no records") {
    CHECK(read_text("").records.empty());
    CHECK(read_text("\n \n").records.empty());
  }
  SECTION("a record without title or identifier") {
    const ReadResult got = read_text("PMID- 1\nTI  - A\n\nAU  - Smith J\nLA  - eng\n\nPMID- 3\n");
    REQUIRE(got.errors.size() == 1);
    CHECK(got.errors[0].first == 4);
    CHECK(got.errors[0].second == "record has no title and no identifier");
    CHECK(got.records.size() == 2);
  }
  SECTION("not MEDLINE") {
    TempDir dir;
    const std::string path = dir / "x.nbib";
    litrev::test::write_text(path, "just text\n");
    CHECK_THROWS_AS(litrev::open_reader(path, Format::medline), DataError);
  }
}

TEST_CASE("medline: a 50,000-record file is read in one pass") {
  std::string base = litrev::test::read_text(fmt_fixture("medline/biopython__pubmed_result1.txt"));
  const std::size_t pmid = base.find("PMID- 12230038");
  REQUIRE(pmid != std::string::npos);
  base = base.substr(pmid + 14);
  TempDir dir;
  const std::string path = dir / "big.nbib";
  {
    std::ofstream out(path, std::ios::binary);
    std::string chunk;
    for (int i = 0; i < 50000; ++i) {
      chunk += "PMID- " + std::to_string(1000000 + i) + base + "\n";
      if (chunk.size() > (1u << 20)) {
        out << chunk;
        chunk.clear();
      }
    }
    out << chunk;
  }
  auto reader = litrev::open_reader(path, Format::medline);
  ReadItem item;
  std::size_t n = 0;
  while (reader->next(item)) {
    if (n == 49999) {
      CHECK(item.record.ids.pmid == "1049999");
      CHECK(item.record.title == "The Bio* toolkits--a brief overview.");
    }
    ++n;
  }
  CHECK(n == 50000);
}
