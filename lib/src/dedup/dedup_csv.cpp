// The evaluation CSV of `litrev dedup --input FILE --format csv`
// (read_dedup_csv in litrev/dedup.hpp): the column layout ASySD and
// bib-dedupe use for their labelled sets, read with the project's CSV
// dialect (formats/csv_table.hpp) and line reader (formats/text_input.hpp).
#include <litrev/dedup.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include <litrev/error.hpp>

#include "formats/csv_table.hpp"
#include "formats/names.hpp"
#include "util/normalize.hpp"

namespace litrev {

namespace {

enum Column { c_record_id, c_author, c_title, c_year, c_journal, c_volume, c_number, c_pages, c_doi, c_abstract,
              c_isbn, c_columns };

const char* const k_column_names[c_columns] = {"record_id", "author", "title",    "year",     "journal", "volume",
                                               "number",    "pages",  "doi",      "abstract", "isbn"};

constexpr std::size_t k_max_row_bytes = std::size_t{64} << 20;

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// "Smith, J. and Doe, A." (BibTeX, ASySD), "Smith J; Doe A" (RIS-like),
// "Smith J, Doe A" (MEDLINE-like).
std::vector<Author> parse_authors(std::string_view value) {
  std::vector<std::string> names;
  const std::string lower = ascii_lower(value);
  if (lower.find(" and ") != std::string::npos) {
    std::size_t i = 0;
    while (i <= value.size()) {
      std::size_t j = lower.find(" and ", i);
      if (j == std::string::npos) {
        j = value.size();
      }
      names.push_back(trimmed(value.substr(i, j - i)));
      i = j + 5;
    }
  } else {
    names = split_author_list(value);
  }
  std::vector<Author> out;
  for (const std::string& n : names) {
    const std::string t = trimmed(n);
    const std::string k = ascii_lower(t);
    if (t.empty() || k == "et al" || k == "et al." || k == "others") {
      continue;
    }
    Author a = parse_author_name(t);
    if (!author_is_empty(a)) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

int parse_year(std::string_view s) {
  for (std::size_t i = 0; i + 4 <= s.size(); ++i) {
    bool digits = true;
    for (std::size_t k = 0; k < 4; ++k) {
      digits = digits && s[i + k] >= '0' && s[i + k] <= '9';
    }
    const bool alone = (i == 0 || !(s[i - 1] >= '0' && s[i - 1] <= '9')) &&
                       (i + 4 == s.size() || !(s[i + 4] >= '0' && s[i + 4] <= '9'));
    if (digits && alone) {
      const int y = std::stoi(std::string(s.substr(i, 4)));
      if (y >= 1000 && y <= 2999) {
        return y;
      }
    }
  }
  return 0;
}

} // namespace

void read_dedup_csv(const std::string& path,
                    const std::function<void(std::string record_id, const Record& record)>& sink) {
  // As `litrev import` does: a path that is not a readable file is bad
  // input (65), named; a failure while reading is an I/O error (74).
  csv_table::CsvFile in(path, k_max_row_bytes);
  std::vector<std::string> header;
  if (!in.next(header)) {
    throw DataError(path, 0, "the file is empty: expected a header row naming columns such as record_id, "
                             "author, title, year, journal, volume, number, pages, doi, abstract, isbn");
  }
  const std::uint64_t header_line = in.line();
  std::array<long, c_columns> col;
  col.fill(-1);
  bool any = false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h = ascii_lower(trimmed(header[i]));
    for (std::size_t c = 0; c < c_columns; ++c) {
      if (h == k_column_names[c] && col[c] < 0) {
        col[c] = static_cast<long>(i);
        any = any || c != c_record_id;
      }
    }
  }
  if (!any) {
    std::string names;
    for (std::size_t i = 0; i < header.size() && i < 12; ++i) {
      names += (i ? ", " : "") + trimmed(header[i]);
    }
    throw DataError(path, header_line,
                    "no known column in the header (" + names +
                        "); expected some of record_id, author, title, year, journal, volume, number, pages, doi, "
                        "abstract, isbn");
  }
  while (!header.empty() && trimmed(header.back()).empty()) {
    header.pop_back();
  }

  std::unordered_set<std::string> seen_ids;
  std::uint64_t row_number = 0;
  std::vector<std::string> fields;
  while (in.next(fields)) {
    const std::uint64_t start = in.line();
    ++row_number;
    if (fields.size() > header.size()) {
      for (std::size_t i = header.size(); i < fields.size(); ++i) {
        if (!trimmed(fields[i]).empty()) {
          throw DataError(path, start,
                          "the row has " + std::to_string(fields.size()) + " fields but the header has " +
                              std::to_string(header.size()));
        }
      }
    } else if (fields.size() < header.size()) {
      throw DataError(path, start,
                      "the row has " + std::to_string(fields.size()) + " fields but the header has " +
                          std::to_string(header.size()));
    }
    auto get = [&](Column c) -> std::string {
      return col[c] < 0 ? std::string() : trimmed(fields[static_cast<std::size_t>(col[c])]);
    };
    std::string id = col[c_record_id] < 0 ? std::to_string(row_number) : get(c_record_id);
    if (id.empty()) {
      throw DataError(path, start, "empty record_id");
    }
    if (!seen_ids.insert(id).second) {
      throw DataError(path, start, "record_id " + id + " appears twice");
    }
    Record r;
    r.kind = "article";
    r.source = "csv";
    r.title = get(c_title);
    r.authors = parse_authors(get(c_author));
    r.pub_date.year = parse_year(get(c_year));
    r.journal.title = get(c_journal);
    r.volume = get(c_volume);
    r.issue = get(c_number);
    r.pages = get(c_pages);
    r.ids.doi = dedup_doi_key(get(c_doi));
    if (std::string abs = get(c_abstract); !abs.empty()) {
      r.abstract.push_back(AbstractSection{"", "", std::move(abs)});
    }
    if (std::string isbn = get(c_isbn); !isbn.empty()) {
      r.ids.other.push_back(RecordIds::Other{"isbn", std::move(isbn)});
    }
    r.provenance.file = path;
    r.provenance.position = row_number - 1;
    r.provenance.line = start;
    sink(std::move(id), r);
  }
}

} // namespace litrev
