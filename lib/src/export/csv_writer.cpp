// The CSV writer: RFC 4180 (fields with a comma, quote, CR or LF in quotes,
// quotes doubled), CRLF line ends, UTF-8 without a BOM, and the header row
// k_csv_export_header. One row per record:
//
//   Key                   the record key (for people; read back as an extra field)
//   Title, Abstract       text; the abstract as one text, labelled sections
//                         as "LABEL: text"
//   Authors               "Family, Given; Family, Given"; "Family JA" when
//                         there are initials only; a group as "Name," (the
//                         EndNote mark of a corporate author); a lone author
//                         with a comma in the name gets a trailing ';' so
//                         that the list is split on ';'
//   Year, Date            the year; the date as ISO 8601 when the month is known
//   Journal, Journal Abbreviation (ISO), ISSN (print), eISSN (electronic)
//   Volume, Issue, Pages
//   DOI, PMID, PMCID
//   Other IDs             "NCT01234567 [nct]; WOS:000123 [wos]": every
//                         identifier without a column, in the record's order
//   Keywords, Language    "; "-separated
//   Publication Type      the publication types, "; "-separated
//   Publisher, Database
//   Screening             the review's decisions and notes, " | "-separated
//                         (empty when there are none; the reader keeps it
//                         as an extra field)
// Text that litrev's CSV reader would decode (an "&amp;" in a title) is
// written with '&' as an entity; a literal HTML tag ("<i>") cannot be kept,
// as the reader decodes entities before it strips tags. Names are checked
// with the reader's own name parser.
#include <ostream>

#include <fmt/core.h>

#include "export/writers.hpp"
#include "formats/ref_fields.hpp"

namespace litrev::export_detail {

namespace rf = ref_fields;

namespace {

std::string csv_cell(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(s);
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

// A text cell that the reader's clean_text() reads back as `s`.
std::string csv_text(std::string_view s) {
  std::string v = one_line(s);
  if (rf::clean_text(v) == v) {
    return v;
  }
  std::string escaped = html_escape(v);
  if (rf::clean_text(escaped) == v) {
    return escaped;
  }
  return v;
}

// One name of the Authors cell, checked with the reader's parse_name().
std::string csv_name(const Author& a) {
  std::vector<std::string> candidates;
  if (!a.collective.empty()) {
    candidates.push_back(one_line(a.collective) + ",");
  } else {
    const std::string family = one_line(a.family);
    const std::string suffix = a.suffix.empty() ? std::string() : ", " + one_line(a.suffix);
    if (!a.given.empty()) {
      candidates.push_back(family + ", " + one_line(a.given) + suffix);
      candidates.push_back(family + suffix + ", " + one_line(a.given));
    }
    if (!a.initials.empty() && a.suffix.empty()) {
      candidates.push_back(family + " " + one_line(a.initials));
    }
    if (!a.initials.empty()) {
      candidates.push_back(family + ", " + one_line(a.initials) + suffix);
      candidates.push_back(family + suffix + ", " + one_line(a.initials));
    }
    candidates.push_back(family + suffix);
  }
  const std::string* best = &candidates.front();
  int best_score = -1;
  for (const auto& c : candidates) {
    if (c.find(';') != std::string::npos) {
      continue; // it would split the list
    }
    const Author back = rf::parse_name(c, true);
    if (same_name(back, a)) {
      return c;
    }
    if (const int score = name_score(a, back); score > best_score) {
      best = &c;
      best_score = score;
    }
  }
  return *best;
}

// The Authors cell: names joined by "; ", split back by the reader's
// split_name_list() into the same names.
std::string csv_authors(const std::vector<Author>& authors) {
  std::vector<std::string> names;
  std::string joined;
  for (const auto& a : authors) {
    names.push_back(csv_name(a));
    joined += joined.empty() ? names.back() : "; " + names.back();
  }
  if (names.size() == 1 && rf::split_name_list(joined) != names) {
    joined += ";";
  }
  return joined;
}

// A "; "-separated list cell that `split` reads back as `items`, with a
// trailing ';' when a lone item would otherwise be split on commas.
template <typename Split>
std::string csv_list(const std::vector<std::string>& items, Split split) {
  std::string joined;
  for (const auto& i : items) {
    joined += joined.empty() ? i : "; " + i;
  }
  if (items.size() == 1 && split(joined) != items) {
    joined += ";";
  }
  return joined;
}

class CsvWriter final : public RecordWriter {
public:
  explicit CsvWriter(std::ostream& out) : m_out(out) {
    put(m_out, std::string(k_csv_export_header) + "\r\n");
  }

  using RecordWriter::write;
  void write(const Record& r, const ScreeningLines& screening) override {
    std::vector<std::string> cells;
    cells.push_back(r.key.empty() ? record_key(r) : r.key);
    cells.push_back(csv_text(r.title));
    cells.push_back(csv_authors(r.authors));
    cells.push_back(r.pub_date.year != 0 ? fmt::format("{:04d}", r.pub_date.year) : std::string());
    cells.push_back(r.pub_date.month != 0 ? iso_date(r.pub_date) : std::string());
    cells.push_back(csv_text(r.journal.title));
    cells.push_back(csv_text(r.journal.iso_abbrev));
    cells.push_back(one_line(r.journal.issn_print));
    cells.push_back(one_line(r.journal.issn_electronic));
    cells.push_back(one_line(r.volume));
    cells.push_back(one_line(r.issue));
    cells.push_back(one_line(r.pages));
    cells.push_back(one_line(r.ids.doi));
    cells.push_back(one_line(r.ids.pmid));
    cells.push_back(one_line(r.ids.pmcid));
    std::string ids;
    for (const auto& id : listed_ids(r)) {
      ids += ids.empty() ? id : "; " + id;
    }
    cells.push_back(ids);
    cells.push_back(csv_text(r.abstract_text()));
    std::vector<std::string> keywords;
    for (const auto& k : r.keywords) {
      if (!k.text.empty()) {
        keywords.push_back(csv_text(k.text));
      }
    }
    cells.push_back(csv_list(keywords, [](const std::string& s) { return rf::split_keywords(rf::clean_text(s)); }));
    std::vector<std::string> languages;
    for (const auto& l : r.languages) {
      languages.push_back(one_line(l));
    }
    cells.push_back(csv_list(languages, [](const std::string& s) {
      return rf::split_trimmed(s, s.find(';') != std::string::npos ? ';' : ',');
    }));
    std::string types;
    for (const auto& p : r.publication_types) {
      types += types.empty() ? csv_text(p.name) : "; " + csv_text(p.name);
    }
    cells.push_back(types);
    cells.push_back(csv_text(r.publisher));
    cells.push_back(one_line(r.database));
    std::string lines;
    for (const auto& s : screening) {
      lines += lines.empty() ? csv_text(s) : " | " + csv_text(s);
    }
    cells.push_back(lines);
    m_buf.clear();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i != 0) {
        m_buf += ',';
      }
      m_buf += csv_cell(cells[i]);
    }
    m_buf += "\r\n";
    put(m_out, m_buf);
  }

  void finish() override { flush(m_out); }

private:
  std::ostream& m_out;
  std::string m_buf;
};

} // namespace

std::unique_ptr<RecordWriter> make_csv_writer(std::ostream& out) { return std::make_unique<CsvWriter>(out); }

} // namespace litrev::export_detail
