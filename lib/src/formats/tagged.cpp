// Value parsers shared by the RIS, MEDLINE and Web of Science readers (see
// tagged.hpp). Every function here is total: any bytes in, a value or an
// empty result out, and text that comes out is valid UTF-8 when the text
// that went in was (escapes that would decode to invalid UTF-8 are left
// undecoded).
#include "formats/tagged.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <litrev/utf8.hpp>

#include "util/text.hpp"

namespace litrev {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = lower(c);
  }
  return out;
}


int hex_value(char c) noexcept {
  if (is_digit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

} // namespace

// ---------------------------------------------------------------------------
// Fields and records

void TagIndex::build(const std::vector<TaggedField>& fields) {
  for (std::size_t e = 0; e < m_count; ++e) {
    m_entries[e].positions.clear();
  }
  m_count = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::uint32_t key = key_of(fields[i].tag);
    std::size_t e = 0;
    while (e < m_count && !(m_entries[e].key == key && m_entries[e].tag == fields[i].tag)) {
      ++e;
    }
    if (e == m_count) {
      if (m_count == m_entries.size()) {
        m_entries.emplace_back();
      }
      m_entries[m_count].key = key;
      m_entries[m_count].tag = fields[i].tag;
      m_entries[m_count].positions.clear();
      ++m_count;
    }
    m_entries[e].positions.push_back(static_cast<std::uint32_t>(i));
  }
}

const std::vector<std::uint32_t>& TagIndex::of(std::string_view tag) const {
  static const std::vector<std::uint32_t> k_none;
  const std::uint32_t key = key_of(tag);
  for (std::size_t e = 0; e < m_count; ++e) {
    if (m_entries[e].key == key && (tag.size() <= 4 || m_entries[e].tag == tag)) {
      return m_entries[e].positions;
    }
  }
  return k_none;
}

void add_unused_fields(Record& r, const std::vector<TaggedField>& fields) {
  for (const auto& f : fields) {
    if (!f.used && !f.value.empty() && !f.tag.empty()) {
      r.extra_fields.push_back({f.tag, f.value});
    }
  }
}

bool has_title_or_id(const Record& r) {
  if (!r.title.empty() || !r.ids.pmid.empty() || !r.ids.doi.empty() || !r.ids.pmcid.empty() ||
      !r.ids.nct.empty() || !r.ids.pii.empty()) {
    return true;
  }
  return std::any_of(r.ids.other.begin(), r.ids.other.end(),
                     [](const RecordIds::Other& o) { return !o.type.empty() && !o.value.empty(); });
}

void finish_record(Record& r) {
  add_registry_ids_from_text(r);
  r.key = record_key(r);
}

std::vector<std::string> reader_notes(std::uint64_t cp1252_lines, std::uint64_t ignored_lines,
                                      std::string_view ignored_what) {
  std::vector<std::string> out;
  if (cp1252_lines == 1) {
    out.push_back("1 line was not valid UTF-8 and was read as Windows-1252");
  } else if (cp1252_lines > 1) {
    out.push_back(std::to_string(cp1252_lines) + " lines were not valid UTF-8 and were read as Windows-1252");
  }
  if (ignored_lines == 1) {
    out.push_back("1 line " + std::string(ignored_what) + " was ignored");
  } else if (ignored_lines > 1) {
    out.push_back(std::to_string(ignored_lines) + " lines " + std::string(ignored_what) + " were ignored");
  }
  return out;
}

// ---------------------------------------------------------------------------
// Text

std::string_view trim_space(std::string_view s) noexcept {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) {
    ++b;
  }
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) {
    --e;
  }
  return s.substr(b, e - b);
}

bool is_blank(std::string_view s) noexcept { return trim_space(s).empty(); }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool icontains(std::string_view s, std::string_view needle) noexcept {
  if (needle.empty()) {
    return true;
  }
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (iequals(s.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

std::string decode_entities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) {
    return std::string(s);
  }
  static constexpr std::pair<std::string_view, std::string_view> k_named[] = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const std::size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i++];
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (name.size() >= 2 && name[0] == '#') {
      unsigned long cp = 0;
      bool ok = true;
      if (name[1] == 'x' || name[1] == 'X') {
        ok = name.size() > 2;
        for (std::size_t k = 2; k < name.size() && ok; ++k) {
          const int h = hex_value(name[k]);
          ok = h >= 0;
          cp = cp * 16 + static_cast<unsigned long>(h < 0 ? 0 : h);
        }
      } else {
        for (std::size_t k = 1; k < name.size() && ok; ++k) {
          ok = is_digit(name[k]);
          cp = cp * 10 + static_cast<unsigned long>(name[k] - '0');
        }
      }
      if (ok && cp != 0 && is_xml_char(cp)) {
        append_utf8(out, static_cast<char32_t>(cp));
        done = true;
      }
    } else {
      for (const auto& [n, v] : k_named) {
        if (name == n) {
          out += v;
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

namespace {

// Markup: the element names treated as inline markup in reference text.
// Block elements become a space, inline ones vanish.
constexpr std::string_view k_block_tags[] = {
    "p",     "br",    "div",   "sec",   "title", "abstracttext", "abstract", "list", "list-item", "li",
    "ul",    "ol",    "table", "tr",    "td",    "th",           "caption",  "para", "h1",        "h2",
    "h3",    "h4",    "h5",    "h6",    "hr",    "blockquote",   "label"};
constexpr std::string_view k_inline_tags[] = {
    "i",      "b",      "u",         "em",         "strong",   "sub",   "sup",   "span",
    "sc",     "small",  "italic",    "bold",       "underline", "monospace", "inline-formula",
    "tex-math", "math", "tt",        "font",       "ext-link", "xref",  "named-content",
    "styled-content"};

struct MarkupTag {
  std::string local; // lower-cased name without its namespace prefix
  bool closing = false;
  bool block = false;
  std::size_t end = 0; // offset just past '>'
  std::string label;
  std::string category;
};

// Parses the tag starting at s[at] == '<'. True only for a known element.
bool parse_markup_tag(std::string_view s, std::size_t at, MarkupTag& t) {
  std::size_t i = at + 1;
  t = MarkupTag{};
  if (i < s.size() && s[i] == '/') {
    t.closing = true;
    ++i;
  }
  const std::size_t name_start = i;
  if (i >= s.size() || !is_alpha(s[i])) {
    return false;
  }
  while (i < s.size() && (is_alnum(s[i]) || s[i] == ':' || s[i] == '-' || s[i] == '_' || s[i] == '.')) {
    ++i;
  }
  const std::string name = lowered(s.substr(name_start, i - name_start));
  const std::size_t colon = name.find(':');
  const std::string prefix = colon == std::string::npos ? "" : name.substr(0, colon);
  t.local = colon == std::string::npos ? name : name.substr(colon + 1);
  bool known = prefix == "jats" || prefix == "mml";
  if (!prefix.empty() && !known && prefix != "xhtml" && prefix != "html") {
    return false;
  }
  for (auto b : k_block_tags) {
    if (t.local == b) {
      known = true;
      t.block = true;
    }
  }
  for (auto n : k_inline_tags) {
    if (t.local == n) {
      known = true;
    }
  }
  if (!known) {
    return false;
  }
  // Attributes up to '>': name="value" pairs; quoted values may hold '>'.
  constexpr std::size_t k_max_tag = 2000;
  while (i < s.size() && i - at < k_max_tag) {
    const char c = s[i];
    if (c == '>') {
      t.end = i + 1;
      return true;
    }
    if (c == '<') {
      return false;
    }
    if (is_alpha(c) && !t.closing) {
      const std::size_t an = i;
      while (i < s.size() && (is_alnum(s[i]) || s[i] == ':' || s[i] == '-' || s[i] == '_')) {
        ++i;
      }
      const std::string attr = lowered(s.substr(an, i - an));
      while (i < s.size() && s[i] == ' ') {
        ++i;
      }
      if (i < s.size() && s[i] == '=') {
        ++i;
        while (i < s.size() && s[i] == ' ') {
          ++i;
        }
        if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
          const char q = s[i];
          const std::size_t close = s.find(q, i + 1);
          if (close == std::string_view::npos || close - at > k_max_tag) {
            return false;
          }
          const std::string_view value = s.substr(i + 1, close - i - 1);
          if (attr == "label") {
            t.label = folded_xml_space(decode_entities(value));
          } else if (attr == "nlmcategory") {
            t.category = folded_xml_space(decode_entities(value));
          }
          i = close + 1;
          continue;
        }
      }
      // A bare word ("x<b and y>z" in text) is no attribute: not markup.
      return false;
    }
    if (c != ' ' && c != '\t' && c != '/') {
      return false;
    }
    ++i;
  }
  return false;
}

// Flattens markup in `s`. With `sections`, AbstractText elements and
// jats:title headings start labelled sections; without, all text goes to
// one string, returned.
std::string flatten(std::string_view s, std::vector<AbstractSection>* sections) {
  std::string cur;
  std::string label;
  std::string category;
  std::string title_buf;
  bool in_title = false;
  std::string whole;
  auto flush = [&] {
    std::string text = folded_xml_space(decode_entities(cur));
    cur.clear();
    if (!text.empty()) {
      sections->push_back({label, category, std::move(text)});
    }
    label.clear();
    category.clear();
  };
  MarkupTag t;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '<' && parse_markup_tag(s, i, t)) {
      if (sections) {
        if (t.local == "abstracttext") {
          flush();
          if (!t.closing) {
            label = t.label;
            category = t.category;
          }
        } else if (t.local == "title" && !t.closing) {
          flush();
          in_title = true;
          title_buf.clear();
        } else if (t.local == "title" && t.closing && in_title) {
          in_title = false;
          std::string heading = folded_xml_space(decode_entities(title_buf));
          if (iequals(heading, "Abstract") && sections->empty()) {
            heading.clear();
          }
          label = std::move(heading);
          category.clear();
        }
      }
      if (t.block) {
        (in_title ? title_buf : cur) += ' ';
      }
      i = t.end;
      continue;
    }
    (in_title ? title_buf : cur) += s[i];
    ++i;
  }
  if (in_title) {
    cur = title_buf + " " + cur;
  }
  if (sections) {
    flush();
    return {};
  }
  return folded_xml_space(decode_entities(cur));
}

} // namespace

std::string clean_text(std::string_view s) {
  if (s.find('<') == std::string_view::npos) {
    return folded_xml_space(decode_entities(s));
  }
  return flatten(s, nullptr);
}

std::vector<AbstractSection> abstract_sections(std::string_view s) {
  std::vector<AbstractSection> out;
  if (s.find('<') == std::string_view::npos) {
    std::string text = folded_xml_space(decode_entities(s));
    if (!text.empty()) {
      out.push_back({"", "", std::move(text)});
    }
    return out;
  }
  flatten(s, &out);
  return out;
}

// ---------------------------------------------------------------------------
// Identifiers

namespace {

bool valid_doi(std::string_view d) {
  if (d.size() < 6 || d.substr(0, 3) != "10." || !is_digit(d[3])) {
    return false;
  }
  const std::size_t slash = d.find('/');
  if (slash == std::string_view::npos || slash + 1 >= d.size()) {
    return false;
  }
  for (std::size_t i = 3; i < slash; ++i) {
    if (!is_digit(d[i]) && d[i] != '.') {
      return false;
    }
  }
  return std::none_of(d.begin(), d.end(), [](char c) { return c == ' ' || c == '\t'; });
}

bool doi_stop(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '&' || c == '?' || c == '#' || c == '\\' || c == '^' || c == '`' || c == '{' ||
         c == '}' || c == '|';
}

} // namespace

std::string find_doi(std::string_view text) {
  const std::string t = percent_decode(text);
  std::size_t pos = 0;
  while ((pos = t.find("10.", pos)) != std::string::npos) {
    const bool start_ok = pos == 0 || (!is_alnum(t[pos - 1]) && t[pos - 1] != '.' && t[pos - 1] != '-');
    std::size_t j = pos + 3;
    std::size_t digits = 0;
    while (j < t.size() && (is_digit(t[j]) || t[j] == '.')) {
      digits += is_digit(t[j]) ? 1 : 0;
      ++j;
    }
    if (!start_ok || digits < 4 || j >= t.size() || t[j] != '/') {
      pos += 3;
      continue;
    }
    std::size_t k = j + 1;
    while (k < t.size() && !doi_stop(t[k])) {
      ++k;
    }
    std::string doi = t.substr(pos, k - pos);
    // Trailing punctuation belongs to the sentence, unbalanced closers too.
    for (;;) {
      if (doi.empty()) {
        break;
      }
      const char last = doi.back();
      if (last == '.' || last == ',' || last == ';' || last == ':') {
        doi.pop_back();
        continue;
      }
      if (last == ')' || last == ']') {
        const char open = last == ')' ? '(' : '[';
        if (std::count(doi.begin(), doi.end(), open) < std::count(doi.begin(), doi.end(), last)) {
          doi.pop_back();
          continue;
        }
      }
      break;
    }
    if (valid_doi(doi)) {
      return lowered(doi);
    }
    pos += 3;
  }
  return {};
}

std::string field_doi(std::string_view value) {
  std::string doi = normalize_doi(value);
  if (doi.empty()) {
    doi = find_doi(value);
  }
  return doi;
}

std::string normalize_orcid(std::string_view value) {
  for (std::size_t i = 0; i + 19 <= value.size(); ++i) {
    if (i > 0 && is_digit(value[i - 1])) {
      continue;
    }
    const std::string_view c = value.substr(i, 19);
    bool ok = true;
    for (std::size_t k = 0; k < 19 && ok; ++k) {
      if (k == 4 || k == 9 || k == 14) {
        ok = c[k] == '-';
      } else if (k == 18) {
        ok = is_digit(c[k]) || c[k] == 'X' || c[k] == 'x';
      } else {
        ok = is_digit(c[k]);
      }
    }
    if (ok && (i + 19 == value.size() || !is_alnum(value[i + 19]))) {
      std::string out(c);
      out[18] = upper(out[18]);
      return out;
    }
  }
  return {};
}

// ---------------------------------------------------------------------------
// Dates

int month_from_name(std::string_view s) noexcept {
  static constexpr std::string_view k_months[] = {"january", "february", "march",     "april",
                                                   "may",     "june",     "july",      "august",
                                                   "september", "october", "november", "december"};
  while (!s.empty() && s.back() == '.') {
    s.remove_suffix(1);
  }
  if (s.size() < 3 || s.size() > 9) {
    return 0;
  }
  if (iequals(s, "sept")) {
    return 9;
  }
  for (int m = 0; m < 12; ++m) {
    const std::string_view full = k_months[m];
    if (s.size() <= full.size() && iequals(s, full.substr(0, s.size()))) {
      return m + 1;
    }
  }
  return 0;
}

namespace {

// "Spring" for "spring"/"SPR", ... or "".
std::string season_from_name(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> k_seasons[] = {
      {"spring", "Spring"}, {"spr", "Spring"}, {"summer", "Summer"}, {"sum", "Summer"},
      {"autumn", "Autumn"}, {"aut", "Autumn"}, {"fall", "Fall"},     {"fal", "Fall"},
      {"winter", "Winter"}, {"win", "Winter"}};
  for (const auto& [k, v] : k_seasons) {
    if (iequals(s, k)) {
      return std::string(v);
    }
  }
  return {};
}

int year_of(std::string_view s) {
  if (s.size() != 4 || !all_digits(s)) {
    return 0;
  }
  const int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  return y >= 1000 && y <= 2999 ? y : 0;
}

int number_of(std::string_view s, int max) {
  if (s.empty() || s.size() > 2 || !all_digits(s)) {
    return 0;
  }
  const int v = s.size() == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
  return v >= 1 && v <= max ? v : 0;
}

// The first run of exactly four digits that is a year, or 0.
int first_year_in(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_digit(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) {
      ++j;
    }
    if (const int y = year_of(s.substr(i, j - i))) {
      return y;
    }
    if (j - i == 8) {
      if (const int y = year_of(s.substr(i, 4))) {
        return y;
      }
    }
    i = j;
  }
  return 0;
}

// YYYYMMDD
bool eight_digit_date(std::string_view s, PubDate& d) {
  if (s.size() != 8 || !all_digits(s)) {
    return false;
  }
  const int y = year_of(s.substr(0, 4));
  const int m = number_of(s.substr(4, 2), 12);
  const int day = number_of(s.substr(6, 2), 31);
  if (!y) {
    return false;
  }
  d.year = y;
  d.month = m;
  d.day = m ? day : 0;
  return true;
}

PubDate parse_slash_date(std::string_view s) {
  PubDate d;
  std::string_view parts[3];
  std::size_t start = 0;
  for (int k = 0; k < 3; ++k) {
    const std::size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) {
      parts[k] = s.substr(std::min(start, s.size()));
      start = s.size() + 1;
      break;
    }
    parts[k] = s.substr(start, slash - start);
    start = slash + 1;
  }
  const std::string_view y = trim_space(parts[0]);
  d.year = year_of(y);
  if (!d.year) {
    if (eight_digit_date(y, d)) {
      return d;
    }
    d.year = first_year_in(y);
    if (d.year) {
      d.text = std::string(y);
    } else {
      // Not year-first ("07/15/2005"): only the year is taken.
      d.year = first_year_in(s);
      return d;
    }
  }
  const std::string_view m = trim_space(parts[1]);
  d.month = number_of(m, 12);
  if (!d.month) {
    d.month = month_from_name(m);
  }
  if (!d.month) {
    d.season = season_from_name(m);
  }
  if (d.month) {
    d.day = number_of(trim_space(parts[2]), 31);
  }
  // "2013///Spring": the spec's "other info" part may name the season.
  if (!d.month && d.season.empty() && start < s.size()) {
    d.season = season_from_name(trim_space(s.substr(start)));
  }
  return d;
}

} // namespace

PubDate parse_date(std::string_view s) {
  s = trim_space(s);
  PubDate d;
  if (s.empty()) {
    return d;
  }
  if (s.find('/') != std::string_view::npos) {
    return parse_slash_date(s);
  }
  // ISO 8601: 2019-03-28, 2019-03
  if (s.size() >= 7 && year_of(s.substr(0, 4)) && s[4] == '-' && number_of(s.substr(5, 2), 12) &&
      (s.size() == 7 || (s.size() == 10 && s[7] == '-' && number_of(s.substr(8, 2), 31)))) {
    d.year = year_of(s.substr(0, 4));
    d.month = number_of(s.substr(5, 2), 12);
    d.day = s.size() == 10 ? number_of(s.substr(8, 2), 31) : 0;
    return d;
  }
  struct Num {
    int value;
    bool after_year;
  };
  std::vector<Num> numbers;
  bool range = false;
  bool day_range = false;
  bool month_by_name = false;
  std::size_t i = 0;
  auto is_sep = [](char c) {
    return c == ' ' || c == '\t' || c == ',' || c == '.' || c == ';' || c == ':' || c == '(' || c == ')';
  };
  while (i < s.size()) {
    while (i < s.size() && is_sep(s[i])) {
      ++i;
    }
    std::size_t j = i;
    while (j < s.size() && !is_sep(s[j])) {
      ++j;
    }
    const std::string_view tok = s.substr(i, j - i);
    i = j;
    if (tok.empty()) {
      continue;
    }
    const std::size_t dash = tok.find('-');
    if (dash != std::string_view::npos) {
      const std::string_view a = tok.substr(0, dash);
      const std::string_view b = tok.substr(dash + 1);
      if (const int m = month_from_name(a); m && !d.month) {
        d.month = m;
        month_by_name = true;
        range = true;
      } else if (std::string season = season_from_name(a); !season.empty() && d.season.empty()) {
        d.season = std::move(season);
        range = true;
      } else if (const int y = year_of(a)) {
        if (!d.year) {
          d.year = y;
        }
        range = true;
      } else if (number_of(a, 31) && number_of(b, 31)) {
        day_range = true;
        continue;
      }
      // The part after the dash may carry the year ("Dec-1999").
      if (const int y = year_of(b); y && !d.year) {
        d.year = y;
      }
      continue;
    }
    if (const int y = year_of(tok)) {
      if (!d.year) {
        d.year = y;
      } else if (y != d.year) {
        range = true;
      }
      continue;
    }
    if (!d.year && eight_digit_date(tok, d)) {
      continue;
    }
    if (const int m = month_from_name(tok)) {
      if (!d.month) {
        d.month = m;
        month_by_name = true;
      }
      continue;
    }
    if (std::string season = season_from_name(tok); !season.empty()) {
      if (d.season.empty()) {
        d.season = std::move(season);
      }
      continue;
    }
    if (const int n = number_of(tok, 31)) {
      numbers.push_back({n, d.year != 0});
    }
  }
  if (month_by_name) {
    if (!day_range && !range && !d.day) {
      for (const auto& n : numbers) {
        d.day = n.value;
        break;
      }
    }
  } else if (!d.month && d.year) {
    // Numeric forms: "2013 06 10" (month, day after the year), "04 2006".
    std::vector<int> after;
    for (const auto& n : numbers) {
      if (n.after_year) {
        after.push_back(n.value);
      }
    }
    if (!after.empty()) {
      d.month = after[0] <= 12 ? after[0] : 0;
      if (d.month && after.size() > 1) {
        d.day = after[1];
      }
    } else if (!numbers.empty() && numbers[0].value <= 12) {
      d.month = numbers[0].value;
    }
  }
  if (range || day_range) {
    d.text = std::string(s);
    d.day = 0;
  }
  if (!d.season.empty()) {
    d.month = range ? d.month : 0;
  }
  return d;
}

// ---------------------------------------------------------------------------
// Journals, pages, languages

std::vector<IssnValue> find_issns(std::string_view s) {
  std::vector<IssnValue> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_digit(s[i])) {
      ++i;
      continue;
    }
    const bool start_ok = i == 0 || (!is_digit(s[i - 1]) && !(s[i - 1] == '-' && i >= 2 && is_digit(s[i - 2])));
    std::size_t len = 0;
    std::string issn;
    auto check = [&](char c) { return is_digit(c) || c == 'X' || c == 'x'; };
    if (i + 9 <= s.size() && std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i),
                                         s.begin() + static_cast<std::ptrdiff_t>(i + 4), is_digit) &&
        s[i + 4] == '-' &&
        std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i + 5), s.begin() + static_cast<std::ptrdiff_t>(i + 8),
                    is_digit) &&
        check(s[i + 8])) {
      len = 9;
      issn = std::string(s.substr(i, 9));
    } else if (i + 8 <= s.size() &&
               std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.begin() + static_cast<std::ptrdiff_t>(i + 7),
                           is_digit) &&
               check(s[i + 7])) {
      len = 8;
      issn = std::string(s.substr(i, 4)) + "-" + std::string(s.substr(i + 4, 4));
    }
    const std::size_t after = i + len;
    const bool end_ok = len > 0 && (after == s.size() || (!is_alnum(s[after]) &&
                                                          !(s[after] == '-' && after + 1 < s.size() &&
                                                            is_digit(s[after + 1]))));
    if (!start_ok || !end_ok) {
      std::size_t j = i;
      while (j < s.size() && (is_digit(s[j]) || s[j] == '-' || s[j] == 'X' || s[j] == 'x')) {
        ++j;
      }
      i = std::max(j, i + 1);
      continue;
    }
    issn[8] = upper(issn[8]);
    // The qualifier is the text up to the next digit.
    std::size_t q = after;
    while (q < s.size() && !is_digit(s[q]) && q - after < 40) {
      ++q;
    }
    const std::string_view qual = s.substr(after, q - after);
    std::string kind;
    if (icontains(qual, "electronic") || icontains(qual, "online") || icontains(qual, "(e)") ||
        icontains(qual, "eissn") || icontains(qual, "e-issn")) {
      kind = "electronic";
    } else if (icontains(qual, "linking")) {
      kind = "linking";
    } else if (icontains(qual, "print") || icontains(qual, "(p)")) {
      kind = "print";
    }
    const bool seen = std::any_of(out.begin(), out.end(), [&](const IssnValue& v) { return v.issn == issn; });
    if (!seen || !kind.empty()) {
      out.push_back({std::move(issn), std::move(kind)});
    }
    i = after;
  }
  return out;
}

bool assign_issns(Journal& j, const std::vector<IssnValue>& issns) {
  bool stored = false;
  auto known = [&](const std::string& v) {
    return v == j.issn_print || v == j.issn_electronic || v == j.issn_linking;
  };
  for (const auto& v : issns) {
    std::string* slot = nullptr;
    if (v.kind == "print") {
      slot = &j.issn_print;
    } else if (v.kind == "electronic") {
      slot = &j.issn_electronic;
    } else if (v.kind == "linking") {
      slot = &j.issn_linking;
    }
    if (slot) {
      if (slot->empty()) {
        *slot = v.issn;
      }
      stored = true;
      continue;
    }
    if (known(v.issn)) {
      stored = true;
    } else if (j.issn_print.empty()) {
      j.issn_print = v.issn;
      stored = true;
    } else if (j.issn_electronic.empty()) {
      j.issn_electronic = v.issn;
      stored = true;
    }
  }
  return stored;
}

std::string normalize_pages(std::string_view s) {
  std::string p(trim_space(s));
  // En dash, em dash and minus sign to '-'.
  for (const char* dash : {"\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x88\x92"}) {
    std::size_t at = 0;
    while ((at = p.find(dash, at)) != std::string::npos) {
      p.replace(at, 3, "-");
    }
  }
  std::string out;
  out.reserve(p.size());
  for (char c : p) {
    if (c == '-' && !out.empty() && out.back() == '-') {
      continue;
    }
    out += c;
  }
  // Spaces around the dash.
  std::string tight;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ' ') {
      const bool before_dash = i + 1 < out.size() && out[i + 1] == '-';
      const bool after_dash = !tight.empty() && tight.back() == '-';
      if (before_dash || after_dash) {
        continue;
      }
    }
    tight += out[i];
  }
  std::string_view v = tight;
  for (std::string_view prefix : {"pp.", "pp", "p."}) {
    if (istarts_with(v, prefix)) {
      const std::string_view rest = trim_space(v.substr(prefix.size()));
      if (!rest.empty() && is_digit(rest[0])) {
        return std::string(rest);
      }
    }
  }
  return tight;
}

std::string language_code(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> k_languages[] = {
      {"english", "eng"},    {"french", "fre"},     {"german", "ger"},      {"spanish", "spa"},
      {"portuguese", "por"}, {"italian", "ita"},    {"dutch", "dut"},       {"russian", "rus"},
      {"chinese", "chi"},    {"japanese", "jpn"},   {"korean", "kor"},      {"polish", "pol"},
      {"swedish", "swe"},    {"norwegian", "nor"},  {"danish", "dan"},      {"finnish", "fin"},
      {"turkish", "tur"},    {"czech", "cze"},      {"hungarian", "hun"},   {"greek", "gre"},
      {"modern greek", "gre"}, {"hebrew", "heb"},   {"arabic", "ara"},      {"persian", "per"},
      {"croatian", "hrv"},   {"serbian", "srp"},    {"slovak", "slo"},      {"slovenian", "slv"},
      {"romanian", "rum"},   {"ukrainian", "ukr"},  {"lithuanian", "lit"},  {"estonian", "est"},
      {"latvian", "lav"},    {"icelandic", "ice"},  {"afrikaans", "afr"},   {"catalan", "cat"},
      {"bulgarian", "bul"},  {"malay", "may"},      {"indonesian", "ind"},  {"thai", "tha"},
      {"vietnamese", "vie"}, {"hindi", "hin"},      {"latin", "lat"},       {"welsh", "wel"},
      {"irish", "gle"},      {"bosnian", "bos"},    {"macedonian", "mac"},  {"albanian", "alb"},
      {"georgian", "geo"},   {"armenian", "arm"},   {"urdu", "urd"},        {"bengali", "ben"},
      {"tamil", "tam"},      {"esperanto", "epo"},  {"multiple languages", "mul"}};
  const std::string_view t = trim_space(s);
  for (const auto& [name, code] : k_languages) {
    if (iequals(t, name)) {
      return std::string(code);
    }
  }
  return std::string(t);
}

std::vector<std::string> split_list(std::string_view s, bool also_comma) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ';' || (also_comma && s[i] == ',')) {
      const std::string_view part = trim_space(s.substr(start, i - start));
      if (!part.empty()) {
        out.emplace_back(part);
      }
      start = i + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Sniffing

std::string sniff_text(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    return std::string(head.substr(3));
  }
  const bool le = head.substr(0, 2) == "\xFF\xFE";
  const bool be = head.substr(0, 2) == "\xFE\xFF";
  if (!le && !be) {
    return std::string(head);
  }
  std::string out;
  out.reserve(head.size() / 2);
  for (std::size_t i = 2; i + 1 < head.size(); i += 2) {
    const auto a = static_cast<unsigned char>(head[i]);
    const auto b = static_cast<unsigned char>(head[i + 1]);
    const unsigned long unit = le ? (a | (b << 8)) : ((a << 8) | b);
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      out += '?'; // enough for sniffing: tags are ASCII
    } else {
      append_utf8(out, static_cast<char32_t>(unit));
    }
  }
  return out;
}

} // namespace litrev
