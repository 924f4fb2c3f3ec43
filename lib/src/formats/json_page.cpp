// Loading a JSON response page, finding where its records start, and typed
// access to its members (see json_page.hpp).
#include "formats/json_page.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <sys/stat.h>
#include <zlib.h>

#include <litrev/error.hpp>

#include "formats/ref_fields.hpp"
#include "util/text.hpp"

namespace litrev::json_page {

using nlohmann::json;

namespace {

constexpr std::size_t k_max_bytes = std::size_t{256} << 20;
constexpr std::size_t npos = std::string_view::npos;

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_space(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_json_space(s[pos])) {
    ++pos;
  }
  return pos;
}

// `pos` is at an opening quote; returns the position after the closing one,
// or npos when the string runs past the end of `s`.
std::size_t skip_string(std::string_view s, std::size_t pos) {
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return npos;
}

// `pos` is at the first byte of a value; returns the position after it, or
// npos when it runs past the end of `s`. Iterative, so nesting depth costs
// nothing. Trusts the input to be JSON-shaped; on other bytes it still ends
// (every step moves forward).
std::size_t skip_value(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) {
    return npos;
  }
  const char c = s[pos];
  if (c == '"') {
    return skip_string(s, pos);
  }
  if (c == '{' || c == '[') {
    std::size_t depth = 0;
    for (std::size_t i = pos; i < s.size();) {
      const char d = s[i];
      if (d == '"') {
        i = skip_string(s, i);
        if (i == npos) {
          return npos;
        }
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) {
          return i + 1;
        }
      }
      ++i;
    }
    return npos;
  }
  std::size_t i = pos;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_json_space(s[i])) {
    ++i;
  }
  return i == s.size() ? npos : i;
}

std::string_view drop_bom(std::string_view s) {
  return s.substr(0, 3) == "\xEF\xBB\xBF" ? s.substr(3) : s;
}

// Calls `each(name, value_pos)` for every member of the object at `pos`,
// in order, and returns the position after the object (npos when cut off).
// `each` returns false to stop early (the result is then npos).
template <typename F>
std::size_t for_each_member(std::string_view s, std::size_t pos, F each) {
  if (pos >= s.size() || s[pos] != '{') {
    return npos;
  }
  pos = skip_space(s, pos + 1);
  if (pos < s.size() && s[pos] == '}') {
    return pos + 1;
  }
  while (pos < s.size() && s[pos] == '"') {
    const std::size_t key_end = skip_string(s, pos);
    if (key_end == npos) {
      return npos;
    }
    const std::string_view name = s.substr(pos + 1, key_end - pos - 2);
    pos = skip_space(s, key_end);
    if (pos >= s.size() || s[pos] != ':') {
      return npos;
    }
    pos = skip_space(s, pos + 1);
    if (!each(name, pos)) {
      return npos;
    }
    pos = skip_value(s, pos);
    if (pos == npos) {
      return npos;
    }
    pos = skip_space(s, pos);
    if (pos < s.size() && s[pos] == ',') {
      pos = skip_space(s, pos + 1);
    } else if (pos < s.size() && s[pos] == '}') {
      return pos + 1;
    } else {
      return npos;
    }
  }
  return npos;
}

struct GzClose {
  void operator()(gzFile_s* gz) const { gzclose(gz); }
};

// "[json.exception.parse_error.101] parse error at line 3, column 7:
// syntax error ..." -> "syntax error ...": the file and line are said by
// DataError itself.
std::string parse_problem(const char* what) {
  std::string_view w(what);
  const std::size_t pe = w.find("parse error");
  if (pe != npos) {
    const std::size_t colon = w.find(": ", pe);
    if (colon != npos) {
      return std::string(w.substr(colon + 2));
    }
  }
  if (w.substr(0, 1) == "[") {
    const std::size_t close = w.find("] ");
    if (close != npos) {
      return std::string(w.substr(close + 2));
    }
  }
  return std::string(w);
}

} // namespace

std::vector<std::string> top_level_keys(std::string_view head) {
  std::vector<std::string> keys;
  const std::string_view s = drop_bom(head);
  const std::size_t start = skip_space(s, 0);
  for_each_member(s, start, [&](std::string_view name, std::size_t) {
    keys.emplace_back(name);
    return keys.size() < 1000;
  });
  return keys;
}

Page load(const std::string& path, const std::string& name) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError(name + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    throw IoError(name + ": is a directory");
  }
  std::unique_ptr<gzFile_s, GzClose> gz(gzopen(path.c_str(), "rb"));
  if (!gz) {
    throw IoError(name + ": cannot open: " + std::strerror(errno));
  }
  Page page;
  constexpr std::size_t k_block = std::size_t{1} << 20;
  for (;;) {
    const std::size_t old = page.text.size();
    page.text.resize(old + k_block);
    const int got = gzread(gz.get(), page.text.data() + old, static_cast<unsigned>(k_block));
    if (got < 0) {
      int err = 0;
      const char* msg = gzerror(gz.get(), &err);
      if (err == Z_ERRNO) {
        throw IoError(name + ": read error: " + std::strerror(errno));
      }
      throw DataError(name, 0, std::string("corrupt compressed data: ") + msg);
    }
    page.text.resize(old + static_cast<std::size_t>(got));
    if (got == 0) {
      break;
    }
    if (page.text.size() > k_max_bytes) {
      throw DataError(name, 0, "larger than 256 MiB: not a response page of a search service");
    }
  }
  if (page.text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    page.text.erase(0, 3);
  }
  if (trim_xml_space(page.text).empty()) {
    throw DataError(name, 0, "empty file, expected a JSON response");
  }
  try {
    page.doc = json::parse(page.text);
  } catch (const json::parse_error& e) {
    const std::size_t at = std::min(page.text.size(), e.byte > 0 ? e.byte - 1 : 0);
    const std::uint64_t line = 1 + count_newlines(std::string_view(page.text).substr(0, at));
    throw DataError(name, line, "not valid JSON: " + parse_problem(e.what()));
  } catch (const json::exception& e) {
    // A number too large for a double ("1e999") is out_of_range, without a
    // position.
    throw DataError(name, 0, "not valid JSON: " + parse_problem(e.what()));
  }
  return page;
}

std::vector<std::uint64_t> element_lines(std::string_view text, const std::vector<std::string_view>& path) {
  std::vector<std::uint64_t> lines;
  if (path.empty()) {
    return lines;
  }
  std::size_t pos = skip_space(text, 0);
  for (const std::string_view want : path) {
    std::size_t found = npos;
    for_each_member(text, pos, [&](std::string_view name, std::size_t value_pos) {
      if (name == want) {
        found = value_pos;
      }
      return true;
    });
    if (found == npos) {
      return lines;
    }
    pos = found;
  }
  if (pos >= text.size() || text[pos] != '[') {
    return lines;
  }
  std::uint64_t line = 1 + count_newlines(text.substr(0, pos));
  std::size_t counted = pos;
  pos = skip_space(text, pos + 1);
  if (pos < text.size() && text[pos] == ']') {
    return lines;
  }
  while (pos < text.size()) {
    line += count_newlines(text.substr(counted, pos - counted));
    counted = pos;
    lines.push_back(line);
    pos = skip_value(text, pos);
    if (pos == npos) {
      break;
    }
    pos = skip_space(text, pos);
    if (pos < text.size() && text[pos] == ',') {
      pos = skip_space(text, pos + 1);
    } else {
      break;
    }
  }
  return lines;
}

const char* type_phrase(const json& value) {
  switch (value.type()) {
  case json::value_t::object:
    return "an object";
  case json::value_t::array:
    return "an array";
  case json::value_t::string:
    return "a string";
  case json::value_t::boolean:
    return "a boolean";
  case json::value_t::null:
    return "null";
  case json::value_t::discarded:
    return "nothing";
  default:
    return "a number";
  }
}

namespace {

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) {
    throw ShapeError(std::string("expected an object holding \"") + key + "\", found " + type_phrase(obj));
  }
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

std::string scalar_text(const json& v, const char* key) {
  if (v.is_string()) {
    return ref_fields::valid_utf8(v.get_ref<const std::string&>());
  }
  if (v.is_number() || v.is_boolean()) {
    return v.dump();
  }
  throw ShapeError(std::string("\"") + key + "\" is " + type_phrase(v) + ", expected text");
}

} // namespace

std::string text_at(const json& obj, const char* key) {
  const json* v = member(obj, key);
  return v ? scalar_text(*v, key) : std::string();
}

const json* object_at(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v && !v->is_object()) {
    throw ShapeError(std::string("\"") + key + "\" is " + type_phrase(*v) + ", expected an object");
  }
  return v;
}

const json* array_at(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v && !v->is_array()) {
    throw ShapeError(std::string("\"") + key + "\" is " + type_phrase(*v) + ", expected an array");
  }
  return v;
}

std::vector<std::string> texts_at(const json& obj, const char* key) {
  std::vector<std::string> out;
  const json* v = member(obj, key);
  if (!v) {
    return out;
  }
  if (v->is_string()) {
    std::string t = scalar_text(*v, key);
    if (!t.empty()) {
      out.push_back(std::move(t));
    }
    return out;
  }
  if (!v->is_array()) {
    throw ShapeError(std::string("\"") + key + "\" is " + type_phrase(*v) + ", expected a list");
  }
  for (const json& e : *v) {
    if (e.is_null()) {
      continue;
    }
    std::string t = scalar_text(e, key);
    if (!t.empty()) {
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::string member_names(const json& obj) {
  std::string out;
  if (!obj.is_object()) {
    return out;
  }
  int n = 0;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (++n > 8) {
      out += ", ...";
      break;
    }
    if (!out.empty()) {
      out += ", ";
    }
    out += excerpt(it.key(), 40);
  }
  return out;
}

} // namespace litrev::json_page
