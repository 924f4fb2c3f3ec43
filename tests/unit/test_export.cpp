// Unit tests of the record writers (lib/src/export): round trips of real
// records -- every record of the shared fixtures of each producer and of the
// PubMed corpus, written as RIS, BibTeX and CSV and read back with litrev's
// own reader of that format -- compared field by field for the fields each
// format carries (one comparator per format, proved to catch a dropped
// field); the record key always; edge cases (LaTeX specials, CSV quoting,
// empty fields, group authors, non-ASCII names, long abstracts, records
// without any id); JSON Lines; format names; stream failures.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <litrev/error.hpp>
#include <litrev/export.hpp>
#include <litrev/formats.hpp>
#include <litrev/record.hpp>

#include "testutil.hpp"

using litrev::Author;
using litrev::ExportFormat;
using litrev::Format;
using litrev::ReadItem;
using litrev::Record;
using litrev::test::TempDir;

namespace {

// ---------------------------------------------------------------------------
// Reading and writing

std::vector<Record> read_records(const std::string& path, Format format) {
  std::vector<Record> out;
  auto reader = litrev::open_reader(path, format);
  ReadItem item;
  for (int guard = 0; guard < 1000000; ++guard) {
    try {
      if (!reader->next(item)) {
        break;
      }
    } catch (const litrev::RecordError&) {
      continue;
    }
    if (item.kind == ReadItem::Kind::record) {
      out.push_back(item.record);
    }
  }
  return out;
}

std::string write_records(const std::vector<Record>& records, ExportFormat format) {
  std::ostringstream out;
  auto writer = litrev::make_record_writer(format, out);
  for (const auto& r : records) {
    writer->write(r);
  }
  writer->finish();
  return out.str();
}

Format reader_of(ExportFormat f) {
  switch (f) {
  case ExportFormat::ris:
    return Format::ris;
  case ExportFormat::bibtex:
    return Format::bibtex;
  case ExportFormat::csv:
    return Format::csv;
  case ExportFormat::json:
    break;
  }
  throw std::logic_error("no reader for JSON Lines");
}

// Writes `records` as `format` and reads the file back with litrev's reader
// of that format (the format also recognised by content).
std::vector<Record> round_trip(const std::vector<Record>& records, ExportFormat format) {
  TempDir dir;
  const std::string path = dir / "export.out";
  litrev::test::write_text(path, write_records(records, format));
  REQUIRE(litrev::sniff_format(path) == reader_of(format));
  return read_records(path, reader_of(format));
}

Record round_trip_one(const Record& r, ExportFormat format) {
  const auto back = round_trip({r}, format);
  REQUIRE(back.size() == 1);
  return back[0];
}

// ---------------------------------------------------------------------------
// Comparators: one per format, listing exactly the fields it carries.

std::string show(const std::string& s) { return "\"" + s + "\""; }
std::string show(int v) { return std::to_string(v); }
std::string show(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) {
    out += (out.size() > 1 ? ", " : "") + show(s);
  }
  return out + "]";
}

struct Diffs {
  std::vector<std::string> lines;
  template <typename T>
  void eq(const std::string& what, const T& want, const T& got) {
    if (!(want == got)) {
      lines.push_back(what + ": " + show(want) + " came back as " + show(got));
    }
  }
};

std::vector<std::string> other_ids(const Record& r) {
  std::vector<std::string> out;
  for (const auto& o : r.ids.other) {
    out.push_back(o.type + ":" + o.value);
  }
  return out;
}

std::vector<std::string> keyword_texts(const Record& r, bool with_major) {
  std::vector<std::string> out;
  for (const auto& k : r.keywords) {
    out.push_back(with_major && k.major ? "*" + k.text : k.text);
  }
  return out;
}

std::vector<std::string> type_names(const Record& r) {
  std::vector<std::string> out;
  for (const auto& p : r.publication_types) {
    out.push_back(p.name);
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

// A given name made of initials only ("J.A.", "T C", "AS"): RIS reads it as
// initials (names.cpp is_initials_token).
bool initials_like(const std::string& given) {
  std::size_t letters = 0;
  for (char c : given) {
    if (c == ' ') {
      if (letters > 4) {
        return false;
      }
      letters = 0;
    } else if (c >= 'A' && c <= 'Z') {
      ++letters;
    } else if (c != '.' && c != '-') {
      return false;
    }
  }
  return !given.empty() && letters <= 4;
}

// How a format carries given names and initials: it has one place for the
// two, the given name, from which the reader works out the initials.
enum class Names {
  ris,    // a given name of initials comes back as initials, no given name
  bibtex, // initials without a given name come back as the given name ("J. A.")
  csv,    // as BibTeX; and a given name holding a comma cannot be written
};

// What every format carries: the key and what feeds it, title, authors,
// year, journal, volume, issue, pages, abstract text, publisher, ISSNs.
void common_fields(const Record& a, const Record& b, Diffs& d, Names names) {
  d.eq("key", a.key, b.key);
  d.eq("ids.pmid", a.ids.pmid, b.ids.pmid);
  d.eq("ids.doi", lower(a.ids.doi), b.ids.doi);
  d.eq("ids.pmcid", a.ids.pmcid, b.ids.pmcid);
  d.eq("ids.nct", a.ids.nct, b.ids.nct);
  d.eq("ids.pii", a.ids.pii, b.ids.pii);
  d.eq("ids.other", other_ids(a), other_ids(b));
  d.eq("title", a.title, b.title);
  d.eq("authors.size", static_cast<int>(a.authors.size()), static_cast<int>(b.authors.size()));
  for (std::size_t i = 0; i < a.authors.size() && i < b.authors.size(); ++i) {
    const Author& x = a.authors[i];
    const Author& y = b.authors[i];
    const std::string n = "authors[" + std::to_string(i) + "].";
    d.eq(n + "family", x.family, y.family);
    d.eq(n + "collective", x.collective, y.collective);
    if (names == Names::csv && x.given.find(',') != std::string::npos) {
      continue;
    }
    d.eq(n + "suffix", x.suffix, y.suffix);
    // Initials of their own survive only where there is no given name
    // they would be worked out from.
    if (x.given.empty() || initials_like(x.given)) {
      d.eq(n + "initials", x.initials, y.initials);
    }
    const bool given_carried = names == Names::ris ? !initials_like(x.given) : !x.given.empty();
    if (given_carried) {
      d.eq(n + "given", x.given, y.given);
    }
  }
  d.eq("pub_date.year", a.pub_date.year, b.pub_date.year);
  d.eq("journal.title", a.journal.title, b.journal.title);
  d.eq("journal.iso_abbrev", a.journal.iso_abbrev, b.journal.iso_abbrev);
  d.eq("volume", a.volume, b.volume);
  d.eq("issue", a.issue, b.issue);
  d.eq("pages", a.pages, b.pages);
  d.eq("abstract", a.abstract_text(), b.abstract_text());
  d.eq("publisher", a.publisher, b.publisher);
  d.eq("journal.issn_print", a.journal.issn_print, b.journal.issn_print);
  d.eq("journal.issn_electronic", a.journal.issn_electronic, b.journal.issn_electronic);
}

// A language as RIS reads it: the RIS reader turns language names into ISO
// 639-2 codes ("English" -> "eng"), which is the same language.
bool same_language(const std::string& want, const std::string& got) {
  if (want == got) {
    return true;
  }
  const bool code = got.size() == 3 && std::all_of(got.begin(), got.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return code && want.size() > 3 && lower(want).compare(0, 1, got, 0, 1) == 0;
}

// Keywords as BibTeX and CSV carry them: one list in one field, split on
// ';', so a keyword holding a ';' comes back as its parts.
std::vector<std::string> listed_keywords(const Record& r) {
  std::vector<std::string> out;
  for (const auto& k : r.keywords) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t semi = k.text.find(';', start);
      std::string part = k.text.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) {
        out.push_back(part);
      }
      if (semi == std::string::npos) {
        break;
      }
      start = semi + 1;
    }
  }
  return out;
}

// A free-text date is carried when it holds the year ("2006 Mar-Apr"), not
// when it is a part of the date that only makes sense next to the year
// (WoS "JAN-FEB").
bool date_text_carried(const litrev::PubDate& d) {
  return !d.text.empty() && d.text.find(std::to_string(d.year)) != std::string::npos;
}

// The kinds RIS and BibTeX tell apart; a registration has no type of its
// own in either and comes back as an article.
std::string carried_kind(const std::string& kind) { return kind == "book-chapter" ? kind : "article"; }

std::vector<std::string> diff_ris(const Record& a, const Record& b) {
  Diffs d;
  common_fields(a, b, d, Names::ris);
  d.eq("kind", carried_kind(a.kind), b.kind);
  if (date_text_carried(a.pub_date)) {
    // Month and day are then what RIS reads from the text.
    d.eq("pub_date.text", a.pub_date.text, b.pub_date.text);
  } else {
    d.eq("pub_date.text", std::string(), b.pub_date.text);
    d.eq("pub_date.month", a.pub_date.month, b.pub_date.month);
    d.eq("pub_date.day", a.pub_date.month != 0 ? a.pub_date.day : 0, b.pub_date.day);
    d.eq("pub_date.season", a.pub_date.month != 0 ? std::string() : a.pub_date.season, b.pub_date.season);
  }
  d.eq("journal.medline_ta", a.journal.medline_ta, b.journal.medline_ta);
  d.eq("journal.issn_linking", a.journal.issn_linking, b.journal.issn_linking);
  if (a.kind == "book-chapter") {
    d.eq("book_title", a.book_title, b.book_title);
  }
  d.eq("keywords", keyword_texts(a, true), keyword_texts(b, true));
  d.eq("publication_types", type_names(a), type_names(b));
  d.eq("database", a.database, b.database);
  d.eq("languages.size", static_cast<int>(a.languages.size()), static_cast<int>(b.languages.size()));
  for (std::size_t i = 0; i < a.languages.size() && i < b.languages.size(); ++i) {
    if (!same_language(a.languages[i], b.languages[i])) {
      d.lines.push_back("languages[" + std::to_string(i) + "]: " + show(a.languages[i]) + " came back as " +
                        show(b.languages[i]));
    }
  }
  return d.lines;
}

std::vector<std::string> diff_bibtex(const Record& a, const Record& b) {
  Diffs d;
  common_fields(a, b, d, Names::bibtex);
  d.eq("kind", carried_kind(a.kind), b.kind);
  d.eq("pub_date.text", date_text_carried(a.pub_date) ? a.pub_date.text : std::string(), b.pub_date.text);
  d.eq("pub_date.month", a.pub_date.month, b.pub_date.month);
  d.eq("pub_date.day", a.pub_date.month != 0 ? a.pub_date.day : 0, b.pub_date.day);
  // BibTeX's reader names the season after autumn's British name.
  const std::string season = a.pub_date.season == "Fall" ? "Autumn" : a.pub_date.season;
  d.eq("pub_date.season", a.pub_date.month != 0 ? std::string() : season, b.pub_date.season);
  if (a.kind == "book-chapter") {
    d.eq("book_title", a.book_title, b.book_title);
  }
  d.eq("keywords", listed_keywords(a), keyword_texts(b, false));
  d.eq("languages", a.languages, b.languages);
  return d.lines;
}

std::vector<std::string> diff_csv(const Record& a, const Record& b) {
  Diffs d;
  common_fields(a, b, d, Names::csv);
  d.eq("pub_date.month", a.pub_date.month, b.pub_date.month);
  d.eq("pub_date.day", a.pub_date.month != 0 ? a.pub_date.day : 0, b.pub_date.day);
  d.eq("keywords", listed_keywords(a), keyword_texts(b, false));
  d.eq("languages", a.languages, b.languages);
  d.eq("database", a.database, b.database);
  return d.lines;
}

std::vector<std::string> diff_for(ExportFormat f, const Record& a, const Record& b) {
  switch (f) {
  case ExportFormat::ris:
    return diff_ris(a, b);
  case ExportFormat::bibtex:
    return diff_bibtex(a, b);
  case ExportFormat::csv:
    return diff_csv(a, b);
  case ExportFormat::json:
    break;
  }
  return {};
}

// ---------------------------------------------------------------------------
// The real records: every file of the shared format fixtures and the PubMed
// corpus that litrev reads.

struct SourceFile {
  std::string path;
  Format format;
};

const std::vector<SourceFile>& source_files() {
  static const std::vector<SourceFile> files = [] {
    std::vector<SourceFile> out;
    std::vector<std::string> paths;
    for (const char* dir : {"formats/ris", "formats/bibtex", "formats/csv", "formats/medline", "formats/wos",
                            "formats/endnote_xml", "formats/cross_db_gambling", "formats/cross_db_restoration"}) {
      for (const auto& e : std::filesystem::directory_iterator(litrev::test::fixture(dir))) {
        paths.push_back(e.path().string());
      }
    }
    for (const auto& e : std::filesystem::directory_iterator(litrev::test::corpus("pubmed-efetch"))) {
      if (e.path().extension() == ".xml") {
        paths.push_back(e.path().string());
      }
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      try {
        out.push_back({p, litrev::sniff_format(p)});
      } catch (const litrev::Error&) {
        // Not a file litrev reads (an empty file, a near miss kept as a
        // negative fixture): nothing to round-trip.
      }
    }
    return out;
  }();
  return files;
}

struct Tally {
  std::size_t files = 0;
  std::size_t records = 0;
  std::vector<std::string> failures;
};

Tally round_trip_fixtures(ExportFormat format) {
  Tally t;
  for (const auto& f : source_files()) {
    std::vector<Record> records;
    try {
      records = read_records(f.path, f.format);
    } catch (const litrev::Error&) {
      continue; // a file whose reading stops (a negative fixture)
    }
    if (records.empty()) {
      continue;
    }
    ++t.files;
    const auto back = round_trip(records, format);
    const std::string name = std::filesystem::path(f.path).filename().string();
    if (back.size() != records.size()) {
      t.failures.push_back(name + ": " + std::to_string(records.size()) + " records came back as " +
                           std::to_string(back.size()));
      continue;
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      ++t.records;
      for (const auto& line : diff_for(format, records[i], back[i])) {
        t.failures.push_back(name + " #" + std::to_string(i) + " " + records[i].key + ": " + line);
      }
    }
  }
  return t;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < 60; ++i) {
    out += lines[i] + "\n";
  }
  if (lines.size() > 60) {
    out += "... and " + std::to_string(lines.size() - 60) + " more\n";
  }
  return out;
}

// ---------------------------------------------------------------------------
// Hand-made records for the edge cases.

Author person(const std::string& family, const std::string& given, const std::string& initials) {
  Author a;
  a.family = family;
  a.given = given;
  a.initials = initials;
  return a;
}

Author group(const std::string& name) {
  Author a;
  a.collective = name;
  return a;
}

Record base_record() {
  Record r;
  r.kind = "article";
  r.title = "Ketamine-assisted psychotherapy for alcohol use disorder: a randomised trial";
  r.authors = {person("Grabski", "Meryem", "M"), person("McAndrew", "Amy", "A")};
  r.journal.title = "The American Journal of Psychiatry";
  r.journal.iso_abbrev = "Am J Psychiatry";
  r.volume = "179";
  r.issue = "2";
  r.pages = "152-162";
  r.pub_date.year = 2022;
  r.pub_date.month = 2;
  r.pub_date.day = 1;
  r.ids.pmid = "34852123";
  r.ids.doi = "10.1176/appi.ajp.2021.21030277";
  r.abstract = {{"", "", "Ketamine may help people with alcohol use disorder stay abstinent."}};
  r.keywords = {{"ketamine", "", false}, {"alcohol use disorder", "", false}};
  r.languages = {"eng"};
  r.publication_types = {{"", "Journal Article"}, {"", "Randomized Controlled Trial"}};
  r.key = litrev::record_key(r);
  return r;
}

const ExportFormat k_file_formats[] = {ExportFormat::ris, ExportFormat::bibtex, ExportFormat::csv};

} // namespace

// ---------------------------------------------------------------------------

TEST_CASE("export: format names") {
  CHECK(std::string(litrev::export_format_name(ExportFormat::ris)) == "ris");
  CHECK(std::string(litrev::export_format_name(ExportFormat::bibtex)) == "bibtex");
  CHECK(std::string(litrev::export_format_name(ExportFormat::csv)) == "csv");
  CHECK(std::string(litrev::export_format_name(ExportFormat::json)) == "json");
  CHECK(litrev::export_format_from_name("bibtex") == ExportFormat::bibtex);
  CHECK(litrev::export_format_from_name("json") == ExportFormat::json);
  CHECK_FALSE(litrev::export_format_from_name("RIS").has_value());
  CHECK_FALSE(litrev::export_format_from_name("xml").has_value());
  CHECK_FALSE(litrev::export_format_from_name("").has_value());
}

TEST_CASE("export: the fixtures cover every reader") {
  std::vector<Format> seen;
  for (const auto& f : source_files()) {
    seen.push_back(f.format);
  }
  for (Format f : {Format::pubmed_xml, Format::medline, Format::ris, Format::bibtex, Format::endnote_xml, Format::wos,
                   Format::csv}) {
    INFO(litrev::format_name(f));
    CHECK(std::count(seen.begin(), seen.end(), f) > 0);
  }
}

TEST_CASE("export: RIS round trip of every fixture record keeps the RIS fields") {
  const Tally t = round_trip_fixtures(ExportFormat::ris);
  INFO(joined(t.failures));
  CHECK(t.files > 50);
  CHECK(t.records > 1000);
  CHECK(t.failures.empty());
}

TEST_CASE("export: BibTeX round trip of every fixture record keeps the BibTeX fields") {
  const Tally t = round_trip_fixtures(ExportFormat::bibtex);
  INFO(joined(t.failures));
  CHECK(t.files > 50);
  CHECK(t.records > 1000);
  CHECK(t.failures.empty());
}

TEST_CASE("export: CSV round trip of every fixture record keeps the CSV fields") {
  const Tally t = round_trip_fixtures(ExportFormat::csv);
  INFO(joined(t.failures));
  CHECK(t.files > 50);
  CHECK(t.records > 1000);
  CHECK(t.failures.empty());
}

TEST_CASE("export: the comparators catch a dropped field") {
  const Record r = base_record();
  struct Drop {
    const char* what;
    void (*drop)(Record&);
  };
  const Drop drops[] = {
      {"title", [](Record& x) { x.title.clear(); }},
      {"second author's given name", [](Record& x) { x.authors[1].given.clear(); }},
      {"an author", [](Record& x) { x.authors.pop_back(); }},
      {"volume", [](Record& x) { x.volume.clear(); }},
      {"pages", [](Record& x) { x.pages = "152"; }},
      {"DOI", [](Record& x) { x.ids.doi.clear(); }},
      {"PMID", [](Record& x) { x.ids.pmid.clear(); }},
      {"a keyword", [](Record& x) { x.keywords.pop_back(); }},
      {"abstract", [](Record& x) { x.abstract.clear(); }},
      {"month", [](Record& x) { x.pub_date.month = 0; }},
      {"journal", [](Record& x) { x.journal.title.clear(); }},
  };
  for (ExportFormat f : k_file_formats) {
    INFO(litrev::export_format_name(f));
    CHECK(diff_for(f, r, r).empty());
    for (const auto& d : drops) {
      INFO(d.what);
      Record lost = r;
      d.drop(lost);
      CHECK_FALSE(diff_for(f, r, lost).empty());
    }
  }
  // And the fields only some formats carry.
  Record lost = r;
  lost.publication_types.pop_back();
  CHECK_FALSE(diff_ris(r, lost).empty());
  lost = r;
  lost.database = "Embase";
  CHECK_FALSE(diff_ris(r, lost).empty());
  CHECK_FALSE(diff_csv(r, lost).empty());
}

TEST_CASE("export: a written record reads back equal in every format") {
  const Record r = base_record();
  for (ExportFormat f : k_file_formats) {
    INFO(litrev::export_format_name(f));
    const Record back = round_trip_one(r, f);
    CHECK(back.key == "pmid:34852123");
    CHECK(diff_for(f, r, back).empty());
  }
}

TEST_CASE("export: BibTeX escapes LaTeX specials and keeps non-ASCII as UTF-8") {
  Record r = base_record();
  r.title = "Costs of {care} at 50% & $10 #1 under_score -- a ~tilde^ \\ `quote'' and \"quotes\" -- done";
  r.journal.title = "Drug & Alcohol Dependence";
  r.authors = {person("Müller", "Jürgen", "J"), person("Ødegård", "Åse", "Å"), person("Łukasz", "Żółć", "Ż")};
  r.abstract = {{"", "", "Rates fell by 30% (p < 0.05); costs $5 & more -- see {appendix}."}};
  r.key = litrev::record_key(r);
  const std::string text = write_records({r}, ExportFormat::bibtex);
  CHECK(text.find("50\\% \\& \\$10 \\#1 under\\_score") != std::string::npos);
  CHECK(text.find("\\textbraceleft{}care\\textbraceright{}") != std::string::npos);
  CHECK(text.find("-{}-") != std::string::npos);
  CHECK(text.find("Müller, Jürgen") != std::string::npos);
  CHECK(text.find("Ødegård, Åse") != std::string::npos);
  const Record back = round_trip_one(r, ExportFormat::bibtex);
  CHECK(back.title == r.title);
  CHECK(back.journal.title == r.journal.title);
  CHECK(back.abstract_text() == r.abstract_text());
  CHECK(diff_bibtex(r, back).empty());
}

TEST_CASE("export: text that looks like entities survives every format") {
  Record r = base_record();
  r.title = "Effects of &amp; and &#39;x&#39; on AT&T's R&D; p<0.05 and q > 1";
  r.abstract = {{"", "", "Literal &lt;b&gt; &nbsp; &copy; tags"}};
  r.key = litrev::record_key(r);
  for (ExportFormat f : k_file_formats) {
    INFO(litrev::export_format_name(f));
    const Record back = round_trip_one(r, f);
    CHECK(back.title == r.title);
    CHECK(back.abstract_text() == r.abstract_text());
  }
}

TEST_CASE("export: literal HTML tags in text survive RIS only") {
  // The BibTeX and CSV readers decode entities before they strip tags, so
  // no spelling keeps a literal "<i>"; readers strip such tags on import,
  // so only a record whose source escaped its markup twice has one.
  Record r = base_record();
  r.title = "The <i>in vivo</i> effect";
  const Record ris = round_trip_one(r, ExportFormat::ris);
  CHECK(ris.title == r.title);
  for (ExportFormat f : {ExportFormat::bibtex, ExportFormat::csv}) {
    INFO(litrev::export_format_name(f));
    CHECK(round_trip_one(r, f).title == "The in vivo effect");
  }
}

TEST_CASE("export: awkward text in every text field survives every format") {
  const char* const k_texts[] = {
      "{braces}", "{unbalanced", "unbalanced}", "back\\slash\\", "50% off", "R&D", "$5 and $x^2$", "#1 issue",
      "snake_case", "a ~tilde", "caret^", "`grave`", "two '' quotes", "en -- dash", "em --- dash", "a-b",
      "\"double\"", "comma, here", "semi; colon", "@article{x, title = {y}}", "\\textit{x}", "&amp; &#x41; &nbsp;",
      "p<0.05 and q > 1", "ER - x", "TY - JOUR and more", "日本語のタイトル", "emoji 🙂", "x and y AND z", "% not a comment",
      "[bracketed]", "ends with comma,", "ends with backslash \\",
  };
  for (const char* text : k_texts) {
    Record r = base_record();
    r.title = std::string("Title ") + text;
    r.journal.title = std::string("Journal ") + text;
    r.publisher = std::string("Publisher ") + text;
    r.abstract = {{"", "", std::string("Abstract ") + text}};
    r.volume = text;
    r.keywords = {{std::string("kw ") + text, "", false}, {"plain", "", true}, {std::string("*") + text, "", false}};
    r.authors = {person(std::string("Family ") + text, std::string("Given ") + text, "GG"), group(text)};
    r.key = litrev::record_key(r);
    // RIS and CSV have no way to quote a ',' or ';' inside a name: they
    // separate the parts of a name and the names of a list.
    const bool name_separator = std::string(text).find_first_of(",;") != std::string::npos;
    for (ExportFormat f : k_file_formats) {
      if (name_separator && f != ExportFormat::bibtex) {
        continue;
      }
      INFO(text << " as " << litrev::export_format_name(f));
      const Record back = round_trip_one(r, f);
      const auto diffs = diff_for(f, r, back);
      INFO(joined(diffs));
      CHECK(diffs.empty());
    }
  }
}

TEST_CASE("export: CSV quotes commas, quotes and line ends") {
  Record r = base_record();
  r.title = "Ketamine, \"K\", and alcohol";
  r.abstract = {{"", "", "First line, with comma. Second \"quoted\" part."}};
  r.journal.title = "Addiction, Research and Theory";
  r.key = litrev::record_key(r);
  const std::string text = write_records({r}, ExportFormat::csv);
  CHECK(text.find("\"Ketamine, \"\"K\"\", and alcohol\"") != std::string::npos);
  CHECK(text.rfind(std::string(litrev::k_csv_export_header) + "\r\n", 0) == 0);
  const Record back = round_trip_one(r, ExportFormat::csv);
  CHECK(diff_csv(r, back).empty());

  // A line end inside a value is written as a space: every value stays on
  // its row, and the reader folds white space anyway.
  Record nl = base_record();
  nl.title = "Two\nlines";
  const Record back_nl = round_trip_one(nl, ExportFormat::csv);
  CHECK(back_nl.title == "Two lines");
}

TEST_CASE("export: a record with only a title and no id keeps its hash key") {
  Record r;
  r.kind = "article";
  r.title = "A record without identifiers";
  r.key = litrev::record_key(r);
  REQUIRE(r.key.rfind("hash:", 0) == 0);
  for (ExportFormat f : k_file_formats) {
    INFO(litrev::export_format_name(f));
    const Record back = round_trip_one(r, f);
    CHECK(back.key == r.key);
    CHECK(back.authors.empty());
    CHECK(back.abstract.empty());
    CHECK(back.volume.empty());
    CHECK(back.pub_date.year == 0);
    CHECK(diff_for(f, r, back).empty());
  }
}

TEST_CASE("export: group authors and non-ASCII names, first author of a hash key") {
  Record r;
  r.kind = "article";
  r.title = "Outcomes of a registry";
  r.pub_date.year = 2020;
  // A group whose name reads like a person's ("EuroQol Trust Fund") and one
  // that reads like a group; persons with particles, suffixes and accents.
  r.authors = {group("EuroQol Trust Fund"), group("Ketamine Study Group"), person("van der Berg", "Anna", "A"),
               person("O'Brien", "Seán", "S"), person("García Márquez", "José María", "JM"),
               person("Smith", "John", "J")};
  r.authors.back().suffix = "Jr";
  r.authors.push_back(person("Zhang", "", "W"));
  r.key = litrev::record_key(r);
  REQUIRE(r.key.rfind("hash:", 0) == 0);
  for (ExportFormat f : k_file_formats) {
    INFO(litrev::export_format_name(f));
    const Record back = round_trip_one(r, f);
    CHECK(back.key == r.key);
    REQUIRE(back.authors.size() == r.authors.size());
    CHECK(back.authors[0].collective == "EuroQol Trust Fund");
    CHECK(back.authors[1].collective == "Ketamine Study Group");
    CHECK(back.authors[2].family == "van der Berg");
    CHECK(back.authors[4].given == "José María");
    CHECK(back.authors[5].suffix == "Jr");
    CHECK(back.authors[6].initials == "W");
    CHECK(diff_for(f, r, back).empty());
  }
}

TEST_CASE("export: non-ASCII initials without a given name") {
  Record r = base_record();
  r.authors = {person("Çelik", "", "ÇA"), person("Öztürk", "Ömer", "Ö")};
  // BibTeX writes them as the given name ("Ç. A."), CSV as "Çelik ÇA".
  for (ExportFormat f : {ExportFormat::bibtex, ExportFormat::csv}) {
    INFO(litrev::export_format_name(f));
    const Record back = round_trip_one(r, f);
    CHECK(diff_for(f, r, back).empty());
    CHECK(back.authors[0].initials == "ÇA");
  }
  // RIS's name reader knows ASCII initials only: the name survives, as a
  // given name.
  const Record ris = round_trip_one(r, ExportFormat::ris);
  CHECK(ris.authors[0].family == "Çelik");
  CHECK(ris.authors[0].given == "Ç. A.");
  CHECK(ris.authors[1].given == "Ömer");
}

TEST_CASE("export: a very long abstract") {
  Record r = base_record();
  std::string text;
  while (text.size() < 300000) {
    text += "Participants received ketamine (0.71 mg/kg) or midazolam; 95% CI 1.2-3.4, p < 0.001. ";
  }
  text.pop_back();
  r.abstract = {{"BACKGROUND", "BACKGROUND", "Why."}, {"RESULTS", "RESULTS", text}};
  for (ExportFormat f : k_file_formats) {
    INFO(litrev::export_format_name(f));
    const Record back = round_trip_one(r, f);
    // Sections come back as one text, labels inline.
    CHECK(back.abstract_text() == r.abstract_text());
    CHECK(back.abstract_text().size() > 300000);
  }
}

TEST_CASE("export: every kind of identifier survives, and with it the key") {
  struct Case {
    const char* what;
    void (*set)(Record&);
    const char* key;
  };
  const Case cases[] = {
      {"nct", [](Record& r) { r.ids.nct = "NCT01234567"; }, "nct:NCT01234567"},
      {"pmcid", [](Record& r) { r.ids.pmcid = "PMC1234567"; }, "pmc:PMC1234567"},
      {"embase", [](Record& r) { r.ids.other = {{"embase", "L2012345678"}}; }, "embase:L2012345678"},
      {"wos", [](Record& r) { r.ids.other = {{"wos", "WOS:000123456700001"}}; }, "wos:WOS:000123456700001"},
      {"europepmc", [](Record& r) { r.ids.other = {{"europepmc", "PPR/PPR123456"}}; }, "europepmc:PPR/PPR123456"},
      {"scopus then wos", [](Record& r) { r.ids.other = {{"scopus", "2-s2.0-85100000000"}, {"wos", "WOS:0001"}}; },
       "scopus:2-s2.0-85100000000"},
      {"eric", [](Record& r) { r.ids.other = {{"eric", "EJ1234567"}}; }, "eric:EJ1234567"},
      {"doi with odd characters",
       [](Record& r) { r.ids.doi = "10.1002/(sici)1097-4679(199901)55:1<1::aid-jclp1>3.0.co;2-x"; },
       "doi:10.1002/(sici)1097-4679(199901)55:1<1::aid-jclp1>3.0.co;2-x"},
  };
  for (const auto& c : cases) {
    Record r;
    r.kind = c.what == std::string("nct") ? "registration" : "article";
    r.title = "A study";
    r.ids.pii = "S0140-6736(20)30000-1";
    c.set(r);
    r.key = litrev::record_key(r);
    REQUIRE(r.key == c.key);
    for (ExportFormat f : k_file_formats) {
      INFO(c.what << " as " << litrev::export_format_name(f));
      const Record back = round_trip_one(r, f);
      CHECK(back.key == r.key);
      CHECK(back.ids.pii == r.ids.pii);
      CHECK(diff_for(f, r, back).empty());
    }
  }
}

TEST_CASE("export: dates with seasons, ranges and free text") {
  struct Case {
    int year, month, day;
    const char* season;
    const char* text;
  };
  const Case cases[] = {
      {2019, 3, 28, "", ""}, {2019, 3, 0, "", ""}, {2001, 0, 0, "Spring", ""}, {2006, 3, 0, "", "2006 Mar-Apr"},
      {1998, 12, 0, "", "1998 Dec-1999 Jan"},
  };
  for (const auto& c : cases) {
    Record r = base_record();
    r.pub_date = {};
    r.pub_date.year = c.year;
    r.pub_date.month = c.month;
    r.pub_date.day = c.day;
    r.pub_date.season = c.season;
    r.pub_date.text = c.text;
    INFO(c.year << "/" << c.month << "/" << c.day << " " << c.season << " " << c.text);
    const Record ris = round_trip_one(r, ExportFormat::ris);
    CHECK(diff_ris(r, ris).empty());
    const Record bib = round_trip_one(r, ExportFormat::bibtex);
    CHECK(diff_bibtex(r, bib).empty());
    const Record csv = round_trip_one(r, ExportFormat::csv);
    CHECK(diff_csv(r, csv).empty());
  }
}

TEST_CASE("export: RIS layout") {
  Record r = base_record();
  r.ids.other = {{"embase", "L2012345678"}};
  const std::string text = write_records({r}, ExportFormat::ris);
  CHECK(text.rfind("TY  - JOUR\r\n", 0) == 0);
  CHECK(text.find("AU  - Grabski, Meryem\r\n") != std::string::npos);
  CHECK(text.find("PY  - 2022\r\nDA  - 2022/02/01/\r\n") != std::string::npos);
  CHECK(text.find("SP  - 152\r\nEP  - 162\r\n") != std::string::npos);
  CHECK(text.find("UR  - https://pubmed.ncbi.nlm.nih.gov/34852123/\r\n") != std::string::npos);
  CHECK(text.find("AN  - L2012345678[embase]\r\n") != std::string::npos);
  CHECK(text.find("ER  - \r\n") != std::string::npos);
}

TEST_CASE("export: JSON Lines is the JSON of show, one record per line") {
  std::vector<Record> records;
  for (const auto& f : source_files()) {
    if (f.format == Format::pubmed_xml) {
      for (auto& r : read_records(f.path, f.format)) {
        records.push_back(std::move(r));
      }
    }
  }
  REQUIRE(records.size() > 10);
  const std::string text = write_records(records, ExportFormat::json);
  std::istringstream in(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    REQUIRE(n < records.size());
    CHECK(line == nlohmann::json(records[n]).dump());
    const Record back = nlohmann::json::parse(line).get<Record>();
    CHECK(nlohmann::json(back) == nlohmann::json(records[n]));
    ++n;
  }
  CHECK(n == records.size());
}

TEST_CASE("export: an empty export is an empty file, a CSV header alone") {
  CHECK(write_records({}, ExportFormat::ris).empty());
  CHECK(write_records({}, ExportFormat::bibtex).empty());
  CHECK(write_records({}, ExportFormat::json).empty());
  CHECK(write_records({}, ExportFormat::csv) == std::string(litrev::k_csv_export_header) + "\r\n");
}

TEST_CASE("export: a failing stream is an IoError") {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  for (ExportFormat f : {ExportFormat::ris, ExportFormat::bibtex, ExportFormat::json}) {
    auto writer = litrev::make_record_writer(f, out);
    CHECK_THROWS_AS(writer->write(base_record()), litrev::IoError);
  }
  CHECK_THROWS_AS(litrev::make_record_writer(ExportFormat::csv, out), litrev::IoError);
}

TEST_CASE("export: screening lines go to RIS N1 and BibTeX annote and the CSV Screening column and JSON") {
  litrev::Record r;
  r.key = "pmid:1";
  r.ids.pmid = "1";
  r.title = "A trial";
  const litrev::ScreeningLines lines = {"title-abstract: included [ana: include]", "note by ana (title-abstract): a & b"};
  auto written = [&](ExportFormat f) {
    std::ostringstream out;
    auto w = litrev::make_record_writer(f, out);
    w->write(r, lines);
    w->finish();
    return out.str();
  };
  CHECK_THAT(written(ExportFormat::ris), Catch::Contains("N1  - title-abstract: included [ana: include]\r\n") &&
                                             Catch::Contains("N1  - note by ana (title-abstract): a & b\r\n"));
  CHECK_THAT(written(ExportFormat::bibtex),
             Catch::Contains("annote = {title-abstract: included [ana: include]; note by ana (title-abstract): a \\& b}"));
  CHECK_THAT(written(ExportFormat::csv),
             Catch::EndsWith(",title-abstract: included [ana: include] | note by ana (title-abstract): a & b\r\n"));
  const auto j = nlohmann::json::parse(written(ExportFormat::json));
  CHECK(j.at("screening") == nlohmann::json(lines));
  // Without lines, nothing is added.
  std::ostringstream plain;
  litrev::make_record_writer(ExportFormat::json, plain)->write(r);
  CHECK_FALSE(nlohmann::json::parse(plain.str()).contains("screening"));
}
