// The BibTeX / BibLaTeX reader.
//
// Dialect. A hand-written streaming parser over the text of the file (read
// line by line through TextInput: gzip, BOM, UTF-16, cp1252 fallback):
// - entries `@type{key, name = value, ...}` or `@type(key, ...)`; types and
//   field names are case-insensitive; white space (also line ends) is free
//   between tokens; comma-first layout works; a key may hold spaces
//   (Scopus writes "@article{Conference paper2022775,"); an entry without a
//   key (`@misc{title = {x}}`) is accepted;
// - values: `{...}` with nested braces, `"..."` (braces inside balance),
//   bare numbers, macro names, joined with `#`; macros come from @string and
//   the predefined month names jan..dec; an undefined macro stands for its
//   own name (BibTeX would use an empty string and warn; keeping the name
//   loses nothing);
// - @string defines macros, @preamble and @comment are skipped, text outside
//   entries is ignored, and so are lines starting with '%' between entries
//   and where a field name is expected;
// - a field name may contain a space (Scopus' "funding_text 1");
// - a missing comma between two fields is recovered from;
// - a malformed entry (no '=' after a field name, a value that does not
//   start, an entry not closed before the next line starting with "@type{")
//   is reported as a RecordError for that entry; reading resumes at the next
//   line that starts with '@';
// - an entry of type @set is not a record and is skipped; @xdata entries
//   only lend fields.
//
// crossref / xdata. A child takes the fields it lacks from its parent
// (BibLaTeX's default inheritance: a book's title becomes the booktitle of
// an @inbook/@incollection/@inproceedings child, a periodical's title the
// journaltitle of an article; identifiers, URLs and abstracts are never
// inherited, so a chapter does not take the DOI of its book). Chains are
// followed to 16 levels; cycles (including self references) stop.
// Memory: BibTeX wants the parent after its children, so a child waits in
// memory until its parent has been read; then it is returned, right after
// the parent. Parents that some child named are kept until the end of the
// file. When a parent came *before* the child that names it, the reader
// reads the file a second time at the end, keeping only the missing
// parents, and returns the waiting children then. A file without crossref
// or xdata holds one entry in memory at a time.
//
// Mapping. author -> authors ("Last, First", "First von Last", "von Last,
// Jr, First"; split on " and " at brace depth 0; a name in its own braces,
// {{World Health Organization}}, is a collective author); title (+
// subtitle); journal / journaltitle; shortjournal / Journal-ISO /
// abbrev_source_title -> ISO abbreviation; booktitle; date, else year and
// month (month macros, numbers, "NOV-DEC", "MAR 1"); volume; number / issue;
// pages ("--" -> "-"), else the article number (art_number, Article-Number,
// articleno, eid); doi (also from a doi.org url); pmid, pmcid, eprint with
// eprinttype pubmed / pmc / arxiv; issn / eissn; abstract; keywords,
// author_keywords (split on ';' or ','); language / langid; publisher; the
// entry type name in lower case as the first publication type ("article"),
// then WoS' Type / Scopus' document_type; the kind from that document type
// when it names one ("Book Chapter"), else from the entry type (books and
// their parts "book-chapter", everything else "article": the kinds the
// record schema has); Scopus' source={Scopus} and WoS' "WOS:" keys and
// Unique-ID give the database; the Unique-ID ("WOS:..."; "ISI:" becomes
// "WOS:") and a Scopus EID (from the url) are kept as other ids ("wos",
// "scopus"); Europe PMC's "PMID:n" keys give the PMID; otherids, which
// litrev's export writes ("NCT01234567 [nct]; L123 [embase]"), gives the
// NCT id, the PII and other ids (ref_fields add_listed_ids). Every other field
// (isbn, note, url, editor, ...) is kept raw (macros expanded, LaTeX as
// written, white space folded) in extra_fields, in file order, after the
// citation key {"citation-key", key}. LaTeX in values becomes Unicode
// (latex.hpp); HTML entities and inline tags (WoS, Europe PMC) are removed.
// A record with neither a title nor an identifier is a RecordError.
#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <litrev/error.hpp>

#include "formats/latex.hpp"
#include "formats/readers.hpp"
#include "formats/ref_fields.hpp"
#include "formats/text_input.hpp"
#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev {

namespace {

namespace rf = ref_fields;

constexpr std::size_t k_max_value_bytes = std::size_t{16} << 20;
constexpr std::size_t k_max_fields = 10000;
constexpr std::size_t k_max_macros = 100000;
constexpr std::size_t k_max_macro_bytes = std::size_t{64} << 20;
constexpr std::size_t k_max_waiting = 1000000;
constexpr int k_max_chain = 16;
constexpr int k_max_rescans = 4;

bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_ident_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == ':' || c == '.' || c == '+' || c == '/' || c == '\'' || c == '!' || c == '?' || c == '*' ||
         c == '&' || c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '|' || c == '^' ||
         c == '`' || c == '~' || c == '$' || c == '\\' || c >= 0x80;
}

bool is_type_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == ':';
}

// True when `line` (white space allowed first) starts an entry: "@type{" or
// "@type (".
bool starts_entry(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
    ++i;
  }
  if (i >= line.size() || line[i] != '@') {
    return false;
  }
  ++i;
  const std::size_t start = i;
  while (i < line.size() && is_type_char(static_cast<unsigned char>(line[i]))) {
    ++i;
  }
  if (i == start) {
    return false;
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
    ++i;
  }
  return i < line.size() && (line[i] == '{' || line[i] == '(');
}

// Characters of the file, one at a time, with '\n' after every line.
class CharSource {
public:
  explicit CharSource(TextInput& in) : m_in(in) {}

  int peek() {
    if (m_pos >= m_line.size() && !load()) {
      return -1;
    }
    return static_cast<unsigned char>(m_line[m_pos]);
  }

  int get() {
    const int c = peek();
    if (c >= 0) {
      ++m_pos;
    }
    return c;
  }

  // The line of the next character.
  std::uint64_t line() {
    peek();
    return m_line_no;
  }

  bool at_line_start() {
    peek();
    return m_pos == 0;
  }

  // The rest of the current line, without its '\n'.
  std::string_view rest_of_line() {
    peek();
    std::string_view rest(m_line);
    rest.remove_prefix(std::min(m_pos, rest.size()));
    if (!rest.empty() && rest.back() == '\n') {
      rest.remove_suffix(1);
    }
    return rest;
  }

  void skip_line() {
    peek();
    m_pos = m_line.size();
  }

  // True when only blanks come before the next character on its line.
  bool only_blanks_before() {
    peek();
    for (std::size_t i = 0; i < m_pos && i < m_line.size(); ++i) {
      if (m_line[i] != ' ' && m_line[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  // Moves `n` bytes ahead within the current line.
  void advance(std::size_t n) { m_pos = std::min(m_line.size(), m_pos + n); }

private:
  bool load() {
    if (m_eof) {
      return false;
    }
    if (!m_in.next_line(m_line)) {
      m_eof = true;
      m_line.clear();
      m_pos = 0;
      return false;
    }
    m_line += '\n';
    m_pos = 0;
    m_line_no = m_in.line_number();
    return true;
  }

  TextInput& m_in;
  std::string m_line;
  std::size_t m_pos = 0;
  std::uint64_t m_line_no = 0;
  bool m_eof = false;
};

struct Field {
  std::string name; // as written
  std::string lname; // lower case
  std::string value; // raw: macros expanded, LaTeX kept
};

struct RawEntry {
  std::string type; // lower case
  std::string key;
  std::vector<Field> fields;
  std::uint64_t line = 0;
  std::vector<std::string> refs; // crossref and xdata keys, lower case

  const Field* find(std::string_view lname) const {
    for (const auto& f : fields) {
      if (f.lname == lname) {
        return &f;
      }
    }
    return nullptr;
  }
};

// A malformed entry: where, and what is wrong.
struct EntryError {
  std::uint64_t line;
  std::string problem;
  bool resync_here; // the next entry starts at the current position
};

const char* const k_month_macros[12][2] = {
    {"jan", "January"}, {"feb", "February"}, {"mar", "March"},     {"apr", "April"},
    {"may", "May"},     {"jun", "June"},     {"jul", "July"},      {"aug", "August"},
    {"sep", "September"}, {"oct", "October"}, {"nov", "November"}, {"dec", "December"}};

// The tokenizer and entry parser. next() returns entries (and @string
// definitions as a side effect); a malformed entry throws EntryError after
// moving to where reading can resume.
class EntryParser {
public:
  explicit EntryParser(TextInput& in) : m_src(in) {}

  // Reads the next entry of a record-like type (not @string, @preamble,
  // @comment). Returns false at the end of the file.
  bool next(RawEntry& entry) {
    for (;;) {
      if (!skip_to_entry()) {
        return false;
      }
      const std::uint64_t at_line = m_src.line();
      m_src.get(); // '@'
      std::string type;
      while (is_type_char(m_src.peek()) && type.size() < 64) {
        type += static_cast<char>(std::tolower(m_src.get()));
      }
      skip_space();
      const int open = m_src.peek();
      if (type.empty() || (open != '{' && open != '(')) {
        continue; // an '@' in text outside entries
      }
      m_src.get();
      const char close = open == '{' ? '}' : ')';
      if (type == "comment") {
        skip_comment(open, close, at_line);
        continue;
      }
      if (type == "preamble") {
        guarded([&] {
          std::string ignored;
          read_value(ignored, "@preamble", close);
          expect_close(close, at_line, "@preamble");
        });
        continue;
      }
      if (type == "string") {
        guarded([&] { read_string_definition(close, at_line); });
        continue;
      }
      entry = RawEntry{};
      entry.type = std::move(type);
      entry.line = at_line;
      guarded([&] { read_body(entry, close); });
      return true;
    }
  }

private:
  // Runs `f`; on a malformed entry, moves to the next line starting with
  // '@' (unless the error says the next entry starts right here) and
  // rethrows.
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (EntryError& e) {
      if (!e.resync_here) {
        m_src.skip_line();
      }
      m_resync = true;
      throw;
    }
  }

  // Moves to the next '@' that can start an entry. After an error, only an
  // '@' at the start of a line counts. Lines whose first non-blank
  // character is '%' are comments.
  bool skip_to_entry() {
    for (;;) {
      const int c = m_src.peek();
      if (c < 0) {
        return false;
      }
      if (m_src.at_line_start()) {
        const std::string_view rest = m_src.rest_of_line();
        const std::string_view t = rf::trim(rest);
        if (!t.empty() && t.front() == '%') {
          m_src.skip_line();
          continue;
        }
        if (starts_entry(rest)) {
          m_src.advance(rest.find('@'));
          m_resync = false;
          return true;
        }
        if (m_resync) {
          m_src.skip_line();
          continue;
        }
      }
      if (c == '@' && !m_resync) {
        return true;
      }
      m_src.get();
    }
  }

  void skip_space() {
    while (is_space(m_src.peek())) {
      m_src.get();
    }
  }

  // White space and '%' comment lines, inside an entry between fields. An
  // entry that starts on a new line means this one was not closed.
  void skip_space_in_entry(const RawEntry* entry) {
    for (;;) {
      const int c = m_src.peek();
      if (is_space(c)) {
        m_src.get();
        continue;
      }
      if (c == '%') {
        m_src.skip_line();
        continue;
      }
      if (c == '@' && entry != nullptr && m_src.only_blanks_before() && starts_entry(m_src.rest_of_line())) {
        throw EntryError{entry->line,
                         "entry" + key_words(*entry) + " is not closed before the next entry at line " +
                             std::to_string(m_src.line()),
                         true};
      }
      return;
    }
  }

  static std::string key_words(const RawEntry& e) {
    return e.key.empty() ? std::string() : " '" + excerpt(e.key, 60) + "'";
  }

  void skip_comment(int open, char close, std::uint64_t at_line) {
    int depth = 1;
    for (;;) {
      const int c = m_src.get();
      if (c < 0) {
        m_resync = true;
        throw EntryError{at_line, "file ends inside the @comment started at line " + std::to_string(at_line),
                         true};
      }
      if (c == open) {
        ++depth;
      } else if (c == close && --depth == 0) {
        return;
      }
    }
  }

  void expect_close(char close, std::uint64_t at_line, const std::string& what) {
    skip_space_in_entry(nullptr);
    const int c = m_src.peek();
    if (c == close) {
      m_src.get();
      return;
    }
    if (c < 0) {
      throw EntryError{at_line, "file ends inside " + what + " started at line " + std::to_string(at_line), true};
    }
    throw EntryError{m_src.line(), what + " started at line " + std::to_string(at_line) + ": expected '" +
                                       std::string(1, close) + "', found " + describe(c),
                     false};
  }

  static std::string describe(int c) {
    if (c < 0) {
      return "the end of the file";
    }
    if (c == '\n') {
      return "a line end";
    }
    if (c >= 0x20 && c < 0x7F) {
      return std::string("'") + static_cast<char>(c) + "'";
    }
    return "a non-ASCII character";
  }

  void read_string_definition(char close, std::uint64_t at_line) {
    skip_space_in_entry(nullptr);
    std::string name;
    while (is_ident_char(m_src.peek()) && m_src.peek() != '=' && name.size() < 256) {
      name += static_cast<char>(m_src.get());
    }
    skip_space_in_entry(nullptr);
    if (name.empty() || m_src.peek() != '=') {
      throw EntryError{m_src.line(), "@string at line " + std::to_string(at_line) + " is not \"name = value\"",
                       false};
    }
    m_src.get();
    std::string value;
    read_value(value, "@string " + name, close);
    skip_space_in_entry(nullptr);
    if (m_src.peek() == ',') {
      m_src.get();
    }
    expect_close(close, at_line, "@string");
    // Beyond the caps (no real file comes near them) definitions are
    // ignored, so a hostile file cannot take all memory.
    if (m_macros.size() < k_max_macros && m_macro_bytes + value.size() <= k_max_macro_bytes) {
      m_macro_bytes += value.size();
      m_macros[rf::lower(name)] = std::move(value);
    }
  }

  // Reads "key, name = value, ..." up to the closing delimiter.
  void read_body(RawEntry& entry, char close) {
    skip_space_in_entry(&entry);
    // The key: up to ',' (a key may hold spaces), the closing delimiter, or
    // '=' when there is no key or its comma is missing.
    std::string key;
    for (;;) {
      const int c = m_src.peek();
      if (c < 0 || c == ',' || c == close || c == '=' || c == '{' || c == '}' || c == '"' || c == '(' ||
          c == ')' || key.size() > 1000) {
        break;
      }
      key += static_cast<char>(m_src.get());
      if (c == '\n' && starts_entry(m_src.rest_of_line())) {
        throw EntryError{entry.line, "entry is not closed before the next entry at line " +
                                         std::to_string(m_src.line()),
                         true};
      }
    }
    const int stop = m_src.peek();
    std::string pending_name;
    if (stop == '=') {
      // "@misc{title = ..." (no key) or "@misc{key\n title = ..." (no comma).
      const std::string_view k = rf::trim(key);
      const std::size_t ws = k.find_last_of(" \t\r\n");
      if (ws == std::string_view::npos) {
        pending_name = std::string(k);
      } else {
        entry.key = std::string(rf::trim(k.substr(0, ws)));
        pending_name = std::string(k.substr(ws + 1));
      }
    } else {
      entry.key = std::string(rf::trim(key));
      fold_xml_space(entry.key);
      if (stop == ',') {
        m_src.get();
      } else if (stop == close) {
        m_src.get();
        return;
      } else if (stop < 0) {
        throw EntryError{entry.line, "unterminated entry" + key_words(entry) + " starting at line " +
                                         std::to_string(entry.line),
                         true};
      } else {
        throw EntryError{m_src.line(), "entry" + key_words(entry) + " starting at line " +
                                           std::to_string(entry.line) + ": unexpected " + describe(stop) +
                                           " after the key",
                         false};
      }
    }
    for (;;) {
      std::string name;
      if (!pending_name.empty()) {
        name = std::move(pending_name);
        pending_name.clear();
      } else {
        skip_space_in_entry(&entry);
        const int c = m_src.peek();
        if (c == close) {
          m_src.get();
          return;
        }
        if (c == ',') {
          m_src.get();
          continue;
        }
        if (c < 0) {
          throw EntryError{entry.line, "unterminated entry" + key_words(entry) + " starting at line " +
                                           std::to_string(entry.line),
                           true};
        }
        name = read_field_name(entry);
      }
      skip_space_in_entry(&entry);
      if (m_src.peek() != '=') {
        const bool name_like = std::all_of(name.begin(), name.end(), [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == ':' || ch == '.' ||
                 ch == ' ' || ch == '+' || ch == '/';
        });
        if (!name_like && !entry.fields.empty()) {
          throw EntryError{m_src.line(), "entry" + key_words(entry) + " starting at line " +
                                             std::to_string(entry.line) + ": text after the value of '" +
                                             excerpt(entry.fields.back().name, 60) +
                                             "' is not a field (are the braces in that value balanced?)",
                           false};
        }
        throw EntryError{m_src.line(), "entry" + key_words(entry) + " starting at line " +
                                           std::to_string(entry.line) + ": expected '=' after field name '" +
                                           excerpt(name, 60) + "', found " + describe(m_src.peek()),
                         false};
      }
      m_src.get();
      Field field;
      field.name = name;
      field.lname = rf::lower(name);
      read_value(field.value, "field '" + excerpt(name, 60) + "'", close, &entry);
      if (entry.fields.size() >= k_max_fields) {
        throw EntryError{entry.line, "entry" + key_words(entry) + " starting at line " +
                                         std::to_string(entry.line) + " has more than " +
                                         std::to_string(k_max_fields) + " fields",
                         false};
      }
      entry.fields.push_back(std::move(field));
      skip_space_in_entry(&entry);
      const int after = m_src.peek();
      if (after == ',') {
        m_src.get();
      } else if (after == close) {
        m_src.get();
        return;
      } else if (after >= 0 && is_ident_char(after) && after != '$' && after != '\\') {
        // A missing comma: the next field begins right away.
        continue;
      } else if (after < 0) {
        throw EntryError{entry.line, "unterminated entry" + key_words(entry) + " starting at line " +
                                         std::to_string(entry.line),
                         true};
      } else {
        throw EntryError{m_src.line(), "entry" + key_words(entry) + " starting at line " +
                                           std::to_string(entry.line) + ": expected ',' or '" +
                                           std::string(1, close) + "' after the value of '" +
                                           excerpt(name, 60) + "', found " + describe(after),
                         false};
      }
    }
  }

  // A field name: up to '=', spaces inside allowed ("funding_text 1").
  std::string read_field_name(const RawEntry& entry) {
    std::string name;
    for (;;) {
      const int c = m_src.peek();
      if (c < 0 || c == '=' || c == ',' || c == '{' || c == '}' || c == '"' || c == '#' || c == '(' || c == ')' ||
          c == '\n' || name.size() > 200) {
        break;
      }
      name += static_cast<char>(m_src.get());
    }
    fold_xml_space(name);
    if (name.empty()) {
      throw EntryError{m_src.line(), "entry" + key_words(entry) + " starting at line " +
                                         std::to_string(entry.line) + ": expected a field name, found " +
                                         describe(m_src.peek()),
                       false};
    }
    return name;
  }

  // value = part ('#' part)*; part = {...} | "..." | number | macro.
  void read_value(std::string& out, const std::string& what, char close, const RawEntry* entry = nullptr) {
    out.clear();
    for (;;) {
      skip_space_in_entry(entry);
      const int c = m_src.peek();
      if (c == '{') {
        m_src.get();
        read_delimited(out, '}', what);
      } else if (c == '"') {
        m_src.get();
        read_delimited(out, '"', what);
      } else if (c >= 0 && c != close && c != ',' && c != '#' && c != '}' && c != '=' && is_ident_char(c)) {
        std::string word;
        while (m_src.peek() >= 0 && is_ident_char(m_src.peek()) && m_src.peek() != close && word.size() < 1000) {
          word += static_cast<char>(m_src.get());
        }
        if (std::all_of(word.begin(), word.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
          out += word;
        } else {
          out += macro(word);
        }
      } else {
        const std::uint64_t line = entry != nullptr ? entry->line : m_src.line();
        throw EntryError{m_src.line(),
                         (entry != nullptr ? "entry" + key_words(*entry) + " starting at line " +
                                                 std::to_string(line) + ": "
                                           : std::string()) +
                             "expected a value for " + what + ", found " + describe(c),
                         false};
      }
      if (out.size() > k_max_value_bytes) {
        throw EntryError{m_src.line(), what + " is longer than 16 MiB", false};
      }
      skip_space_in_entry(entry);
      if (m_src.peek() != '#') {
        return;
      }
      m_src.get();
    }
  }

  std::string macro(const std::string& name) {
    const std::string l = rf::lower(name);
    if (const auto it = m_macros.find(l); it != m_macros.end()) {
      return it->second;
    }
    for (const auto& m : k_month_macros) {
      if (l == m[0]) {
        return m[1];
      }
    }
    return name;
  }

  // Reads up to `end` ('}' or '"') at brace depth 0, appending the raw text.
  // A line that starts an entry ("@article{") inside the value means the
  // value was never closed.
  void read_delimited(std::string& out, char end, const std::string& what) {
    const std::uint64_t start_line = m_src.line();
    int depth = 0;
    for (;;) {
      if (m_src.at_line_start() && starts_entry(m_src.rest_of_line()) && m_src.line() != start_line) {
        throw EntryError{start_line,
                         "the value of " + what + " starting at line " + std::to_string(start_line) +
                             " is not closed before the entry at line " + std::to_string(m_src.line()),
                         true};
      }
      const int c = m_src.get();
      if (c < 0) {
        throw EntryError{start_line,
                         "file ends inside the value of " + what + " started at line " + std::to_string(start_line),
                         true};
      }
      if (c == '\\') {
        out += '\\';
        const int n = m_src.peek();
        if (n >= 0 && n != '\n') {
          out += static_cast<char>(m_src.get());
        }
        continue;
      }
      if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (depth == 0) {
          if (end == '}') {
            return;
          }
          // An unbalanced '}' inside quotes: keep it as text.
          out += '}';
          continue;
        }
        --depth;
      } else if (c == '"' && end == '"' && depth == 0) {
        return;
      }
      out += static_cast<char>(c);
      if (out.size() > k_max_value_bytes) {
        throw EntryError{start_line, "the value of " + what + " is longer than 16 MiB", false};
      }
    }
  }

  CharSource m_src;
  std::map<std::string, std::string> m_macros;
  std::size_t m_macro_bytes = 0;
  bool m_resync = false;
};

// ---------------------------------------------------------------------------
// Names

// Splits `raw` at depth-0 occurrences of `sep` (a single byte).
std::vector<std::string> split_depth0(std::string_view raw, char sep) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      cur += c;
      cur += raw[++i];
      continue;
    }
    if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0) {
      --depth;
    }
    if (c == sep && depth == 0) {
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(std::move(cur));
  return out;
}

// Words of a name part at brace depth 0.
std::vector<std::string> words_depth0(std::string_view raw) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      cur += c;
      cur += raw[++i];
      continue;
    }
    if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0) {
      --depth;
    }
    if (depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~')) {
      if (!cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) {
    out.push_back(std::move(cur));
  }
  return out;
}

// Splits an author list on " and " (any case) at brace depth 0.
std::vector<std::string> split_and(std::string_view raw) {
  std::vector<std::string> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      ++i;
      continue;
    }
    if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0) {
      --depth;
    } else if (depth == 0 && is_space(static_cast<unsigned char>(c)) && i + 4 < raw.size() &&
               rf::iequals(raw.substr(i + 1, 3), "and") && is_space(static_cast<unsigned char>(raw[i + 4]))) {
      out.emplace_back(raw.substr(start, i - start));
      i += 4;
      start = i;
    }
  }
  out.emplace_back(raw.substr(start));
  return out;
}

// True when `raw` is one brace group: "{World Health Organization}".
bool one_group(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '{' || raw.back() != '}') {
    return false;
  }
  int depth = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      ++i;
      continue;
    }
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
      if (depth == 0 && i + 1 < raw.size()) {
        return false;
      }
    }
  }
  return depth == 0;
}

// A name word is lower-case ("von") when its first letter at depth 0 is; a
// word starting with a protected group "{Van}" is not, but a special
// character "{\"o}..." counts by its letter.
bool word_is_lower(std::string_view raw, const std::string& text) {
  if (!raw.empty() && raw.front() == '{' && (raw.size() < 2 || raw[1] != '\\')) {
    return false;
  }
  const auto words = rf::name_words(text);
  return !words.empty() && words.front().lower;
}

// BibLaTeX's extended name format: "given=A, family=B, prefix=von".
bool parse_extended_name(const std::vector<std::string>& parts, Author& author) {
  bool any = false;
  std::string given;
  std::string family;
  std::string prefix;
  std::string suffix;
  for (const auto& p : parts) {
    const std::string_view t = rf::trim(p);
    const std::size_t eq = t.find('=');
    if (eq == std::string_view::npos) {
      return false;
    }
    const std::string key = rf::lower(rf::trim(t.substr(0, eq)));
    const std::string value = latex::to_unicode(rf::trim(t.substr(eq + 1)));
    if (key == "given") {
      given = value;
    } else if (key == "family") {
      family = value;
    } else if (key == "prefix") {
      prefix = value;
    } else if (key == "suffix") {
      suffix = value;
    } else if (key != "useprefix" && key != "given-i" && key != "family-i") {
      return false;
    }
    any = true;
  }
  if (!any) {
    return false;
  }
  author.family = prefix.empty() ? family : prefix + " " + family;
  author.given = given;
  author.suffix = suffix;
  author.initials = rf::initials_of(given);
  return true;
}

std::vector<Author> parse_names(std::string_view raw) {
  std::vector<Author> out;
  for (const auto& piece : split_and(raw)) {
    const std::string_view name = rf::trim(piece);
    if (name.empty() || rf::iequals(name, "others")) {
      continue;
    }
    Author a;
    if (one_group(name)) {
      a.collective = latex::to_unicode(name.substr(1, name.size() - 2));
      if (!a.collective.empty()) {
        out.push_back(std::move(a));
      }
      continue;
    }
    const auto parts = split_depth0(name, ',');
    if (parse_extended_name(parts, a)) {
      out.push_back(std::move(a));
      continue;
    }
    std::vector<std::vector<rf::NameWord>> word_parts;
    for (const auto& part : parts) {
      std::vector<rf::NameWord> words;
      for (const auto& w : words_depth0(part)) {
        std::string text = latex::to_unicode(w);
        if (text.empty()) {
          continue;
        }
        const bool low = word_is_lower(w, text);
        words.push_back({std::move(text), low});
      }
      word_parts.push_back(std::move(words));
    }
    if (parts.size() == 1) {
      const std::string plain = latex::to_unicode(name);
      if (rf::looks_corporate(plain)) {
        a.collective = plain;
        out.push_back(std::move(a));
        continue;
      }
    }
    a = rf::author_from_parts(word_parts, false);
    if (!a.family.empty() || !a.given.empty()) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Inheritance (crossref, xdata)

bool in_list(std::string_view s, std::initializer_list<const char*> list) {
  for (const char* item : list) {
    if (s == item) {
      return true;
    }
  }
  return false;
}

// Fields a child never takes from its parent.
bool never_inherited(std::string_view lname) {
  return in_list(lname, {"crossref", "xdata", "ids", "entryset", "key", "label", "shorthand", "doi", "eprint",
                         "eprinttype", "eprintclass", "archiveprefix", "primaryclass", "pmid", "pmcid", "url",
                         "urldate", "abstract", "file", "unique-id", "otherids", "eid", "art_number",
                         "article-number", "articleno", "related", "sortkey", "execute", "options"});
}

bool book_like(std::string_view type) {
  return in_list(type, {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
                        "reference", "mvreference", "booklet"});
}

bool in_book(std::string_view type) {
  return in_list(type, {"inbook", "bookinbook", "suppbook", "incollection", "suppcollection", "inproceedings",
                        "inreference", "conference"});
}

std::vector<std::string> references_of(const RawEntry& e) {
  std::vector<std::string> out;
  if (const Field* f = e.find("crossref")) {
    const std::string k = rf::lower(rf::trim(latex::to_unicode(f->value, latex::Mode::verbatim)));
    if (!k.empty()) {
      out.push_back(k);
    }
  }
  if (const Field* f = e.find("xdata")) {
    for (auto& k : rf::split_trimmed(latex::to_unicode(f->value, latex::Mode::verbatim), ',')) {
      out.push_back(rf::lower(k));
    }
  }
  return out;
}

// Adds to `child` the fields of `parent` it lacks, renamed by BibLaTeX's
// rules for the pair of types.
void inherit(RawEntry& child, const RawEntry& parent, bool xdata) {
  const bool book_pair = !xdata && book_like(parent.type) && in_book(child.type);
  const bool periodical_pair =
      !xdata && parent.type == "periodical" && (child.type == "article" || child.type == "suppperiodical");
  for (const auto& f : parent.fields) {
    if (never_inherited(f.lname)) {
      continue;
    }
    std::string target = f.lname;
    if (book_pair) {
      if (f.lname == "title") {
        target = "booktitle";
      } else if (f.lname == "subtitle") {
        target = "booksubtitle";
      } else if (f.lname == "titleaddon") {
        target = "booktitleaddon";
      } else if (f.lname == "author" && (parent.type == "book" || parent.type == "mvbook")) {
        target = "bookauthor";
      } else if (in_list(f.lname, {"shorttitle", "sorttitle", "indextitle", "indexsorttitle"})) {
        continue;
      }
    } else if (periodical_pair) {
      if (f.lname == "title") {
        target = "journaltitle";
      } else if (f.lname == "subtitle") {
        target = "journalsubtitle";
      } else if (in_list(f.lname, {"shorttitle", "sorttitle", "indextitle", "indexsorttitle", "titleaddon"})) {
        continue;
      }
    }
    if (child.find(target) == nullptr) {
      child.fields.push_back({target == f.lname ? f.name : target, target, f.value});
    }
  }
}

// ---------------------------------------------------------------------------
// Record mapping

std::string text_of(const std::string& raw) {
  return rf::clean_text(latex::to_unicode(raw));
}

std::string verbatim_of(const std::string& raw) {
  std::string v = latex::to_unicode(raw, latex::Mode::verbatim);
  fold_xml_space(v);
  return v;
}

std::string folded(const std::string& raw) {
  std::string v = raw;
  fold_xml_space(v);
  return v;
}

class RecordBuilder {
public:
  RecordBuilder(const RawEntry& entry, const ReaderOptions& options) : m_e(entry), m_options(options) {}

  Record build() {
    Record& r = m_r;
    r.source = "bibtex";
    std::vector<bool>& used = m_used;
    used.assign(m_e.fields.size(), false);
    auto take = [&](std::string_view lname) -> const Field* {
      for (std::size_t i = 0; i < m_e.fields.size(); ++i) {
        if (!used[i] && m_e.fields[i].lname == lname) {
          used[i] = true;
          return &m_e.fields[i];
        }
      }
      return nullptr;
    };
    auto take_any = [&](std::initializer_list<const char*> names) -> const Field* {
      for (const char* n : names) {
        if (const Field* f = take(n)) {
          return f;
        }
      }
      return nullptr;
    };

    // Authors.
    if (const Field* f = take("author")) {
      r.authors = parse_names(f->value);
      if (!r.authors.empty()) {
        rf::note_source(r, "authors", f->name);
      }
    }
    // Title.
    if (const Field* f = take("title")) {
      r.title = text_of(f->value);
      rf::note_source(r, "title", f->name);
      if (const Field* sub = take("subtitle")) {
        const std::string s = text_of(sub->value);
        if (!s.empty()) {
          const char last = r.title.empty() ? '.' : r.title.back();
          r.title += (last == '?' || last == '!' || last == ':' || last == '.') ? " " + s : ": " + s;
        }
      }
    }
    // Journal.
    if (const Field* f = take_any({"journal", "journaltitle", "journalfulltitle"})) {
      r.journal.title = text_of(f->value);
      rf::note_source(r, "journal.title", f->name);
      if (const Field* sub = take("journalsubtitle")) {
        const std::string s = text_of(sub->value);
        if (!s.empty()) {
          r.journal.title += ": " + s;
        }
      }
    }
    if (const Field* f = take_any({"shortjournal", "journal-iso", "abbrev_source_title", "journalabbr",
                                   "journal_abbrev", "journalabbreviation", "journal-abbrev"})) {
      r.journal.iso_abbrev = text_of(f->value);
      rf::note_source(r, "journal.iso_abbrev", f->name);
    }
    if (const Field* f = take("booktitle")) {
      r.book_title = text_of(f->value);
      rf::note_source(r, "book_title", f->name);
      if (const Field* sub = take("booksubtitle")) {
        const std::string s = text_of(sub->value);
        if (!s.empty()) {
          r.book_title += ": " + s;
        }
      }
    }
    // Dates: the BibLaTeX date wins over year and month.
    const Field* date = take("date");
    const Field* year = take("year");
    const Field* month = take("month");
    const Field* day = take("day");
    if (date != nullptr) {
      const std::string d = text_of(date->value);
      if (rf::parse_loose_date(d, r.pub_date) && r.pub_date.year != 0) {
        rf::note_source(r, "pub_date", date->name);
      } else {
        r.pub_date = PubDate{};
        keep_raw(date);
        date = nullptr;
      }
    }
    if (year != nullptr) {
      const std::string y = text_of(year->value);
      if (date == nullptr) {
        r.pub_date.year = rf::first_year(y);
        const bool plain = r.pub_date.year != 0 && rf::trim(y).size() == 4;
        if (!plain && !y.empty()) {
          r.pub_date.text = y;
        }
        if (r.pub_date.year != 0) {
          rf::note_source(r, "pub_date", year->name);
        }
      } else {
        keep_raw(year);
      }
    }
    if (month != nullptr) {
      const std::string m = text_of(month->value);
      if (date == nullptr || r.pub_date.month == 0) {
        int mo = rf::month_from_text(m);
        PubDate parsed;
        rf::parse_loose_date(m, parsed);
        if (mo == 0) {
          mo = parsed.month;
        }
        if (mo != 0) {
          r.pub_date.month = mo;
          if (parsed.day != 0 && parsed.month == mo) {
            r.pub_date.day = parsed.day;
          }
          if (!parsed.text.empty() && r.pub_date.text.empty()) {
            r.pub_date.text = r.pub_date.year != 0 ? std::to_string(r.pub_date.year) + " " + m : m;
          }
          rf::note_source(r, "pub_date.month", month->name);
        } else if (!parsed.season.empty()) {
          r.pub_date.season = parsed.season;
          rf::note_source(r, "pub_date.month", month->name);
        } else {
          keep_raw(month);
        }
      } else {
        keep_raw(month);
      }
    }
    if (day != nullptr) {
      const std::string d = text_of(day->value);
      const int v = std::atoi(d.c_str());
      if (r.pub_date.month != 0 && r.pub_date.day == 0 && v >= 1 && v <= 31) {
        r.pub_date.day = v;
      } else {
        keep_raw(day);
      }
    }
    // Volume, issue, pages.
    if (const Field* f = take("volume")) {
      r.volume = text_of(f->value);
      rf::note_source(r, "volume", f->name);
    }
    if (const Field* f = take_any({"number", "issue"})) {
      r.issue = text_of(f->value);
      rf::note_source(r, "issue", f->name);
    }
    if (const Field* f = take("pages")) {
      r.pages = rf::normalize_pages(latex::to_unicode(f->value));
      rf::note_source(r, "pages", f->name);
    }
    if (const Field* f = take_any({"art_number", "article-number", "articleno", "eid"})) {
      if (r.pages.empty()) {
        r.pages = rf::normalize_pages(latex::to_unicode(f->value));
        rf::note_source(r, "pages", f->name);
      } else {
        keep_raw(f);
      }
    }
    // Identifiers.
    while (const Field* f = take("doi")) {
      const std::string doi = rf::normalize_doi(verbatim_of(f->value));
      if (!doi.empty() && r.ids.doi.empty()) {
        r.ids.doi = doi;
        rf::note_source(r, "ids.doi", f->name);
      } else if (doi.empty() || doi != r.ids.doi) {
        keep_raw(f);
      }
    }
    const Field* eprinttype = take("eprinttype");
    const Field* archiveprefix = take("archiveprefix");
    const Field* eprint = take("eprint");
    if (eprint != nullptr) {
      const std::string t = rf::lower(verbatim_of(eprinttype != nullptr ? eprinttype->value
                                                  : archiveprefix != nullptr ? archiveprefix->value
                                                                             : std::string()));
      const std::string v = verbatim_of(eprint->value);
      if ((t == "pubmed" || t == "pmid") && rf::is_pmid(v)) {
        r.ids.pmid = v;
        rf::note_source(r, "ids.pmid", eprint->name);
      } else if ((t == "pmc" || t == "pmcid") && rf::is_pmcid(v)) {
        r.ids.pmcid = v;
        rf::note_source(r, "ids.pmcid", eprint->name);
      } else if (t == "arxiv" && !v.empty()) {
        r.ids.other.push_back({"arxiv", v});
        rf::note_source(r, "ids.other", eprint->name);
      } else if (t == "doi" && !rf::normalize_doi(v).empty() && r.ids.doi.empty()) {
        r.ids.doi = rf::normalize_doi(v);
        rf::note_source(r, "ids.doi", eprint->name);
      } else {
        if (eprinttype != nullptr) {
          keep_raw(eprinttype);
        }
        if (archiveprefix != nullptr) {
          keep_raw(archiveprefix);
        }
        keep_raw(eprint);
      }
    } else {
      if (eprinttype != nullptr) {
        keep_raw(eprinttype);
      }
      if (archiveprefix != nullptr) {
        keep_raw(archiveprefix);
      }
    }
    if (const Field* f = take("pmid")) {
      const std::string v = verbatim_of(f->value);
      if (r.ids.pmid.empty() && rf::is_pmid(v)) {
        r.ids.pmid = v;
        rf::note_source(r, "ids.pmid", f->name);
      } else {
        keep_raw(f);
      }
    }
    if (const Field* f = take("pmcid")) {
      std::string v = verbatim_of(f->value);
      if (!v.empty() && v.front() >= '0' && v.front() <= '9') {
        v = "PMC" + v;
      }
      if (r.ids.pmcid.empty() && rf::is_pmcid(v)) {
        r.ids.pmcid = v;
        rf::note_source(r, "ids.pmcid", f->name);
      } else {
        keep_raw(f);
      }
    }
    // litrev's own export: the ids BibTeX has no field for, "id [type]; ...".
    if (const Field* f = take("otherids")) {
      if (!rf::add_listed_ids(verbatim_of(f->value), r, f->name)) {
        keep_raw(f);
      }
    }
    // Europe PMC keys its entries "PMID:18888888".
    if (r.ids.pmid.empty() && m_e.key.size() > 5 && rf::iequals(std::string_view(m_e.key).substr(0, 5), "pmid:") &&
        rf::is_pmid(std::string_view(m_e.key).substr(5))) {
      r.ids.pmid = m_e.key.substr(5);
      rf::note_source(r, "ids.pmid", "citation-key");
    }
    bool wos = m_e.key.size() > 4 && rf::iequals(std::string_view(m_e.key).substr(0, 4), "wos:");
    if (const Field* f = take("unique-id")) {
      const std::string v = verbatim_of(f->value);
      if (v.size() > 4 && (rf::iequals(std::string_view(v).substr(0, 4), "wos:") ||
                           rf::iequals(std::string_view(v).substr(0, 4), "isi:"))) {
        r.ids.other.push_back({"wos", normalize_wos_id(v)});
        rf::note_source(r, "ids.other", f->name);
        wos = true;
      } else {
        keep_raw(f);
      }
    }
    if (wos && std::none_of(r.ids.other.begin(), r.ids.other.end(),
                            [](const RecordIds::Other& o) { return o.type == "wos"; })) {
      r.ids.other.push_back({"wos", normalize_wos_id(m_e.key)});
      rf::note_source(r, "ids.other", "citation-key");
    }
    // URLs: kept, and searched for identifiers.
    for (std::size_t i = 0; i < m_e.fields.size(); ++i) {
      const Field& f = m_e.fields[i];
      if (!used[i] && (f.lname == "url" || f.lname == "link")) {
        rf::ids_from_url(verbatim_of(f.value), r, f.name);
      }
    }
    // ISSN.
    while (const Field* f = take_any({"issn", "eissn"})) {
      bool any = false;
      for (const auto& part : rf::split_trimmed(verbatim_of(f->value), f->value.find(';') != std::string::npos
                                                                           ? ';'
                                                                           : ',')) {
        for (const auto& piece : rf::split_trimmed(part, ' ')) {
          const std::string issn = rf::normalize_issn(piece);
          if (issn.empty()) {
            continue;
          }
          any = true;
          if (f->lname == "eissn") {
            if (r.journal.issn_electronic.empty()) {
              r.journal.issn_electronic = issn;
            }
          } else {
            rf::add_issn(r.journal, piece);
          }
        }
      }
      if (any) {
        rf::note_source(r, "journal.issn", f->name);
      } else {
        keep_raw(f);
      }
    }
    // Abstract.
    if (const Field* f = take("abstract")) {
      const std::string a = text_of(f->value);
      if (!a.empty()) {
        r.abstract.push_back({"", "", a});
        rf::note_source(r, "abstract", f->name);
      }
    }
    // Keywords.
    while (const Field* f = take_any({"keywords", "keyword", "author_keywords"})) {
      for (auto& k : rf::split_keywords(text_of(f->value))) {
        r.keywords.push_back({std::move(k), "", false});
      }
      rf::note_source(r, "keywords", f->name);
    }
    // Languages.
    while (const Field* f = take_any({"language", "langid"})) {
      for (auto& l : rf::split_trimmed(text_of(f->value), f->value.find(';') != std::string::npos ? ';' : ',')) {
        if (rf::iequals(l, "undefined") || rf::iequals(l, "unknown")) {
          continue;
        }
        if (std::find(r.languages.begin(), r.languages.end(), l) == r.languages.end()) {
          r.languages.push_back(std::move(l));
        }
      }
      rf::note_source(r, "languages", f->name);
    }
    if (const Field* f = take("publisher")) {
      r.publisher = text_of(f->value);
      rf::note_source(r, "publisher", f->name);
    }
    // Types and kind.
    r.publication_types.push_back({"", m_e.type});
    r.kind = rf::kind_of_type(m_e.type);
    if (const Field* f = take_any({"type", "document_type"})) {
      const std::string t = text_of(f->value);
      if (!t.empty() && !rf::iequals(t, m_e.type)) {
        r.publication_types.push_back({"", t});
      }
      // The exporter's document type (Scopus, WoS) is more specific than
      // the entry type it chose ("@book" for a Scopus "Book Chapter").
      if (!rf::kind_of_type(t).empty()) {
        r.kind = rf::kind_of_type(t);
        rf::note_source(r, "kind", f->name);
      }
      rf::note_source(r, "publication_types", f->name);
    }
    if (r.kind.empty()) {
      r.kind = "article";
    }
    rf::note_source(r, "kind", "@" + m_e.type);
    // Database.
    const Field* source = take("source");
    if (!m_options.database.empty()) {
      r.database = m_options.database;
    } else if (source != nullptr && rf::iequals(rf::trim(source->value), "scopus")) {
      r.database = "Scopus";
    } else if (wos || m_e.find("web-of-science-index") != nullptr) {
      r.database = "Web of Science";
    }
    if (source != nullptr && !rf::iequals(rf::trim(source->value), "scopus")) {
      keep_raw(source);
    }
    // Everything else, raw, in order.
    if (!m_e.key.empty()) {
      r.extra_fields.push_back({"citation-key", m_e.key});
    }
    for (const Field* f : m_rejected) {
      used[static_cast<std::size_t>(f - m_e.fields.data())] = false;
    }
    for (std::size_t i = 0; i < m_e.fields.size(); ++i) {
      if (!used[i]) {
        r.extra_fields.push_back({m_e.fields[i].name, folded(m_e.fields[i].value)});
      }
    }
    return std::move(m_r);
  }

private:
  // A field that was looked at but not mapped: it goes to extra_fields, in
  // its place in the file.
  void keep_raw(const Field* f) { m_rejected.push_back(f); }

  const RawEntry& m_e;
  const ReaderOptions& m_options;
  Record m_r;
  std::vector<bool> m_used;
  std::vector<const Field*> m_rejected;
};

// ---------------------------------------------------------------------------
// The reader

class BibtexReader : public RecordReader {
public:
  BibtexReader(const std::string& path, const ReaderOptions& options)
    : m_path(path), m_options(options), m_in(std::make_unique<TextInput>(path, options.display_name)),
      m_parser(std::make_unique<EntryParser>(*m_in)) {
    m_name = m_in->display_name();
    check_start();
  }

  bool next(ReadItem& item) override {
    for (;;) {
      if (!m_ready.empty()) {
        Pending p = std::move(m_ready.front());
        m_ready.pop_front();
        emit(p, item);
        return true;
      }
      if (m_done) {
        return false;
      }
      RawEntry entry;
      bool got = false;
      try {
        got = m_parser->next(entry);
      } catch (const EntryError& e) {
        throw RecordError(m_name, e.line, e.problem);
      }
      if (!got) {
        finish();
        continue;
      }
      accept(std::move(entry));
    }
  }

private:
  struct Pending {
    RawEntry entry;
  };
  struct Waiting {
    RawEntry entry;
    bool done = false;
  };

  [[noreturn]] void fail(std::uint64_t line, const std::string& problem) const {
    throw DataError(m_name, line, problem);
  }

  // A file whose first 64 KiB hold text but no "@type{" is not BibTeX.
  void check_start() {
    const std::string head = m_in->peek(64 * 1024);
    std::string_view h = head;
    if (h.substr(0, 3) == "\xEF\xBB\xBF") {
      h.remove_prefix(3);
    }
    if (h.substr(0, 2) == "\xFF\xFE" || h.substr(0, 2) == "\xFE\xFF") {
      return; // UTF-16: TextInput decodes it; the parser decides.
    }
    bool text = false;
    std::size_t pos = 0;
    while (pos < h.size()) {
      std::size_t end = h.find_first_of("\r\n", pos);
      if (end == std::string_view::npos) {
        end = h.size();
      }
      const std::string_view line = h.substr(pos, end - pos);
      if (starts_entry(line)) {
        return;
      }
      const std::string_view t = rf::trim(line);
      if (!t.empty() && t.front() != '%') {
        text = true;
      }
      pos = end + 1;
    }
    if (text && h.size() < 64 * 1024) {
      fail(1, "not a BibTeX file: no entry (\"@type{key, ...}\") found");
    }
  }

  void accept(RawEntry&& entry) {
    if (entry.type == "set") {
      return;
    }
    entry.refs = references_of(entry);
    const std::string lkey = rf::lower(entry.key);
    const bool xdata = entry.type == "xdata";
    const bool wanted = xdata || m_wanted.count(lkey) > 0;
    bool stored = false;
    if (wanted && !lkey.empty() && m_targets.count(lkey) == 0) {
      m_targets.emplace(lkey, entry);
      for (const auto& r : entry.refs) {
        m_wanted.insert(r);
      }
      stored = true;
    }
    if (!xdata) {
      if (entry.refs.empty()) {
        m_ready.push_back({std::move(entry)});
      } else {
        for (const auto& r : entry.refs) {
          m_wanted.insert(r);
        }
        const std::string missing = missing_in_chain(entry);
        if (missing.empty()) {
          m_ready.push_back({std::move(entry)});
        } else {
          if (m_waiting.size() >= k_max_waiting) {
            fail(entry.line, "more than " + std::to_string(k_max_waiting) +
                                 " entries wait for their crossref parent");
          }
          m_waiting_on[missing].push_back(m_waiting.size());
          m_waiting.push_back({std::move(entry), false});
        }
      }
    }
    if (stored) {
      release_for(lkey);
    }
  }

  // The first entry named along the chain of `entry` that has not been read
  // (lower-case key), or "" when the chain is complete. Cycles stop.
  std::string missing_in_chain(const RawEntry& entry) const {
    std::set<std::string> seen{rf::lower(entry.key)};
    std::vector<const RawEntry*> todo{&entry};
    for (int steps = 0; !todo.empty() && steps < 4 * k_max_chain; ++steps) {
      const RawEntry* e = todo.back();
      todo.pop_back();
      for (const auto& r : e->refs) {
        if (!seen.insert(r).second) {
          continue;
        }
        const auto it = m_targets.find(r);
        if (it == m_targets.end()) {
          if (m_not_found.count(r) == 0) {
            return r;
          }
          continue;
        }
        todo.push_back(&it->second);
      }
    }
    return {};
  }

  // `key` has been read: the children waiting for it go to the ready queue
  // (in file order) when nothing else in their chain is missing; the others
  // now wait for the next missing entry.
  void release_for(const std::string& key) {
    const auto it = m_waiting_on.find(key);
    if (it == m_waiting_on.end()) {
      return;
    }
    std::vector<std::size_t> indexes = std::move(it->second);
    m_waiting_on.erase(it);
    std::sort(indexes.begin(), indexes.end());
    for (const std::size_t i : indexes) {
      Waiting& w = m_waiting[i];
      if (w.done) {
        continue;
      }
      const std::string missing = missing_in_chain(w.entry);
      if (missing.empty()) {
        m_ready.push_back({std::move(w.entry)});
        w.entry = RawEntry{};
        w.done = true;
      } else {
        m_waiting_on[missing].push_back(i);
      }
    }
  }

  // The end of the file: parents that came before their children are
  // fetched by reading the file again; children whose parent is nowhere
  // are returned as they are.
  void finish() {
    m_done = true;
    for (int pass = 0; pass < k_max_rescans && !m_waiting_on.empty(); ++pass) {
      std::set<std::string> missing;
      for (const auto& [key, indexes] : m_waiting_on) {
        missing.insert(key);
      }
      const std::set<std::string> found = rescan(missing);
      for (const auto& key : missing) {
        if (!found.count(key)) {
          m_not_found.insert(key);
        }
      }
      for (const auto& key : missing) {
        release_for(key);
      }
    }
    for (auto& w : m_waiting) {
      if (!w.done) {
        m_ready.push_back({std::move(w.entry)});
        w.done = true;
      }
    }
    m_waiting.clear();
    m_waiting_on.clear();
    m_parser.reset();
    m_in.reset();
  }

  // Reads the file again, keeping the entries named in `keys`; returns the
  // keys found.
  std::set<std::string> rescan(const std::set<std::string>& keys) {
    TextInput in(m_path, m_name);
    EntryParser parser(in);
    std::set<std::string> found;
    for (;;) {
      RawEntry e;
      try {
        if (!parser.next(e)) {
          break;
        }
      } catch (const EntryError&) {
        continue;
      }
      const std::string lkey = rf::lower(e.key);
      if (keys.count(lkey) && !m_targets.count(lkey)) {
        e.refs = references_of(e);
        found.insert(lkey);
        m_targets.emplace(lkey, std::move(e));
      }
    }
    return found;
  }

  // Applies inheritance along the chain, nearest parent first.
  void resolve(RawEntry& entry) const {
    std::set<std::string> visited{rf::lower(entry.key)};
    std::vector<std::pair<const RawEntry*, bool>> queue;
    auto push_refs = [&](const RawEntry& e) {
      if (const Field* f = e.find("crossref")) {
        const std::string k = rf::lower(rf::trim(latex::to_unicode(f->value, latex::Mode::verbatim)));
        if (const auto it = m_targets.find(k); it != m_targets.end() && visited.insert(k).second) {
          queue.push_back({&it->second, false});
        }
      }
      if (const Field* f = e.find("xdata")) {
        for (auto& k : rf::split_trimmed(latex::to_unicode(f->value, latex::Mode::verbatim), ',')) {
          const std::string lk = rf::lower(k);
          if (const auto it = m_targets.find(lk); it != m_targets.end() && visited.insert(lk).second) {
            queue.push_back({&it->second, true});
          }
        }
      }
    };
    push_refs(entry);
    for (std::size_t i = 0; i < queue.size() && i < static_cast<std::size_t>(k_max_chain); ++i) {
      const auto [parent, xdata] = queue[i];
      inherit(entry, *parent, xdata);
      push_refs(*parent);
    }
  }

  void emit(Pending& p, ReadItem& item) {
    RawEntry& entry = p.entry;
    if (entry.find("crossref") != nullptr || entry.find("xdata") != nullptr) {
      resolve(entry);
    }
    RecordBuilder builder(entry, m_options);
    Record record = builder.build();
    if (!rf::has_title_or_id(record)) {
      throw RecordError(m_name, entry.line,
                        "entry" + (entry.key.empty() ? std::string() : " '" + excerpt(entry.key, 60) + "'") +
                            " has no title and no identifier");
    }
    rf::finish_record(record);
    item = ReadItem{};
    item.kind = ReadItem::Kind::record;
    item.line = entry.line;
    item.record = std::move(record);
  }

  std::string m_path;
  ReaderOptions m_options;
  std::string m_name;
  std::unique_ptr<TextInput> m_in;
  std::unique_ptr<EntryParser> m_parser;
  std::deque<Pending> m_ready;
  std::vector<Waiting> m_waiting;
  std::map<std::string, std::vector<std::size_t>> m_waiting_on;
  std::map<std::string, RawEntry> m_targets;
  std::set<std::string> m_wanted;
  std::set<std::string> m_not_found;
  bool m_done = false;
};

} // namespace

bool looks_like_bibtex(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    head.remove_prefix(3);
  }
  // The first line that is neither blank nor a '%' comment starts an entry;
  // up to ten lines of other text (an exporter's note) may come first.
  std::size_t junk = 0;
  std::size_t pos = 0;
  while (pos < head.size()) {
    std::size_t end = head.find_first_of("\r\n", pos);
    const bool cut = end == std::string_view::npos;
    if (cut) {
      end = head.size();
    }
    const std::string_view line = head.substr(pos, end - pos);
    pos = end + 1;
    const std::string_view t = ref_fields::trim(line);
    if (t.empty() || t.front() == '%') {
      continue;
    }
    if (starts_entry(line)) {
      return true;
    }
    if (t.front() == '@' && cut) {
      return false;
    }
    if (++junk > 10 || line.size() > 300 || line.find('\0') != std::string_view::npos) {
      return false;
    }
  }
  return false;
}

std::unique_ptr<RecordReader> make_bibtex_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<BibtexReader>(path, options);
}

} // namespace litrev
