// Private: what the readers of JSON service responses (europepmc.cpp,
// ctgov.cpp) share, and the look at a file's first bytes that sniffing
// (formats.cpp) uses.
//
// A response page is read whole and parsed with nlohmann::json: a page of a
// search API is at most a few MB (Europe PMC caps a page at 1,000 results,
// ClinicalTrials.gov at 1,000 studies), so the DOM costs little and streaming
// would buy nothing. nlohmann's parser and destructor are not recursive, so
// deep nesting in a hostile file costs memory, not stack; the readers never
// copy or dump a parsed subtree (both would recurse).
//
// nlohmann::json does not say where in the text a value was. The line a
// record starts on (ReadItem::line, and the line in a RecordError) comes
// from a second, cheap scan of the text (element_offsets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace litrev::json_page {

// The names of the members of the JSON object `head` starts with (after a
// UTF-8 BOM and white space), in order, as far as `head` goes: a member
// whose value is cut off by the end of `head` is listed and ends the list.
// Empty when `head` does not start with '{'. Names are returned as written
// between the quotes (escapes are not decoded). Never throws except
// std::bad_alloc.
std::vector<std::string> top_level_keys(std::string_view head);

// A response file read whole and parsed.
struct Page {
  // The file's text, decompressed, without a UTF-8 BOM.
  std::string text;
  nlohmann::json doc;
};

// Reads `path` (plain or gzip-compressed) and parses it as JSON. `name`
// names the file in errors. Throws IoError when the file cannot be read or
// is a directory, DataError (with the line when known) when it is larger
// than 256 MiB, is corrupt gzip data, or is not valid JSON (including text
// that is not UTF-8).
Page load(const std::string& path, const std::string& name);

// The 1-based line on which each element of the array at `path` (member
// names from the root object, the last one naming the array) starts in
// `text`. `text` must be the valid JSON that load() parsed. When a member
// appears twice, the last one counts (as in nlohmann::json). Empty when the
// path does not lead to an array (or a name on it is written with
// escapes): callers then report line 0, "unknown".
std::vector<std::uint64_t> element_lines(std::string_view text, const std::vector<std::string_view>& path);

// Thrown by the accessors below when a member is there but of the wrong
// type. The readers turn it into a RecordError naming the record.
class ShapeError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// "a string", "an object", ... for messages.
const char* type_phrase(const nlohmann::json& value);

// The member `key` of the object `obj` as text: a string as given (NUL
// bytes dropped, which JSON's \u0000 can carry), a number or a boolean in
// its JSON spelling, "" when absent or null. Throws ShapeError when `obj`
// is not an object or the member is an object or an array.
std::string text_at(const nlohmann::json& obj, const char* key);

// The member `key` when it is an object (or an array, for array_at);
// nullptr when absent or null. Throws ShapeError for any other type, or
// when `obj` is not an object.
const nlohmann::json* object_at(const nlohmann::json& obj, const char* key);
const nlohmann::json* array_at(const nlohmann::json& obj, const char* key);

// The member `key` as a list of texts: an array of strings or numbers, or a
// single string (some services drop the array around one value). Empty
// strings are dropped. Throws ShapeError for other types and for objects or
// arrays inside the array.
std::vector<std::string> texts_at(const nlohmann::json& obj, const char* key);

// The member names of `obj`, comma-separated, for messages ("version,
// hitCount"); at most the first eight.
std::string member_names(const nlohmann::json& obj);

} // namespace litrev::json_page
