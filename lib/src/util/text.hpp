// Private: small, general text helpers (XML white space, UTF-8 checks, line
// counting). Nothing here knows about any file format.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace litrev {

// XML white space (XML 1.0 production S): space, tab, line feed, carriage
// return. Other Unicode spaces (U+00A0 and the like) are text, not white space.
constexpr bool is_xml_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// `s` without leading and trailing XML white space.
std::string_view trim_xml_space(std::string_view s) noexcept;

// Folds every run of XML white space in `s` to one space and trims both ends,
// in place. Allocates nothing.
void fold_xml_space(std::string& s);

// A folded and trimmed copy of `s` (see fold_xml_space).
std::string folded_xml_space(std::string_view s);

// The byte offset of the first byte of the first invalid UTF-8 sequence in
// `s`, or std::string_view::npos when `s` is valid UTF-8. Invalid means: a
// stray continuation byte, a truncated sequence (also at the end of `s`), an
// overlong form, a surrogate (U+D800..U+DFFF) or a value above U+10FFFF.
std::size_t find_invalid_utf8(std::string_view s) noexcept;

// True if `cp` may appear in an XML 1.0 document (production Char): tab, line
// feed, carriage return, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
constexpr bool is_xml_char(unsigned long cp) noexcept {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// `s` as XML character data or attribute value: invalid UTF-8 and characters
// XML forbids become U+FFFD, tab, line feed and carriage return become a
// space (a label is one line), and & < > " ' are written as entities.
std::string escape_xml_text(std::string_view s);

// Appends `field` to `out` as one RFC 4180 CSV field: quoted when `always`,
// or when it holds a comma, a quote or a line end or starts or ends with a
// space; quotes inside are doubled.
void append_csv_field(std::string& out, std::string_view field, bool always = false);

// Number of line feeds ('\n') in `s`. Word-at-a-time, so counting the lines
// of a whole file costs little next to parsing it.
std::size_t count_newlines(std::string_view s) noexcept;

// The offset of the first occurrence of `needle` in `hay` at or after
// `from`, or std::string_view::npos. Faster than std::string_view::find for
// needles whose first byte is common (such as "</PubmedArticle" in XML).
// An empty needle is found at `from`.
std::size_t find_bytes(std::string_view hay, std::string_view needle, std::size_t from = 0) noexcept;

// At most `max_bytes` of `s` for quoting in a message: cut at a UTF-8
// character boundary, with "..." appended when cut.
std::string excerpt(std::string_view s, std::size_t max_bytes);

// The words of `s` separated by runs of spaces (' ' only), as views into `s`,
// into `out` (cleared first; reusing it saves allocations in hot loops).
void split_on_spaces(std::string_view s, std::vector<std::string_view>& out);
inline std::vector<std::string_view> split_on_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  split_on_spaces(s, out);
  return out;
}

} // namespace litrev
