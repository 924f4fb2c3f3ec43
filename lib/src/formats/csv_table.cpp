// Delimited-text row splitting (see csv_table.hpp for the dialect).
#include "formats/csv_table.hpp"

#include <filesystem>

#include <litrev/error.hpp>

#include "formats/text_input.hpp"

namespace litrev::csv_table {

bool RowParser::feed(std::string_view line) {
  if (m_started) {
    // A quoted field went on past a line end.
    m_field += '\n';
    ++m_bytes;
  }
  m_started = true;
  m_bytes += line.size();
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (m_in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          m_field += '"';
          i += 2;
          continue;
        }
        m_in_quotes = false;
        ++i;
        continue;
      }
      m_field += c;
      ++i;
      continue;
    }
    if (c == m_delimiter) {
      finish_field();
      ++i;
      continue;
    }
    if (c == '"' && m_quoting && m_field.empty() && !m_was_quoted) {
      m_in_quotes = true;
      m_was_quoted = true;
      ++i;
      continue;
    }
    m_field += c;
    ++i;
  }
  return !m_in_quotes;
}

void RowParser::finish_field() {
  if (!m_quoting && !m_was_quoted && m_field.size() >= 2 && m_field.front() == '"' && m_field.back() == '"') {
    // Excel's tab export quotes a field that holds quotes: unwrap it.
    std::string inner;
    for (std::size_t k = 1; k + 1 < m_field.size(); ++k) {
      inner += m_field[k];
      if (m_field[k] == '"' && k + 2 < m_field.size() && m_field[k + 1] == '"') {
        ++k;
      }
    }
    m_field = std::move(inner);
  }
  m_fields.push_back(std::move(m_field));
  m_field.clear();
  m_was_quoted = false;
}

std::vector<std::string> RowParser::take() {
  finish_field();
  std::vector<std::string> out = std::move(m_fields);
  m_fields.clear();
  m_field.clear();
  m_in_quotes = false;
  m_was_quoted = false;
  m_started = false;
  m_bytes = 0;
  return out;
}

char detect_delimiter(std::string_view header_line) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  std::size_t tabs = 0;
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted) {
      commas += c == ',';
      semicolons += c == ';';
      tabs += c == '\t';
    }
  }
  if (tabs > commas && tabs >= semicolons && tabs > 0) {
    return '\t';
  }
  if (semicolons > commas) {
    return ';';
  }
  return ',';
}

std::vector<std::vector<std::string>> parse_rows(std::string_view text, char delimiter, std::size_t max_rows,
                                                 bool complete) {
  std::vector<std::vector<std::string>> rows;
  RowParser parser(delimiter, delimiter != '\t');
  std::size_t pos = 0;
  bool open = false;
  while (pos < text.size() && rows.size() < max_rows) {
    std::size_t end = text.find_first_of("\r\n", pos);
    const bool last = end == std::string_view::npos;
    if (last) {
      end = text.size();
    }
    const std::string_view line = text.substr(pos, end - pos);
    pos = end;
    if (!last) {
      pos += (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1;
    }
    if (!open && line.empty()) {
      continue;
    }
    if (last && !complete) {
      // The head may stop inside this row: leave it out.
      break;
    }
    open = !parser.feed(line);
    if (!open) {
      rows.push_back(parser.take());
    }
  }
  return rows;
}

struct CsvFile::Input {
  explicit Input(const std::string& path) : text(path, path) {}
  TextInput text;
};

CsvFile::CsvFile(const std::string& path, std::size_t max_row_bytes) : m_path(path), m_max(max_row_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    throw DataError(path, 0, "no such file");
  }
  if (std::filesystem::is_directory(status)) {
    throw DataError(path, 0, "is a directory, not a CSV file");
  }
  m_in = std::make_unique<Input>(path);
}

CsvFile::~CsvFile() = default;

bool CsvFile::next(std::vector<std::string>& fields) {
  std::string line;
  m_start = 0;
  while (m_in->text.next_line(line)) {
    if (m_start == 0) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        continue; // blank lines between rows
      }
      m_start = m_in->text.line_number();
      if (!m_parser) {
        m_delimiter = detect_delimiter(line);
        m_parser = std::make_unique<RowParser>(m_delimiter, m_delimiter != '\t');
      }
    }
    if (m_parser->feed(line)) {
      fields = m_parser->take();
      return true;
    }
    if (m_parser->size() > m_max) {
      throw DataError(m_path, m_start, "the row is longer than " + std::to_string(m_max >> 20) +
                                           " MiB (a quote that is never closed?)");
    }
  }
  if (m_start != 0) {
    throw DataError(m_path, m_start, "the file ends inside a quoted field of the row starting here");
  }
  return false;
}

} // namespace litrev::csv_table
