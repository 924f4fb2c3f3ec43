// Normalising the fields of a record for duplicate detection (fields.hpp).
//
// Ideas taken from the published tools, none of their code: page-range
// expansion and author variants from SRA-DM (Rathbone 2015); HTML stripping,
// deburring and DOI canonicalisation from the SRA Deduplicator; removing
// retraction text and splitting bilingual titles from DedupEndNote; treating
// "[bracketed]" titles as translations and journal abbreviations as prefixes
// from bib-dedupe (CoLRev).
#include "dedup/fields.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <regex>

#include <litrev/dedup.hpp>

#include "util/normalize.hpp"
#include "util/text.hpp"

namespace litrev::dedup {

namespace {

constexpr std::size_t k_max_title_bytes = 2000;

bool is_ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool starts_with(std::string_view s, std::string_view p) noexcept {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}
bool ends_with(std::string_view s, std::string_view p) noexcept {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// `s` starts with the word(s) `w`: the next character is not a letter.
bool starts_with_word(std::string_view s, std::string_view w) noexcept {
  return starts_with(s, w) && (s.size() == w.size() || !is_ascii_alpha(s[w.size()]));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}


// Removes HTML/XML tags and decodes the common entities. Reference exports
// carry <i>, <sup>, <sub>, <p> and &amp; in titles and abstracts (Lens,
// EndNote), and one database may keep them where another flattened them.
std::string strip_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '<') {
      // A tag is '<' then a letter, '/' or '!' and runs to '>' without
      // another '<': "a < b" in a title is left alone.
      std::size_t j = i + 1;
      if (j < s.size() && (is_ascii_alpha(s[j]) || s[j] == '/' || s[j] == '!')) {
        std::size_t k = j;
        while (k < s.size() && s[k] != '>' && s[k] != '<' && k - i < 200) {
          ++k;
        }
        if (k < s.size() && s[k] == '>') {
          out += ' ';
          i = k;
          continue;
        }
      }
      out += c;
      continue;
    }
    if (c == '&') {
      std::size_t k = s.find(';', i);
      if (k != std::string_view::npos && k - i <= 10) {
        std::string_view ent = s.substr(i + 1, k - i - 1);
        std::string rep;
        bool known = true;
        if (ent == "amp") {
          rep = "&";
        } else if (ent == "lt") {
          rep = "<";
        } else if (ent == "gt") {
          rep = ">";
        } else if (ent == "quot") {
          rep = "\"";
        } else if (ent == "apos") {
          rep = "'";
        } else if (ent == "nbsp") {
          rep = " ";
        } else if (!ent.empty() && ent[0] == '#') {
          unsigned long cp = 0;
          bool ok = ent.size() > 1;
          if (ok && (ent[1] == 'x' || ent[1] == 'X')) {
            ok = ent.size() > 2;
            for (std::size_t m = 2; ok && m < ent.size(); ++m) {
              const char h = ent[m];
              int v = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
              ok = v >= 0 && cp < 0x110000;
              cp = cp * 16 + static_cast<unsigned long>(v < 0 ? 0 : v);
            }
          } else {
            for (std::size_t m = 1; ok && m < ent.size(); ++m) {
              ok = is_digit(ent[m]) && cp < 0x110000;
              cp = cp * 10 + static_cast<unsigned long>(ent[m] - '0');
            }
          }
          if (ok && cp > 0 && cp < 0x110000 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
            if (cp < 0x80) {
              rep += static_cast<char>(cp);
            } else if (cp < 0x800) {
              rep += static_cast<char>(0xC0 | (cp >> 6));
              rep += static_cast<char>(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
              rep += static_cast<char>(0xE0 | (cp >> 12));
              rep += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
              rep += static_cast<char>(0x80 | (cp & 0x3F));
            } else {
              rep += static_cast<char>(0xF0 | (cp >> 18));
              rep += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
              rep += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
              rep += static_cast<char>(0x80 | (cp & 0x3F));
            }
          } else {
            known = false;
          }
        } else {
          known = false;
        }
        if (known) {
          out += rep;
          i = k;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

// Greek letters are spelled out by some databases ("TNF-alpha") and kept by
// others ("TNF-α"); spell them out everywhere. Lower and upper case, and the
// micro sign, which NFKC would turn into mu anyway.
struct Greek {
  const char* utf8;
  const char* name;
};
constexpr Greek k_greek[] = {
    {"\xCE\xB1", " alpha "}, {"\xCE\x91", " alpha "}, {"\xCE\xB2", " beta "},   {"\xCE\x92", " beta "},
    {"\xCE\xB3", " gamma "}, {"\xCE\x93", " gamma "}, {"\xCE\xB4", " delta "},  {"\xCE\x94", " delta "},
    {"\xCE\xB5", " epsilon "}, {"\xCE\xBA", " kappa "}, {"\xCE\xBB", " lambda "}, {"\xCE\xBC", " mu "},
    {"\xC2\xB5", " mu "},    {"\xCF\x89", " omega "}, {"\xCE\xA9", " omega "}, {"\xCF\x84", " tau "},
    {"\xCE\xB8", " theta "}, {"\xCF\x83", " sigma "},
};

std::string spell_greek(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == 0xCE || u == 0xCF || u == 0xC2) {
      bool hit = false;
      for (const Greek& g : k_greek) {
        const std::size_t n = std::strlen(g.utf8);
        if (s.compare(i, n, g.utf8) == 0) {
          out += g.name;
          i += n;
          hit = true;
          break;
        }
      }
      if (hit) {
        continue;
      }
    }
    if (s[i] == '&') {
      out += " and ";
      ++i;
      continue;
    }
    out += s[i];
    ++i;
  }
  return out;
}

// British to American spelling, so that "haemolytic uraemic" meets
// "hemolytic uremic" and "randomised" meets "randomized". Applied to both
// sides of every comparison, so an unlucky fold ("aerosol" -> "erosol") is
// harmless.
void fold_spelling(std::string& w) {
  if (w.size() >= 4) {
    std::string out;
    out.reserve(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
      if ((w[i] == 'a' || w[i] == 'o') && i + 1 < w.size() && w[i + 1] == 'e' && i > 0) {
        // "ae"/"oe" inside a word -> "e" (haem, paediatric, oedema keeps
        // its leading "o": "oedema" -> "oedema" is left, see below).
        out += 'e';
        ++i;
        continue;
      }
      out += w[i];
    }
    if (starts_with(out, "oe") && out.size() >= 5) {
      out.erase(0, 1); // oedema, oesophagus, oestrogen
    } else if (starts_with(out, "ae") && out.size() >= 6 && out != "aerobic" && !starts_with(out, "aero")) {
      out.erase(0, 1); // aetiology
    }
    w = out;
  }
  if (w.size() >= 6) {
    static const char* const k_ise[][2] = {
        {"isation", "ization"}, {"isations", "izations"}, {"ised", "ized"}, {"ises", "izes"},
        {"ising", "izing"},     {"ise", "ize"},           {"yse", "yze"},   {"ysed", "yzed"},
        {"ours", "ors"},        {"our", "or"},
    };
    for (const auto& p : k_ise) {
      if (ends_with(w, p[0])) {
        w.replace(w.size() - std::strlen(p[0]), std::string::npos, p[1]);
        break;
      }
    }
  }
}

const char* const k_languages[] = {
    "afrikaans", "arabic",    "bulgarian", "catalan",   "chinese",   "croatian",  "czech",
    "danish",    "dutch",     "english",   "estonian",  "finnish",   "french",    "german",
    "greek",     "hebrew",    "hungarian", "icelandic", "indonesian", "italian",  "japanese",
    "korean",    "latvian",   "lithuanian", "malay",    "norwegian", "persian",   "polish",
    "portuguese", "romanian", "russian",   "serbian",   "slovak",    "slovene",   "slovenian",
    "spanish",   "swedish",   "thai",      "turkish",   "ukrainian", "vietnamese",
};

bool is_language(std::string_view w) {
  for (const char* l : k_languages) {
    if (w == l) {
      return true;
    }
  }
  return false;
}

std::string lower_ascii(std::string_view s) { return ascii_lower(s); }

// What a bracketed or parenthesised group in a title is, when it is a note
// added by a database rather than part of the title.
enum class Note { none, drop, language };

Note classify_note(std::string_view content, bool square) {
  const std::string c = lower_ascii(trim(content));
  if (c.empty()) {
    return Note::drop;
  }
  static const char* const k_prefixes[] = {
      "erratum", "errata",   "published erratum", "corrected", "correction", "comment",
      "retracted", "retraction", "update",        "see ",       "reprint",    "republished",
      "expression of concern", "author's transl", "authors' transl", "author transl",
      "multiple letters", "letter", "abstract", "editorial", "review", "case report",
  };
  for (const char* p : k_prefixes) {
    if (starts_with(c, p)) {
      // A parenthesised "(Review)" or "(letter)" is a note too, but only
      // square brackets may hold a long note ("[Erratum appears in ...]").
      if (square || c.size() <= 20 || starts_with(c, "erratum") || starts_with(c, "published erratum")) {
        return Note::drop;
      }
    }
  }
  bool all_digits = true;
  for (char ch : c) {
    all_digits = all_digits && (is_digit(ch) || ch == ' ' || ch == ',');
  }
  if (all_digits) {
    return square ? Note::drop : Note::none; // "[1]", but "(2)" may be part of a title
  }
  if (ends_with(c, " refs") || ends_with(c, " ref") || ends_with(c, " references")) {
    return Note::drop;
  }
  // "[Japanese]", "[German, English]", "[Article in Spanish]".
  std::string words = normalize_words(c);
  bool any_lang = false;
  bool other = false;
  for (std::string_view w : split_on_spaces(words)) {
    if (is_language(w)) {
      any_lang = true;
    } else if (w != "and" && w != "article" && w != "in" && w != "with" && w != "abstract" &&
               w != "summary" && w != "text") {
      other = true;
    }
  }
  if (any_lang && !other) {
    return Note::language;
  }
  return Note::none;
}

// Removes database notes from a title: "[Erratum appears in ...]",
// "[Review] [16 refs]", "[Japanese]", "(multiple letters)", "[1]". Sets
// `translated` when a language tag was found.
std::string drop_notes(std::string_view s, bool& translated) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '[' || c == '(') {
      const char close = c == '[' ? ']' : ')';
      int depth = 0;
      std::size_t j = i;
      for (; j < s.size(); ++j) {
        if (s[j] == c) {
          ++depth;
        } else if (s[j] == close && --depth == 0) {
          break;
        }
      }
      const bool closed = j < s.size();
      std::string_view content = s.substr(i + 1, (closed ? j : s.size()) - i - 1);
      // A title is bracketed whole when it is a translation: "[Title]."
      // That is handled by the caller; here only notes are dropped. An
      // unclosed group (a truncated title) is a note only when it says so.
      const Note note = classify_note(content, c == '[');
      if (note != Note::none && (closed || c == '[')) {
        if (note == Note::language) {
          translated = true;
        }
        // Do not drop a bracket that opens the title and holds most of it
        // (a translated title that happens to start with "Review of ...").
        if (!(i == 0 && c == '[' && content.size() > 40 && note == Note::drop &&
              !starts_with(lower_ascii(content), "erratum") && !starts_with(lower_ascii(content), "retracted"))) {
          out += ' ';
          i = closed ? j + 1 : s.size();
          continue;
        }
      }
    }
    out += c;
    ++i;
  }
  return out;
}

// Strips the leading "[" ... "]" of a translated title ("[Title in
// English]." as MEDLINE writes titles translated from another language).
// An unclosed leading '[' (a truncated title) counts too.
std::string unwrap_translation(std::string_view s, bool& translated) {
  std::string_view t = trim(s);
  if (t.empty() || t.front() != '[') {
    return std::string(s);
  }
  int depth = 0;
  std::size_t j = 0;
  for (; j < t.size(); ++j) {
    if (t[j] == '[') {
      ++depth;
    } else if (t[j] == ']' && --depth == 0) {
      break;
    }
  }
  if (j >= t.size()) {
    translated = true;
    return std::string(t.substr(1));
  }
  std::string_view rest = trim(t.substr(j + 1));
  bool only_punct = true;
  for (char ch : rest) {
    only_punct = only_punct && !is_ascii_alpha(ch) && !is_digit(ch);
  }
  if (!only_punct) {
    return std::string(s); // "[Something] and more": a bracket inside the title
  }
  translated = true;
  return std::string(t.substr(1, j - 1));
}

// A title whose end is a citation of another article in parentheses: Web of
// Science writes corrections as "Title (vol 360, pg 542, 2009)" and Embase
// as "Title (New England Journal of Medicine (2009) 360 (542-544))". Returns
// where that citation starts in `t`, or npos.
std::size_t cited_original(std::string_view t) {
  while (!t.empty() && (t.back() == '.' || t.back() == ' ')) {
    t.remove_suffix(1);
  }
  const std::size_t v = t.rfind("(vol");
  if (v != std::string_view::npos) {
    std::string_view rest = t.substr(v + 4);
    std::size_t k = 0;
    while (k < rest.size() && (rest[k] == '.' || rest[k] == ' ' || is_ascii_alpha(rest[k]))) {
      ++k;
    }
    if (k < rest.size() && is_digit(rest[k]) &&
        (rest.find(" pg ") != std::string_view::npos || rest.find(", p") != std::string_view::npos)) {
      return v;
    }
  }
  if (ends_with(t, "))")) {
    static const std::regex k_embase(R"(\([^()]*\((19|20)[0-9][0-9]\)[^()]*\([0-9a-z]+( *- *[0-9a-z]+)?\)\)$)");
    const std::size_t from = t.size() > 300 ? t.size() - 300 : 0;
    const std::string tail(t.substr(from));
    std::smatch m;
    if (std::regex_search(tail, m, k_embase)) {
      return from + static_cast<std::size_t>(m.position(0));
    }
  }
  return std::string_view::npos;
}

// Recognises notices from the title and removes their prefix, so that two
// records of one erratum compare on the title they correct.
Notice detect_notice(std::string& lower) {
  std::string_view t = trim(lower);
  auto strip = [&](std::size_t n) {
    std::string_view rest = t.substr(std::min(n, t.size()));
    while (!rest.empty() && (rest.front() == ':' || rest.front() == ' ' || rest.front() == '-' ||
                             rest.front() == '.' || rest.front() == '"' || rest.front() == '\'')) {
      rest.remove_prefix(1);
    }
    if (starts_with_word(rest, "to") || starts_with_word(rest, "of") || starts_with_word(rest, "on")) {
      rest.remove_prefix(2);
    }
    lower = std::string(rest);
  };
  // The retracted article itself keeps being the article.
  for (const char* p : {"retracted article", "retracted", "withdrawn article"}) {
    if (starts_with_word(t, p) && t.size() > std::strlen(p) && (t[std::strlen(p)] == ':' || t[std::strlen(p)] == ' ')) {
      strip(std::strlen(p));
      t = trim(lower);
      break;
    }
  }
  for (const char* p : {"erratum", "errata", "corrigendum", "corrigenda", "published erratum"}) {
    if (starts_with_word(t, p)) {
      strip(std::strlen(p));
      return Notice::erratum;
    }
  }
  // "Correction" and "Addendum" open ordinary titles too ("Correction of
  // hypokalaemia ..."): only with a colon, "to", or nothing else.
  for (const char* p : {"correction", "addendum", "author correction", "publisher correction"}) {
    if (starts_with_word(t, p)) {
      std::string_view rest = trim(t.substr(std::strlen(p)));
      if (rest.empty() || rest.front() == ':' || rest.front() == '[' || starts_with_word(rest, "to") ||
          starts_with(rest, "- ")) {
        strip(std::strlen(p));
        return Notice::erratum;
      }
    }
  }
  for (const char* p : {"notice of retraction", "retraction notice", "retraction note", "retraction statement",
                        "retraction"}) {
    if (starts_with_word(t, p)) {
      std::string_view rest = trim(t.substr(std::strlen(p)));
      if (std::strcmp(p, "retraction") != 0 || rest.empty() || rest.front() == ':' || starts_with_word(rest, "of") ||
          starts_with_word(rest, "to") || starts_with_word(rest, "notice")) {
        strip(std::strlen(p));
        return Notice::retraction;
      }
    }
  }
  for (const char* p : {"editorial expression of concern", "expression of concern"}) {
    if (starts_with_word(t, p)) {
      strip(std::strlen(p));
      return Notice::concern;
    }
  }
  if (const std::size_t at = cited_original(t); at != std::string_view::npos) {
    lower = std::string(t.substr(0, at));
    return Notice::erratum;
  }
  for (const char* p : {"comment on", "comments on", "commentary on", "comment to", "comment:", "re:",
                        "reply to", "in reply", "reply:", "authors reply", "author reply", "authors' reply",
                        "author's reply", "the authors reply", "response to the letter", "response to letter",
                        "response to comment", "response to the comment", "response to: "}) {
    if (starts_with(t, p)) {
      strip(std::strlen(p));
      return Notice::comment;
    }
  }
  // "Title - Reply", "Title: reply", "Title. Authors' reply".
  {
    std::string_view e = t;
    while (!e.empty() && !is_ascii_alpha(e.back())) {
      e.remove_suffix(1);
    }
    for (const char* p : {"reply", "replies", "authors reply", "author reply", "authors' reply", "author's reply",
                          "response", "the authors reply"}) {
      const std::size_t n = std::strlen(p);
      if (ends_with(e, p) && e.size() > n + 3) {
        const char before = e[e.size() - n - 1];
        std::string_view head = trim(e.substr(0, e.size() - n));
        // Only when set off from the title ("- reply", ": reply", ". reply"),
        // so "... and treatment response" stays an ordinary title.
        if ((before == ' ' || before == '-') && !head.empty() &&
            (head.back() == '-' || head.back() == ':' || head.back() == '.' || head.back() == ';' ||
             head.back() == ',')) {
          lower = std::string(head);
          return Notice::comment;
        }
      }
    }
  }
  if (t.find("reply to ") != std::string_view::npos || t.find("response to the letter") != std::string_view::npos ||
      t.find("response to letter") != std::string_view::npos ||
      t.find("response to the comment") != std::string_view::npos) {
    return Notice::comment;
  }
  return Notice::none;
}

// FNV-1a, then a 64-bit finaliser (splitmix64) for the MinHash permutations.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_digit(c)) {
      out += c;
    }
  }
  return out;
}

std::string strip_zeros(std::string s) {
  std::size_t k = 0;
  while (k + 1 < s.size() && s[k] == '0') {
    ++k;
  }
  return s.substr(k);
}

// "12", "77-78", "12 Suppl 1" -> "12"; a number range keeps both ends.
std::string number_key(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && !is_digit(s[i])) {
    ++i;
  }
  if (i == s.size()) {
    return {};
  }
  std::size_t j = i;
  while (j < s.size() && is_digit(s[j])) {
    ++j;
  }
  std::string out = strip_zeros(std::string(s.substr(i, j - i)));
  std::size_t k = j;
  while (k < s.size() && s[k] == ' ') {
    ++k;
  }
  if (k < s.size() && (s[k] == '-' || s[k] == '/' || s[k] == '&')) {
    ++k;
    while (k < s.size() && s[k] == ' ') {
      ++k;
    }
    std::size_t m = k;
    while (m < s.size() && is_digit(s[m])) {
      ++m;
    }
    if (m > k) {
      out += '-';
      out += strip_zeros(std::string(s.substr(k, m - k)));
    }
  }
  return out;
}

std::string fold_dashes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    // U+2010..U+2015 (hyphens, en and em dash) and U+2212 (minus).
    if (u == 0xE2 && i + 2 < s.size()) {
      const auto u1 = static_cast<unsigned char>(s[i + 1]);
      const auto u2 = static_cast<unsigned char>(s[i + 2]);
      if ((u1 == 0x80 && u2 >= 0x90 && u2 <= 0x95) || (u1 == 0x88 && u2 == 0x92)) {
        out += '-';
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool has_conference_words(std::string_view lower) {
  for (const char* w : {"conference", "congress", "meeting", "symposium", "abstracts", "workshop", "colloquium",
                        "annual scientific"}) {
    if (lower.find(w) != std::string_view::npos) {
      return true;
    }
  }
  // Abbreviated: "Conf.", "Congr", "Symp", "Meet" (a word that starts one of
  // those names, four letters or more).
  std::size_t i = 0;
  while (i < lower.size()) {
    while (i < lower.size() && !is_ascii_alpha(lower[i])) {
      ++i;
    }
    std::size_t j = i;
    while (j < lower.size() && is_ascii_alpha(lower[j])) {
      ++j;
    }
    const std::string_view w = lower.substr(i, j - i);
    if (w.size() >= 4) {
      for (std::string_view full : {std::string_view("conference"), std::string_view("congress"),
                                    std::string_view("symposium"), std::string_view("meeting")}) {
        if (full.substr(0, w.size()) == w) {
          return true;
        }
      }
    }
    i = j;
  }
  return false;
}

bool has_supplement_words(std::string_view lower) {
  if (lower.find("suppl") != std::string_view::npos) {
    return true;
  }
  // "S2", "s 1"
  std::string_view t = trim(lower);
  return t.size() >= 2 && t[0] == 's' && (is_digit(t[1]) || (t[1] == ' ' && t.size() > 2 && is_digit(t[2])));
}

std::string normalize_author_words(std::string_view s) {
  std::string k = match_key(s);
  // German transliteration: "Nuernberger" meets "Nürnberger" (whose
  // diacritic match_key strips to "Nurnberger").
  std::string out;
  out.reserve(k.size());
  for (std::size_t i = 0; i < k.size(); ++i) {
    if ((k[i] == 'a' || k[i] == 'o' || k[i] == 'u') && i + 1 < k.size() && k[i + 1] == 'e' && i > 0 &&
        k[i - 1] != ' ') {
      out += k[i];
      ++i;
      continue;
    }
    out += k[i];
  }
  return out;
}

} // namespace

const char* notice_name(Notice n) {
  switch (n) {
  case Notice::none:
    return "article";
  case Notice::erratum:
    return "erratum";
  case Notice::retraction:
    return "retraction notice";
  case Notice::comment:
    return "comment or reply";
  case Notice::concern:
    return "expression of concern";
  }
  return "article";
}

bool is_stop_word(std::string_view w) {
  using namespace std::string_view_literals;
  // Compared as string_views: the length test rejects most words at once
  // (this runs for every word of every compared title).
  static constexpr std::string_view k_stop[] = {
      "a"sv,   "an"sv,   "the"sv, "of"sv,   "in"sv,   "on"sv,    "for"sv,  "and"sv,  "or"sv,   "to"sv,
      "with"sv, "by"sv,  "at"sv,  "from"sv, "as"sv,   "is"sv,    "are"sv,  "was"sv,  "were"sv, "be"sv,
      "its"sv, "their"sv, "into"sv, "via"sv, "vs"sv,  "versus"sv, "de"sv,  "la"sv,   "le"sv,   "les"sv,
      "et"sv,  "der"sv,  "die"sv, "das"sv,  "und"sv,  "en"sv,    "el"sv,   "los"sv,  "las"sv,  "del"sv,
      "di"sv,  "da"sv,   "y"sv,   "e"sv,    "du"sv,   "des"sv,   "il"sv,   "un"sv,   "une"sv,  "ein"sv,
      "eine"sv, "zur"sv, "zum"sv, "im"sv,   "am"sv,   "do"sv,    "dos"sv,
  };
  if (w.size() > 6) {
    return false;
  }
  for (std::string_view s : k_stop) {
    if (w == s) {
      return true;
    }
  }
  return false;
}

std::string normalize_words(std::string_view s) {
  const std::string k = match_key(spell_greek(s));
  std::string out;
  out.reserve(k.size());
  for (std::string_view w : split_on_spaces(k)) {
    std::string word(w);
    fold_spelling(word);
    if (!out.empty()) {
      out += ' ';
    }
    out += word;
  }
  return out;
}

TitleInfo analyse_title(std::string_view raw) {
  TitleInfo info;
  // No real title is longer; the bracket scan below is quadratic in the
  // worst case, and a hostile file must not make it so.
  if (raw.size() > k_max_title_bytes) {
    raw = raw.substr(0, k_max_title_bytes);
  }
  std::string s = fold_dashes(strip_markup(raw));
  s = drop_notes(s, info.translated);
  s = unwrap_translation(s, info.translated);
  // Once more: notes inside a bracketed translation ("[Title [Review]]").
  s = drop_notes(s, info.translated);
  std::string lower = lower_ascii(trim(s));
  info.notice = detect_notice(lower);
  // A translated title may follow a notice prefix ("Erratum: [Title]").
  lower = unwrap_translation(lower, info.translated);
  info.key = normalize_words(lower);
  return info;
}

PageInfo parse_pages(std::string_view raw) {
  PageInfo p;
  std::string s = lower_ascii(fold_dashes(raw));
  // "pp. 12-19", "p 12".
  std::string_view t = trim(s);
  for (const char* pre : {"pp.", "pp", "p.", "pages", "page"}) {
    if (starts_with(t, pre) && t.size() > std::strlen(pre) &&
        (t[std::strlen(pre)] == ' ' || is_digit(t[std::strlen(pre)]) || t[std::strlen(pre) - 1] == '.')) {
      t.remove_prefix(std::strlen(pre));
      t = trim(t);
      break;
    }
  }
  // Several ranges ("532, 534-536, 538-540"): the first page of the first
  // and the last page of the last.
  std::vector<std::string_view> parts;
  {
    std::size_t i = 0;
    while (i <= t.size()) {
      std::size_t j = t.find_first_of(",;", i);
      if (j == std::string_view::npos) {
        j = t.size();
      }
      std::string_view part = trim(t.substr(i, j - i));
      if (!part.empty()) {
        parts.push_back(part);
      }
      i = j + 1;
    }
  }
  if (parts.empty()) {
    return p;
  }
  // One page token: optional letter prefix, digits, optional letter suffix.
  struct Tok {
    std::string prefix;
    std::string digits;
  };
  auto token = [](std::string_view x) {
    Tok tok;
    x = trim(x);
    std::size_t i = 0;
    while (i < x.size() && is_ascii_alpha(x[i])) {
      tok.prefix += x[i];
      ++i;
    }
    while (i < x.size() && (x[i] == ' ' || x[i] == '.')) {
      ++i;
    }
    std::size_t j = i;
    while (j < x.size() && is_digit(x[j])) {
      ++j;
    }
    tok.digits = x.substr(i, j - i);
    return tok;
  };
  auto split_range = [](std::string_view part, std::string_view& a, std::string_view& b) {
    std::size_t d = part.find('-');
    while (d != std::string_view::npos && d + 1 < part.size() && part[d + 1] == '-') {
      // "--" (BibTeX, MEDLINE): treat as one dash.
      const std::size_t e = part.find_first_not_of('-', d);
      a = part.substr(0, d);
      b = e == std::string_view::npos ? std::string_view{} : part.substr(e);
      return;
    }
    if (d == std::string_view::npos) {
      a = part;
      b = {};
    } else {
      a = part.substr(0, d);
      b = part.substr(d + 1);
    }
  };
  std::string_view a1, b1, a2, b2;
  split_range(parts.front(), a1, b1);
  split_range(parts.back(), a2, b2);
  Tok first = token(a1);
  Tok last = token(parts.size() > 1 ? (b2.empty() ? a2 : b2) : b1);
  if (first.digits.empty()) {
    // "e12345" has its digits after letters; "abstract" has none.
    return p;
  }
  first.digits = strip_zeros(first.digits);
  if (!last.digits.empty()) {
    last.digits = strip_zeros(last.digits);
    if (last.prefix.empty()) {
      last.prefix = first.prefix;
    }
    // "123-9" -> "123-129": the last page borrows the leading digits it
    // lacks.
    if (last.digits.size() < first.digits.size()) {
      last.digits = first.digits.substr(0, first.digits.size() - last.digits.size()) + last.digits;
    }
  }
  p.first = first.digits;
  if (!last.digits.empty() && last.digits != first.digits) {
    p.last = last.digits;
    const bool backwards = last.digits.size() < first.digits.size() ||
                           (last.digits.size() == first.digits.size() && last.digits < first.digits);
    p.suspect = backwards;
  }
  p.elocator = (first.prefix == "e" && first.digits.size() >= 3) || (p.last.empty() && first.digits.size() >= 5);
  p.text = first.prefix + first.digits;
  if (!p.last.empty()) {
    p.text += '-';
    p.text += last.prefix + p.last;
  }
  return p;
}

bool article_like(const Prepared& p) {
  if (p.pages.first.empty() || p.pages.last.empty() || p.pages.suspect || p.pages.first.size() > 9 ||
      p.pages.last.size() > 9) {
    return false;
  }
  const long a = std::stol(p.pages.first);
  const long b = std::stol(p.pages.last);
  return b - a >= 2 && b - a < 1000;
}

Prepared prepare(const Record& r) {
  Prepared p;
  p.doi = dedup_doi_key(r.ids.doi);
  p.pmid = digits_of(r.ids.pmid);
  if (p.pmid.size() > 12) {
    p.pmid.clear();
  }

  TitleInfo ti = analyse_title(r.title);
  p.title = std::move(ti.key);
  p.translated = ti.translated;
  p.notice = ti.notice;
  for (char c : p.title) {
    if (c != ' ') {
      p.title_compact += c;
    }
  }
  for (std::string_view w : split_on_spaces(p.title)) {
    if (!is_stop_word(w)) {
      ++p.title_sig;
    }
  }
  // Publication types and links say what a record is more reliably than its
  // title (PubMed).
  for (const PublicationType& pt : r.publication_types) {
    const std::string n = lower_ascii(pt.name);
    if (n == "published erratum" || n == "erratum" || n == "correction") {
      p.notice = Notice::erratum;
    } else if (n == "retraction of publication" || n == "retraction notice") {
      p.notice = Notice::retraction;
    } else if (n == "expression of concern") {
      p.notice = Notice::concern;
    } else if (n == "comment" && p.notice == Notice::none) {
      p.notice = Notice::comment;
    }
    if (has_conference_words(n) || n.find("abstract") != std::string::npos) {
      p.conference = true;
    }
  }
  for (const RecordLink& l : r.links) {
    if (l.type == "ErratumFor") {
      p.notice = Notice::erratum;
    } else if (l.type == "RetractionOf") {
      p.notice = Notice::retraction;
    } else if (l.type == "ExpressionOfConcernFor") {
      p.notice = Notice::concern;
    } else if (l.type == "CommentOn" && p.notice == Notice::none) {
      p.notice = Notice::comment;
    }
  }
  p.registration = r.kind == "registration";

  for (const Author& a : r.authors) {
    if (!a.collective.empty()) {
      continue;
    }
    AuthorKey k;
    k.family = normalize_author_words(a.family);
    std::string given = normalize_author_words(a.given);
    if (k.family.empty() && !given.empty()) {
      k.family = std::move(given);
      given.clear();
    }
    if (k.family.empty() || k.family == "et al" || k.family == "et" || k.family == "anonymous" ||
        k.family == "anon" || k.family == "unknown" || k.family == "no authorship indicated") {
      continue;
    }
    for (std::string_view w : split_on_spaces(given)) {
      if (w.size() >= 3) {
        if (!k.given_words.empty()) {
          k.given_words += ' ';
        }
        k.given_words += w;
      }
    }
    const std::string ini = match_key(a.initials);
    if (!ini.empty() && ini[0] >= 'a' && ini[0] <= 'z') {
      k.initial = ini[0];
    } else if (!given.empty() && given[0] >= 'a' && given[0] <= 'z') {
      k.initial = given[0];
    }
    p.authors.push_back(std::move(k));
    if (p.authors.size() == k_max_authors) {
      break;
    }
  }

  std::string container = r.journal.title;
  if (container.empty()) {
    container = !r.journal.iso_abbrev.empty() ? r.journal.iso_abbrev : r.journal.medline_ta;
  }
  if (container.empty()) {
    container = r.book_title;
  }
  if (container.size() > 1000) {
    container.resize(1000);
  }
  {
    std::string lower = lower_ascii(container);
    p.conference = p.conference || has_conference_words(lower);
    // "Pediatric Nephrology.Conference: 44th Annual ..." is the journal
    // "Pediatric Nephrology".
    std::size_t c = lower.find("conference");
    if (c != std::string::npos && c >= 3) {
      container.resize(c);
      lower.resize(c);
    }
    // "(Online)", "(London, England : 1979)"; an unclosed "(" of a
    // truncated name too.
    std::string cleaned;
    int depth = 0;
    for (char ch : container) {
      if (ch == '(') {
        ++depth;
      } else if (ch == ')') {
        depth = depth > 0 ? depth - 1 : 0;
      } else if (depth == 0) {
        cleaned += ch;
      }
    }
    std::string words = normalize_words(cleaned);
    for (std::string_view w : split_on_spaces(words)) {
      if (is_stop_word(w) || w == "and") {
        continue;
      }
      if (!p.journal.empty()) {
        p.journal += ' ';
      }
      p.journal += w;
      p.journal_acronym += w[0];
    }
  }

  p.year = r.pub_date.year;
  if (p.year < 1000 || p.year > 2999) {
    p.year = 0;
  }
  {
    const std::string vol = lower_ascii(r.volume);
    p.supplement = has_supplement_words(vol);
    p.volume = number_key(vol);
    // A volume that is the year (journals without volumes, in some
    // databases) says nothing the year does not.
    if (!p.volume.empty() && p.year != 0 && p.volume.size() == 4) {
      const int v = std::stoi(p.volume);
      if (v >= p.year - 1 && v <= p.year + 1) {
        p.volume.clear();
      }
    }
    if (p.volume.size() > 9) {
      p.volume.clear();
    }
  }
  {
    const std::string iss = lower_ascii(r.issue);
    if (has_supplement_words(iss)) {
      p.supplement = true;
    } else {
      p.issue = number_key(iss);
      bool month = false;
      for (const char* m : {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
                            "spring", "summer", "autumn", "fall", "winter"}) {
        month = month || iss.find(m) != std::string::npos;
      }
      if (month || p.issue.size() > 6) {
        p.issue.clear();
      }
    }
  }
  p.conference = p.conference || p.supplement;
  p.pages = parse_pages(r.pages);

  for (const RecordIds::Other& o : r.ids.other) {
    if (lower_ascii(o.type) == "isbn" && p.isbn.empty()) {
      for (char c : o.value) {
        if (is_digit(c) || c == 'x' || c == 'X') {
          p.isbn += static_cast<char>(c == 'x' ? 'X' : c);
        }
      }
      if (p.isbn.size() != 10 && p.isbn.size() != 13) {
        p.isbn.clear();
      }
    }
  }

  std::string abs_text = r.abstract_plain();
  if (abs_text.size() > 100000) {
    abs_text.resize(100000); // enough for any abstract; bounds the work per record
  }
  const std::string abs = normalize_words(strip_markup(abs_text));
  const std::vector<std::string_view> words = split_on_spaces(abs);
  if (words.size() >= k_min_abstract_words) {
    p.abstract_words = static_cast<std::uint16_t>(std::min<std::size_t>(words.size(), 65535));
    p.abstract_sketch.fill(std::numeric_limits<std::uint32_t>::max());
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      const std::uint64_t h = fnv1a(words[i + 1], fnv1a(words[i]) ^ 0x20);
      for (std::size_t k = 0; k < k_sketch; ++k) {
        const auto v = static_cast<std::uint32_t>(mix64(h + 0x632BE59BD9B4E019ULL * (k + 1)) >> 32);
        p.abstract_sketch[k] = std::min(p.abstract_sketch[k], v);
      }
    }
  }
  return p;
}

} // namespace litrev::dedup

namespace litrev {

std::string dedup_doi_key(std::string_view s) {
  std::string out = normalize_doi(s);
  // "10.1037//0022-3514.83.3.606": old APA DOIs are cited with a double
  // slash and resolve with one. Only the key folds it; records keep the DOI
  // as their source gave it.
  if (const std::size_t slash = out.find("//"); slash != std::string::npos && out.find('/') == slash &&
                                         slash + 2 < out.size()) {
    out.erase(slash, 1);
  }
  return out;
}

std::string expand_page_range(std::string_view pages) { return dedup::parse_pages(pages).text; }

std::string dedup_title_key(std::string_view title) { return dedup::analyse_title(title).key; }

std::string dedup_author_key(const Author& author) {
  if (!author.collective.empty()) {
    return dedup::normalize_words(author.collective);
  }
  std::string family = dedup::normalize_author_words(author.family);
  std::string ini = match_key(author.initials);
  if (ini.empty()) {
    ini = match_key(author.given);
  }
  if (!ini.empty()) {
    family += ' ';
    family += ini[0];
  }
  return family;
}

} // namespace litrev
