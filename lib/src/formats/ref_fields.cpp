// Field-level helpers of the BibTeX, EndNote XML and CSV readers (see
// ref_fields.hpp). The rules here are the ones exporters were seen to follow
// in the shared fixtures; each function says what it accepts.
#include "formats/ref_fields.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <utf8proc.h>

#include "util/text.hpp"

namespace litrev::ref_fields {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char ascii_lower_char(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::size_t find_ci(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (needle.empty() || hay.size() < needle.size()) {
    return std::string_view::npos;
  }
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, std::int32_t cp) {
  std::uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// The code point at s[i] and its length; {-1, 1} for an invalid byte.
std::pair<std::int32_t, std::size_t> code_point_at(std::string_view s, std::size_t i) {
  std::int32_t cp = -1;
  const auto n = utf8proc_iterate(reinterpret_cast<const std::uint8_t*>(s.data() + i),
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    return {-1, 1};
  }
  return {cp, static_cast<std::size_t>(n)};
}

bool is_letter_cp(std::int32_t cp) {
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
    return true;
  default:
    return false;
  }
}

// The first letter of `word` is lower-case.
bool starts_lower(std::string_view word) {
  for (std::size_t i = 0; i < word.size();) {
    const auto [cp, n] = code_point_at(word, i);
    if (cp >= 0 && is_letter_cp(cp)) {
      return utf8proc_islower(cp) != 0;
    }
    i += n;
  }
  return false;
}

std::string join_words(const std::vector<NameWord>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < words.size(); ++i) {
    if (words[i].text.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += words[i].text;
  }
  return out;
}

// "JA", "J.A.", "Y", "CWC": one to four upper-case letters, dots allowed
// after each.
bool is_initials_word(std::string_view w) {
  std::size_t letters = 0;
  for (std::size_t i = 0; i < w.size();) {
    const auto [cp, n] = code_point_at(w, i);
    if (cp == '.') {
      i += n;
      continue;
    }
    if (cp < 0 || !is_letter_cp(cp) || !utf8proc_isupper(cp)) {
      return false;
    }
    ++letters;
    i += n;
  }
  return letters >= 1 && letters <= 4;
}

std::string without_dots(std::string_view w) {
  std::string out;
  for (char c : w) {
    if (c != '.') {
      out += c;
    }
  }
  return out;
}

const char* const k_corporate_words[] = {
    "organization", "organisation", "group",     "association", "committee",  "consortium",
    "collaboration", "collaborative", "society", "institute",   "institution", "council",
    "investigators", "agency",       "ministry", "foundation",  "federation", "commission",
    "alliance",      "network",      "centre",   "center",      "department", "university",
    "team",          "office",       "board",    "panel",       "authority",  "taskforce",
    "academy",       "service",      "services", "programme",   "program",    "coalition"};

bool hex_value(char c, int& v) {
  if (c >= '0' && c <= '9') {
    v = c - '0';
  } else if (c >= 'a' && c <= 'f') {
    v = c - 'a' + 10;
  } else if (c >= 'A' && c <= 'F') {
    v = c - 'A' + 10;
  } else {
    return false;
  }
  return true;
}

// The value of query parameter `name` in `url` ("eid" in "...?eid=2-s2.0-1&x"),
// or "".
std::string query_param(std::string_view url, std::string_view name) {
  std::size_t pos = 0;
  while ((pos = find_ci(url, name, pos)) != std::string_view::npos) {
    const bool starts = pos > 0 && (url[pos - 1] == '?' || url[pos - 1] == '&');
    const std::size_t eq = pos + name.size();
    if (starts && eq < url.size() && url[eq] == '=') {
      const std::size_t end = url.find('&', eq + 1);
      return std::string(url.substr(eq + 1, end == std::string_view::npos ? std::string_view::npos
                                                                           : end - eq - 1));
    }
    pos += name.size();
  }
  return {};
}

// The digits right after `marker` in `url` (case-insensitive marker), or "".
std::string digits_after(std::string_view url, std::string_view marker) {
  const std::size_t pos = find_ci(url, marker);
  if (pos == std::string_view::npos) {
    return {};
  }
  std::size_t i = pos + marker.size();
  std::string out;
  while (i < url.size() && is_digit(url[i]) && out.size() < 12) {
    out += url[i++];
  }
  if (i < url.size() && is_digit(url[i])) {
    return {};
  }
  return out;
}

const char* const k_months[] = {"january", "february", "march",     "april",   "may",      "june",
                                "july",    "august",   "september", "october", "november", "december"};

// 1..12 when `word` (letters only) names a month, else 0.
int month_of_word(std::string_view word) {
  if (word.size() < 3) {
    return 0;
  }
  const std::string w = lower(word);
  for (int m = 0; m < 12; ++m) {
    const std::string_view full = k_months[m];
    if (w.size() <= full.size() && full.substr(0, w.size()) == w) {
      return m + 1;
    }
  }
  if (w == "sept") {
    return 9;
  }
  return 0;
}

const char* season_of_word(std::string_view word) {
  const std::string w = lower(word);
  if (w == "spring") {
    return "Spring";
  }
  if (w == "summer") {
    return "Summer";
  }
  if (w == "autumn" || w == "fall") {
    return "Autumn";
  }
  if (w == "winter") {
    return "Winter";
  }
  return nullptr;
}

struct Entity {
  const char* name;
  std::int32_t cp;
};

constexpr Entity k_entities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"copy", 0xA9},    {"reg", 0xAE},
    {"trade", 0x2122}, {"deg", 0xB0},     {"plusmn", 0xB1},  {"times", 0xD7},   {"middot", 0xB7},
    {"le", 0x2264},    {"ge", 0x2265},    {"micro", 0xB5},   {"alpha", 0x3B1},  {"beta", 0x3B2},
    {"gamma", 0x3B3},  {"delta", 0x3B4},  {"mu", 0x3BC},     {"eacute", 0xE9},  {"egrave", 0xE8},
    {"aacute", 0xE1},  {"oacute", 0xF3},  {"uuml", 0xFC},    {"ouml", 0xF6},    {"auml", 0xE4},
    {"ccedil", 0xE7},  {"ntilde", 0xF1},  {"iacute", 0xED},  {"uacute", 0xFA},  {"szlig", 0xDF}};

const char* const k_inline_tags[] = {"i",    "b",   "u",  "em",   "strong", "sub", "sup", "small", "span",
                                     "scp",  "inf", "a",  "font", "tt",     "code", "sc",  "strike", "s",
                                     "bold", "italic"};
const char* const k_block_tags[] = {"p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "hr"};

} // namespace

// ---------------------------------------------------------------------------
// Text helpers

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = ascii_lower_char(c);
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower_char(a[i]) != ascii_lower_char(b[i])) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

void decode_html_entities(std::string& s) {
  if (s.find('&') == std::string::npos) {
    return;
  }
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const std::size_t semi = s.find(';', i + 1);
    if (semi == std::string::npos || semi - i > 12 || semi == i + 1) {
      out += s[i++];
      continue;
    }
    const std::string_view name(s.data() + i + 1, semi - i - 1);
    std::int32_t cp = -1;
    if (name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      const std::string_view digits = name.substr(hex ? 2 : 1);
      long value = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        int v = 0;
        if (hex ? !hex_value(c, v) : !is_digit(c)) {
          ok = false;
          break;
        }
        value = value * (hex ? 16 : 10) + (hex ? v : c - '0');
        if (value > 0x10FFFF) {
          ok = false;
          break;
        }
      }
      if (ok && value > 0 && is_xml_char(static_cast<unsigned long>(value))) {
        cp = static_cast<std::int32_t>(value);
      }
    } else {
      for (const auto& e : k_entities) {
        if (name == e.name) {
          cp = e.cp;
          break;
        }
      }
    }
    if (cp < 0) {
      out += s[i++];
      continue;
    }
    append_utf8(out, cp);
    i = semi + 1;
  }
  s = std::move(out);
}

void strip_html_tags(std::string& s) {
  if (s.find('<') == std::string::npos) {
    return;
  }
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      out += s[i++];
      continue;
    }
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '/') {
      ++j;
    }
    const std::size_t name_start = j;
    while (j < s.size() && (is_alpha(s[j]) || (j > name_start && is_digit(s[j]))) && j - name_start < 12) {
      ++j;
    }
    const std::string name = lower(std::string_view(s).substr(name_start, j - name_start));
    bool inline_tag = false;
    bool block_tag = false;
    for (const char* t : k_inline_tags) {
      inline_tag = inline_tag || name == t;
    }
    for (const char* t : k_block_tags) {
      block_tag = block_tag || name == t;
    }
    std::size_t end = std::string::npos;
    if ((inline_tag || block_tag) && j < s.size()) {
      if (s[j] == '>') {
        end = j;
      } else if (s[j] == '/' && j + 1 < s.size() && s[j + 1] == '>') {
        end = j + 1;
      } else if (s[j] == ' ') {
        // Attributes: up to the next '>' on a short stretch without '<'.
        const std::size_t gt = s.find('>', j);
        const std::size_t lt = s.find('<', j);
        if (gt != std::string::npos && gt - j < 300 && (lt == std::string::npos || lt > gt)) {
          end = gt;
        }
      }
    }
    if (end == std::string::npos) {
      out += s[i++];
      continue;
    }
    if (block_tag) {
      out += ' ';
    }
    i = end + 1;
  }
  s = std::move(out);
}

std::string clean_text(std::string_view s) {
  std::string out(s);
  decode_html_entities(out);
  strip_html_tags(out);
  fold_xml_space(out);
  return out;
}

std::string valid_utf8(std::string_view s) {
  if (find_invalid_utf8(s) == std::string_view::npos && s.find('\0') == std::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = code_point_at(s, i);
    if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
      append_utf8(out, 0xFFFD);
      i += 1;
    } else {
      if (cp != 0) {
        out.append(s.data() + i, n);
      }
      i += n;
    }
  }
  return out;
}

std::vector<std::string> split_trimmed(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      end = s.size();
    }
    const std::string_view item = trim(s.substr(start, end - start));
    if (!item.empty()) {
      out.emplace_back(item);
    }
    start = end + 1;
  }
  return out;
}

std::vector<std::string> split_keywords(std::string_view s) {
  return split_trimmed(s, s.find(';') != std::string_view::npos ? ';' : ',');
}

std::string normalize_pages(std::string_view s) {
  std::string t;
  t.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s.substr(i, 3) == "\xE2\x80\x93" || s.substr(i, 3) == "\xE2\x80\x94" || s.substr(i, 3) == "\xE2\x88\x92") {
      t += '-';
      i += 3;
    } else {
      t += s[i++];
    }
  }
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '-') {
      while (!out.empty() && out.back() == ' ') {
        out.pop_back();
      }
      if (out.empty() || out.back() != '-') {
        out += '-';
      }
      while (i + 1 < t.size() && (t[i + 1] == ' ' || t[i + 1] == '-')) {
        ++i;
      }
      continue;
    }
    out += is_space(c) ? ' ' : c;
  }
  fold_xml_space(out);
  while (!out.empty() && out.back() == '-') {
    out.pop_back();
  }
  return std::string(trim(out));
}

// ---------------------------------------------------------------------------
// Names

std::vector<NameWord> name_words(std::string_view text) {
  std::vector<NameWord> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) {
      ++i;
    }
    if (i > start) {
      const std::string_view w = text.substr(start, i - start);
      out.push_back({std::string(w), starts_lower(w)});
    }
  }
  return out;
}

std::string initials_of(std::string_view given) {
  std::string out;
  const auto words = name_words(given);
  for (const auto& w : words) {
    std::string_view t = w.text;
    // Undotted upper-case initials ("JA", "CWC"): every letter counts.
    if (is_initials_word(t) && t.find('.') == std::string_view::npos) {
      out += t;
      continue;
    }
    // Otherwise the first letter of each part between '-' and '.'.
    bool at_start = true;
    for (std::size_t i = 0; i < t.size();) {
      const auto [cp, n] = code_point_at(t, i);
      if (cp == '-' || cp == '.' || cp == '\'') {
        at_start = cp != '\'';
        i += n;
        continue;
      }
      if (at_start && cp >= 0 && is_letter_cp(cp)) {
        append_utf8(out, utf8proc_toupper(cp));
        at_start = false;
      } else if (cp == '(' || cp == ')') {
        at_start = true;
      }
      i += n;
    }
  }
  return out;
}

Author author_from_parts(const std::vector<std::vector<NameWord>>& parts, bool family_initials) {
  Author a;
  std::vector<std::vector<NameWord>> p;
  for (const auto& part : parts) {
    p.push_back(part);
  }
  while (!p.empty() && p.back().empty()) {
    p.pop_back();
  }
  if (p.empty()) {
    return a;
  }
  if (p.size() == 1) {
    const auto& w = p[0];
    const std::size_t n = w.size();
    if (n == 1) {
      a.family = w[0].text;
    } else if (family_initials && is_initials_word(w.back().text)) {
      a.family = join_words(w, 0, n - 1);
      a.initials = without_dots(w.back().text);
    } else {
      // First von Last: von runs from the first lower-case word before the
      // last word; it belongs to the family name.
      std::size_t first_lower = n - 1;
      for (std::size_t i = 0; i + 1 < n; ++i) {
        if (w[i].lower) {
          first_lower = i;
          break;
        }
      }
      a.given = join_words(w, 0, first_lower);
      a.family = join_words(w, first_lower, n);
    }
  } else {
    a.family = join_words(p[0], 0, p[0].size());
    if (p.size() == 2) {
      a.given = join_words(p[1], 0, p[1].size());
    } else {
      a.suffix = join_words(p[1], 0, p[1].size());
      std::string given;
      for (std::size_t i = 2; i < p.size(); ++i) {
        const std::string g = join_words(p[i], 0, p[i].size());
        if (!g.empty()) {
          given += given.empty() ? g : ", " + g;
        }
      }
      a.given = given;
    }
  }
  if (a.initials.empty()) {
    a.initials = initials_of(a.given);
  }
  if (a.family.empty() && !a.given.empty() && p.size() > 1) {
    // ", First" -- keep the one name there is as the family name.
    a.family = a.given;
    a.given.clear();
    a.initials.clear();
  }
  return a;
}

bool looks_corporate(std::string_view name) {
  if (name.find(',') != std::string_view::npos) {
    return false;
  }
  const auto words = name_words(name);
  if (words.size() < 2) {
    return false;
  }
  for (const auto& w : words) {
    std::string t;
    for (char c : w.text) {
      if (is_alpha(c)) {
        t += ascii_lower_char(c);
      }
    }
    for (const char* k : k_corporate_words) {
      if (t == k) {
        return true;
      }
    }
  }
  return false;
}

Author parse_name(std::string_view text, bool family_initials) {
  Author a;
  std::string_view t = trim(text);
  if (t.empty()) {
    return a;
  }
  if (t.back() == ',') {
    // EndNote's convention for a corporate author: the name with a trailing comma.
    a.collective = std::string(trim(t.substr(0, t.size() - 1)));
    return a;
  }
  if (looks_corporate(t)) {
    a.collective = std::string(t);
    return a;
  }
  std::vector<std::vector<NameWord>> parts;
  for (std::size_t start = 0; start <= t.size();) {
    std::size_t end = t.find(',', start);
    if (end == std::string_view::npos) {
      end = t.size();
    }
    parts.push_back(name_words(t.substr(start, end - start)));
    start = end + 1;
  }
  return author_from_parts(parts, family_initials);
}

Author parse_family_initials(std::string_view text) {
  Author a;
  const auto w = name_words(trim(text));
  if (w.empty()) {
    return a;
  }
  if (w.size() == 1) {
    a.family = w[0].text;
    return a;
  }
  if (is_initials_word(w.back().text)) {
    a.family = join_words(w, 0, w.size() - 1);
    a.initials = without_dots(w.back().text);
    return a;
  }
  a.collective = std::string(trim(text));
  return a;
}

std::vector<std::string> split_name_list(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) {
    return {};
  }
  if (t.find(';') != std::string_view::npos) {
    return split_trimmed(t, ';');
  }
  for (std::string_view sep : {" and ", " AND "}) {
    if (t.find(sep) != std::string_view::npos) {
      std::vector<std::string> out;
      std::size_t start = 0;
      for (;;) {
        const std::size_t end = t.find(sep, start);
        const std::string_view item = trim(t.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (!item.empty()) {
          out.emplace_back(item);
        }
        if (end == std::string_view::npos) {
          break;
        }
        start = end + sep.size();
      }
      return out;
    }
  }
  if (t.find(',') == std::string_view::npos) {
    return {std::string(t)};
  }
  std::vector<std::string> parts = split_trimmed(t, ',');
  if (parts.size() <= 1) {
    return parts;
  }
  bool all_multiword = true;
  for (const auto& p : parts) {
    all_multiword = all_multiword && name_words(p).size() >= 2;
  }
  if (all_multiword) {
    return parts;
  }
  if (parts.size() % 2 == 0) {
    // "Smith, J., Jones, K.": family and given names alternate.
    std::vector<std::string> out;
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
      out.push_back(parts[i] + ", " + parts[i + 1]);
    }
    return out;
  }
  return parts;
}

// ---------------------------------------------------------------------------
// Identifiers

std::string normalize_issn(std::string_view raw) {
  std::string_view s = trim(raw);
  const std::size_t paren = s.find('(');
  if (paren != std::string_view::npos) {
    s = trim(s.substr(0, paren));
  }
  std::string compact;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-' && i == 4) {
      continue;
    }
    compact += s[i];
  }
  if (compact.size() != 8) {
    return {};
  }
  for (std::size_t i = 0; i < 7; ++i) {
    if (!is_digit(compact[i])) {
      return {};
    }
  }
  char check = compact[7];
  if (check == 'x') {
    check = 'X';
  }
  if (!is_digit(check) && check != 'X') {
    return {};
  }
  return compact.substr(0, 4) + "-" + compact.substr(4, 3) + check;
}

std::string issn_qualifier(std::string_view raw) {
  const std::string l = lower(raw);
  if (l.find("electronic") != std::string::npos || l.find("online") != std::string::npos ||
      l.find("eissn") != std::string::npos) {
    return "electronic";
  }
  if (l.find("linking") != std::string::npos) {
    return "linking";
  }
  if (l.find("print") != std::string::npos) {
    return "print";
  }
  return {};
}

bool add_issn(Journal& journal, std::string_view raw) {
  const std::string issn = normalize_issn(raw);
  if (issn.empty()) {
    return false;
  }
  const std::string q = issn_qualifier(raw);
  if (issn == journal.issn_print || issn == journal.issn_electronic || issn == journal.issn_linking) {
    return true;
  }
  if (q == "electronic") {
    if (journal.issn_electronic.empty()) {
      journal.issn_electronic = issn;
    }
  } else if (q == "linking") {
    if (journal.issn_linking.empty()) {
      journal.issn_linking = issn;
    }
  } else if (journal.issn_print.empty()) {
    journal.issn_print = issn;
  } else if (q.empty() && journal.issn_electronic.empty()) {
    journal.issn_electronic = issn;
  }
  return true;
}

bool is_pmcid(std::string_view s) {
  if (s.size() < 4 || s.size() > 12 || s.substr(0, 3) != "PMC") {
    return false;
  }
  return std::all_of(s.begin() + 3, s.end(), is_digit);
}

bool is_pmid(std::string_view s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), is_digit) && s != std::string_view("0");
}

bool add_listed_ids(std::string_view list, Record& record, const std::string& tag) {
  struct Item {
    std::string id;
    std::string type;
  };
  std::vector<Item> items;
  for (const auto& part : split_trimmed(list, ';')) {
    const std::string_view t = trim(part);
    const std::size_t open = t.rfind('[');
    if (t.empty() || t.back() != ']' || open == std::string_view::npos) {
      return false;
    }
    const std::string_view type = t.substr(open + 1, t.size() - open - 2);
    const std::string_view id = trim(t.substr(0, open));
    const bool type_ok = !type.empty() && std::all_of(type.begin(), type.end(), [](char c) {
      return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || c == '-';
    });
    if (!type_ok || id.empty() || std::any_of(id.begin(), id.end(), [](char c) { return c == ' ' || c == '\t'; })) {
      return false;
    }
    items.push_back({std::string(id), std::string(type)});
  }
  if (items.empty()) {
    return false;
  }
  for (auto& item : items) {
    const std::string type = lower(item.type);
    std::string* slot = nullptr;
    const char* field = nullptr;
    if (type == "nct") {
      slot = &record.ids.nct;
      field = "ids.nct";
    } else if (type == "pii") {
      slot = &record.ids.pii;
      field = "ids.pii";
    } else if (type == "pmid" && is_pmid(item.id)) {
      slot = &record.ids.pmid;
      field = "ids.pmid";
    } else if (type == "pmcid" && is_pmcid(item.id)) {
      slot = &record.ids.pmcid;
      field = "ids.pmcid";
    } else if (type == "doi" && !normalize_doi(item.id).empty()) {
      item.id = normalize_doi(item.id);
      slot = &record.ids.doi;
      field = "ids.doi";
    }
    if (slot != nullptr) {
      if (slot->empty()) {
        *slot = item.id;
        note_source(record, field, tag);
      }
      continue;
    }
    const bool known = std::any_of(record.ids.other.begin(), record.ids.other.end(), [&](const RecordIds::Other& o) {
      return o.type == item.type && o.value == item.id;
    });
    if (!known) {
      record.ids.other.push_back({item.type, item.id});
      note_source(record, "ids.other", tag);
    }
  }
  return true;
}

void ids_from_url(std::string_view url, Record& record, const std::string& tag) {
  url = trim(url);
  if (url.empty()) {
    return;
  }
  if (record.ids.doi.empty()) {
    std::string doi;
    if (find_ci(url, "doi.org/") != std::string_view::npos) {
      doi = normalize_doi(url);
    }
    if (doi.empty()) {
      const std::string param = query_param(url, "doi");
      if (!param.empty()) {
        doi = normalize_doi(percent_decode(param));
      }
    }
    if (!doi.empty()) {
      record.ids.doi = doi;
      note_source(record, "ids.doi", tag);
    }
  }
  if (record.ids.pmid.empty()) {
    std::string pmid;
    for (std::string_view marker : {"pubmed.ncbi.nlm.nih.gov/", "ncbi.nlm.nih.gov/pubmed/",
                                    "europepmc.org/abstract/MED/", "europepmc.org/article/MED/"}) {
      if (pmid.empty()) {
        pmid = digits_after(url, marker);
      }
    }
    if (is_pmid(pmid)) {
      record.ids.pmid = pmid;
      note_source(record, "ids.pmid", tag);
    }
  }
  if (record.ids.pmcid.empty()) {
    std::string pmc;
    for (std::string_view marker : {"/pmc/articles/PMC", "europepmc.org/articles/PMC",
                                    "europepmc.org/article/PMC/PMC", "/pmc/articles/pmc"}) {
      if (pmc.empty()) {
        pmc = digits_after(url, marker);
      }
    }
    if (!pmc.empty()) {
      record.ids.pmcid = "PMC" + pmc;
      note_source(record, "ids.pmcid", tag);
    }
  }
  if (find_ci(url, "scopus.com") != std::string_view::npos) {
    const std::string eid = query_param(url, "eid");
    const bool have = std::any_of(record.ids.other.begin(), record.ids.other.end(),
                                  [](const RecordIds::Other& o) { return o.type == "scopus"; });
    if (!eid.empty() && !have && eid.size() < 64) {
      record.ids.other.push_back({"scopus", eid});
      note_source(record, "ids.other", tag);
    }
  }
}

// ---------------------------------------------------------------------------
// Dates

int month_from_text(std::string_view s) {
  s = trim(s);
  if (s.empty()) {
    return 0;
  }
  if (is_digit(s[0])) {
    std::size_t i = 0;
    int v = 0;
    while (i < s.size() && is_digit(s[i]) && i < 3) {
      v = v * 10 + (s[i] - '0');
      ++i;
    }
    if (i < s.size() && is_digit(s[i])) {
      return 0;
    }
    if (i != s.size() && s[i] != '-' && s[i] != '/' && !is_space(s[i])) {
      return 0;
    }
    return v >= 1 && v <= 12 ? v : 0;
  }
  std::size_t i = 0;
  while (i < s.size() && is_alpha(s[i])) {
    ++i;
  }
  return month_of_word(s.substr(0, i));
}

int first_year(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (!is_digit(s[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    if (i - start == 4) {
      const int y = (s[start] - '0') * 1000 + (s[start + 1] - '0') * 100 + (s[start + 2] - '0') * 10 +
                    (s[start + 3] - '0');
      if (y >= 1000 && y <= 2999) {
        return y;
      }
    }
  }
  return 0;
}

bool parse_loose_date(std::string_view s, PubDate& date) {
  s = trim(s);
  if (s.empty()) {
    return false;
  }
  int year = 0;
  int month = 0;
  int day = 0;
  const char* season = nullptr;
  bool extra = false; // more than a plain date
  // ISO-like: YYYY[-/.]MM[-/.]DD, possibly followed by a time or other text.
  if (s.size() >= 4 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
      (s.size() == 4 || !is_digit(s[4]))) {
    year = first_year(s.substr(0, 4));
    std::size_t i = 4;
    auto number = [&](int& out) {
      if (i < s.size() && (s[i] == '-' || s[i] == '/' || s[i] == '.') && i + 1 < s.size() && is_digit(s[i + 1])) {
        std::size_t j = i + 1;
        int v = 0;
        while (j < s.size() && is_digit(s[j]) && j - i <= 2) {
          v = v * 10 + (s[j] - '0');
          ++j;
        }
        if (j < s.size() && is_digit(s[j])) {
          return false;
        }
        out = v;
        i = j;
        return true;
      }
      return false;
    };
    int m = 0;
    int d = 0;
    if (number(m) && m >= 1 && m <= 12) {
      month = m;
      if (number(d) && d >= 1 && d <= 31) {
        day = d;
      }
    } else {
      i = 4;
    }
    const std::string_view rest = trim(s.substr(i));
    if (!rest.empty()) {
      // "2016/2017" (a range), "2013/02/15/received", "2021 Nov 29".
      std::string_view r = rest;
      while (!r.empty() && (r.front() == '/' || r.front() == '-' || is_space(r.front()))) {
        r.remove_prefix(1);
      }
      if (month == 0 && !r.empty()) {
        PubDate more;
        parse_loose_date(r, more);
        if (more.year != 0 && more.year != year) {
          extra = true;
        } else {
          month = more.month;
          day = more.day;
          season = more.season.empty() ? nullptr : season_of_word(more.season);
          extra = !more.text.empty();
        }
      } else if (!r.empty() && (r.front() != 'T' || month == 0)) {
        extra = first_year(r) != 0;
      }
    }
  } else {
    // Word by word: "2022 Mar", "Mar 3", "27 February 2011", "NOV-DEC".
    std::vector<int> small;
    int months_seen = 0;
    for (std::size_t i = 0; i < s.size();) {
      if (is_digit(s[i])) {
        const std::size_t start = i;
        while (i < s.size() && is_digit(s[i])) {
          ++i;
        }
        const std::string_view num = s.substr(start, i - start);
        if (num.size() == 4) {
          const int y = first_year(num);
          if (y != 0) {
            if (year == 0) {
              year = y;
            } else if (y != year) {
              extra = true;
            }
          }
        } else if (num.size() <= 2) {
          small.push_back(std::stoi(std::string(num)));
        } else {
          extra = true;
        }
      } else if (is_alpha(s[i])) {
        const std::size_t start = i;
        while (i < s.size() && is_alpha(s[i])) {
          ++i;
        }
        const std::string_view word = s.substr(start, i - start);
        const int m = month_of_word(word);
        if (m != 0) {
          ++months_seen;
          if (month == 0) {
            month = m;
          }
        } else if (const char* se = season_of_word(word)) {
          if (season == nullptr) {
            season = se;
          }
        } else {
          extra = true;
        }
      } else {
        ++i;
      }
    }
    if (months_seen > 1) {
      extra = true;
    }
    if (month != 0 && !small.empty() && small.front() >= 1 && small.front() <= 31) {
      day = small.front();
    }
  }
  const bool found = year != 0 || month != 0 || season != nullptr;
  if (date.year == 0) {
    date.year = year;
  }
  if (date.month == 0) {
    date.month = month;
    if (date.day == 0 && month != 0) {
      date.day = day;
    }
  }
  if (date.season.empty() && season != nullptr) {
    date.season = season;
  }
  if (extra && date.text.empty()) {
    date.text = std::string(s);
  }
  return found || extra;
}

// ---------------------------------------------------------------------------
// Records

bool has_title_or_id(const Record& r) {
  return !r.title.empty() || !r.ids.doi.empty() || !r.ids.pmid.empty() || !r.ids.pmcid.empty() ||
         !r.ids.nct.empty() || !r.ids.other.empty();
}

void finish_record(Record& record) {
  record.ids.doi = lower(record.ids.doi);
  record.key = record_key(record);
  add_registry_ids_from_text(record);
}

void note_source(Record& record, const std::string& field, const std::string& tag) {
  for (const auto& fs : record.field_sources) {
    if (fs.field == field) {
      return;
    }
  }
  record.field_sources.push_back({field, tag});
}

std::string kind_of_type(std::string_view type_name) {
  std::string t;
  for (char c : trim(type_name)) {
    if (is_alpha(c) || is_digit(c)) {
      t += ascii_lower_char(c);
    }
  }
  if (t.empty()) {
    return {};
  }
  static const std::pair<const char*, const char*> table[] = {
      {"article", "article"},
      {"journalarticle", "article"},
      {"jour", "article"},
      {"ejour", "article"},
      {"electronicarticle", "article"},
      {"magazinearticle", "article"},
      {"mgzn", "article"},
      {"newspaperarticle", "article"},
      {"news", "article"},
      {"review", "article"},
      {"letter", "article"},
      {"editorial", "article"},
      {"erratum", "article"},
      {"note", "article"},
      {"datapaper", "article"},
      {"shortsurvey", "article"},
      {"suppperiodical", "article"},
      {"magazine", "article"},
      {"abstract", "article"},
      {"abst", "article"},
      {"periodical", "article"},
      {"inproceedings", "conference-paper"},
      {"conference", "conference-paper"},
      {"conferencepaper", "conference-paper"},
      {"conferencepublication", "conference-paper"},
      {"conferenceproceedings", "conference-paper"},
      {"conferencereview", "conference-paper"},
      {"proceedingspaper", "conference-paper"},
      {"cpaper", "conference-paper"},
      {"conf", "conference-paper"},
      {"book", "book"},
      {"mvbook", "book"},
      {"booklet", "book"},
      {"collection", "book"},
      {"mvcollection", "book"},
      {"proceedings", "book"},
      {"mvproceedings", "book"},
      {"reference", "book"},
      {"mvreference", "book"},
      {"manual", "book"},
      {"editedbook", "book"},
      {"edbook", "book"},
      {"wholebook", "book"},
      {"inbook", "book-chapter"},
      {"incollection", "book-chapter"},
      {"inreference", "book-chapter"},
      {"bookinbook", "book-chapter"},
      {"suppbook", "book-chapter"},
      {"suppcollection", "book-chapter"},
      {"booksection", "book-chapter"},
      {"bookchapter", "book-chapter"},
      {"chap", "book-chapter"},
      {"chapter", "book-chapter"},
      {"thesis", "thesis"},
      {"phdthesis", "thesis"},
      {"mastersthesis", "thesis"},
      {"thes", "thesis"},
      {"dissertation", "thesis"},
      {"report", "report"},
      {"techreport", "report"},
      {"rprt", "report"},
      {"dataset", "dataset"},
      {"data", "dataset"},
      {"software", "software"},
      {"computerprogram", "software"},
      {"patent", "patent"},
      {"pat", "patent"},
      {"online", "webpage"},
      {"webpage", "webpage"},
      {"www", "webpage"},
      {"preprint", "preprint"},
      {"misc", "other"},
  };
  // The record schema knows "article", "book-chapter" and "registration":
  // books and their parts are the closest to "book-chapter", everything
  // else to "article" (the precise type stays in publication_types).
  for (const auto& [name, kind] : table) {
    if (t == name) {
      const std::string_view k = kind;
      return (k == "book" || k == "book-chapter") ? "book-chapter" : "article";
    }
  }
  if (t == "unpublished" || t == "generic" || t == "gen" || t == "standard" || t == "electronic") {
    return "article";
  }
  return {};
}

} // namespace litrev::ref_fields
