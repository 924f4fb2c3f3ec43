// The streaming PubMed XML reader (litrev/pubmed_xml.hpp).
//
// How it works. pugixml builds a DOM of whatever it is given, so it is never
// given the whole file. The reader scans the byte stream itself for the
// top-level elements of <PubmedArticleSet> (<PubmedArticle>,
// <PubmedBookArticle>, <DeleteCitation>), copies one element's bytes into a
// reused buffer and parses that copy alone, in place. Memory therefore stays
// at the size of the largest element plus one read block. The prolog (XML
// declaration, DOCTYPE with any internal subset, comments) is skipped by the
// scanner: no DTD and no external entity is ever read, and an entity
// reference in an article stays literal text ("&xxe;").
//
// Input comes through zlib's gzread, which reads .gz and plain files alike, in
// 1 MiB blocks. Every byte is checked for UTF-8 and counted for line feeds
// exactly once (word at a time), which keeps error line numbers exact. The
// original bytes stay untouched (pugixml parses a copy), so the line of a
// pugixml error is counted on the original bytes.
#include <litrev/pubmed_xml.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pugixml.hpp>
#include <utf8proc.h>
#include <zlib.h>

#include <litrev/error.hpp>

#include "util/text.hpp"

namespace litrev {

namespace {

constexpr std::size_t k_block_size = std::size_t{1} << 20;
// No real PubMed element comes near this (the largest are a few MB); the cap
// keeps a hostile or corrupt file from taking all memory.
constexpr std::size_t k_max_element_bytes = std::size_t{256} << 20;
// Inline markup and MathML nest a few levels in real records; deeper nesting
// is refused instead of risking the stack.
constexpr int k_max_markup_depth = 200;

// pugixml options: decode entity and character references, keep CDATA as
// text. White-space-only text nodes are dropped (pretty-printed records have
// one between every two elements, and making them costs about a tenth of the
// parse), except as an element's only child (<mml:mtext> </mml:mtext>); where
// such a node matters, between inline elements ("<sub>a</sub> <sub>b</sub>"),
// TextFlattener recovers it from the original bytes. No DOCTYPE, PI, comment
// or declaration nodes; no end-of-line normalisation (white space is folded
// afterwards anyway).
constexpr unsigned k_parse_options = pugi::parse_escapes | pugi::parse_cdata | pugi::parse_ws_pcdata_single;

// ---------------------------------------------------------------------------
// Small helpers

// Element names are compared often; most differ in the first byte.
inline bool name_is(const char* name, const char* expected) {
  return name[0] == expected[0] && std::strcmp(name, expected) == 0;
}

inline bool node_is(pugi::xml_node node, const char* expected) {
  return name_is(node.name(), expected);
}

bool attr_is(pugi::xml_node node, const char* attribute, const char* expected) {
  return std::strcmp(node.attribute(attribute).value(), expected) == 0;
}

std::string attr_text(pugi::xml_node node, const char* attribute) {
  return folded_xml_space(node.attribute(attribute).value());
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    if (c != prefix[i]) {
      return false;
    }
  }
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A positive integer of at most `max_digits` digits, else 0.
int small_number(std::string_view s, std::size_t max_digits) {
  s = trim_xml_space(s);
  if (!all_digits(s) || s.size() > max_digits) {
    return 0;
  }
  int v = 0;
  for (char c : s) {
    v = v * 10 + (c - '0');
  }
  return v;
}

// "Sep", "September", "sep", "09", "9" -> 9; anything else -> 0.
int month_number(std::string_view s) {
  s = trim_xml_space(s);
  if (all_digits(s)) {
    const int m = small_number(s, 2);
    return m >= 1 && m <= 12 ? m : 0;
  }
  static constexpr const char* k_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  for (int i = 0; i < 12; ++i) {
    if (starts_with_ci(s, k_months[i])) {
      return i + 1;
    }
  }
  return 0;
}

// The first run of exactly four digits in `s` ("1998 Dec-1999 Jan" -> 1998),
// or 0.
int first_year(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] < '0' || s[i] > '9') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
      ++j;
    }
    if (j - i == 4) {
      return small_number(s.substr(i, 4), 4);
    }
    i = j;
  }
  return 0;
}

void ascii_lower_in_place(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
}

// ORCID iDs come bare ("0000-0002-1825-0097"), as URLs
// ("https://orcid.org/0000-0002-1825-0097") or without hyphens. Returns the
// bare hyphenated form, or the trimmed input when it is not an ORCID iD.
std::string normalise_orcid(std::string_view raw) {
  std::string_view s = trim_xml_space(raw);
  if (const std::size_t slash = s.rfind('/'); slash != std::string_view::npos) {
    s = s.substr(slash + 1);
  }
  std::string digits;
  for (char c : s) {
    if (c == '-' || c == ' ') {
      continue;
    }
    digits += c == 'x' ? 'X' : c;
  }
  const bool ok = digits.size() == 16 && all_digits(std::string_view(digits).substr(0, 15)) &&
                  ((digits[15] >= '0' && digits[15] <= '9') || digits[15] == 'X');
  if (!ok) {
    return std::string(trim_xml_space(raw));
  }
  return digits.substr(0, 4) + "-" + digits.substr(4, 4) + "-" + digits.substr(8, 4) + "-" +
         digits.substr(12, 4);
}

// True if the code point is a letter, a digit (or other number) or a
// combining mark: the characters that make up words.
bool is_word_code_point(utf8proc_int32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  const utf8proc_category_t cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool starts_with_word_char(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  utf8proc_int32_t cp = -1;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                   static_cast<utf8proc_ssize_t>(std::min<std::size_t>(s.size(), 4)), &cp);
  return cp >= 0 && is_word_code_point(cp);
}

bool ends_with_word_char(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  std::size_t start = s.size() - 1;
  while (start > 0 && s.size() - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  return starts_with_word_char(s.substr(start));
}

// ---------------------------------------------------------------------------
// Markup flattening
//
// Inline markup (%text = #PCDATA | b | i | sup | sub | u, nestable) and MathML
// become plain text without gluing or splitting words:
//  - <sub> and <sup> never add a space: "p<sub>trend</sub>" reads "ptrend",
//    "r<sup>2</sup>" reads "r2", and they attach to what precedes them even
//    across an element boundary ("<i>I</i><sup>2</sup>" reads "I2"). White
//    space that holds a line feed right before them is indentation from a
//    pretty printer and is dropped.
//  - At each start and end of <i>, <b>, <u> (and of any other element, and of
//    a MathML formula as a whole) one space is inserted when the characters
//    on both sides are letters or digits: "at the<i>TERT</i>gene" reads "at
//    the TERT gene", while "(<i>TERT</i>)" stays "(TERT)".
//  - MathML is read as a line of its tokens. Token elements (mi, mn, mo,
//    mtext, ms) give their text; white space between MathML elements
//    (indentation) is ignored, so tokens join without spaces unless the
//    formula itself has a space (an mtext of white space, mspace). Scripts
//    join their base like sub/sup ("O" with subscript "2max" reads "O2max").
//    An accent (an mo of one accent character, such as ".", "^", "~", "¯" or
//    "→", as the script of mover/munder/munderover) is dropped: V with a dot
//    over it reads "V". mmultiscripts reads its prescripts first, as chemists
//    write isotopes ("3He"). mfrac reads "numerator/denominator"; mfenced reads
//    "(a,b)" with its open, close and separators attributes; none and
//    mprescripts are empty; in semantics only the first child (the
//    presentation) is read.
// All runs of XML white space are then folded to one space and trimmed; other
// spaces (U+00A0) are kept. (White space between an inline element's last
// child element and its end tag, as in "<i><b>x</b> </i>", is not recovered
// from the original bytes; the boundary rule still keeps words apart there.)
// tests/fidelity/pubmed_biopython.py implements the same rules independently.

// Thrown by TextFlattener when markup nests deeper than k_max_markup_depth;
// ElementParser turns it into a DataError with the line.
struct MarkupTooDeep {
  std::ptrdiff_t offset;
};

class TextFlattener {
public:
  // `original` holds the bytes of the element as read; `parsed` is the start
  // of the copy pugixml parsed in place (node names point into it).
  TextFlattener(std::string& out, std::string_view original, const char* parsed)
    : m_out(out), m_original(original), m_parsed(parsed) {}

  // Appends the text of `node`'s content (mixed text and inline markup).
  void content(pugi::xml_node node, int depth) {
    if (depth > k_max_markup_depth) {
      throw MarkupTooDeep{node.offset_debug()};
    }
    bool after_text = false;
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const pugi::xml_node_type type = child.type();
      if (type == pugi::node_pcdata || type == pugi::node_cdata) {
        append(child.value());
        after_text = type == pugi::node_pcdata;
        continue;
      }
      const bool follows_text = after_text;
      after_text = false;
      if (type != pugi::node_element) {
        continue;
      }
      const char* name = child.name();
      if (!follows_text) {
        // A white-space-only text node pugixml dropped, or nothing.
        append(dropped_space_before(name));
      }
      if (name_is(name, "sub") || name_is(name, "sup")) {
        drop_indentation();
        m_boundary = false; // a script attaches to what precedes it
        content(child, depth + 1);
      } else if (name_is(name, "mml:math") || name_is(name, "math")) {
        m_boundary = true;
        math(child, depth + 1);
        m_boundary = true;
      } else {
        m_boundary = true;
        content(child, depth + 1);
        m_boundary = true;
      }
    }
  }

private:
  // The white space right before the start tag whose name is at `name` (in
  // the parsed copy), read from the original bytes.
  std::string_view dropped_space_before(const char* name) const {
    if (name < m_parsed + 2 || name > m_parsed + m_original.size()) {
      return {};
    }
    const std::size_t lt = static_cast<std::size_t>(name - m_parsed) - 1;
    std::size_t start = lt;
    while (start > 0 && is_xml_space(m_original[start - 1])) {
      --start;
    }
    return m_original.substr(start, lt - start);
  }

  // White space with a line feed right before <sub>/<sup> is a pretty
  // printer's indentation, not a space in the text: PubMed writes mixed
  // content on one line, so "&#946;\n\t\t<sub>2</sub>-agonist" reads
  // "β2-agonist".
  void drop_indentation() {
    std::size_t keep = m_out.size();
    while (keep > 0 && is_xml_space(m_out[keep - 1])) {
      --keep;
    }
    if (m_out.find('\n', keep) != std::string::npos) {
      m_out.resize(keep);
    }
  }

  void append(std::string_view s) {
    if (s.empty()) {
      return;
    }
    if (m_boundary) {
      m_boundary = false;
      if (ends_with_word_char(m_out) && starts_with_word_char(s)) {
        m_out += ' ';
      }
    }
    m_out.append(s);
  }

  static std::string_view local_name(const char* name) {
    std::string_view n(name);
    if (n.substr(0, 4) == "mml:") {
      n.remove_prefix(4);
    }
    return n;
  }

  // All text inside a token element, markup ignored.
  void token_text(pugi::xml_node node, int depth) {
    if (depth > k_max_markup_depth) {
      throw MarkupTooDeep{node.offset_debug()};
    }
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        append(child.value());
      } else if (child.type() == pugi::node_element) {
        token_text(child, depth + 1);
      }
    }
  }

  static bool is_accent(pugi::xml_node node) {
    if (local_name(node.name()) != "mo") {
      return false;
    }
    std::string text;
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (child.type() != pugi::node_pcdata && child.type() != pugi::node_cdata) {
        return false;
      }
      text += child.value();
    }
    const std::string_view t = trim_xml_space(text);
    static constexpr std::string_view k_accents[] = {
        ".", "^", "~", "`", "\xC2\xB4" /* ´ */, "\xC2\xA8" /* ¨ */, "\xC2\xAF" /* ¯ */,
        "\xCB\x99" /* ˙ */, "\xCB\x86" /* ˆ */, "\xCB\x9C" /* ˜ */, "\xCB\x98" /* ˘ */,
        "\xCB\x87" /* ˇ */, "\xE2\x80\xBE" /* ‾ */, "\xE2\x86\x92" /* → */,
        "\xE2\x83\x97" /* combining → */, "\xCC\x87" /* combining dot */};
    return std::find(std::begin(k_accents), std::end(k_accents), t) != std::end(k_accents);
  }

  void math_children(pugi::xml_node node, int depth) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) {
        math(child, depth + 1);
      }
    }
  }

  void math(pugi::xml_node node, int depth) {
    if (depth > k_max_markup_depth) {
      throw MarkupTooDeep{node.offset_debug()};
    }
    const std::string_view name = local_name(node.name());
    if (name == "mi" || name == "mn" || name == "mo" || name == "mtext" || name == "ms") {
      token_text(node, depth + 1);
    } else if (name == "mspace") {
      append(" ");
    } else if (name == "none" || name == "mprescripts" || name == "annotation" ||
               name == "annotation-xml") {
      // Empty placeholders; annotations repeat the formula in another form.
    } else if (name == "semantics") {
      if (pugi::xml_node first = first_element(node)) {
        math(first, depth + 1);
      }
    } else if (name == "mover" || name == "munder" || name == "munderover") {
      bool base = true;
      for (pugi::xml_node child = first_element(node); child; child = next_element(child)) {
        if (base || !is_accent(child)) {
          math(child, depth + 1);
        }
        base = false;
      }
    } else if (name == "mmultiscripts") {
      pugi::xml_node prescripts;
      for (pugi::xml_node child = first_element(node); child; child = next_element(child)) {
        if (local_name(child.name()) == "mprescripts") {
          prescripts = child;
          break;
        }
      }
      if (prescripts) {
        for (pugi::xml_node c = next_element(prescripts); c; c = next_element(c)) {
          math(c, depth + 1);
        }
      }
      for (pugi::xml_node c = first_element(node); c && c != prescripts; c = next_element(c)) {
        math(c, depth + 1);
      }
    } else if (name == "mfrac") {
      bool first = true;
      for (pugi::xml_node child = first_element(node); child; child = next_element(child)) {
        if (!first) {
          append("/");
        }
        math(child, depth + 1);
        first = false;
      }
    } else if (name == "mfenced") {
      const pugi::xml_attribute open = node.attribute("open");
      const pugi::xml_attribute close = node.attribute("close");
      const pugi::xml_attribute separators = node.attribute("separators");
      // The separators attribute lists one character per gap (white space
      // ignored); the last one repeats.
      std::string seps;
      {
        const std::string_view raw = separators ? separators.value() : ",";
        std::size_t i = 0;
        while (i < raw.size()) {
          const std::size_t len = utf8_length(raw[i]);
          if (!is_xml_space(raw[i])) {
            seps.append(raw.substr(i, len));
            seps += '\0';
          }
          i += len;
        }
      }
      append(open ? open.value() : "(");
      std::size_t sep_index = 0;
      bool first = true;
      for (pugi::xml_node child = first_element(node); child; child = next_element(child)) {
        if (!first) {
          append(nth_separator(seps, sep_index++));
        }
        math(child, depth + 1);
        first = false;
      }
      append(close ? close.value() : ")");
    } else {
      // math, mrow, msub, msup, msubsup, mstyle, msqrt, mtable, ...: in order.
      math_children(node, depth);
    }
  }

  static std::size_t utf8_length(char lead) {
    const auto c = static_cast<unsigned char>(lead);
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }

  // `seps` holds NUL-terminated separators; the last repeats.
  static std::string_view nth_separator(const std::string& seps, std::size_t n) {
    std::string_view last;
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < seps.size(); ++i) {
      const std::size_t end = seps.find('\0', pos);
      last = std::string_view(seps).substr(pos, end - pos);
      if (i == n) {
        break;
      }
      pos = end + 1;
    }
    return last;
  }

  static pugi::xml_node first_element(pugi::xml_node node) {
    pugi::xml_node c = node.first_child();
    while (c && c.type() != pugi::node_element) {
      c = c.next_sibling();
    }
    return c;
  }

  static pugi::xml_node next_element(pugi::xml_node node) {
    pugi::xml_node c = node.next_sibling();
    while (c && c.type() != pugi::node_element) {
      c = c.next_sibling();
    }
    return c;
  }

  std::string& m_out;
  std::string_view m_original;
  const char* m_parsed;
  bool m_boundary = false; // an element boundary was crossed since the last text
};

// The offset of the first character reference in `xml` to a character XML
// does not allow (&#0;, a surrogate, U+FFFE, above U+10FFFF), or npos; sets
// `length` to its length. pugixml would decode such a reference to bytes that
// are not valid UTF-8, or to a NUL that silently cuts the text.
std::size_t find_bad_char_ref(std::string_view xml, std::size_t& length) {
  std::size_t pos = 0;
  while ((pos = xml.find("&#", pos)) != std::string_view::npos) {
    std::size_t i = pos + 2;
    const bool hex = i < xml.size() && xml[i] == 'x';
    if (hex) {
      ++i;
    }
    unsigned long value = 0;
    const std::size_t digits_start = i;
    for (; i < xml.size(); ++i) {
      const char c = xml[i];
      int digit = -1;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      }
      if (digit < 0) {
        break;
      }
      // Saturates: any value past U+10FFFF is as bad as another.
      value = std::min<unsigned long>(value * (hex ? 16 : 10) + static_cast<unsigned long>(digit), 0x110000);
    }
    if (i > digits_start && i < xml.size() && xml[i] == ';' && !is_xml_char(value)) {
      length = i + 1 - pos;
      return pos;
    }
    pos = i;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------
// One element -> Record

// Parses single top-level elements. The document and the copy buffer are
// reused from element to element, so a long file costs no reallocations once
// the largest element has been seen.
class ElementParser {
public:
  // Parses `xml` (a PubmedArticle or PubmedBookArticle element) into
  // `record`. Errors name `file` and a line counted from `first_line`, the line
  // of the element's start tag; with `first_line` 0 (unknown) they name no line.
  void parse_record(std::string_view xml, const std::string& file, std::uint64_t first_line,
                    Record& record) {
    const pugi::xml_node root = load(xml, file, first_line);
    record = Record{};
    record.source = "pubmed-xml";
    if (node_is(root, "PubmedArticle")) {
      record.kind = "article";
      read_pubmed_article(root, record);
    } else if (node_is(root, "PubmedBookArticle")) {
      record.kind = "book-chapter";
      read_book_article(root, record);
    } else {
      fail(0, std::string("expected <PubmedArticle> or <PubmedBookArticle>, found <") +
                  excerpt(root.name(), 64) + ">");
    }
    if (record.ids.pmid.empty()) {
      fail(0, "<" + std::string(root.name()) + ">" + at_line() + " has no PMID");
    }
    if (!all_digits(record.ids.pmid)) {
      fail(0, "<" + std::string(root.name()) + ">" + at_line() + " has an invalid PMID \"" +
                  excerpt(record.ids.pmid, 40) + "\"");
    }
    if (record.ids.doi.empty()) {
      record.ids.doi = std::move(m_elocation_doi);
    }
    if (record.ids.pii.empty()) {
      record.ids.pii = std::move(m_elocation_pii);
    }
    ascii_lower_in_place(record.ids.doi);
    add_registry_ids_from_text(record);
    record.key = record_key(record);
  }

  // Parses a DeleteCitation element into the PMIDs it lists.
  void parse_deletion(std::string_view xml, const std::string& file, std::uint64_t first_line,
                      std::vector<std::string>& pmids) {
    const pugi::xml_node root = load(xml, file, first_line);
    pmids.clear();
    for (pugi::xml_node pmid = root.child("PMID"); pmid; pmid = pmid.next_sibling("PMID")) {
      std::string value;
      text(pmid, value);
      if (!all_digits(value)) {
        fail(pmid.offset_debug(), "<DeleteCitation> lists an invalid PMID \"" + excerpt(value, 40) + "\"");
      }
      pmids.push_back(std::move(value));
    }
    if (pmids.empty()) {
      fail(0, "<DeleteCitation>" + at_line() + " lists no PMID");
    }
  }

private:
  pugi::xml_node load(std::string_view xml, const std::string& file, std::uint64_t first_line) {
    m_file = &file;
    m_first_line = first_line;
    m_xml = xml;
    m_elocation_doi.clear();
    m_elocation_pii.clear();
    if (trim_xml_space(xml).empty()) {
      fail(0, "no element");
    }
    if (const void* nul = std::memchr(xml.data(), '\0', xml.size())) {
      fail(static_cast<const char*>(nul) - xml.data(), "NUL byte (not allowed in XML)");
    }
    std::size_t ref_length = 0;
    if (const std::size_t ref = find_bad_char_ref(xml, ref_length); ref != std::string_view::npos) {
      fail(static_cast<std::ptrdiff_t>(ref),
           "invalid character reference \"" + excerpt(xml.substr(ref, ref_length), 20) + "\"");
    }
    if (m_buffer_size < xml.size()) {
      m_buffer_size = std::max(xml.size(), m_buffer_size * 2);
      m_buffer.reset(new char[m_buffer_size]);
    }
    std::memcpy(m_buffer.get(), xml.data(), xml.size());
    const pugi::xml_parse_result result =
        m_doc.load_buffer_inplace(m_buffer.get(), xml.size(), k_parse_options, pugi::encoding_utf8);
    if (!result) {
      std::string what = "malformed XML";
      if (m_first_line > 0) {
        what += " in <" + element_name(xml) + "> started at line " + std::to_string(m_first_line);
      }
      fail(result.offset, what + ": " + result.description() + near(result.offset));
    }
    const pugi::xml_node root = m_doc.document_element();
    if (!root) {
      fail(0, "no element");
    }
    return root;
  }

  // ` (at "</Title>")`: the markup where pugixml stopped, for the message.
  std::string near(std::ptrdiff_t offset) const {
    if (offset < 0 || static_cast<std::size_t>(offset) >= m_xml.size()) {
      return {};
    }
    std::size_t at = static_cast<std::size_t>(offset);
    // pugixml points past "<" or "</" at a tag name; show the whole tag.
    if (at >= 2 && m_xml.substr(at - 2, 2) == "</") {
      at -= 2;
    } else if (at >= 1 && m_xml[at - 1] == '<') {
      at -= 1;
    }
    std::string_view rest = m_xml.substr(at);
    rest = rest.substr(0, std::min(rest.find('\n'), rest.find('>') == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : rest.find('>') + 1));
    if (trim_xml_space(rest).empty() || find_invalid_utf8(rest.substr(0, 40)) != std::string_view::npos) {
      return {};
    }
    return " (at \"" + excerpt(rest, 40) + "\")";
  }

  static std::string element_name(std::string_view xml) {
    std::size_t end = 1;
    while (end < xml.size() && end < 64 && !is_xml_space(xml[end]) && xml[end] != '>' && xml[end] != '/') {
      ++end;
    }
    return std::string(xml.substr(1, end - 1));
  }

  std::string at_line() const {
    return m_first_line > 0 ? " at line " + std::to_string(m_first_line) : std::string();
  }

  // Throws a DataError for the byte at `offset` of the element.
  [[noreturn]] void fail(std::ptrdiff_t offset, const std::string& problem) const {
    std::uint64_t line = m_first_line;
    if (line > 0 && offset > 0 && static_cast<std::size_t>(offset) <= m_xml.size()) {
      line += count_newlines(m_xml.substr(0, static_cast<std::size_t>(offset)));
    }
    throw DataError(*m_file, line, problem);
  }

  // The flattened, folded text of an element with inline markup.
  void text(pugi::xml_node node, std::string& out) {
    out.clear();
    const pugi::xml_node first = node.first_child();
    if (first && !first.next_sibling() && first.type() == pugi::node_pcdata) {
      out.assign(first.value()); // the common case: plain text
    } else {
      try {
        TextFlattener(out, m_xml, m_buffer.get()).content(node, 0);
      } catch (const MarkupTooDeep& e) {
        fail(e.offset, "markup nested more than " + std::to_string(k_max_markup_depth) + " levels deep");
      }
    }
    fold_xml_space(out);
  }

  std::string text(pugi::xml_node node) {
    std::string out;
    text(node, out);
    return out;
  }

  // PubmedArticle (MedlineCitation, PubmedData?)
  void read_pubmed_article(pugi::xml_node root, Record& r) {
    for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "MedlineCitation")) {
        read_medline_citation(child, r);
      } else if (name_is(name, "PubmedData")) {
        read_pubmed_data(child, r);
      }
    }
  }

  void read_pmid(pugi::xml_node node, Record& r) {
    if (!r.ids.pmid.empty()) {
      return;
    }
    text(node, r.ids.pmid);
    const std::string version = attr_text(node, "Version");
    if (!version.empty() && version != "1") {
      r.ids.pmid_version = version;
    }
  }

  void read_medline_citation(pugi::xml_node node, Record& r) {
    r.status = attr_text(node, "Status");
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "PMID")) {
        read_pmid(child, r);
      } else if (name_is(name, "Article")) {
        read_article(child, r);
      } else if (name_is(name, "MedlineJournalInfo")) {
        read_journal_info(child, r.journal);
      } else if (name_is(name, "MeshHeadingList")) {
        read_mesh(child, r);
      } else if (name_is(name, "CommentsCorrectionsList")) {
        read_comments_corrections(child, r);
      } else if (name_is(name, "KeywordList")) {
        read_keywords(child, r);
      }
      // OtherAbstract (translations, plain-language summaries), ChemicalList,
      // GrantList and the rest have no place in a Record.
    }
  }

  void read_article(pugi::xml_node node, Record& r) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "Journal")) {
        read_journal(child, r);
      } else if (name_is(name, "ArticleTitle")) {
        text(child, r.title);
      } else if (name_is(name, "VernacularTitle")) {
        text(child, r.vernacular_title);
      } else if (name_is(name, "Pagination")) {
        read_pagination(child, r);
      } else if (name_is(name, "ELocationID")) {
        read_elocation(child);
      } else if (name_is(name, "Abstract")) {
        read_abstract(child, r);
      } else if (name_is(name, "AuthorList")) {
        read_authors(child, r);
      } else if (name_is(name, "Language")) {
        read_language(child, r);
      } else if (name_is(name, "DataBankList")) {
        read_databanks(child, r);
      } else if (name_is(name, "PublicationTypeList")) {
        for (pugi::xml_node pt = child.child("PublicationType"); pt; pt = pt.next_sibling("PublicationType")) {
          read_publication_type(pt, r);
        }
      }
    }
  }

  void read_journal(pugi::xml_node node, Record& r) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "ISSN")) {
        if (attr_is(child, "IssnType", "Electronic")) {
          text(child, r.journal.issn_electronic);
        } else {
          text(child, r.journal.issn_print);
        }
      } else if (name_is(name, "JournalIssue")) {
        for (pugi::xml_node c = child.first_child(); c; c = c.next_sibling()) {
          if (node_is(c, "Volume")) {
            text(c, r.volume);
          } else if (node_is(c, "Issue")) {
            text(c, r.issue);
          } else if (node_is(c, "PubDate")) {
            read_pub_date(c, r.pub_date);
          }
        }
      } else if (name_is(name, "Title")) {
        text(child, r.journal.title);
      } else if (name_is(name, "ISOAbbreviation")) {
        text(child, r.journal.iso_abbrev);
      }
    }
  }

  // PubDate ((Year, ((Month, Day?) | Season)?) | MedlineDate)
  void read_pub_date(pugi::xml_node node, PubDate& d) {
    std::string value;
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "Year")) {
        text(child, value);
        d.year = small_number(value, 4);
      } else if (name_is(name, "Month")) {
        text(child, value);
        d.month = month_number(value);
      } else if (name_is(name, "Day")) {
        text(child, value);
        const int day = small_number(value, 2);
        d.day = day >= 1 && day <= 31 ? day : 0;
      } else if (name_is(name, "Season")) {
        text(child, d.season);
      } else if (name_is(name, "MedlineDate")) {
        text(child, d.text);
        if (d.year == 0) {
          d.year = first_year(d.text);
        }
      }
    }
  }

  void read_pagination(pugi::xml_node node, Record& r) {
    std::string start;
    std::string end;
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (node_is(child, "MedlinePgn")) {
        text(child, r.pages);
      } else if (node_is(child, "StartPage")) {
        text(child, start);
      } else if (node_is(child, "EndPage")) {
        text(child, end);
      }
    }
    if (r.pages.empty() && !start.empty()) {
      r.pages = end.empty() ? start : start + "-" + end;
    }
  }

  // ELocationID is the fallback for the DOI and PII of ArticleIdList.
  void read_elocation(pugi::xml_node node) {
    if (attr_is(node, "ValidYN", "N")) {
      return;
    }
    if (attr_is(node, "EIdType", "doi") && m_elocation_doi.empty()) {
      text(node, m_elocation_doi);
    } else if (attr_is(node, "EIdType", "pii") && m_elocation_pii.empty()) {
      text(node, m_elocation_pii);
    }
  }

  // Abstract (AbstractText+, CopyrightInformation?)
  void read_abstract(pugi::xml_node node, Record& r) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (node_is(child, "AbstractText")) {
        AbstractSection& s = r.abstract.emplace_back();
        s.label = attr_text(child, "Label");
        s.category = attr_text(child, "NlmCategory");
        text(child, s.text);
        if (s.text.empty() && s.label.empty()) {
          r.abstract.pop_back();
        }
      } else if (node_is(child, "CopyrightInformation")) {
        text(child, r.copyright);
      }
    }
  }

  // AuthorList (Author+). Editors' lists are not authors. Authors marked
  // ValidYN="N" are names PubMed lists in error (a corrected entry follows),
  // so they are left out.
  void read_authors(pugi::xml_node node, Record& r) {
    if (attr_is(node, "Type", "editors")) {
      return;
    }
    for (pugi::xml_node a = node.child("Author"); a; a = a.next_sibling("Author")) {
      if (attr_is(a, "ValidYN", "N")) {
        continue;
      }
      Author& author = r.authors.emplace_back();
      author.equal_contrib = attr_is(a, "EqualContrib", "Y");
      for (pugi::xml_node child = a.first_child(); child; child = child.next_sibling()) {
        const char* name = child.name();
        if (name_is(name, "LastName")) {
          text(child, author.family);
        } else if (name_is(name, "ForeName")) {
          text(child, author.given);
        } else if (name_is(name, "Initials")) {
          text(child, author.initials);
        } else if (name_is(name, "Suffix")) {
          text(child, author.suffix);
        } else if (name_is(name, "CollectiveName")) {
          text(child, author.collective);
        } else if (name_is(name, "Identifier")) {
          if (attr_is(child, "Source", "ORCID") && author.orcid.empty()) {
            author.orcid = normalise_orcid(text(child));
          }
        } else if (name_is(name, "AffiliationInfo")) {
          for (pugi::xml_node aff = child.child("Affiliation"); aff; aff = aff.next_sibling("Affiliation")) {
            std::string value = text(aff);
            if (!value.empty()) {
              author.affiliations.push_back(std::move(value));
            }
          }
        }
      }
    }
  }

  void read_language(pugi::xml_node node, Record& r) {
    std::string value = text(node);
    if (!value.empty()) {
      r.languages.push_back(std::move(value));
    }
  }

  // DataBankList (DataBank (DataBankName, AccessionNumberList?))
  void read_databanks(pugi::xml_node node, Record& r) {
    for (pugi::xml_node bank = node.child("DataBank"); bank; bank = bank.next_sibling("DataBank")) {
      const std::string registry = text(bank.child("DataBankName"));
      const pugi::xml_node list = bank.child("AccessionNumberList");
      for (pugi::xml_node acc = list.child("AccessionNumber"); acc; acc = acc.next_sibling("AccessionNumber")) {
        std::string id = text(acc);
        if (!id.empty()) {
          r.registry_ids.push_back({registry, std::move(id), "databank"});
        }
      }
    }
  }

  void read_publication_type(pugi::xml_node node, Record& r) {
    PublicationType pt;
    pt.ui = attr_text(node, "UI");
    text(node, pt.name);
    if (pt.ui == "D016441" || pt.name == "Retracted Publication") {
      r.retracted = true;
    }
    if (!pt.name.empty() || !pt.ui.empty()) {
      r.publication_types.push_back(std::move(pt));
    }
  }

  // MedlineJournalInfo (Country?, MedlineTA, NlmUniqueID?, ISSNLinking?)
  void read_journal_info(pugi::xml_node node, Journal& j) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "MedlineTA")) {
        text(child, j.medline_ta);
      } else if (name_is(name, "NlmUniqueID")) {
        text(child, j.nlm_id);
      } else if (name_is(name, "ISSNLinking")) {
        text(child, j.issn_linking);
      } else if (name_is(name, "Country")) {
        text(child, j.country);
      }
    }
  }

  // MeshHeadingList (MeshHeading (DescriptorName, QualifierName*))
  void read_mesh(pugi::xml_node node, Record& r) {
    for (pugi::xml_node h = node.child("MeshHeading"); h; h = h.next_sibling("MeshHeading")) {
      MeshHeading& m = r.mesh.emplace_back();
      for (pugi::xml_node child = h.first_child(); child; child = child.next_sibling()) {
        if (node_is(child, "DescriptorName")) {
          m.ui = attr_text(child, "UI");
          m.major = attr_is(child, "MajorTopicYN", "Y");
          m.type = attr_text(child, "Type");
          text(child, m.descriptor);
        } else if (node_is(child, "QualifierName")) {
          MeshQualifier& q = m.qualifiers.emplace_back();
          q.ui = attr_text(child, "UI");
          q.major = attr_is(child, "MajorTopicYN", "Y");
          text(child, q.name);
        }
      }
    }
  }

  // KeywordList (Keyword+), Keyword (%text | mml:math)*
  void read_keywords(pugi::xml_node node, Record& r) {
    const std::string owner = attr_text(node, "Owner");
    for (pugi::xml_node k = node.child("Keyword"); k; k = k.next_sibling("Keyword")) {
      Keyword kw;
      text(k, kw.text);
      if (kw.text.empty()) {
        continue;
      }
      kw.owner = owner;
      kw.major = attr_is(k, "MajorTopicYN", "Y");
      r.keywords.push_back(std::move(kw));
    }
  }

  // CommentsCorrections (RefSource, PMID?, Note?). "Cites" entries are the
  // reference list, not links between reports.
  void read_comments_corrections(pugi::xml_node node, Record& r) {
    for (pugi::xml_node cc = node.child("CommentsCorrections"); cc; cc = cc.next_sibling("CommentsCorrections")) {
      RecordLink link;
      link.type = attr_text(cc, "RefType");
      if (link.type == "Cites") {
        continue;
      }
      text(cc.child("RefSource"), link.ref_source);
      text(cc.child("PMID"), link.pmid);
      if (link.type == "RetractionIn") {
        r.retracted = true;
      }
      r.links.push_back(std::move(link));
    }
  }

  // PubmedData (History?, PublicationStatus, ArticleIdList, ObjectList?,
  // ReferenceList*). The reference list is skipped: its ArticleIds and
  // citation texts belong to other reports.
  void read_pubmed_data(pugi::xml_node node, Record& r) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (node_is(child, "History")) {
        read_history(child, r);
      } else if (node_is(child, "ArticleIdList")) {
        read_article_ids(child, r);
      }
    }
  }

  void read_history(pugi::xml_node node, Record& r) {
    for (pugi::xml_node d = node.child("PubMedPubDate"); d; d = d.next_sibling("PubMedPubDate")) {
      if (attr_is(d, "PubStatus", "retracted")) {
        r.retracted = true;
      }
    }
  }

  // ArticleIdList (ArticleId+), ArticleId@IdType: doi, pii, pmc, pubmed, mid,
  // pmcpid, pmpid, sici, medline, pmcid, pmcbook, bookaccession.
  void read_article_ids(pugi::xml_node node, Record& r) {
    std::string value;
    for (pugi::xml_node id = node.child("ArticleId"); id; id = id.next_sibling("ArticleId")) {
      text(id, value);
      if (value.empty()) {
        continue;
      }
      const std::string type = attr_text(id, "IdType");
      if (type == "doi") {
        if (r.ids.doi.empty()) {
          r.ids.doi = value;
        }
      } else if (type == "pmc") {
        if (r.ids.pmcid.empty()) {
          r.ids.pmcid = value;
        }
      } else if (type == "pii") {
        if (r.ids.pii.empty()) {
          r.ids.pii = value;
        }
      } else if (type == "pubmed" || type.empty()) {
        // The PMID again.
      } else {
        r.ids.other.push_back({type, value});
      }
    }
  }

  // PubmedBookArticle (BookDocument, PubmedBookData?)
  void read_book_article(pugi::xml_node root, Record& r) {
    for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
      if (node_is(child, "BookDocument")) {
        read_book_document(child, r);
      } else if (node_is(child, "PubmedBookData")) {
        read_pubmed_data(child, r);
      }
    }
    if (r.title.empty()) {
      r.title = r.book_title; // a whole book: its title is the record's title
    }
  }

  // BookDocument (PMID, ArticleIdList, Book, LocationLabel*, ArticleTitle?,
  // VernacularTitle?, Pagination?, Language*, AuthorList*, InvestigatorList?,
  // PublicationType*, Abstract?, Sections?, KeywordList*, ...)
  void read_book_document(pugi::xml_node node, Record& r) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "PMID")) {
        read_pmid(child, r);
      } else if (name_is(name, "ArticleIdList")) {
        read_article_ids(child, r);
      } else if (name_is(name, "Book")) {
        read_book(child, r);
      } else if (name_is(name, "ArticleTitle")) {
        text(child, r.title);
      } else if (name_is(name, "VernacularTitle")) {
        text(child, r.vernacular_title);
      } else if (name_is(name, "Pagination")) {
        read_pagination(child, r);
      } else if (name_is(name, "Language")) {
        read_language(child, r);
      } else if (name_is(name, "AuthorList")) {
        read_authors(child, r);
      } else if (name_is(name, "PublicationType")) {
        read_publication_type(child, r);
      } else if (name_is(name, "Abstract")) {
        read_abstract(child, r);
      } else if (name_is(name, "KeywordList")) {
        read_keywords(child, r);
      } else if (name_is(name, "ELocationID")) {
        read_elocation(child);
      }
    }
  }

  // Book (Publisher, BookTitle, PubDate, BeginningDate?, EndingDate?,
  // AuthorList*, InvestigatorList?, Volume?, VolumeTitle?, Edition?,
  // CollectionTitle?, Isbn*, ELocationID*, Medium?, ReportNumber?). The
  // book's AuthorLists are its editors, not the chapter's authors.
  void read_book(pugi::xml_node node, Record& r) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      const char* name = child.name();
      if (name_is(name, "Publisher")) {
        text(child.child("PublisherName"), r.publisher);
      } else if (name_is(name, "BookTitle")) {
        text(child, r.book_title);
      } else if (name_is(name, "PubDate")) {
        read_pub_date(child, r.pub_date);
      } else if (name_is(name, "Volume")) {
        text(child, r.volume);
      } else if (name_is(name, "ELocationID")) {
        read_elocation(child);
      }
    }
  }

  pugi::xml_document m_doc;
  std::unique_ptr<char[]> m_buffer;
  std::size_t m_buffer_size = 0;
  const std::string* m_file = nullptr;
  std::uint64_t m_first_line = 0;
  std::string_view m_xml;
  std::string m_elocation_doi;
  std::string m_elocation_pii;
};

// ---------------------------------------------------------------------------
// Prolog helpers, shared by the reader and looks_like_pubmed_xml

// The offset just past the '>' that ends the <!DOCTYPE ...> declaration
// starting at s[0], internal subset included, or npos if `s` ends first.
// Quoted literals, comments and processing instructions in the declaration
// may hold '>' and ']'.
std::size_t find_doctype_end(std::string_view s) {
  bool in_subset = false;
  std::size_t i = 2; // past "<!"
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"' || c == '\'') {
      const std::size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos) {
        return std::string_view::npos;
      }
      i = close + 1;
    } else if (in_subset && s.substr(i, 4) == "<!--") {
      const std::size_t close = s.find("-->", i + 4);
      if (close == std::string_view::npos) {
        return std::string_view::npos;
      }
      i = close + 3;
    } else if (in_subset && s.substr(i, 2) == "<?") {
      const std::size_t close = s.find("?>", i + 2);
      if (close == std::string_view::npos) {
        return std::string_view::npos;
      }
      i = close + 2;
    } else if (c == '[' && !in_subset) {
      in_subset = true;
      ++i;
    } else if (c == ']' && in_subset) {
      in_subset = false;
      ++i;
    } else if (c == '>' && !in_subset) {
      return i + 1;
    } else {
      ++i;
    }
  }
  return std::string_view::npos;
}

bool is_name_end(char c) {
  return is_xml_space(c) || c == '>' || c == '/';
}

// True if `s` starts with `open` ("<" or "</") and `name`, followed by the
// end of a name, or by the end of `s` when `at_eof` says no more bytes follow.
bool starts_with_tag(std::string_view s, std::string_view name, bool at_eof,
                     std::string_view open = "<") {
  const std::size_t n = open.size() + name.size();
  if (s.size() < n || s.substr(0, open.size()) != open || s.substr(open.size(), name.size()) != name) {
    return false;
  }
  if (s.size() == n) {
    return at_eof;
  }
  return is_name_end(s[n]);
}

// ---------------------------------------------------------------------------
// Byte sources

class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `dst`; returns 0 at the end of the input.
  // Throws IoError on a read error; a corrupt compressed stream is reported
  // through `data_problem` (the reader adds the line).
  virtual std::size_t read(char* dst, std::size_t size, std::string& data_problem) = 0;
  // An upper bound of the bytes left, when known (it sizes the buffer).
  virtual std::size_t size_hint() const { return SIZE_MAX; }
};

// A file, plain or gzip-compressed (zlib reads both).
class FileSource final : public ByteSource {
public:
  FileSource(const std::string& path, const std::string& display_name) : m_name(display_name) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw IoError(display_name + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      throw IoError(display_name + ": " + std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw IoError(display_name + ": is a directory");
    }
    m_gz = gzdopen(fd, "rb");
    if (m_gz == nullptr) {
      ::close(fd);
      throw IoError(display_name + ": cannot open (out of memory)");
    }
    gzbuffer(m_gz, 256 * 1024);
  }

  ~FileSource() override { gzclose(m_gz); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::size_t read(char* dst, std::size_t size, std::string& data_problem) override {
    const auto want = static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30));
    errno = 0;
    const int n = gzread(m_gz, dst, want);
    int err = Z_OK;
    const char* message = gzerror(m_gz, &err);
    if (err == Z_ERRNO) {
      throw IoError(m_name + ": " + std::strerror(errno != 0 ? errno : EIO));
    }
    if (n < 0 || (n == 0 && err != Z_OK)) {
      // Z_DATA_ERROR (corrupt stream) or Z_BUF_ERROR (the .gz ends early).
      data_problem = err == Z_BUF_ERROR ? "compressed data ends early (truncated .gz file)"
                                        : std::string("corrupt compressed data: ") + message;
      return 0;
    }
    return static_cast<std::size_t>(n);
  }

private:
  std::string m_name;
  gzFile m_gz = nullptr;
};

class MemorySource final : public ByteSource {
public:
  explicit MemorySource(std::string_view data) : m_data(data) {}

  std::size_t size_hint() const override { return m_data.size() - m_pos; }

  std::size_t read(char* dst, std::size_t size, std::string&) override {
    const std::size_t n = std::min(size, m_data.size() - m_pos);
    if (n > 0) {
      std::memcpy(dst, m_data.data() + m_pos, n);
    }
    m_pos += n;
    return n;
  }

private:
  std::string_view m_data;
  std::size_t m_pos = 0;
};

} // namespace

// ---------------------------------------------------------------------------
// The reader

struct PubmedXmlReader::Impl {
  enum class State { prolog, body, done, failed };

  std::unique_ptr<ByteSource> source;
  std::string file;
  std::unique_ptr<char[]> buf;
  std::size_t cap = 0;
  std::size_t begin = 0; // unconsumed bytes are buf[begin, end)
  std::size_t end = 0;
  bool eof = false;
  std::uint64_t consumed = 0; // bytes before buf[begin]
  std::uint64_t line = 1;     // line of buf[begin]
  std::uint64_t count = 0;
  State state = State::prolog;
  ElementParser parser;

  std::size_t avail() const { return end - begin; }
  const char* data() const { return buf.get() + begin; }
  std::string_view view() const { return {data(), avail()}; }

  [[noreturn]] void fail(std::uint64_t at_line, const std::string& problem) const {
    throw DataError(file, at_line, problem);
  }

  // Line of the byte at `offset` from buf[begin].
  std::uint64_t line_at(std::size_t offset) const {
    return line + count_newlines(std::string_view(data(), std::min(offset, avail())));
  }

  // Reads more input: at least one block, and at least as much as is already
  // buffered, so that rescanning a growing region costs linear time in all.
  // Returns false at the end of the input.
  bool fill() {
    if (eof) {
      return false;
    }
    const std::size_t live = avail();
    if (begin > 0) {
      if (live > 0) {
        std::memmove(buf.get(), buf.get() + begin, live);
      }
      begin = 0;
      end = live;
    }
    const std::size_t want = std::max<std::size_t>(1, std::min(std::max(k_block_size, live), source->size_hint()));
    if (cap - end < want) {
      const std::size_t new_cap = std::max(cap * 2, end + want);
      // Not value-initialised: the bytes are read over at once.
      std::unique_ptr<char[]> bigger(new char[new_cap]);
      if (end > 0) {
        std::memcpy(bigger.get(), buf.get(), end);
      }
      buf = std::move(bigger);
      cap = new_cap;
    }
    std::string problem;
    const std::size_t n = source->read(buf.get() + end, cap - end, problem);
    if (!problem.empty()) {
      fail(line_at(avail()), problem);
    }
    if (n == 0) {
      eof = true;
      return false;
    }
    end += n;
    return true;
  }

  // Makes `n` bytes available unless the input ends first; returns avail().
  std::size_t ensure(std::size_t n) {
    while (avail() < n && fill()) {
    }
    return avail();
  }

  // Consumes `n` bytes, checking UTF-8 and counting lines.
  void consume(std::size_t n) {
    const std::string_view bytes(data(), n);
    check_utf8(bytes);
    line += count_newlines(bytes);
    begin += n;
    consumed += n;
  }

  // Throws if `bytes` (starting at buf[begin]) is not valid UTF-8.
  void check_utf8(std::string_view bytes) const {
    const std::size_t bad = find_invalid_utf8(bytes);
    if (bad != std::string_view::npos) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(bytes[bad]));
      fail(line_at(static_cast<std::size_t>(bytes.data() - data()) + bad),
           std::string("invalid UTF-8 (byte ") + hex + ")");
    }
  }

  // Finds `needle` at or after `from` (offsets from buf[begin]), reading more
  // input as needed. At the end of input or past the size cap, throws
  // "file ends inside <what> started at line N".
  std::size_t find_forward(std::string_view needle, std::size_t from, const std::string& what,
                           std::uint64_t start_line) {
    for (;;) {
      const std::size_t found = find_bytes(view(), needle, from);
      if (found != std::string_view::npos) {
        return found;
      }
      if (avail() >= needle.size()) {
        from = std::max(from, avail() - needle.size() + 1);
      }
      check_size(what, start_line);
      if (!fill()) {
        truncated_inside(what, start_line);
      }
    }
  }

  void check_size(const std::string& what, std::uint64_t start_line) const {
    if (avail() > k_max_element_bytes) {
      fail(start_line, what + " started at line " + std::to_string(start_line) + " is larger than " +
                           std::to_string(k_max_element_bytes >> 20) + " MiB");
    }
  }

  [[noreturn]] void truncated_inside(const std::string& what, std::uint64_t start_line) const {
    fail(line_at(avail()), "file ends inside " + what + " started at line " + std::to_string(start_line));
  }

  // Skips XML white space; returns false at the end of the input.
  bool skip_space() {
    for (;;) {
      std::size_t i = 0;
      const char* p = data();
      while (i < avail() && is_xml_space(p[i])) {
        ++i;
      }
      line += count_newlines(std::string_view(p, i));
      begin += i;
      consumed += i;
      if (avail() > 0) {
        return true;
      }
      if (!fill()) {
        return false;
      }
    }
  }

  // At "<!--" or "<?": consumes the comment or processing instruction.
  void skip_comment_or_pi() {
    const bool comment = view().substr(0, 4) == "<!--";
    const std::uint64_t start_line = line;
    const std::string_view close = comment ? "-->" : "?>";
    const std::size_t at =
        find_forward(close, comment ? 4 : 2, comment ? "a comment" : "a processing instruction", start_line);
    consume(at + close.size());
  }

  // The name of the tag at buf[begin] ("<name ..." or, with `skip` 2,
  // "</name"), for messages.
  std::string tag_name(std::size_t skip = 1) {
    ensure(skip + 65);
    std::size_t n = skip;
    while (n < avail() && n < skip + 64 && !is_name_end(data()[n])) {
      ++n;
    }
    const std::string_view name(data() + skip, n - skip);
    if (find_invalid_utf8(name) != std::string_view::npos) {
      check_utf8(std::string_view(data(), n));
    }
    return excerpt(name, 64);
  }

  // Reads the prolog up to and including <PubmedArticleSet>.
  void read_prolog() {
    ensure(4);
    if (avail() == 0) {
      fail(0, "empty file");
    }
    const auto* u = reinterpret_cast<const unsigned char*>(data());
    if (avail() >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
      begin += 3; // UTF-8 byte order mark
      consumed += 3;
    } else if (avail() >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
      fail(1, "not PubMed XML: the file is UTF-16 text (PubMed XML is UTF-8)");
    } else if (avail() >= 2 && u[0] == 0x1F && u[1] == 0x8B) {
      // From a file this means compressed twice (zlib removed one layer).
      fail(1, "not PubMed XML: gzip-compressed data (decompress it first)");
    }
    bool seen_markup = false;
    for (;;) {
      if (!skip_space()) {
        fail(seen_markup ? line : 0, seen_markup ? "not PubMed XML: no root element" : "empty file");
      }
      ensure(24);
      const std::string_view s = view();
      if (s[0] != '<') {
        check_utf8(s.substr(0, std::min<std::size_t>(s.size(), 64)));
        const std::string_view first_line = s.substr(0, std::min(s.find('\n'), std::size_t{40}));
        fail(line, "not PubMed XML: it starts with \"" + excerpt(first_line, 40) +
                       "\", not with an XML element");
      }
      seen_markup = true;
      if (s.substr(0, 5) == "<?xml" && s.size() > 5 && is_xml_space(s[5])) {
        check_xml_declaration();
      } else if (s.substr(0, 4) == "<!--" || s.substr(0, 2) == "<?") {
        skip_comment_or_pi();
      } else if (starts_with_ci(s, "<!DOCTYPE")) {
        const std::uint64_t start_line = line;
        std::size_t doctype_end;
        while ((doctype_end = find_doctype_end(view())) == std::string_view::npos) {
          check_size("<!DOCTYPE>", start_line);
          if (!fill()) {
            truncated_inside("<!DOCTYPE>", start_line);
          }
        }
        consume(doctype_end);
      } else if (starts_with_tag(s, "PubmedArticleSet", eof)) {
        const std::size_t gt = find_forward(">", 1, "<PubmedArticleSet>", line);
        const bool empty_set = data()[gt - 1] == '/';
        consume(gt + 1);
        state = empty_set ? State::done : State::body;
        if (empty_set) {
          read_epilog();
        }
        return;
      } else {
        fail(line, "not PubMed XML: the root element is <" + tag_name() + ">");
      }
    }
  }

  // At "<?xml ": consumes the declaration; refuses encodings other than UTF-8.
  void check_xml_declaration() {
    const std::size_t close = find_forward("?>", 5, "the XML declaration", line);
    const std::string_view decl = view().substr(0, close);
    const std::size_t enc = decl.find("encoding");
    if (enc != std::string_view::npos) {
      std::size_t q = decl.find_first_of("\"'", enc);
      if (q != std::string_view::npos) {
        const std::size_t q_end = decl.find(decl[q], q + 1);
        if (q_end != std::string_view::npos) {
          const std::string_view name = decl.substr(q + 1, q_end - q - 1);
          const bool utf8 = name.size() == 5 && starts_with_ci(name, "UTF-8");
          const bool ascii = name.size() == 8 && starts_with_ci(name, "US-ASCII");
          if (!utf8 && !ascii) {
            check_utf8(decl);
            fail(line, "unsupported encoding \"" + excerpt(name, 40) + "\" (PubMed XML is UTF-8)");
          }
        }
      }
    }
    consume(close + 2);
  }

  // After </PubmedArticleSet> (or <PubmedArticleSet/>): only white space,
  // comments and processing instructions may follow.
  void read_epilog() {
    for (;;) {
      if (!skip_space()) {
        return;
      }
      ensure(4);
      const std::string_view s = view();
      if (s.substr(0, 4) == "<!--" || s.substr(0, 2) == "<?") {
        skip_comment_or_pi();
        continue;
      }
      check_utf8(s.substr(0, std::min<std::size_t>(s.size(), 64)));
      fail(line, "unexpected content after </PubmedArticleSet>: \"" +
                     excerpt(s.substr(0, std::min(s.find('\n'), std::size_t{40})), 40) + "\"");
    }
  }

  // At "<name": returns the size of the whole element (through its end tag),
  // reading more input as needed.
  std::size_t scan_element(const std::string& name, std::uint64_t start_line) {
    const std::string what = "<" + name + ">";
    const std::size_t gt = find_forward(">", 1 + name.size(), what, start_line);
    if (data()[gt - 1] == '/') {
      return gt + 1; // <PubmedArticle/>: an empty element
    }
    const std::string needle = "</" + name;
    std::size_t from = gt + 1;
    for (;;) {
      const std::size_t at = find_forward(needle, from, what, start_line);
      std::size_t i = at + needle.size();
      // The end tag is "</name", optional white space, ">". Anything else
      // ("</PubmedArticleSet") is not ours.
      while (ensure(i + 1) > i && is_xml_space(data()[i])) {
        ++i;
        check_size(what, start_line);
      }
      if (avail() <= i) {
        truncated_inside(what, start_line);
      }
      if (data()[i] == '>') {
        return i + 1;
      }
      from = at + 1;
    }
  }

  bool next(PubmedItem& item) {
    if (state == State::prolog) {
      read_prolog();
    }
    while (state == State::body) {
      if (!skip_space()) {
        fail(line, "truncated: no closing </PubmedArticleSet>");
      }
      ensure(24);
      const std::string_view s = view();
      if (s[0] != '<') {
        std::size_t n = 0;
        while (n < s.size() && n < 40 && s[n] != '<' && s[n] != '\n') {
          ++n;
        }
        check_utf8(s.substr(0, std::min<std::size_t>(s.size(), 64)));
        fail(line, "unexpected text between articles: \"" + excerpt(s.substr(0, n), 40) + "\"");
      }
      if (s.substr(0, 4) == "<!--" || s.substr(0, 2) == "<?") {
        skip_comment_or_pi();
        continue;
      }
      if (s.substr(0, 2) == "</") {
        if (starts_with_tag(s, "PubmedArticleSet", eof, "</")) {
          const std::size_t gt = find_forward(">", 2, "</PubmedArticleSet>", line);
          consume(gt + 1);
          state = State::done;
          read_epilog();
          return false;
        }
        fail(line, "unexpected end tag </" + tag_name(2) + "> in <PubmedArticleSet>");
      }
      if (s.substr(0, 9) == "<![CDATA[") {
        fail(line, "unexpected text between articles: a CDATA section");
      }
      const char* name = nullptr;
      for (const char* candidate : {"PubmedArticle", "PubmedBookArticle", "DeleteCitation"}) {
        if (starts_with_tag(s, candidate, eof)) {
          name = candidate;
          break;
        }
      }
      if (name == nullptr) {
        fail(line, "unexpected element <" + tag_name() + "> in <PubmedArticleSet>");
      }
      read_element(name, item);
      return true;
    }
    return false;
  }

  void read_element(const std::string& name, PubmedItem& item) {
    const std::uint64_t start_line = line;
    const std::size_t n = scan_element(name, start_line);
    const std::string_view xml(data(), n);
    const std::uint64_t newlines = count_newlines(xml);
    // The element's bounds are known, so a problem inside it concerns this
    // item alone: step over it and report it as a RecordError, after which
    // reading can go on.
    auto step_over = [&] {
      line += newlines;
      begin += n;
      consumed += n;
    };
    try {
      check_utf8(xml);
      item.line = start_line;
      item.pmids.clear();
      if (name == "DeleteCitation") {
        item.kind = PubmedItem::Kind::deletion;
        item.record = Record{};
        parser.parse_deletion(xml, file, start_line, item.pmids);
      } else {
        item.kind = PubmedItem::Kind::record;
        parser.parse_record(xml, file, start_line, item.record);
        item.record.provenance.file = file;
        item.record.provenance.position = count;
      }
    } catch (const DataError& e) {
      step_over();
      throw RecordError(e.file(), e.line(), e.problem());
    }
    step_over();
    ++count;
  }
};

PubmedXmlReader::PubmedXmlReader(const std::string& path, std::string display_name)
  : m_impl(std::make_unique<Impl>()) {
  m_impl->file = display_name.empty() ? path : std::move(display_name);
  m_impl->source = std::make_unique<FileSource>(path, m_impl->file);
}

PubmedXmlReader::PubmedXmlReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

PubmedXmlReader PubmedXmlReader::from_memory(std::string_view data, std::string display_name) {
  auto impl = std::make_unique<Impl>();
  impl->file = std::move(display_name);
  impl->source = std::make_unique<MemorySource>(data);
  return PubmedXmlReader(std::move(impl));
}

PubmedXmlReader::~PubmedXmlReader() = default;
PubmedXmlReader::PubmedXmlReader(PubmedXmlReader&&) noexcept = default;
PubmedXmlReader& PubmedXmlReader::operator=(PubmedXmlReader&&) noexcept = default;

bool PubmedXmlReader::next(PubmedItem& item) {
  if (m_impl->state == Impl::State::failed) {
    throw Error(m_impl->file + ": the reader was used after an error");
  }
  try {
    return m_impl->next(item);
  } catch (const RecordError&) {
    throw; // one article was bad; the reader stands after it
  } catch (...) {
    m_impl->state = Impl::State::failed;
    throw;
  }
}

std::uint64_t PubmedXmlReader::count() const noexcept {
  return m_impl->count;
}

std::uint64_t PubmedXmlReader::bytes_read() const noexcept {
  return m_impl->consumed;
}

void parse_pubmed_article(std::string_view xml, const std::string& origin, Record& record) {
  const std::size_t bad = find_invalid_utf8(xml);
  if (bad != std::string_view::npos) {
    throw DataError(origin, 0, "invalid UTF-8");
  }
  ElementParser parser;
  parser.parse_record(xml, origin, 0, record);
}

bool looks_like_pubmed_xml(std::string_view head) {
  std::string_view s = head;
  if (s.substr(0, 3) == "\xEF\xBB\xBF") {
    s.remove_prefix(3);
  }
  for (;;) {
    s = s.substr(std::min(s.size(), s.find_first_not_of(" \t\r\n")));
    if (s.substr(0, 4) == "<!--" || s.substr(0, 2) == "<?") {
      const std::string_view close = s[1] == '!' ? "-->" : "?>";
      const std::size_t at = s.find(close, 2);
      if (at == std::string_view::npos) {
        return false;
      }
      s.remove_prefix(at + close.size());
    } else if (starts_with_ci(s, "<!DOCTYPE")) {
      // The DOCTYPE names the root element.
      std::string_view rest = s.substr(9);
      rest = rest.substr(std::min(rest.size(), rest.find_first_not_of(" \t\r\n")));
      return rest.substr(0, 16) == "PubmedArticleSet" && (rest.size() == 16 || is_name_end(rest[16]) || rest[16] == '[');
    } else {
      return starts_with_tag(s, "PubmedArticleSet", true);
    }
  }
}

} // namespace litrev
