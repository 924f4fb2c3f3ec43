// The CSV reader: delimited text with a header row.
//
// Dialect (csv_table.hpp): RFC 4180 -- quoted fields may span lines, "" is
// a quote -- read line by line through TextInput (gzip, BOM, UTF-16, CRLF
// and CR line ends, cp1252 fallback per line). The delimiter is ',' unless
// the header line clearly uses ';' or tab. Tab-separated files are read
// without quoting (the IANA TSV convention that EndNote's and Web of
// Science's tab-delimited exports follow), a field wholly wrapped in quotes
// being unwrapped (Excel). Empty rows are skipped; a row with fewer fields
// than the header, or with more that are not empty, is a RecordError.
//
// Columns. Two exports are recognised by their header:
// - PubMed "Send to > CSV" (PMID, Title, Authors, Citation, First Author,
//   Journal/Book, Publication Year, Create Date, PMCID, NIHMS ID, DOI):
//   authors "Smith J, Jones AB" (family + initials), the NLM journal
//   abbreviation as journal title, and volume, issue, pages, month, day
//   (and the DOI when its column is empty) parsed out of Citation
//   ("Acad Med. 2020 May;95(5):690-694. doi: 10.1097/ACM...."); database
//   "PubMed";
// - Scopus (Authors, Author full names, Title, Year, Source title, Volume,
//   Issue, Art. No., Page start, Page end, DOI, Link, Abstract, Author
//   Keywords, Index Keywords, PubMed ID, Language of Original Document,
//   Abbreviated Source Title, Document Type, Source, EID): authors from
//   "Author full names" without their Scopus ids ("Smith, J. (123)"), else
//   from Authors split on ';'; pages "start-end", else the article number;
//   EID -> other id "scopus"; database from Source ("Scopus").
// An "Other IDs" column (litrev's export: "NCT01234567 [nct]; L123
// [embase]") gives the NCT id, the PII and other ids (ref_fields
// add_listed_ids), in any CSV.
// Any other CSV (IEEE, Springer, ASySD, RIS-tag headers, EndNote's tab
// export, ...) is mapped by header names (a table of the names exporters
// use, compared ignoring case, spaces and punctuation), and
// ReaderOptions::csv_columns maps record fields to headers explicitly (it
// wins over the table). Without a title column (and no DOI or PMID column)
// the file is a DataError that lists the headers and says how to map them.
// Springer's author cell runs names together ("Andy SmithTom Weber"); it is
// split where a lower-case letter meets an upper-case one after a space.
// Every non-empty cell not mapped is kept in extra_fields under its header.
// A row with neither a title nor an identifier is a RecordError.
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <litrev/error.hpp>

#include "formats/csv_table.hpp"
#include "formats/readers.hpp"
#include "formats/ref_fields.hpp"
#include "formats/text_input.hpp"
#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

namespace rf = ref_fields;

constexpr std::size_t k_max_row_bytes = std::size_t{64} << 20;
constexpr std::size_t k_max_columns = 10000;

// A header name compared loosely: lower case, letters and digits only.
std::string loose(std::string_view header) {
  std::string out;
  for (char c : header) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      out += static_cast<char>(u < 0x80 ? std::tolower(u) : u);
    }
  }
  return out;
}

// The record fields a column can fill.
enum class Col {
  title,
  abstract,
  authors,
  author_full_names,
  year,
  date,
  journal,
  journal_abbrev,
  volume,
  issue,
  pages,
  page_start,
  page_end,
  art_no,
  doi,
  pmid,
  pmcid,
  nihms,
  keywords,
  language,
  url,
  publisher,
  issn,
  type,
  database,
  eid,
  wos,
  other_ids,
  citation,
  id,
};

struct Synonyms {
  Col col;
  std::vector<const char*> names; // loose forms, most specific first
};

// Header names seen in exports (loose form), per field.
const std::vector<Synonyms>& synonym_table() {
  static const std::vector<Synonyms> table = {
      {Col::title, {"title", "articletitle", "itemtitle", "documenttitle", "primarytitle", "ti", "t1"}},
      {Col::abstract, {"abstract", "abstractnote", "ab", "n2"}},
      {Col::author_full_names, {"authorfullnames"}},
      {Col::authors, {"authors", "author", "au", "authorsnames", "creators", "creator", "a1"}},
      {Col::year, {"year", "publicationyear", "pubyear", "yearpublished", "py"}},
      {Col::date, {"date", "publicationdate", "pubdate", "datepublished", "da", "y1"}},
      {Col::journal,
       {"journal", "sourcetitle", "journaltitle", "journalbook", "publicationtitle", "publication",
        "publicationname", "journalname", "secondarytitle", "jo", "jf", "t2", "so"}},
      {Col::journal_abbrev, {"abbreviatedsourcetitle", "journalabbreviation", "j2", "ja", "ji"}},
      {Col::volume, {"volume", "journalvolume", "vol", "vl"}},
      {Col::issue, {"issue", "journalissue", "number", "issuenumber", "is", "no"}},
      {Col::pages, {"pages", "page", "pagerange", "pg", "pp"}},
      {Col::page_start, {"pagestart", "startpage", "firstpage", "sp", "bp"}},
      {Col::page_end, {"pageend", "endpage", "lastpage", "ep"}},
      {Col::art_no, {"artno", "articlenumber", "articleno", "ar"}},
      {Col::doi, {"doi", "itemdoi", "do", "di"}},
      {Col::pmid, {"pmid", "pubmedid", "pm"}},
      {Col::pmcid, {"pmcid"}},
      {Col::nihms, {"nihmsid"}},
      {Col::keywords, {"keywords", "authorkeywords", "indexkeywords", "keyword", "kw", "de"}},
      {Col::language, {"language", "languageoforiginaldocument", "lang", "la"}},
      {Col::url, {"url", "link", "pdflink", "ur"}},
      {Col::publisher, {"publisher", "pb"}},
      {Col::issn, {"issn", "eissn", "sn"}},
      {Col::type, {"documenttype", "type", "contenttype", "referencetype", "publicationtype", "itemtype", "ty", "pt",
                   "category"}},
      {Col::database, {"nameofdatabase", "database", "db"}},
      {Col::eid, {"eid"}},
      {Col::wos, {"ut", "uniquewosid"}},
      {Col::other_ids, {"otherids"}},
  };
  return table;
}

// Field names accepted in ReaderOptions::csv_columns.
struct UserField {
  const char* name;
  Col col;
};
constexpr UserField k_user_fields[] = {
    {"title", Col::title},       {"abstract", Col::abstract}, {"authors", Col::authors},
    {"year", Col::year},         {"journal", Col::journal},   {"volume", Col::volume},
    {"issue", Col::issue},       {"pages", Col::pages},       {"doi", Col::doi},
    {"pmid", Col::pmid},         {"keywords", Col::keywords}, {"language", Col::language},
    {"id", Col::id},
};

enum class Dialect { generic, pubmed, scopus, springer };

std::string header_list(const std::vector<std::string>& header) {
  std::string out;
  for (const auto& h : header) {
    if (!out.empty()) {
      out += ", ";
    }
    out += "\"" + excerpt(h, 60) + "\"";
    if (out.size() > 2000) {
      out += ", ...";
      break;
    }
  }
  return out;
}

// Springer's "Andy SmithTom Weber": a new name starts where a lower-case
// letter meets an upper-case one, once the current name has a space. Family
// names with an inner capital after a common prefix ("Anna McDonald", "Le
// Roux", "DeLuca") are not split there; other inner capitals ("Anna
// FitzGerald") are -- the export gives no way to tell.
std::vector<std::string> split_run_together(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!cur.empty() && std::isupper(static_cast<unsigned char>(c)) &&
        std::islower(static_cast<unsigned char>(cur.back())) && cur.find(' ') != std::string::npos) {
      const std::size_t last_space = cur.rfind(' ');
      const std::string last_word = cur.substr(last_space + 1);
      const bool prefix = last_word == "Mc" || last_word == "Mac" || last_word == "De" || last_word == "Di" ||
                          last_word == "Le" || last_word == "La" || last_word == "Van" || last_word == "Von" ||
                          last_word == "Du" || last_word == "Da" || last_word == "O";
      if (!prefix) {
        out.push_back(std::string(rf::trim(cur)));
        cur.clear();
      }
    }
    cur += c;
  }
  if (!rf::trim(cur).empty()) {
    out.push_back(std::string(rf::trim(cur)));
  }
  return out;
}

// "Unnikrishnan, M.A. (57197735070)" without the Scopus author id.
std::string without_scopus_id(std::string_view name) {
  std::string_view t = rf::trim(name);
  if (!t.empty() && t.back() == ')') {
    const std::size_t open = t.rfind('(');
    if (open != std::string_view::npos) {
      const std::string_view inside = t.substr(open + 1, t.size() - open - 2);
      if (!inside.empty() && std::all_of(inside.begin(), inside.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        t = rf::trim(t.substr(0, open));
      }
    }
  }
  return std::string(t);
}

// What PubMed's Citation column holds besides the journal.
struct Citation {
  std::string date;
  std::string volume;
  std::string issue;
  std::string pages;
  std::string doi;
};

Citation parse_citation(std::string_view c, std::string_view journal) {
  Citation out;
  c = rf::trim(c);
  if (!journal.empty() && c.substr(0, journal.size()) == journal) {
    c.remove_prefix(journal.size());
  } else {
    // The journal is everything up to ". " followed by the year.
    for (std::size_t i = 0; i + 2 < c.size(); ++i) {
      if (c[i] == '.' && c[i + 1] == ' ' && std::isdigit(static_cast<unsigned char>(c[i + 2]))) {
        c.remove_prefix(i);
        break;
      }
    }
  }
  while (!c.empty() && (c.front() == '.' || c.front() == ' ')) {
    c.remove_prefix(1);
  }
  const std::size_t doi_at = c.find("doi:");
  if (doi_at != std::string_view::npos) {
    std::string_view d = rf::trim(c.substr(doi_at + 4));
    const std::size_t end = d.find(". ");
    d = d.substr(0, end);
    out.doi = rf::normalize_doi(d);
  }
  // The date ends at ';' (volume follows) or ':' (pages follow).
  const std::size_t semi = c.find(';');
  const std::size_t colon = c.find(':');
  const std::size_t period = c.find(". ");
  std::string_view rest;
  if (semi != std::string_view::npos && (colon == std::string_view::npos || semi < colon) &&
      (period == std::string_view::npos || semi < period)) {
    out.date = std::string(rf::trim(c.substr(0, semi)));
    rest = c.substr(semi + 1);
  } else {
    out.date = std::string(rf::trim(c.substr(0, std::min(period, c.size()))));
    return out;
  }
  // "53(2):334-347. doi: ..." / "3:617013. ..." / "29(1):14604582221146719."
  std::size_t end = rest.find(". ");
  std::string_view vip = rf::trim(rest.substr(0, end));
  while (!vip.empty() && vip.back() == '.') {
    vip.remove_suffix(1);
  }
  const std::size_t pc = vip.find(':');
  std::string_view vol_issue = vip.substr(0, pc);
  if (pc != std::string_view::npos) {
    out.pages = rf::normalize_pages(vip.substr(pc + 1));
  }
  const std::size_t paren = vol_issue.find('(');
  if (paren != std::string_view::npos) {
    const std::size_t close = vol_issue.find(')', paren);
    out.issue = std::string(rf::trim(vol_issue.substr(paren + 1, close == std::string_view::npos
                                                                     ? std::string_view::npos
                                                                     : close - paren - 1)));
    vol_issue = vol_issue.substr(0, paren);
  }
  out.volume = std::string(rf::trim(vol_issue));
  return out;
}

class CsvReader : public RecordReader {
public:
  CsvReader(const std::string& path, const ReaderOptions& options)
    : m_in(path, options.display_name), m_options(options) {
    m_name = m_in.display_name();
    read_header();
  }

  bool next(ReadItem& item) override {
    if (m_header.empty()) {
      return false;
    }
    std::vector<std::string> row;
    std::uint64_t line = 0;
    for (;;) {
      if (!read_row(row, line)) {
        return false;
      }
      if (std::any_of(row.begin(), row.end(), [](const std::string& f) { return !rf::trim(f).empty(); })) {
        break;
      }
    }
    if (row.size() > m_header.size()) {
      const bool extra_empty = std::all_of(row.begin() + static_cast<std::ptrdiff_t>(m_header.size()), row.end(),
                                           [](const std::string& f) { return rf::trim(f).empty(); });
      if (!extra_empty) {
        throw RecordError(m_name, line, "row has " + std::to_string(row.size()) + " fields, the header has " +
                                            std::to_string(m_header.size()));
      }
      row.resize(m_header.size());
    }
    if (row.size() < m_header.size()) {
      throw RecordError(m_name, line, "row has " + std::to_string(row.size()) + " fields, the header has " +
                                          std::to_string(m_header.size()));
    }
    for (auto& f : row) {
      f = rf::valid_utf8(f);
    }
    Record record = build(row);
    if (!rf::has_title_or_id(record)) {
      throw RecordError(m_name, line, "row has no title and no identifier");
    }
    rf::finish_record(record);
    item = ReadItem{};
    item.kind = ReadItem::Kind::record;
    item.line = line;
    item.record = std::move(record);
    return true;
  }

private:
  // Reads one row (possibly several lines); `line` is where it starts.
  bool read_row(std::vector<std::string>& row, std::uint64_t& line) {
    std::string text;
    line = 0;
    for (;;) {
      if (!m_in.next_line(text)) {
        if (line == 0) {
          return false;
        }
        // The file ends inside a quoted field.
        row = m_parser->take();
        throw RecordError(m_name, line, "file ends inside a quoted field of the row starting at line " +
                                            std::to_string(line));
      }
      if (line == 0) {
        if (text.empty()) {
          continue;
        }
        line = m_in.line_number();
      }
      if (m_parser->feed(text)) {
        row = m_parser->take();
        return true;
      }
      if (m_parser->size() > k_max_row_bytes) {
        throw DataError(m_name, line, "the row starting at line " + std::to_string(line) +
                                          " is longer than 64 MiB (a quote that is never closed?)");
      }
    }
  }

  void read_header() {
    std::string first;
    std::uint64_t line = 0;
    while (m_in.next_line(first)) {
      if (!rf::trim(first).empty()) {
        line = m_in.line_number();
        break;
      }
    }
    if (line == 0) {
      return; // an empty file: no records
    }
    m_delimiter = csv_table::detect_delimiter(first);
    m_parser = std::make_unique<csv_table::RowParser>(m_delimiter, m_delimiter != '\t');
    std::string text = first;
    while (!m_parser->feed(text)) {
      if (!m_in.next_line(text) || m_parser->size() > 1 << 20) {
        throw DataError(m_name, line, "the header row starting at line " + std::to_string(line) +
                                          " has a quote that is never closed");
      }
    }
    m_header = m_parser->take();
    for (auto& h : m_header) {
      h = std::string(rf::trim(rf::valid_utf8(h)));
    }
    while (!m_header.empty() && m_header.back().empty()) {
      m_header.pop_back();
    }
    // Where a value came from is named by its header; an unnamed column by
    // its number.
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      m_tags.push_back(m_header[i].empty() ? "column " + std::to_string(i + 1) : m_header[i]);
    }
    if (m_header.size() > k_max_columns) {
      throw DataError(m_name, line, "the header has more than " + std::to_string(k_max_columns) + " columns");
    }
    map_columns(line);
  }

  int find_header(const std::string& name) const {
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      if (m_header[i] == name) {
        return static_cast<int>(i);
      }
    }
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      if (rf::iequals(rf::trim(m_header[i]), rf::trim(name))) {
        return static_cast<int>(i);
      }
    }
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      if (!loose(name).empty() && loose(m_header[i]) == loose(name)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  void assign(Col col, int index) {
    if (index < 0) {
      return;
    }
    if (std::find(m_claimed.begin(), m_claimed.end(), index) != m_claimed.end()) {
      return;
    }
    m_columns[col].push_back(index);
    m_claimed.push_back(index);
  }

  void map_columns(std::uint64_t line) {
    std::map<std::string, int> by_loose;
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      by_loose.emplace(loose(m_header[i]), static_cast<int>(i));
    }
    auto has = [&](const char* l) { return by_loose.count(l) > 0; };
    if (has("pmid") && has("title") && has("authors") && has("citation") && has("journalbook")) {
      m_dialect = Dialect::pubmed;
    } else if (has("eid") && has("sourcetitle")) {
      m_dialect = Dialect::scopus;
    } else if (has("itemtitle") && has("itemdoi")) {
      m_dialect = Dialect::springer;
    }
    // The user's map first.
    for (const auto& [field, header] : m_options.csv_columns) {
      const UserField* uf = nullptr;
      for (const auto& f : k_user_fields) {
        if (field == f.name) {
          uf = &f;
        }
      }
      if (uf == nullptr) {
        std::string names;
        for (const auto& f : k_user_fields) {
          names += names.empty() ? f.name : std::string(", ") + f.name;
        }
        throw UsageError("unknown record field \"" + field + "\" in the CSV column map (fields: " + names + ")");
      }
      const int index = find_header(header);
      if (index < 0) {
        throw DataError(m_name, line, "column \"" + header + "\" (mapped to " + field +
                                          ") is not in the header; the columns are: " + header_list(m_header));
      }
      assign(uf->col, index);
    }
    if (m_dialect == Dialect::pubmed) {
      assign(Col::citation, by_loose["citation"]);
      assign(Col::journal_abbrev, by_loose["journalbook"]);
      if (has("nihmsid")) {
        assign(Col::nihms, by_loose["nihmsid"]);
      }
    }
    if (m_dialect == Dialect::scopus && has("source")) {
      assign(Col::database, by_loose["source"]);
    }
    // Then the table of header names.
    for (const auto& s : synonym_table()) {
      if (s.col == Col::keywords || s.col == Col::url || s.col == Col::issn) {
        for (const char* n : s.names) {
          if (const auto it = by_loose.find(n); it != by_loose.end()) {
            assign(s.col, it->second);
          }
        }
        continue;
      }
      if (m_columns.count(s.col)) {
        continue;
      }
      for (const char* n : s.names) {
        if (const auto it = by_loose.find(n); it != by_loose.end()) {
          assign(s.col, it->second);
          if (m_columns.count(s.col)) {
            break;
          }
        }
      }
    }
    if (!m_columns.count(Col::title) && !m_columns.count(Col::doi) && !m_columns.count(Col::pmid)) {
      throw DataError(m_name, line,
                      "cannot tell which column holds the title; the columns are: " + header_list(m_header) +
                          ". Name them with --map title=COLUMN,authors=COLUMN,year=COLUMN,...");
    }
  }

  const std::string* cell(const std::vector<std::string>& row, Col col, std::size_t n = 0) const {
    const auto it = m_columns.find(col);
    if (it == m_columns.end() || n >= it->second.size()) {
      return nullptr;
    }
    const auto index = static_cast<std::size_t>(it->second[n]);
    if (index >= row.size() || rf::trim(row[index]).empty()) {
      return nullptr;
    }
    return &row[index];
  }

  const std::string& header_of(Col col, std::size_t n = 0) const {
    return m_tags[static_cast<std::size_t>(m_columns.at(col)[n])];
  }

  std::size_t columns_of(Col col) const {
    const auto it = m_columns.find(col);
    return it == m_columns.end() ? 0 : it->second.size();
  }

  void keep(Record& r, Col col, std::size_t n, const std::string& value) const {
    r.extra_fields.push_back({header_of(col, n), value});
  }

  Record build(const std::vector<std::string>& row) const {
    Record r;
    r.source = "csv";
    std::vector<bool> used(row.size(), false);
    for (const auto& [col, indexes] : m_columns) {
      for (int i : indexes) {
        used[static_cast<std::size_t>(i)] = true;
      }
    }
    std::vector<SourceField> extra;
    auto put_back = [&](Col col, std::size_t n) {
      used[static_cast<std::size_t>(m_columns.at(col)[n])] = false;
    };

    if (const std::string* v = cell(row, Col::title)) {
      r.title = rf::clean_text(*v);
      rf::note_source(r, "title", header_of(Col::title));
    }
    if (const std::string* v = cell(row, Col::abstract)) {
      const std::string a = rf::clean_text(*v);
      if (!a.empty()) {
        r.abstract.push_back({"", "", a});
        rf::note_source(r, "abstract", header_of(Col::abstract));
      }
    }
    authors(row, r);
    // Dates.
    if (const std::string* v = cell(row, Col::year)) {
      r.pub_date.year = rf::first_year(*v);
      if (r.pub_date.year != 0) {
        rf::note_source(r, "pub_date", header_of(Col::year));
        if (rf::trim(*v).size() != 4) {
          rf::parse_loose_date(*v, r.pub_date);
        }
      } else {
        put_back(Col::year, 0);
      }
    }
    if (const std::string* v = cell(row, Col::date)) {
      PubDate d;
      if (rf::parse_loose_date(*v, d) && (r.pub_date.year == 0 || d.year == 0 || d.year == r.pub_date.year)) {
        if (r.pub_date.year == 0 && d.year != 0) {
          r.pub_date.year = d.year;
          rf::note_source(r, "pub_date", header_of(Col::date));
        }
        if (r.pub_date.month == 0 && d.month != 0) {
          r.pub_date.month = d.month;
          r.pub_date.day = d.day;
          rf::note_source(r, "pub_date.month", header_of(Col::date));
        }
      }
      put_back(Col::date, 0); // the full date stays visible as given
    }
    // Journal.
    if (const std::string* v = cell(row, Col::journal)) {
      r.journal.title = rf::clean_text(*v);
      rf::note_source(r, "journal.title", header_of(Col::journal));
    }
    if (const std::string* v = cell(row, Col::journal_abbrev)) {
      const std::string a = rf::clean_text(*v);
      if (m_dialect == Dialect::pubmed) {
        r.journal.medline_ta = a;
        rf::note_source(r, "journal.medline_ta", header_of(Col::journal_abbrev));
        if (r.journal.title.empty()) {
          r.journal.title = a;
          rf::note_source(r, "journal.title", header_of(Col::journal_abbrev));
        }
      } else {
        r.journal.iso_abbrev = a;
        rf::note_source(r, "journal.iso_abbrev", header_of(Col::journal_abbrev));
      }
    }
    for (std::size_t n = 0; n < columns_of(Col::issn); ++n) {
      if (const std::string* v = cell(row, Col::issn, n)) {
        bool any = false;
        for (const auto& part : rf::split_trimmed(*v, v->find(';') != std::string::npos ? ';' : ',')) {
          for (const auto& piece : rf::split_trimmed(part, ' ')) {
            if (loose(header_of(Col::issn, n)) == "eissn" && !rf::normalize_issn(piece).empty()) {
              if (r.journal.issn_electronic.empty()) {
                r.journal.issn_electronic = rf::normalize_issn(piece);
              }
              any = true;
            } else {
              any = rf::add_issn(r.journal, piece) || any;
            }
          }
        }
        if (any) {
          rf::note_source(r, "journal.issn", header_of(Col::issn, n));
        } else {
          put_back(Col::issn, n);
        }
      }
    }
    // Volume, issue, pages.
    if (const std::string* v = cell(row, Col::volume)) {
      r.volume = std::string(rf::trim(*v));
      rf::note_source(r, "volume", header_of(Col::volume));
    }
    if (const std::string* v = cell(row, Col::issue)) {
      r.issue = std::string(rf::trim(*v));
      rf::note_source(r, "issue", header_of(Col::issue));
    }
    if (const std::string* v = cell(row, Col::pages)) {
      r.pages = rf::normalize_pages(*v);
      rf::note_source(r, "pages", header_of(Col::pages));
    }
    if (r.pages.empty()) {
      const std::string* start = cell(row, Col::page_start);
      const std::string* end = cell(row, Col::page_end);
      if (start != nullptr) {
        r.pages = rf::normalize_pages(end != nullptr ? *start + "-" + *end : *start);
        rf::note_source(r, "pages", header_of(Col::page_start));
      }
    }
    if (const std::string* v = cell(row, Col::art_no)) {
      if (r.pages.empty()) {
        r.pages = std::string(rf::trim(*v));
        rf::note_source(r, "pages", header_of(Col::art_no));
      } else {
        put_back(Col::art_no, 0);
      }
    }
    // Identifiers.
    if (const std::string* v = cell(row, Col::doi)) {
      const std::string doi = rf::normalize_doi(*v);
      if (!doi.empty()) {
        r.ids.doi = doi;
        rf::note_source(r, "ids.doi", header_of(Col::doi));
      } else {
        put_back(Col::doi, 0);
      }
    }
    if (const std::string* v = cell(row, Col::pmid)) {
      const std::string p(rf::trim(*v));
      if (rf::is_pmid(p)) {
        r.ids.pmid = p;
        rf::note_source(r, "ids.pmid", header_of(Col::pmid));
      } else {
        put_back(Col::pmid, 0);
      }
    }
    if (const std::string* v = cell(row, Col::pmcid)) {
      const std::string p(rf::trim(*v));
      if (rf::is_pmcid(p)) {
        r.ids.pmcid = p;
        rf::note_source(r, "ids.pmcid", header_of(Col::pmcid));
      } else {
        put_back(Col::pmcid, 0);
      }
    }
    if (const std::string* v = cell(row, Col::nihms)) {
      r.ids.other.push_back({"mid", std::string(rf::trim(*v))});
      rf::note_source(r, "ids.other", header_of(Col::nihms));
    }
    if (const std::string* v = cell(row, Col::eid)) {
      r.ids.other.push_back({"scopus", std::string(rf::trim(*v))});
      rf::note_source(r, "ids.other", header_of(Col::eid));
    }
    if (const std::string* v = cell(row, Col::wos)) {
      const std::string u(rf::trim(*v));
      if (u.size() > 4 && (rf::iequals(u.substr(0, 4), "wos:") || rf::iequals(u.substr(0, 4), "isi:"))) {
        r.ids.other.push_back({"wos", normalize_wos_id(u)});
        rf::note_source(r, "ids.other", header_of(Col::wos));
      } else {
        put_back(Col::wos, 0);
      }
    }
    if (const std::string* v = cell(row, Col::other_ids)) {
      if (!rf::add_listed_ids(*v, r, header_of(Col::other_ids))) {
        put_back(Col::other_ids, 0);
      }
    }
    if (const std::string* v = cell(row, Col::id)) {
      r.ids.other.push_back({"csv", std::string(rf::trim(*v))});
      rf::note_source(r, "ids.other", header_of(Col::id));
    }
    // PubMed's Citation.
    if (const std::string* v = cell(row, Col::citation)) {
      const Citation c = parse_citation(*v, r.journal.medline_ta);
      if (r.volume.empty() && !c.volume.empty()) {
        r.volume = c.volume;
        rf::note_source(r, "volume", header_of(Col::citation));
      }
      if (r.issue.empty() && !c.issue.empty()) {
        r.issue = c.issue;
        rf::note_source(r, "issue", header_of(Col::citation));
      }
      if (r.pages.empty() && !c.pages.empty()) {
        r.pages = c.pages;
        rf::note_source(r, "pages", header_of(Col::citation));
      }
      if (r.ids.doi.empty() && !c.doi.empty()) {
        r.ids.doi = c.doi;
        rf::note_source(r, "ids.doi", header_of(Col::citation));
      }
      PubDate d;
      if (rf::parse_loose_date(c.date, d) && (r.pub_date.year == 0 || d.year == r.pub_date.year)) {
        if (r.pub_date.year == 0) {
          r.pub_date.year = d.year;
        }
        if (r.pub_date.month == 0 && d.month != 0) {
          r.pub_date.month = d.month;
          r.pub_date.day = d.day;
          rf::note_source(r, "pub_date.month", header_of(Col::citation));
        }
        if (!d.text.empty() && r.pub_date.text.empty()) {
          r.pub_date.text = d.text;
        }
      }
      put_back(Col::citation, 0); // the citation stays visible as given
    }
    // URLs: kept, and searched for identifiers.
    for (std::size_t n = 0; n < columns_of(Col::url); ++n) {
      if (const std::string* v = cell(row, Col::url, n)) {
        rf::ids_from_url(*v, r, header_of(Col::url, n));
      }
      put_back(Col::url, n);
    }
    // Keywords, language, publisher.
    for (std::size_t n = 0; n < columns_of(Col::keywords); ++n) {
      if (const std::string* v = cell(row, Col::keywords, n)) {
        for (auto& k : rf::split_keywords(rf::clean_text(*v))) {
          r.keywords.push_back({std::move(k), "", false});
        }
        rf::note_source(r, "keywords", header_of(Col::keywords, n));
      }
    }
    if (const std::string* v = cell(row, Col::language)) {
      for (auto& l : rf::split_trimmed(*v, v->find(';') != std::string::npos ? ';' : ',')) {
        if (std::find(r.languages.begin(), r.languages.end(), l) == r.languages.end()) {
          r.languages.push_back(std::move(l));
        }
      }
      rf::note_source(r, "languages", header_of(Col::language));
    }
    if (const std::string* v = cell(row, Col::publisher)) {
      r.publisher = rf::clean_text(*v);
      rf::note_source(r, "publisher", header_of(Col::publisher));
    }
    // Type and kind.
    r.kind = "article";
    if (const std::string* v = cell(row, Col::type)) {
      const std::string t = rf::clean_text(*v);
      if (!t.empty()) {
        r.publication_types.push_back({"", t});
        rf::note_source(r, "publication_types", header_of(Col::type));
      }
      const std::string k = rf::kind_of_type(t);
      if (!k.empty()) {
        r.kind = k;
        rf::note_source(r, "kind", header_of(Col::type));
      }
    }
    // Database.
    if (!m_options.database.empty()) {
      r.database = m_options.database;
    } else if (m_dialect == Dialect::pubmed) {
      r.database = "PubMed";
    } else if (const std::string* v = cell(row, Col::database)) {
      r.database = std::string(rf::trim(*v));
      rf::note_source(r, "database", header_of(Col::database));
    } else if (m_dialect == Dialect::scopus) {
      r.database = "Scopus";
    }
    // Every other non-empty cell.
    for (std::size_t i = 0; i < row.size() && i < m_header.size(); ++i) {
      if (!used[i] && !rf::trim(row[i]).empty()) {
        r.extra_fields.push_back({m_tags[i], row[i]});
      }
    }
    return r;
  }

  void authors(const std::vector<std::string>& row, Record& r) const {
    if (const std::string* v = cell(row, Col::author_full_names)) {
      for (const auto& name : rf::split_trimmed(*v, ';')) {
        Author a = rf::parse_name(without_scopus_id(name), true);
        if (!a.family.empty() || !a.collective.empty()) {
          r.authors.push_back(std::move(a));
        }
      }
      if (!r.authors.empty()) {
        rf::note_source(r, "authors", header_of(Col::author_full_names));
        return;
      }
    }
    const std::string* v = cell(row, Col::authors);
    if (v == nullptr) {
      return;
    }
    if (m_dialect == Dialect::pubmed) {
      std::string_view list = rf::trim(*v);
      if (!list.empty() && list.back() == '.') {
        list.remove_suffix(1);
      }
      for (const auto& name : rf::split_trimmed(list, ',')) {
        Author a = rf::parse_family_initials(name);
        if (!a.family.empty() || !a.collective.empty()) {
          r.authors.push_back(std::move(a));
        }
      }
    } else {
      std::vector<std::string> names;
      if (m_dialect == Dialect::springer && v->find(',') == std::string::npos && v->find(';') == std::string::npos) {
        names = split_run_together(*v);
      } else {
        names = rf::split_name_list(*v);
      }
      for (const auto& name : names) {
        Author a = rf::parse_name(name, true);
        if (!a.family.empty() || !a.collective.empty()) {
          r.authors.push_back(std::move(a));
        }
      }
    }
    if (!r.authors.empty()) {
      rf::note_source(r, "authors", header_of(Col::authors));
    }
  }

  TextInput m_in;
  ReaderOptions m_options;
  std::string m_name;
  char m_delimiter = ',';
  std::unique_ptr<csv_table::RowParser> m_parser;
  std::vector<std::string> m_header;
  std::vector<std::string> m_tags; // headers, "column N" for unnamed ones
  Dialect m_dialect = Dialect::generic;
  std::map<Col, std::vector<int>> m_columns;
  std::vector<int> m_claimed;
};

} // namespace

bool looks_like_csv(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    head.remove_prefix(3);
  }
  if (head.find('\0') != std::string_view::npos) {
    return false;
  }
  // The first non-blank line is the header.
  std::size_t pos = 0;
  while (pos < head.size() && (head[pos] == '\r' || head[pos] == '\n' || head[pos] == ' ' || head[pos] == '\t')) {
    ++pos;
  }
  head.remove_prefix(pos);
  if (head.empty()) {
    return false;
  }
  const char first = head.front();
  if (first == '<' || first == '{' || first == '[' || first == '@' || first == '%' || first == '#') {
    return false;
  }
  const std::size_t eol = head.find_first_of("\r\n");
  const char delimiter = csv_table::detect_delimiter(head.substr(0, eol));
  const bool complete = head.size() < 64 * 1024 - 3;
  const auto rows = csv_table::parse_rows(head, delimiter, 8, complete);
  if (rows.empty()) {
    return false;
  }
  const auto& header = rows.front();
  std::size_t named = 0;
  std::size_t empty = 0;
  for (const auto& h : header) {
    const std::string_view t = ref_fields::trim(h);
    if (t.empty()) {
      ++empty;
      continue;
    }
    if (t.size() > 200 || t.find('\n') != std::string_view::npos) {
      return false;
    }
    if (std::none_of(t.begin(), t.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
      return false; // a number: data, not a header
    }
    ++named;
  }
  if (named < 2 || empty > 1) {
    return false;
  }
  const std::size_t width = header.size();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::size_t n = rows[i].size();
    if (n != width && !(n == width + 1 && ref_fields::trim(rows[i].back()).empty()) &&
        !(n + 1 == width && ref_fields::trim(header.back()).empty())) {
      return false;
    }
  }
  return true;
}

std::unique_ptr<RecordReader> make_csv_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<CsvReader>(path, options);
}

} // namespace litrev
