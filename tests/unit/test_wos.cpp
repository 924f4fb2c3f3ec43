// Unit tests of the Web of Science plain-text reader (lib/src/formats/wos.cpp):
// every WoS fixture with its record count (counted by reading the files), a
// golden subset field by field (.ciw and .txt exports, rispy's and JabRef's
// ISI files; expected values read from the raw files), sniffing and
// near-misses, edge cases (header, EF, missing ER, 3-space continuation
// lines, BOM/CRLF/CR, cp1252, gzip, MEDLINE and Inspec records through WoS),
// errors, and a 50,000-record streaming read.
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
  auto reader = litrev::open_reader(path, Format::wos, options);
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
  const std::string path = dir / "in.ciw";
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

std::string other_id(const Record& r, const std::string& type) {
  for (const auto& o : r.ids.other) {
    if (o.type == type) {
      return o.value;
    }
  }
  return "";
}

std::vector<std::string> keyword_texts(const Record& r, const std::string& owner) {
  std::vector<std::string> out;
  for (const auto& k : r.keywords) {
    if (k.owner == owner) {
      out.push_back(k.text);
    }
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

} // namespace

TEST_CASE("wos: every fixture is read with the expected record count") {
  struct Case {
    const char* file;
    std::size_t records;
    std::vector<std::uint64_t> lines;
  };
  const Case cases[] = {
      {"wos/jabref__IsiImporterTest1.isi", 1, {4}},
      // "PT K", "TY CONF", empty "AU ": still three records.
      {"wos/jabref__IsiImporterTest2.isi", 3, {4, 27, 45}},
      {"wos/jabref__IsiImporterTestInspec.isi", 2, {3, 49}},
      {"wos/jabref__IsiImporterTestMedline.isi", 2, {3, 15}},
      {"wos/jabref__IsiImporterTestWOS.isi", 2, {3, 58}},
      {"wos/rispy__example_wos.ris", 2, {3, 112}},
      {"wos/synthesisr__WoS_ciw_example.ciw", 5, {3, 56, 93, 137, 184}},
      {"wos/synthesisr__WoS_txt_example.txt", 4, {3, 56, 93, 137}},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    const ReadResult got = read_all(fmt_fixture(c.file));
    CHECK(got.errors.empty());
    CHECK(got.records.size() == c.records);
    CHECK(got.record_lines == c.lines);
    for (const auto& r : got.records) {
      CHECK(r.source == "wos");
      CHECK(r.database == "Web of Science");
    }
  }
  const ReadResult restoration = read_all(fmt_fixture("cross_db_restoration/revtools__restoration_WoS.ciw"));
  CHECK(restoration.records.size() == 247);
  CHECK(restoration.errors.empty());
  for (const auto& r : restoration.records) {
    CHECK(starts_with(other_id(r, "wos"), "WOS:"));
  }
  // Four bytes, " ##\n": not a WoS file at all.
  try {
    litrev::open_reader(fmt_fixture("wos/jabref__IsiImporterTestEmpty.isi"), Format::wos);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.problem() == "not Web of Science plain text: it does not start with an 'FN' header or a 'PT' record");
  }
}

TEST_CASE("wos: golden records") {
  struct Golden {
    const char* file;
    std::size_t index;
    const char* title;
    std::vector<std::string> authors;
    std::size_t author_count;
    int year, month, day;
    const char* journal;
    const char* iso_abbrev;
    const char* volume;
    const char* issue;
    const char* pages;
    const char* doi;
    const char* pmid;
    const char* accession;
    const char* abstract_prefix;
    const char* abstract_suffix;
  };
  const Golden cases[] = {
      // .ciw (EndNote desktop export): AU full names, AR "UNSP ...", EI.
      {"wos/synthesisr__WoS_ciw_example.ciw", 0,
       "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China",
       {"Li|Wei|W", "Dou|Zhiguo|Z", "Cui|Lijuan|L"}, 10, 2020, 12, 16, "ECOSYSTEM HEALTH AND SUSTAINABILITY", "", "6",
       "1", "1722034", "10.1080/20964129.2020.1722034", "", "WOS:000514379300001",
       "Introduction: Wetland soil fauna support material cycling and",
       "developed a theoretical basis for restoring the lakeshore wetland ecosystem."},
      // Plain text with AU and AF, ID Keywords Plus, PM, CR list.
      {"wos/rispy__example_wos.ris", 0,
       "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of photosynthetic "
       "bacteria and its subunit (B820)",
       {"Parkes-Loach||PS", "Majeed||AP", "Law||CJ", "Loach||PA"}, 4, 2004, 6, 8, "BIOCHEMISTRY", "Biochemistry",
       "43", "22", "7003-7016", "10.1021/bi049798f", "15170338", "WOS:000221807500019",
       "Reconstitution experiments with a chemically synthesized core light-harvesting (LH1)",
       "contributes significantly to stabilizing the complex."},
      // Cross-database set: AF with periods, particles, DE and ID.
      {"cross_db_restoration/revtools__restoration_WoS.ciw", 0,
       "Do magnetic phosphorus adsorbents used for lake restoration impact on zooplankton community?",
       {"Alvarez-Manzaneda||I", "Guerreroc||F", "del Arco||I", "Funes||A", "Cruz-Pizarro||L", "de Vicente||I"}, 6,
       2019, 3, 15, "SCIENCE OF THE TOTAL ENVIRONMENT", "", "656", "", "598-607", "10.1016/j.scitotenv.2018.11.375",
       "30529964", "WOS:000455039600059", "Magnetic microparticles (MPs) have been recently proposed", nullptr},
      {"cross_db_restoration/revtools__restoration_WoS.ciw", 1, nullptr,
       {"Janssen|Philippe|P", "Piegay|Herve|H", "Pont|Bernard|B", "Evette|Andre|A"}, 4, 2019, 3, 15,
       "SCIENCE OF THE TOTAL ENVIRONMENT", "", "656", "", "1312-1325", "10.1016/j.scitotenv.2018.11.434", "30625660",
       "WOS:000455039600125", "Riparian habitats are transitional zones", nullptr},
      // Older "FN ISI Export Format": ISI: accession, PD "JUN 14".
      {"wos/jabref__IsiImporterTestWOS.isi", 0, "Optical and photoelectric spectroscopy of photorefractive Sn2P2S6 crystals",
       {"Gamernyk||RV", "Gnatenko||YP", "Bukivskij||PM", "Skubenko||PA", "Slivka||VY"}, 5, 2006, 6, 14,
       "JOURNAL OF PHYSICS-CONDENSED MATTER", "J. Phys.-Condes. Matter", "18", "23", "5323-5331", "", "",
       "WOS:000238592600006", "Lorem ipsum abstract", "Lorem ipsum abstract"},
      // MEDLINE records through WoS: UT MEDLINE: gives the PMID, PS pages,
      // authors ';'-separated on one AU line, PD "2006 May-Jun".
      {"wos/jabref__IsiImporterTestMedline.isi", 1,
       "Estrogen therapy selectively enhances prefrontal cognitive processes: a randomized, double-blind, "
       "placebo-controlled study with functional magnetic resonance imaging in perimenopausal and recently "
       "postmenopausal women.",
       {"Joffe|Hadine|H", "Hall|Janet E|JE", "Gruber|Staci|S", "Sarmiento|Ingrid A|IA", "Cohen|Lee S|LS",
        "Yurgelun-Todd|Deborah|D", "Martin|Kathryn A|KA"},
       7, 2006, 5, 0, "Menopause", "", "13", "3", "411-22", "", "16735938", "", nullptr, nullptr},
  };
  for (const auto& g : cases) {
    INFO(g.file << " #" << g.index);
    const ReadResult got = read_all(fmt_fixture(g.file));
    REQUIRE(got.records.size() > g.index);
    const Record& r = got.records[g.index];
    if (g.title) {
      CHECK(r.title == g.title);
    }
    REQUIRE(r.authors.size() == g.author_count);
    for (std::size_t i = 0; i < g.authors.size(); ++i) {
      CHECK(name_of(r.authors[i]) == g.authors[i]);
    }
    CHECK(r.pub_date.year == g.year);
    CHECK(r.pub_date.month == g.month);
    CHECK(r.pub_date.day == g.day);
    CHECK(r.journal.title == g.journal);
    CHECK(r.journal.iso_abbrev == g.iso_abbrev);
    CHECK(r.volume == g.volume);
    CHECK(r.issue == g.issue);
    CHECK(r.pages == g.pages);
    CHECK(r.ids.doi == g.doi);
    CHECK(r.ids.pmid == g.pmid);
    CHECK(other_id(r, "wos") == g.accession);
    if (g.abstract_prefix) {
      CHECK(starts_with(r.abstract_text(), g.abstract_prefix));
    }
    if (g.abstract_suffix) {
      CHECK(ends_with(r.abstract_text(), g.abstract_suffix));
    }
  }
}

TEST_CASE("wos: field details") {
  SECTION("keywords, types, ISSNs, ORCIDs, extras") {
    const Record r = read_all(fmt_fixture("wos/synthesisr__WoS_ciw_example.ciw")).records.at(0);
    CHECK(r.journal.issn_print == "2096-4129");
    CHECK(r.journal.issn_electronic == "2332-8878");
    CHECK(r.authors[0].orcid == "0000-0002-2133-9287");
    CHECK(r.authors[1].orcid == "0000-0001-8031-4330");
    CHECK(r.authors[2].orcid.empty());
    CHECK(extra(r, "OI") == "LI, WEI/0000-0002-2133-9287; Dou, Zhiguo/0000-0001-8031-4330");
    CHECK(extra(r, "TC") == "0");
    const Record w = read_all(fmt_fixture("wos/rispy__example_wos.ris")).records.at(0);
    const auto plus = keyword_texts(w, "KeywordsPlus");
    REQUIRE(plus.size() == 10);
    CHECK(plus.front() == "CHEMICALLY SYNTHESIZED POLYPEPTIDES");
    CHECK(plus.back() == "ANTENNA COMPLEX");
    CHECK(w.languages == std::vector<std::string>{"eng"});
    REQUIRE(w.publication_types.size() == 1);
    CHECK(w.publication_types[0].name == "Article");
    CHECK(w.publisher == "AMER CHEMICAL SOC");
    CHECK(w.journal.issn_print == "0006-2960");
    CHECK(w.key == "pmid:15170338");
    CHECK(extra(w, "J9") == "BIOCHEMISTRY-US");
    CHECK(extra(w, "PG") == "14");
    CHECK(extra(w, "DA") == "2019-03-18");
    // The cited references, one per line in the file, are one extra field.
    CHECK(starts_with(extra(w, "CR"), "ALLEN JP, 1986, P NATL ACAD SCI USA, V83, P8589, DOI 10.1073/pnas.83.22.8589; Arluison W, 2004, "));
    CHECK(extra(w, "CR", 1) == "<none>");
    const Record k = read_all(fmt_fixture("cross_db_restoration/revtools__restoration_WoS.ciw")).records.at(0);
    CHECK(keyword_texts(k, "") ==
          std::vector<std::string>{"Magnetic particles", "Toxicity", "Zooplankton", "Lake restoration"});
    CHECK(keyword_texts(k, "KeywordsPlus").size() == 10);
    CHECK(keyword_texts(k, "KeywordsPlus")[2] == "TROPHIC STATE INDEX");
  }
  SECTION("affiliations from C1 brackets") {
    const ReadResult got = read_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\n   Doe, A\nAF Smith, John\n   Doe, Ann\n"
        "TI A title\nC1 [Smith, John; Doe, Ann] Univ A, City, Country.\n   [Doe, Ann] Inst B, Town, Country.\n"
        "ER\n\nEF\n");
    const Record& r = got.records.at(0);
    CHECK(r.authors[0].affiliations == std::vector<std::string>{"Univ A, City, Country."});
    CHECK(r.authors[1].affiliations ==
          std::vector<std::string>{"Univ A, City, Country.", "Inst B, Town, Country."});
    CHECK(extra(r, "C1") == "<none>");
  }
  SECTION("Inspec and MEDLINE records exported through WoS") {
    const Record i = read_all(fmt_fixture("wos/jabref__IsiImporterTestInspec.isi")).records.at(0);
    CHECK(other_id(i, "inspec") == "INSPEC:9027814");
    CHECK(name_of(i.authors.at(0)) == "Degl'Innocenti||R");
    CHECK(i.journal.iso_abbrev == "Appl. Phys. Lett. (USA)");
    CHECK(i.publication_types.at(0).name == "Journal Paper");
    const Record m = read_all(fmt_fixture("wos/jabref__IsiImporterTestMedline.isi")).records.at(0);
    CHECK(m.ids.pmid == "16842170");
    CHECK(m.key == "pmid:16842170");
    CHECK(m.pub_date.year == 2006);
  }
  SECTION("PD shapes") {
    struct Case {
      const char* pd;
      int month, day;
      const char* season;
      const char* text;
    };
    const Case cases[] = {{"DEC 16 2006", 12, 16, "", ""}, {"NOV-DEC", 11, 0, "", "NOV-DEC"},
                          {"JUN 14", 6, 14, "", ""},       {"04 2006", 4, 0, "", ""},
                          {"SPR", 0, 0, "Spring", ""},     {"2006  ", 0, 0, "", ""}};
    for (const auto& c : cases) {
      INFO(c.pd);
      const Record r =
          read_text(std::string("FN x\nPT J\nTI T\nPD ") + c.pd + "\nPY 2006\nER\n").records.at(0);
      CHECK(r.pub_date.year == 2006);
      CHECK(r.pub_date.month == c.month);
      CHECK(r.pub_date.day == c.day);
      CHECK(r.pub_date.season == c.season);
      CHECK(r.pub_date.text == c.text);
    }
  }
}

TEST_CASE("wos: sniffing") {
  for (const char* f : {"wos/jabref__IsiImporterTest1.isi", "wos/jabref__IsiImporterTest2.isi",
                        "wos/jabref__IsiImporterTestInspec.isi", "wos/jabref__IsiImporterTestMedline.isi",
                        "wos/jabref__IsiImporterTestWOS.isi", "wos/rispy__example_wos.ris",
                        "wos/synthesisr__WoS_ciw_example.ciw", "wos/synthesisr__WoS_txt_example.txt",
                        "cross_db_restoration/revtools__restoration_WoS.ciw"}) {
    INFO(f);
    CHECK(litrev::sniff_format(fmt_fixture(f)) == Format::wos);
  }
  SECTION("near misses") {
    // WoS RIS is RIS; the near-empty ISI file is nothing.
    CHECK(litrev::sniff_format(fmt_fixture("ris/asysd__wos_test.ris")) == Format::ris);
    CHECK(litrev::sniff_format(fmt_fixture("cross_db_gambling/citesource__WoS_79.ris")) == Format::ris);
    CHECK_THROWS_AS(litrev::sniff_format(fmt_fixture("wos/jabref__IsiImporterTestEmpty.isi")), DataError);
    CHECK(litrev::sniff_format_of("PT J\nTY  - JOUR\nTI  - x\n") != Format::wos);
    CHECK(litrev::sniff_format_of("PT something long\nAU x\n") != Format::wos);
    // Without the FN header, PT plus WoS tags is enough.
    CHECK(litrev::sniff_format_of("PT J\nAU Smith, J\nTI A title\nER\n") == Format::wos);
  }
}

TEST_CASE("wos: edge cases") {
  SECTION("BOM, CRLF and bare CR; missing ER before EF and at the end") {
    for (const char* eol : {"\n", "\r\n", "\r"}) {
      std::string text = "\xEF\xBB\xBF" "FN Clarivate Analytics Web of Science";
      for (const char* line : {"VR 1.0", "PT J", "AU Smith, J", "TI First", "   part", "ER", "", "PT J",
                               "TI Second", "EF", "PT J", "TI Third"}) {
        text += eol;
        text += line;
      }
      const ReadResult got = read_text(text);
      REQUIRE(got.records.size() == 3);
      CHECK(got.records[0].title == "First part");
      CHECK(got.records[1].title == "Second");
      CHECK(got.records[2].title == "Third");
      CHECK(got.record_lines == std::vector<std::uint64_t>{3, 9, 12});
    }
  }
  SECTION("a PT without a preceding ER starts the next record") {
    const ReadResult got = read_text("FN x\nPT J\nTI One\nPT J\nTI Two\nER\nEF\n");
    REQUIRE(got.records.size() == 2);
    CHECK(got.records[1].title == "Two");
  }
  SECTION("header and EF only: no records, no error") {
    const ReadResult got = read_text("FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n");
    CHECK(got.records.empty());
    CHECK(got.errors.empty());
  }
  SECTION("cp1252 and junk lines") {
    const ReadResult got = read_text("FN x\nVR 1.0\n*** junk ***\nPT J\nTI Caf\xE9\nER\n");
    CHECK(got.records.at(0).title == "Caf\xC3\xA9");
    CHECK(got.notes == std::vector<std::string>{"1 line was not valid UTF-8 and was read as Windows-1252",
                                                "1 line without a tag or a continuation indent was ignored"});
  }
  SECTION("group authors come after the persons") {
    const Record r = read_text("FN x\nPT J\nAU Smith, J\nCA The Trial Group\nTI T\nER\n").records.at(0);
    REQUIRE(r.authors.size() == 2);
    CHECK(r.authors[1].collective == "The Trial Group");
  }
  SECTION("gzip input") {
    TempDir dir;
    const std::string path = dir / "savedrecs.txt.gz";
    const std::string text = litrev::test::read_text(fmt_fixture("wos/synthesisr__WoS_txt_example.txt"));
    gzFile gz = gzopen(path.c_str(), "wb");
    REQUIRE(gz);
    REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
    gzclose(gz);
    CHECK(litrev::sniff_format(path) == Format::wos);
    CHECK(read_all(path).records.size() == 4);
  }
  SECTION("a record without title or identifier") {
    const ReadResult got = read_text("FN x\nPT J\nAU Smith, J\nER\nPT J\nTI Kept\nER\n");
    REQUIRE(got.errors.size() == 1);
    CHECK(got.errors[0].first == 2);
    CHECK(got.errors[0].second == "record has no title and no identifier");
    CHECK(got.records.size() == 1);
  }
}

TEST_CASE("wos: a 50,000-record file is read in one pass") {
  const std::string text = litrev::test::read_text(fmt_fixture("wos/synthesisr__WoS_ciw_example.ciw"));
  const std::size_t start = text.find("PT J");
  const std::size_t end = text.find("\nER", start);
  REQUIRE(end != std::string::npos);
  std::string body = text.substr(start, end + 1 - start);
  const std::size_t ut = body.find("UT WOS:");
  REQUIRE(ut != std::string::npos);
  body.erase(ut, body.find('\n', ut) + 1 - ut);
  TempDir dir;
  const std::string path = dir / "big.txt";
  {
    std::ofstream out(path, std::ios::binary);
    std::string chunk = "FN Clarivate Analytics Web of Science\nVR 1.0\n";
    for (int i = 0; i < 50000; ++i) {
      chunk += body + "UT WOS:" + std::to_string(100000000 + i) + "\nER\n\n";
      if (chunk.size() > (1u << 20)) {
        out << chunk;
        chunk.clear();
      }
    }
    out << chunk << "EF\n";
  }
  auto reader = litrev::open_reader(path, Format::wos);
  ReadItem item;
  std::size_t n = 0;
  while (reader->next(item)) {
    if (n == 49999) {
      CHECK(other_id(item.record, "wos") == "WOS:100049999");
      CHECK(item.record.authors.size() == 10);
    }
    ++n;
  }
  CHECK(n == 50000);
}
