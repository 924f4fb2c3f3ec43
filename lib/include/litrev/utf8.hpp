// litrev/utf8.hpp: UTF-8 encoding and decoding, one code point at a time,
// for the readers, the renderers and the terminal screen; and escaping text
// for XML and HTML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace litrev {

// Appends `cp` (at most U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// Decodes the UTF-8 sequence that starts at s[i] (i < s.size()) into `cp` and
// returns its length in bytes; returns 0 when the bytes there are not valid
// UTF-8 (a stray continuation byte, an overlong form, a surrogate, a code
// point above U+10FFFF, a sequence cut short).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp);

// `s` as XML or HTML character data or attribute value: & < > " ' become
// entities, tab and line ends a space, invalid UTF-8 and characters XML
// forbids U+FFFD. The one escape behind every SVG, HTML and XML litrev
// writes.
std::string escape_xml(std::string_view s);

} // namespace litrev
