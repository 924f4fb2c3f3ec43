#include "util/normalize.hpp"

#include <cstdlib>

#include <utf8proc.h>

namespace litrev {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
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

} // namespace litrev
