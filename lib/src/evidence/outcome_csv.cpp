// Outcome data as CSV with metafor's column names (read_outcome_csv in
// litrev/evidence.hpp), read with the project's CSV dialect
// (formats/csv_table.hpp) and line reader (formats/text_input.hpp).
#include <litrev/evidence.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include <litrev/error.hpp>

#include "formats/csv_table.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_max_row_bytes = std::size_t{1} << 20;

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// The whole of `s` as a finite number, or nothing.
std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) {
    return std::nullopt;
  }
  const char* begin = s.data();
  if (*begin == '+') {
    ++begin;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

const char* const k_binary[] = {"ai", "bi", "ci", "di"};
const char* const k_binary_n[] = {"ai", "n1i", "ci", "n2i"};
const char* const k_continuous[] = {"m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"};
const char* const k_generic[] = {"yi", "vi"};

} // namespace

std::optional<std::size_t> OutcomeTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

OutcomeTable read_outcome_csv(const std::string& path) {
  csv_table::CsvFile in(path, k_max_row_bytes);
  std::vector<std::string> fields;
  if (!in.next(fields)) {
    throw DataError(path, 0, "the file is empty: expected a header row with metafor's column names "
                             "(ai bi ci di, m1i sd1i n1i m2i sd2i n2i, or yi vi) and study");
  }
  const auto header_line = static_cast<unsigned long>(in.line());
  OutcomeTable t;
  t.path = path;
  for (const std::string& h : fields) {
    t.header.push_back(trimmed(h));
  }
  while (!t.header.empty() && t.header.back().empty()) {
    t.header.pop_back();
  }
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!t.header[i].empty() && t.header[i] == t.header[j]) {
        throw DataError(path, header_line, "column " + t.header[i] + " appears twice in the header");
      }
    }
  }
  auto has_all = [&](const auto& names) {
    for (const char* n : names) {
      if (!t.column(n)) {
        return false;
      }
    }
    return true;
  };
  std::vector<const char*> needed;
  bool counts_with_n = false;
  if (has_all(k_binary)) {
    t.kind = OutcomeKind::binary;
    needed.assign(std::begin(k_binary), std::end(k_binary));
  } else if (has_all(k_binary_n)) {
    t.kind = OutcomeKind::binary;
    counts_with_n = true;
    needed.assign(std::begin(k_binary_n), std::end(k_binary_n));
  } else if (has_all(k_continuous)) {
    t.kind = OutcomeKind::continuous;
    needed.assign(std::begin(k_continuous), std::end(k_continuous));
  } else if (has_all(k_generic)) {
    t.kind = OutcomeKind::generic;
    needed.assign(std::begin(k_generic), std::end(k_generic));
  } else {
    std::string names;
    for (std::size_t i = 0; i < t.header.size() && i < 12; ++i) {
      names += (i ? ", " : "") + t.header[i];
    }
    throw DataError(path, header_line,
                    "the header (" + names +
                        ") lacks a complete set of metafor's columns: ai bi ci di (or ai n1i ci n2i) for "
                        "counts, m1i sd1i n1i m2i sd2i n2i for means, or yi vi for effect sizes");
  }
  std::vector<std::size_t> cols;
  for (const char* n : needed) {
    cols.push_back(*t.column(n));
  }
  const auto study_col = t.column("study");

  while (in.next(fields)) {
    const auto start = static_cast<unsigned long>(in.line());
    for (std::string& f : fields) {
      f = trimmed(f);
    }
    while (fields.size() > t.header.size() && fields.back().empty()) {
      fields.pop_back();
    }
    if (fields.size() != t.header.size()) {
      throw DataError(path, start,
                      "the row has " + std::to_string(fields.size()) + " cells but the header has " +
                          std::to_string(t.header.size()));
    }
    OutcomeRow row;
    row.line = start;
    row.study = study_col ? fields[*study_col] : "";
    if (row.study.empty()) {
      row.study = "row " + std::to_string(t.rows.size() + 1);
    }
    std::vector<double> v;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string& cell = fields[cols[c]];
      const auto n = parse_number(cell);
      if (!n) {
        throw DataError(path, start,
                        std::string("column ") + needed[c] + ": " +
                            (cell.empty() ? std::string("empty cell") : "not a number: \"" + cell + "\""));
      }
      v.push_back(*n);
    }
    auto bad = [&](std::size_t c, const std::string& what) {
      throw DataError(path, start, std::string("column ") + needed[c] + ": " + what);
    };
    switch (t.kind) {
    case OutcomeKind::binary:
      for (std::size_t c = 0; c < 4; ++c) {
        if (v[c] < 0) {
          bad(c, "negative count " + fields[cols[c]]);
        }
      }
      if (counts_with_n) {
        if (v[0] > v[1]) {
          bad(0, "more events (" + fields[cols[0]] + ") than participants in the arm (n1i " + fields[cols[1]] + ")");
        }
        if (v[2] > v[3]) {
          bad(2, "more events (" + fields[cols[2]] + ") than participants in the arm (n2i " + fields[cols[3]] + ")");
        }
        row.counts = {v[0], v[1] - v[0], v[2], v[3] - v[2]};
      } else {
        row.counts = {v[0], v[1], v[2], v[3]};
      }
      if (row.counts.ai + row.counts.bi <= 0) {
        bad(0, "the experimental arm has no participants");
      }
      if (row.counts.ci + row.counts.di <= 0) {
        bad(2, "the comparator arm has no participants");
      }
      break;
    case OutcomeKind::continuous:
      if (v[1] < 0) {
        bad(1, "negative standard deviation " + fields[cols[1]]);
      }
      if (v[4] < 0) {
        bad(4, "negative standard deviation " + fields[cols[4]]);
      }
      if (v[2] <= 0) {
        bad(2, "the arm size must be positive, not " + fields[cols[2]]);
      }
      if (v[5] <= 0) {
        bad(5, "the arm size must be positive, not " + fields[cols[5]]);
      }
      row.arms = {v[0], v[1], v[2], v[3], v[4], v[5]};
      break;
    case OutcomeKind::generic:
      if (v[1] <= 0) {
        bad(1, "the sampling variance must be positive, not " + fields[cols[1]]);
      }
      row.given = {v[0], v[1]};
      break;
    }
    row.fields = std::move(fields);
    t.rows.push_back(std::move(row));
  }
  if (t.rows.empty()) {
    throw DataError(path, header_line, "the file has a header but no studies");
  }
  return t;
}

} // namespace litrev
