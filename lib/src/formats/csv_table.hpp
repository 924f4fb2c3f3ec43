// Private: splitting delimited text (CSV, semicolon- and tab-separated) into
// rows of fields, for the CSV reader (csv.cpp) and its sniffer.
//
// Dialect (RFC 4180, made lenient the way spreadsheet programs are):
// - fields are separated by the delimiter; a row ends at a line end that is
//   not inside quotes, so a quoted field may span lines (its line ends
//   become "\n");
// - a field that starts with '"' is quoted: "" inside it is one quote, and
//   the field ends at the next lone quote; text between that quote and the
//   next delimiter is kept as it is ("a"b -> ab);
// - a quote inside an unquoted field is an ordinary character;
// - with `quoting` off (tab-separated files, which by the IANA definition
//   have no quoting), every character is literal, except that a field both
//   starting and ending with '"' is unwrapped (Excel's tab export).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace litrev::csv_table {

class RowParser {
public:
  RowParser(char delimiter, bool quoting) : m_delimiter(delimiter), m_quoting(quoting) {}

  // Adds one line (without its line end) to the row being read. Returns true
  // when the row is complete; false when a quoted field goes on to the next
  // line, which the caller then feeds.
  bool feed(std::string_view line);

  // True while a quoted field is open (the row needs more lines).
  bool in_quotes() const noexcept { return m_in_quotes; }

  // The fields of the completed row; the parser is ready for the next row
  // afterwards. Also usable after a row left open at the end of the input.
  std::vector<std::string> take();

  // Bytes held for the current row (for size caps).
  std::size_t size() const noexcept { return m_bytes; }

private:
  void finish_field();

  char m_delimiter;
  bool m_quoting;
  std::vector<std::string> m_fields;
  std::string m_field;
  bool m_in_quotes = false;
  bool m_was_quoted = false; // the current field started with a quote
  bool m_started = false;    // the row has begun
  std::size_t m_bytes = 0;
};

// The delimiter a header line uses: ',' unless it has more ';' or tab
// characters outside quotes than commas.
char detect_delimiter(std::string_view header_line);

// Splits `text` (the first bytes of a file, without BOM) into up to
// `max_rows` rows with `delimiter`. The last row is dropped when `text` may
// have been cut inside it (`complete` false) and the row is left open.
std::vector<std::vector<std::string>> parse_rows(std::string_view text, char delimiter, std::size_t max_rows,
                                                 bool complete);

// A small delimited file (a table a person made: dedup sets, outcome data,
// decisions) read row by row: encodings and BOM as TextInput reads them,
// the delimiter detected from the first non-blank line, blank lines between
// rows skipped, quoted fields across lines.
class CsvFile {
public:
  // Opens `path`. Throws DataError(path, 0, ...) when it does not exist or
  // is a directory, IoError when it cannot be read.
  CsvFile(const std::string& path, std::size_t max_row_bytes);
  ~CsvFile();
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  // Reads the next row (the first is usually the header). Returns false at
  // the end of the file. Throws DataError(path, line the row starts on, ...)
  // when the file ends inside a quoted field or a row grows past
  // `max_row_bytes` (a quote never closed).
  bool next(std::vector<std::string>& fields);

  // The 1-based line the last row started on (0 before the first).
  std::uint64_t line() const noexcept { return m_start; }
  char delimiter() const noexcept { return m_delimiter; }

private:
  struct Input;
  std::string m_path;
  std::size_t m_max;
  std::unique_ptr<Input> m_in;
  std::unique_ptr<RowParser> m_parser;
  char m_delimiter = ',';
  std::uint64_t m_start = 0;
};

} // namespace litrev::csv_table
