// Private: normalising text for keys and comparisons.
#pragma once

#include <string>
#include <string_view>

#include <litrev/record.hpp>

namespace litrev {

// ASCII letters lower-cased; every other byte unchanged.
std::string ascii_lower(std::string_view s);

// `s` in Unicode NFC with case folded ("Bruserud Ø" -> "bruserud ø"), marks
// kept. Invalid UTF-8 falls back to ascii_lower(s).
std::string case_fold(std::string_view s);

// A form of `s` for matching records and building keys: Unicode NFKC with case
// folding and accents stripped (utf8proc), every run of characters that are not
// letters or digits turned into one space, trimmed. "Ketamine–Assisted
// Thérapie!" becomes "ketamine assisted therapie". Invalid UTF-8 bytes are
// dropped. Never throws except std::bad_alloc.
std::string match_key(std::string_view s);

// ---------------------------------------------------------------------------
// Identifiers. The one place their canonical forms are defined: every reader
// stores, and dedup compares, what these return.

// Decodes %XX escapes. An escape that is not two hex digits stays as it is;
// when the decoded text would not be valid UTF-8 or would hold a NUL byte, `s`
// comes back unchanged.
std::string percent_decode(std::string_view s);

// normalize_doi and normalize_wos_id are public: litrev/record.hpp.

} // namespace litrev
