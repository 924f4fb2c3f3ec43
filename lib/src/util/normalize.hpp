// Private: normalising text for keys and comparisons.
#pragma once

#include <string>
#include <string_view>

namespace litrev {

// ASCII letters lower-cased; every other byte unchanged.
std::string ascii_lower(std::string_view s);

// A form of `s` for matching records and building keys: Unicode NFKC with case
// folding and accents stripped (utf8proc), every run of characters that are not
// letters or digits turned into one space, trimmed. "Ketamine–Assisted
// Thérapie!" becomes "ketamine assisted therapie". Invalid UTF-8 bytes are
// dropped. Never throws except std::bad_alloc.
std::string match_key(std::string_view s);

} // namespace litrev
