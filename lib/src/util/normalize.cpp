#include "util/normalize.hpp"

#include <cstdlib>

#include <utf8proc.h>

#include "util/text.hpp"

namespace litrev {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

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

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) {
      return false;
    }
  }
  return true;
}

std::size_t find_ci(std::string_view s, std::string_view needle) noexcept {
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (starts_with_ci(s.substr(i), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

// "10.<digits>[.<digits>...]/<suffix>", nothing else before the slash.
bool doi_shape(std::string_view d) noexcept {
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
  return true;
}

} // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string case_fold(std::string_view s) {
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()), &folded,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) {
    return ascii_lower(s);
  }
  std::string out(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n));
  std::free(folded);
  return out;
}

std::string match_key(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  bool pending_space = false;
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      // Invalid byte: drop it and go on.
      ++p;
      --left;
      continue;
    }
    p += n;
    left -= n;
    // Decompose, fold case and strip marks from this one code point.
    utf8proc_int32_t buf[16];
    utf8proc_ssize_t m = utf8proc_decompose_char(
        cp, buf, 16,
        static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                       UTF8PROC_DECOMPOSE),
        nullptr);
    if (m < 0 || m > 16) {
      continue;
    }
    for (utf8proc_ssize_t i = 0; i < m; ++i) {
      const utf8proc_category_t cat = utf8proc_category(buf[i]);
      const bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                        (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
      if (!word) {
        pending_space = !out.empty();
        continue;
      }
      if (pending_space) {
        out += ' ';
        pending_space = false;
      }
      utf8proc_uint8_t enc[4];
      const utf8proc_ssize_t k = utf8proc_encode_char(buf[i], enc);
      out.append(reinterpret_cast<const char*>(enc), static_cast<std::size_t>(k));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Identifiers

std::string percent_decode(std::string_view s) {
  if (s.find('%') == std::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  if (find_invalid_utf8(out) != std::string_view::npos || out.find('\0') != std::string::npos) {
    return std::string(s);
  }
  return out;
}

std::string normalize_doi(std::string_view raw) {
  const std::string decoded = percent_decode(trim(raw));
  std::string_view v = trim(decoded);
  // Prefixes, in the order they come: resolver ("https://dx.doi.org/"), then
  // "info:doi/", then a label ("doi:", "DOI ", "[doi]"), each optional.
  if (const std::size_t org = find_ci(v, "doi.org/"); org != std::string_view::npos) {
    v = v.substr(org + 8);
  }
  if (starts_with_ci(v, "info:doi/")) {
    v = v.substr(9);
  }
  if (starts_with_ci(v, "[doi]")) {
    v = v.substr(5);
  } else if (starts_with_ci(v, "doi") && v.size() > 3 && (is_space(v[3]) || v[3] == ':' || v[3] == '/')) {
    v = v.substr(3);
  }
  while (!v.empty() && (is_space(v.front()) || v.front() == ':' || v.front() == '/')) {
    v.remove_prefix(1);
  }
  // Cut at white space: what follows ("[doi]", a note) is not part of it.
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (is_space(v[i])) {
      v = v.substr(0, i);
      break;
    }
  }
  while (!v.empty() && (v.back() == '.' || v.back() == ',' || v.back() == ';' || v.back() == ':')) {
    v.remove_suffix(1);
  }
  if (!doi_shape(v)) {
    return {};
  }
  return ascii_lower(v);
}

std::string normalize_wos_id(std::string_view raw) {
  std::string_view v = trim(raw);
  if (starts_with_ci(v, "WOS:") || starts_with_ci(v, "ISI:")) {
    v = trim(v.substr(4));
  }
  if (v.empty()) {
    return {};
  }
  return "WOS:" + std::string(v);
}

} // namespace litrev
